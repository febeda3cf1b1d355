// Test-only: a naive reference Merkle tree straight from the RFC 9162 §2.1
// recursions (MTH, PATH, SUBPROOF), and helpers to fill a store.
//
// The reference works from the full list of leaf hashes and recomputes every
// subtree, so it shares no code and no shortcuts with the library.
#ifndef FUNDLOG_CORE_MERKLE_TEST_TREE_H_
#define FUNDLOG_CORE_MERKLE_TEST_TREE_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"
#include "gtest/gtest.h"

namespace fundlog::merkle::test_tree {

// Largest power of two strictly less than n (n >= 2), by counting up.
inline uint64_t ReferenceSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[lo:hi]).
inline Hash ReferenceRoot(const std::vector<Hash>& leaves, uint64_t lo,
                          uint64_t hi) {
  if (hi == lo) return EmptyRoot();
  if (hi - lo == 1) return leaves[lo];
  const uint64_t k = ReferenceSplit(hi - lo);
  return NodeHash(ReferenceRoot(leaves, lo, lo + k),
                  ReferenceRoot(leaves, lo + k, hi));
}

// PATH(m, D[lo:hi]), m absolute.
inline std::vector<Hash> ReferencePath(const std::vector<Hash>& leaves,
                                       uint64_t m, uint64_t lo, uint64_t hi) {
  if (hi - lo <= 1) return {};
  const uint64_t k = ReferenceSplit(hi - lo);
  std::vector<Hash> path;
  if (m < lo + k) {
    path = ReferencePath(leaves, m, lo, lo + k);
    path.push_back(ReferenceRoot(leaves, lo + k, hi));
  } else {
    path = ReferencePath(leaves, m, lo + k, hi);
    path.push_back(ReferenceRoot(leaves, lo, lo + k));
  }
  return path;
}

// SUBPROOF(m, D[lo:hi], b), m absolute.
inline std::vector<Hash> ReferenceSubproof(const std::vector<Hash>& leaves,
                                           uint64_t m, uint64_t lo, uint64_t hi,
                                           bool b) {
  if (m == hi) {
    if (b) return {};
    return {ReferenceRoot(leaves, lo, hi)};
  }
  const uint64_t k = ReferenceSplit(hi - lo);
  std::vector<Hash> proof;
  if (m <= lo + k) {
    proof = ReferenceSubproof(leaves, m, lo, lo + k, b);
    proof.push_back(ReferenceRoot(leaves, lo + k, hi));
  } else {
    proof = ReferenceSubproof(leaves, m, lo + k, hi, false);
    proof.push_back(ReferenceRoot(leaves, lo, lo + k));
  }
  return proof;
}

// Leaf hashes of the records "record 0", "record 1", ...
inline std::vector<Hash> MakeLeaves(uint64_t count) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < count; ++i) {
    leaves.push_back(LeafHash(absl::StrCat("record ", i)));
  }
  return leaves;
}

// Appends `leaves` to an empty store in random batch sizes, as a log that
// sometimes commits one event and sometimes many would.
inline void AppendInRandomBatches(const std::vector<Hash>& leaves,
                                  std::mt19937_64& rng,
                                  MemoryNodeStore& store) {
  uint64_t size = 0;
  while (size < leaves.size()) {
    std::uniform_int_distribution<uint64_t> batch(1, leaves.size() - size);
    const uint64_t count = std::min<uint64_t>(batch(rng), 1 + rng() % 9);
    absl::Span<const Hash> span(leaves.data() + size, count);
    absl::StatusOr<std::vector<NodeWrite>> writes =
        NodesForAppend(size, span, store);
    ASSERT_TRUE(writes.ok()) << writes.status();
    ASSERT_TRUE(store.Apply(*writes).ok());
    size += count;
  }
}

// A copy of `hash` with bit `bit` (0..255) flipped.
inline Hash FlipBit(Hash hash, int bit) {
  hash[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return hash;
}

}  // namespace fundlog::merkle::test_tree

#endif  // FUNDLOG_CORE_MERKLE_TEST_TREE_H_
