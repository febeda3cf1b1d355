// Writing a whole file so that a reader never sees half of it and a crash
// never leaves a torn one: exports, checkpoints and reports for auditors.
//
// Thread-safe: a free function (two writers of one path race, and the last
// rename wins; each reader sees one whole file).
#ifndef FUNDLOG_CORE_IO_DURABLE_FILE_H_
#define FUNDLOG_CORE_IO_DURABLE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fundlog {

// A file written piece by piece with the guarantees of WriteFileDurably:
// the pieces go to a fresh temporary file beside `path` (through a buffer
// of a fixed size, so memory does not grow with the file), and only
// Commit() makes the whole file visible under `path`. Destroyed without a
// successful Commit() (an error, or the writer gave up), the temporary file
// is removed and `path` is as before. Errors as WriteFileDurably.
class DurableFile {
 public:
  static absl::StatusOr<std::unique_ptr<DurableFile>> Create(
      const std::string& path);
  ~DurableFile();
  DurableFile(const DurableFile&) = delete;
  DurableFile& operator=(const DurableFile&) = delete;

  // Appends `bytes` to the file. After an error the file can only be
  // abandoned (every later call returns the same error).
  absl::Status Append(absl::string_view bytes);
  // Writes what is buffered, fsyncs, renames the file over `path` and
  // fsyncs the directory. Call at most once.
  absl::Status Commit();
  // Bytes appended so far.
  uint64_t size() const { return size_; }

 private:
  DurableFile(std::string path, std::string temp, int fd);
  absl::Status Drain();

  std::string path_;
  std::string temp_;
  int fd_ = -1;  // -1 once closed
  bool committed_ = false;
  absl::Status error_;
  std::string buffer_;
  uint64_t size_ = 0;
};

// Writes `bytes` to a fresh temporary file beside `path`, fsyncs it, renames
// it over `path` and fsyncs the directory, so that after OK the file is
// whole on disk under its name, and at no time is a partial file visible
// there. On failure the temporary file is removed and `path` is as before.
// Returns kNotFound when the directory does not exist, kFailedPrecondition
// when `path` is a directory, kPermissionDenied when it may not be written,
// kInternal for any other I/O error; each message names the path.
absl::Status WriteFileDurably(const std::string& path, absl::string_view bytes);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_IO_DURABLE_FILE_H_
