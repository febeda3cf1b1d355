// libFuzzer target: the proof JSON reader `verify-proof` uses, and the proof
// check behind it. A parsed proof is checked against a checkpoint that
// claims the proof's own tree, so the Merkle verification code runs on
// arbitrary hashes, sizes and proof lengths.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "absl/strings/string_view.h"
#include "core/audit/proof_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = fundlog::ParseProofJson("fuzz.json", text);
  if (!doc.ok()) return 0;
  fundlog::merkle::Checkpoint checkpoint;
  checkpoint.origin = "fuzz";
  std::optional<fundlog::merkle::Checkpoint> old_checkpoint;
  if (const auto* inclusion = std::get_if<fundlog::InclusionProofDoc>(&*doc)) {
    checkpoint.size = inclusion->tree_size;
    checkpoint.root = inclusion->root_hash;
  } else {
    const auto& consistency = std::get<fundlog::ConsistencyProofDoc>(*doc);
    checkpoint.size = consistency.new_size;
    checkpoint.root = consistency.new_root;
    old_checkpoint = checkpoint;
    old_checkpoint->size = consistency.old_size;
    old_checkpoint->root = consistency.old_root;
  }
  (void)fundlog::CheckProof(*doc, checkpoint, old_checkpoint);
  return 0;
}
