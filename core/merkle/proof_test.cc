// Inclusion and consistency proofs: generated from a store, checked by the
// pure verifiers, compared with the RFC reference recursion, and tampered.
#include <bit>
#include <random>
#include <vector>

#include "core/merkle/merkle.h"
#include "core/merkle/test_tree.h"
#include "gtest/gtest.h"

namespace fundlog::merkle {
namespace {

using test_tree::AppendInRandomBatches;
using test_tree::FlipBit;
using test_tree::MakeLeaves;
using test_tree::ReferencePath;
using test_tree::ReferenceRoot;
using test_tree::ReferenceSubproof;

constexpr uint64_t kExhaustiveSizeMax = 64;

class ProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    leaves_ = MakeLeaves(kExhaustiveSizeMax);
    std::mt19937_64 rng(9162);
    AppendInRandomBatches(leaves_, rng, store_);
    for (uint64_t size = 0; size <= kExhaustiveSizeMax; ++size) {
      roots_.push_back(ReferenceRoot(leaves_, 0, size));
    }
  }

  std::vector<Hash> leaves_;
  std::vector<Hash> roots_;  // roots_[n] = reference root of size n
  MemoryNodeStore store_;
};

TEST_F(ProofTest, InclusionProofOfEveryLeafVerifiesAndMatchesReference) {
  for (uint64_t n = 1; n <= kExhaustiveSizeMax; ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      absl::StatusOr<std::vector<Hash>> proof = InclusionProof(m, n, store_);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_EQ(*proof, ReferencePath(leaves_, m, 0, n)) << m << " in " << n;
      EXPECT_TRUE(VerifyInclusion(m, n, leaves_[m], *proof, roots_[n]).ok())
          << m << " in " << n;
    }
  }
}

TEST_F(ProofTest, ConsistencyProofOfEverySizePairVerifiesAndMatchesReference) {
  for (uint64_t n = 0; n <= kExhaustiveSizeMax; ++n) {
    for (uint64_t m = 0; m <= n; ++m) {
      absl::StatusOr<std::vector<Hash>> proof = ConsistencyProof(m, n, store_);
      ASSERT_TRUE(proof.ok()) << proof.status();
      if (m > 0 && m < n) {
        EXPECT_EQ(*proof, ReferenceSubproof(leaves_, m, 0, n, true));
      } else {
        EXPECT_TRUE(proof->empty());
      }
      EXPECT_TRUE(VerifyConsistency(m, n, *proof, roots_[m], roots_[n]).ok())
          << m << " -> " << n;
    }
  }
}

TEST_F(ProofTest, FlippingAnyBitOfAnyInclusionProofHashIsRejected) {
  for (uint64_t n = 1; n <= kExhaustiveSizeMax; ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      absl::StatusOr<std::vector<Hash>> proof = InclusionProof(m, n, store_);
      ASSERT_TRUE(proof.ok());
      for (size_t i = 0; i < proof->size(); ++i) {
        // One bit per element, walking through all 256 positions overall.
        std::vector<Hash> bad = *proof;
        bad[i] = FlipBit(bad[i], static_cast<int>((m * 31 + i * 7 + n) % 256));
        absl::Status s = VerifyInclusion(m, n, leaves_[m], bad, roots_[n]);
        EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << m << " in " << n;
      }
      EXPECT_FALSE(
          VerifyInclusion(m, n, FlipBit(leaves_[m], 0), *proof, roots_[n])
              .ok());
      EXPECT_FALSE(
          VerifyInclusion(m, n, leaves_[m], *proof, FlipBit(roots_[n], 255))
              .ok());
    }
  }
}

TEST_F(ProofTest, FlippingAnyBitOfAnyConsistencyProofHashIsRejected) {
  for (uint64_t n = 2; n <= kExhaustiveSizeMax; ++n) {
    for (uint64_t m = 1; m < n; ++m) {
      absl::StatusOr<std::vector<Hash>> proof = ConsistencyProof(m, n, store_);
      ASSERT_TRUE(proof.ok());
      for (size_t i = 0; i < proof->size(); ++i) {
        std::vector<Hash> bad = *proof;
        bad[i] = FlipBit(bad[i], static_cast<int>((m * 13 + i * 5 + n) % 256));
        EXPECT_EQ(VerifyConsistency(m, n, bad, roots_[m], roots_[n]).code(),
                  absl::StatusCode::kDataLoss)
            << m << " -> " << n << " element " << i;
      }
      EXPECT_FALSE(
          VerifyConsistency(m, n, *proof, FlipBit(roots_[m], 3), roots_[n])
              .ok());
      EXPECT_FALSE(
          VerifyConsistency(m, n, *proof, roots_[m], FlipBit(roots_[n], 3))
              .ok());
    }
  }
}

TEST_F(ProofTest, EveryBitOfOneProofMatters) {
  absl::StatusOr<std::vector<Hash>> proof = InclusionProof(37, 61, store_);
  ASSERT_TRUE(proof.ok());
  for (size_t i = 0; i < proof->size(); ++i) {
    for (int bit = 0; bit < 256; ++bit) {
      std::vector<Hash> bad = *proof;
      bad[i] = FlipBit(bad[i], bit);
      EXPECT_FALSE(VerifyInclusion(37, 61, leaves_[37], bad, roots_[61]).ok());
    }
  }
}

TEST_F(ProofTest, ExtraOrMissingProofHashesAreInvalidArgument) {
  absl::StatusOr<std::vector<Hash>> inclusion = InclusionProof(5, 13, store_);
  absl::StatusOr<std::vector<Hash>> consistency =
      ConsistencyProof(5, 13, store_);
  ASSERT_TRUE(inclusion.ok() && consistency.ok());
  for (const auto* proof : {&*inclusion, &*consistency}) {
    std::vector<Hash> longer = *proof;
    longer.push_back(roots_[13]);
    std::vector<Hash> shorter(proof->begin(), proof->end() - 1);
    const bool is_inclusion = proof == &*inclusion;
    for (const auto& bad : {longer, shorter}) {
      absl::Status s =
          is_inclusion ? VerifyInclusion(5, 13, leaves_[5], bad, roots_[13])
                       : VerifyConsistency(5, 13, bad, roots_[5], roots_[13]);
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    }
  }
}

TEST_F(ProofTest, WrongSizesOrIndexesAreInvalidArgument) {
  EXPECT_EQ(InclusionProof(5, 5, store_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(6, 5, store_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(5, 5, leaves_[5], {}, roots_[5]).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(6, 5, {}, roots_[6], roots_[5]).code(),
            absl::StatusCode::kInvalidArgument);
  // Proofs reach beyond what the store holds: the missing node is named.
  EXPECT_EQ(InclusionProof(0, 65, store_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ConsistencyEdgeTest, EmptyAndEqualSizes) {
  const Hash a = LeafHash("a");
  const Hash other = LeafHash("b");
  const std::vector<Hash> one_hash = {a};
  // Growth from the empty tree: only an empty proof, only the empty root.
  EXPECT_TRUE(VerifyConsistency(0, 7, {}, EmptyRoot(), a).ok());
  EXPECT_FALSE(VerifyConsistency(0, 7, one_hash, EmptyRoot(), a).ok());
  EXPECT_FALSE(VerifyConsistency(0, 7, {}, a, a).ok());
  // Equal sizes: empty proof and equal roots; size 0 means the empty root.
  EXPECT_TRUE(VerifyConsistency(0, 0, {}, EmptyRoot(), EmptyRoot()).ok());
  EXPECT_FALSE(VerifyConsistency(0, 0, {}, a, a).ok());
  EXPECT_TRUE(VerifyConsistency(3, 3, {}, a, a).ok());
  EXPECT_FALSE(VerifyConsistency(3, 3, {}, a, other).ok());
  EXPECT_FALSE(VerifyConsistency(3, 3, one_hash, a, a).ok());
  // A non-empty proof between different non-zero sizes is required.
  EXPECT_FALSE(VerifyConsistency(1, 2, {}, a, other).ok());
}

TEST(LargeTreeTest, ProofsStayLogarithmicAndVerify) {
  constexpr uint64_t kSize = 5000;
  const std::vector<Hash> leaves = MakeLeaves(kSize);
  MemoryNodeStore store;
  std::mt19937_64 rng(42);
  test_tree::AppendInRandomBatches(leaves, rng, store);
  const Hash root = ReferenceRoot(leaves, 0, kSize);
  const uint64_t read_bound = 2 * std::bit_width(kSize) + 2;
  for (int trial = 0; trial < 200; ++trial) {
    const uint64_t m = rng() % kSize;
    uint64_t reads = store.reads();
    absl::StatusOr<std::vector<Hash>> inclusion =
        InclusionProof(m, kSize, store);
    ASSERT_TRUE(inclusion.ok());
    EXPECT_LE(store.reads() - reads, read_bound);
    EXPECT_TRUE(VerifyInclusion(m, kSize, leaves[m], *inclusion, root).ok());

    const uint64_t old_size = 1 + m;
    reads = store.reads();
    absl::StatusOr<std::vector<Hash>> consistency =
        ConsistencyProof(old_size, kSize, store);
    ASSERT_TRUE(consistency.ok());
    EXPECT_LE(store.reads() - reads, read_bound);
    absl::StatusOr<Hash> old_root = RootAt(old_size, store);
    ASSERT_TRUE(old_root.ok());
    EXPECT_TRUE(
        VerifyConsistency(old_size, kSize, *consistency, *old_root, root).ok());
  }
}

}  // namespace
}  // namespace fundlog::merkle
