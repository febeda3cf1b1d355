#include "core/audit/fork_evidence.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/io/json_writer.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace fundlog {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

absl::StatusOr<std::string> StringField(absl::string_view name,
                                        const Struct& doc,
                                        const std::string& key) {
  auto it = doc.fields().find(key);
  if (it == doc.fields().end() || !it->second.has_string_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": field \"", key, "\": missing or not a string"));
  }
  return it->second.string_value();
}

std::string Sized(const merkle::Checkpoint& c) {
  return absl::StrCat("size ", c.size, " root ", merkle::HashToBase64(c.root));
}

}  // namespace

std::string EvidenceToJson(const ForkEvidence& evidence) {
  JsonWriter json;
  json.BeginObject();
  json.Key("kind").String(evidence.kind);
  json.Key("origin").String(evidence.origin);
  json.Key("detail").String(evidence.detail);
  json.Key("witnessed").String(evidence.witnessed_note);
  json.Key("presented").String(evidence.presented_note);
  json.Key("proof");
  if (evidence.proof) {
    std::string proof = ProofToJson(*evidence.proof);
    while (!proof.empty() && proof.back() == '\n') proof.pop_back();
    json.Raw(proof);
  } else {
    json.Null();
  }
  json.EndObject();
  return json.str() + "\n";
}

absl::StatusOr<ForkEvidence> ParseEvidenceJson(absl::string_view name,
                                               absl::string_view text) {
  absl::StatusOr<Struct> object = ParseJsonObject(name, text);
  if (!object.ok()) return object.status();
  const Struct& parsed = *object;
  ForkEvidence evidence;
  std::pair<const char*, std::string*> fields[] = {
      {"kind", &evidence.kind},
      {"origin", &evidence.origin},
      {"detail", &evidence.detail},
      {"witnessed", &evidence.witnessed_note},
      {"presented", &evidence.presented_note}};
  for (auto& [key, out] : fields) {
    absl::StatusOr<std::string> value = StringField(name, parsed, key);
    if (!value.ok()) return value.status();
    *out = *std::move(value);
  }
  auto proof = parsed.fields().find("proof");
  if (proof != parsed.fields().end() && proof->second.has_struct_value()) {
    std::string proof_json;
    if (!google::protobuf::util::MessageToJsonString(
             proof->second.struct_value(), &proof_json)
             .ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": field \"proof\": unreadable"));
    }
    absl::StatusOr<ProofDoc> doc =
        ParseProofJson(absl::StrCat(name, ": proof"), proof_json);
    if (!doc.ok()) return doc.status();
    if (!std::holds_alternative<ConsistencyProofDoc>(*doc)) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": field \"proof\": not a consistency proof (old_size)"));
    }
    evidence.proof = std::get<ConsistencyProofDoc>(*doc);
  } else if (proof != parsed.fields().end() &&
             !proof->second.has_null_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": field \"proof\": neither an object nor null"));
  }
  return evidence;
}

absl::StatusOr<ForkVerdict> CheckForkEvidence(
    const ForkEvidence& evidence, const merkle::VerifierKey& log_key) {
  absl::StatusOr<merkle::Checkpoint> witnessed =
      merkle::OpenCheckpoint(evidence.witnessed_note, log_key);
  if (!witnessed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the witnessed checkpoint: ", witnessed.status().message()));
  }
  absl::StatusOr<merkle::Checkpoint> presented =
      merkle::OpenCheckpoint(evidence.presented_note, log_key);
  if (!presented.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the presented checkpoint: ", presented.status().message()));
  }
  if (witnessed->origin != presented->origin) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the checkpoints name two origins, \"", witnessed->origin, "\" and \"",
        presented->origin, "\": two logs, not a fork of one"));
  }
  if (witnessed->size == presented->size) {
    if (witnessed->root != presented->root) {
      return ForkVerdict{
          true, absl::StrCat("the log signed two trees of size ",
                             witnessed->size, " with different roots (",
                             merkle::HashToBase64(witnessed->root), " and ",
                             merkle::HashToBase64(presented->root), ")")};
    }
    return ForkVerdict{false, "the two checkpoints are the same tree"};
  }
  const merkle::Checkpoint& small =
      witnessed->size < presented->size ? *witnessed : *presented;
  const merkle::Checkpoint& large =
      witnessed->size < presented->size ? *presented : *witnessed;
  if (!evidence.proof) {
    return ForkVerdict{
        false,
        absl::StrCat("checkpoints of sizes ", small.size, " and ", large.size,
                     " without a consistency proof prove no fork (a "
                     "log may have signed both in turn)")};
  }
  const ConsistencyProofDoc& proof = *evidence.proof;
  if (proof.old_size != small.size || proof.new_size != large.size ||
      proof.new_root != large.root) {
    return ForkVerdict{
        false,
        absl::StrCat("the proof runs from size ", proof.old_size, " to ",
                     proof.new_size, ", not from the smaller checkpoint (",
                     Sized(small), ") to the larger (", Sized(large), ")")};
  }
  if (merkle::VerifyConsistency(small.size, large.size, proof.proof, small.root,
                                large.root)
          .ok()) {
    return ForkVerdict{
        false, absl::StrCat("consistent: the tree of size ", small.size,
                            " is a prefix of the tree of size ", large.size,
                            " (no fork)")};
  }
  if (proof.old_root != small.root &&
      merkle::VerifyConsistency(small.size, large.size, proof.proof,
                                proof.old_root, large.root)
          .ok()) {
    return ForkVerdict{
        true,
        absl::StrCat("the signed tree of size ", large.size,
                     " has a prefix of size ", small.size, " with root ",
                     merkle::HashToBase64(proof.old_root),
                     " (by the consistency proof), but the log also signed "
                     "that size with root ",
                     merkle::HashToBase64(small.root))};
  }
  return ForkVerdict{
      false,
      absl::StrCat("the consistency proof verifies against neither root: it "
                   "proves nothing about the log (ask the log for a proof from "
                   "size ",
                   small.size, " to ", large.size, ")")};
}

}  // namespace fundlog
