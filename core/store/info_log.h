// RocksDB's info LOG for a writer, written so that it can never take the
// process down. RocksDB 7.8's own logger (as Debian builds it, assertions
// on) aborts with SIGABRT when it writes again after one failed write, so a
// full or read-only disk ended `fundlog init` and `append` in an abort
// instead of an answer. This logger drops lines it cannot write.
#ifndef FUNDLOG_CORE_STORE_INFO_LOG_H_
#define FUNDLOG_CORE_STORE_INFO_LOG_H_

#include <cstdarg>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "rocksdb/env.h"

namespace fundlog {

class TolerantInfoLog : public rocksdb::Logger {
 public:
  // Opens DIR/LOG for appending; a LOG larger than `bytes_max` / 2 is first
  // renamed to LOG.old (replacing the previous one), and one process writes
  // at most `bytes_max` / 2, so LOG and LOG.old stay below `bytes_max` each.
  // Never fails: when LOG cannot be opened (no space, a read-only or forbidden
  // directory) every line is dropped.
  static std::shared_ptr<TolerantInfoLog> Open(const std::string& dir,
                                               size_t bytes_max);
  ~TolerantInfoLog() override;

  using rocksdb::Logger::Logv;
  // Writes one line; after a failed write, or once this process wrote
  // its share of `bytes_max`, drops every later line. Never aborts, never
  // throws.
  void Logv(const char* format, va_list ap) override;

  // True when a line was dropped because a write failed.
  bool failed() const;

 private:
  TolerantInfoLog(int fd, size_t bytes_max) : fd_(fd), bytes_max_(bytes_max) {}
  rocksdb::Status CloseImpl() override;

  mutable std::mutex mutex_;
  int fd_;
  size_t bytes_max_;
  size_t written_ = 0;
  bool failed_ = false;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_INFO_LOG_H_
