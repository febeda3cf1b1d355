// VerifyChild: the server's background `verify` in a child process
// (docs/serving.md, "The checkpoint and verify").
//
// A run spawns `BINARY --db DIR verify --json` with posix_spawn (no shell),
// in a process group of its own, with stdin from /dev/null, stdout and
// stderr read through pipes, no other descriptor of the server, default
// signal dispositions and an empty signal mask. The replay's memory (the
// projector, RocksDB's table readers and caches of a read of every record)
// is then the child's, and goes back to the system when it exits.
//
// Thread safety: Run() is called by one thread at a time; Stop() may be
// called from any thread, during or between runs.
#ifndef FUNDLOG_CORE_SERVE_VERIFY_CHILD_H_
#define FUNDLOG_CORE_SERVE_VERIFY_CHILD_H_

#include <sys/types.h>

#include <mutex>
#include <string>

namespace fundlog::serve {

// What one run gave.
struct VerifyOutcome {
  // `verify --json`'s document when the child exited 0 (clean) or 1
  // (findings); "null\n" otherwise.
  std::string json;
  // Why there is no document ("" when there is one): the child's stderr on
  // a storage error (exit 3), or what became of the child (could not be
  // started, another exit status, killed by a signal, no JSON printed).
  std::string error;
};

class VerifyChild {
 public:
  // `binary` is run as `binary --db db verify --json`.
  VerifyChild(std::string binary, std::string db);
  ~VerifyChild();  // Stop()s a running child

  // Runs one child to its end and interprets its exit status as the CLI
  // defines it (0 clean, 1 findings, 3 storage error). Never throws; every
  // failure is an outcome with an error. After Stop(), returns at once
  // with an error.
  VerifyOutcome Run();

  // Kills a running child and its process group (SIGKILL; Run() reaps it)
  // and makes later runs fail at once.
  void Stop();

 private:
  const std::string binary_;
  const std::string db_;
  std::mutex mu_;
  pid_t pid_ = -1;        // guarded by mu_: the running child, unreaped
  bool stopped_ = false;  // guarded by mu_
};

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_VERIFY_CHILD_H_
