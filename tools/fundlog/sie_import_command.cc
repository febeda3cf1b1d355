#include "tools/fundlog/sie_import_command.h"

#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "core/io/sie_import.h"

namespace fundlog::cli {
namespace {

// The funds and accounts the log already defines: what the import must not
// define again.
absl::Status KnownNames(const EventLog& log, sie::ImportOptions* options) {
  return log.Scan(0, log.Size(), [&](const v1::StoredRecord& record) {
    const v1::Event& event = record.event();
    if (event.has_fund_established()) {
      options->known_funds.insert(event.fund_id());
    }
    for (const v1::Account& account : event.accounts_defined().accounts()) {
      options->known_accounts.insert(account.id());
    }
    return absl::OkStatus();
  });
}

}  // namespace

bool IsSieImport(const Args& args) {
  for (const std::string& path : args.positional()) {
    if (sie::IsSieFileName(path)) return true;
  }
  return false;
}

int RunSieImport(const Args& args, const Context& context) {
  if (args.positional().size() != 1) {
    std::cerr << "fundlog import: an SIE file is imported alone, one per "
                 "import\n";
    return kExitUsage;
  }
  const std::string& path = args.positional()[0];
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("import", log.status());
  sie::ImportOptions options;
  options.display_name = path;
  options.fund_id = args.Get("fund").value_or("");
  if (absl::Status s = KnownNames(**log, &options); !s.ok()) {
    return Fail("import", s);
  }
  // Pass 1: check everything, write nothing.
  absl::StatusOr<sie::ImportSummary> checked =
      sie::ReadSieFile(path, options, nullptr);
  if (!checked.ok()) {
    return Fail("import", absl::Status(checked.status().code(),
                                       absl::StrCat(checked.status().message(),
                                                    "; nothing written")));
  }
  absl::StatusOr<std::optional<uint64_t>> seen =
      (*log)->FindImportedFile(checked->file_sha256);
  if (!seen.ok()) return Fail("import", seen.status());
  if (seen->has_value()) {
    return Fail("import", absl::AlreadyExistsError(absl::StrCat(
                              path,
                              ": already imported (identical content, "
                              "from record ",
                              **seen, "); nothing written")));
  }
  // Pass 2: the same events, now with the file's hash, appended per batch.
  options.file_sha256 = checked->file_sha256;
  const BatchOrigin origin{std::filesystem::path(path).filename().string(),
                           checked->file_sha256};
  const uint64_t first = (*log)->Size();
  absl::StatusOr<sie::ImportSummary> done = sie::ReadSieFile(
      path, options, [&](v1::EventBatch&& batch) -> absl::Status {
        return (*log)->Append(batch, (*log)->Size(), origin).status();
      });
  if (!done.ok()) {
    const uint64_t size = (*log)->Size();
    return Fail(
        "import",
        absl::Status(
            done.status().code(),
            absl::StrCat(done.status().message(),
                         size == first
                             ? "; nothing written"
                             : absl::StrCat("; records ", first, "..", size - 1,
                                            " were written "
                                            "before the failure"))));
  }
  RefreshSnapshotsAfterAppend(**log, "import");
  Print(absl::StrCat("imported SIE type ", done->sie_type, " ", path,
                     " into fund ", done->fund_id, ": ", done->vouchers,
                     " vouchers, ", done->events, " events as records ", first,
                     "..", (*log)->Size() - 1, "; log size ", (*log)->Size(),
                     done->checksum_checked ? "; #KSUMMA verified" : "",
                     done->skipped_empty_vouchers > 0
                         ? absl::StrCat("; ", done->skipped_empty_vouchers,
                                        " #VER without rows skipped")
                         : "",
                     "\n"));
  return kExitOk;
}

}  // namespace fundlog::cli
