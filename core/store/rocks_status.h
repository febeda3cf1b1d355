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

// A full disk (kResourceExhausted), a read-only file system
// (kFailedPrecondition) or a denied permission (kPermissionDenied) as a
// message that says what to do; OK for any other status. The CLI exits 3 on
// each.
absl::Status StorageError(const rocksdb::Status& status,
                          absl::string_view context);

// True for a status StorageError made (a full disk, a read-only file system,
// a denied permission).
bool IsStorageCondition(const absl::Status& status);

// OK stays OK; a full disk, a read-only file system or a denied permission
// as StorageError says; Corruption becomes kDataLoss; NotFound kNotFound;
// anything else kInternal. The message starts with `context`.
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
