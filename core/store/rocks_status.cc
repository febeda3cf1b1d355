#include "core/store/rocks_status.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fundlog {

absl::Status StorageError(const rocksdb::Status& status,
                          absl::string_view context) {
  const std::string text = status.ToString();
  if (status.IsNoSpace() || absl::StrContains(text, "No space left")) {
    return absl::ResourceExhaustedError(absl::StrCat(
        context, ": the disk is full (", text,
        "). Nothing was half written: free space on the disk that holds the "
        "log and run the command again."));
  }
  if (absl::StrContains(text, "Read-only file system")) {
    return absl::FailedPreconditionError(absl::StrCat(
        context, ": the log's file system is read-only (", text,
        "). Remount it read-write (or copy the log to a writable disk) to "
        "write; reading commands work as they are."));
  }
  if (absl::StrContains(text, "Permission denied")) {
    return absl::PermissionDeniedError(absl::StrCat(
        context, ": permission denied (", text,
        "). Run fundlog as the user who owns the log directory, or give this "
        "user read and write permission on the directory and its files."));
  }
  return absl::OkStatus();
}

bool IsStorageCondition(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
      return true;
    default:
      return false;
  }
}

absl::Status FromRocks(const rocksdb::Status& status,
                       absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(context, ": ", status.ToString());
  if (absl::Status storage = StorageError(status, context); !storage.ok()) {
    return storage;
  }
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNotFound()) return absl::NotFoundError(message);
  return absl::InternalError(message);
}

}  // namespace fundlog
