#include "tools/bench/sqlite_peer.h"

#include <sqlite3.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/base/dates.h"

namespace fundlog::bench {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS accounts(
  id TEXT PRIMARY KEY, debit_normal INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS versions(
  seq INTEGER PRIMARY KEY, root INTEGER NOT NULL, recorded_on TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_by_root
  ON versions(root, recorded_on, seq);
CREATE TABLE IF NOT EXISTS postings(
  seq INTEGER NOT NULL, root INTEGER NOT NULL, fund TEXT NOT NULL,
  account TEXT NOT NULL, day TEXT NOT NULL, day_to TEXT NOT NULL,
  amount INTEGER, recorded_on TEXT NOT NULL, superseded_on TEXT);
CREATE INDEX IF NOT EXISTS postings_by_day ON postings(fund, account, day);
CREATE INDEX IF NOT EXISTS postings_by_seq ON postings(seq);
)sql";

// Debit-signed sums per account: exact part (facts whose last day is on or
// before the day), the negative and positive parts of facts whose period
// straddles it, and the count of facts without an amount.
#define FUNDLOG_PEER_BALANCE(filter)                                   \
  "SELECT account,"                                                    \
  " SUM(CASE WHEN day_to <= ?2 THEN amount ELSE 0 END),"               \
  " SUM(CASE WHEN day_to > ?2 AND amount < 0 THEN amount ELSE 0 END)," \
  " SUM(CASE WHEN day_to > ?2 AND amount > 0 THEN amount ELSE 0 END)," \
  " SUM(amount IS NULL)"                                               \
  " FROM postings WHERE fund = ?1 AND day <= ?2 AND " filter           \
  " GROUP BY account ORDER BY account"

constexpr char kBalance[] = FUNDLOG_PEER_BALANCE("superseded_on IS NULL");
constexpr char kBalanceKnown[] = FUNDLOG_PEER_BALANCE(
    "recorded_on <= ?3 AND (superseded_on IS NULL OR superseded_on > ?3)");

void BindText(sqlite3_stmt* s, int i, const std::string& text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

std::pair<std::string, std::string> Days(const v1::Effective& effective) {
  if (effective.has_period()) {
    const v1::Period& p = effective.period();
    return {p.from(), p.to().empty() ? "9999-12-31" : p.to()};
  }
  return {effective.day(), effective.day()};
}

// The fact's kind and amount; kind empty for events that are not money facts.
std::pair<std::string, std::optional<int64_t>> Money(const v1::Event& e) {
  if (e.has_allocation()) return {"allocation", e.allocation().amount_ore()};
  if (e.has_use()) return {"use", e.use().amount_ore()};
  if (e.has_repayment()) return {"repayment", e.repayment().amount_ore()};
  if (e.has_budget_frame_use()) {
    const v1::BudgetFrameUse& u = e.budget_frame_use();
    return {"budget_frame_use", u.has_amount_ore()
                                    ? std::optional<int64_t>(u.amount_ore())
                                    : std::nullopt};
  }
  return {"", std::nullopt};
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqlitePeer>> SqlitePeer::Open(
    const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::InternalError(absl::StrCat(path, ": ", message));
  }
  std::unique_ptr<SqlitePeer> peer(new SqlitePeer(db));
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                          static_cast<const char*>(kSchema)}) {
    if (absl::Status s = peer->Exec(sql); !s.ok()) return s;
  }
  struct {
    sqlite3_stmt** into;
    const char* sql;
  } const statements[] = {
      {&peer->insert_posting_,
       "INSERT INTO postings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&peer->insert_version_, "INSERT INTO versions VALUES (?1, ?2, ?3)"},
      {&peer->insert_account_,
       "INSERT OR REPLACE INTO accounts VALUES (?1, ?2)"},
      {&peer->root_of_, "SELECT root FROM versions WHERE seq = ?1"},
      {&peer->predecessor_,
       "SELECT seq FROM versions WHERE root = ?1 AND recorded_on <= ?2"
       " ORDER BY recorded_on DESC, seq DESC LIMIT 1"},
      {&peer->successor_,
       "SELECT MIN(recorded_on) FROM versions WHERE root = ?1"
       " AND recorded_on > ?2"},
      {&peer->supersede_,
       "UPDATE postings SET superseded_on = ?2 WHERE seq = ?1"},
      {&peer->balance_, kBalance},
      {&peer->balance_known_, kBalanceKnown},
      {&peer->accounts_, "SELECT id, debit_normal FROM accounts"},
  };
  for (const auto& [into, sql] : statements) {
    absl::StatusOr<sqlite3_stmt*> s = peer->Prepare(sql);
    if (!s.ok()) return s.status();
    *into = *s;
  }
  peer->LoadAccounts();
  return peer;
}

SqlitePeer::~SqlitePeer() {
  for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

absl::Status SqlitePeer::Error(const char* what) {
  return absl::InternalError(
      absl::StrCat("sqlite: ", what, ": ", sqlite3_errmsg(db_)));
}

absl::Status SqlitePeer::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    absl::Status s = absl::InternalError(
        absl::StrCat("sqlite: ", message ? message : "error", " in ", sql));
    sqlite3_free(message);
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<sqlite3_stmt*> SqlitePeer::Prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
    return Error(sql);
  }
  statements_.push_back(s);
  return s;
}

void SqlitePeer::LoadAccounts() {
  sqlite3_reset(accounts_);
  while (sqlite3_step(accounts_) == SQLITE_ROW) {
    debit_normal_[reinterpret_cast<const char*>(sqlite3_column_text(
        accounts_, 0))] = sqlite3_column_int(accounts_, 1) != 0;
  }
  sqlite3_reset(accounts_);
}

absl::Status SqlitePeer::AppendBatch(
    absl::Span<const v1::StoredRecord> records) {
  if (absl::Status s = Exec("BEGIN"); !s.ok()) return s;
  for (const v1::StoredRecord& record : records) {
    if (absl::Status s = AddRecord(record); !s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
  }
  return Exec("COMMIT");
}

absl::Status SqlitePeer::AddRecord(const v1::StoredRecord& record) {
  const v1::Event& e = record.event();
  if (e.has_accounts_defined()) {
    for (const v1::Account& a : e.accounts_defined().accounts()) {
      const bool debit_normal =
          a.type() == v1::ASSET || a.type() == v1::EXPENSE;
      debit_normal_[a.id()] = debit_normal;
      sqlite3_reset(insert_account_);
      BindText(insert_account_, 1, a.id());
      sqlite3_bind_int(insert_account_, 2, debit_normal ? 1 : 0);
      if (sqlite3_step(insert_account_) != SQLITE_DONE) return Error("account");
    }
    return absl::OkStatus();
  }
  if (e.has_policy_defined()) {
    auto& rules = policies_[e.policy_defined().policy_id()];
    for (const v1::PostingRule& r : e.policy_defined().rules()) {
      rules[r.payload_kind()] = Rule{r.debit_account(), r.credit_account()};
    }
    return absl::OkStatus();
  }
  if (e.has_policy_changed()) {
    // The first policy a fund applies is the one this view keeps.
    if (!fund_rules_.contains(e.fund_id())) {
      fund_rules_[e.fund_id()] = policies_[e.policy_changed().policy_id()];
    }
    return absl::OkStatus();
  }
  if (e.has_correction()) return AddCorrection(record);
  if (Money(e).first.empty()) return absl::OkStatus();
  sqlite3_reset(insert_version_);
  sqlite3_bind_int64(insert_version_, 1, static_cast<int64_t>(record.seq()));
  sqlite3_bind_int64(insert_version_, 2, static_cast<int64_t>(record.seq()));
  BindText(insert_version_, 3, e.recorded_on());
  if (sqlite3_step(insert_version_) != SQLITE_DONE) return Error("version");
  return AddFact(record.seq(), record.seq(), e, e.fund_id(), e.recorded_on(),
                 std::nullopt);
}

absl::Status SqlitePeer::AddFact(
    uint64_t seq, uint64_t root, const v1::Event& fact, const std::string& fund,
    const std::string& recorded_on,
    const std::optional<std::string>& superseded_on) {
  const auto [kind, amount] = Money(fact);
  auto rules = fund_rules_.find(fund);
  if (rules == fund_rules_.end()) return absl::OkStatus();
  auto rule = rules->second.find(kind);
  if (rule == rules->second.end()) return absl::OkStatus();
  const auto [day, day_to] = Days(fact.effective());
  for (int leg = 0; leg < 2; ++leg) {
    sqlite3_stmt* s = insert_posting_;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, static_cast<int64_t>(seq));
    sqlite3_bind_int64(s, 2, static_cast<int64_t>(root));
    BindText(s, 3, fund);
    BindText(s, 4, leg == 0 ? rule->second.debit : rule->second.credit);
    BindText(s, 5, day);
    BindText(s, 6, day_to);
    if (amount) {
      sqlite3_bind_int64(s, 7, leg == 0 ? *amount : -*amount);
    } else {
      sqlite3_bind_null(s, 7);
    }
    BindText(s, 8, recorded_on);
    if (superseded_on) {
      BindText(s, 9, *superseded_on);
    } else {
      sqlite3_bind_null(s, 9);
    }
    if (sqlite3_step(s) != SQLITE_DONE) return Error("posting");
  }
  return absl::OkStatus();
}

// A correction is a new version of its root fact, ordered by (recorded_on,
// seq) as fundlog orders versions: it closes its predecessor's rows from its
// own recorded_on and is itself closed by the next later version, if any.
absl::Status SqlitePeer::AddCorrection(const v1::StoredRecord& record) {
  const v1::Event& e = record.event();
  const v1::Correction& c = e.correction();
  sqlite3_reset(root_of_);
  sqlite3_bind_int64(root_of_, 1, static_cast<int64_t>(c.corrected_seq()));
  if (sqlite3_step(root_of_) != SQLITE_ROW) return absl::OkStatus();
  const int64_t root = sqlite3_column_int64(root_of_, 0);
  const std::string& recorded = e.recorded_on();

  std::optional<int64_t> predecessor;
  sqlite3_reset(predecessor_);
  sqlite3_bind_int64(predecessor_, 1, root);
  BindText(predecessor_, 2, recorded);
  if (sqlite3_step(predecessor_) == SQLITE_ROW) {
    predecessor = sqlite3_column_int64(predecessor_, 0);
  }
  std::optional<std::string> successor;
  sqlite3_reset(successor_);
  sqlite3_bind_int64(successor_, 1, root);
  BindText(successor_, 2, recorded);
  if (sqlite3_step(successor_) == SQLITE_ROW &&
      sqlite3_column_type(successor_, 0) != SQLITE_NULL) {
    successor =
        reinterpret_cast<const char*>(sqlite3_column_text(successor_, 0));
  }
  sqlite3_reset(insert_version_);
  sqlite3_bind_int64(insert_version_, 1, static_cast<int64_t>(record.seq()));
  sqlite3_bind_int64(insert_version_, 2, root);
  BindText(insert_version_, 3, recorded);
  if (sqlite3_step(insert_version_) != SQLITE_DONE) return Error("version");
  if (predecessor) {
    sqlite3_reset(supersede_);
    sqlite3_bind_int64(supersede_, 1, *predecessor);
    BindText(supersede_, 2, recorded);
    if (sqlite3_step(supersede_) != SQLITE_DONE) return Error("supersede");
  }
  if (!c.has_replacement()) return absl::OkStatus();
  return AddFact(record.seq(), static_cast<uint64_t>(root), c.replacement(),
                 e.fund_id(), recorded, successor);
}

absl::StatusOr<std::vector<PeerBalance>> SqlitePeer::BalanceAsOf(
    const std::string& fund, const std::string& as_of,
    const std::optional<std::string>& known_at) {
  sqlite3_stmt* s = known_at ? balance_known_ : balance_;
  sqlite3_reset(s);
  BindText(s, 1, fund);
  BindText(s, 2, as_of);
  if (known_at) BindText(s, 3, *known_at);
  std::vector<PeerBalance> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    PeerBalance& b = out.emplace_back();
    b.account = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    const int64_t exact = sqlite3_column_int64(s, 1);
    b.min_ore = exact + sqlite3_column_int64(s, 2);
    b.max_ore = exact + sqlite3_column_int64(s, 3);
    b.unstated = sqlite3_column_int64(s, 4);
    auto normal = debit_normal_.find(b.account);
    if (normal != debit_normal_.end() && !normal->second) {
      std::swap(b.min_ore, b.max_ore);
      b.min_ore = -b.min_ore;
      b.max_ore = -b.max_ore;
    }
  }
  if (rc != SQLITE_DONE) return Error("balance");
  sqlite3_reset(s);
  return out;
}

std::map<std::string, std::string> PeerComparableUntil(
    absl::Span<const v1::StoredRecord> records) {
  std::map<std::string, std::string> until;
  for (const v1::StoredRecord& record : records) {
    const v1::Event& e = record.event();
    std::string& day =
        until.try_emplace(e.fund_id(), "9999-12-31").first->second;
    if (!e.has_close_out() && !e.has_guidelines_repealed() &&
        !(e.has_policy_changed() && e.effective().has_period()) &&
        !e.has_balance_asserted()) {
      continue;
    }
    absl::StatusOr<absl::CivilDay> first = ParseDay(Days(e.effective()).first);
    if (first.ok() && FormatDay(*first - 1) < day) day = FormatDay(*first - 1);
  }
  return until;
}

absl::StatusOr<int> ComparePeer(
    const std::vector<ledger::AccountRange>& fundlog,
    const std::vector<PeerBalance>& peer) {
  std::map<std::string, const ledger::AccountRange*> by_account;
  for (const ledger::AccountRange& a : fundlog) by_account[a.account] = &a;
  int compared = 0;
  std::map<std::string, bool> listed;
  for (const PeerBalance& b : peer) {
    listed[b.account] = true;
    if (b.unstated != 0 || b.min_ore != b.max_ore) continue;
    auto it = by_account.find(b.account);
    const int64_t min = it == by_account.end() ? 0 : it->second->min_ore;
    const int64_t max = it == by_account.end() ? 0 : it->second->max_ore;
    if (min != b.min_ore || max != b.max_ore) {
      return absl::InternalError(absl::StrCat("account ", b.account,
                                              ": fundlog [", min, ", ", max,
                                              "], sqlite ", b.min_ore));
    }
    ++compared;
  }
  for (const ledger::AccountRange& a : fundlog) {
    if (listed.contains(a.account) || a.min_ore != a.max_ore) continue;
    if (a.min_ore != 0) {
      return absl::InternalError(absl::StrCat("account ", a.account,
                                              ": fundlog ", a.min_ore,
                                              ", sqlite has no rows"));
    }
    ++compared;
  }
  return compared;
}

}  // namespace fundlog::bench
