// Internal: the steps every query shares. Plan each fund, bucket its money
// facts in one pass, evaluate scenarios, narrow by bounds, unite.
#ifndef FUNDLOG_CORE_LEDGER_QUERIES_H_
#define FUNDLOG_CORE_LEDGER_QUERIES_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/ledger/context.h"
#include "core/ledger/evaluate.h"
#include "core/ledger/scenarios.h"

namespace fundlog::ledger::internal {

// Every fund's plan and buckets for one request.
struct Prepared {
  std::vector<FundPlan> plans;
  std::vector<std::vector<Bucket>> buckets;  // parallel to plans
};

// `fund` kNoName: all funds. Errors from planning and bucketing.
absl::StatusOr<Prepared> Prepare(const QueryContext& context,
                                 const PlanRequest& request, uint32_t fund);

// One fund's balances at the request's end: the union over scenarios of
// each scenario's ranges narrowed by the bounds of its final policy. When
// every scenario contradicts a bound, the union before narrowing, with the
// contradicted accounts (and the declaring PolicyDefined seq) in
// `contradicted`.
struct FundResult {
  Ranges ranges;
  std::vector<std::pair<int, uint64_t>> contradicted;
};
absl::StatusOr<FundResult> FundBalance(const QueryContext& context,
                                       const FundPlan& plan,
                                       const std::vector<Bucket>& buckets);

// All funds' balances summed (each fund narrowed by its own bounds).
struct Totalled {
  Ranges ranges;
  std::vector<bool> contradicted;  // by dense account
  std::vector<std::pair<uint32_t, std::pair<int, uint64_t>>> by_fund;
};
absl::StatusOr<Totalled> TotalBalances(const QueryContext& context,
                                       const PlanRequest& request,
                                       uint32_t fund);

// Debit-signed range of what step `j` of `s` (which empties an account)
// moves: the emptied account's balance just before it.
absl::StatusOr<std::pair<int64_t, int64_t>> Moved(
    const QueryContext& context, const Scenario& s, int j,
    const std::vector<Bucket>& buckets);

// Debit-signed [min, max] to the account's natural sign; kOutOfRange when
// negating INT64_MIN.
absl::Status ToNatural(bool debit_normal, int64_t* min, int64_t* max);

// kFailedPrecondition: what a light projector (Projector::FromQueryState)
// returns for a query it cannot answer exactly.
absl::Status LightOnly();

// The interned id of `fund_id`, kNoName for empty; kNotFound when the log
// never names it.
absl::StatusOr<uint32_t> FundFilter(const Names& names,
                                    absl::string_view fund_id);

std::optional<int32_t> KnownAt(const std::optional<absl::CivilDay>& day);

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_QUERIES_H_
