// NodeReader implementations that live in memory: the overlay used while a
// batch is being built, and the map-backed store for tests and tools.
#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"

namespace fundlog::merkle {

NodeReader::~NodeReader() = default;

OverlayNodeReader::OverlayNodeReader(const NodeReader& base) : base_(base) {}

OverlayNodeReader::OverlayNodeReader(const NodeReader& base,
                                     absl::Span<const NodeWrite> writes)
    : base_(base) {
  for (const NodeWrite& write : writes) Put(write);
}

void OverlayNodeReader::Put(const NodeWrite& write) {
  overlay_[{write.level, write.index}] = write.hash;
}

absl::StatusOr<Hash> OverlayNodeReader::GetNode(int level,
                                                uint64_t index) const {
  if (auto it = overlay_.find({level, index}); it != overlay_.end()) {
    return it->second;
  }
  return base_.GetNode(level, index);
}

absl::Status MemoryNodeStore::Apply(absl::Span<const NodeWrite> writes) {
  // Check everything first so a rejected batch leaves the store untouched,
  // as a failed RocksDB WriteBatch would; the batch must agree with itself
  // as well as with what is stored.
  absl::flat_hash_map<std::pair<int, uint64_t>, Hash> pending;
  for (const NodeWrite& write : writes) {
    const std::pair<int, uint64_t> key{write.level, write.index};
    const Hash* held = nullptr;
    if (auto it = nodes_.find(key); it != nodes_.end()) held = &it->second;
    if (auto it = pending.find(key); it != pending.end()) held = &it->second;
    if (held != nullptr && *held != write.hash) {
      return absl::AlreadyExistsError(absl::StrCat(
          "Merkle node (level ", write.level, ", index ", write.index,
          ") already holds ", HashToHex(*held),
          "; refusing to overwrite it with ", HashToHex(write.hash)));
    }
    pending.emplace(key, write.hash);
  }
  for (const auto& [key, hash] : pending) nodes_[key] = hash;
  return absl::OkStatus();
}

absl::StatusOr<Hash> MemoryNodeStore::GetNode(int level, uint64_t index) const {
  reads_.fetch_add(1, std::memory_order_relaxed);
  if (auto it = nodes_.find({level, index}); it != nodes_.end()) {
    return it->second;
  }
  return MissingNodeError(level, index);
}

std::vector<NodeWrite> MemoryNodeStore::Nodes() const {
  std::vector<NodeWrite> out;
  out.reserve(nodes_.size());
  for (const auto& [key, hash] : nodes_) {
    out.push_back(NodeWrite{key.first, key.second, hash});
  }
  return out;
}

}  // namespace fundlog::merkle
