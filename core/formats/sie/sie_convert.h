// Internal to the SIE import: turns tokenized SIE lines into events. See
// sie_import.h for what each label becomes.
//
// Thread-compatible: one Converter per file.
#ifndef FUNDLOG_CORE_FORMATS_SIE_SIE_CONVERT_H_
#define FUNDLOG_CORE_FORMATS_SIE_SIE_CONVERT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "core/formats/sie/sie_import.h"
#include "core/formats/sie/sie_text.h"
#include "google/protobuf/arena.h"

namespace fundlog::sie::internal {

// Whether `number` is a non-empty string of digits (SIE 4B: kontonr).
bool IsAccountNumber(absl::string_view number);
// "-12.5" -> -1250 öre. kInvalidArgument for anything but an optional sign,
// digits and at most two decimals, or a value beyond int64 öre.
absl::StatusOr<int64_t> ParseAmount(absl::string_view text);
// "20110107" -> 2011-01-07. kInvalidArgument unless 8 digits of a real day.
absl::StatusOr<absl::CivilDay> ParseSieDay(absl::string_view text);
// The account type the BAS number ranges imply (see sie_import.h).
v1::AccountType TypeFromNumber(absl::string_view number);
// "YYYY-MM-DD".
std::string DayText(absl::CivilDay day);
// öre as "-12.50".
std::string Kronor(int64_t ore);
// Debit-positive SIE amount to the natural sign of an account of `type`.
int64_t NaturalSign(v1::AccountType type, int64_t debit_positive);

// The account fundlog books a derived unclosed result on: numeric, so an
// SIE export of the log re-imports, in the 20xx equity range, and of six
// digits so that no BAS chart (four digits) uses it. Its name says it is
// derived.
inline constexpr char kDerivedResultNumber[] = "209999";
inline constexpr char kDerivedResultName[] =
    "Härlett: tidigare års resultat ej bokat mot eget kapital (fundlog, ej i "
    "SIE-filen)";

// Empties a voucher's event for the next voucher, keeping the storage of its
// strings and rows (Event::Clear on an arena drops them).
void ResetVoucherEvent(v1::Event* event);

class Converter {
 public:
  Converter(const ImportOptions& options, const BatchSink& sink,
            ImportSummary* summary);

  // Feeds line number `line_no`. Errors carry no file:line prefix (the
  // caller adds it) except where they name another line.
  absl::Status Feed(uint64_t line_no, const Line& line);
  // After the last line: checks that blocks and #KSUMMA are closed and
  // emits the remaining events.
  absl::Status Finish();

  bool in_checksum() const { return checksum_open_ && !checksum_closed_; }
  void set_checksum_value(uint32_t crc) { crc_ = crc; }

 private:
  struct AccountInfo {
    std::string name;
    v1::AccountType type = v1::ACCOUNT_TYPE_UNSPECIFIED;
    bool known_before = false;  // defined by the log before this file
    bool defined = false;       // #KONTO seen in this file
    std::string id;             // AccountId(number), once asked for
  };
  struct Pending {  // an #RTRANS waiting for its twin #TRANS
    std::string account;
    int64_t amount = 0;
  };

  absl::Status Header(const Line& line);
  absl::Status Balance(const Line& line, bool opening, bool result);
  absl::Status StartVoucher(uint64_t line_no, const Line& line);
  absl::Status Row(const Line& line, bool added);
  absl::Status EndVoucher();
  absl::Status AddRow(const std::string& number, int64_t amount,
                      const Line& line);
  absl::Status Flush(bool force);
  // A fresh arena with an empty batch and voucher.
  void NewArena();
  // After a Flush: the batch's events become spares for the next vouchers
  // (their strings keep their buffers), or a fresh arena starts when this
  // one has grown past kArenaBytesMax.
  void ReuseBatch();
  // An event on arena_ for the next voucher: a spare, else a new one.
  v1::Event* SpareEvent();
  absl::Status CheckClosing();
  absl::Status DerivedMovement();
  absl::Status PeriodBalance(const Line& line);
  absl::Status DerivedMonths();
  absl::Status OpeningDifference(v1::Event* opening);
  absl::Status UsedAccounts();
  // #OIB 0, #OUB 0 and #PSALDO 0 with objects, and fundlog's own
  // #FUNDLOG_OBJEKTSALDO (sie_objects.cc): kept per object, never added to
  // the account's figure.
  absl::Status ObjectFigure(const Line& line);
  // After the accounts' own events: checks the per-object figures against
  // the accounts' (findings, never fixes) and emits ObjectBalances events.
  absl::Status ObjectFigures();
  // #PSALDO 0 YYYYMM konto {} saldo: the account's month, for the checks.
  void PeriodTotal(const Line& line);
  absl::Status DerivedYearEndClosing();
  void NoteFormat();
  void LongNumber(absl::string_view number);
  absl::Status NotANumber(absl::string_view label, absl::string_view number);
  // The account `number` a balance or row uses: defined by the file or the
  // log, or else defined now with a finding (see sie_import.h). Refuses an
  // empty or non-numeric number.
  absl::StatusOr<AccountInfo*> Use(absl::string_view number,
                                   absl::string_view label);
  // The day #UB 0/#RES 0 are stated for: #RAR 0's last day, or earlier for
  // a file exported mid-year (#OMFATTN, else #GEN), never before a voucher.
  absl::CivilDay BalanceDay() const;
  void EmitHeader(absl::CivilDay first_day);
  v1::Event* NewEvent(const std::string& id_suffix);
  // Sets the event id (from the file's hash and `id_suffix`), the fund and
  // the source every event of this file carries.
  void FillEnvelope(absl::string_view id_suffix, v1::Event* event);
  void ResolveFund();
  std::string AccountId(absl::string_view number) const;
  AccountInfo* Lookup(absl::string_view number);

  const ImportOptions& options_;
  const BatchSink& sink_;
  ImportSummary* summary_;

  std::string fund_id_;
  std::string id_prefix_;  // "sie-<sha16>-", set with the first event
  std::string title_;      // "SIE file <name>"
  std::string company_name_;
  std::string org_number_;
  std::string program_;
  std::optional<absl::CivilDay> generated_;
  std::optional<absl::CivilDay> year_start_;
  std::optional<absl::CivilDay> year_end_;
  std::optional<absl::CivilDay> scope_day_;         // #OMFATTN
  std::optional<absl::CivilDay> last_voucher_day_;  // within #RAR 0
  std::string first_empty_voucher_;          // "#VER A 1 (line 9)", if any
  int accounts_defined_by_file_ = 0;         // #KONTO lines
  std::vector<std::string> used_undefined_;  // used without #KONTO
  // Year -1 and the year's own stated figures (debit positive).
  absl::flat_hash_map<std::string, int64_t> closing_previous_;  // #UB -1
  int64_t opening_previous_sum_ = 0;                            // #IB -1 summed
  bool has_opening_previous_ = false;
  std::map<std::string, uint64_t> ignored_;  // labels read, not imported
  // #DIM and #OBJEKT not yet written (with the next AccountsDefined).
  std::vector<v1::Dimension> dimensions_;
  std::vector<v1::DimensionObject> objects_;
  // Equity account ids the derived year-end closing sets (DerivedYearEnd-
  // Closing): their #IB 0 is the closing's row, not an assertion.
  absl::flat_hash_set<std::string> closed_equity_;
  // #PSALDO 0 account totals by period YYYYMM (types 2-3).
  std::map<int, std::vector<std::pair<std::string, int64_t>>> periods_;
  int months_posted_ = 0;
  // Per-object figures by (ObjectBalances.Kind, period YYYYMM or 0), and
  // the day a fundlog export states an opening/closing one for (else 0).
  struct ObjectRow {
    std::string account;  // the number, as in the file
    std::vector<std::pair<std::string, std::string>> objects;  // sorted
    int64_t amount = 0;                                        // debit positive
  };
  std::map<std::pair<int, int>, std::vector<ObjectRow>> object_figures_;
  std::map<std::pair<int, int>, absl::CivilDay> object_days_;
  // #PSALDO 0 account totals (empty object list) by (YYYYMM, number).
  std::map<std::pair<int, std::string>, int64_t> period_totals_;
  bool seen_type_ = false;
  bool own_export_ = false;  // #PROGRAM fundlog
  int long_numbers_ = 0;     // accounts of more than six digits
  bool header_emitted_ = false;

  absl::flat_hash_map<std::string, AccountInfo> accounts_;
  std::vector<std::string> undefined_accounts_;  // #KONTO not yet emitted
  std::vector<std::pair<std::string, int64_t>> opening_;  // #IB 0
  bool has_previous_result_ = false;
  bool opening_known_before_ = false;  // an #IB 0 account the log has
  int64_t previous_result_ = 0;        // #RES -1 summed, debit positive
  std::vector<v1::Event> closing_;     // assertions, emitted at the end
  // Per account number: #IB 0 plus voucher rows (debit positive).
  absl::flat_hash_map<std::string, int64_t> sums_;

  // The open #VER, if any.
  bool in_voucher_ = false;
  bool block_open_ = false;
  uint64_t voucher_line_ = 0;
  absl::CivilDay voucher_day_;
  v1::Event* voucher_ = nullptr;  // on arena_
  int64_t voucher_sum_ = 0;
  std::optional<Pending> pending_;

  bool checksum_open_ = false;
  bool checksum_closed_ = false;
  uint32_t crc_ = 0;

  // The events of one batch, and the open voucher, live on one arena,
  // dropped whole at each Flush: no allocation per protobuf field.
  // Its events are reused after a Flush (ReuseBatch) rather than dropped:
  // a reused event's strings keep their buffers, so a steady stream of
  // vouchers allocates nothing per field.
  static constexpr size_t kArenaBytesMax = 64u << 20;
  std::unique_ptr<google::protobuf::Arena> arena_;
  std::vector<v1::Event*> spare_events_;  // on arena_, emptied by the next use
  v1::EventBatch* batch_ = nullptr;       // on arena_
  int batch_vouchers_ = 0;
  size_t batch_bytes_ = 0;
};

}  // namespace fundlog::sie::internal

#endif  // FUNDLOG_CORE_FORMATS_SIE_SIE_CONVERT_H_
