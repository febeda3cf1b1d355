// Test helpers: build logs of StoredRecords tersely, and the Trelleborg
// fixture (the shape of data/trelleborg_social_investment_fund.textpb).
#ifndef FUNDLOG_CORE_LEDGER_TEST_EVENTS_H_
#define FUNDLOG_CORE_LEDGER_TEST_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/ledger/ledger.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::ledger::testing {

inline constexpr int64_t kMnkr = 100'000'000;  // one million kronor in öre

struct RuleSpec {
  std::string kind, debit, credit;
};

class Log {
 public:
  explicit Log(std::string fund = "fund") : fund_(std::move(fund)) {}

  // Appends an event effective `when`: "2011-11-03" (a day),
  // "2011-01-01..2017-12-31" (a period) or "2021-11-03.." (an open period).
  // recorded_on defaults to the period's end (its start when open).
  v1::Event& Append(absl::string_view when, absl::string_view recorded_on = "");

  // Shorthands; each returns the appended event.
  v1::Event& Accounts(
      std::vector<std::pair<std::string, v1::AccountType>> accounts);
  v1::Event& Policy(
      std::string id, std::vector<RuleSpec> rules,
      std::optional<std::pair<std::string, int64_t>> min_bound = std::nullopt);
  v1::Event& Change(absl::string_view when, std::string policy,
                    std::string event_id = "");
  v1::Event& Allocation(absl::string_view when, int64_t ore);
  v1::Event& Use(absl::string_view when, int64_t ore);
  v1::Event& CloseOut(absl::string_view when, std::string from, std::string to,
                      std::string change_id = "");
  v1::Event& Repeal(absl::string_view when);
  v1::Event& Correct(uint64_t seq, absl::string_view recorded_on,
                     const v1::Event* replacement);  // nullptr: reversal

  uint64_t last_seq() const { return records_.size() - 1; }
  const std::vector<v1::StoredRecord>& records() const { return records_; }

 private:
  std::string fund_;
  std::vector<v1::StoredRecord> records_;
};

// A balance as (min, max) in öre; fails the test (and returns INT64_MIN
// twice) when the query fails or the account is not listed.
std::pair<int64_t, int64_t> BalanceOf(
    const std::vector<v1::StoredRecord>& records, absl::string_view account,
    absl::string_view as_of, View view = View::kReported,
    std::optional<absl::string_view> known_at = std::nullopt);

// A kind's total over [from, to], as (min, max).
std::pair<int64_t, int64_t> TotalOf(
    const std::vector<v1::StoredRecord>& records, absl::string_view kind,
    absl::string_view from, absl::string_view to, View view = View::kReported);

// Sum over all accounts of debit-signed ranges, per the accounts' types.
std::pair<int64_t, int64_t> DebitMinusCredit(
    const std::vector<v1::StoredRecord>& records,
    const std::vector<AccountRange>& balances);

absl::CivilDay D(absl::string_view text);

// The Trelleborg history as the issue describes it.
std::vector<v1::StoredRecord> TrelleborgFixture();

// Stores the events of a batch as records seq 0, 1, ...
std::vector<v1::StoredRecord> AsRecords(const v1::EventBatch& batch);

}  // namespace fundlog::ledger::testing

#endif  // FUNDLOG_CORE_LEDGER_TEST_EVENTS_H_
