// Internal: what one query knows besides money facts. Accounts, compiled
// policies, each fund's policy changes and transitions, all as known at the
// query's known_at. Built per query from the projector's small tables.
#ifndef FUNDLOG_CORE_LEDGER_CONTEXT_H_
#define FUNDLOG_CORE_LEDGER_CONTEXT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/ledger/facts.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger::internal {

struct AccountInfo {
  uint32_t name = kNoName;  // interned Account.id
  std::string display_name;
  std::string number;
  bool debit_normal = true;  // ASSET, EXPENSE (and undefined accounts)
  bool defined = false;
  bool org_wide = false;        // defined by an event without a fund
  std::vector<uint32_t> funds;  // funds whose AccountsDefined name it
};

struct Bound {
  int account = -1;                // dense index
  std::optional<int64_t> min_ore;  // natural sign
  std::optional<int64_t> max_ore;
};

// A policy as known at the query: for each rule kind (kRuleKinds, then the
// repeal) the debit and credit account, -1 when it has no rule.
struct CompiledPolicy {
  uint32_t id = kNoName;
  uint64_t seq = 0;  // the PolicyDefined; 0 and defined false when missing
  bool defined = false;
  std::array<std::pair<int, int>, kRuleKinds + 1> rules;
  std::vector<Bound> bounds;
};

struct ChangeInfo {
  uint64_t seq = 0;
  uint32_t event_id = kNoName;
  int policy = -1;
  int64_t lo = 0;  // window of its start-of-day time point
  int64_t hi = 0;
};

struct FundFacts {
  uint32_t fund = kNoName;
  std::vector<ChangeInfo> changes;             // by (lo, seq)
  std::vector<const Transition*> transitions;  // by seq
};

class QueryContext {
 public:
  QueryContext(const Projector& projector, std::optional<int32_t> known_at);

  const Projector& projector() const { return projector_; }
  std::optional<int32_t> known_at() const { return known_at_; }
  const Names& names() const { return projector_.names_; }
  const std::vector<MoneyFact>& money() const { return projector_.money_; }
  const std::vector<Row>& rows() const { return projector_.rows_; }
  // The projector's day index when it is current and, for a query with
  // known_at, holds the versions by known day; nullptr otherwise.
  const DayIndex* day_index() const {
    const DayIndex* index = projector_.day_index_.get();
    if (index == nullptr || index->size != projector_.size()) return nullptr;
    return !known_at_ || index->known_kept ? index : nullptr;
  }

  // Dense index of an interned account id; -1 when it names no account.
  int Account(uint32_t name) const {
    return name < dense_.size() ? dense_[name] : -1;
  }
  int AccountCount() const { return static_cast<int>(accounts_.size()); }
  const AccountInfo& AccountAt(int dense) const { return accounts_[dense]; }

  const CompiledPolicy& Policy(int index) const { return policies_[index]; }
  int PolicyCount() const { return static_cast<int>(policies_.size()); }
  // The (debit, credit) rule of `rule_kind` under policy `index` (-1: none).
  std::pair<int, int> Rule(int index, int rule_kind) const {
    return index < 0 ? std::pair(-1, -1) : policies_[index].rules[rule_kind];
  }

  const std::vector<FundFacts>& funds() const { return funds_; }
  // The FundFacts of `fund` (empty facts when it has none).
  const FundFacts& Fund(uint32_t fund) const;

  // The dense accounts to list for `fund` (kNoName: all), in output order:
  // defined accounts plus those with `posted` set.
  std::vector<int> Listed(uint32_t fund, const std::vector<bool>& posted) const;

 private:
  int Ensure(uint32_t name);  // Account(), adding it on first use
  void ResolveAccounts();
  int CompilePolicy(uint32_t id);
  void ResolveFunds();

  const Projector& projector_;
  std::optional<int32_t> known_at_;
  std::vector<int> dense_;  // by interned name; -1 when not an account yet
  std::vector<AccountInfo> accounts_;
  std::vector<CompiledPolicy> policies_;
  absl::flat_hash_map<uint32_t, int> policy_index_;
  absl::flat_hash_map<uint32_t, const KeptEvent*> policy_defs_;
  std::vector<FundFacts> funds_;
  absl::flat_hash_map<uint32_t, int> fund_index_;
  FundFacts empty_fund_;
};

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_CONTEXT_H_
