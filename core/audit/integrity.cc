#include "core/audit/integrity.h"

#include "absl/strings/str_cat.h"
#include "core/audit/tree_rebuilder.h"
#include "core/store/tree_writer.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace fundlog {
namespace {

// A run of missing records longer than this is not walked leaf by leaf
// (each step reads the stored leaf node, so that the root stays right when
// only a record went): its subtrees are pushed whole. Verification's time
// and memory thus follow what is stored, never a damaged stored size.
constexpr uint64_t kMissingRunWalkedMax = uint64_t{1} << 16;

// The `seq` field of stored record bytes, read without parsing the rest
// (integrity needs only this; the ledger checks parse every record anyway).
// nullopt when the bytes do not start like a StoredRecord. Protobuf writes
// fields in number order and omits seq 0, so field 1 comes first if at all.
std::optional<uint64_t> StoredSeq(absl::string_view bytes) {
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  const uint32_t tag = in.ReadTag();
  if (tag == 0)
    return bytes.empty() ? std::optional<uint64_t>(0) : std::nullopt;
  if (tag != (1 << 3)) {  // field 1, varint
    return google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag) >
                   1
               ? std::optional<uint64_t>(0)
               : std::nullopt;
  }
  uint64_t seq = 0;
  if (!in.ReadVarint64(&seq)) return std::nullopt;
  return seq;
}

}  // namespace

absl::StatusOr<IntegrityReport> CheckIntegrity(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint,
    const RecordObserver& observe) {
  absl::StatusOr<LogView> view = log.NewView();
  if (!view.ok()) return view.status();
  return CheckIntegrity(*view, checkpoint, observe);
}

absl::StatusOr<IntegrityReport> CheckIntegrity(
    const LogView& view, const std::optional<merkle::Checkpoint>& checkpoint,
    const RecordObserver& observe) {
  IntegrityReport report;
  report.tree_size = view.Size();
  std::vector<Finding>& findings = report.findings;
  TreeRebuilder tree(view, &findings);
  std::unique_ptr<TreeLevelCursor> leaves = view.NewTreeLevelCursor(0);
  auto stored_leaf_at = [&](uint64_t seq) -> absl::StatusOr<merkle::Hash> {
    absl::StatusOr<std::optional<std::string>> value = leaves->Get(seq);
    if (!value.ok()) return value.status();
    if (!value->has_value()) return merkle::MissingNodeError(0, seq);
    return merkle::DecodeNodeValue(0, seq, **value);
  };
  std::optional<merkle::Hash> root_at_checkpoint;
  if (checkpoint && checkpoint->size == 0)
    root_at_checkpoint = merkle::EmptyRoot();
  auto at_checkpoint = [&](uint64_t pushed) {
    if (checkpoint && pushed == checkpoint->size)
      root_at_checkpoint = tree.Root();
  };
  uint64_t next = 0;    // the next sequence number expected
  uint64_t stored = 0;  // records found below the log's size
  // Records [first, end) are missing. A short run takes each leaf from the
  // stored level-0 node, if any, so that one gap does not hide the state of
  // the rest of the tree; a long one is pushed as unknown subtrees.
  auto missing = [&](uint64_t first, uint64_t end) -> absl::Status {
    const bool trailing = end == report.tree_size;
    absl::StatusOr<merkle::Hash> first_leaf = stored_leaf_at(first);
    std::string detail =
        end - first == 1
            ? absl::StrCat("record ", first, " is missing from the log")
            : absl::StrCat("records ", first, "..", end - 1,
                           " are missing from the log");
    if (trailing && first_leaf.ok()) {
      absl::StrAppend(&detail,
                      " (the log is truncated: the tree still holds the "
                      "leaf of record ",
                      first, ")");
    } else if (trailing) {
      detail = absl::StrCat("the stored size claims ", report.tree_size,
                            " records but only ", stored, " are stored (",
                            detail, ")");
    }
    findings.push_back({first, "data_loss", std::move(detail)});
    if (end - first > kMissingRunWalkedMax) {
      const uint64_t split =
          checkpoint && checkpoint->size > first && checkpoint->size < end
              ? checkpoint->size
              : end;
      if (absl::Status s = tree.PushUnknownRun(first, split - first); !s.ok())
        return s;
      at_checkpoint(split);
      if (absl::Status s = tree.PushUnknownRun(split, end - split); !s.ok())
        return s;
      at_checkpoint(end);
      return absl::OkStatus();
    }
    for (uint64_t seq = first; seq < end; ++seq) {
      absl::StatusOr<merkle::Hash> leaf = stored_leaf_at(seq);
      if (absl::Status s =
              tree.Push(seq, leaf.ok() ? *leaf : merkle::Hash{}, true);
          !s.ok()) {
        return s;
      }
      at_checkpoint(seq + 1);
    }
    return absl::OkStatus();
  };
  absl::Status scanned = view.ScanStored([&](uint64_t seq,
                                             absl::string_view bytes) {
    if (seq >= report.tree_size) {
      findings.push_back(
          {seq, "data_loss",
           absl::StrCat("record ", seq, " is stored beyond the log's size ",
                        report.tree_size)});
      return absl::OkStatus();
    }
    if (next < seq) {
      if (absl::Status s = missing(next, seq); !s.ok()) return s;
    }
    next = seq + 1;
    ++stored;
    const merkle::Hash leaf =
        merkle::LeafHash(std::string_view(bytes.data(), bytes.size()));
    bool tainted = false;
    if (StoredSeq(bytes) != seq) {
      findings.push_back({seq, "data_loss",
                          absl::StrCat("record ", seq,
                                       " is unreadable or does not carry its "
                                       "own sequence number")});
      tainted = true;
    } else if (observe) {
      if (absl::Status s = observe(seq, bytes); !s.ok()) return s;
    }
    std::optional<merkle::Hash> disputed;
    absl::StatusOr<merkle::Hash> stored_leaf = stored_leaf_at(seq);
    if (!stored_leaf.ok()) {
      if (stored_leaf.status().code() != absl::StatusCode::kDataLoss) {
        return stored_leaf.status();
      }
      findings.push_back({seq, "data_loss",
                          absl::StrCat("the Merkle leaf node of record ", seq,
                                       ": ", stored_leaf.status().message())});
      tainted = true;
    } else if (*stored_leaf != leaf) {
      disputed = *stored_leaf;  // the tree settles who changed
    }
    if (absl::Status s = tree.Push(seq, leaf, tainted, disputed); !s.ok()) {
      return s;
    }
    at_checkpoint(seq + 1);
    return absl::OkStatus();
  });
  if (!scanned.ok()) return scanned;
  if (next < report.tree_size) {
    if (absl::Status s = missing(next, report.tree_size); !s.ok()) return s;
  }
  tree.Finish();
  report.root = tree.Root();
  if (checkpoint) {
    if (checkpoint->size > report.tree_size) {
      findings.push_back(
          {report.tree_size, "data_loss",
           absl::StrCat("the checkpoint covers ", checkpoint->size,
                        " records but the log holds ", report.tree_size,
                        ": the log was truncated since")});
    } else if (root_at_checkpoint != checkpoint->root) {
      findings.push_back(
          {std::nullopt, "data_loss",
           absl::StrCat("the log no longer extends the checkpoint of size ",
                        checkpoint->size,
                        ": its first records hash to a different root")});
    }
  }
  return report;
}

}  // namespace fundlog
