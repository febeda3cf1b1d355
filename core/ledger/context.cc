#include "core/ledger/context.h"

#include <algorithm>
#include <tuple>

namespace fundlog::ledger::internal {
namespace {

// The rule slot a PostingRule's payload_kind names, or -1 when rules of that
// kind carry no weight here (a CloseOut names its own accounts).
int RuleSlot(absl::string_view kind) {
  if (kind == "allocation") return static_cast<int>(FactKind::kAllocation);
  if (kind == "use") return static_cast<int>(FactKind::kUse);
  if (kind == "repayment") return static_cast<int>(FactKind::kRepayment);
  if (kind == "budget_frame_use") {
    return static_cast<int>(FactKind::kBudgetFrameUse);
  }
  if (kind == "guidelines_repealed") return kRepealRule;
  return -1;
}

bool DebitNormal(v1::AccountType type) {
  return type != v1::LIABILITY && type != v1::EQUITY && type != v1::INCOME;
}

}  // namespace

QueryContext::QueryContext(const Projector& projector,
                           std::optional<int32_t> known_at)
    : projector_(projector),
      known_at_(known_at),
      dense_(projector.names_.size(), -1) {
  ResolveAccounts();
  ResolveFunds();
}

int QueryContext::Ensure(uint32_t name) {
  if (name == kNoName || name >= dense_.size()) return -1;
  if (dense_[name] < 0) {
    dense_[name] = static_cast<int>(accounts_.size());
    AccountInfo info;
    info.name = name;
    accounts_.push_back(std::move(info));
  }
  return dense_[name];
}

void QueryContext::ResolveAccounts() {
  const Names& names = projector_.names_;
  // Definitions first, in seq order, so a later definition wins.
  for (const KeptEvent& kept : projector_.kept_) {
    if (!kept.known.At(known_at_)) continue;
    const v1::Event& event = kept.event;
    for (const v1::Account& account : event.accounts_defined().accounts()) {
      const int dense = Ensure(names.Find(account.id()));
      if (dense < 0) continue;
      AccountInfo& info = accounts_[dense];
      info.display_name = account.name();
      info.number = account.number();
      info.debit_normal = DebitNormal(account.type());
      info.defined = true;
      if (event.fund_id().empty()) {
        info.org_wide = true;
      } else if (std::find(info.funds.begin(), info.funds.end(), kept.fund) ==
                 info.funds.end()) {
        info.funds.push_back(kept.fund);
      }
    }
    if (event.has_policy_defined()) {
      policy_defs_[names.Find(event.policy_defined().policy_id())] = &kept;
    }
  }
  // Then every account any fact or rule names, known or not, so dense
  // indexes exist before evaluation starts.
  for (const KeptEvent& kept : projector_.kept_) {
    for (const auto& rule : kept.event.policy_defined().rules()) {
      Ensure(names.Find(rule.debit_account()));
      Ensure(names.Find(rule.credit_account()));
    }
    for (const auto& bound : kept.event.policy_defined().bounds()) {
      Ensure(names.Find(bound.account()));
    }
    if (kept.event.has_balance_asserted()) {
      Ensure(names.Find(kept.event.balance_asserted().account()));
    }
  }
  for (const Row& row : projector_.rows_) Ensure(row.account);
  for (const Transition& t : projector_.transitions_) {
    Ensure(t.from_account);
    Ensure(t.to_account);
  }
}

int QueryContext::CompilePolicy(uint32_t id) {
  if (auto it = policy_index_.find(id); it != policy_index_.end()) {
    return it->second;
  }
  CompiledPolicy policy;
  policy.id = id;
  policy.rules.fill({-1, -1});
  if (auto it = policy_defs_.find(id); it != policy_defs_.end()) {
    const Names& names = projector_.names_;
    const v1::PolicyDefined& def = it->second->event.policy_defined();
    policy.seq = it->second->seq;
    policy.defined = true;
    for (const v1::PostingRule& rule : def.rules()) {
      const int slot = RuleSlot(rule.payload_kind());
      const int debit = Account(names.Find(rule.debit_account()));
      const int credit = Account(names.Find(rule.credit_account()));
      if (slot < 0 || debit < 0 || credit < 0 || debit == credit) continue;
      policy.rules[slot] = {debit, credit};
    }
    for (const v1::BalanceBound& bound : def.bounds()) {
      Bound b{Account(names.Find(bound.account())), std::nullopt, std::nullopt};
      if (b.account < 0) continue;
      if (bound.has_min_ore()) b.min_ore = bound.min_ore();
      if (bound.has_max_ore()) b.max_ore = bound.max_ore();
      policy.bounds.push_back(b);
    }
  }
  const int index = static_cast<int>(policies_.size());
  policies_.push_back(std::move(policy));
  policy_index_[id] = index;
  return index;
}

void QueryContext::ResolveFunds() {
  auto fund_facts = [&](uint32_t fund) -> FundFacts& {
    auto [it, inserted] =
        fund_index_.try_emplace(fund, static_cast<int>(funds_.size()));
    if (inserted) {
      FundFacts facts;
      facts.fund = fund;
      funds_.push_back(std::move(facts));
    }
    return funds_[it->second];
  };
  const Names& names = projector_.names_;
  for (const KeptEvent& kept : projector_.kept_) {
    if (!kept.event.has_policy_changed() || !kept.known.At(known_at_)) {
      continue;
    }
    ChangeInfo change;
    change.seq = kept.seq;
    change.event_id = names.Find(kept.event.event_id());
    change.policy =
        CompilePolicy(names.Find(kept.event.policy_changed().policy_id()));
    change.lo = StartOf(kept.from_day);
    change.hi = kept.to_day == kDayOpen ? kTimeNever : StartOf(kept.to_day);
    fund_facts(kept.fund).changes.push_back(change);
  }
  for (const Transition& t : projector_.transitions_) {
    if (t.known.At(known_at_)) fund_facts(t.fund).transitions.push_back(&t);
  }
  for (FundFacts& fund : funds_) {
    std::sort(fund.changes.begin(), fund.changes.end(),
              [](const ChangeInfo& a, const ChangeInfo& b) {
                return std::tie(a.lo, a.seq) < std::tie(b.lo, b.seq);
              });
  }
}

const FundFacts& QueryContext::Fund(uint32_t fund) const {
  auto it = fund_index_.find(fund);
  return it == fund_index_.end() ? empty_fund_ : funds_[it->second];
}

std::vector<int> QueryContext::Listed(uint32_t fund,
                                      const std::vector<bool>& posted) const {
  std::vector<int> listed;
  for (int i = 0; i < AccountCount(); ++i) {
    const AccountInfo& info = accounts_[i];
    const bool of_fund =
        info.defined && (fund == kNoName || info.org_wide ||
                         std::find(info.funds.begin(), info.funds.end(),
                                   fund) != info.funds.end());
    if (of_fund || (i < static_cast<int>(posted.size()) && posted[i])) {
      listed.push_back(i);
    }
  }
  const Names& names = projector_.names_;
  std::sort(listed.begin(), listed.end(), [&](int a, int b) {
    return std::tie(accounts_[a].number, names.Text(accounts_[a].name)) <
           std::tie(accounts_[b].number, names.Text(accounts_[b].name));
  });
  return listed;
}

}  // namespace fundlog::ledger::internal
