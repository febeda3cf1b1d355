// libFuzzer target: the command-line flag parser of `fundlog`, against the
// real specs of every command. The first byte chooses the command; the rest,
// split at NUL bytes, is the argument vector. A parsed command line has its
// day and number flags read as the handlers read them. No handler runs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/fundlog/args.h"
#include "tools/fundlog/cli.h"

namespace {

const std::vector<fundlog::cli::Command>& AllCommands() {
  static const auto* all = [] {
    auto* commands =
        new std::vector<fundlog::cli::Command>(fundlog::cli::LogCommands());
    for (auto group :
         {fundlog::cli::LedgerCommands(), fundlog::cli::ProofCommands(),
          fundlog::cli::ExportCommands(), fundlog::cli::BackupCommands()}) {
      commands->insert(commands->end(), group.begin(), group.end());
    }
    return commands;
  }();
  return *all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& commands = AllCommands();
  const fundlog::cli::CommandSpec& spec =
      commands[data[0] % commands.size()].spec;
  std::vector<std::string> argv;
  std::string current;
  for (size_t i = 1; i < size; ++i) {
    if (data[i] == 0) {
      argv.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  if (size > 1) argv.push_back(current);
  auto args = fundlog::cli::Args::Parse(spec, argv);
  if (!args.ok()) return 0;
  for (const fundlog::cli::FlagSpec& flag : spec.flags) {
    (void)args->Get(flag.name);
    (void)args->Day(flag.name);
    (void)args->Uint(flag.name);
  }
  (void)fundlog::cli::HelpText(spec);
  return 0;
}
