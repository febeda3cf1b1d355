#include "core/audit/integrity.h"

#include "absl/strings/str_cat.h"
#include "core/store/tree_writer.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace fundlog {
namespace {

// Recomputes the tree from leaves in order, as a stack of complete subtrees,
// comparing every completed node with the stored one. A subtree that
// includes a damaged leaf is "tainted": its mismatch is a consequence of a
// finding already made, so it is not reported again.
class TreeRebuilder {
 public:
  TreeRebuilder(const LogView& log, std::vector<Finding>* findings)
      : log_(log), findings_(findings) {}

  // Adds leaf `index`; `tainted` when the leaf itself is damaged.
  absl::Status Push(uint64_t index, const merkle::Hash& leaf, bool tainted) {
    stack_.push_back({leaf, 0, index, tainted});
    while (stack_.size() >= 2 &&
           stack_[stack_.size() - 2].level == stack_.back().level) {
      Node right = stack_.back();
      stack_.pop_back();
      Node& left = stack_.back();
      left.hash = merkle::NodeHash(left.hash, right.hash);
      left.level += 1;
      left.index /= 2;
      left.tainted = left.tainted || right.tainted;
      if (absl::Status s = Compare(left); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // The root of the leaves pushed so far (RFC 6962: fold right to left).
  merkle::Hash Root() const {
    if (stack_.empty()) return merkle::EmptyRoot();
    merkle::Hash root = stack_.back().hash;
    for (size_t i = stack_.size() - 1; i-- > 0;) {
      root = merkle::NodeHash(stack_[i].hash, root);
    }
    return root;
  }

 private:
  struct Node {
    merkle::Hash hash;
    int level;
    uint64_t index;
    bool tainted;
  };

  absl::Status Compare(const Node& node) {
    if (node.tainted) return absl::OkStatus();
    absl::StatusOr<merkle::Hash> stored = Stored(node.level, node.index);
    const uint64_t first = node.index << node.level;
    const uint64_t last = first + (uint64_t{1} << node.level) - 1;
    if (!stored.ok()) {
      if (stored.status().code() != absl::StatusCode::kDataLoss) {
        return stored.status();
      }
      findings_->push_back(
          {first, "data_loss",
           absl::StrCat("Merkle node level ", node.level, " index ", node.index,
                        " (records ", first, "..", last,
                        "): ", stored.status().message())});
    } else if (*stored != node.hash) {
      findings_->push_back(
          {first, "data_loss",
           absl::StrCat("stored Merkle node level ", node.level, " index ",
                        node.index, " (records ", first, "..", last,
                        ") disagrees with the records")});
    }
    return absl::OkStatus();
  }

  // Nodes of each level complete in index order, so each level is read by
  // one sequential cursor.
  absl::StatusOr<merkle::Hash> Stored(int level, uint64_t index) {
    while (cursors_.size() <= static_cast<size_t>(level)) {
      cursors_.push_back(
          log_.NewTreeLevelCursor(static_cast<int>(cursors_.size())));
    }
    absl::StatusOr<std::optional<std::string>> value =
        cursors_[level]->Get(index);
    if (!value.ok()) return value.status();
    if (!value->has_value()) return merkle::MissingNodeError(level, index);
    return merkle::DecodeNodeValue(level, index, **value);
  }

  const LogView& log_;
  std::vector<std::unique_ptr<TreeLevelCursor>> cursors_;
  std::vector<Finding>* findings_;
  std::vector<Node> stack_;
};

// The `seq` field of stored record bytes, read without parsing the rest
// (integrity needs only this; the ledger checks parse every record anyway).
// nullopt when the bytes do not start like a StoredRecord. Protobuf writes
// fields in number order and omits seq 0, so field 1 comes first if at all.
std::optional<uint64_t> StoredSeq(absl::string_view bytes) {
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  const uint32_t tag = in.ReadTag();
  if (tag == 0)
    return bytes.empty() ? std::optional<uint64_t>(0) : std::nullopt;
  if (tag != (1 << 3)) {  // field 1, varint
    return google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag) >
                   1
               ? std::optional<uint64_t>(0)
               : std::nullopt;
  }
  uint64_t seq = 0;
  if (!in.ReadVarint64(&seq)) return std::nullopt;
  return seq;
}

}  // namespace

absl::StatusOr<IntegrityReport> CheckIntegrity(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint) {
  // One view for the size, the records and the tree, so that an append
  // running beside this check is either wholly seen or not at all.
  absl::StatusOr<LogView> view = log.NewView();
  if (!view.ok()) return view.status();
  IntegrityReport report;
  report.tree_size = view->Size();
  std::vector<Finding>& findings = report.findings;
  TreeRebuilder tree(*view, &findings);
  std::unique_ptr<TreeLevelCursor> leaves = view->NewTreeLevelCursor(0);
  auto stored_leaf_at = [&](uint64_t seq) -> absl::StatusOr<merkle::Hash> {
    absl::StatusOr<std::optional<std::string>> value = leaves->Get(seq);
    if (!value.ok()) return value.status();
    if (!value->has_value()) return merkle::MissingNodeError(0, seq);
    return merkle::DecodeNodeValue(0, seq, **value);
  };
  std::optional<merkle::Hash> root_at_checkpoint;
  if (checkpoint && checkpoint->size == 0)
    root_at_checkpoint = merkle::EmptyRoot();
  uint64_t next = 0;  // the next sequence number expected
  // A missing record's leaf comes from the stored level-0 node, if any, so
  // that one gap does not hide the state of the rest of the tree.
  auto push = [&](uint64_t seq, const merkle::Hash& leaf,
                  bool tainted) -> absl::Status {
    if (absl::Status s = tree.Push(seq, leaf, tainted); !s.ok()) return s;
    if (checkpoint && seq + 1 == checkpoint->size)
      root_at_checkpoint = tree.Root();
    return absl::OkStatus();
  };
  auto missing = [&](uint64_t seq) -> absl::Status {
    findings.push_back(
        {seq, "data_loss",
         absl::StrCat(
             "record ", seq, " is missing from the log",
             seq + 1 == report.tree_size ? " (the log is truncated)" : "")});
    absl::StatusOr<merkle::Hash> stored = stored_leaf_at(seq);
    return push(seq, stored.ok() ? *stored : merkle::Hash{}, true);
  };
  absl::Status scanned = view->ScanStored([&](uint64_t seq,
                                              absl::string_view bytes) {
    if (seq >= report.tree_size) {
      findings.push_back(
          {seq, "data_loss",
           absl::StrCat("record ", seq, " is stored beyond the log's size ",
                        report.tree_size)});
      return absl::OkStatus();
    }
    for (; next < seq; ++next) {
      if (absl::Status s = missing(next); !s.ok()) return s;
    }
    next = seq + 1;
    const merkle::Hash leaf =
        merkle::LeafHash(std::string_view(bytes.data(), bytes.size()));
    bool tainted = false;
    if (StoredSeq(bytes) != seq) {
      findings.push_back({seq, "data_loss",
                          absl::StrCat("record ", seq,
                                       " is unreadable or does not carry its "
                                       "own sequence number")});
      tainted = true;
    }
    absl::StatusOr<merkle::Hash> stored_leaf = stored_leaf_at(seq);
    if (!stored_leaf.ok()) {
      if (stored_leaf.status().code() != absl::StatusCode::kDataLoss) {
        return stored_leaf.status();
      }
      findings.push_back({seq, "data_loss",
                          absl::StrCat("the Merkle leaf node of record ", seq,
                                       ": ", stored_leaf.status().message())});
      tainted = true;
    } else if (*stored_leaf != leaf) {
      findings.push_back({seq, "data_loss",
                          absl::StrCat("record ", seq,
                                       " was changed in place: its leaf hash "
                                       "no longer matches the Merkle tree")});
      tainted = true;
    }
    return push(seq, leaf, tainted);
  });
  if (!scanned.ok()) return scanned;
  for (; next < report.tree_size; ++next) {
    if (absl::Status s = missing(next); !s.ok()) return s;
  }
  report.root = tree.Root();
  if (checkpoint) {
    if (checkpoint->size > report.tree_size) {
      findings.push_back(
          {report.tree_size, "data_loss",
           absl::StrCat("the checkpoint covers ", checkpoint->size,
                        " records but the log holds ", report.tree_size,
                        ": the log was truncated since")});
    } else if (root_at_checkpoint != checkpoint->root) {
      findings.push_back(
          {std::nullopt, "data_loss",
           absl::StrCat("the log no longer extends the checkpoint of size ",
                        checkpoint->size,
                        ": its first records hash to a different root")});
    }
  }
  return report;
}

}  // namespace fundlog
