// Inclusion and consistency proofs as JSON documents (DESIGN.md §5), and
// their offline check against a signed checkpoint: no database needed.
//
// prove:       {"leaf_index", "tree_size", "root_hash", "leaf_data", "proof"}
// consistency: {"old_size", "new_size", "old_root", "new_root", "proof"}
// Hashes and leaf_data are standard base64; sizes are JSON numbers (a
// decimal string is accepted too).
#ifndef FUNDLOG_CORE_AUDIT_PROOF_JSON_H_
#define FUNDLOG_CORE_AUDIT_PROOF_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/merkle.h"
#include "google/protobuf/struct.pb.h"

namespace fundlog {

struct InclusionProofDoc {
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  merkle::Hash root_hash{};
  std::string leaf_data;  // the exact stored record bytes
  std::vector<merkle::Hash> proof;
};

struct ConsistencyProofDoc {
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  merkle::Hash old_root{};
  merkle::Hash new_root{};
  std::vector<merkle::Hash> proof;
};

using ProofDoc = std::variant<InclusionProofDoc, ConsistencyProofDoc>;

std::string ProofToJson(const InclusionProofDoc& doc);
std::string ProofToJson(const ConsistencyProofDoc& doc);

// `text` as a JSON object; kInvalidArgument naming `name` otherwise.
absl::StatusOr<google::protobuf::Struct> ParseJsonObject(
    absl::string_view name, absl::string_view text);

// Parses either kind (told apart by "leaf_index" / "old_size").
// kInvalidArgument naming `name` and the field on anything malformed.
absl::StatusOr<ProofDoc> ParseProofJson(absl::string_view name,
                                        absl::string_view text);

// Checks `doc` against the signed `checkpoint` (already opened with the
// trusted key): the proof's tree must be the checkpoint's tree, and the proof
// must verify. For a consistency proof, `old_checkpoint`, when given, must be
// the proof's old tree. OK, or kDataLoss / kInvalidArgument saying what
// failed.
absl::Status CheckProof(
    const ProofDoc& doc, const merkle::Checkpoint& checkpoint,
    const std::optional<merkle::Checkpoint>& old_checkpoint);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_PROOF_JSON_H_
