// Test-only: a small JSON reader for the RFC 6962 test vectors.
//
// Purpose-built rather than protobuf's JSON-to-Struct because Struct holds
// numbers as doubles, and the vectors use 2^64 - 1 as a leaf index.
// Numbers are kept as their text and converted on request.
//
// Thread safety: immutable after Parse; safe to share.
#ifndef FUNDLOG_CORE_MERKLE_TEST_JSON_H_
#define FUNDLOG_CORE_MERKLE_TEST_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace fundlog::merkle::json {

class Value {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  // Parses one JSON document (RFC 8259) with nothing but whitespace after it.
  // Returns kInvalidArgument with the byte offset of the first error.
  static absl::StatusOr<Value> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  // For kBool.
  bool boolean() const { return boolean_; }
  // Decoded text for kString; the literal digits for kNumber.
  const std::string& text() const { return text_; }
  // Elements of a kArray (empty for other kinds).
  const std::vector<Value>& elements() const { return elements_; }
  // The member named `key` of a kObject, or nullptr.
  const Value* Find(std::string_view key) const;
  // A kNumber that is a non-negative integer fitting uint64_t;
  // kInvalidArgument otherwise.
  absl::StatusOr<uint64_t> AsUint64() const;

 private:
  friend class Parser;
  Kind kind_ = Kind::kNull;
  bool boolean_ = false;
  std::string text_;
  std::vector<Value> elements_;
  std::vector<std::pair<std::string, Value>> members_;
};

}  // namespace fundlog::merkle::json

#endif  // FUNDLOG_CORE_MERKLE_TEST_JSON_H_
