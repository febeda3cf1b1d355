// Field-by-field checks that hold for every field of a given type, whatever
// message it sits in: found by protobuf reflection, so a field added to the
// schema is covered without touching this code. Internal to core/store
// (ValidateBatch runs them before its per-payload checks).
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_LEDGER_VALIDATE_FIELDS_H_
#define FUNDLOG_CORE_LEDGER_VALIDATE_FIELDS_H_

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
// A voucher event (the bulk of every import) is first read directly
// through its generated accessors (VoucherFieldsClean); only an event that
// is not a voucher, or one with a problem, is walked, so the problem is named
// exactly as the walk names it.
std::optional<FieldProblem> CheckEveryField(
    const google::protobuf::Message& message);

// For a fundlog.v1.Event with a voucher payload and an effective day: true
// when every field passes the rules above, false when one does not (the walk
// then names it). nullopt for any other message, or when the schema holds a
// field the direct check does not read (VoucherCheckCoversSchema).
std::optional<bool> VoucherFieldsClean(
    const google::protobuf::Message& message);

// Whether the direct check reads every text, amount and message field of
// the messages a voucher event holds (checked once against the
// descriptors). A test pins it true, so a field added to the schema fails
// that test rather than slip past the check.
bool VoucherCheckCoversSchema();

}  // namespace fundlog

#endif  // FUNDLOG_CORE_LEDGER_VALIDATE_FIELDS_H_
