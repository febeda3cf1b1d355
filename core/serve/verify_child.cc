#include "core/serve/verify_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace fundlog::serve {
namespace {

// The CLI's exit codes (README, "Exit codes").
constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitStorage = 3;
// At most this much of the child's stderr is kept for a message.
constexpr size_t kMaxErrBytes = 16 * 1024;
// After Stop(), reading gives up this long after the kill even if some
// process still holds the pipes open.
constexpr auto kStopGrace = std::chrono::seconds(2);

VerifyOutcome Failed(std::string error) {
  return VerifyOutcome{"null\n", std::move(error)};
}

void CloseBoth(int fds[2]) {
  for (int i = 0; i < 2; ++i) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
}

// The child's stderr as one line for a message ("" when it said nothing).
std::string ErrText(const std::string& err) {
  std::string text(absl::StripAsciiWhitespace(err));
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

VerifyChild::VerifyChild(std::string binary, std::string db)
    : binary_(std::move(binary)), db_(std::move(db)) {}

VerifyChild::~VerifyChild() { Stop(); }

void VerifyChild::Stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  // An unreaped child keeps its pid (and so its group's id) from reuse.
  if (pid_ > 0) kill(-pid_, SIGKILL);
}

VerifyOutcome VerifyChild::Run() {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    const std::string why = strerror(errno);
    CloseBoth(out);
    CloseBoth(err);
    return Failed(absl::StrCat("cannot make a pipe for verify: ", why));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  // No descriptor of the server (its listening socket, connections, log
  // files) reaches the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // serve blocks SIGINT, SIGTERM
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) {
    sigaddset(&defaults, signal);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, killed as one
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
  std::vector<std::string> args = {binary_, "--db", db_, "verify", "--json"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  int spawned = 0;
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      spawned = ECANCELED;
    } else {
      spawned = posix_spawn(&pid, binary_.c_str(), &actions, &attr, argv.data(),
                            environ);
      if (spawned == 0) pid_ = pid;
    }
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out[1]);
  close(err[1]);
  out[1] = err[1] = -1;
  if (spawned != 0) {
    CloseBoth(out);
    CloseBoth(err);
    if (spawned == ECANCELED) return Failed("the server is stopping");
    return Failed(
        absl::StrCat("cannot start ", binary_, ": ", strerror(spawned)));
  }

  // Both pipes to their end (the child's exit closes them).
  std::string stdout_text;
  std::string stderr_text;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::optional<std::chrono::steady_clock::time_point> stop_seen;
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const int ready = poll(fds, 2, 200);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && ready > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[1 << 16];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        std::string& text = i == 0 ? stdout_text : stderr_text;
        if (i == 0 || text.size() < kMaxErrBytes) text.append(buffer, n);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // end (or a broken pipe): closed below
      }
    }
    std::lock_guard lock(mu_);
    if (stopped_ && !stop_seen) stop_seen = std::chrono::steady_clock::now();
    if (stop_seen && std::chrono::steady_clock::now() - *stop_seen > kStopGrace)
      break;
  }
  CloseBoth(out);
  CloseBoth(err);

  // Waits for the exit without reaping, so that Stop() may still kill the
  // pid meanwhile; then reaps under the lock.
  siginfo_t info;
  while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  int status = 0;
  {
    std::lock_guard lock(mu_);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

  const std::string said = ErrText(stderr_text);
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    return Failed(
        absl::StrCat("verify was killed by signal ", signal, " (",
                     sigabbrev_np(signal) ? sigabbrev_np(signal) : "?", ")",
                     said.empty() ? "" : ": ", said));
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == kExitClean || code == kExitFindings) {
    const absl::string_view document = absl::StripAsciiWhitespace(stdout_text);
    if (document.empty() || document.front() != '{' || document.back() != '}') {
      return Failed(absl::StrCat("verify exited ", code,
                                 " without a JSON document on stdout",
                                 said.empty() ? "" : ": ", said));
    }
    return VerifyOutcome{std::move(stdout_text), ""};
  }
  if (code == kExitStorage) {
    return Failed(said.empty() ? "verify could not read the log (exit 3)"
                               : said);
  }
  return Failed(absl::StrCat("verify exited with status ", code,
                             said.empty() ? "" : ": ", said));
}

}  // namespace fundlog::serve
