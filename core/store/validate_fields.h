// Field-by-field checks that hold for every field of a given type, whatever
// message it sits in: found by protobuf reflection, so a field added to the
// schema is covered without touching this code. Internal to core/store
// (ValidateBatch runs them before its per-payload checks).
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_STORE_VALIDATE_FIELDS_H_
#define FUNDLOG_CORE_STORE_VALIDATE_FIELDS_H_

#include <optional>
#include <string>

#include "google/protobuf/message.h"

namespace fundlog {

// Messages nested deeper than this are refused (the parsers stop far
// earlier; this bounds the walk's own recursion).
inline constexpr int kFieldNestingMax = 64;

// A field that breaks a rule: its dotted path from the walked message
// (repeated elements as `rows[2]`) and why.
struct FieldProblem {
  std::string field;
  std::string reason;
};

// Walks every set field of `message`, recursively through nested and
// repeated messages, and returns the first that breaks a rule, or nullopt:
//  - every `string` field must be well-formed UTF-8 (protobuf refuses to
//    parse a record that is not, so it must never be written);
//  - every int64 field whose name ends in `_ore` (an amount the event
//    states) must lie within ±kAmountOreMax, except in
//    fundlog.v1.SealedBalance, whose figures the log computes itself.
std::optional<FieldProblem> CheckEveryField(
    const google::protobuf::Message& message);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_VALIDATE_FIELDS_H_
