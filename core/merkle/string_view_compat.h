// Private: bridges std::string_view (our API) and absl::string_view.
//
// Debian's Abseil 20220623 is built with ABSL_OPTION_USE_STD_STRING_VIEW=0,
// so absl::string_view is a distinct class and absl's string functions
// (StrCat, StrSplit, Base64Escape, ...) do not accept std::string_view.
// Convert explicitly at each call instead of changing the public types.
//
// Thread-safe: pure functions.
#ifndef FUNDLOG_CORE_MERKLE_STRING_VIEW_COMPAT_H_
#define FUNDLOG_CORE_MERKLE_STRING_VIEW_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace fundlog::merkle::internal {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline std::string_view ToStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace fundlog::merkle::internal

#endif  // FUNDLOG_CORE_MERKLE_STRING_VIEW_COMPAT_H_
