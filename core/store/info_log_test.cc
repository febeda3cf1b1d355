// The writer's info LOG never takes the process down: a LOG that cannot be
// written (here /dev/full, which fails every write with ENOSPC) drops lines.
#include "core/store/info_log.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

std::filesystem::path FreshDir(const char* name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              absl::StrCat("fundlog-", name, "-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(InfoLogTest, LogOnAFullDiskDropsLinesInsteadOfAborting) {
  const std::filesystem::path dir = FreshDir("info-full");
  std::filesystem::create_symlink("/dev/full", dir / "LOG");
  auto log = TolerantInfoLog::Open(dir.string(), 1 << 20);
  for (int i = 0; i < 1000; ++i) {
    rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, log, "line %d", i);
  }
  EXPECT_TRUE(log->failed());
  std::filesystem::remove_all(dir);
}

TEST(InfoLogTest, LogInADirectoryThatCannotHoldItDropsEveryLine) {
  auto log = TolerantInfoLog::Open("/nonexistent/fundlog-info", 1 << 20);
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, log, "dropped");
  EXPECT_FALSE(log->failed());  // never opened: nothing attempted
}

TEST(InfoLogTest, LogStaysBelowItsLimitAndKeepsOneOldFile) {
  const std::filesystem::path dir = FreshDir("info-roll");
  constexpr size_t kMax = 64 * 1024;
  for (int open = 0; open < 5; ++open) {
    auto log = TolerantInfoLog::Open(dir.string(), kMax);
    for (int i = 0; i < 5000; ++i) {
      rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, log, "open %d line %d",
                   open, i);
    }
    EXPECT_FALSE(log->failed());
  }
  EXPECT_LE(std::filesystem::file_size(dir / "LOG"), kMax);
  EXPECT_LE(std::filesystem::file_size(dir / "LOG.old"), kMax);
  int files = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(dir)) {
    ++files;
  }
  EXPECT_EQ(files, 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fundlog
