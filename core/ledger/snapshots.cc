// Projector snapshots: encoding, validation against the log, refresh.
//
// Key grammar (the `derived` family; everything else there belongs to other
// layers):
//   "projector/newest"         -> the newest snapshot
//   "projector/newest-header"  -> a copy of its header alone, so deciding
//                                 whether to refresh reads 77 bytes, not the
//                                 whole state (written after the snapshot;
//                                 it steers only when to write, never what
//                                 a query trusts)
//   "projector/query"          -> the query state (query_state.cc) at the
//                                 log size of the last writing command,
//                                 under the same header
//   "projector/query-header"   -> a copy of its header alone
//   "projector/known"          -> the directory of the known state
//                                 (query_state.cc: the versions by known day
//                                 that a light projector needs for known_at
//                                 queries; known_pages.h), at the same log
//                                 size, under the same header
//   "projector/known/" page    -> the known state's pages, each tagged with
//                                 the stream's SHA-256 (known_pages.h): a
//                                 query reads the pages its lookups need
//   "projector/known-header"   -> a copy of its header alone
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

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "core/ledger/known_pages.h"
#include "core/merkle/merkle.h"
#include "core/store/tree_writer.h"

namespace fundlog::ledger {
namespace {

constexpr absl::string_view kSnapshotKey = "projector/newest";
constexpr absl::string_view kHeaderKey = "projector/newest-header";
constexpr absl::string_view kQueryKey = "projector/query";
constexpr absl::string_view kQueryHeaderKey = "projector/query-header";
constexpr absl::string_view kKnownKey = "projector/known";
constexpr absl::string_view kKnownHeaderKey = "projector/known-header";
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
absl::StatusOr<Projector> Restore(
    const Trusted& trusted, absl::StatusOr<Projector> (*decode)(
                                absl::string_view) = Projector::FromState) {
  if (StateHash(trusted.state) != trusted.state_sha256) {
    return absl::DataLossError(absl::StrCat("the state at size ", trusted.size,
                                            " does not match its SHA-256"));
  }
  absl::StatusOr<Projector> restored = decode(trusted.state);
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

// Stores `state` framed by the header (size, root, SHA-256) under `key`,
// then the header alone under `header_key`; the value's size.
absl::StatusOr<uint64_t> PutFramed(EventLog& log, absl::string_view key,
                                   absl::string_view header_key, uint64_t size,
                                   const merkle::Hash& root,
                                   const std::string& state) {
  std::string value(kSnapshotMagic);
  value.push_back(static_cast<char>(kSnapshotFormatVersion));
  AppendU64BigEndian(size, &value);
  value.append(reinterpret_cast<const char*>(root.data()), root.size());
  value += StateHash(state);
  value += state;
  if (absl::Status s = log.PutDerived(key, value); !s.ok()) return s;
  if (absl::Status s = log.PutDerived(
          header_key, absl::string_view(value).substr(0, kHeaderBytes));
      !s.ok()) {
    return s;
  }
  return value.size();
}

// Writes the known-state `stream` as pages (known_pages.h), then its
// directory under the header at kKnownKey: a reader that finds the
// directory finds the pages it lists (or, beside a later refresh, pages
// whose tags fail, which it does not use). Returns the bytes written.
absl::StatusOr<uint64_t> PutKnown(EventLog& log, uint64_t size,
                                  const merkle::Hash& root,
                                  std::string stream) {
  const std::string directory = internal::KnownDirectory(stream);
  if (directory.empty()) {
    return absl::InternalError("the known state does not parse");
  }
  const std::string stream_sha256 = StateHash(stream);
  uint64_t written = 0;
  std::vector<std::pair<std::string, std::string>> pages;
  // Written a few MB at a time; the first write also clears the old pages.
  constexpr size_t kPagesPerWrite = 1024;
  bool first = true;
  for (size_t at = 0, page = 0; at < stream.size() || first; ++page) {
    if (at < stream.size()) {
      const absl::string_view payload =
          absl::string_view(stream).substr(at, internal::kKnownPageBytes);
      pages.emplace_back(
          internal::KnownPageKey(static_cast<uint32_t>(page)),
          internal::KnownPageValue(stream_sha256, static_cast<uint32_t>(page),
                                   payload));
      written += pages.back().second.size();
      at += payload.size();
    }
    if (pages.size() == kPagesPerWrite || at >= stream.size()) {
      if (absl::Status s = log.ReplaceDerived(
              first ? internal::kKnownPagePrefix : absl::string_view(), pages);
          !s.ok()) {
        return s;
      }
      pages.clear();
      first = false;
    }
  }
  stream.clear();
  stream.shrink_to_fit();
  absl::StatusOr<uint64_t> framed =
      PutFramed(log, kKnownKey, kKnownHeaderKey, size, root, directory);
  if (!framed.ok()) return framed.status();
  return written + *framed;
}

// Writes the full snapshot (when `full`) and the query state (when `query`)
// of `projector`.
absl::StatusOr<SnapshotWrite> Put(EventLog& log, const Projector& projector,
                                  uint64_t folded, std::string ignored,
                                  bool full, bool query) {
  SnapshotWrite write{false, projector.size(), 0, folded, std::move(ignored)};
  if (projector.size() == 0) return write;
  absl::StatusOr<merkle::Hash> root = RootOf(log, projector.size());
  if (!root.ok()) return root.status();
  if (full) {
    absl::StatusOr<uint64_t> bytes =
        PutFramed(log, kSnapshotKey, kHeaderKey, projector.size(), *root,
                  projector.SerializeState());
    if (!bytes.ok()) return bytes.status();
    write.written = true;
    write.bytes = *bytes;
  }
  if (query) {
    std::string state, known;
    projector.SerializeQueryStates(&state, &known);
    if (!state.empty()) {
      // The known state first: a reader that finds the query state at this
      // size then finds its known state too (one is never newer alone).
      absl::StatusOr<uint64_t> known_bytes =
          PutKnown(log, projector.size(), *root, std::move(known));
      if (!known_bytes.ok()) return known_bytes.status();
      absl::StatusOr<uint64_t> bytes = PutFramed(
          log, kQueryKey, kQueryHeaderKey, projector.size(), *root, state);
      if (!bytes.ok()) return bytes.status();
      write.query_written = true;
      write.query_size = projector.size();
      write.query_bytes = *bytes;
      write.known_bytes = *known_bytes;
    }
  }
  return write;
}

// The size a stored header at `header_key` covers while the log still
// vouches for it (0 when none).
absl::StatusOr<uint64_t> Covered(const EventLog& log, uint64_t log_size,
                                 absl::string_view header_key) {
  absl::StatusOr<std::optional<std::string>> stored =
      log.GetDerived(header_key);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return 0;
  auto checked = Check(log, log_size, **stored);
  if (!checked.ok()) return checked.status();
  return checked->first ? checked->first->size : 0;
}

}  // namespace

std::string SnapshotKey() { return std::string(kSnapshotKey); }
std::string QueryStateKey() { return std::string(kQueryKey); }
std::string KnownStateKey() { return std::string(kKnownKey); }

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

namespace {

// Attaches the stored known state to `light` when it covers the same log
// size and checks out; otherwise leaves `light` without it (its known_at
// queries are then refused and answered from the full state).
absl::Status AttachKnown(const EventLog& log, size_t cache_bytes,
                         Projector* light) {
  absl::StatusOr<std::optional<std::string>> stored = log.GetDerived(kKnownKey);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return absl::OkStatus();
  auto checked = Check(log, log.Size(), **stored);
  if (!checked.ok() || !checked->first ||
      checked->first->size != light->size() ||
      StateHash(checked->first->state) != checked->first->state_sha256) {
    return absl::OkStatus();
  }
  // The pages are read through `log` when a query needs them; a light
  // projector must not outlive the log it was loaded from.
  absl::StatusOr<std::shared_ptr<internal::KnownPages>> pages =
      internal::KnownPages::Open(
          checked->first->state,
          [&log](absl::string_view key) { return log.GetDerived(key); },
          cache_bytes);
  // A directory that does not parse or fit leaves the projector as it was.
  if (pages.ok()) (void)light->AttachKnownPages(*std::move(pages));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<Projector>> LoadQueryState(
    const EventLog& log, std::string* ignored, bool known,
    size_t known_cache_bytes) {
  const uint64_t log_size = log.Size();
  absl::StatusOr<std::optional<std::string>> stored = log.GetDerived(kQueryKey);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::nullopt;
  auto checked = Check(log, log_size, **stored);
  if (!checked.ok()) return std::nullopt;  // as without one
  std::string why = std::move(checked->second);
  if (const std::optional<Trusted>& trusted = checked->first) {
    if (trusted->size == log_size) {
      absl::StatusOr<Projector> restored =
          Restore(*trusted, Projector::FromQueryState);
      if (restored.ok()) {
        if (known) {
          if (absl::Status s = AttachKnown(log, known_cache_bytes, &*restored);
              !s.ok()) {
            return s;
          }
        }
        return std::optional<Projector>(*std::move(restored));
      }
      why = std::string(restored.status().message());
    } else {
      why = absl::StrCat("query state covers ", trusted->size,
                         " records; the log holds ", log_size);
    }
  }
  if (ignored != nullptr) *ignored = std::move(why);
  return std::nullopt;
}

absl::StatusOr<LoadedProjector> LoadQueryProjector(const EventLog& log,
                                                   bool known,
                                                   size_t known_cache_bytes) {
  std::string ignored;
  absl::StatusOr<std::optional<Projector>> light =
      LoadQueryState(log, &ignored, known, known_cache_bytes);
  if (!light.ok()) return light.status();
  if (light->has_value()) {
    LoadedProjector loaded;
    loaded.snapshot_size = (*light)->size();
    loaded.projector = **std::move(light);
    return loaded;
  }
  absl::StatusOr<LoadedProjector> loaded = LoadProjector(log);
  if (loaded.ok() && loaded->ignored.empty()) loaded->ignored = ignored;
  return loaded;
}

absl::StatusOr<SnapshotAudit> SnapshotAudit::Prepare(const EventLog& log) {
  const uint64_t log_size = log.Size();
  SnapshotAudit audit;
  struct Source {
    absl::string_view key;
    absl::string_view what;
    std::string (Projector::*digest)() const;
  };
  const Source sources[] = {
      {kSnapshotKey, "ledger snapshot", &Projector::StateSha256},
      {kQueryKey, "ledger query state", &Projector::QueryStateSha256},
      {kKnownKey, "ledger known state", &Projector::KnownStateSha256}};
  for (const Source& source : sources) {
    absl::StatusOr<std::optional<std::string>> stored =
        log.GetDerived(source.key);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) continue;
    const std::string value = **std::move(stored);
    if (value.size() > kMagicBytes &&
        value.substr(0, kMagicBytes) == kSnapshotMagic &&
        static_cast<uint8_t>(value[kMagicBytes]) < kSnapshotFormatVersion) {
      continue;  // an older format, which queries ignore
    }
    auto checked = Check(log, log_size, value);
    // A tree that cannot give the root at that size is damage the integrity
    // check names; the value cannot be judged against it.
    if (absl::IsDataLoss(checked.status()) ||
        absl::IsNotFound(checked.status())) {
      continue;
    }
    if (!checked.ok()) return checked.status();
    if (!checked->first) {
      audit.findings_.push_back(absl::StrCat("the ", source.what,
                                             " is ignored by queries (",
                                             checked->second, ")"));
      continue;
    }
    // Not decoded (that would hold a second state): bytes that match their
    // SHA-256 and the replay's digest are the replay's bytes, which decode.
    const Trusted& trusted = *checked->first;
    if (StateHash(trusted.state) != trusted.state_sha256) {
      audit.findings_.push_back(absl::StrCat(
          "the ", source.what, " is damaged (the state at size ", trusted.size,
          " does not match its SHA-256); queries replay the records instead"));
      continue;
    }
    if (source.key == kKnownKey &&
        !absl::StartsWith(trusted.state, internal::kKnownDirectoryMagic)) {
      continue;  // a known state stored whole (before pages): queries ignore it
    }
    if (source.key == kKnownKey) {
      // The directory binds the pages by their stream's SHA-256; check that
      // the stored pages are that stream.
      absl::StatusOr<std::string> pages =
          internal::CheckKnownPages(trusted.state, [&log](const auto& visit) {
            return log.ScanDerived(internal::kKnownPagePrefix, visit);
          });
      if (!pages.ok()) return pages.status();
      if (!pages->empty()) {
        audit.findings_.push_back(absl::StrCat(
            "the ", source.what, " is damaged (at size ", trusted.size, ", ",
            *pages, "); queries with known_at replay the records instead"));
        continue;
      }
    }
    audit.audited_.push_back({std::string(source.what), trusted.size,
                              std::string(trusted.state_sha256),
                              source.digest});
  }
  std::stable_sort(
      audit.audited_.begin(), audit.audited_.end(),
      [](const Audited& a, const Audited& b) { return a.size < b.size; });
  return audit;
}

void SnapshotAudit::Observe(const Projector& replayed) {
  const uint64_t size = replayed.size();
  for (; next_ < audited_.size() && audited_[next_].size <= size; ++next_) {
    const Audited& entry = audited_[next_];
    if (entry.size < size) continue;  // passed without being shown
    if ((replayed.*entry.digest)() != entry.state_sha256) {
      findings_.push_back(
          absl::StrCat("the ", entry.what, " at size ", entry.size,
                       " differs from a replay of the records it covers, "
                       "although its SHA-256 matches"));
    }
  }
}

std::string SnapshotAudit::Findings() const {
  return absl::StrJoin(findings_, "; ");
}

absl::StatusOr<std::string> AuditSnapshot(const EventLog& log) {
  absl::StatusOr<SnapshotAudit> audit = SnapshotAudit::Prepare(log);
  if (!audit.ok()) return audit.status();
  // One replay serves both, stopping at each stored size in turn.
  Projector replayed;
  for (uint64_t size : audit->sizes()) {
    absl::Status folded =
        log.Scan(replayed.size(), size, [&](const v1::StoredRecord& record) {
          // A malformed event counts but adds nothing, in the snapshot too.
          absl::Status added = replayed.Add(record);
          return absl::IsInvalidArgument(added) ? absl::OkStatus() : added;
        });
    // Records that cannot be replayed (unreadable, or a seq that is not
    // their place) are damage the integrity check names.
    if (absl::IsDataLoss(folded) || absl::IsFailedPrecondition(folded)) break;
    if (!folded.ok()) return folded;
    audit->Observe(replayed);
  }
  return audit->Findings();
}

std::vector<uint64_t> SnapshotAudit::sizes() const {
  std::vector<uint64_t> out;
  for (const Audited& entry : audited_) out.push_back(entry.size);
  return out;
}

absl::StatusOr<SnapshotWrite> RefreshSnapshots(EventLog& log,
                                               const SnapshotOptions& options) {
  const uint64_t every = options.every_events == 0 ? 1 : options.every_events;
  const uint64_t log_size = log.Size();
  // Decide from the headers alone, so a refresh with nothing to do costs
  // small reads and root computations, not reading or decoding a state.
  absl::StatusOr<uint64_t> covered = Covered(log, log_size, kHeaderKey);
  if (!covered.ok()) return covered.status();
  absl::StatusOr<uint64_t> queried = Covered(log, log_size, kQueryHeaderKey);
  if (!queried.ok()) return queried.status();
  absl::StatusOr<uint64_t> known = Covered(log, log_size, kKnownHeaderKey);
  if (!known.ok()) return known.status();
  const bool full = log_size - *covered >= every;
  const bool query =
      log_size > 0 && (*queried != log_size || *known != log_size);
  if (!full && !query) return SnapshotWrite{false, *covered, 0, 0, ""};
  absl::StatusOr<LoadedProjector> loaded = LoadProjector(log);
  if (!loaded.ok()) return loaded.status();
  absl::StatusOr<SnapshotWrite> write =
      Put(log, loaded->projector, loaded->tail_events,
          std::move(loaded->ignored), full, query);
  if (write.ok() && !write->written) write->size = *covered;
  return write;
}

absl::StatusOr<SnapshotWrite> WriteSnapshot(EventLog& log) {
  absl::StatusOr<LoadedProjector> loaded = LoadProjector(log);
  if (!loaded.ok()) return loaded.status();
  return Put(log, loaded->projector, loaded->tail_events,
             std::move(loaded->ignored), true, true);
}

absl::StatusOr<SnapshotWrite> RebuildSnapshots(EventLog& log) {
  if (absl::Status s = log.ClearDerived(); !s.ok()) return s;
  Projector projector;
  if (absl::Status s = FoldTail(log, log.Size(), &projector); !s.ok()) {
    return s;
  }
  return Put(log, projector, projector.size(), "", true, true);
}

absl::StatusOr<SnapshotWrite> RebuildSnapshotsFrom(EventLog& log,
                                                   const Projector& projector) {
  if (projector.size() != log.Size()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the projector holds ", projector.size(),
                     " records, the log ", log.Size()));
  }
  if (absl::Status s = log.ClearDerived(); !s.ok()) return s;
  return Put(log, projector, projector.size(), "", true, true);
}

}  // namespace fundlog::ledger
