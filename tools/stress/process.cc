#include "tools/stress/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace fundlog::stress {

pid_t Start(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int error =
      posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

namespace {

Ending FromStatus(int status, bool killed) {
  Ending ending;
  ending.started = true;
  ending.killed = killed;
  if (WIFEXITED(status)) ending.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) ending.signal = WTERMSIG(status);
  return ending;
}

}  // namespace

Ending WaitUntil(pid_t pid, std::chrono::steady_clock::time_point deadline,
                 const std::function<void()>& before_kill) {
  if (pid < 0) return Ending{};
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return FromStatus(status, false);
    if (done < 0) return Ending{.started = true};
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  if (before_kill) before_kill();
  kill(pid, SIGKILL);
  if (waitpid(pid, &status, 0) != pid) return Ending{.started = true};
  // It may have exited on its own between the last poll and the kill.
  const bool ours = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  return FromStatus(status, ours);
}

Ending Run(const std::vector<std::string>& argv, const std::string& out_path,
           const std::string& err_path, std::chrono::milliseconds timeout) {
  return WaitUntil(Start(argv, out_path, err_path),
                   std::chrono::steady_clock::now() + timeout);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace fundlog::stress
