// fundlog::ledger: balances, statements, totals and checks derived from the
// log's records under a view of the accounting-policy timeline.
//
// Facts are never changed by a view: postings are derived per query. A fact
// known only for a period, or a transition whose day is unknown, yields a
// balance range [min, max], the tightest this engine can prove (see
// projector.h for where the hull can be looser than the exact set). Amounts
// are int64 öre in each account's natural sign: ASSET and EXPENSE accounts as
// debits - credits, LIABILITY, EQUITY and INCOME as credits - debits. A fact
// that states no amount (a budget-frame use without one) posts nothing;
// Totals counts it as `unstated`.
//
// Every function takes the log's records in sequence order (seq 0, 1, ...).
// Thread-safe: free functions without shared state.
#ifndef FUNDLOG_CORE_LEDGER_LEDGER_H_
#define FUNDLOG_CORE_LEDGER_LEDGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::ledger {

// reported: policies as applied over time, with their transitions.
// without-change: the first policy throughout; transitions tied to later
//   changes are not applied.
// restated: the latest policy from the beginning; no tied transitions.
enum class View { kReported, kWithoutChange, kRestated };
inline constexpr View kAllViews[] = {View::kReported, View::kWithoutChange,
                                     View::kRestated};

// "reported", "without-change" or "restated"; kInvalidArgument otherwise.
absl::StatusOr<View> ParseView(absl::string_view name);
// The name ParseView accepts.
absl::string_view ViewName(View view);

// One account's balance. min_ore == max_ore when exact. When the facts
// contradict a declared bound (the range would be empty), the range is the
// one before narrowing and bound_contradicted is set.
struct AccountRange {
  std::string account;  // Account.id
  std::string name;     // Account.name, empty for an undefined account
  int64_t min_ore = 0;
  int64_t max_ore = 0;
  bool bound_contradicted = false;
};

// as_of: end of that day. known_at: only events recorded on or before it
// (and corrections as of it); unset: everything. fund_id empty: all funds.
struct BalanceQuery {
  absl::CivilDay as_of;
  std::optional<absl::CivilDay> known_at;
  View view = View::kReported;
  std::string fund_id;
};

// Accounts from AccountsDefined (of the fund, or of all funds), plus any
// account posted to, sorted by (account number, id); unposted ones 0/0.
// kInvalidArgument for a malformed record (named by seq and field),
// kFailedPrecondition for records out of sequence, kNotFound for a fund_id
// the log never names, kOutOfRange when a sum of input amounts overflows
// int64, kResourceExhausted when more than 4096 orderings of uncertain
// transitions in one fund would have to be weighed.
absl::StatusOr<std::vector<AccountRange>> Balances(
    absl::Span<const v1::StoredRecord> records, const BalanceQuery& query);

// A posting derived from one event under the query's view, as of its day:
// the event behind a figure. Amounts are ranges like balances; a voucher row
// names only one side. Sorted by seq, then accounts. Errors as Balances.
struct Posting {
  uint64_t seq = 0;
  std::string kind;  // payload field name, e.g. "use", "close_out"
  std::string debit_account;
  std::string credit_account;
  int64_t min_ore = 0;
  int64_t max_ore = 0;
};
absl::StatusOr<std::vector<Posting>> Postings(
    absl::Span<const v1::StoredRecord> records, const BalanceQuery& query);

// Statement for a calendar year: opening (as of the day before 1 January),
// movements by payload kind within the year, closing (as of 31 December).
// Movements are postings as made (a close-out's own movement is separate);
// only non-zero ones are listed, in account order then kind.
struct Movement {
  std::string account;
  std::string kind;
  int64_t min_ore = 0;
  int64_t max_ore = 0;
};
struct Statement {
  int year = 0;
  View view = View::kReported;
  std::vector<AccountRange> opening;
  std::vector<Movement> movements;
  std::vector<AccountRange> closing;
};
struct StatementQuery {
  int year = 0;
  View view = View::kReported;
  std::optional<absl::CivilDay> known_at;
  std::string fund_id;
};
// Errors as Balances.
absl::StatusOr<Statement> YearStatement(
    absl::Span<const v1::StoredRecord> records, const StatementQuery& query);

// Sum of the facts' amounts of one kind whose effective lies within
// [from, to]: exact when a fact's whole period lies inside, [0, amount] when
// it straddles a bound. close_out and guidelines_repealed amounts are what
// the view's projection moves (in the emptied account's natural sign).
// `unstated` counts facts of the kind in the period that give no amount.
struct KindTotal {
  std::string kind;
  int64_t min_ore = 0;
  int64_t max_ore = 0;
  int unstated = 0;
};
struct TotalsQuery {
  absl::CivilDay from;
  absl::CivilDay to;
  std::optional<absl::CivilDay> known_at;
  View view = View::kReported;
  std::string fund_id;
};
// One entry for each of allocation, use, repayment, budget_frame_use,
// close_out, guidelines_repealed, in that order. kInvalidArgument when
// to < from; otherwise errors as Balances.
absl::StatusOr<std::vector<KindTotal>> Totals(
    absl::Span<const v1::StoredRecord> records, const TotalsQuery& query);

// A verification finding: the event it concerns, a stable kind string and
// one sentence. Kinds: debits_credits, bound_contradicted, assertion_failed,
// seal_mismatch, invalid_event, out_of_sequence, unbalanced_voucher,
// undefined_account, undefined_policy, unknown_policy_change, query_failed.
struct Finding {
  uint64_t seq = 0;
  std::string kind;
  std::string detail;
};
// The outcome of one BalanceAsserted, held or not.
struct AssertionOutcome {
  uint64_t seq = 0;
  bool holds = false;
  bool exact = false;  // the balance it was checked against was exact
};
struct LedgerCheck {
  std::vector<Finding> findings;  // empty: the ledger verifies
  std::vector<AssertionOutcome> assertions;
};
// Replays the records and checks, under every view, that debits equal
// credits (0 lies in the summed range) at every year end and asserted date,
// every BalanceAsserted, every StatementSealed against the records it
// covered, and every declared bound. Never fails: problems are findings.
LedgerCheck CheckLedger(absl::Span<const v1::StoredRecord> records);

// Visits records in seq order; returns the first non-OK status a visitor
// returns (and stops there), or a storage error.
using RecordVisitor = std::function<absl::Status(const v1::StoredRecord&)>;
using RecordScan = std::function<absl::Status(const RecordVisitor&)>;

class Projector;

// Called by CheckLedgerScanned with its replay before each record is folded
// and once after the last, so that a caller can compare the replay's state
// at sizes of its choosing (verify: the stored snapshot and query state)
// without a replay of its own.
using ReplayObserver = std::function<void(const Projector&)>;

// CheckLedger over records read by `scan`, so the records need not be held
// in memory: memory is the projector's state, the seals that wait (below),
// and the names defined. One replay does everything: seals are compared
// when the replay reaches the size they cover, names when they are used
// (a name not yet defined waits until the end). `scan` is called once,
// plus once when a seal covers fewer records than precede it (its
// comparison needs a replay to that size; `seal` never appends such a
// seal). A record out of sequence stops the replay; the records after it
// still count for the seals and names. The same findings in the same order
// as CheckLedger. Errors: a storage error from `scan`.
absl::StatusOr<LedgerCheck> CheckLedgerScanned(
    const RecordScan& scan, const ReplayObserver& observe = nullptr);

// CheckLedgerScanned fed one record at a time by a caller that reads the
// records anyway (verify's integrity scan), so that each record is read and
// parsed once for both: Visit every record in seq order, then Finish once,
// with a scan of the same records for the second replay that a seal
// covering fewer records than precede it needs. Same findings, same order.
// Thread-compatible; Finish is the last call.
class LedgerChecker {
 public:
  explicit LedgerChecker(ReplayObserver observe = nullptr);
  ~LedgerChecker();
  LedgerChecker(const LedgerChecker&) = delete;
  LedgerChecker& operator=(const LedgerChecker&) = delete;

  void Visit(const v1::StoredRecord& record);
  absl::StatusOr<LedgerCheck> Finish(const RecordScan& scan);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// ComputeSeal from `projector` (its records are what the seal covers). On a
// light projector (Projector::FromQueryState) kFailedPrecondition where a
// balance needs the full state.
absl::StatusOr<v1::StatementSealed> SealFrom(const Projector& projector,
                                             absl::CivilDay as_of,
                                             const std::string& fund_id);

// The seal the log appends: balances as of `as_of` under each view,
// covering all `records`, of the accounts of `fund_id` (of every fund when
// empty; the seal records which). Errors as Balances.
absl::StatusOr<v1::StatementSealed> ComputeSeal(
    absl::Span<const v1::StoredRecord> records, absl::CivilDay as_of,
    const std::string& fund_id = "");

}  // namespace fundlog::ledger

#endif  // FUNDLOG_CORE_LEDGER_LEDGER_H_
