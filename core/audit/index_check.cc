#include "core/audit/index_check.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/store/key_format.h"

// SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP,
// whose digests allocate a context each (3.0): the low-level state can be
// copied instead, once the salt is in it.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace fundlog {
namespace {

// One SHA-256 block: the state after it is computed once per check.
constexpr size_t kSaltBytes = 64;
// An entry up to this size (key and value) is hashed from one buffer on
// the stack; with its 4-byte length and SHA-256's 9 bytes of padding, up to
// 51 bytes fit in the block after the salt's.
constexpr size_t kSmallEntryBytes = 51;
constexpr size_t kByDaySuffixBytes = keys::kDayBytes + keys::kU64Bytes;

std::string NameOf(char kind) {
  switch (kind) {
    case keys::kIndexEventId:
      return "event id";
    case keys::kIndexFund:
      return "fund";
    case keys::kIndexPolicy:
      return "policy";
    case keys::kIndexAccount:
      return "account";
    case keys::kIndexImportedFile:
      return "imported file";
    default:
      return absl::StrFormat("key kind 0x%02x", static_cast<uint8_t>(kind));
  }
}

bool IsPeriodKind(char kind) {
  return kind == keys::kIndexPeriodAll || kind == keys::kIndexPeriodFund;
}
bool IsAllFunds(char kind) {
  return kind == keys::kIndexAllByDay || kind == keys::kIndexPeriodAll;
}

// The bytes after the fund: [class,] day, seq.
size_t SuffixBytes(char kind) {
  return (IsPeriodKind(kind) ? 1 : 0) + kByDaySuffixBytes;
}

// "the index entry by day 2011-11-03 (all funds)" for an 'E' or 'F' key,
// "the index entry by length class 9 from 2011-11-03 ..." for 'L' or 'M'.
// The key is well formed (ByDaySeq).
std::string ByDayEntry(absl::string_view key) {
  const size_t suffix = SuffixBytes(key[0]);
  const absl::string_view day =
      key.substr(key.size() - kByDaySuffixBytes, keys::kDayBytes);
  const std::string what =
      IsPeriodKind(key[0]) ? absl::StrCat("index entry by length class ",
                                          static_cast<int>(static_cast<uint8_t>(
                                              key[key.size() - suffix])),
                                          " from ", day)
                           : absl::StrCat("index entry by day ", day);
  if (IsAllFunds(key[0])) return absl::StrCat(what, " (all funds)");
  return absl::StrCat(what, " of fund \"",
                      key.substr(1, key.size() - suffix - 2), "\"");
}

// The record an 'E', 'F', 'L' or 'M' key names, if the key is well formed.
std::optional<uint64_t> ByDaySeq(absl::string_view key) {
  const size_t suffix = SuffixBytes(key[0]);
  const size_t min = IsAllFunds(key[0]) ? 1 + suffix : 2 + suffix;
  if (key.size() < min) return std::nullopt;
  if (IsAllFunds(key[0]) && key.size() != min) return std::nullopt;
  if (!IsAllFunds(key[0]) && key[key.size() - suffix - 1] != '\0') {
    return std::nullopt;
  }
  return keys::DecodeU64(key.substr(key.size() - keys::kU64Bytes));
}

}  // namespace

IndexCheck::IndexCheck(const LogView& log) : log_(log) {
  std::random_device random;
  std::string salt;
  while (salt.size() < kSaltBytes) {
    const uint32_t word = random();
    salt.append(reinterpret_cast<const char*>(&word), sizeof(word));
  }
  salted_ = std::make_unique<SHA256_CTX>();
  SHA256_Init(salted_.get());
  SHA256_Update(salted_.get(), salt.data(), salt.size());
}

IndexCheck::~IndexCheck() = default;

void IndexCheck::Digest::Add(const std::array<uint8_t, 32>& hash) {
  uint64_t carry = 0;
  for (size_t lane = 0; lane < sum.size(); ++lane) {
    uint64_t word = 0;
    for (size_t i = 0; i < 8; ++i) word = (word << 8) | hash[lane * 8 + i];
    uint64_t out = 0;
    const bool over = __builtin_add_overflow(sum[lane], word, &out);
    const bool over_carry = __builtin_add_overflow(out, carry, &out);
    sum[lane] = out;
    carry = (over || over_carry) ? 1 : 0;
  }
  ++count;
}

int IndexCheck::Slot(char kind) {
  switch (kind) {
    case keys::kIndexAllByDay:
      return 0;
    case keys::kIndexFundByDay:
      return 1;
    case keys::kIndexEventId:
      return 2;
    case keys::kIndexPeriodAll:
      return 3;
    case keys::kIndexPeriodFund:
      return 4;
    default:
      return -1;
  }
}

std::array<uint8_t, 32> IndexCheck::EntryHash(absl::string_view key,
                                              absl::string_view value) const {
  // Length-prefixed, so that no (key, value) pair hashes as another; the
  // salt fills the first block, whose state is kept (salted_), so that an
  // entry of up to 51 bytes costs one compression of one block.
  SHA256_CTX ctx = *salted_;
  uint8_t prefix[4];
  for (int i = 0; i < 4; ++i) {
    prefix[i] = static_cast<uint8_t>(key.size() >> (24 - 8 * i));
  }
  std::array<uint8_t, 32> out;
  if (key.size() + value.size() <= kSmallEntryBytes) {
    uint8_t bytes[sizeof(prefix) + kSmallEntryBytes];
    std::memcpy(bytes, prefix, sizeof(prefix));
    std::memcpy(bytes + sizeof(prefix), key.data(), key.size());
    std::memcpy(bytes + sizeof(prefix) + key.size(), value.data(),
                value.size());
    SHA256_Update(&ctx, bytes, sizeof(prefix) + key.size() + value.size());
  } else {
    SHA256_Update(&ctx, prefix, sizeof(prefix));
    SHA256_Update(&ctx, key.data(), key.size());
    SHA256_Update(&ctx, value.data(), value.size());
  }
  SHA256_Final(out.data(), &ctx);
  return out;
}

void IndexCheck::Add(const v1::StoredRecord& record) {
  const uint64_t seq = record.seq();
  VisitIndexEntries(record.event(), seq, &key_buffer_,
                    [&](absl::string_view key, absl::string_view value) {
                      if (const int slot = Slot(key[0]); slot >= 0) {
                        expected_[slot].Add(EntryHash(key, value));
                        return;
                      }
                      auto it = named_.find(key);
                      if (it == named_.end()) {
                        named_.emplace(std::string(key), seq);
                        return;
                      }
                      if (key[0] != keys::kIndexFund) {
                        duplicates_.push_back(
                            {seq, kDuplicateDefinition,
                             absl::StrCat(NameOf(key[0]), " \"", key.substr(1),
                                          "\" is defined by records ",
                                          it->second, " and ", seq)});
                      }
                      it->second = seq;  // a fund may be established again
                    });
  const std::string& file = record.provenance().file_sha256();
  if (!file.empty()) {
    named_.try_emplace(keys::NamedKey(keys::kIndexImportedFile, file), seq);
  }
}

void IndexCheck::Report(std::vector<Finding>* findings, Finding finding) {
  if (reported_ >= kIndexFindingsMax) {
    ++suppressed_;
    return;
  }
  ++reported_;
  findings->push_back(std::move(finding));
}

absl::Status IndexCheck::Finish(bool records_damaged,
                                std::vector<Finding>* findings) {
  for (Finding& duplicate : duplicates_) Report(findings, duplicate);
  absl::Status scanned = log_.ScanIndex(
      [&](absl::string_view key, absl::string_view value) -> absl::Status {
        if (key.empty()) {
          Report(findings, {std::nullopt, kIndexMismatch,
                            "the index holds an entry with an empty key"});
        } else if (const int slot = Slot(key[0]); slot >= 0) {
          stored_[slot].Add(EntryHash(key, value));
        } else {
          return CompareNamed(key, value, findings);
        }
        return absl::OkStatus();
      });
  if (absl::IsDataLoss(scanned)) {
    Report(findings,
           {std::nullopt, kIndexMismatch,
            absl::StrCat("the index family is damaged (", scanned.message(),
                         "); `fundlog rebuild` derives it again "
                         "from the records")});
    return absl::OkStatus();
  }
  if (!scanned.ok()) return scanned;
  // What the records imply and the index lacks, in key order.
  std::vector<std::pair<std::string, uint64_t>> missing(named_.begin(),
                                                        named_.end());
  std::sort(missing.begin(), missing.end());
  for (const auto& [key, seq] : missing) {
    Report(findings,
           {seq, kIndexMismatch,
            absl::StrCat("the index has no entry for ", NameOf(key[0]), " \"",
                         key.substr(1), "\" (record ", seq, ")")});
  }
  std::array<bool, kSlots> differs;
  for (size_t slot = 0; slot < differs.size(); ++slot) {
    differs[slot] = !(expected_[slot] == stored_[slot]);
  }
  if (std::find(differs.begin(), differs.end(), true) != differs.end()) {
    const size_t before = reported_ + suppressed_;
    if (absl::Status s = LookUpExpected(differs, findings); !s.ok()) return s;
    if (absl::Status s = ExplainStored(differs, findings); !s.ok()) return s;
    if (reported_ + suppressed_ == before && !records_damaged) {
      Report(findings, {std::nullopt, kIndexMismatch,
                        "the index's entries by day or by event id differ "
                        "from what the records imply"});
    }
  }
  if (suppressed_ > 0) {
    findings->push_back({std::nullopt, kIndexMismatch,
                         absl::StrCat("and ", suppressed_,
                                      " more index differences not listed")});
  }
  return absl::OkStatus();
}

absl::Status IndexCheck::CompareNamed(absl::string_view key,
                                      absl::string_view value,
                                      std::vector<Finding>* findings) {
  const std::string what =
      absl::StrCat(NameOf(key[0]), " \"", key.substr(1), "\"");
  const std::optional<uint64_t> named = keys::DecodeU64(value);
  auto it = named_.find(key);
  if (it == named_.end()) {
    if (named) {
      absl::StatusOr<std::optional<v1::StoredRecord>> record =
          ReadIntact(*named);
      if (!record.ok()) return record.status();
      if (!record->has_value() && *named < log_.Size()) {
        return absl::OkStatus();  // the record is damaged: integrity says so
      }
    }
    Report(findings, {named, kIndexMismatch,
                      absl::StrCat("the index has an entry for ", what,
                                   ", which no record implies")});
    return absl::OkStatus();
  }
  if (named != it->second) {
    Report(findings, {it->second, kIndexMismatch,
                      absl::StrCat("the index entry for ", what, " names ",
                                   named ? absl::StrCat("record ", *named)
                                         : std::string("no readable record"),
                                   ", not record ", it->second)});
  }
  named_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::StoredRecord>> IndexCheck::ReadIntact(
    uint64_t seq) {
  if (seq >= log_.Size()) return std::nullopt;
  absl::StatusOr<std::string> bytes = log_.ReadRaw(seq);
  if (absl::IsDataLoss(bytes.status()) || absl::IsNotFound(bytes.status())) {
    return std::nullopt;
  }
  if (!bytes.ok()) return bytes.status();
  v1::StoredRecord record;
  if (!record.ParseFromString(*bytes) || record.seq() != seq) {
    return std::nullopt;
  }
  return record;
}

// Looks up each entry the records imply, for the kinds whose sums differ:
// names entries that are missing and event ids held by two records.
absl::Status IndexCheck::LookUpExpected(const std::array<bool, kSlots>& differs,
                                        std::vector<Finding>* findings) {
  v1::StoredRecord record;
  v1::StoredRecord other;
  return log_.ScanStored([&](uint64_t seq,
                             absl::string_view bytes) -> absl::Status {
    if (seq >= log_.Size() ||
        !record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
        record.seq() != seq) {
      return absl::OkStatus();
    }
    entries_.clear();
    AddIndexEntries(record.event(), seq, &entries_);
    for (const auto& [key, value] : entries_) {
      const int slot = Slot(key[0]);
      if (slot < 0 || !differs[slot]) continue;
      absl::StatusOr<std::optional<std::string>> stored =
          log_.GetIndexEntry(key);
      if (absl::IsDataLoss(stored.status())) continue;  // reported by a scan
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) {
        Report(
            findings,
            {seq, kIndexMismatch,
             key[0] == keys::kIndexEventId
                 ? absl::StrCat("the index has no entry for event id \"",
                                record.event().event_id(), "\" of record ", seq,
                                ": an append would accept a second event "
                                "with that id")
                 : absl::StrCat("the ", ByDayEntry(key), " of record ", seq,
                                " is missing: queries by date no longer "
                                "see the record")});
        continue;
      }
      if (key[0] != keys::kIndexEventId || **stored == value) continue;
      // Another record holds the id in the index: a duplicate if that record
      // really carries the id (otherwise ExplainStored names the entry).
      const std::optional<uint64_t> holder = keys::DecodeU64(**stored);
      if (!holder) continue;
      absl::StatusOr<std::optional<v1::StoredRecord>> held =
          ReadIntact(*holder);
      if (!held.ok()) return held.status();
      if (held->has_value() &&
          (*held)->event().event_id() == record.event().event_id()) {
        Report(findings,
               {std::max(seq, *holder), kDuplicateEventId,
                absl::StrCat("event id \"", record.event().event_id(),
                             "\" is held by records ", std::min(seq, *holder),
                             " and ", std::max(seq, *holder))});
      }
    }
    return absl::OkStatus();
  });
}

// Reads each stored entry of the kinds whose sums differ: names entries no
// record implies (extra or altered ones).
absl::Status IndexCheck::ExplainStored(const std::array<bool, kSlots>& differs,
                                       std::vector<Finding>* findings) {
  absl::Status scanned = log_.ScanIndex(
      [&](absl::string_view key, absl::string_view value) -> absl::Status {
        if (key.empty()) return absl::OkStatus();
        const int slot = Slot(key[0]);
        if (slot < 0 || !differs[slot]) return absl::OkStatus();
        return ExplainStoredEntry(key, value, findings);
      });
  return absl::IsDataLoss(scanned) ? absl::OkStatus() : scanned;
}

absl::Status IndexCheck::ExplainStoredEntry(absl::string_view key,
                                            absl::string_view value,
                                            std::vector<Finding>* findings) {
  const bool by_id = key[0] == keys::kIndexEventId;
  const std::optional<uint64_t> seq =
      by_id ? keys::DecodeU64(value) : ByDaySeq(key);
  const std::string what =
      by_id
          ? absl::StrCat("the index entry for event id \"", key.substr(1), "\"")
          : (seq ? absl::StrCat("the ", ByDayEntry(key)) : "");
  if (!seq) {
    Report(findings,
           {std::nullopt, kIndexMismatch,
            by_id ? absl::StrCat(what, " does not hold a record number")
                  : "the index holds an entry by day with a malformed key"});
    return absl::OkStatus();
  }
  if (*seq >= log_.Size()) {
    Report(findings, {*seq, kIndexMismatch,
                      absl::StrCat(what, " names record ", *seq,
                                   ", which is beyond the log's size")});
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::StoredRecord>> record = ReadIntact(*seq);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return absl::OkStatus();  // integrity names it
  entries_.clear();
  AddIndexEntries((*record)->event(), *seq, &entries_);
  auto implied =
      std::find_if(entries_.begin(), entries_.end(),
                   [&](const IndexEntry& e) { return e.first == key; });
  if (implied == entries_.end()) {
    Report(findings,
           {*seq, kIndexMismatch,
            by_id ? absl::StrCat(what, " names record ", *seq,
                                 ", whose event id is \"",
                                 (*record)->event().event_id(), "\"")
                  : absl::StrCat(what, " names record ", *seq,
                                 ", which begins on ",
                                 IndexDay((*record)->event()), " in fund \"",
                                 (*record)->event().fund_id(), "\"")});
  } else if (!by_id && implied->second != value) {
    Report(findings,
           {*seq, kIndexMismatch,
            implied->second.empty()
                ? absl::StrCat(what, " of record ", *seq,
                               " holds a value; it must be empty")
                : absl::StrCat(what, " of record ", *seq, " holds \"", value,
                               "\"; the record's period ends on ",
                               implied->second)});
  }
  return absl::OkStatus();
}

}  // namespace fundlog
