// Test-only: a RocksDB FileSystem whose disk fills up at a chosen write:
// after `writes_left` more successful writes (Append, Sync, Fsync, new
// files), every write fails with IOStatus::NoSpace (ENOSPC), until the test
// frees space again. Header-only; not part of any library.
#ifndef FUNDLOG_CORE_STORE_NO_SPACE_FILE_SYSTEM_FOR_TEST_H_
#define FUNDLOG_CORE_STORE_NO_SPACE_FILE_SYSTEM_FOR_TEST_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "rocksdb/file_system.h"

namespace fundlog::testing {

class NoSpaceFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // A negative count never fills up.
  explicit NoSpaceFileSystem(std::atomic<int64_t>* writes_left)
      : FileSystemWrapper(rocksdb::FileSystem::Default()),
        writes_left_(writes_left) {}
  const char* Name() const override { return "NoSpaceFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* out,
      rocksdb::IODebugContext* debug) override {
    if (!Take(writes_left_)) return Full(name);
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s =
        target()->NewWritableFile(name, options, &file, debug);
    if (s.ok()) *out = std::make_unique<File>(std::move(file), writes_left_);
    return s;
  }

  // Consumes one write; false when the disk is full.
  static bool Take(std::atomic<int64_t>* writes_left) {
    int64_t left = writes_left->load();
    while (left > 0 && !writes_left->compare_exchange_weak(left, left - 1)) {
    }
    return left != 0;
  }
  static rocksdb::IOStatus Full(const std::string& what) {
    rocksdb::IOStatus s =
        rocksdb::IOStatus::NoSpace(what, "injected: No space left on device");
    s.SetRetryable(true);
    return s;
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file,
         std::atomic<int64_t>* writes_left)
        : FSWritableFileOwnerWrapper(std::move(file)),
          writes_left_(writes_left) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override {
      if (!Take(writes_left_)) return Full("append");
      return FSWritableFileOwnerWrapper::Append(data, options, debug);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* debug) override {
      if (!Take(writes_left_)) return Full("sync");
      return FSWritableFileOwnerWrapper::Sync(options, debug);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* debug) override {
      if (!Take(writes_left_)) return Full("fsync");
      return FSWritableFileOwnerWrapper::Fsync(options, debug);
    }

   private:
    std::atomic<int64_t>* writes_left_;
  };

  std::atomic<int64_t>* writes_left_;
};

}  // namespace fundlog::testing

#endif  // FUNDLOG_CORE_STORE_NO_SPACE_FILE_SYSTEM_FOR_TEST_H_
