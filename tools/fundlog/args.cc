#include "tools/fundlog/args.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/dates.h"

namespace fundlog::cli {

absl::StatusOr<Args> Args::Parse(const CommandSpec& spec,
                                 const std::vector<std::string>& argv) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      args.positional_.insert(args.positional_.end(), argv.begin() + i + 1,
                              argv.end());
      break;
    }
    if (!absl::StartsWith(arg, "--") || arg.size() == 2) {
      args.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* flag = nullptr;
    for (const FlagSpec& candidate : spec.flags) {
      if (candidate.name == name) flag = &candidate;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(spec.name, ": unknown flag --", name));
    }
    if (flag->value_name.empty()) {
      if (inline_value) {
        return absl::InvalidArgumentError(
            absl::StrCat(spec.name, ": --", name, " takes no value"));
      }
      args.values_[name] = "";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(absl::StrCat(spec.name, ": --", name,
                                                       " needs a value (",
                                                       flag->value_name, ")"));
      }
      inline_value = argv[++i];
    }
    args.values_[name] = *inline_value;
    args.all_values_[name].push_back(*inline_value);
  }
  const int count = static_cast<int>(args.positional_.size());
  if (count < spec.positional_min ||
      (spec.positional_max >= 0 && count > spec.positional_max)) {
    return absl::InvalidArgumentError(absl::StrCat(
        spec.name, ": wrong number of arguments; usage: fundlog ", spec.usage));
  }
  return args;
}

std::optional<std::string> Args::Get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::All(const std::string& flag) const {
  auto it = all_values_.find(flag);
  if (it == all_values_.end()) return {};
  return it->second;
}

absl::StatusOr<std::optional<absl::CivilDay>> Args::Day(
    const std::string& flag) const {
  std::optional<std::string> text = Get(flag);
  if (!text) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = ParseDay(*text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", day.status().message()));
  }
  return *day;
}

absl::StatusOr<std::optional<uint64_t>> Args::Uint(
    const std::string& flag) const {
  std::optional<std::string> text = Get(flag);
  if (!text) return std::nullopt;
  uint64_t value = 0;
  if (text->empty() || (*text)[0] == '-' || (*text)[0] == '+' ||
      !absl::SimpleAtoi(*text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, ": \"", *text, "\" is not a non-negative integer"));
  }
  return value;
}

std::string HelpText(const CommandSpec& spec) {
  std::string out = absl::StrCat("usage: fundlog [--db DIR] ", spec.usage,
                                 "\n\n", spec.summary, "\n");
  if (!spec.flags.empty()) absl::StrAppend(&out, "\nflags:\n");
  for (const FlagSpec& flag : spec.flags) {
    std::string left = absl::StrCat("--", flag.name);
    if (!flag.value_name.empty()) absl::StrAppend(&left, " ", flag.value_name);
    absl::StrAppendFormat(&out, "  %-26s %s\n", left, flag.help);
  }
  absl::StrAppend(&out,
                  "\nThe log directory is --db DIR, else $FUNDLOG_DB, else "
                  "./fundlog-data.\nExit status: 0 success; 1 findings or "
                  "rejected input (nothing written); 2 usage error; 3 storage "
                  "or internal error.\n");
  return out;
}

}  // namespace fundlog::cli
