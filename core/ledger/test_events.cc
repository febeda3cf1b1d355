#include "core/ledger/test_events.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/base/dates.h"
#include "gtest/gtest.h"

namespace fundlog::ledger::testing {

absl::CivilDay D(absl::string_view text) {
  auto day = ParseDay(text);
  EXPECT_TRUE(day.ok()) << day.status();
  return day.ok() ? *day : absl::CivilDay();
}

v1::Event& Log::Append(absl::string_view when, absl::string_view recorded_on) {
  v1::StoredRecord& record = records_.emplace_back();
  record.set_seq(records_.size() - 1);
  record.set_appended_at_micros(static_cast<int64_t>(records_.size()));
  v1::Event& e = *record.mutable_event();
  e.set_event_id(absl::StrCat("e", record.seq()));
  e.set_fund_id(fund_);
  e.mutable_source()->set_title("test");
  std::string default_recorded;
  if (auto dots = when.find(".."); dots != absl::string_view::npos) {
    v1::Period* p = e.mutable_effective()->mutable_period();
    p->set_from(std::string(when.substr(0, dots)));
    p->set_to(std::string(when.substr(dots + 2)));
    default_recorded = p->to().empty() ? p->from() : p->to();
  } else {
    e.mutable_effective()->set_day(std::string(when));
    default_recorded = std::string(when);
  }
  e.set_recorded_on(recorded_on.empty() ? default_recorded
                                        : std::string(recorded_on));
  return e;
}

v1::Event& Log::Accounts(
    std::vector<std::pair<std::string, v1::AccountType>> accounts) {
  v1::Event& e = Append("2000-01-01");
  for (auto& [id, type] : accounts) {
    v1::Account* a = e.mutable_accounts_defined()->add_accounts();
    a->set_id(id);
    a->set_name(absl::StrCat("Account ", id));
    a->set_type(type);
  }
  return e;
}

v1::Event& Log::Policy(std::string id, std::vector<RuleSpec> rules,
                       std::optional<std::pair<std::string, int64_t>> bound) {
  v1::Event& e = Append("2000-01-01");
  v1::PolicyDefined* p = e.mutable_policy_defined();
  p->set_policy_id(std::move(id));
  for (RuleSpec& spec : rules) {
    v1::PostingRule* r = p->add_rules();
    r->set_payload_kind(spec.kind);
    r->set_debit_account(spec.debit);
    r->set_credit_account(spec.credit);
  }
  if (bound) {
    v1::BalanceBound* b = p->add_bounds();
    b->set_account(bound->first);
    b->set_min_ore(bound->second);
  }
  return e;
}

v1::Event& Log::Change(absl::string_view when, std::string policy,
                       std::string event_id) {
  v1::Event& e = Append(when);
  e.mutable_policy_changed()->set_policy_id(std::move(policy));
  if (!event_id.empty()) e.set_event_id(std::move(event_id));
  return e;
}

v1::Event& Log::Allocation(absl::string_view when, int64_t ore) {
  v1::Event& e = Append(when);
  e.mutable_allocation()->set_amount_ore(ore);
  return e;
}

v1::Event& Log::Use(absl::string_view when, int64_t ore) {
  v1::Event& e = Append(when);
  e.mutable_use()->set_amount_ore(ore);
  return e;
}

v1::Event& Log::CloseOut(absl::string_view when, std::string from,
                         std::string to, std::string change_id) {
  v1::Event& e = Append(when);
  e.mutable_close_out()->set_from_account(std::move(from));
  e.mutable_close_out()->set_to_account(std::move(to));
  e.mutable_close_out()->set_policy_change_event_id(std::move(change_id));
  return e;
}

v1::Event& Log::Repeal(absl::string_view when) {
  v1::Event& e = Append(when);
  e.mutable_guidelines_repealed()->set_title("repeal");
  return e;
}

v1::Event& Log::Correct(uint64_t seq, absl::string_view recorded_on,
                        const v1::Event* replacement) {
  v1::Event& e = Append(recorded_on, recorded_on);
  e.mutable_correction()->set_corrected_seq(seq);
  e.mutable_correction()->set_reason("test correction");
  if (replacement == nullptr) {
    e.mutable_correction()->set_reversal(true);
  } else {
    *e.mutable_correction()->mutable_replacement() = *replacement;
  }
  return e;
}

std::pair<int64_t, int64_t> BalanceOf(
    const std::vector<v1::StoredRecord>& records, absl::string_view account,
    absl::string_view as_of, View view,
    std::optional<absl::string_view> known_at) {
  constexpr int64_t kBad = std::numeric_limits<int64_t>::min();
  BalanceQuery query{D(as_of), std::nullopt, view, ""};
  if (known_at) query.known_at = D(*known_at);
  auto balances = Balances(records, query);
  if (!balances.ok()) {
    ADD_FAILURE() << balances.status();
    return {kBad, kBad};
  }
  for (const AccountRange& r : *balances) {
    if (r.account == account) return {r.min_ore, r.max_ore};
  }
  ADD_FAILURE() << "account " << account << " not listed";
  return {kBad, kBad};
}

std::pair<int64_t, int64_t> TotalOf(
    const std::vector<v1::StoredRecord>& records, absl::string_view kind,
    absl::string_view from, absl::string_view to, View view) {
  constexpr int64_t kBad = std::numeric_limits<int64_t>::min();
  auto totals = Totals(records, {D(from), D(to), std::nullopt, view, ""});
  if (!totals.ok()) {
    ADD_FAILURE() << totals.status();
    return {kBad, kBad};
  }
  for (const KindTotal& t : *totals) {
    if (t.kind == kind) return {t.min_ore, t.max_ore};
  }
  ADD_FAILURE() << "kind " << kind << " not listed";
  return {kBad, kBad};
}

std::pair<int64_t, int64_t> DebitMinusCredit(
    const std::vector<v1::StoredRecord>& records,
    const std::vector<AccountRange>& balances) {
  int64_t lo = 0, hi = 0;
  for (const AccountRange& r : balances) {
    bool credit_normal = false;
    for (const auto& record : records) {
      for (const auto& a : record.event().accounts_defined().accounts()) {
        if (a.id() == r.account) {
          credit_normal = a.type() == v1::EQUITY || a.type() == v1::LIABILITY ||
                          a.type() == v1::INCOME;
        }
      }
    }
    lo += credit_normal ? -r.max_ore : r.min_ore;
    hi += credit_normal ? -r.min_ore : r.max_ore;
  }
  return {lo, hi};
}

std::vector<v1::StoredRecord> AsRecords(const v1::EventBatch& batch) {
  std::vector<v1::StoredRecord> records;
  for (const v1::Event& event : batch.events()) {
    v1::StoredRecord& r = records.emplace_back();
    r.set_seq(records.size() - 1);
    r.set_appended_at_micros(static_cast<int64_t>(records.size()));
    *r.mutable_event() = event;
  }
  return records;
}

std::vector<v1::StoredRecord> TrelleborgFixture() {
  Log log("social-investeringsfond");
  log.Accounts({{"social_investment_fund", v1::EQUITY},
                {"equity", v1::EQUITY},
                {"social_investment_costs", v1::EXPENSE},
                {"bank", v1::ASSET}});
  log.Policy("fund-line-2011",
             {{"allocation", "equity", "social_investment_fund"},
              {"use", "social_investment_fund", "bank"},
              {"repayment", "bank", "social_investment_fund"},
              {"budget_frame_use", "social_investment_costs", "bank"},
              {"guidelines_repealed", "social_investment_fund", "equity"}},
             std::pair(std::string("social_investment_fund"), 0));
  log.Policy("budget-frame-2015",
             {{"use", "social_investment_costs", "bank"},
              {"repayment", "bank", "social_investment_costs"},
              {"budget_frame_use", "social_investment_costs", "bank"}});
  log.Append("2011-11-03")
      .mutable_fund_established()
      ->set_name("Social investeringsfond");
  log.Append("2011-11-03")
      .mutable_guidelines_adopted()
      ->set_title("Riktlinjer för en social investeringsfond");
  log.Change("2011-11-03", "fund-line-2011");
  log.Allocation("2011-12-31", 10 * kMnkr).set_recorded_on("2012-04-30");
  log.Use("2011-01-01..2017-12-31", 34 * kMnkr / 10)
      .set_recorded_on("2021-11-03");
  v1::Event& change = log.Change("2015-01-01..2015-12-31", "budget-frame-2015",
                                 "rkr-policy-change-2015");
  change.mutable_policy_changed()->set_authority("RKR");
  change.mutable_policy_changed()->set_restate_comparatives(false);
  log.CloseOut("2015-01-01..2015-12-31", "social_investment_fund", "equity",
               "rkr-policy-change-2015");
  log.Append("2016-01-01..2016-12-31")
      .mutable_budget_frame_use()
      ->set_budget_year("2016");
  log.Append("2017-01-01..2017-12-31")
      .mutable_budget_frame_use()
      ->set_budget_year("2017");
  log.Append("2021-11-03")
      .mutable_decision_proposed()
      ->mutable_decision()
      ->set_dnr("KS 2021/568");
  log.Repeal("2021-11-03..");
  return log.records();
}

}  // namespace fundlog::ledger::testing
