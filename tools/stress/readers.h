// Readers in the storm: threads that run `fundlog verify --json`, `balance`,
// `timeline` and `prove` as separate processes, one after another, beside the
// writer for as long as the stress run lasts, and count what went wrong.
#ifndef FUNDLOG_TOOLS_STRESS_READERS_H_
#define FUNDLOG_TOOLS_STRESS_READERS_H_

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fundlog::stress {

struct ReaderTally {
  std::atomic<long> runs{0};
  std::atomic<long> false_findings{0};  // verify exit 1 or "ok" not true
  std::atomic<long> failed_reads{0};    // exit 3, a signal, any other failure
  std::mutex mutex;
  std::string first_problem;  // guarded by mutex
  void Note(const std::string& problem);
};

// Starts `count` reader threads on the log in `log_dir`, each writing its
// scratch files under `scratch_dir`. Stop() ends them after their current
// command.
class Readers {
 public:
  Readers(std::string fundlog, std::string log_dir, std::string scratch_dir,
          int count);
  ~Readers();  // Stop()
  void Stop();
  ReaderTally& tally() { return tally_; }

 private:
  void Loop(int reader);

  const std::string fundlog_;
  const std::string log_dir_;
  const std::string scratch_dir_;
  std::atomic<bool> stop_{false};
  ReaderTally tally_;
  std::vector<std::thread> threads_;
};

}  // namespace fundlog::stress

#endif  // FUNDLOG_TOOLS_STRESS_READERS_H_
