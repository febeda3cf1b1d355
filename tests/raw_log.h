// Raw access to a log directory through the RocksDB API, for tests that
// damage a copied log as a disk fault or someone with write access to the
// directory would. Every column family is opened; writes are synced; the
// database is closed when the object goes. Failures fail the current test.
#ifndef FUNDLOG_TESTS_RAW_LOG_H_
#define FUNDLOG_TESTS_RAW_LOG_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/store/families.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/metadata.h"

namespace fundlog::testing {

class RawLog {
 public:
  explicit RawLog(const std::string& path) {
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (absl::string_view name : kFamilyNames) {
      descriptors.emplace_back(std::string(name),
                               rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), path,
                                          descriptors, &handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
  }

  ~RawLog() {
    if (db_ == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      EXPECT_TRUE(db_->DestroyColumnFamilyHandle(handle).ok());
    }
    EXPECT_TRUE(db_->Close().ok());
  }

  // The value of `key`; fails the test when absent.
  std::string Get(absl::string_view family, const std::string& key) {
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), Handle(family), key, &value);
    EXPECT_TRUE(s.ok()) << family << ": " << s.ToString();
    return value;
  }

  // The value of `key`, or nullopt when absent.
  std::optional<std::string> Find(absl::string_view family,
                                  const std::string& key) {
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), Handle(family), key, &value);
    if (s.IsNotFound()) return std::nullopt;
    EXPECT_TRUE(s.ok()) << family << ": " << s.ToString();
    return value;
  }

  void Put(absl::string_view family, const std::string& key,
           const std::string& value) {
    rocksdb::Status s = db_->Put(Synced(), Handle(family), key, value);
    EXPECT_TRUE(s.ok()) << family << ": " << s.ToString();
  }

  void Delete(absl::string_view family, const std::string& key) {
    rocksdb::Status s = db_->Delete(Synced(), Handle(family), key);
    EXPECT_TRUE(s.ok()) << family << ": " << s.ToString();
  }

  // Every (key, value) of `family` in key order.
  std::vector<std::pair<std::string, std::string>> Entries(
      absl::string_view family) {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), Handle(family)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return out;
  }

  // Paths of the SST files that hold `family` (flushed data only).
  std::vector<std::string> LiveFiles(absl::string_view family) {
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    std::vector<std::string> out;
    for (const rocksdb::LiveFileMetaData& file : files) {
      if (file.column_family_name == family) {
        out.push_back(file.directory + "/" + file.relative_filename);
      }
    }
    return out;
  }

  // Writes every memtable to SST files, so that file-level damage hits data.
  void Flush() {
    rocksdb::Status s = db_->Flush(rocksdb::FlushOptions(), handles_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

 private:
  static rocksdb::WriteOptions Synced() {
    rocksdb::WriteOptions options;
    options.sync = true;
    return options;
  }

  rocksdb::ColumnFamilyHandle* Handle(absl::string_view family) {
    for (size_t i = 0; i < kFamilyNames.size(); ++i) {
      if (kFamilyNames[i] == family) return handles_[i];
    }
    ADD_FAILURE() << "no column family " << family;
    return handles_[0];
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace fundlog::testing

#endif  // FUNDLOG_TESTS_RAW_LOG_H_
