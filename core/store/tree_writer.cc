#include "core/store/tree_writer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/store/rocks_status.h"

namespace fundlog {

absl::StatusOr<merkle::Hash> LogNodeReader::GetNode(int level,
                                                    uint64_t index) const {
  absl::StatusOr<std::optional<std::string>> value =
      log_.GetTreeNode(merkle::NodeKey(level, index));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return merkle::MissingNodeError(level, index);
  return merkle::DecodeNodeValue(level, index, **value);
}

absl::Status AddTreeNodes(const EventLog& log, uint64_t first_seq,
                          const std::vector<std::string>& stored,
                          rocksdb::ColumnFamilyHandle* tree,
                          rocksdb::WriteBatch* write) {
  std::vector<merkle::Hash> leaves;
  leaves.reserve(stored.size());
  for (const std::string& bytes : stored) {
    leaves.push_back(merkle::LeafHash(bytes));
  }
  LogNodeReader reader(log);
  absl::StatusOr<std::vector<merkle::NodeWrite>> nodes =
      merkle::NodesForAppend(first_seq, leaves, reader);
  if (!nodes.ok()) return nodes.status();
  // Key order (level, then index) lets each memtable insert continue from
  // the previous one; see the index entries in event_log_append.cc.
  std::sort(nodes->begin(), nodes->end(),
            [](const merkle::NodeWrite& a, const merkle::NodeWrite& b) {
              return std::pair(a.level, a.index) < std::pair(b.level, b.index);
            });
  absl::Status s;
  for (const merkle::NodeWrite& node : *nodes) {
    s.Update(FromRocks(write->Put(tree, merkle::NodeKey(node.level, node.index),
                                  merkle::EncodeNodeValue(node.hash)),
                       "batch"));
  }
  return s;
}

}  // namespace fundlog
