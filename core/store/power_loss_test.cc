// Durability that a test can see: a file system that remembers how much of
// each file was synced and, at a simulated power loss, throws the rest
// away (and the files created since their directory was last synced). Every
// append acknowledged before the loss must be there afterwards, byte for
// byte. With syncing turned off the same test must notice the loss, which
// shows that it can fail.
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/ledger/record_rules.h"
#include "core/store/append_session.h"
#include "core/store/event_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace fundlog {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

// What the disk would keep of each file written through this file system.
class PowerLossFileSystem : public rocksdb::FileSystemWrapper {
 public:
  PowerLossFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "PowerLossFileSystem"; }

  IOStatus NewWritableFile(const std::string& name,
                           const rocksdb::FileOptions& options,
                           std::unique_ptr<rocksdb::FSWritableFile>* out,
                           IODebugContext* debug) override {
    if (Dead()) return IOStatus::IOError("the power is off");
    std::unique_ptr<rocksdb::FSWritableFile> file;
    IOStatus s = target()->NewWritableFile(name, options, &file, debug);
    if (!s.ok()) return s;
    {
      absl::MutexLock lock(&mu_);
      files_[name] = {0, 0};
      unsynced_entries_.insert(name);
    }
    *out = std::make_unique<File>(std::move(file), this, name);
    return s;
  }
  IOStatus NewDirectory(const std::string& name, const IOOptions& options,
                        std::unique_ptr<rocksdb::FSDirectory>* out,
                        IODebugContext* debug) override {
    std::unique_ptr<rocksdb::FSDirectory> dir;
    IOStatus s = target()->NewDirectory(name, options, &dir, debug);
    if (s.ok()) *out = std::make_unique<Directory>(std::move(dir), this);
    return s;
  }
  IOStatus RenameFile(const std::string& from, const std::string& to,
                      const IOOptions& options,
                      IODebugContext* debug) override {
    if (Dead()) return IOStatus::IOError("the power is off");
    IOStatus s = target()->RenameFile(from, to, options, debug);
    absl::MutexLock lock(&mu_);
    if (s.ok() && files_.count(from) != 0) {
      files_[to] = files_[from];
      files_.erase(from);
      // A renamed file was synced before its rename (RocksDB's rule); the
      // rename itself is taken as durable, a simplification.
      unsynced_entries_.erase(from);
    }
    return s;
  }
  // A hard link (how RocksDB takes an ingested table file in) is a new
  // directory entry for the same bytes: durable once its directory is
  // synced, holding what the file had synced.
  IOStatus LinkFile(const std::string& from, const std::string& to,
                    const IOOptions& options, IODebugContext* debug) override {
    if (Dead()) return IOStatus::IOError("the power is off");
    IOStatus s = target()->LinkFile(from, to, options, debug);
    absl::MutexLock lock(&mu_);
    if (s.ok() && files_.count(from) != 0) {
      files_[to] = files_[from];
      unsynced_entries_.insert(to);
    }
    return s;
  }
  // Reopened to be synced (RocksDB does so with an ingested file).
  IOStatus ReopenWritableFile(const std::string& name,
                              const rocksdb::FileOptions& options,
                              std::unique_ptr<rocksdb::FSWritableFile>* out,
                              IODebugContext* debug) override {
    if (Dead()) return IOStatus::IOError("the power is off");
    std::unique_ptr<rocksdb::FSWritableFile> file;
    IOStatus s = target()->ReopenWritableFile(name, options, &file, debug);
    if (!s.ok()) return s;
    *out = std::make_unique<File>(std::move(file), this, name);
    return s;
  }
  IOStatus DeleteFile(const std::string& name, const IOOptions& options,
                      IODebugContext* debug) override {
    if (Dead()) return IOStatus::IOError("the power is off");
    IOStatus s = target()->DeleteFile(name, options, debug);
    absl::MutexLock lock(&mu_);
    files_.erase(name);
    unsynced_entries_.erase(name);
    return s;
  }

  // From now on nothing reaches the disk.
  void CutPower() {
    absl::MutexLock lock(&mu_);
    dead_ = true;
  }
  // What the disk holds after the loss: each file cut to its synced length,
  // files whose directory entry was never synced gone. Call once the log
  // is closed.
  void ApplyLoss() {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, lengths] : files_) {
      std::error_code error;
      if (unsynced_entries_.count(name) != 0) {
        std::filesystem::remove(name, error);
      } else if (std::filesystem::exists(name, error)) {
        std::filesystem::resize_file(name, lengths.synced, error);
      }
      EXPECT_FALSE(error) << name << ": " << error.message();
    }
  }

 private:
  struct Lengths {
    uint64_t written = 0;
    uint64_t synced = 0;
  };

  bool Dead() {
    absl::MutexLock lock(&mu_);
    return dead_;
  }
  bool Wrote(const std::string& name, uint64_t bytes) {
    absl::MutexLock lock(&mu_);
    if (dead_) return false;
    files_[name].written += bytes;
    return true;
  }
  bool Synced(const std::string& name) {
    absl::MutexLock lock(&mu_);
    if (dead_) return false;
    files_[name].synced = files_[name].written;
    return true;
  }
  bool DirectorySynced() {
    absl::MutexLock lock(&mu_);
    if (dead_) return false;
    unsynced_entries_.clear();
    return true;
  }

  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, PowerLossFileSystem* fs,
         std::string name)
        : FSWritableFileOwnerWrapper(std::move(file)),
          fs_(fs),
          name_(std::move(name)) {}
    IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                    IODebugContext* debug) override {
      if (!fs_->Wrote(name_, data.size())) return Off();
      return FSWritableFileOwnerWrapper::Append(data, options, debug);
    }
    IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                    const rocksdb::DataVerificationInfo& info,
                    IODebugContext* debug) override {
      if (!fs_->Wrote(name_, data.size())) return Off();
      return FSWritableFileOwnerWrapper::Append(data, options, info, debug);
    }
    IOStatus Sync(const IOOptions& options, IODebugContext* debug) override {
      IOStatus s = FSWritableFileOwnerWrapper::Sync(options, debug);
      if (s.ok() && !fs_->Synced(name_)) return Off();
      return s;
    }
    IOStatus Fsync(const IOOptions& options, IODebugContext* debug) override {
      IOStatus s = FSWritableFileOwnerWrapper::Fsync(options, debug);
      if (s.ok() && !fs_->Synced(name_)) return Off();
      return s;
    }
    // RangeSync (sync_file_range) and Close make nothing durable.

   private:
    static IOStatus Off() { return IOStatus::IOError("the power is off"); }
    PowerLossFileSystem* fs_;
    const std::string name_;
  };

  class Directory : public rocksdb::FSDirectoryWrapper {
   public:
    Directory(std::unique_ptr<rocksdb::FSDirectory> dir,
              PowerLossFileSystem* fs)
        : FSDirectoryWrapper(std::move(dir)), fs_(fs) {}
    IOStatus Fsync(const IOOptions& options, IODebugContext* debug) override {
      IOStatus s = FSDirectoryWrapper::Fsync(options, debug);
      if (s.ok() && !fs_->DirectorySynced()) {
        return IOStatus::IOError("the power is off");
      }
      return s;
    }
    IOStatus FsyncWithDirOptions(
        const IOOptions& options, IODebugContext* debug,
        const rocksdb::DirFsyncOptions& dir_options) override {
      IOStatus s =
          FSDirectoryWrapper::FsyncWithDirOptions(options, debug, dir_options);
      if (s.ok() && !fs_->DirectorySynced()) {
        return IOStatus::IOError("the power is off");
      }
      return s;
    }

   private:
    PowerLossFileSystem* fs_;
  };

  absl::Mutex mu_;
  bool dead_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, Lengths> files_ ABSL_GUARDED_BY(mu_);
  // Files created since their directory was last synced (one directory).
  std::set<std::string> unsynced_entries_ ABSL_GUARDED_BY(mu_);
};

v1::EventBatch Batch(int first, int count) {
  v1::EventBatch batch;
  for (int i = first; i < first + count; ++i) {
    v1::Event* event = batch.add_events();
    event->set_event_id(absl::StrCat("e", i));
    event->set_fund_id("f");
    event->mutable_effective()->set_day("2020-01-01");
    event->set_recorded_on("2020-01-01");
    event->mutable_source()->set_title("test");
    if (i == 0) {
      event->mutable_fund_established()->set_name("f");
    } else {
      event->mutable_allocation()->set_amount_ore(i);
    }
  }
  return batch;
}

std::string TestDir(const char* name) {
  return (std::filesystem::temp_directory_path() /
          absl::StrCat("fundlog-", name, "-", getpid()))
      .string();
}

// A new empty log at `dir` (anything there before is removed), made on the
// plain file system: creation renames a staging directory, which the
// power-loss file system does not follow.
bool CreateEmptyLog(const std::string& dir) {
  std::filesystem::remove_all(dir);
  return EventLog::Create(CreateOptions{.path = dir,
                                        .origin = "power/loss",
                                        .rules = &fundlog::ledger::Rules()})
      .ok();
}

// A large import commits by ingesting table files (session_spill.h): made
// through the power-loss file system, with every part spilled, then the
// power cut. The acknowledged import survives whole.
TEST(PowerLossTest, AnIngestedImportSurvivesLosingUnsyncedWrites) {
  const std::string dir = TestDir("power-ingest");
  ASSERT_TRUE(CreateEmptyLog(dir));
  auto fs = std::make_shared<PowerLossFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  std::vector<std::string> acknowledged;
  {
    auto log = EventLog::Open(OpenOptions{.path = dir,
                                          .env = env.get(),
                                          .rules = &fundlog::ledger::Rules(),
                                          .session_spill_bytes = 1});
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->Append(Batch(0, 1), 0).ok());
    auto session = (*log)->BeginAppend(1);
    ASSERT_TRUE(session.ok()) << session.status();
    const BatchOrigin origin{"big.textpb", std::string(64, 'b')};
    for (int part = 0; part < 4; ++part) {
      ASSERT_TRUE((*session)->Add(Batch(1 + part * 50, 50), origin).ok());
    }
    EXPECT_EQ((*session)->spills(), 4);
    auto committed = (*session)->Commit();
    ASSERT_TRUE(committed.ok()) << committed.status();
    ASSERT_EQ(committed->new_size, 201u);
    for (uint64_t seq = 0; seq < 201; ++seq) {
      auto raw = (*log)->ReadRaw(seq);
      ASSERT_TRUE(raw.ok()) << raw.status();
      acknowledged.push_back(*raw);
    }
    fs->CutPower();
  }
  fs->ApplyLoss();
  auto reopened = EventLog::Open(OpenOptions{.path = dir, .read_only = true});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  ASSERT_EQ((*reopened)->Size(), 201u);
  for (uint64_t seq = 0; seq < 201; ++seq) {
    auto raw = (*reopened)->ReadRaw(seq);
    ASSERT_TRUE(raw.ok()) << seq << ": " << raw.status();
    EXPECT_EQ(*raw, acknowledged[seq]) << seq;
  }
  auto found = (*reopened)->FindEventId("e200");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, 200u);
  std::filesystem::remove_all(dir);
}

struct LossOutcome {
  uint64_t acknowledged = 0;  // the size of the last acknowledged append
  uint64_t survived = 0;      // the size after the loss
  int differing = 0;          // acknowledged records lost or changed
};

// Appends batches through the power-loss file system, cuts the power, and
// reopens with the plain one.
LossOutcome AppendThenLosePower(const std::string& dir, bool sync_writes) {
  LossOutcome outcome;
  EXPECT_TRUE(CreateEmptyLog(dir));
  auto fs = std::make_shared<PowerLossFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  std::vector<std::string> acknowledged;
  {
    auto log = EventLog::Open(OpenOptions{.path = dir,
                                          .env = env.get(),
                                          .sync_writes = sync_writes,
                                          .rules = &fundlog::ledger::Rules()});
    EXPECT_TRUE(log.ok()) << log.status();
    if (!log.ok()) return outcome;
    for (int batch = 0; batch < 20; ++batch) {
      const int first = static_cast<int>((*log)->Size());
      auto appended = (*log)->Append(Batch(first, 1 + batch % 7), first);
      EXPECT_TRUE(appended.ok()) << appended.status();
      if (!appended.ok()) break;
      outcome.acknowledged = appended->new_size;
    }
    for (uint64_t seq = 0; seq < outcome.acknowledged; ++seq) {
      auto raw = (*log)->ReadRaw(seq);
      acknowledged.push_back(raw.ok() ? *raw : "");
    }
    fs->CutPower();  // the close below reaches no disk
  }
  fs->ApplyLoss();
  auto reopened = EventLog::Open(OpenOptions{.path = dir, .read_only = true});
  if (!reopened.ok()) {
    outcome.differing = static_cast<int>(outcome.acknowledged);
    return outcome;
  }
  outcome.survived = (*reopened)->Size();
  for (uint64_t seq = 0; seq < outcome.acknowledged; ++seq) {
    auto raw = (*reopened)->ReadRaw(seq);
    if (!raw.ok() || *raw != acknowledged[seq]) ++outcome.differing;
  }
  return outcome;
}

TEST(PowerLossTest, AcknowledgedAppendsSurviveLosingUnsyncedWrites) {
  const std::string dir = TestDir("power-loss");
  LossOutcome outcome = AppendThenLosePower(dir, /*sync_writes=*/true);
  EXPECT_GT(outcome.acknowledged, 20u);
  EXPECT_GE(outcome.survived, outcome.acknowledged);
  EXPECT_EQ(outcome.differing, 0);
  // The reopened log is whole: a writer may open it (its records agree
  // with its size) and append.
  auto log = EventLog::Open(
      OpenOptions{.path = dir, .rules = &fundlog::ledger::Rules()});
  ASSERT_TRUE(log.ok()) << log.status();
  const int size = static_cast<int>((*log)->Size());
  EXPECT_TRUE((*log)->Append(Batch(size, 2), size).ok());
  std::filesystem::remove_all(dir);
}

// The same run with syncing off loses acknowledged appends: the test above
// would see it.
TEST(PowerLossTest, LossIsSeenWhenAppendsAreNotSynced) {
  const std::string dir = TestDir("power-loss-nosync");
  LossOutcome outcome = AppendThenLosePower(dir, /*sync_writes=*/false);
  EXPECT_GT(outcome.acknowledged, 20u);
  EXPECT_LT(outcome.survived, outcome.acknowledged);
  EXPECT_GT(outcome.differing, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fundlog
