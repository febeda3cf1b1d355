// `fundlog backup` and `fundlog restore` (core/audit/backup.h does the work).
#include <iostream>
#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/audit/backup.h"
#include "core/merkle/checkpoint.h"
#include "tools/fundlog/cli.h"

namespace fundlog::cli {
namespace {

int RunBackup(const Args& args, const Context& context) {
  std::optional<std::string> to = args.Get("to");
  if (!to || to->empty()) {
    std::cerr << "fundlog backup: --to DIR is required\n";
    return kExitUsage;
  }
  absl::StatusOr<BackupReport> report = BackupLog(context.db, *to);
  if (!report.ok()) return Fail("backup", report.status());
  Print(absl::StrCat("backup ", report->files.id, " of ", report->size,
                     " records in ", *to, ": ", report->files.files, " files, ",
                     report->files.bytes, " bytes, ", report->files.new_tables,
                     " table files new since the last backup; checkpoint in ",
                     report->checkpoint_path, "\n"));
  return kExitOk;
}

int RunRestore(const Args& args, const Context& context) {
  std::optional<std::string> from = args.Get("from");
  std::optional<std::string> to = args.Get("to");
  if (!from || !to || from->empty() || to->empty()) {
    std::cerr << "fundlog restore: --from DIR and --to NEWDIR are required\n";
    return kExitUsage;
  }
  std::optional<merkle::VerifierKey> key;
  if (std::optional<std::string> key_text = args.Get("key")) {
    absl::StatusOr<merkle::VerifierKey> parsed =
        merkle::ParseVerifierKey(*key_text);
    if (!parsed.ok()) {
      return Fail("restore", absl::InvalidArgumentError(absl::StrCat(
                                 "--key: ", parsed.status().message())));
    }
    key = *parsed;
  }
  absl::StatusOr<RestoreReport> report = RestoreLog(*from, *to, key);
  if (!report.ok()) {
    // A damaged backup is a finding, like a damaged log under `verify`.
    if (report.status().code() == absl::StatusCode::kDataLoss) {
      std::cerr << "fundlog restore: " << report.status().message()
                << "; nothing restored\n";
      return kExitFindings;
    }
    return Fail("restore", report.status());
  }
  Print(absl::StrCat("restored backup ", report->id, " of ", *from, " into ",
                     *to, ": ", report->size, " records, root ",
                     absl::Base64Escape(absl::string_view(
                         reinterpret_cast<const char*>(report->root.data()),
                         report->root.size())),
                     ", as its signed checkpoint says; verify is clean\n"));
  return kExitOk;
}

}  // namespace

std::vector<Command> BackupCommands() {
  return {
      {{"backup",
        "backup --to DIR",
        "Copy the log into the backup directory DIR, beside a writer if one "
        "is appending; incremental when DIR holds earlier backups. The copy "
        "is restored and verified in scratch, and a checkpoint of it, signed "
        "with the log's key, is stored as DIR/checkpoint-ID.",
        {{"to", "DIR", "the backup directory (created when missing)"}}},
       RunBackup},
      {{"restore",
        "restore --from DIR --to NEWDIR [--key KEYTEXT]",
        "Restore the latest backup in DIR into NEWDIR, which must not exist. "
        "Refused (exit 1, nothing written) unless every file matches its "
        "checksum, the restored log's root equals the backup's signed "
        "checkpoint, and verify finds nothing.",
        {{"from", "DIR", "the backup directory"},
         {"to", "NEWDIR", "where the restored log goes (must not exist)"},
         {"key", "KEYTEXT",
          "verifier key the checkpoint must be signed with (default: the "
          "restored log's own)"}}},
       RunRestore},
  };
}

}  // namespace fundlog::cli
