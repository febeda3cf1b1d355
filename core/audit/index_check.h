// Checks the stored `index` family against the records: every entry the
// records imply is there with the right value, and nothing else is. Event
// ids are unique (an id held by two records is named).
//
// Bounded memory; nothing allocated per record in the common case. Entries by
// day ('E', 'F'), by event id ('I') and periods by length class ('L', 'M'), one
// or more per record, are compared as multisets through a sum of salted SHA-256
// hashes (the salt is drawn afresh for each check, so damage cannot be shaped
// to cancel out); only when the sums differ are they looked up one by one to
// name what differs. Entries per fund, policy, account and imported file ('U',
// 'P', 'A', 'H') are few and compared exactly.
//
// Thread-compatible; reads only; must not outlive the LogView.
#ifndef FUNDLOG_CORE_AUDIT_INDEX_CHECK_H_
#define FUNDLOG_CORE_AUDIT_INDEX_CHECK_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/audit/integrity.h"
#include "core/ledger/index_entries.h"
#include "core/store/event_log.h"
#include "fundlog/v1/events.pb.h"

struct SHA256state_st;  // OpenSSL's SHA256_CTX

namespace fundlog {

// The finding kinds this check makes.
inline constexpr char kIndexMismatch[] = "index_mismatch";
inline constexpr char kDuplicateEventId[] = "duplicate_event_id";
inline constexpr char kDuplicateDefinition[] = "duplicate_definition";

// Findings named one by one at most; the rest are counted in one more.
inline constexpr size_t kIndexFindingsMax = 100;

class IndexCheck {
 public:
  explicit IndexCheck(const LogView& log);
  ~IndexCheck();

  // Adds the entries `record` implies. Records come in seq order, each
  // carrying its own seq (CheckIntegrity's observer guarantees both).
  void Add(const v1::StoredRecord& record);

  // Compares with the stored index and appends findings. A damaged index
  // file is a finding. Entries naming a damaged or missing record are left
  // to the integrity findings that name the record; `records_damaged` says
  // there are such findings. Non-OK only for storage errors other than
  // damage.
  absl::Status Finish(bool records_damaged, std::vector<Finding>* findings);

 private:
  // A multiset of entries as a sum, modulo 2^256, of their salted hashes.
  struct Digest {
    std::array<uint64_t, 4> sum{};
    uint64_t count = 0;
    void Add(const std::array<uint8_t, 32>& hash);
    bool operator==(const Digest& other) const {
      return sum == other.sum && count == other.count;
    }
  };
  static constexpr size_t kSlots = 5;  // 'E', 'F', 'I', 'L', 'M'
  static int Slot(char kind);          // 0..kSlots-1 for those; -1 otherwise
  std::array<uint8_t, 32> EntryHash(absl::string_view key,
                                    absl::string_view value) const;
  void Report(std::vector<Finding>* findings, Finding finding);
  // Record `seq` as stored; nullopt when it is missing, unparsable, or
  // carries another seq (damage integrity reports).
  absl::StatusOr<std::optional<v1::StoredRecord>> ReadIntact(uint64_t seq);
  absl::Status CompareNamed(absl::string_view key, absl::string_view value,
                            std::vector<Finding>* findings);
  absl::Status LookUpExpected(const std::array<bool, kSlots>& differs,
                              std::vector<Finding>* findings);
  absl::Status ExplainStored(const std::array<bool, kSlots>& differs,
                             std::vector<Finding>* findings);
  absl::Status ExplainStoredEntry(absl::string_view key,
                                  absl::string_view value,
                                  std::vector<Finding>* findings);

  const LogView& log_;
  // SHA-256 after the check's random salt (one block). The low-level API:
  // EVP allocates per digest in OpenSSL 3.0, about a tenth of verify's time.
  std::unique_ptr<SHA256state_st> salted_;
  std::string key_buffer_;  // VisitIndexEntries's
  std::vector<IndexEntry> entries_;
  std::array<Digest, kSlots> expected_;
  std::array<Digest, kSlots> stored_;
  // Key -> the record it must name ('U', 'P', 'A': the last definer, as
  // append and rebuild leave it; 'H': the first record of the file).
  absl::flat_hash_map<std::string, uint64_t> named_;
  std::vector<Finding> duplicates_;
  size_t reported_ = 0;
  size_t suppressed_ = 0;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_INDEX_CHECK_H_
