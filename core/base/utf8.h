// UTF-8 well-formedness, as protobuf requires of every `string` field: a
// record whose string fields are not valid UTF-8 does not parse again, so
// the store refuses such input before writing it.
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_BASE_UTF8_H_
#define FUNDLOG_CORE_BASE_UTF8_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace fundlog {

// The byte offset of the first ill-formed sequence in `text` (Unicode
// Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or
// nullopt when all of `text` is well-formed UTF-8.
std::optional<size_t> FirstInvalidUtf8(absl::string_view text);

inline bool IsValidUtf8(absl::string_view text) {
  return !FirstInvalidUtf8(text).has_value();
}

}  // namespace fundlog

#endif  // FUNDLOG_CORE_BASE_UTF8_H_
