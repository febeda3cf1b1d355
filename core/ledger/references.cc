#include "core/ledger/references.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/base/money.h"

namespace fundlog::ledger::internal {

void References::Visit(const v1::StoredRecord& record) {
  const v1::Correction& c = record.event().correction();
  const v1::Event& event =
      c.has_replacement() ? c.replacement() : record.event();
  for (const auto& a : event.accounts_defined().accounts()) {
    accounts_.insert(a.id());
  }
  if (event.has_policy_defined()) {
    policies_.insert(event.policy_defined().policy_id());
  }
  if (event.has_policy_changed()) changes_.insert(event.event_id());

  Pending pending;
  pending.seq = record.seq();
  std::vector<std::string> named;
  for (const auto& rule : event.policy_defined().rules()) {
    named.push_back(rule.debit_account());
    named.push_back(rule.credit_account());
  }
  for (const auto& b : event.policy_defined().bounds()) {
    named.push_back(b.account());
  }
  if (event.has_close_out()) {
    named.push_back(event.close_out().from_account());
    named.push_back(event.close_out().to_account());
  }
  if (event.has_balance_asserted()) {
    named.push_back(event.balance_asserted().account());
  }
  int64_t sum = 0;
  bool overflow = false;
  for (const auto& row : event.voucher().rows()) {
    named.push_back(row.account());
    overflow |= __builtin_add_overflow(sum, row.amount_ore(), &sum);
  }
  if (event.has_voucher() && (overflow || sum != 0)) {
    pending.unbalanced = Finding{
        record.seq(), "unbalanced_voucher",
        absl::StrCat("the voucher's rows sum to ",
                     overflow ? "an overflow" : FormatKronor(sum), ", not 0")};
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  for (std::string& account : named) {
    if (account.empty() || accounts_.contains(account)) continue;
    pending.accounts.push_back(std::move(account));
  }
  if (event.has_policy_changed() &&
      !policies_.contains(event.policy_changed().policy_id())) {
    pending.policy = event.policy_changed().policy_id();
  }
  const std::string& tied = event.close_out().policy_change_event_id();
  if (!tied.empty() && !changes_.contains(tied)) pending.change = tied;
  if (pending.unbalanced || !pending.accounts.empty() || pending.policy ||
      pending.change) {
    pending_.push_back(std::move(pending));
  }
}

void References::Finish(std::vector<Finding>* findings) const {
  for (const Pending& p : pending_) {
    if (p.unbalanced) findings->push_back(*p.unbalanced);
    for (const std::string& account : p.accounts) {
      if (accounts_.contains(account)) continue;
      findings->push_back(
          {p.seq, "undefined_account",
           absl::StrCat("account \"", account,
                        "\" is named but no AccountsDefined defines it")});
    }
    if (p.policy && !policies_.contains(*p.policy)) {
      findings->push_back({p.seq, "undefined_policy",
                           absl::StrCat("policy \"", *p.policy,
                                        "\" is applied but never defined")});
    }
    if (p.change && !changes_.contains(*p.change)) {
      findings->push_back(
          {p.seq, "unknown_policy_change",
           absl::StrCat("the close-out belongs to \"", *p.change,
                        "\", which is no PolicyChanged in the log")});
    }
  }
}

}  // namespace fundlog::ledger::internal
