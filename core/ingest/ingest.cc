#include "core/ingest/ingest.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/ingest/internal.h"

namespace fundlog::ingest {
namespace internal {

absl::Status NothingWritten(const absl::Status& status) {
  if (status.ok() || absl::EndsWith(status.message(), "nothing written")) {
    return status;
  }
  return absl::Status(status.code(),
                      absl::StrCat(status.message(), "; nothing written"));
}

absl::StatusOr<AppendResult> CommitImport(AppendSession& session) {
  absl::StatusOr<AppendResult> committed = session.Commit();
  if (committed.ok()) return committed;
  if (committed.status().code() == absl::StatusCode::kInternal) {
    // One WriteBatch: RocksDB's WAL replay on reopen restores all of it or
    // none of it, never a part.
    return absl::InternalError(absl::StrCat(
        committed.status().message(),
        "; the import is in the log whole or not at all: reopen it to see"));
  }
  return NothingWritten(committed.status());
}

}  // namespace internal

namespace {

// Two paths that name one file (the same text, or the same inode).
bool SameFile(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::error_code error;
  return std::filesystem::equivalent(a, b, error) && !error;
}

}  // namespace

bool IsSieRequest(const ImportRequest& request) {
  for (const std::string& path : request.paths) {
    if (sie::IsSieFileName(path)) return true;
  }
  return false;
}

absl::StatusOr<ImportResult> ImportFiles(EventLog& log,
                                         const ImportRequest& request,
                                         const ImportHooks& hooks) {
  if (request.paths.empty()) {
    return absl::InvalidArgumentError("no file to import");
  }
  // A file named twice is the caller's slip, not a second import: say so
  // before anything is read (files with equal content under other names are
  // caught after reading, by their SHA-256).
  for (size_t i = 0; i < request.paths.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (SameFile(request.paths[j], request.paths[i])) {
        return absl::InvalidArgumentError(
            absl::StrCat(request.paths[i], ": given twice in this import (as ",
                         request.paths[j], "); nothing written"));
      }
    }
  }
  if (IsSieRequest(request)) {
    if (request.paths.size() != 1) {
      return absl::InvalidArgumentError(
          "an SIE file is imported alone, one per import; nothing written");
    }
    return internal::ImportSieFile(log, request.paths[0], request.sie_fund_id,
                                   request.sie_accept_findings, hooks);
  }
  if (!request.sie_fund_id.empty()) {
    return absl::InvalidArgumentError(
        "a fund applies to SIE files only; the events of a .textpb/.json "
        "batch carry their own fund_id");
  }
  return internal::ImportBatchFiles(log, request.paths, hooks);
}

}  // namespace fundlog::ingest
