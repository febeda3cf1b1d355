// `fundlog` on a real disk that is full or read-only: a small tmpfs mounted
// for the test (needs root and permission to mount; skipped otherwise, the
// injected file system in core/store/full_disk_test.cc covers the store);
// and a log directory the user may not write.
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

std::string Event(const std::string& id, bool establish) {
  return absl::StrCat(
      "events { event_id: \"", id,
      "\" fund_id: \"f\" effective { day: \"2021-02-01\" } recorded_on: "
      "\"2021-02-01\" source { title: \"Doc\" } ",
      establish ? "fund_established { name: \"Fund\" }"
                : "allocation { amount_ore: 100 }",
      " }\n");
}

class DiskFullCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(disk_);
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                   << "); full_disk_test covers the store";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(disk_.c_str(), MNT_DETACH);
  }

  // Writes zeros until the disk refuses more.
  void FillDisk() {
    std::ofstream out(filler_, std::ios::binary);
    const std::string block(4096, '\0');
    while (out.write(block.data(), block.size()) && out.flush()) {
    }
  }
  void FreeDisk() { std::filesystem::remove(filler_); }

  RunResult Append(const std::string& id, bool establish = false) {
    return cli_.Run({"--db", log_, "append", "--file",
                     cli_.WriteFile(id + ".textpb", Event(id, establish))});
  }

  CliHarness cli_;
  const std::string disk_ = absl::StrCat(cli_.dir(), "/disk");
  const std::string log_ = disk_ + "/log";
  const std::string filler_ = disk_ + "/filler";
  bool mounted_ = false;
};

TEST_F(DiskFullCliTest, AppendOnAFullDiskExitsThreeAndAppendsGoOnLater) {
  ASSERT_EQ(cli_.Run({"--db", log_, "init", "--origin", "t/full"}).exit_code,
            0);
  ASSERT_EQ(Append("est", true).exit_code, 0);
  FillDisk();
  RunResult full = Append("a1");
  EXPECT_EQ(full.exit_code, 3) << full.err;
  EXPECT_THAT(full.err, HasSubstr("the disk is full"));
  FreeDisk();
  RunResult verify = cli_.Run({"--db", log_, "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  RunResult next = Append("a2");
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(cli_.Run({"--db", log_, "verify"}).exit_code, 0);
}

TEST_F(DiskFullCliTest, InitOnAFullDiskExitsThreeAndLeavesNoStaging) {
  FillDisk();
  RunResult init = cli_.Run({"--db", log_, "init", "--origin", "t/full"});
  EXPECT_EQ(init.exit_code, 3) << init.err;
  EXPECT_THAT(init.err, HasSubstr("the disk is full"));
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(disk_)) {
    if (entry.path() != filler_) left.push_back(entry.path().string());
  }
  EXPECT_THAT(left, ::testing::IsEmpty());
}

TEST_F(DiskFullCliTest, AppendOnAReadOnlyDiskExitsThreeAndSaysSo) {
  ASSERT_EQ(cli_.Run({"--db", log_, "init", "--origin", "t/ro"}).exit_code, 0);
  ASSERT_EQ(Append("est", true).exit_code, 0);
  const std::string file = cli_.WriteFile("a1.textpb", Event("a1", false));
  ASSERT_EQ(::mount("tmpfs", disk_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY,
                    "size=4m"),
            0)
      << std::strerror(errno);
  RunResult refused = cli_.Run({"--db", log_, "append", "--file", file});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("read-only"));
  EXPECT_THAT(refused.err, HasSubstr("Remount it read-write"));
  ASSERT_EQ(::mount("tmpfs", disk_.c_str(), "tmpfs", MS_REMOUNT, "size=4m"), 0);
  EXPECT_EQ(cli_.Run({"--db", log_, "append", "--file", file}).exit_code, 0);
  EXPECT_EQ(cli_.Run({"--db", log_, "verify"}).exit_code, 0);
}

// A log directory this user may not write: as root, permissions do not bind,
// so the binary runs as `nobody` (setpriv); skipped when not root.
TEST(LogPermissionCliTest, AppendWithoutPermissionExitsThreeAndSaysWhatToDo) {
  if (::geteuid() != 0 || !std::filesystem::exists("/usr/bin/setpriv")) {
    GTEST_SKIP() << "needs root and setpriv to run fundlog as another user";
  }
  CliHarness cli;
  const std::string log = cli.dir() + "/log";
  ASSERT_EQ(cli.Run({"--db", log, "init", "--origin", "t/perm"}).exit_code, 0);
  ASSERT_EQ(cli.Run({"--db", log, "append", "--file",
                     cli.WriteFile("est.textpb", Event("est", true))})
                .exit_code,
            0);
  const std::string file = cli.WriteFile("a1.textpb", Event("a1", false));
  std::filesystem::permissions(
      cli.dir(),
      std::filesystem::perms::others_read | std::filesystem::perms::others_exec,
      std::filesystem::perm_options::add);
  std::filesystem::permissions(file, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  // The binary must be reachable by `nobody`: a clone under a private home
  // directory is not, and then this test cannot say anything.
  const std::string as_nobody =
      "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups ";
  const int probe = std::system(
      absl::StrCat(as_nobody, FUNDLOG_BINARY, " --help >/dev/null 2>&1")
          .c_str());
  if (!WIFEXITED(probe) || WEXITSTATUS(probe) == 126 ||
      WEXITSTATUS(probe) == 127) {
    GTEST_SKIP() << "user nobody cannot run " << FUNDLOG_BINARY;
  }
  const std::string err = cli.dir() + "/err.txt";
  const std::string command =
      absl::StrCat(as_nobody, FUNDLOG_BINARY, " --db ", log, " append --file ",
                   file, " 2> ", err);
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 3);
  std::ifstream in(err);
  const std::string message((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
  EXPECT_THAT(message, HasSubstr("permission denied"));
  EXPECT_THAT(message, HasSubstr("Run fundlog as the user who owns"));
  EXPECT_EQ(cli.Run({"--db", log, "verify"}).exit_code, 0);
}

}  // namespace
}  // namespace fundlog::testing
