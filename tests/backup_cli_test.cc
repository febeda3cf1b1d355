// `fundlog backup` and `fundlog restore`, end to end: a backup taken while
// another process appends restores to a log whose records up to the backup's
// signed checkpoint are the source's, byte for byte; a damaged backup is
// refused with nothing written.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/store/event_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog {
namespace {

namespace fs = std::filesystem;
using ::fundlog::testing::CliHarness;
using ::fundlog::testing::RunResult;
using ::testing::HasSubstr;

constexpr char kEstablished[] = R"pb(
  events {
    event_id: "est"
    fund_id: "f"
    effective { day: "2020-01-01" }
    recorded_on: "2020-01-01"
    source { title: "Test document" }
    fund_established { name: "Test fund" }
  }
)pb";

std::string Allocation(int i) {
  // Plain strings, not a raw pb string split around `i`: clang-format 14
  // reflows such a split raw string and pads the event id with spaces.
  return absl::StrCat("events { event_id: \"a", i,
                      "\" fund_id: \"f\" effective { day: \"2020-02-01\" } "
                      "recorded_on: \"2020-02-01\" source { title: \"Doc\" } "
                      "allocation { amount_ore: 100 } }");
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The size line of a checkpoint note (its second line).
uint64_t CheckpointSize(const std::string& note) {
  std::vector<std::string> lines = absl::StrSplit(note, '\n');
  uint64_t size = 0;
  EXPECT_TRUE(lines.size() > 2 && absl::SimpleAtoi(lines[1], &size)) << note;
  return size;
}

class BackupCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.Run({"init", "--origin", "backup.test/log"}).exit_code, 0);
    ASSERT_EQ(cli_.Run({"import", cli_.WriteFile("est.textpb", kEstablished)})
                  .exit_code,
              0);
    for (int i = 0; i < 5; ++i) Append(cli_, i);
  }

  static void Append(const CliHarness& cli, int i, const std::string& db = "") {
    const std::string file =
        cli.WriteFile(absl::StrCat("a", i, ".textpb"), Allocation(i));
    std::vector<std::string> args = {"append", "--file", file};
    if (!db.empty()) args.insert(args.begin(), {"--db", db});
    RunResult result = cli.Run(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
  }

  std::string Log() const { return cli_.dir() + "/fundlog-data"; }
  std::string Backups() const { return cli_.dir() + "/backups"; }
  std::string Restored() const { return cli_.dir() + "/restored"; }

  CliHarness cli_;
};

TEST_F(BackupCliTest, BackupDuringAppendsRestoresEveryRecordUpToItsCheckpoint) {
  // Another process appends the whole time (each append is a `fundlog
  // append` process, run from its own harness directory).
  CliHarness appender_cli;
  std::atomic<bool> stop{false};
  std::atomic<int> appended{0};
  std::thread appender([&] {
    for (int i = 100; !stop.load() && i < 400; ++i) {
      Append(appender_cli, i, Log());
      appended.fetch_add(1);
    }
  });
  while (appended.load() < 3) std::this_thread::yield();
  RunResult first = cli_.Run({"backup", "--to", Backups()});
  RunResult second = cli_.Run({"backup", "--to", Backups()});
  const int appended_during = appended.load();
  stop.store(true);
  appender.join();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr("backup 2 of "));
  EXPECT_GT(appended.load(), appended_during - 1);

  RunResult restored =
      cli_.Run({"restore", "--from", Backups(), "--to", Restored()});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_THAT(restored.out, HasSubstr("verify is clean"));

  const uint64_t checkpoint_size =
      CheckpointSize(ReadAll(Backups() + "/checkpoint-2"));
  auto source = EventLog::Open(OpenOptions{.path = Log(), .read_only = true});
  auto copy =
      EventLog::Open(OpenOptions{.path = Restored(), .read_only = true});
  ASSERT_TRUE(source.ok()) << source.status();
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_GE(checkpoint_size, 6u);
  EXPECT_EQ((*copy)->Size(), checkpoint_size);
  EXPECT_GE((*source)->Size(), checkpoint_size);
  for (uint64_t seq = 0; seq < checkpoint_size; ++seq) {
    auto want = (*source)->ReadRaw(seq);
    auto got = (*copy)->ReadRaw(seq);
    ASSERT_TRUE(want.ok() && got.ok()) << seq;
    EXPECT_EQ(*got, *want) << "record " << seq;
  }
  source->reset();
  copy->reset();
  RunResult verified = cli_.Run({"--db", Restored(), "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  // The restored log takes appends and signs with the log's own key.
  Append(cli_, 999, Restored());
  RunResult key = cli_.Run({"--db", Restored(), "key"});
  RunResult source_key = cli_.Run({"key"});
  EXPECT_EQ(key.out, source_key.out);
}

TEST_F(BackupCliTest, RepeatedBackupCopiesNoTableTwice) {
  RunResult first = cli_.Run({"backup", "--to", Backups()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  RunResult second = cli_.Run({"backup", "--to", Backups()});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr(" 0 table files new"));
  EXPECT_TRUE(fs::exists(Backups() + "/checkpoint-1"));
  EXPECT_TRUE(fs::exists(Backups() + "/checkpoint-2"));
}

TEST_F(BackupCliTest, DamagedBackupIsRefused) {
  ASSERT_EQ(cli_.Run({"backup", "--to", Backups()}).exit_code, 0);
  // Change one byte in the middle of every backed-up table file.
  int damaged = 0;
  for (const auto& entry :
       fs::directory_iterator(Backups() + "/shared_checksum")) {
    std::fstream file(entry.path(),
                      std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(fs::file_size(entry) / 2);
    file.seekg(middle);
    char byte = 0;
    file.get(byte);
    file.seekp(middle);
    file.put(static_cast<char>(byte ^ 0x01));
    ++damaged;
  }
  ASSERT_GT(damaged, 0);
  RunResult restored =
      cli_.Run({"restore", "--from", Backups(), "--to", Restored()});
  EXPECT_EQ(restored.exit_code, 1) << restored.out;
  EXPECT_THAT(restored.err, HasSubstr("is damaged"));
  EXPECT_THAT(restored.err, HasSubstr("nothing restored"));
  EXPECT_FALSE(fs::exists(Restored()));
}

TEST_F(BackupCliTest, DamagedManifestInBackupIsRefused) {
  ASSERT_EQ(cli_.Run({"backup", "--to", Backups()}).exit_code, 0);
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(Backups() + "/private/1")) {
    if (entry.path().filename().string().rfind("MANIFEST-", 0) != 0) continue;
    std::fstream file(entry.path(),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(entry) - 3));
    file.put('!');
    ++damaged;
  }
  ASSERT_EQ(damaged, 1);
  RunResult restored =
      cli_.Run({"restore", "--from", Backups(), "--to", Restored()});
  EXPECT_EQ(restored.exit_code, 1) << restored.out;
  EXPECT_THAT(restored.err, HasSubstr("is damaged"));
  EXPECT_FALSE(fs::exists(Restored()));
}

TEST_F(BackupCliTest, ChangedCheckpointIsRefused) {
  ASSERT_EQ(cli_.Run({"backup", "--to", Backups()}).exit_code, 0);
  const std::string path = Backups() + "/checkpoint-1";
  std::string note = ReadAll(path);
  const size_t size_line = note.find('\n') + 1;
  note[size_line] = note[size_line] == '5' ? '4' : '5';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << note;
  RunResult restored =
      cli_.Run({"restore", "--from", Backups(), "--to", Restored()});
  EXPECT_EQ(restored.exit_code, 1) << restored.out;
  EXPECT_THAT(restored.err, HasSubstr("checkpoint does not verify"));
  EXPECT_FALSE(fs::exists(Restored()));
}

TEST_F(BackupCliTest, CheckpointByAnotherKeyIsRefused) {
  ASSERT_EQ(cli_.Run({"backup", "--to", Backups()}).exit_code, 0);
  CliHarness other;
  ASSERT_EQ(other.Run({"init", "--origin", "other"}).exit_code, 0);
  std::string other_key = other.Run({"key"}).out;
  other_key.pop_back();  // the newline
  RunResult restored = cli_.Run(
      {"restore", "--from", Backups(), "--to", Restored(), "--key", other_key});
  EXPECT_EQ(restored.exit_code, 1) << restored.out;
  EXPECT_THAT(restored.err, HasSubstr("checkpoint does not verify with"));
  EXPECT_FALSE(fs::exists(Restored()));
}

TEST_F(BackupCliTest, RestoreNeverWritesOverAnExistingDirectory) {
  ASSERT_EQ(cli_.Run({"backup", "--to", Backups()}).exit_code, 0);
  RunResult over_log =
      cli_.Run({"restore", "--from", Backups(), "--to", Log()});
  EXPECT_EQ(over_log.exit_code, 1);
  EXPECT_THAT(over_log.err, HasSubstr("already exists"));
  fs::create_directory(Restored());
  RunResult over_empty =
      cli_.Run({"restore", "--from", Backups(), "--to", Restored()});
  EXPECT_EQ(over_empty.exit_code, 1);
  EXPECT_TRUE(fs::is_empty(Restored()));
  EXPECT_EQ(cli_.Run({"verify"}).exit_code, 0);
}

TEST_F(BackupCliTest, BackupOfAnotherLogIntoTheSameDirectoryIsRefused) {
  ASSERT_EQ(cli_.Run({"backup", "--to", Backups()}).exit_code, 0);
  CliHarness other;
  ASSERT_EQ(other.Run({"init", "--origin", "other"}).exit_code, 0);
  RunResult mixed = other.Run({"backup", "--to", Backups()});
  EXPECT_EQ(mixed.exit_code, 3);
  EXPECT_THAT(mixed.err, HasSubstr("holds backups of another log"));
}

TEST_F(BackupCliTest, RestoreFromAnEmptyDirectoryIsRefused) {
  fs::create_directory(Backups());
  RunResult restored =
      cli_.Run({"restore", "--from", Backups(), "--to", Restored()});
  EXPECT_EQ(restored.exit_code, 1);
  EXPECT_THAT(restored.err, HasSubstr("holds no backup"));
}

}  // namespace
}  // namespace fundlog
