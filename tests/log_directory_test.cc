// The log directory as a user finds it after using `fundlog`: small and tidy
// after many short-lived writers, and a writer that opens a log whose size
// in `meta` disagrees with its records refuses to write onto it.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kSingleAppends = 200;
// At most kSmallTablesMax - 1 small table files in each of the four families
// that take writes (event_log.cc), whatever the number of appends.
constexpr int kTableFilesMax = 12;
constexpr uintmax_t kInfoLogBytesMax = 4 << 20;

std::string Allocation(int i) {
  return absl::StrCat(
      "events { event_id: \"a", i,
      "\" fund_id: \"f\" effective { day: \"2021-02-01\" } recorded_on: "
      "\"2021-02-01\" source { title: \"Doc\" } allocation { amount_ore: ",
      100 + i, " } }\n");
}

class LogDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(
        cli_.Run({"--db", log_, "init", "--origin", "test/dir"}).exit_code, 0);
    const std::string fund = cli_.WriteFile(
        "fund.textpb",
        "events { event_id: \"est\" fund_id: \"f\" effective { day: "
        "\"2021-01-01\" } recorded_on: \"2021-01-01\" source { title: "
        "\"Doc\" } fund_established { name: \"Fund\" } }\n");
    ASSERT_EQ(cli_.Run({"--db", log_, "append", "--file", fund}).exit_code, 0);
  }

  RunResult AppendOne(int i) {
    return cli_.Run({"--db", log_, "append", "--file",
                     cli_.WriteFile("one.textpb", Allocation(i))});
  }

  CliHarness cli_;
  const std::string log_ = absl::StrCat(cli_.dir(), "/log");
};

TEST_F(LogDirectoryTest, ManySingleAppendsLeaveAFewSmallFiles) {
  for (int i = 0; i < kSingleAppends; ++i) {
    RunResult appended = AppendOne(i);
    ASSERT_EQ(appended.exit_code, 0) << appended.err;
  }
  int table_files = 0;
  uintmax_t info_log_bytes = 0;
  int info_log_files = 0;
  std::string names;
  for (const auto& entry : std::filesystem::directory_iterator(log_)) {
    const std::string name = entry.path().filename().string();
    absl::StrAppend(&names, name, " ");
    if (absl::EndsWith(name, ".sst")) ++table_files;
    if (absl::StartsWith(name, "LOG")) {
      ++info_log_files;
      info_log_bytes += entry.file_size();
    }
  }
  EXPECT_LE(table_files, kTableFilesMax) << names;
  EXPECT_LE(info_log_files, 3) << names;
  EXPECT_LE(info_log_bytes, kInfoLogBytesMax);
  RunResult verify = cli_.Run({"--db", log_, "verify", "--json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out,
              HasSubstr(absl::StrCat("\"tree_size\":", kSingleAppends + 1)));
}

// A writer killed while RocksDB writes its OPTIONS file leaves
// OPTIONS-N.dbtmp behind; the next writer removes it.
TEST_F(LogDirectoryTest, StaleOptionsTempFileIsRemovedByTheNextWriter) {
  const std::string stale = absl::StrCat(log_, "/OPTIONS-000999.dbtmp");
  std::ofstream(stale) << "[Version]\n";
  ASSERT_TRUE(std::filesystem::exists(stale));
  RunResult appended = AppendOne(1);
  ASSERT_EQ(appended.exit_code, 0) << appended.err;
  EXPECT_FALSE(std::filesystem::exists(stale));
}

// Sets the size in `meta` with the raw RocksDB API, as a tamperer would.
void SetStoredSize(const std::string& path, uint64_t size) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (absl::string_view name : kFamilyNames) {
    descriptors.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &db)
          .ok());
  rocksdb::WriteOptions sync;
  sync.sync = true;
  EXPECT_TRUE(db->Put(sync, handles[5], std::string(keys::kMetaSize),
                      keys::EncodeU64(size))
                  .ok());
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    EXPECT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
  delete db;
}

TEST_F(LogDirectoryTest, InflatedSizeInMetaRefusesAppend) {
  ASSERT_EQ(AppendOne(1).exit_code, 0);
  const std::string verify_before =
      cli_.Run({"--db", log_, "verify", "--json"}).out;
  SetStoredSize(log_, 1000);
  RunResult appended = AppendOne(2);
  EXPECT_NE(appended.exit_code, 0);
  EXPECT_NE(appended.exit_code, 1) << "damage is not the user's input";
  EXPECT_THAT(appended.err,
              HasSubstr("the size in meta says the log holds 1000 records, "
                        "but the last stored record is record 1"));
  // Nothing was written: restoring the size restores the very same log.
  SetStoredSize(log_, 2);
  EXPECT_EQ(cli_.Run({"--db", log_, "verify", "--json"}).out, verify_before);
}

TEST_F(LogDirectoryTest, ShrunkSizeInMetaRefusesAppend) {
  ASSERT_EQ(AppendOne(1).exit_code, 0);
  SetStoredSize(log_, 1);
  RunResult appended = AppendOne(2);
  EXPECT_NE(appended.exit_code, 0);
  EXPECT_THAT(appended.err,
              HasSubstr("the size in meta says the log holds 1 records, but "
                        "the last stored record is record 1"));
}

}  // namespace
}  // namespace fundlog::testing
