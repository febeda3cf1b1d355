// Private to core/audit: recomputes the Merkle tree from record leaves in
// order and compares every completed node with the stored one, naming what
// disagrees. Used by CheckIntegrity.
//
// Thread-compatible; must not outlive the LogView it reads.
#ifndef FUNDLOG_CORE_AUDIT_TREE_REBUILDER_H_
#define FUNDLOG_CORE_AUDIT_TREE_REBUILDER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "core/audit/integrity.h"
#include "core/merkle/merkle.h"
#include "core/store/event_log.h"

namespace fundlog {

// The tree as a stack of complete subtrees (at most 64 nodes, whatever the
// log's size). A subtree that includes a damaged or missing leaf is
// "tainted": its mismatch is a consequence of a finding already made, so it
// is not reported again.
class TreeRebuilder {
 public:
  TreeRebuilder(const LogView& log, std::vector<Finding>* findings);

  // Adds leaf `index`, hashed from the record's bytes. `tainted` when the
  // record itself is damaged or missing. `stored_leaf`, when set, is the
  // stored level-0 node that disagrees with `leaf`: the record or that node
  // was changed, and the stored node above the two leaves decides which (a
  // finding naming the culprit is made when that node completes, or by
  // Finish when none does).
  absl::Status Push(uint64_t index, const merkle::Hash& leaf, bool tainted,
                    std::optional<merkle::Hash> stored_leaf = std::nullopt);

  // Adds `count` tainted leaves from `first` on, with unknown hashes, in
  // O(log² count) steps: for a run of missing records too long to walk.
  absl::Status PushUnknownRun(uint64_t first, uint64_t count);

  // Reports a disputed last leaf that no stored node can settle.
  void Finish();

  // The root of the leaves pushed so far (RFC 6962: fold right to left).
  merkle::Hash Root() const;

 private:
  struct Node {
    merkle::Hash hash;
    int level = 0;
    uint64_t index = 0;
    bool tainted = false;
    // Level 0 only: the stored leaf node, when it disagrees with the record.
    std::optional<merkle::Hash> disputed;
  };

  absl::Status PushNode(Node node);
  // Merges `right` into `left`, whose parent is then complete.
  absl::Status Merge(Node& left, const Node& right);
  // Decides, from the stored parent, whether disputed leaves or their
  // records were changed; returns whether the parent is tainted.
  absl::StatusOr<bool> SettleDispute(const Node& left, const Node& right);
  void ReportUnsettled(const Node& leaf, absl::string_view why);
  absl::Status Compare(const Node& node);
  absl::StatusOr<merkle::Hash> Stored(int level, uint64_t index);

  const LogView& log_;
  std::vector<std::unique_ptr<TreeLevelCursor>> cursors_;
  std::vector<Finding>* findings_;
  std::vector<Node> stack_;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_TREE_REBUILDER_H_
