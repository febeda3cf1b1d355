// The log's Merkle tree (RFC 6962 / RFC 9162): hashing, node storage,
// roots, inclusion and consistency proofs, and their verification.
//
// The tree over leaves D[0:n] is MTH(D[0:n]) as defined in RFC 9162 §2.1.1.
// Only hashes of COMPLETE subtrees are stored: node (level L, index i) covers
// leaves [i * 2^L, (i + 1) * 2^L), level 0 being the leaf hashes. Every other
// hash the tree needs (the root of a size that is not a power of two, the
// right border of a proof) is folded from O(log n) stored nodes on demand.
//
// Thread safety: the free functions are thread-safe; they only read through
// the NodeReader they are given, which must itself tolerate that.
#ifndef FUNDLOG_CORE_MERKLE_MERKLE_H_
#define FUNDLOG_CORE_MERKLE_MERKLE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace fundlog::merkle {

// A SHA-256 digest.
using Hash = std::array<uint8_t, 32>;
inline constexpr size_t kHashBytes = 32;

// The largest tree this library builds or proves over. 2^63 keeps every size
// representable as a signed 64-bit integer (Go's tlog and C2SP checkpoints use
// int64) and every node's leaf range free of uint64 overflow.
inline constexpr uint64_t kTreeSizeMax = uint64_t{1} << 63;
// Levels run 0..63; level 63 holds the single node covering kTreeSizeMax.
inline constexpr int kLevelMax = 63;

// ---- Hashing (RFC 9162 §2.1.1). Abort only if OpenSSL cannot allocate. ----

// SHA-256(0x00 || record_bytes): the leaf hash of one stored record.
Hash LeafHash(std::string_view record_bytes);
// SHA-256(0x01 || left || right): the hash of an interior node.
Hash NodeHash(const Hash& left, const Hash& right);
// SHA-256(""): the root of the empty tree.
Hash EmptyRoot();

// Standard, padded base64 (RFC 4648 §4) of the 32 hash bytes.
std::string HashToBase64(const Hash& hash);
// Lower-case hex of the 32 hash bytes, for messages and test vectors.
std::string HashToHex(const Hash& hash);
// Parses canonical padded base64 of exactly 32 bytes. Returns kInvalidArgument
// for anything else (bad alphabet, missing padding, wrong length).
absl::StatusOr<Hash> HashFromBase64(std::string_view text);
// Copies exactly 32 raw bytes into a Hash; kInvalidArgument otherwise.
absl::StatusOr<Hash> HashFromBytes(std::string_view bytes);

// ---- Node storage ----

// One node of a complete subtree, as written to the `tree` column family.
struct NodeWrite {
  int level = 0;
  uint64_t index = 0;
  Hash hash{};
  friend bool operator==(const NodeWrite&, const NodeWrite&) = default;
};

// Key of node (level, index) in the `tree` column family; grammar in
// node_key.cc: 1 byte level, then the index as 8 bytes big-endian, so that a
// byte-wise scan visits one level in index order. Requires a valid node
// (level <= kLevelMax, index * 2^level < kTreeSizeMax); asserts otherwise.
std::string NodeKey(int level, uint64_t index);
// Inverse of NodeKey. Returns kDataLoss naming the bytes when the key is not 9
// bytes or names a node outside a kTreeSizeMax tree (it came from disk).
absl::StatusOr<std::pair<int, uint64_t>> DecodeNodeKey(std::string_view key);
// The stored value of a node: its 32 raw hash bytes.
std::string EncodeNodeValue(const Hash& hash);
// Inverse of EncodeNodeValue; kDataLoss naming (level, index) if the value is
// not exactly 32 bytes.
absl::StatusOr<Hash> DecodeNodeValue(int level, uint64_t index,
                                     std::string_view value);
// The error every NodeReader returns for an absent node: kDataLoss naming the
// node, because a node the tree size promises must never be missing.
absl::Status MissingNodeError(int level, uint64_t index);

// Read access to stored complete-subtree nodes.
// Thread safety: defined by each implementation.
class NodeReader {
 public:
  virtual ~NodeReader();
  // Returns the hash of node (level, index). A node that is not stored must be
  // reported as MissingNodeError(level, index); I/O failures keep their code.
  virtual absl::StatusOr<Hash> GetNode(int level, uint64_t index) const = 0;
};

// A NodeReader that sees `writes` on top of `base`, e.g. to compute the new
// root from NodesForAppend's result before the batch is committed.
// Thread safety: none; `base` must outlive this object.
class OverlayNodeReader : public NodeReader {
 public:
  explicit OverlayNodeReader(const NodeReader& base);
  OverlayNodeReader(const NodeReader& base, absl::Span<const NodeWrite> writes);
  // Makes `write` visible to GetNode, replacing an earlier overlay entry.
  void Put(const NodeWrite& write);
  // The overlay entry if any, else base.GetNode(level, index).
  absl::StatusOr<Hash> GetNode(int level, uint64_t index) const override;

 private:
  const NodeReader& base_;
  absl::flat_hash_map<std::pair<int, uint64_t>, Hash> overlay_;
};

// An in-memory node store for tests and offline tools.
// Thread safety: GetNode may run concurrently; Apply needs exclusive access.
class MemoryNodeStore : public NodeReader {
 public:
  // Stores every write. Rewriting a node with the same hash is a no-op;
  // returns kAlreadyExists (and stores nothing) if any write would change an
  // existing node, since complete-subtree nodes are immutable.
  absl::Status Apply(absl::Span<const NodeWrite> writes);
  // The stored hash, or MissingNodeError. Counts the call in reads().
  absl::StatusOr<Hash> GetNode(int level, uint64_t index) const override;
  // Number of GetNode calls so far; tests use it to pin O(log n) reads.
  uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }
  // Number of stored nodes.
  size_t node_count() const { return nodes_.size(); }
  // All stored nodes in (level, index) order.
  std::vector<NodeWrite> Nodes() const;

 private:
  absl::btree_map<std::pair<int, uint64_t>, Hash> nodes_;
  mutable std::atomic<uint64_t> reads_{0};
};

// ---- Building and proving (reads through a NodeReader) ----

// Returns every complete-subtree node created by appending `new_leaf_hashes`
// to a tree of `old_size` leaves: the level-0 leaf nodes and each parent that
// becomes complete, in creation order. Reads at most popcount(old_size)
// existing nodes (the left siblings that were complete before the batch);
// nodes created by the batch itself come from an internal overlay. Returns
// kInvalidArgument if old_size + count exceeds kTreeSizeMax, and the reader's
// error (kDataLoss for a missing node) otherwise. Does not write anything.
absl::StatusOr<std::vector<NodeWrite>> NodesForAppend(
    uint64_t old_size, absl::Span<const Hash> new_leaf_hashes,
    const NodeReader& existing);

// Root of the tree of the first `size` leaves (EmptyRoot() for 0), folded
// from the popcount(size) complete subtrees that decompose it. Returns
// kInvalidArgument if size > kTreeSizeMax, or the reader's error.
absl::StatusOr<Hash> RootAt(uint64_t size, const NodeReader& reader);

// RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf `leaf_index` in the
// tree of `size` leaves, leaf-most hash first. O(log n) reads. Returns
// kInvalidArgument unless leaf_index < size <= kTreeSizeMax.
absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t leaf_index,
                                                 uint64_t size,
                                                 const NodeReader& reader);

// RFC 9162 §2.1.4.1 consistency proof that the tree of `old_size` leaves is a
// prefix of the tree of `new_size` leaves. Empty when old_size is 0 or equals
// new_size (nothing to prove; see VerifyConsistency). O(log n) reads.
// Returns kInvalidArgument unless old_size <= new_size <= kTreeSizeMax.
absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size,
                                                   uint64_t new_size,
                                                   const NodeReader& reader);

// ---- Verification (pure; no storage) ----

// Checks `proof` (RFC 9162 §2.1.3.2) that `leaf_hash` is leaf `leaf_index` of
// the tree of `size` leaves with root `root`. Returns OK if it is;
// kInvalidArgument if leaf_index >= size or the proof has the wrong number of
// hashes for that position; kDataLoss if the hashes lead to another root.
absl::Status VerifyInclusion(uint64_t leaf_index, uint64_t size,
                             const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root);

// Checks `proof` (RFC 9162 §2.1.4.2) that the tree of `old_size` leaves with
// `old_root` is a prefix of the tree of `new_size` leaves with `new_root`.
// Equal sizes need an empty proof and equal roots; old_size 0 needs an empty
// proof and old_root == EmptyRoot() (every tree extends the empty tree); a
// size-0 root must be EmptyRoot(). Returns OK if consistent;
// kInvalidArgument if old_size > new_size or the proof has the wrong number
// of hashes; kDataLoss if a recomputed root differs from the one given.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               absl::Span<const Hash> proof,
                               const Hash& old_root, const Hash& new_root);

}  // namespace fundlog::merkle

#endif  // FUNDLOG_CORE_MERKLE_MERKLE_H_
