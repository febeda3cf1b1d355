// Event batch files (.textpb/.json): each file is parsed whole by
// core/io/batch_file (one read: the bytes hashed are the bytes parsed) and
// staged as one part of a single AppendSession.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/ingest/internal.h"
#include "core/io/batch_file.h"
#include "core/store/append_session.h"

namespace fundlog::ingest::internal {
namespace {

// Prefixes a validation error with the file it came from.
absl::Status InFile(const std::string& path, const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.message()));
}

}  // namespace

absl::StatusOr<ImportResult> ImportBatchFiles(
    EventLog& log, const std::vector<std::string>& paths,
    const ImportHooks& hooks) {
  // Parse every file before staging any: a syntax error in the last file is
  // found without encoding the first.
  std::vector<LoadedBatch> batches;
  for (size_t i = 0; i < paths.size(); ++i) {
    absl::StatusOr<LoadedBatch> loaded = LoadBatchFile(paths[i]);
    if (!loaded.ok()) return NothingWritten(loaded.status());
    for (size_t j = 0; j < batches.size(); ++j) {
      if (batches[j].file_sha256 == loaded->file_sha256) {
        return absl::InvalidArgumentError(absl::StrCat(
            paths[i], ": given twice in this import (same content as ",
            paths[j], "); nothing written"));
      }
    }
    absl::StatusOr<std::optional<uint64_t>> seen =
        log.FindImportedFile(loaded->file_sha256);
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) {
      return absl::AlreadyExistsError(absl::StrCat(
          paths[i], ": already imported (identical content, from record ",
          **seen, "); nothing written"));
    }
    batches.push_back(*std::move(loaded));
  }
  absl::StatusOr<std::unique_ptr<AppendSession>> session =
      log.BeginAppend(std::nullopt);
  if (!session.ok()) return NothingWritten(session.status());
  for (size_t i = 0; i < batches.size(); ++i) {
    const LoadedBatch& loaded = batches[i];
    if (absl::Status s = (*session)->Add(
            loaded.batch, BatchOrigin{loaded.file_name, loaded.file_sha256});
        !s.ok()) {
      return NothingWritten(InFile(paths[i], s));
    }
    if (hooks.after_part) hooks.after_part((*session)->staged_events());
  }
  absl::StatusOr<AppendResult> committed = CommitImport(**session);
  if (!committed.ok()) return committed.status();
  return ImportResult{committed->first_seq, committed->new_size,
                      committed->new_size - committed->first_seq,
                      batches.size(), std::nullopt};
}

}  // namespace fundlog::ingest::internal
