// fundlog: the command-line front end. Flags are parsed here and in args.cc
// only; core/ receives options structs.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/store/rocks_status.h"
#include "tools/fundlog/cli.h"

namespace fundlog::cli {
namespace {

constexpr absl::string_view kDefaultDb = "./fundlog-data";

std::vector<Command> AllCommands() {
  std::vector<Command> all = LogCommands();
  for (auto group :
       {LedgerCommands(), ProofCommands(), ExportCommands(), BackupCommands(),
        ServeCommands(), WitnessCommands(), PublishCommands()}) {
    all.insert(all.end(), group.begin(), group.end());
  }
  return all;
}

std::string Overview(const std::vector<Command>& commands) {
  std::string out =
      "usage: fundlog [--db DIR] COMMAND [flags]\n\n"
      "A verifiable, bitemporal, event-sourced ledger for earmarked public "
      "funds.\n\ncommands:\n";
  for (const Command& command : commands) {
    // The first sentence; `fundlog COMMAND --help` has the rest.
    absl::string_view summary = command.spec.summary;
    if (size_t end = summary.find(". "); end != absl::string_view::npos) {
      summary = summary.substr(0, end + 1);
    }
    absl::StrAppendFormat(&out, "  %-14s %s\n", command.spec.name, summary);
  }
  absl::StrAppend(&out,
                  "\n`fundlog COMMAND --help` describes a command. The log "
                  "directory is --db DIR, else $FUNDLOG_DB, else "
                  "./fundlog-data.\n");
  return out;
}

int Main(int argc, char** argv) {
  std::vector<std::string> rest;
  Context context;
  if (const char* env = std::getenv("FUNDLOG_DB"); env != nullptr && *env) {
    context.db = env;
  } else {
    context.db = std::string(kDefaultDb);
  }
  // --db may come before or after the command.
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--db") {
      if (i + 1 >= argc) {
        std::cerr << "fundlog: --db needs a directory\n";
        return kExitUsage;
      }
      context.db = argv[++i];
    } else if (arg.rfind("--db=", 0) == 0) {
      context.db = arg.substr(5);
    } else {
      rest.push_back(arg);
    }
  }
  const std::vector<Command> commands = AllCommands();
  if (rest.empty() || rest[0] == "--help" || rest[0] == "help" ||
      rest[0] == "-h") {
    Print(Overview(commands));
    return rest.empty() ? kExitUsage : kExitOk;
  }
  for (const Command& command : commands) {
    if (command.spec.name != rest[0]) continue;
    std::vector<std::string> command_args(rest.begin() + 1, rest.end());
    for (const std::string& arg : command_args) {
      if (arg == "--help" || arg == "-h") {
        Print(HelpText(command.spec));
        return kExitOk;
      }
    }
    absl::StatusOr<Args> args = Args::Parse(command.spec, command_args);
    if (!args.ok()) {
      std::cerr << "fundlog " << args.status().message() << "\n"
                << "(see fundlog " << command.spec.name << " --help)\n";
      return kExitUsage;
    }
    return command.run(*args, context);
  }
  std::cerr << "fundlog: unknown command \"" << rest[0]
            << "\" (see fundlog --help)\n";
  return kExitUsage;
}

}  // namespace
}  // namespace fundlog::cli

int main(int argc, char** argv) { return fundlog::cli::Main(argc, argv); }
