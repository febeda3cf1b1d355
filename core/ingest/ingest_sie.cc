// One SIE file, in two streamed passes over it. The first only hashes it:
// its SHA-256 is needed before the first event (event ids and sources carry
// it) and decides "already imported". The second reads the file again,
// checks everything while it stages each batch of vouchers into one
// AppendSession (nothing of which is visible before the commit) and hashes
// again: the session is committed only when the file checked whole and both
// digests agree, so the bytes appended are the bytes checked. See
// docs/ingest.md.
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/ingest/internal.h"
#include "core/store/append_session.h"
#include "core/store/key_format.h"

namespace fundlog::ingest::internal {
namespace {

// The funds and accounts the log already defines: what the import must not
// define again. Read from the index's names, not from the records: the cost
// is the log's names, whatever its length.
absl::Status KnownNames(const EventLog& log, sie::ImportOptions* options) {
  absl::Status funds =
      log.ScanNamed(keys::kIndexFund, [&](absl::string_view fund, uint64_t) {
        options->known_funds.insert(std::string(fund));
        return absl::OkStatus();
      });
  if (!funds.ok()) return funds;
  return log.ScanNamed(keys::kIndexAccount,
                       [&](absl::string_view account, uint64_t) {
                         options->known_accounts.insert(std::string(account));
                         return absl::OkStatus();
                       });
}

}  // namespace

absl::StatusOr<ImportResult> ImportSieFile(EventLog& log,
                                           const std::string& path,
                                           const std::string& fund_id,
                                           bool accept_findings,
                                           const ImportHooks& hooks) {
  sie::ImportOptions options;
  options.display_name = path;
  options.fund_id = fund_id;
  options.accept_findings = accept_findings;
  options.balances_at = LogBalances(log);
  if (absl::Status s = KnownNames(log, &options); !s.ok()) return s;
  // Pass 1: the file's SHA-256, at the speed of reading it.
  absl::StatusOr<std::string> file_sha256 = sie::HashSieFile(path);
  if (!file_sha256.ok()) return NothingWritten(file_sha256.status());
  absl::StatusOr<std::optional<uint64_t>> seen =
      log.FindImportedFile(*file_sha256);
  if (!seen.ok()) return seen.status();
  if (seen->has_value()) {
    return absl::AlreadyExistsError(absl::StrCat(
        path, ": already imported (identical content, from record ", **seen,
        "); nothing written"));
  }
  if (hooks.after_check) hooks.after_check();
  // Pass 2: every check, and the events, carrying the file's hash, staged
  // batch by batch into one session that a refusal drops unseen.
  absl::StatusOr<std::unique_ptr<AppendSession>> session =
      log.BeginAppend(std::nullopt);
  if (!session.ok()) return NothingWritten(session.status());
  options.file_sha256 = *file_sha256;
  const BatchOrigin origin{std::filesystem::path(path).filename().string(),
                           *file_sha256};
  absl::StatusOr<sie::ImportSummary> staged = sie::ReadSieFile(
      path, options, [&](v1::EventBatch&& batch) -> absl::Status {
        absl::Status s = (*session)->Add(batch, origin);
        if (s.code() == absl::StatusCode::kInvalidArgument) {
          s = absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
        }
        if (s.ok() && hooks.after_part) {
          hooks.after_part((*session)->staged_events());
        }
        return s;
      });
  if (!staged.ok()) return NothingWritten(staged.status());
  if (staged->file_sha256 != *file_sha256) {
    return absl::AbortedError(
        absl::StrCat(path, ": the file changed while it was imported (SHA-256 ",
                     *file_sha256, " when first read, ", staged->file_sha256,
                     " when read again); nothing written"));
  }
  absl::StatusOr<AppendResult> committed = CommitImport(**session);
  if (!committed.ok()) return committed.status();
  return ImportResult{committed->first_seq, committed->new_size,
                      committed->new_size - committed->first_seq, 1,
                      *std::move(staged)};
}

}  // namespace fundlog::ingest::internal
