#include "core/audit/proof_json.h"

#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/io/json_writer.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace fundlog {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

void HashList(JsonWriter& json, const std::vector<merkle::Hash>& hashes) {
  json.BeginArray();
  for (const merkle::Hash& hash : hashes)
    json.String(merkle::HashToBase64(hash));
  json.EndArray();
}

// Reads the fields of a parsed proof document, naming what is wrong.
class Fields {
 public:
  Fields(absl::string_view name, const Struct& doc) : name_(name), doc_(doc) {}

  bool Has(const std::string& key) const { return doc_.fields().contains(key); }

  absl::Status Error(absl::string_view key, absl::string_view why) const {
    return absl::InvalidArgumentError(
        absl::StrCat(name_, ": field \"", key, "\": ", why));
  }

  absl::StatusOr<uint64_t> Uint(const std::string& key) const {
    auto it = doc_.fields().find(key);
    if (it == doc_.fields().end()) return Error(key, "missing");
    const Value& value = it->second;
    if (value.has_string_value()) {
      uint64_t parsed = 0;
      if (!absl::SimpleAtoi(value.string_value(), &parsed) ||
          value.string_value().empty() || value.string_value()[0] == '-') {
        return Error(key, "not a non-negative integer");
      }
      return parsed;
    }
    // JSON numbers are doubles here: exact up to 2^53, far above any size.
    constexpr double kExactMax = 9007199254740992.0;
    if (!value.has_number_value() || value.number_value() < 0 ||
        value.number_value() > kExactMax ||
        std::floor(value.number_value()) != value.number_value()) {
      return Error(key, "not a non-negative integer");
    }
    return static_cast<uint64_t>(value.number_value());
  }

  absl::StatusOr<std::string> Base64(const std::string& key) const {
    auto it = doc_.fields().find(key);
    if (it == doc_.fields().end() || !it->second.has_string_value()) {
      return Error(key, "missing or not a string");
    }
    std::string bytes;
    if (!absl::Base64Unescape(it->second.string_value(), &bytes)) {
      return Error(key, "not base64");
    }
    return bytes;
  }

  absl::StatusOr<merkle::Hash> HashField(const std::string& key) const {
    absl::StatusOr<std::string> bytes = Base64(key);
    if (!bytes.ok()) return bytes.status();
    absl::StatusOr<merkle::Hash> hash = merkle::HashFromBytes(*bytes);
    if (!hash.ok()) return Error(key, "not a 32-byte hash");
    return *hash;
  }

  absl::StatusOr<std::vector<merkle::Hash>> Proof() const {
    auto it = doc_.fields().find("proof");
    if (it == doc_.fields().end() || !it->second.has_list_value()) {
      return Error("proof", "missing or not a list");
    }
    std::vector<merkle::Hash> out;
    for (const Value& item : it->second.list_value().values()) {
      std::string bytes;
      if (!item.has_string_value() ||
          !absl::Base64Unescape(item.string_value(), &bytes)) {
        return Error("proof", "an element is not a base64 string");
      }
      absl::StatusOr<merkle::Hash> hash = merkle::HashFromBytes(bytes);
      if (!hash.ok()) return Error("proof", "an element is not a 32-byte hash");
      out.push_back(*hash);
    }
    return out;
  }

 private:
  std::string name_;
  const Struct& doc_;
};

template <typename T>
absl::Status Take(absl::StatusOr<T> value, T* out) {
  if (!value.ok()) return value.status();
  *out = std::move(*value);
  return absl::OkStatus();
}

}  // namespace

std::string ProofToJson(const InclusionProofDoc& doc) {
  JsonWriter json;
  json.BeginObject();
  json.Key("leaf_index").Uint(doc.leaf_index);
  json.Key("tree_size").Uint(doc.tree_size);
  json.Key("root_hash").String(merkle::HashToBase64(doc.root_hash));
  json.Key("leaf_data").String(absl::Base64Escape(doc.leaf_data));
  json.Key("proof");
  HashList(json, doc.proof);
  json.EndObject();
  return json.str() + "\n";
}

std::string ProofToJson(const ConsistencyProofDoc& doc) {
  JsonWriter json;
  json.BeginObject();
  json.Key("old_size").Uint(doc.old_size);
  json.Key("new_size").Uint(doc.new_size);
  json.Key("old_root").String(merkle::HashToBase64(doc.old_root));
  json.Key("new_root").String(merkle::HashToBase64(doc.new_root));
  json.Key("proof");
  HashList(json, doc.proof);
  json.EndObject();
  return json.str() + "\n";
}

absl::StatusOr<Struct> ParseJsonObject(absl::string_view name,
                                       absl::string_view text) {
  Struct parsed;
  if (!google::protobuf::util::JsonStringToMessage(std::string(text), &parsed)
           .ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": not a JSON object"));
  }
  return parsed;
}

absl::StatusOr<ProofDoc> ParseProofJson(absl::string_view name,
                                        absl::string_view text) {
  absl::StatusOr<Struct> object = ParseJsonObject(name, text);
  if (!object.ok()) return object.status();
  const Struct& parsed = *object;
  Fields fields(name, parsed);
  absl::Status s;
  if (fields.Has("leaf_index")) {
    InclusionProofDoc doc;
    s.Update(Take(fields.Uint("leaf_index"), &doc.leaf_index));
    if (s.ok()) s.Update(Take(fields.Uint("tree_size"), &doc.tree_size));
    if (s.ok()) s.Update(Take(fields.HashField("root_hash"), &doc.root_hash));
    if (s.ok()) s.Update(Take(fields.Base64("leaf_data"), &doc.leaf_data));
    if (s.ok()) s.Update(Take(fields.Proof(), &doc.proof));
    if (!s.ok()) return s;
    return doc;
  }
  if (fields.Has("old_size")) {
    ConsistencyProofDoc doc;
    s.Update(Take(fields.Uint("old_size"), &doc.old_size));
    if (s.ok()) s.Update(Take(fields.Uint("new_size"), &doc.new_size));
    if (s.ok()) s.Update(Take(fields.HashField("old_root"), &doc.old_root));
    if (s.ok()) s.Update(Take(fields.HashField("new_root"), &doc.new_root));
    if (s.ok()) s.Update(Take(fields.Proof(), &doc.proof));
    if (!s.ok()) return s;
    return doc;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      name,
      ": neither an inclusion proof (leaf_index) nor a consistency "
      "proof (old_size)"));
}

absl::Status CheckProof(
    const ProofDoc& doc, const merkle::Checkpoint& checkpoint,
    const std::optional<merkle::Checkpoint>& old_checkpoint) {
  if (const auto* inclusion = std::get_if<InclusionProofDoc>(&doc)) {
    if (inclusion->tree_size != checkpoint.size ||
        inclusion->root_hash != checkpoint.root) {
      return absl::DataLossError(
          absl::StrCat("the proof is for a tree of size ", inclusion->tree_size,
                       " with another root than the checkpoint's (size ",
                       checkpoint.size, ")"));
    }
    return merkle::VerifyInclusion(inclusion->leaf_index, inclusion->tree_size,
                                   merkle::LeafHash(inclusion->leaf_data),
                                   inclusion->proof, checkpoint.root);
  }
  const auto& consistency = std::get<ConsistencyProofDoc>(doc);
  if (consistency.new_size != checkpoint.size ||
      consistency.new_root != checkpoint.root) {
    return absl::DataLossError(
        absl::StrCat("the proof's new tree (size ", consistency.new_size,
                     ") is not the checkpoint's (size ", checkpoint.size, ")"));
  }
  if (old_checkpoint && (old_checkpoint->size != consistency.old_size ||
                         old_checkpoint->root != consistency.old_root)) {
    return absl::DataLossError(absl::StrCat(
        "the proof's old tree (size ", consistency.old_size,
        ") is not the old checkpoint's (size ", old_checkpoint->size, ")"));
  }
  return merkle::VerifyConsistency(consistency.old_size, consistency.new_size,
                                   consistency.proof, consistency.old_root,
                                   checkpoint.root);
}

}  // namespace fundlog
