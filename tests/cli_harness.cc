#include "tests/cli_harness.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace fundlog::testing {
namespace {

std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

CliHarness::CliHarness() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "fundlog-cli-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  dir_ = pattern;
}

CliHarness::~CliHarness() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

RunResult CliHarness::Run(const std::vector<std::string>& args) const {
  std::string command =
      absl::StrCat("cd ", ShellQuote(dir_), " && env -u FUNDLOG_DB ",
                   ShellQuote(FUNDLOG_BINARY));
  for (const std::string& arg : args)
    absl::StrAppend(&command, " ", ShellQuote(arg));
  const std::string out_path = absl::StrCat(dir_, "/.stdout");
  const std::string err_path = absl::StrCat(dir_, "/.stderr");
  absl::StrAppend(&command, " >", ShellQuote(out_path), " 2>",
                  ShellQuote(err_path), " </dev/null");
  int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  return result;
}

std::string CliHarness::WriteFile(const std::string& name,
                                  const std::string& contents) const {
  std::string path = absl::StrCat(dir_, "/", name);
  std::ofstream out(path, std::ios::binary);
  out << contents;
  return path;
}

google::protobuf::Struct ParseJson(const std::string& json) {
  google::protobuf::Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(json, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json.substr(0, 500);
  return parsed;
}

std::string TrelleborgDataPath() {
  return absl::StrCat(FUNDLOG_SOURCE_DIR,
                      "/data/trelleborg_social_investment_fund.textpb");
}

}  // namespace fundlog::testing
