// Proof verification exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 describe it.
// This is what an offline verifier runs: no storage, only hashes in hand.
//
// Names follow the RFC: fn is the index of the node on the path being
// rebuilt, sn the index of the last node at the same level; both shift right
// one level per proof hash. The proof length is checked up front (by running
// the same walk without hashing) so that a truncated or padded proof is named
// as such instead of surfacing as a root mismatch.
#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"
#include "core/merkle/tree_math.h"

namespace fundlog::merkle {
namespace {

using internal::ConsistencyProofLength;
using internal::InclusionProofLength;
using internal::SkipRightBorder;

absl::Status WrongLength(absl::string_view what, size_t got, int want) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " has ", got, " hashes, want ", want));
}

absl::Status RootMismatch(absl::string_view what, const Hash& computed,
                          const Hash& expected) {
  return absl::DataLossError(absl::StrCat(what, ": proof computes ",
                                          HashToBase64(computed), ", want ",
                                          HashToBase64(expected)));
}

// The single root a tree of size 0 can have.
absl::Status CheckEmptyRoot(absl::string_view which, const Hash& root) {
  if (root == EmptyRoot()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(which, " of the empty tree is ",
                                          HashToBase64(root), ", want ",
                                          HashToBase64(EmptyRoot())));
}

}  // namespace

absl::Status VerifyInclusion(uint64_t leaf_index, uint64_t size,
                             const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root) {
  if (leaf_index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", leaf_index, " is not in a tree of size ", size));
  }
  const int want = InclusionProofLength(leaf_index, size);
  if (proof.size() != static_cast<size_t>(want)) {
    return WrongLength(
        absl::StrCat("inclusion proof for leaf ", leaf_index, " of ", size),
        proof.size(), want);
  }
  uint64_t fn = leaf_index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return WrongLength("inclusion proof", proof.size(), want);
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      SkipRightBorder(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return WrongLength("inclusion proof", proof.size(), want);
  if (r != root) {
    return RootMismatch(
        absl::StrCat("inclusion of leaf ", leaf_index, " in tree of ", size), r,
        root);
  }
  return absl::OkStatus();
}

namespace {

// The cases with nothing to hash: equal sizes, or growth from the empty
// tree. Sets *done when the answer is final.
absl::Status VerifyTrivialConsistency(uint64_t old_size, uint64_t new_size,
                                      absl::Span<const Hash> proof,
                                      const Hash& old_root,
                                      const Hash& new_root, bool* done) {
  *done = old_size == 0 || old_size == new_size;
  if (!*done) return absl::OkStatus();
  if (!proof.empty()) {
    return WrongLength(
        absl::StrCat("consistency proof from ", old_size, " to ", new_size),
        proof.size(), 0);
  }
  if (old_size == 0) {
    if (absl::Status s = CheckEmptyRoot("old root", old_root); !s.ok()) {
      return s;
    }
  }
  if (old_size == new_size && old_root != new_root) {
    return absl::DataLossError(
        absl::StrCat("trees of equal size ", old_size, " have different roots ",
                     HashToBase64(old_root), " and ", HashToBase64(new_root)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               absl::Span<const Hash> proof,
                               const Hash& old_root, const Hash& new_root) {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "old size ", old_size, " is larger than new size ", new_size));
  }
  bool done = false;
  absl::Status trivial = VerifyTrivialConsistency(old_size, new_size, proof,
                                                  old_root, new_root, &done);
  if (done) return trivial;
  const int want = ConsistencyProofLength(old_size, new_size);
  if (proof.size() != static_cast<size_t>(want)) {
    return WrongLength(
        absl::StrCat("consistency proof from ", old_size, " to ", new_size),
        proof.size(), want);
  }
  // Step 2: a power-of-two old tree is itself the seed subtree.
  const bool seed_is_old_root = (old_size & (old_size - 1)) == 0;
  absl::Span<const Hash> rest = seed_is_old_root ? proof : proof.subspan(1);
  const Hash seed = seed_is_old_root ? old_root : proof[0];
  // Steps 3-4: start at the level of the old tree's rightmost full subtree.
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Steps 5-6: fr rebuilds the old root, sr the new one.
  Hash fr = seed;
  Hash sr = seed;
  for (const Hash& c : rest) {
    if (sn == 0) return WrongLength("consistency proof", proof.size(), want);
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      SkipRightBorder(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return WrongLength("consistency proof", proof.size(), want);
  if (fr != old_root) {
    return RootMismatch(absl::StrCat("old root (size ", old_size, ")"), fr,
                        old_root);
  }
  if (sr != new_root) {
    return RootMismatch(absl::StrCat("new root (size ", new_size, ")"), sr,
                        new_root);
  }
  return absl::OkStatus();
}

}  // namespace fundlog::merkle
