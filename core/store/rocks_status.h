// The one place where rocksdb::Status becomes absl::Status. RocksDB's status
// is not [[nodiscard]]; routing every call through here keeps any result from
// being dropped unnoticed.
#ifndef FUNDLOG_CORE_STORE_ROCKS_STATUS_H_
#define FUNDLOG_CORE_STORE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace fundlog {

// OK stays OK; Corruption becomes kDataLoss; NotFound kNotFound; anything
// else kInternal. The message starts with `context`.
absl::Status FromRocks(const rocksdb::Status& status,
                       absl::string_view context);

// Abseil 20220623 on Debian has its own string_view type, distinct from
// std::string_view, so RocksDB slices are converted by hand.
inline rocksdb::Slice ToSlice(absl::string_view text) {
  return rocksdb::Slice(text.data(), text.size());
}
inline absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_ROCKS_STATUS_H_
