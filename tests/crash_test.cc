// Crash tests: a writer appending to the log is killed (SIGKILL) at random
// moments, again and again on the same directory; after every kill the log
// must verify and hold every append the writer acknowledged. And a writer
// killed while it creates the log must not leave a directory that no later
// writer can open.
//
// The writer is crash_writer (tests/crash_writer.cc): it prints
// "acked <new_size> <last_event_id>" after each Append returned OK. It may
// die anywhere, also inside RocksDB's own recovery of the previous crash.
// Kill times and batch sizes come from a seed that is printed;
// FUNDLOG_CRASH_SEED=N makes the same choices again (the timing of the
// writer itself still varies).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/store/event_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

extern char** environ;

namespace fundlog::testing {
namespace {

using ::testing::Ge;
using ::testing::Optional;

constexpr int kRounds = 30;
constexpr int kRunMillisMin = 5;
constexpr int kRunMillisMax = 150;
// Long enough for a writer to start, create or recover the log and append.
constexpr auto kFirstAckWait = std::chrono::seconds(10);
// CrashWhileCreatingLeavesUsableLog kills writers ever later by this step.
constexpr auto kCreateKillStep = std::chrono::microseconds(500);
constexpr int kCreateRoundsMax = 400;

// One "acked" line of the writer.
struct Ack {
  uint64_t new_size = 0;
  std::string last_event_id;
};

struct WriterRun {
  bool killed = false;  // died of our SIGKILL, not on its own
  std::string how;      // how it ended, for messages
  std::vector<Ack> acks;
  std::string bad_lines;  // complete lines that are not "acked N ID"
};

uint64_t SeedFromEnvironmentOrRandom() {
  uint64_t seed = 0;
  if (const char* text = std::getenv("FUNDLOG_CRASH_SEED");
      text != nullptr && absl::SimpleAtoi(text, &seed)) {
    return seed;
  }
  return std::random_device{}();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Parses the complete lines of `out`; a torn last line (none is expected,
// lines are written whole) is ignored since it was never fully printed.
void ParseAcks(absl::string_view out, WriterRun* run) {
  const size_t complete = out.rfind('\n');
  if (complete == absl::string_view::npos) return;
  for (absl::string_view line : absl::StrSplit(out.substr(0, complete), '\n')) {
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    Ack ack;
    if (words.size() == 3 && words[0] == "acked" &&
        absl::SimpleAtoi(words[1], &ack.new_size)) {
      ack.last_event_id = std::string(words[2]);
      run->acks.push_back(std::move(ack));
    } else {
      absl::StrAppend(&run->bad_lines, line, "\n");
    }
  }
}

enum class KillAt { kDeadline, kFirstAck };

// Starts crash_writer on `log_dir`, lets it run for `run_for` (or, with
// KillAt::kFirstAck, only until it acknowledges its first append), kills it
// with SIGKILL, and returns what it acknowledged. Its stderr goes to
// `stderr_path`.
WriterRun RunWriterAndKill(const std::string& log_dir, uint64_t seed,
                           std::chrono::microseconds run_for, KillAt kill_at,
                           const std::string& stderr_path) {
  WriterRun run;
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string binary = CRASH_WRITER_BINARY;
  std::string seed_text = absl::StrCat(seed);
  std::string dir = log_dir;
  char* argv[] = {binary.data(), dir.data(), seed_text.data(), nullptr};
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    ADD_FAILURE() << "cannot start " << binary << ": error " << spawned;
    return run;
  }

  // Drain stdout while the writer runs, so that a full pipe never stalls it.
  std::string out;
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + run_for;
  bool open = true;
  while (open) {
    if (kill_at == KillAt::kFirstAck && out.find('\n') != std::string::npos) {
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd readable{pipe_fds[0], POLLIN, 0};
    const timespec timeout{static_cast<time_t>(left.count() / 1'000'000),
                           static_cast<long>(left.count() % 1'000'000 * 1000)};
    if (ppoll(&readable, 1, &timeout, nullptr) <= 0) continue;
    const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
    } else {
      open = false;  // EOF: the writer died on its own
    }
  }
  kill(pid, SIGKILL);
  // Whatever it printed before the kill is acknowledged too.
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0;) {
    out.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  run.how = WIFEXITED(status)
                ? absl::StrCat("exited with ", WEXITSTATUS(status), ": ",
                               Slurp(stderr_path))
                : absl::StrCat("killed by signal ", WTERMSIG(status));
  ParseAcks(out, &run);
  return run;
}

// Runs `fundlog verify --json` on `log_dir`. Returns the verified size, or
// nullopt (and a test failure) unless it exits 0 with "ok": true.
std::optional<uint64_t> VerifiedSize(const CliHarness& cli,
                                     const std::string& log_dir) {
  RunResult verify = cli.Run({"--db", log_dir, "verify", "--json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  if (verify.exit_code != 0) return std::nullopt;
  google::protobuf::Struct report = ParseJson(verify.out);
  EXPECT_TRUE(report.fields().at("ok").bool_value()) << verify.out;
  if (!report.fields().at("ok").bool_value()) return std::nullopt;
  return static_cast<uint64_t>(report.fields().at("tree_size").number_value());
}

TEST(CrashTest, KilledWriterLosesNoAcknowledgedAppend) {
  const uint64_t seed = SeedFromEnvironmentOrRandom();
  std::cout << "crash_test seed " << seed << " (FUNDLOG_CRASH_SEED=" << seed
            << " repeats this run)\n";
  RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> run_millis(kRunMillisMin, kRunMillisMax);

  CliHarness cli;
  const std::string log_dir = absl::StrCat(cli.dir(), "/crash-log");
  const std::string stderr_path = absl::StrCat(cli.dir(), "/writer.stderr");
  uint64_t acked_size = 0;
  std::vector<std::string> acked_ids;
  for (int round = 0; round < kRounds; ++round) {
    const int millis = run_millis(random);
    // The first writer creates the log and is killed only once it is made:
    // a crash inside EventLog::Create is CrashWhileCreatingLeavesUsableLog's.
    const KillAt kill_at = round == 0 ? KillAt::kFirstAck : KillAt::kDeadline;
    const auto run_for =
        round == 0 ? kFirstAckWait : std::chrono::milliseconds(millis);
    SCOPED_TRACE(absl::StrCat(
        "round ", round, ", killed ",
        round == 0 ? "at its first ack" : absl::StrCat("after ", millis, " ms"),
        ", acked size before ", acked_size));
    WriterRun run =
        RunWriterAndKill(log_dir, random(), run_for, kill_at, stderr_path);
    ASSERT_TRUE(run.killed) << "the writer died before the kill: " << run.how;
    ASSERT_EQ(run.bad_lines, "") << "the writer printed unexpected lines";
    for (const Ack& ack : run.acks) {
      ASSERT_GT(ack.new_size, acked_size) << "acks must grow the log";
      EXPECT_EQ(ack.last_event_id, absl::StrCat("crash-", ack.new_size - 1));
      acked_size = ack.new_size;
      acked_ids.push_back(ack.last_event_id);
    }
    ASSERT_GT(acked_size, 0u) << "the first writer never acknowledged";

    const std::optional<uint64_t> verified_size = VerifiedSize(cli, log_dir);
    ASSERT_TRUE(verified_size.has_value());
    ASSERT_GE(*verified_size, acked_size) << "acknowledged records were lost";
    absl::StatusOr<std::unique_ptr<EventLog>> log =
        EventLog::Open(OpenOptions{log_dir, /*read_only=*/true});
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_EQ((*log)->Size(), *verified_size);
    for (const std::string& id : acked_ids) {
      absl::StatusOr<std::optional<uint64_t>> seq = (*log)->FindEventId(id);
      ASSERT_TRUE(seq.ok()) << seq.status();
      ASSERT_TRUE(seq->has_value())
          << "acknowledged event " << id << " is missing";
      EXPECT_EQ(absl::StrCat("crash-", **seq), id);
    }
  }
  std::cout << "crash_test: " << kRounds << " kills, " << acked_size
            << " records acknowledged in " << acked_ids.size() << " batches\n";
}

// A writer killed while it creates the log (RocksDB makes CURRENT, then the
// column families, then the log writes its meta) must leave a directory that
// the next writer can use: either no log at all or a whole one. The kill
// moves later by kCreateKillStep each round, from the writer's start until
// it has acknowledged an append, so the rounds cover creation on any
// machine.
TEST(CrashTest, CrashWhileCreatingLeavesUsableLog) {
  CliHarness cli;
  const std::string stderr_path = absl::StrCat(cli.dir(), "/writer.stderr");
  int killed_while_creating = 0;
  int broken = 0;
  std::string first_broken;
  for (int round = 0; round < kCreateRoundsMax; ++round) {
    const std::string log_dir = absl::StrCat(cli.dir(), "/log-", round);
    const auto delay = kCreateKillStep * round;
    WriterRun run =
        RunWriterAndKill(log_dir, round, delay, KillAt::kDeadline, stderr_path);
    ASSERT_TRUE(run.killed) << "round " << round << ": " << run.how;
    if (!run.acks.empty()) break;  // creation was over before the kill
    if (!std::filesystem::exists(log_dir)) continue;  // killed before it began
    ++killed_while_creating;
    // The next writer must be able to go on, and its log must verify.
    WriterRun next = RunWriterAndKill(log_dir, round, kFirstAckWait,
                                      KillAt::kFirstAck, stderr_path);
    if (next.acks.empty()) {
      ++broken;
      if (first_broken.empty()) {
        first_broken = absl::StrCat("killed after ", delay.count(),
                                    " us, the next writer ", next.how);
      }
      continue;
    }
    EXPECT_THAT(VerifiedSize(cli, log_dir),
                Optional(Ge(next.acks.front().new_size)));
  }
  std::cout << "crash_test: " << killed_while_creating
            << " writers killed before their first append, " << broken
            << " left a log no writer can open\n";
  EXPECT_EQ(broken, 0) << "of " << killed_while_creating
                       << " writers killed before their first ack, " << broken
                       << " left a directory no writer can open; first: "
                       << first_broken;
}

}  // namespace
}  // namespace fundlog::testing
