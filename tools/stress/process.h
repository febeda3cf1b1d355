// Child processes for the stress tool: start a command with its output in
// files, wait for it with a deadline, kill it with SIGKILL.
#ifndef FUNDLOG_TOOLS_STRESS_PROCESS_H_
#define FUNDLOG_TOOLS_STRESS_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace fundlog::stress {

// How a child ended.
struct Ending {
  bool started = false;  // false: posix_spawn failed (exit_code is -1)
  bool killed = false;   // we sent SIGKILL at the deadline
  int exit_code = -1;    // exit status when it exited on its own, else -1
  int signal = 0;        // the signal that ended it, 0 when it exited
};

// Starts `argv` (argv[0] is a path) with stdin from /dev/null, stdout into
// `out_path` and stderr into `err_path` (both truncated). Returns the pid, or
// -1 when it could not start.
pid_t Start(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path);

// Waits for `pid` until `deadline`; at the deadline kills it with SIGKILL and
// reaps it, calling `before_kill` (when given) just before the SIGKILL.
// Returns how it ended.
Ending WaitUntil(pid_t pid, std::chrono::steady_clock::time_point deadline,
                 const std::function<void()>& before_kill = nullptr);

// Start, then WaitUntil(now + timeout).
Ending Run(const std::vector<std::string>& argv, const std::string& out_path,
           const std::string& err_path, std::chrono::milliseconds timeout);

// The whole contents of `path` ("" when it cannot be read).
std::string Slurp(const std::string& path);

}  // namespace fundlog::stress

#endif  // FUNDLOG_TOOLS_STRESS_PROCESS_H_
