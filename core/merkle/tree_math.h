// Private: index arithmetic shared by proof generation and verification.
//
// Thread-safe: pure functions.
#ifndef FUNDLOG_CORE_MERKLE_TREE_MATH_H_
#define FUNDLOG_CORE_MERKLE_TREE_MATH_H_

#include <bit>
#include <cstdint>

namespace fundlog::merkle::internal {

// RFC 9162's k for a subtree of n >= 2 leaves: the largest power of two
// strictly below n. The left child covers k leaves, the right n - k.
inline uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// Shifts fn and sn right together until fn is odd or zero: the RFC 9162
// §2.1.3.2 step that skips the levels where the path runs along the right
// border and has no sibling.
inline void SkipRightBorder(uint64_t& fn, uint64_t& sn) {
  while (fn != 0 && (fn & 1) == 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

// Runs the RFC 9162 verification walk from (fn, sn) without hashing and
// returns how many proof hashes it consumes before sn reaches 0.
inline int WalkLength(uint64_t fn, uint64_t sn) {
  int steps = 0;
  while (sn != 0) {
    if ((fn & 1) == 0 && fn == sn) SkipRightBorder(fn, sn);
    fn >>= 1;
    sn >>= 1;
    ++steps;
  }
  return steps;
}

// Number of hashes in the inclusion proof of leaf `index` in a tree of
// `size` leaves. Requires index < size.
inline int InclusionProofLength(uint64_t index, uint64_t size) {
  return WalkLength(index, size - 1);
}

// Number of hashes in the consistency proof from `old_size` to `new_size`.
// Requires 0 < old_size < new_size. The verifier seeds its walk with the
// first proof hash, or with the old root itself when old_size is a power of
// two (that root is then a complete subtree the proof need not repeat).
inline int ConsistencyProofLength(uint64_t old_size, uint64_t new_size) {
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  const int seed = std::has_single_bit(old_size) ? 0 : 1;
  return seed + WalkLength(fn, sn);
}

}  // namespace fundlog::merkle::internal

#endif  // FUNDLOG_CORE_MERKLE_TREE_MATH_H_
