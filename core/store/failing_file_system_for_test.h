// Test-only: a RocksDB FileSystem that fails writes on demand, for tests
// that a failed write poisons the writer and leaves nothing half written.
// Header-only; not part of any library.
#ifndef FUNDLOG_CORE_STORE_FAILING_FILE_SYSTEM_FOR_TEST_H_
#define FUNDLOG_CORE_STORE_FAILING_FILE_SYSTEM_FOR_TEST_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "rocksdb/file_system.h"

namespace fundlog::testing {

// Fails every write and sync of files opened for writing while `failing`;
// with `only_containing`, only of files whose name contains it.
class FailingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FailingFileSystem(std::atomic<bool>* failing,
                             std::string only_containing = "")
      : FileSystemWrapper(rocksdb::FileSystem::Default()),
        failing_(failing),
        only_containing_(std::move(only_containing)) {}
  const char* Name() const override { return "FailingFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* out,
      rocksdb::IODebugContext* debug) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s =
        target()->NewWritableFile(name, options, &file, debug);
    if (!s.ok()) return s;
    if (name.find(only_containing_) == std::string::npos) {
      *out = std::move(file);
    } else {
      *out = std::make_unique<File>(std::move(file), failing_);
    }
    return s;
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file,
         std::atomic<bool>* failing)
        : FSWritableFileOwnerWrapper(std::move(file)), failing_(failing) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override {
      if (*failing_) return rocksdb::IOStatus::IOError("injected write fault");
      return FSWritableFileOwnerWrapper::Append(data, options, debug);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* debug) override {
      if (*failing_) return rocksdb::IOStatus::IOError("injected sync fault");
      return FSWritableFileOwnerWrapper::Sync(options, debug);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* debug) override {
      if (*failing_) return rocksdb::IOStatus::IOError("injected sync fault");
      return FSWritableFileOwnerWrapper::Fsync(options, debug);
    }

   private:
    std::atomic<bool>* failing_;
  };

  std::atomic<bool>* failing_;
  const std::string only_containing_;
};

}  // namespace fundlog::testing

#endif  // FUNDLOG_CORE_STORE_FAILING_FILE_SYSTEM_FOR_TEST_H_
