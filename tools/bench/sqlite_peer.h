// The SQLite peer of the benchmarks (bench-only, Debian libsqlite3-dev): what
// an auditor's IT department would build instead of fundlog. Each money fact
// of a log (allocation, use, repayment, budget_frame_use) becomes two posting
// rows (debit account +amount, credit account -amount) under the posting
// rules of the first policy its fund applies (fundlog's "without-change"
// view), with an index on (fund, account, day); corrections become versions
// that close the rows they supersede (superseded_on). WAL journal,
// synchronous=FULL, one transaction per appended batch.
//
// Where it differs from fundlog (by design, SQL cannot say it plainly): no
// Merkle tree, no validation, one view only, no policy changes, close-outs or
// repeals (a balance after one of them differs), no balance bounds (a range
// fundlog narrows by a bound stays wide here). A period fact contributes
// [min(0, a), max(0, a)] on the days inside its period and a afterwards; a
// fact without an amount makes its accounts inexact ("unstated").
//
// Not thread-safe: one SqlitePeer per thread.
#ifndef FUNDLOG_TOOLS_BENCH_SQLITE_PEER_H_
#define FUNDLOG_TOOLS_BENCH_SQLITE_PEER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/ledger/ledger.h"
#include "fundlog/v1/events.pb.h"

struct sqlite3;
struct sqlite3_stmt;

namespace fundlog::bench {

// One account's balance as of a day, in the account's natural sign (debit
// for assets and expenses, credit otherwise), like ledger::AccountRange.
struct PeerBalance {
  std::string account;
  int64_t min_ore = 0;
  int64_t max_ore = 0;
  int64_t unstated = 0;  // facts without an amount reaching the account
};

class SqlitePeer {
 public:
  // Opens (creating when absent) the database file at `path` with WAL and
  // synchronous=FULL and creates the schema. kInternal on SQLite errors.
  static absl::StatusOr<std::unique_ptr<SqlitePeer>> Open(
      const std::string& path);
  ~SqlitePeer();
  SqlitePeer(const SqlitePeer&) = delete;
  SqlitePeer& operator=(const SqlitePeer&) = delete;

  // Inserts the rows of `records` (in seq order, continuing the previous
  // call) in one transaction, committed (synced) before returning.
  absl::Status AppendBatch(absl::Span<const v1::StoredRecord> records);

  // Balances of `fund` at the end of `as_of` (YYYY-MM-DD), as known on
  // `known_at` when set (rows recorded on or before it and not superseded
  // by then), sorted by account id. Accounts without rows are absent.
  absl::StatusOr<std::vector<PeerBalance>> BalanceAsOf(
      const std::string& fund, const std::string& as_of,
      const std::optional<std::string>& known_at);

 private:
  explicit SqlitePeer(sqlite3* db) : db_(db) {}
  absl::Status Exec(const char* sql);
  absl::StatusOr<sqlite3_stmt*> Prepare(const char* sql);
  absl::Status Error(const char* what);
  absl::Status AddRecord(const v1::StoredRecord& record);
  absl::Status AddFact(uint64_t seq, uint64_t root, const v1::Event& fact,
                       const std::string& fund, const std::string& recorded_on,
                       const std::optional<std::string>& superseded_on);
  absl::Status AddCorrection(const v1::StoredRecord& record);
  void LoadAccounts();

  struct Rule {
    std::string debit, credit;
  };
  sqlite3* db_;
  std::vector<sqlite3_stmt*> statements_;  // finalised on destruction
  sqlite3_stmt* insert_posting_ = nullptr;
  sqlite3_stmt* insert_version_ = nullptr;
  sqlite3_stmt* insert_account_ = nullptr;
  sqlite3_stmt* root_of_ = nullptr;
  sqlite3_stmt* predecessor_ = nullptr;
  sqlite3_stmt* successor_ = nullptr;
  sqlite3_stmt* supersede_ = nullptr;
  sqlite3_stmt* balance_ = nullptr;
  sqlite3_stmt* balance_known_ = nullptr;
  sqlite3_stmt* accounts_ = nullptr;
  // The loader's memory of the policies (small): rules by policy id, and
  // the rules of the first policy each fund applies.
  std::map<std::string, std::map<std::string, Rule>> policies_;
  std::map<std::string, std::map<std::string, Rule>> fund_rules_;
  std::map<std::string, bool> debit_normal_;  // read back for queries
};

// Per fund, the last day on which the peer's model holds: the day before the
// fund's first close-out, repeal, policy change or balance assertion (events
// the peer does not model). Funds without such events map to 9999-12-31.
std::map<std::string, std::string> PeerComparableUntil(
    absl::Span<const v1::StoredRecord> records);

// Compares fundlog's balances (view without-change, same fund, day and
// known_at) with the peer's: every account the peer gives exactly (no
// straddling period, no unstated amount) must be exact and equal in
// fundlog; every account fundlog gives exactly and the peer does not list
// must be 0. Returns how many accounts were compared, or kInternal naming
// the first difference.
absl::StatusOr<int> ComparePeer(
    const std::vector<ledger::AccountRange>& fundlog,
    const std::vector<PeerBalance>& peer);

}  // namespace fundlog::bench

#endif  // FUNDLOG_TOOLS_BENCH_SQLITE_PEER_H_
