// Bounds on input that every layer checks against, with their units last:
// the batch reader refuses a file by them before parsing it, the importers
// split by them, and validation refuses an event or batch over them.
#ifndef FUNDLOG_CORE_BASE_LIMITS_H_
#define FUNDLOG_CORE_BASE_LIMITS_H_

#include <cstddef>

namespace fundlog {

inline constexpr size_t kEventBytesMax = 1 << 20;     // one event
inline constexpr size_t kBatchEventsMax = 100'000;    // events per batch
inline constexpr size_t kBatchBytesMax = 256u << 20;  // one batch
inline constexpr size_t kIdBytesMax = 256;            // event/fund/account ids
inline constexpr size_t kTextBytesMax = 64 * 1024;    // one text field
static_assert(kEventBytesMax * 4 <= kBatchBytesMax,
              "a batch must hold several maximal events");

}  // namespace fundlog

#endif  // FUNDLOG_CORE_BASE_LIMITS_H_
