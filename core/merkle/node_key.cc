// Encoding of Merkle nodes in the `tree` column family.
//
// Grammar (all integers unsigned, big-endian):
//
//   tree_key   := level index              ; kNodeKeyBytes = 9 bytes
//   level      := uint8                    ; 0 = leaf hashes, <= kLevelMax
//   index      := uint64                   ; node covers leaves
//                                          ;   [index * 2^level,
//                                          ;    (index + 1) * 2^level)
//   tree_value := hash                     ; 32 raw SHA-256 bytes
//
// Only complete subtrees are stored, so (index + 1) * 2^level <= tree size.
// Big-endian makes byte order equal numeric order within a level, so a
// RocksDB iterator walks one level left to right.
#include <cassert>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"

namespace fundlog::merkle {
namespace {

constexpr size_t kLevelBytes = 1;
constexpr size_t kIndexBytes = 8;
constexpr size_t kNodeKeyBytes = kLevelBytes + kIndexBytes;
static_assert(kLevelMax < 256, "a level must fit its one key byte");

// True if node (level, index) lies inside a tree of kTreeSizeMax leaves,
// i.e. (index + 1) * 2^level <= 2^63 without overflowing.
bool IsValidNode(int level, uint64_t index) {
  if (level < 0 || level > kLevelMax) return false;
  return index < (kTreeSizeMax >> level);
}

}  // namespace

std::string NodeKey(int level, uint64_t index) {
  assert(IsValidNode(level, index));
  std::string key(kNodeKeyBytes, '\0');
  key[0] = static_cast<char>(level);
  for (size_t i = 0; i < kIndexBytes; ++i) {
    key[kLevelBytes + i] =
        static_cast<char>((index >> (8 * (kIndexBytes - 1 - i))) & 0xff);
  }
  return key;
}

absl::StatusOr<std::pair<int, uint64_t>> DecodeNodeKey(std::string_view key) {
  auto corrupt = [&](absl::string_view why) {
    const std::string_view shown = key.substr(0, 2 * kNodeKeyBytes);
    return absl::DataLossError(absl::StrCat(
        "tree key ",
        absl::BytesToHexString(absl::string_view(shown.data(), shown.size())),
        ": ", why));
  };
  if (key.size() != kNodeKeyBytes) {
    return corrupt(absl::StrCat("is ", key.size(), " bytes, want 9"));
  }
  const int level = static_cast<uint8_t>(key[0]);
  uint64_t index = 0;
  for (size_t i = 0; i < kIndexBytes; ++i) {
    index = (index << 8) | static_cast<uint8_t>(key[kLevelBytes + i]);
  }
  if (!IsValidNode(level, index)) {
    return corrupt("names a node outside the largest possible tree");
  }
  return std::make_pair(level, index);
}

std::string EncodeNodeValue(const Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

absl::StatusOr<Hash> DecodeNodeValue(int level, uint64_t index,
                                     std::string_view value) {
  if (value.size() != kHashBytes) {
    return absl::DataLossError(absl::StrCat("Merkle node (level ", level,
                                            ", index ", index, ") holds ",
                                            value.size(), " bytes, want 32"));
  }
  Hash hash{};
  std::memcpy(hash.data(), value.data(), kHashBytes);
  return hash;
}

absl::Status MissingNodeError(int level, uint64_t index) {
  return absl::DataLossError(absl::StrCat("Merkle node (level ", level,
                                          ", index ", index, ") is missing"));
}

}  // namespace fundlog::merkle
