// Drives the built `fundlog` binary in a temporary directory, as a user
// would from a shell.
#ifndef FUNDLOG_TESTS_CLI_HARNESS_H_
#define FUNDLOG_TESTS_CLI_HARNESS_H_

#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"

namespace fundlog::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliHarness {
 public:
  CliHarness();   // makes a fresh temporary directory
  ~CliHarness();  // removes it

  // Runs `fundlog ARGS...` with the temporary directory as the working
  // directory (so the default log is ./fundlog-data there).
  RunResult Run(const std::vector<std::string>& args) const;

  // Writes `contents` to a file in the temporary directory; returns its path.
  std::string WriteFile(const std::string& name,
                        const std::string& contents) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// Parses a JSON document; fails the current test on malformed JSON.
google::protobuf::Struct ParseJson(const std::string& json);

// The Trelleborg history file in data/.
std::string TrelleborgDataPath();

}  // namespace fundlog::testing

#endif  // FUNDLOG_TESTS_CLI_HARNESS_H_
