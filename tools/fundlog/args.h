// Command-line parsing for `fundlog`. Flags live only in tools/fundlog.
//
// Thread-compatible.
#ifndef FUNDLOG_TOOLS_FUNDLOG_ARGS_H_
#define FUNDLOG_TOOLS_FUNDLOG_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace fundlog::cli {

// One flag a command accepts: "--name VALUE" or, for switches, "--name".
struct FlagSpec {
  std::string name;        // without the dashes
  std::string value_name;  // empty: a switch that takes no value
  std::string help;
};

struct CommandSpec {
  std::string name;
  std::string usage;  // e.g. "import FILE..."
  std::string summary;
  std::vector<FlagSpec> flags;
  int positional_min = 0;
  int positional_max = 0;  // -1: any number
};

// A parsed command line. Errors are usage errors (exit status 2).
class Args {
 public:
  // Parses `argv` (after the command name) against `spec`. kInvalidArgument
  // names the flag or the count of arguments that is wrong.
  static absl::StatusOr<Args> Parse(const CommandSpec& spec,
                                    const std::vector<std::string>& argv);

  bool Has(const std::string& flag) const { return values_.count(flag) > 0; }
  // The flag's value; when it was given more than once, the last.
  std::optional<std::string> Get(const std::string& flag) const;
  // Every value of a flag given more than once (`--witness A --witness B`),
  // in order; empty when absent.
  std::vector<std::string> All(const std::string& flag) const;
  // The flag's value as a day / an unsigned integer; nullopt when absent,
  // kInvalidArgument naming the flag when malformed.
  absl::StatusOr<std::optional<absl::CivilDay>> Day(
      const std::string& flag) const;
  absl::StatusOr<std::optional<uint64_t>> Uint(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> all_values_;
  std::vector<std::string> positional_;
};

// The --help text of a command.
std::string HelpText(const CommandSpec& spec);

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_ARGS_H_
