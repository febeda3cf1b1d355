// SIE 4 import: a streamed SIE file becomes fundlog events, in batches.
//
// What each SIE label becomes (SIE 4B, SIE-Gruppen 2008-09-30):
//   #FNAMN/#ORGNR  a FundEstablished for the fund, unless the log has it;
//   #KONTO/#KTYP   AccountsDefined, id "<fund>:<number>", number = the SIE
//                  number. Type from #KTYP (T asset, S liability, K expense,
//                  I income) or, without it, from the BAS ranges: 1xxx
//                  asset, 20xx equity, other 2xxx liability, 3xxx income,
//                  4xxx-9xxx expense, anything else asset. Accounts the log
//                  already defines are not defined again;
//   #IB 0          one OpeningBalances at #RAR 0's first day for accounts
//                  new to the log; for accounts the log already has, a
//                  BalanceAsserted on the day before (the previous year's
//                  closing must match). When it does not sum to zero (results
//                  never closed into equity) a derived row on F:209999,
//                  itemised from #RES -1 and #IB -1, balances it;
//   #UB 0, #RES 0  BalanceAsserted at the balance day (#RAR 0's last day,
//                  or #OMFATTN/#GEN for a mid-year export, never before a
//                  voucher), natural sign; #RES only for result accounts
//                  new to the log;
//   #VER { }       a Voucher: effective = voucher date, recorded_on =
//                  registration date (else the voucher date), rows from
//                  #TRANS and #RTRANS; a #TRANS that repeats the #RTRANS
//                  before it (same account and amount) is its twin and is
//                  not counted twice; #BTRANS (a removed row) is not booked;
//   #KSUMMA        checked (see sie_text.h); an opening one without a
//                  closing one means the file was truncated.
// Types 1-3 hold balances without vouchers: the year's movement becomes one
// derived voucher (series "derived") from the stated #UB 0/#RES 0 less #IB 0.
// An account used without #KONTO is defined from its number with a finding;
// a file with no #KONTO at all needs a log that holds its accounts. #PSALDO,
// #PBUDGET, #OIB/#OUB are counted in a note, not imported; unknown labels
// are ignored. The encoding is detected from the bytes (sie_encoding.h).
// Amounts are decimal kronor with at most two decimals; dates YYYYMMDD.
// Everything derived or found is a sentence in ImportSummary::notes.
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_FORMATS_SIE_SIE_IMPORT_H_
#define FUNDLOG_CORE_FORMATS_SIE_SIE_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::sie {

// Vouchers per emitted batch: what the converter holds at once (core/ingest
// stages each batch into one session; docs/ingest.md).
inline constexpr int kVouchersPerBatchDefault = 2000;

// An account the log already holds, with its exact balance at the end of a
// day, debit positive (what an SIE #IB of that account would say).
struct KnownBalance {
  v1::AccountType type = v1::ACCOUNT_TYPE_UNSPECIFIED;
  int64_t debit_ore = 0;
  bool exact = true;  // false: the log holds a range; not used
};
// The fund's accounts' balances at the end of `day`, by account id.
using BalancesAt = std::function<
    absl::StatusOr<absl::flat_hash_map<std::string, KnownBalance>>(
        const std::string& fund_id, absl::CivilDay day)>;

struct ImportOptions {
  std::string display_name;  // the file as messages name it
  std::string fund_id;       // empty: "sie-<ORGNR digits>", else "sie"
  // Funds the log already establishes.
  absl::flat_hash_set<std::string> known_funds;
  // Account ids the log already defines.
  absl::flat_hash_set<std::string> known_accounts;
  // The file's hex SHA-256 (for event ids and sources); empty on a first,
  // checking pass.
  std::string file_sha256;
  int vouchers_per_batch = kVouchersPerBatchDefault;
  // Import a type 4 file whose #UB/#RES contradict its #IB and vouchers,
  // keeping each contradiction as a failing balance assertion (a finding
  // for `verify`), instead of refusing it.
  bool accept_findings = false;
  // When the file opens a year whose accounts the log already holds (the
  // next year of the same company), the log's balances the day before: the
  // year-end closing the file's #IB 0 implies is derived from them. Null:
  // no closing is derived.
  BalancesAt balances_at;
};

struct ImportSummary {
  int sie_type = 0;
  std::string fund_id;
  std::string file_sha256;  // hex SHA-256 of the file's bytes
  uint64_t bytes = 0;
  uint64_t lines = 0;
  uint64_t vouchers = 0;
  uint64_t rows = 0;
  uint64_t events = 0;
  uint64_t skipped_empty_vouchers = 0;  // #VER blocks without rows
  bool checksum_checked = false;        // the file carried #KSUMMA
  // The encoding detected from the bytes (sie_encoding.h), e.g. "CP437",
  // and the one #FORMAT declares ("PC8" when it says nothing else).
  std::string encoding;
  std::string declared_format;
  uint64_t replacement_characters = 0;  // U+FFFD already in the input
  // What the import derived or found, in sentences, one per entry: derived
  // rows and their itemisation, accounts used without #KONTO, labels the
  // specification does not allow in the file's type. Printed by `import`.
  std::vector<std::string> notes;
};

// Receives each batch of events, in order. A non-OK status stops the import
// and is returned unchanged.
using BatchSink = std::function<absl::Status(v1::EventBatch&&)>;

// Reads the SIE file at `path` line by line and calls `sink` per batch.
// kInvalidArgument "FILE:LINE: reason" for anything the file gets wrong (a
// voucher whose rows do not sum to zero names the voucher); kNotFound when
// the file cannot be opened; kInternal when reading it fails after it opened
// (an I/O error) or the SHA-256 digest fails. Batches already passed to
// `sink` stay passed: core/ingest stages them in one transaction.
absl::StatusOr<ImportSummary> ReadSieFile(const std::string& path,
                                          const ImportOptions& options,
                                          const BatchSink& sink);

// The hex SHA-256 of the file at `path`, read in chunks (nothing parsed):
// what an import needs before its first event. kNotFound when the file
// cannot be opened; kInternal on a read or digest failure.
absl::StatusOr<std::string> HashSieFile(const std::string& path);

// As ReadSieFile, over bytes in memory (for tests and fuzzing).
absl::StatusOr<ImportSummary> ReadSieBytes(absl::string_view bytes,
                                           const ImportOptions& options,
                                           const BatchSink& sink);

// Whether `path` names an SIE file by its extension (.se, .si, any case).
bool IsSieFileName(absl::string_view path);

}  // namespace fundlog::sie

#endif  // FUNDLOG_CORE_FORMATS_SIE_SIE_IMPORT_H_
