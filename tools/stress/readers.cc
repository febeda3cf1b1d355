#include "tools/stress/readers.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/stress/process.h"

namespace fundlog::stress {

// A reader that takes this long is counted as a failed read (it may be
// stuck on a lock that a killed writer left).
constexpr auto kReaderTimeout = std::chrono::seconds(120);

void ReaderTally::Note(const std::string& problem) {
  std::lock_guard<std::mutex> lock(mutex);
  if (first_problem.empty()) first_problem = problem;
}

Readers::Readers(std::string fundlog, std::string log_dir,
                 std::string scratch_dir, int count)
    : fundlog_(std::move(fundlog)),
      log_dir_(std::move(log_dir)),
      scratch_dir_(std::move(scratch_dir)) {
  for (int reader = 0; reader < count; ++reader) {
    threads_.emplace_back([this, reader] { Loop(reader); });
  }
}

Readers::~Readers() { Stop(); }

void Readers::Stop() {
  stop_.store(true);
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void Readers::Loop(int reader) {
  const std::vector<std::vector<std::string>> commands = {
      {fundlog_, "--db", log_dir_, "verify", "--json"},
      {fundlog_, "--db", log_dir_, "balance", "--as-of", "2021-12-31",
       "--json"},
      {fundlog_, "--db", log_dir_, "timeline", "--json"},
      {fundlog_, "--db", log_dir_, "prove", "0", "--json"},
  };
  const std::string out =
      absl::StrCat(scratch_dir_, "/reader-", reader, ".out");
  const std::string err =
      absl::StrCat(scratch_dir_, "/reader-", reader, ".err");
  for (size_t turn = static_cast<size_t>(reader); !stop_.load(); ++turn) {
    const std::vector<std::string>& command = commands[turn % commands.size()];
    const Ending ending = Run(command, out, err, kReaderTimeout);
    tally_.runs.fetch_add(1);
    const std::string what = absl::StrCat(
        command[3], ending.killed ? " timed out" : "", " exited ",
        ending.exit_code, " (signal ", ending.signal,
        "): ", Slurp(err).substr(0, 400), Slurp(out).substr(0, 400));
    if (command[3] == "verify" && ending.exit_code == 1) {
      tally_.false_findings.fetch_add(1);
      tally_.Note(what);
    } else if (ending.exit_code != 0) {
      tally_.failed_reads.fetch_add(1);
      tally_.Note(what);
    } else if (command[3] == "verify" &&
               Slurp(out).find("\"ok\":true") == std::string::npos) {
      tally_.false_findings.fetch_add(1);
      tally_.Note(what);
    }
  }
}

}  // namespace fundlog::stress
