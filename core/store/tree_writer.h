// Keeps the Merkle tree (the `tree` family) in step with the log. Private to
// core/store: the tree's math lives in core/merkle, which knows nothing of
// storage; this file is where the two meet.
#ifndef FUNDLOG_CORE_STORE_TREE_WRITER_H_
#define FUNDLOG_CORE_STORE_TREE_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/merkle/merkle.h"
#include "core/store/event_log.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace fundlog {

// Reads stored subtree hashes of `log`. Thread-compatible; lives no longer
// than `log`.
class LogNodeReader : public merkle::NodeReader {
 public:
  explicit LogNodeReader(const EventLog& log) : log_(log) {}
  absl::StatusOr<merkle::Hash> GetNode(int level,
                                       uint64_t index) const override;

 private:
  const EventLog& log_;
};

// Adds to `write` the node hashes that appending `stored` (the exact record
// bytes of sequence numbers first_seq, first_seq + 1, ...) creates. kDataLoss
// when an existing node it needs is missing or malformed.
absl::Status AddTreeNodes(const EventLog& log, uint64_t first_seq,
                          const std::vector<std::string>& stored,
                          rocksdb::ColumnFamilyHandle* tree,
                          rocksdb::WriteBatch* write);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_TREE_WRITER_H_
