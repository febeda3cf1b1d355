#include "core/audit/tree_rebuilder.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace fundlog {

TreeRebuilder::TreeRebuilder(const LogView& log, std::vector<Finding>* findings)
    : log_(log), findings_(findings) {}

absl::Status TreeRebuilder::Push(uint64_t index, const merkle::Hash& leaf,
                                 bool tainted,
                                 std::optional<merkle::Hash> stored_leaf) {
  return PushNode(Node{leaf, 0, index, tainted, stored_leaf});
}

absl::Status TreeRebuilder::PushUnknownRun(uint64_t first, uint64_t count) {
  while (count > 0) {
    // The largest complete subtree that starts at `first` and fits: the
    // stack then stays a decomposition of the leaves pushed so far.
    int level = 0;
    while (level < 63 && (first & (uint64_t{1} << level)) == 0 &&
           (uint64_t{2} << level) <= count) {
      ++level;
    }
    if (absl::Status s =
            PushNode(Node{merkle::Hash{}, level, first >> level, true, {}});
        !s.ok()) {
      return s;
    }
    first += uint64_t{1} << level;
    count -= uint64_t{1} << level;
  }
  return absl::OkStatus();
}

absl::Status TreeRebuilder::PushNode(Node node) {
  stack_.push_back(std::move(node));
  while (stack_.size() >= 2 &&
         stack_[stack_.size() - 2].level == stack_.back().level) {
    Node right = std::move(stack_.back());
    stack_.pop_back();
    if (absl::Status s = Merge(stack_.back(), right); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status TreeRebuilder::Merge(Node& left, const Node& right) {
  bool tainted = left.tainted || right.tainted;
  if (left.disputed || right.disputed) {
    absl::StatusOr<bool> settled = SettleDispute(left, right);
    if (!settled.ok()) return settled.status();
    tainted = *settled;
  }
  left.hash = merkle::NodeHash(left.hash, right.hash);
  left.level += 1;
  left.index /= 2;
  left.tainted = tainted;
  left.disputed.reset();
  return Compare(left);
}

// Two leaves and their stored parent: when the parent equals the hash of
// the records' leaves, the records are what was signed and the stored leaf
// node is what changed; when it equals the hash of the stored leaves, the
// record changed in place.
absl::StatusOr<bool> TreeRebuilder::SettleDispute(const Node& left,
                                                  const Node& right) {
  std::vector<const Node*> disputed;
  for (const Node* leaf : {&left, &right}) {
    if (leaf->disputed) disputed.push_back(leaf);
  }
  absl::StatusOr<merkle::Hash> parent = Stored(1, left.index / 2);
  if (!parent.ok()) {
    if (parent.status().code() != absl::StatusCode::kDataLoss) {
      return parent.status();
    }
    for (const Node* leaf : disputed) {
      ReportUnsettled(*leaf, "the stored node above them is missing too");
    }
    return true;
  }
  const bool others_tainted = left.tainted || right.tainted;
  if (*parent == merkle::NodeHash(left.hash, right.hash)) {
    for (const Node* leaf : disputed) {
      findings_->push_back(
          {leaf->index, "data_loss",
           absl::StrCat("the stored Merkle tree node of record ", leaf->index,
                        " (level 0) disagrees with the record, which the "
                        "stored node above confirms: the tree node was "
                        "changed, not the record")});
    }
    return others_tainted;
  }
  if (*parent == merkle::NodeHash(left.disputed.value_or(left.hash),
                                  right.disputed.value_or(right.hash))) {
    for (const Node* leaf : disputed) {
      findings_->push_back(
          {leaf->index, "data_loss",
           absl::StrCat("record ", leaf->index,
                        " was changed in place: its leaf hash no longer "
                        "matches the Merkle tree, whose stored nodes still "
                        "agree with each other")});
    }
    return true;
  }
  for (const Node* leaf : disputed) {
    ReportUnsettled(*leaf, "the stored node above matches neither");
  }
  return true;
}

void TreeRebuilder::ReportUnsettled(const Node& leaf, absl::string_view why) {
  findings_->push_back(
      {leaf.index, "data_loss",
       absl::StrCat("record ", leaf.index,
                    " and its stored Merkle tree node (level 0) disagree: "
                    "the record was changed in place or the tree node was (",
                    why, ")")});
}

void TreeRebuilder::Finish() {
  if (!stack_.empty() && stack_.back().disputed) {
    ReportUnsettled(stack_.back(), "no stored node lies above the last leaf");
    stack_.back().disputed.reset();
  }
}

merkle::Hash TreeRebuilder::Root() const {
  if (stack_.empty()) return merkle::EmptyRoot();
  merkle::Hash root = stack_.back().hash;
  for (size_t i = stack_.size() - 1; i-- > 0;) {
    root = merkle::NodeHash(stack_[i].hash, root);
  }
  return root;
}

absl::Status TreeRebuilder::Compare(const Node& node) {
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

// Nodes of each level complete in index order, so each level is read by one
// sequential cursor.
absl::StatusOr<merkle::Hash> TreeRebuilder::Stored(int level, uint64_t index) {
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

}  // namespace fundlog
