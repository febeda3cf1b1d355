// Hashing, node keys, node stores, appends and roots.
#include "core/merkle/merkle.h"

#include <bit>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "core/merkle/test_tree.h"
#include "gtest/gtest.h"

namespace fundlog::merkle {
namespace {

using test_tree::AppendInRandomBatches;
using test_tree::MakeLeaves;
using test_tree::ReferenceRoot;

std::string Hex(const Hash& hash) { return HashToHex(hash); }

TEST(HashTest, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(Hex(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashTest, LeafHashPrefixesZeroByte) {
  // SHA-256 of the single byte 0x00 (RFC 6962 root of a one-empty-leaf tree).
  EXPECT_EQ(Hex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(HashTest, InteriorNodeIsNotLeafOfSameBytes) {
  // Domain separation: H(0x01||l||r) must differ from H(0x00||l||r).
  const Hash l = LeafHash("l");
  const Hash r = LeafHash("r");
  std::string concatenated(reinterpret_cast<const char*>(l.data()), 32);
  concatenated.append(reinterpret_cast<const char*>(r.data()), 32);
  EXPECT_NE(NodeHash(l, r), LeafHash(concatenated));
  EXPECT_NE(NodeHash(l, r), NodeHash(r, l));
}

TEST(HashTest, Base64RoundTrips) {
  const Hash hash = LeafHash("x");
  absl::StatusOr<Hash> parsed = HashFromBase64(HashToBase64(hash));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, hash);
  EXPECT_EQ(HashToBase64(EmptyRoot()),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(HashTest, Base64OfWrongLengthIsRejected) {
  EXPECT_EQ(HashFromBase64("ZG9uJ3QgY2FyZSAx").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HashFromBase64("").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HashTest, NonCanonicalBase64IsRejected) {
  // Missing padding, and a final character with stray low bits.
  EXPECT_FALSE(
      HashFromBase64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU").ok());
  EXPECT_FALSE(
      HashFromBase64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=").ok());
  EXPECT_FALSE(HashFromBytes(std::string(31, 'a')).ok());
}

TEST(NodeKeyTest, IsLevelByteThenBigEndianIndex) {
  EXPECT_EQ(absl::BytesToHexString(NodeKey(3, 0x0102030405060708)),
            "030102030405060708");
  EXPECT_EQ(NodeKey(0, 0).size(), 9u);
}

TEST(NodeKeyTest, ByteOrderEqualsNumericOrderWithinLevel) {
  const std::vector<uint64_t> indexes = {0,
                                         1,
                                         255,
                                         256,
                                         65535,
                                         65536,
                                         (uint64_t{1} << 40) + 7,
                                         (uint64_t{1} << 62) - 1};
  for (size_t i = 1; i < indexes.size(); ++i) {
    EXPECT_LT(NodeKey(0, indexes[i - 1]), NodeKey(0, indexes[i]));
  }
  EXPECT_LT(NodeKey(0, kTreeSizeMax - 1), NodeKey(1, 0));
}

TEST(NodeKeyTest, DecodeRoundTrips) {
  for (int level : {0, 1, 17, kLevelMax}) {
    const uint64_t index = (kTreeSizeMax >> level) - 1;
    absl::StatusOr<std::pair<int, uint64_t>> decoded =
        DecodeNodeKey(NodeKey(level, index));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->first, level);
    EXPECT_EQ(decoded->second, index);
  }
}

TEST(NodeKeyTest, CorruptKeyIsDataLoss) {
  EXPECT_EQ(DecodeNodeKey("short").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeNodeKey(std::string(9, '\xff')).status().code(),
            absl::StatusCode::kDataLoss);  // level 255
  std::string beyond = NodeKey(1, 0);
  beyond[1] = '\x40';  // index 2^62 at level 1 covers leaf 2^63
  EXPECT_EQ(DecodeNodeKey(beyond).status().code(), absl::StatusCode::kDataLoss);
}

TEST(NodeKeyTest, NodeValueOfWrongLengthIsDataLossNamingNode) {
  const Hash hash = LeafHash("v");
  absl::StatusOr<Hash> decoded = DecodeNodeValue(2, 5, EncodeNodeValue(hash));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, hash);
  absl::Status bad = DecodeNodeValue(2, 5, "abc").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(bad.message().find("level 2, index 5"), std::string::npos) << bad;
}

TEST(MemoryNodeStoreTest, MissingNodeIsDataLossNamingNode) {
  MemoryNodeStore store;
  absl::Status missing = store.GetNode(4, 9).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(missing.message().find("level 4, index 9"), std::string::npos);
}

TEST(MemoryNodeStoreTest, OverwritingNodeIsRefusedAndStoreUnchanged) {
  MemoryNodeStore store;
  ASSERT_TRUE(store.Apply({{NodeWrite{0, 0, LeafHash("a")}}}).ok());
  // Same hash again is a no-op; a different hash is refused atomically.
  EXPECT_TRUE(store.Apply({{NodeWrite{0, 0, LeafHash("a")}}}).ok());
  const std::vector<NodeWrite> batch = {NodeWrite{0, 1, LeafHash("b")},
                                        NodeWrite{0, 0, LeafHash("x")}};
  EXPECT_EQ(store.Apply(batch).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store.node_count(), 1u);
  const std::vector<NodeWrite> self_conflict = {NodeWrite{0, 2, LeafHash("c")},
                                                NodeWrite{0, 2, LeafHash("d")}};
  EXPECT_EQ(store.Apply(self_conflict).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(AppendTest, OneBatchAndOneByOneGiveIdenticalStores) {
  for (uint64_t n = 0; n <= 64; ++n) {
    const std::vector<Hash> leaves = MakeLeaves(n);
    MemoryNodeStore batched;
    absl::StatusOr<std::vector<NodeWrite>> all =
        NodesForAppend(0, leaves, batched);
    ASSERT_TRUE(all.ok()) << all.status();
    ASSERT_TRUE(batched.Apply(*all).ok());
    MemoryNodeStore single;
    for (uint64_t i = 0; i < n; ++i) {
      absl::StatusOr<std::vector<NodeWrite>> one =
          NodesForAppend(i, {&leaves[i], 1}, single);
      ASSERT_TRUE(one.ok()) << one.status();
      ASSERT_TRUE(single.Apply(*one).ok());
    }
    EXPECT_EQ(batched.Nodes(), single.Nodes()) << "n=" << n;
    // A tree of n leaves has exactly 2n - popcount(n) complete subtrees.
    EXPECT_EQ(batched.node_count(), 2 * n - std::popcount(n)) << "n=" << n;
  }
}

TEST(AppendTest, ReadsOnlyTheOldFrontier) {
  const std::vector<Hash> leaves = MakeLeaves(300);
  for (uint64_t old_size : {0, 1, 2, 7, 64, 127, 255}) {
    MemoryNodeStore store;
    auto first = NodesForAppend(0, {leaves.data(), old_size}, store);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(store.Apply(*first).ok());
    const uint64_t reads_before = store.reads();
    auto second = NodesForAppend(
        old_size, {leaves.data() + old_size, 300 - old_size}, store);
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_LE(store.reads() - reads_before,
              static_cast<uint64_t>(std::popcount(old_size)))
        << "old_size=" << old_size;
  }
}

TEST(AppendTest, MissingFrontierNodeIsDataLoss) {
  MemoryNodeStore empty;
  const Hash leaf = LeafHash("x");
  // Leaf 1 completes node (1, 0), whose left child (0, 0) is absent.
  EXPECT_EQ(NodesForAppend(1, {&leaf, 1}, empty).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(AppendTest, BeyondMaximumTreeSizeIsInvalidArgument) {
  MemoryNodeStore empty;
  const Hash leaf = LeafHash("x");
  EXPECT_EQ(NodesForAppend(kTreeSizeMax, {&leaf, 1}, empty).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RootAt(kTreeSizeMax + 1, empty).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RootTest, RootAtMatchesReferenceForEverySizeUpTo64) {
  std::mt19937_64 rng(6962);
  const std::vector<Hash> leaves = MakeLeaves(64);
  MemoryNodeStore store;
  AppendInRandomBatches(leaves, rng, store);
  for (uint64_t size = 0; size <= 64; ++size) {
    const uint64_t reads_before = store.reads();
    absl::StatusOr<Hash> root = RootAt(size, store);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, ReferenceRoot(leaves, 0, size)) << "size=" << size;
    EXPECT_EQ(store.reads() - reads_before,
              static_cast<uint64_t>(std::popcount(size)));
  }
}

TEST(RootTest, OverlayShowsNewRootBeforeCommit) {
  const std::vector<Hash> leaves = MakeLeaves(11);
  MemoryNodeStore store;
  auto first = NodesForAppend(0, {leaves.data(), 6}, store);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store.Apply(*first).ok());
  auto second = NodesForAppend(6, {leaves.data() + 6, 5}, store);
  ASSERT_TRUE(second.ok());
  OverlayNodeReader pending(store, *second);
  absl::StatusOr<Hash> root = RootAt(11, pending);
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, ReferenceRoot(leaves, 0, 11));
  EXPECT_FALSE(RootAt(11, store).ok());  // not committed yet
}

}  // namespace
}  // namespace fundlog::merkle
