// Projector snapshots: encoding, validation against the log, refresh.
//
// Key grammar (the `derived` family; everything else there belongs to other
// layers):
//   "projector/newest"         -> the newest snapshot
//   "projector/newest-header"  -> a copy of its header alone, so deciding
//                                 whether to refresh reads 45 bytes, not the
//                                 whole state (written after the snapshot;
//                                 it steers only when to write, never what
//                                 a query trusts)
// Value (fixed header, then the state):
//   magic "FLSN" (4 bytes)
//   format version (1 byte, kSnapshotFormatVersion)
//   log size the state covers (8 bytes, big-endian u64, >= 1)
//   Merkle root of the log at that size (32 bytes, RFC 6962)
//   SHA-256 of the state bytes that follow (32 bytes)
//   Projector::SerializeState() bytes (format in state_codec.cc)
// A value that is too short, has another magic or version, covers more
// records than the log holds, whose root differs from the log's root at
// that size, or whose state bytes do not hash to the stored SHA-256 is
// ignored, never repaired: derived data is not trusted over the log, and
// rebuild recomputes it. The root binds the snapshot to the records it was
// taken from; the SHA-256 binds the state to the header, so that a changed
// byte in the state (which might still decode, into other figures) is
// caught before a query uses it. Version 1 (no SHA-256) is ignored.
#include "core/ledger/snapshots.h"

#include <openssl/sha.h>

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/merkle/merkle.h"
#include "core/store/tree_writer.h"

namespace fundlog::ledger {
namespace {

constexpr absl::string_view kSnapshotKey = "projector/newest";
constexpr absl::string_view kHeaderKey = "projector/newest-header";
constexpr absl::string_view kSnapshotMagic = "FLSN";
constexpr uint8_t kSnapshotFormatVersion = 2;
constexpr size_t kMagicBytes = 4;
constexpr size_t kVersionBytes = 1;
constexpr size_t kSizeBytes = 8;
constexpr size_t kRootBytes = merkle::kHashBytes;
constexpr size_t kStateHashBytes = SHA256_DIGEST_LENGTH;
constexpr size_t kHeaderBytes =
    kMagicBytes + kVersionBytes + kSizeBytes + kRootBytes + kStateHashBytes;
static_assert(kHeaderBytes == 77, "the header layout is part of the format");

std::string StateHash(absl::string_view state) {
  std::string out(kStateHashBytes, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(state.data()), state.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

void AppendU64BigEndian(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint64_t ReadU64BigEndian(absl::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < kSizeBytes; ++i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return value;
}

absl::StatusOr<merkle::Hash> RootOf(const EventLog& log, uint64_t size) {
  LogNodeReader reader(log);
  return merkle::RootAt(size, reader);
}

// A stored snapshot whose header checked out against the log: the state
// bytes still need decoding.
struct Trusted {
  uint64_t size = 0;
  absl::string_view state_sha256;
  absl::string_view state;  // empty when only the header was read
};

// Checks `value_untrusted` against `log` (of `log_size` records). A reason
// to ignore it comes back as a string; storage errors as a status.
absl::StatusOr<std::pair<std::optional<Trusted>, std::string>> Check(
    const EventLog& log, uint64_t log_size, absl::string_view value_untrusted) {
  using Result = std::pair<std::optional<Trusted>, std::string>;
  if (value_untrusted.size() < kHeaderBytes ||
      value_untrusted.substr(0, kMagicBytes) != kSnapshotMagic) {
    return Result{std::nullopt, "not a snapshot"};
  }
  const uint8_t version = static_cast<uint8_t>(value_untrusted[kMagicBytes]);
  if (version != kSnapshotFormatVersion) {
    return Result{std::nullopt, absl::StrCat("format version ", version)};
  }
  const uint64_t size =
      ReadU64BigEndian(value_untrusted.substr(kMagicBytes + kVersionBytes));
  if (size == 0 || size > log_size) {
    return Result{
        std::nullopt,
        absl::StrCat("covers ", size, " records; the log holds ", log_size)};
  }
  absl::StatusOr<merkle::Hash> root = RootOf(log, size);
  if (!root.ok()) return root.status();
  const absl::string_view stored_root = value_untrusted.substr(
      kMagicBytes + kVersionBytes + kSizeBytes, kRootBytes);
  if (stored_root !=
      absl::string_view(reinterpret_cast<const char*>(root->data()),
                        root->size())) {
    return Result{std::nullopt, absl::StrCat("root mismatch at size ", size)};
  }
  return Result{Trusted{size,
                        value_untrusted.substr(kHeaderBytes - kStateHashBytes,
                                               kStateHashBytes),
                        value_untrusted.substr(kHeaderBytes)},
                ""};
}

// The state of a snapshot whose header checked out, once its bytes match
// their SHA-256 and decode into a state of the size the header gives. A
// reason to ignore it comes back as kDataLoss.
absl::StatusOr<Projector> Restore(const Trusted& trusted) {
  if (StateHash(trusted.state) != trusted.state_sha256) {
    return absl::DataLossError(absl::StrCat("the state at size ", trusted.size,
                                            " does not match its SHA-256"));
  }
  absl::StatusOr<Projector> restored = Projector::FromState(trusted.state);
  if (!restored.ok()) {
    return absl::DataLossError(
        absl::StrCat("state does not decode: ", restored.status().message()));
  }
  if (restored->size() != trusted.size) {
    return absl::DataLossError(absl::StrCat("state covers ", restored->size(),
                                            " records, header ", trusted.size));
  }
  return restored;
}

// Folds records projector->size() .. to-1. (Reading and parsing on a second
// thread while this one folds was measured slower on two shared cores: the
// parsed records then cross cores, and malloc frees them across threads.)
absl::Status FoldTail(const EventLog& log, uint64_t to, Projector* projector) {
  return log.Scan(projector->size(), to, [&](const v1::StoredRecord& record) {
    return projector->Add(record);
  });
}

absl::StatusOr<SnapshotWrite> Put(EventLog& log, const Projector& projector,
                                  uint64_t folded, std::string ignored) {
  SnapshotWrite write{false, projector.size(), 0, folded, std::move(ignored)};
  if (projector.size() == 0) return write;
  absl::StatusOr<merkle::Hash> root = RootOf(log, projector.size());
  if (!root.ok()) return root.status();
  std::string value(kSnapshotMagic);
  value.push_back(static_cast<char>(kSnapshotFormatVersion));
  AppendU64BigEndian(projector.size(), &value);
  value.append(reinterpret_cast<const char*>(root->data()), root->size());
  const std::string state = projector.SerializeState();
  value += StateHash(state);
  value += state;
  if (absl::Status s = log.PutDerived(kSnapshotKey, value); !s.ok()) return s;
  if (absl::Status s = log.PutDerived(
          kHeaderKey, absl::string_view(value).substr(0, kHeaderBytes));
      !s.ok()) {
    return s;
  }
  write.written = true;
  write.bytes = value.size();
  return write;
}

}  // namespace

std::string SnapshotKey() { return std::string(kSnapshotKey); }

absl::StatusOr<LoadedProjector> LoadProjector(const EventLog& log) {
  const uint64_t log_size = log.Size();
  LoadedProjector loaded;
  absl::StatusOr<std::optional<std::string>> stored =
      log.GetDerived(kSnapshotKey);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    auto checked = Check(log, log_size, **stored);
    if (!checked.ok()) return checked.status();
    loaded.ignored = std::move(checked->second);
    if (const std::optional<Trusted>& trusted = checked->first) {
      absl::StatusOr<Projector> restored = Restore(*trusted);
      if (!restored.ok()) {
        loaded.ignored = std::string(restored.status().message());
      } else {
        loaded.projector = *std::move(restored);
        loaded.snapshot_size = trusted->size;
      }
    }
    stored->reset();  // the state is decoded; free the bytes before folding
  }
  if (absl::Status s = FoldTail(log, log_size, &loaded.projector); !s.ok()) {
    return s;
  }
  loaded.tail_events = log_size - loaded.snapshot_size;
  return loaded;
}

absl::StatusOr<std::string> AuditSnapshot(const EventLog& log) {
  absl::StatusOr<std::optional<std::string>> stored =
      log.GetDerived(kSnapshotKey);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::string();
  absl::string_view value = **stored;
  if (value.size() > kMagicBytes &&
      value.substr(0, kMagicBytes) == kSnapshotMagic &&
      static_cast<uint8_t>(value[kMagicBytes]) < kSnapshotFormatVersion) {
    return std::string();  // an older format, which queries ignore
  }
  auto checked = Check(log, log.Size(), value);
  if (!checked.ok()) return checked.status();
  if (!checked->first) {
    return absl::StrCat("the ledger snapshot is ignored by queries (",
                        checked->second, ")");
  }
  absl::StatusOr<Projector> restored = Restore(*checked->first);
  if (!restored.ok()) {
    return absl::StrCat("the ledger snapshot is damaged (",
                        restored.status().message(),
                        "); queries replay the records instead");
  }
  Projector replayed;
  absl::Status folded =
      log.Scan(0, checked->first->size, [&](const v1::StoredRecord& record) {
        // A malformed event counts but adds nothing, in the snapshot too.
        absl::Status added = replayed.Add(record);
        return absl::IsInvalidArgument(added) ? absl::OkStatus() : added;
      });
  if (absl::IsDataLoss(folded)) return std::string();
  if (!folded.ok()) return folded;
  if (restored->SerializeState() != replayed.SerializeState()) {
    return absl::StrCat("the ledger snapshot at size ", checked->first->size,
                        " differs from a replay of the records it covers, "
                        "although its SHA-256 matches");
  }
  return std::string();
}

absl::StatusOr<SnapshotWrite> RefreshSnapshots(EventLog& log,
                                               const SnapshotOptions& options) {
  const uint64_t every = options.every_events == 0 ? 1 : options.every_events;
  const uint64_t log_size = log.Size();
  // Decide from the header alone, so a refresh with nothing to do costs a
  // small read and a root computation, not reading or decoding the state.
  absl::StatusOr<std::optional<std::string>> stored =
      log.GetDerived(kHeaderKey);
  if (!stored.ok()) return stored.status();
  uint64_t covered = 0;
  if (stored->has_value()) {
    auto checked = Check(log, log_size, **stored);
    if (!checked.ok()) return checked.status();
    if (checked->first) covered = checked->first->size;
  }
  stored->reset();
  if (log_size - covered < every)
    return SnapshotWrite{false, covered, 0, 0, ""};
  return WriteSnapshot(log);
}

absl::StatusOr<SnapshotWrite> WriteSnapshot(EventLog& log) {
  absl::StatusOr<LoadedProjector> loaded = LoadProjector(log);
  if (!loaded.ok()) return loaded.status();
  return Put(log, loaded->projector, loaded->tail_events,
             std::move(loaded->ignored));
}

absl::StatusOr<SnapshotWrite> RebuildSnapshots(EventLog& log) {
  if (absl::Status s = log.ClearDerived(); !s.ok()) return s;
  Projector projector;
  if (absl::Status s = FoldTail(log, log.Size(), &projector); !s.ok()) {
    return s;
  }
  return Put(log, projector, projector.size(), "");
}

}  // namespace fundlog::ledger
