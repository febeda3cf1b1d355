// Building the tree and proving things about it from stored nodes.
//
// Every hash a proof or root needs is MTH(D[begin:end]) for a range whose
// begin is a multiple of a power of two at least end - begin (RFC 9162's
// recursion only ever splits at such points). Such a range decomposes into at
// most 64 complete, stored subtrees, largest first, and its hash is their
// right fold: MTH = H(s1, H(s2, ... H(s_{k-1}, s_k))). So a root costs
// popcount(size) reads and a proof O(log n).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"
#include "core/merkle/tree_math.h"

namespace fundlog::merkle {
namespace {

using internal::SplitPoint;

absl::Status CheckSize(uint64_t size) {
  if (size > kTreeSizeMax) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tree size ", size, " exceeds the maximum ", kTreeSizeMax));
  }
  return absl::OkStatus();
}

// MTH(D[begin:end]) for a non-empty aligned range (see the file comment).
absl::StatusOr<Hash> RangeHash(uint64_t begin, uint64_t end,
                               const NodeReader& reader) {
  std::array<Hash, kLevelMax + 1> pieces;
  int count = 0;
  uint64_t offset = begin;
  for (int level = kLevelMax; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if (((end - begin) & width) == 0) continue;
    if (offset % width != 0) {
      return absl::InternalError(absl::StrCat("range [", begin, ", ", end,
                                              ") is not subtree-aligned"));
    }
    absl::StatusOr<Hash> node = reader.GetNode(level, offset / width);
    if (!node.ok()) return node.status();
    pieces[count++] = *node;
    offset += width;
  }
  if (count == 0) {
    return absl::InternalError(absl::StrCat("empty range at ", begin));
  }
  Hash hash = pieces[count - 1];
  for (int i = count - 2; i >= 0; --i) hash = NodeHash(pieces[i], hash);
  return hash;
}

}  // namespace

absl::StatusOr<std::vector<NodeWrite>> NodesForAppend(
    uint64_t old_size, absl::Span<const Hash> new_leaf_hashes,
    const NodeReader& existing) {
  if (absl::Status s = CheckSize(old_size); !s.ok()) return s;
  if (new_leaf_hashes.size() > kTreeSizeMax - old_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("appending ", new_leaf_hashes.size(), " leaves to ",
                     old_size, " exceeds the maximum tree size"));
  }
  // Nodes this batch creates must be visible to later leaves of the batch;
  // older ones come from `existing`, one per level at most.
  OverlayNodeReader overlay(existing);
  std::vector<NodeWrite> writes;
  writes.reserve(2 * new_leaf_hashes.size());  // leaves plus their parents
  for (size_t k = 0; k < new_leaf_hashes.size(); ++k) {
    NodeWrite node{0, old_size + k, new_leaf_hashes[k]};
    writes.push_back(node);
    overlay.Put(node);
    // A right child (odd index) completes its parent; climb while that holds.
    while ((node.index & 1) == 1) {
      absl::StatusOr<Hash> left = overlay.GetNode(node.level, node.index - 1);
      if (!left.ok()) return left.status();
      node =
          NodeWrite{node.level + 1, node.index / 2, NodeHash(*left, node.hash)};
      writes.push_back(node);
      overlay.Put(node);
    }
  }
  return writes;
}

absl::StatusOr<Hash> RootAt(uint64_t size, const NodeReader& reader) {
  if (absl::Status s = CheckSize(size); !s.ok()) return s;
  if (size == 0) return EmptyRoot();
  return RangeHash(0, size, reader);
}

absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t leaf_index,
                                                 uint64_t size,
                                                 const NodeReader& reader) {
  if (absl::Status s = CheckSize(size); !s.ok()) return s;
  if (leaf_index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", leaf_index, " is not in a tree of size ", size));
  }
  // Walk down from the root (RFC 9162 PATH), recording the sibling subtree
  // at each split; the proof lists them bottom-up, hence the reverse.
  std::vector<Hash> proof;
  uint64_t lo = 0;
  uint64_t hi = size;
  while (hi - lo > 1) {
    const uint64_t mid = lo + SplitPoint(hi - lo);
    const bool go_left = leaf_index < mid;
    absl::StatusOr<Hash> sibling =
        go_left ? RangeHash(mid, hi, reader) : RangeHash(lo, mid, reader);
    if (!sibling.ok()) return sibling.status();
    proof.push_back(*sibling);
    (go_left ? hi : lo) = mid;
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size,
                                                   uint64_t new_size,
                                                   const NodeReader& reader) {
  if (absl::Status s = CheckSize(new_size); !s.ok()) return s;
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "old size ", old_size, " is larger than new size ", new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  // RFC 9162 SUBPROOF(m, D[lo:hi], b) unrolled: descend towards the old
  // tree's right edge; `whole_old_tree` is b (the subtree is the old tree
  // itself, whose root the verifier already has).
  uint64_t lo = 0;
  uint64_t hi = new_size;
  bool whole_old_tree = true;
  while (old_size != hi) {
    const uint64_t mid = lo + SplitPoint(hi - lo);
    const bool go_left = old_size <= mid;
    absl::StatusOr<Hash> sibling =
        go_left ? RangeHash(mid, hi, reader) : RangeHash(lo, mid, reader);
    if (!sibling.ok()) return sibling.status();
    proof.push_back(*sibling);
    if (go_left) {
      hi = mid;
    } else {
      lo = mid;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    absl::StatusOr<Hash> common = RangeHash(lo, hi, reader);
    if (!common.ok()) return common.status();
    proof.push_back(*common);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

}  // namespace fundlog::merkle
