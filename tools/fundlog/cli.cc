#include "tools/fundlog/cli.h"

#include <cstdio>
#include <iostream>

#include "core/ledger/record_rules.h"
#include "core/ledger/snapshots.h"

namespace fundlog::cli {

int ExitFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
      return kExitFindings;
    default:
      return kExitStorage;
  }
}

int Fail(absl::string_view command, const absl::Status& status) {
  std::cerr << "fundlog " << command << ": " << status.message() << "\n";
  return ExitFor(status);
}

absl::StatusOr<std::unique_ptr<EventLog>> OpenLog(const Context& context,
                                                  bool read_only) {
  return EventLog::Open(OpenOptions{
      .path = context.db, .read_only = read_only, .rules = &ledger::Rules()});
}

void RefreshSnapshotsAfterAppend(EventLog& log, absl::string_view command) {
  absl::StatusOr<ledger::SnapshotWrite> snapshot =
      ledger::RefreshSnapshots(log);
  if (!snapshot.ok()) {
    std::cerr << "fundlog " << command
              << ": appended, but no snapshot written: "
              << snapshot.status().message() << "\n";
  }
}

void Print(absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

absl::Status PrintPiece(absl::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
    return absl::InternalError("cannot write to stdout");
  }
  return absl::OkStatus();
}

}  // namespace fundlog::cli
