#include "core/audit/query_json.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "core/store/tree_writer.h"
#include "google/protobuf/util/json_util.h"

namespace fundlog {

absl::StatusOr<std::string> RecordJson(const v1::StoredRecord& record) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(record, &out, options)
           .ok()) {
    return absl::InternalError("cannot print JSON");
  }
  out += "\n";
  return out;
}

absl::StatusOr<InclusionProofDoc> InclusionProofOf(const EventLog& log,
                                                   uint64_t seq,
                                                   uint64_t size) {
  if (size > log.Size()) {
    return absl::OutOfRangeError(
        absl::StrCat("--size ", size, " exceeds the log's size ", log.Size()));
  }
  if (seq >= size) {
    return absl::OutOfRangeError(
        absl::StrCat("record ", seq, " is not in a tree of size ", size));
  }
  LogNodeReader reader(log);
  InclusionProofDoc doc;
  doc.leaf_index = seq;
  doc.tree_size = size;
  absl::StatusOr<std::string> leaf = log.ReadRaw(seq);
  absl::StatusOr<merkle::Hash> root = merkle::RootAt(size, reader);
  absl::StatusOr<std::vector<merkle::Hash>> proof =
      merkle::InclusionProof(seq, size, reader);
  for (const absl::Status& s : {leaf.status(), root.status(), proof.status()}) {
    if (!s.ok()) return s;
  }
  doc.leaf_data = *leaf;
  doc.root_hash = *root;
  doc.proof = *proof;
  return doc;
}

absl::StatusOr<ConsistencyProofDoc> ConsistencyProofOf(const EventLog& log,
                                                       uint64_t old_size,
                                                       uint64_t new_size) {
  for (auto [flag, size] :
       {std::pair{"--from", old_size}, std::pair{"--to", new_size}}) {
    if (size > log.Size()) {
      return absl::OutOfRangeError(absl::StrCat(
          flag, " ", size, " exceeds the log's size ", log.Size()));
    }
  }
  if (old_size > new_size) {
    return absl::OutOfRangeError("--from exceeds --to");
  }
  LogNodeReader reader(log);
  ConsistencyProofDoc doc;
  doc.old_size = old_size;
  doc.new_size = new_size;
  absl::StatusOr<merkle::Hash> old_root = merkle::RootAt(old_size, reader);
  absl::StatusOr<merkle::Hash> new_root = merkle::RootAt(new_size, reader);
  absl::StatusOr<std::vector<merkle::Hash>> proof =
      merkle::ConsistencyProof(old_size, new_size, reader);
  for (const absl::Status& s :
       {old_root.status(), new_root.status(), proof.status()}) {
    if (!s.ok()) return s;
  }
  doc.old_root = *old_root;
  doc.new_root = *new_root;
  doc.proof = *proof;
  return doc;
}

}  // namespace fundlog
