#include "core/store/event_log.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ledger/record_rules.h"
#include "core/store/append_session.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/table_properties.h"

namespace fundlog {
namespace {

using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-store-XXXXXX")
            .string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Log() const { return path_ + "/log"; }

 private:
  std::string path_;
};

v1::Event MakeEvent(std::string id, std::string fund, std::string day) {
  v1::Event event;
  event.set_event_id(std::move(id));
  event.set_fund_id(std::move(fund));
  event.mutable_effective()->set_day(day);
  event.set_recorded_on(day);
  event.mutable_source()->set_title("test source");
  return event;
}

v1::Event Established(std::string fund) {
  v1::Event event = MakeEvent(absl::StrCat("est-", fund), fund, "2000-01-01");
  event.mutable_fund_established()->set_name(fund);
  return event;
}

v1::Event Allocation(std::string id, std::string fund, std::string day,
                     int64_t ore) {
  v1::Event event = MakeEvent(std::move(id), std::move(fund), std::move(day));
  event.mutable_allocation()->set_amount_ore(ore);
  return event;
}

std::unique_ptr<EventLog> CreateLog(const TempDir& dir) {
  auto log =
      EventLog::Create(CreateOptions{.path = dir.Log(),
                                     .origin = "origin",
                                     .rules = &fundlog::ledger::Rules()});
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

v1::EventBatch Batch(std::vector<v1::Event> events) {
  v1::EventBatch batch;
  for (auto& event : events) *batch.add_events() = std::move(event);
  return batch;
}

// The store does not know what events mean: a writer that opens the log
// without the ledger's rules can read it, and every write is refused with
// a message naming the log, leaving it as it was.
TEST(EventLogTest, WithoutRecordRulesTheLogReadsButRefusesEveryWrite) {
  TempDir dir;
  {
    auto log = CreateLog(dir);
    ASSERT_TRUE(log->Append(Batch({Established("f")}), 0).ok());
  }
  {
    auto bare = EventLog::Open(OpenOptions{.path = dir.Log()});
    ASSERT_TRUE(bare.ok()) << bare.status();
    EventLog& log = **bare;
    auto read = log.Read(0);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->event().event_id(), "est-f");
    auto appended =
        log.Append(Batch({Allocation("a1", "f", "2001-01-01", 100)}), 1);
    EXPECT_EQ(appended.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(appended.status().message(), HasSubstr("record rules"));
    EXPECT_THAT(appended.status().message(), HasSubstr(dir.Log()));
    auto session = log.BeginAppend(1);
    EXPECT_EQ(session.status().code(), absl::StatusCode::kFailedPrecondition);
    auto rebuilt = log.RebuildIndex();
    EXPECT_EQ(rebuilt.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(log.Size(), 1u);
  }
  auto reopened =
      EventLog::Open(OpenOptions{.path = dir.Log(), .rules = &ledger::Rules()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->Size(), 1u);
  auto appended =
      (*reopened)->Append(Batch({Allocation("a1", "f", "2001-01-01", 100)}), 1);
  ASSERT_TRUE(appended.ok()) << appended.status();
  EXPECT_EQ((*reopened)->Size(), 2u);
}

TEST(EventLogTest, AppendAndReopenKeepsEveryRecordByteForByte) {
  TempDir dir;
  std::vector<std::string> written;
  {
    auto log = CreateLog(dir);
    ASSERT_TRUE(log->Append(Batch({Established("f")}), 0).ok());
    v1::EventBatch batch;
    for (int i = 0; i < 50; ++i) {
      *batch.add_events() =
          Allocation(absl::StrCat("a", i), "f",
                     absl::StrCat("2001-01-", 10 + i % 20), 1000 + i);
    }
    auto appended = log->Append(batch, 1);
    ASSERT_TRUE(appended.ok()) << appended.status();
    EXPECT_EQ(appended->first_seq, 1u);
    EXPECT_EQ(appended->new_size, 51u);
    for (uint64_t seq = 0; seq < log->Size(); ++seq) {
      auto raw = log->ReadRaw(seq);
      ASSERT_TRUE(raw.ok());
      written.push_back(*raw);
    }
  }
  auto reopened = EventLog::Open(
      OpenOptions{.path = dir.Log(), .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  ASSERT_EQ((*reopened)->Size(), 51u);
  int64_t previous_micros = 0;
  for (uint64_t seq = 0; seq < 51; ++seq) {
    auto raw = (*reopened)->ReadRaw(seq);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(*raw, written[seq]);
    auto record = (*reopened)->Read(seq);
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(record->seq(), seq);
    EXPECT_GT(record->appended_at_micros(), previous_micros)
        << "appended_at must increase strictly";
    previous_micros = record->appended_at_micros();
  }
}

// Per table file of the log at `path`, opened with RocksDB's defaults:
// (family, the number of its index partitions; 0 for a one-level index).
std::vector<std::pair<std::string, uint64_t>> IndexPartitionsOfTables(
    const std::string& path, bool rewrite_with_defaults) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (absl::string_view name : kFamilyNames) {
    descriptors.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  // Read-only when only looking: a writable open would replay the WAL into
  // a table of its own, in RocksDB's default layout.
  EXPECT_TRUE((rewrite_with_defaults
                   ? rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors,
                                       &handles, &raw)
                   : rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path,
                                                  descriptors, &handles, &raw))
                  .ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<std::pair<std::string, uint64_t>> out;
  for (rocksdb::ColumnFamilyHandle* family : handles) {
    if (rewrite_with_defaults) {
      rocksdb::CompactRangeOptions options;
      options.bottommost_level_compaction =
          rocksdb::BottommostLevelCompaction::kForce;
      EXPECT_TRUE(db->CompactRange(options, family, nullptr, nullptr).ok());
    }
    rocksdb::TablePropertiesCollection tables;
    EXPECT_TRUE(db->GetPropertiesOfAllTables(family, &tables).ok());
    for (const auto& [file, properties] : tables) {
      out.emplace_back(family->GetName(), properties->index_partitions);
    }
  }
  for (rocksdb::ColumnFamilyHandle* family : handles) {
    EXPECT_TRUE(db->DestroyColumnFamilyHandle(family).ok());
  }
  return out;
}

// Tables written by an older build (RocksDB's default one-level index)
// are rewritten with partitioned indexes, every record byte for byte as
// it was; new tables are written partitioned from the start.
TEST(EventLogTest, RewriteTablesGivesEveryTableAPartitionedIndex) {
  TempDir dir;
  std::vector<std::string> records;
  {
    auto log = CreateLog(dir);
    ASSERT_TRUE(log->Append(Batch({Established("f")}), 0).ok());
    v1::EventBatch batch;
    for (int i = 0; i < 200; ++i) {
      *batch.add_events() =
          Allocation(absl::StrCat("a", i), "f",
                     absl::StrCat("2001-02-", 10 + i % 18), 100 + i);
    }
    ASSERT_TRUE(log->Append(batch, 1).ok());
    for (uint64_t seq = 0; seq < log->Size(); ++seq) {
      records.push_back(*log->ReadRaw(seq));
    }
  }
  auto old_layout = IndexPartitionsOfTables(dir.Log(), true);
  ASSERT_FALSE(old_layout.empty());
  for (const auto& [family, partitions] : old_layout) {
    EXPECT_EQ(partitions, 0u) << family;
  }
  {
    auto log = EventLog::Open(
        OpenOptions{.path = dir.Log(), .rules = &ledger::Rules()});
    ASSERT_TRUE(log.ok()) << log.status();
    auto rewritten = (*log)->RewriteTables();
    ASSERT_TRUE(rewritten.ok()) << rewritten.status();
    EXPECT_EQ(rewritten->before, old_layout.size());
    EXPECT_GE(rewritten->after, 1u);
    ASSERT_EQ((*log)->Size(), records.size());
    for (uint64_t seq = 0; seq < records.size(); ++seq) {
      EXPECT_EQ(*(*log)->ReadRaw(seq), records[seq]);
    }
    ASSERT_TRUE((*log)
                    ->Append(Batch({Allocation("late", "f", "2002-01-01", 5)}),
                             records.size())
                    .ok());
  }
  auto new_layout = IndexPartitionsOfTables(dir.Log(), false);
  ASSERT_FALSE(new_layout.empty());
  for (const auto& [family, partitions] : new_layout) {
    EXPECT_GE(partitions, 1u) << family;
  }
}

// ReplaceDerived replaces exactly the keys under its prefix (keys that
// merely share its first bytes, and the prefix's 0xff-ending neighbours,
// stay), and ScanDerived visits them in key order; a read-only log
// refuses the write.
TEST(EventLogTest, ReplaceDerivedReplacesExactlyThePrefixsKeys) {
  TempDir dir;
  auto log = CreateLog(dir);
  ASSERT_NE(log, nullptr);
  const std::string high = std::string("p/k/") + "\xff\xff";
  for (const std::string& key :
       {std::string("p/k"), std::string("p/k-h"), std::string("p/k/a"),
        std::string("p/k/b"), high, std::string("p/l")}) {
    ASSERT_TRUE(log->PutDerived(key, "old " + key).ok());
  }
  ASSERT_TRUE(log->ReplaceDerived("p/k/", {{"p/k/c", "new c"},
                                           {std::string("p/k/\0", 5), "nul"}})
                  .ok());
  std::vector<std::pair<std::string, std::string>> seen;
  ASSERT_TRUE(
      log->ScanDerived("p/k/",
                       [&](absl::string_view key, absl::string_view value) {
                         seen.emplace_back(key, value);
                         return absl::OkStatus();
                       })
          .ok());
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{
                      {std::string("p/k/\0", 5), "nul"}, {"p/k/c", "new c"}}));
  for (const std::string& kept :
       {std::string("p/k"), std::string("p/k-h"), std::string("p/l")}) {
    EXPECT_EQ(log->GetDerived(kept).value_or(std::nullopt), "old " + kept);
  }
  EXPECT_EQ(log->GetDerived(high).value_or("error"), std::nullopt);
  // Without a prefix nothing is deleted.
  ASSERT_TRUE(log->ReplaceDerived("", {{"p/k/d", "d"}}).ok());
  EXPECT_EQ(log->GetDerived("p/k/c").value_or(std::nullopt), "new c");
  log.reset();
  auto reader =
      EventLog::Open(OpenOptions{.path = dir.Log(), .read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE(
      absl::IsFailedPrecondition((*reader)->ReplaceDerived("p/k/", {})));
  EXPECT_EQ((*reader)->GetDerived("p/k/c").value_or(std::nullopt), "new c");
}

TEST(EventLogTest, BatchWithOneBadEventWritesNothing) {
  TempDir dir;
  auto log = CreateLog(dir);
  ASSERT_TRUE(log->Append(Batch({Established("f")}), 0).ok());
  auto result = log->Append(Batch({Allocation("ok", "f", "2001-01-01", 5),
                                   Allocation("bad", "f", "2001-01-02", 0),
                                   Allocation("ok2", "f", "2001-01-03", 5)}),
                            std::nullopt);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      result.status().message(),
      HasSubstr("event 1 (id \"bad\"): field \"allocation.amount_ore\""));
  EXPECT_EQ(log->Size(), 1u);
  auto found = log->FindEventId("ok");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value()) << "no index entry of the refused batch";
  EXPECT_EQ(log->ReadRaw(1).status().code(), absl::StatusCode::kNotFound);
}

TEST(EventLogTest, ExpectedSizeMismatchIsAborted) {
  TempDir dir;
  auto log = CreateLog(dir);
  ASSERT_TRUE(log->Append(Batch({Established("f")}), 0).ok());
  auto stale = log->Append(Batch({Allocation("a", "f", "2001-01-01", 5)}), 0);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(log->Size(), 1u);
  EXPECT_TRUE(
      log->Append(Batch({Allocation("a", "f", "2001-01-01", 5)}), 1).ok());
}

TEST(EventLogTest, ExistingSequenceNumberIsNeverOverwritten) {
  TempDir dir;
  {
    auto log = CreateLog(dir);
    ASSERT_TRUE(log->Append(Batch({Established("f")}), 0).ok());
  }
  // Simulate meta and events disagreeing: a record sits where the next one
  // would go. The store must refuse rather than overwrite it.
  {
    rocksdb::DB* db = nullptr;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name :
         {"default", "events", "tree", "index", "derived", "meta"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.Log(), families,
                                  &handles, &db)
                    .ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], keys::EventKey(1),
                        "planted")
                    .ok());
    for (auto* handle : handles) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    delete db;
  }
  // Opening for writing already sees that the records run past the size.
  auto refused = EventLog::Open(
      OpenOptions{.path = dir.Log(), .rules = &fundlog::ledger::Rules()});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("holds 1 records, but the last stored record is "
                        "record 1"));
  // A reader may still open it, so that `verify` can name the damage.
  auto log = EventLog::Open(OpenOptions{.path = dir.Log(), .read_only = true});
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->Size(), 1u);
}

TEST(EventLogTest, ScanByFundAndDateReturnsExactlyTheRightEvents) {
  TempDir dir;
  auto log = CreateLog(dir);
  ASSERT_TRUE(log->Append(Batch({Established("f"), Established("g")}), 0).ok());
  ASSERT_TRUE(log->Append(Batch({Allocation("f3", "f", "2003-05-01", 1),
                                 Allocation("g1", "g", "2001-05-01", 1),
                                 Allocation("f1", "f", "2001-05-01", 1),
                                 Allocation("f2", "f", "2002-05-01", 1),
                                 Allocation("f2b", "f", "2002-12-31", 1)}),
                          2)
                  .ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(log->ScanByEffective("f", absl::CivilDay(2001, 5, 1),
                                   absl::CivilDay(2002, 12, 31),
                                   [&](const v1::StoredRecord& record) {
                                     seen.push_back(record.event().event_id());
                                     return absl::OkStatus();
                                   })
                  .ok());
  EXPECT_THAT(seen, ::testing::ElementsAre("f1", "f2", "f2b"));
  seen.clear();
  ASSERT_TRUE(log->ScanByEffective("", absl::CivilDay(2001, 1, 1),
                                   absl::CivilDay(2001, 12, 31),
                                   [&](const v1::StoredRecord& record) {
                                     seen.push_back(record.event().event_id());
                                     return absl::OkStatus();
                                   })
                  .ok());
  EXPECT_THAT(seen, ::testing::ElementsAre("g1", "f1"));
}

// The names of one kind come from the index in name order, each with the
// record that defined it, and nothing of another kind comes with them.
TEST(EventLogTest, ScanNamedListsTheNamesOfOneKind) {
  TempDir dir;
  auto log = CreateLog(dir);
  v1::Event accounts = MakeEvent("accounts", "g", "2000-01-02");
  for (const char* id : {"9", "10", "1930"}) {
    v1::Account* account = accounts.mutable_accounts_defined()->add_accounts();
    account->set_id(id);
    account->set_name(absl::StrCat("account ", id));
  }
  ASSERT_TRUE(
      log->Append(Batch({Established("g"), Established("f"),
                         Allocation("a1", "f", "2001-05-01", 1), accounts}),
                  0)
          .ok());
  using Named = std::pair<std::string, uint64_t>;
  auto scan = [&](char kind) {
    std::vector<Named> seen;
    absl::Status s =
        log->ScanNamed(kind, [&](absl::string_view name, uint64_t seq) {
          seen.emplace_back(std::string(name), seq);
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return seen;
  };
  EXPECT_THAT(scan(keys::kIndexFund),
              ::testing::ElementsAre(Named{"f", 1}, Named{"g", 0}));
  EXPECT_THAT(
      scan(keys::kIndexAccount),
      ::testing::ElementsAre(Named{"10", 3}, Named{"1930", 3}, Named{"9", 3}));
  EXPECT_THAT(scan(keys::kIndexPolicy), ::testing::IsEmpty());
  // A visitor's error stops the scan and is returned.
  int visited = 0;
  EXPECT_TRUE(absl::IsCancelled(
      log->ScanNamed(keys::kIndexFund, [&](absl::string_view, uint64_t) {
        ++visited;
        return absl::CancelledError("enough");
      })));
  EXPECT_EQ(visited, 1);
  // Kinds that are not names are refused.
  EXPECT_TRUE(absl::IsInvalidArgument(log->ScanNamed(
      keys::kIndexEventId,
      [](absl::string_view, uint64_t) { return absl::OkStatus(); })));
}

TEST(EventLogTest, NewerSchemaFailsClearly) {
  TempDir dir;
  { CreateLog(dir); }
  {
    rocksdb::DB* db = nullptr;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name :
         {"default", "events", "tree", "index", "derived", "meta"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.Log(), families,
                                  &handles, &db)
                    .ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[5], "schema_version",
                        keys::EncodeU32(kSchemaVersion + 1))
                    .ok());
    for (auto* handle : handles) {
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    delete db;
  }
  auto log = EventLog::Open(
      OpenOptions{.path = dir.Log(), .rules = &fundlog::ledger::Rules()});
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(log.status().message(), HasSubstr("newer")) << log.status();
}

TEST(EventLogTest, CreateRefusesAnExistingLog) {
  TempDir dir;
  { CreateLog(dir); }
  auto again = EventLog::Create(CreateOptions{
      .path = dir.Log(), .origin = "o", .rules = &fundlog::ledger::Rules()});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(EventLogTest, ReadOnlyLogRefusesAppends) {
  TempDir dir;
  { CreateLog(dir); }
  auto log = EventLog::Open(OpenOptions{dir.Log(), /*read_only=*/true});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->Append(Batch({Established("f")}), 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace fundlog
