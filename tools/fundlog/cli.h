// What every `fundlog` command shares: its spec, the log location, exit
// statuses, and the registry of commands.
#ifndef FUNDLOG_TOOLS_FUNDLOG_CLI_H_
#define FUNDLOG_TOOLS_FUNDLOG_CLI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store/event_log.h"
#include "tools/fundlog/args.h"

namespace fundlog::cli {

// Exit statuses of the command-line contract (DESIGN.md §5).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // findings or rejected input
inline constexpr int kExitUsage = 2;
inline constexpr int kExitStorage = 3;

struct Context {
  std::string db;  // the log directory
};

using Handler = int (*)(const Args&, const Context&);

struct Command {
  CommandSpec spec;
  Handler run;
};

// The exit status for a failed operation: rejected input and missing things
// are 1, everything else (storage, internal) is 3.
int ExitFor(const absl::Status& status);

// Prints "fundlog COMMAND: message" on stderr and returns ExitFor(status).
int Fail(absl::string_view command, const absl::Status& status);

// Opens the log at context.db (read-only when asked).
absl::StatusOr<std::unique_ptr<EventLog>> OpenLog(const Context& context,
                                                  bool read_only);

// After a successful append: takes a ledger snapshot if enough records have
// accumulated. The events are durable already, so a failure here only makes
// later queries slower; it is reported on stderr as a warning, not an error.
void RefreshSnapshotsAfterAppend(EventLog& log, absl::string_view command);

// Writes `text` to stdout in full.
void Print(absl::string_view text);

// One piece of a streamed document to stdout (an OutputSink; buffered by
// stdio, so flush stdout after the last piece). kInternal when stdout
// cannot be written (a closed pipe), which stops the writer.
absl::Status PrintPiece(absl::string_view text);

// Each group of commands registers its commands here.
std::vector<Command> LogCommands();     // init import append show timeline demo
std::vector<Command> ReportCommands();  // report (LogCommands includes it)
std::vector<Command>
LedgerCommands();  // balance statement totals correct seal rebuild synth
std::vector<Command>
ProofCommands();  // key checkpoint prove consistency verify-proof verify
std::vector<Command> ExportCommands();   // export
std::vector<Command> BackupCommands();   // backup restore
std::vector<Command> ServeCommands();    // serve
std::vector<Command> WitnessCommands();  // witness verify-fork
std::vector<Command> PublishCommands();  // publish

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_CLI_H_
