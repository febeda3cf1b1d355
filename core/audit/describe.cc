#include "core/audit/describe.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/audit/lang.h"
#include "core/base/money.h"

namespace fundlog {
namespace {

// Accounting and correction summaries stay in English in both languages
// (they name accounts and policies by their ids).
std::string Kronor(int64_t ore) { return MoneyInText(Lang::kEn, ore); }

std::string BodyText(const v1::Decision& decision, const Words& w) {
  std::string body = v1::DecisionBody_Name(decision.body());
  if (decision.body() == v1::DECISION_BODY_UNSPECIFIED)
    body = std::string(w.unknown_body);
  if (decision.body() == v1::ADMINISTRATION)
    body = std::string(w.administration);
  if (decision.body() == v1::NAMND) body = std::string(w.a_namnd);
  if (!decision.body_name().empty()) {
    absl::StrAppend(&body, " (", decision.body_name(), ")");
  }
  return body;
}

std::string DecisionDetails(const v1::Decision& decision, const Words& w) {
  std::vector<std::string> parts;
  parts.push_back(decision.meeting_date().empty()
                      ? std::string(w.meeting_unstated)
                      : absl::StrCat(w.meeting, decision.meeting_date()));
  if (!decision.paragraph().empty()) parts.push_back(decision.paragraph());
  if (!decision.dnr().empty())
    parts.push_back(absl::StrCat("dnr ", decision.dnr()));
  std::string out = absl::StrJoin(parts, ", ");
  if (!decision.att_clauses().empty()) {
    absl::StrAppend(&out, "; ", absl::StrJoin(decision.att_clauses(), " "));
  }
  if (!decision.sent_to().empty()) {
    absl::StrAppend(&out, "; ", w.sent_to,
                    absl::StrJoin(decision.sent_to(), ", "));
  }
  return out;
}

std::string Units(const google::protobuf::RepeatedPtrField<std::string>& units,
                  const Words& w) {
  // What a source may leave open is who used the money and how much each:
  // the amount itself is stated (in kronor) whenever it is printed.
  if (units.empty()) return std::string(w.units_unstated);
  if (units.size() == 1) return absl::StrCat(w.by, units[0]);
  return absl::StrCat(w.by, absl::StrJoin(units, ", "), w.split_unstated);
}

std::string SummarizeMoney(const v1::Event& event, Lang lang) {
  const Words& w = WordsFor(lang);
  auto money = [lang](int64_t ore) { return MoneyInText(lang, ore); };
  switch (event.payload_case()) {
    case v1::Event::kAllocation:
      return absl::StrCat(
          w.set_aside, money(event.allocation().amount_ore()),
          event.allocation().decided_by().empty()
              ? ""
              : absl::StrCat(" (", w.decided_by,
                             event.allocation().decided_by(), ")"));
    case v1::Event::kUse:
      return absl::StrCat(w.used, money(event.use().amount_ore()), " (",
                          Units(event.use().units(), w), ")");
    case v1::Event::kRepayment:
      return absl::StrCat(
          w.repaid, money(event.repayment().amount_ore()),
          event.repayment().unit().empty()
              ? ""
              : absl::StrCat(" ", w.by, event.repayment().unit()));
    case v1::Event::kCloseOut:
      return absl::StrCat(
          w.close_out, event.close_out().from_account(), w.moves_to,
          event.close_out().to_account(),
          event.close_out().policy_change_event_id().empty()
              ? ""
              : absl::StrCat(" (", w.transition_of,
                             event.close_out().policy_change_event_id(), ")"));
    case v1::Event::kBudgetFrameUse: {
      const v1::BudgetFrameUse& use = event.budget_frame_use();
      return absl::StrCat(
          w.budget_frame,
          use.budget_year().empty() ? w.years_frame : use.budget_year(),
          w.budget_frame_end,
          use.has_amount_ore() ? money(use.amount_ore())
                               : std::string(w.amount_unstated),
          ")");
    }
    case v1::Event::kVoucher: {
      const v1::Voucher& voucher = event.voucher();
      CheckedOreSum debits;
      for (const v1::VoucherRow& row : voucher.rows()) {
        if (row.amount_ore() > 0) debits.Add(row.amount_ore());
      }
      return absl::StrCat(
          "Voucher ", voucher.series(), " ", voucher.number(), ": ",
          voucher.text(), " (", voucher.rows_size(), " rows, ",
          debits.overflowed() ? std::string("debits overflow int64")
                              : money(debits.ValueOrZero()),
          ")");
    }
    case v1::Event::kOpeningBalances:
      return absl::StrCat("Opening balances for ",
                          event.opening_balances().balances_size(),
                          " accounts");
    default:
      return "";
  }
}

std::string SummarizeAccounting(const v1::Event& event) {
  switch (event.payload_case()) {
    case v1::Event::kAccountsDefined: {
      std::vector<std::string> names;
      for (const v1::Account& account : event.accounts_defined().accounts()) {
        names.push_back(
            absl::StrCat(account.id(), " \"", account.name(), "\""));
      }
      return absl::StrCat("Accounts defined: ", absl::StrJoin(names, ", "));
    }
    case v1::Event::kPolicyDefined:
      return absl::StrCat("Policy ", event.policy_defined().policy_id(),
                          " defined: ", event.policy_defined().name(), " (",
                          event.policy_defined().rules_size(), " rules, ",
                          event.policy_defined().bounds_size(), " bounds)");
    case v1::Event::kPolicyChanged:
      return absl::StrCat(
          "Policy ", event.policy_changed().policy_id(),
          " applies (authority: ", event.policy_changed().authority(),
          event.policy_changed().restate_comparatives()
              ? "; comparatives restated"
              : "",
          ")");
    case v1::Event::kBalanceAsserted:
      return absl::StrCat("Asserted: ", event.balance_asserted().account(),
                          " holds ",
                          Kronor(event.balance_asserted().amount_ore()));
    case v1::Event::kCorrection: {
      const v1::Correction& correction = event.correction();
      return absl::StrCat(
          "Corrects #", correction.corrected_seq(), " by ",
          correction.has_replacement() ? "replacement" : "reversal", ": ",
          correction.reason());
    }
    case v1::Event::kStatementSealed:
      return absl::StrCat("Statement sealed as of ",
                          event.statement_sealed().as_of(), " (",
                          event.statement_sealed().views_size(), " views, ",
                          event.statement_sealed().log_size(), " records)");
    default:
      return "";
  }
}

}  // namespace

std::optional<int64_t> StatedAmount(const v1::Event& event) {
  switch (event.payload_case()) {
    case v1::Event::kAllocation:
      return event.allocation().amount_ore();
    case v1::Event::kUse:
      return event.use().amount_ore();
    case v1::Event::kRepayment:
      return event.repayment().amount_ore();
    case v1::Event::kBudgetFrameUse:
      if (event.budget_frame_use().has_amount_ore()) {
        return event.budget_frame_use().amount_ore();
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::string EffectiveFrom(const v1::Effective& effective) {
  return effective.has_period() ? effective.period().from() : effective.day();
}

std::string EffectiveTo(const v1::Effective& effective) {
  return effective.has_period() ? effective.period().to() : effective.day();
}

std::string EffectiveText(const v1::Effective& effective, Lang lang) {
  if (!effective.has_period()) return effective.day();
  const std::string& to = effective.period().to();
  return absl::StrCat(effective.period().from(), "..",
                      to.empty() ? std::string(WordsFor(lang).open_end) : to);
}

std::string SourceText(const v1::Source& source) {
  std::vector<std::string> parts = {source.title()};
  if (!source.reference().empty()) parts.push_back(source.reference());
  if (!source.date().empty()) parts.push_back(source.date());
  return absl::StrJoin(parts, ", ");
}

std::string Summarize(const v1::Event& event, Lang lang) {
  const Words& w = WordsFor(lang);
  switch (event.payload_case()) {
    case v1::Event::kFundEstablished:
      return absl::StrCat(
          w.fund_established, event.fund_established().name(),
          event.fund_established().organisation().empty()
              ? ""
              : absl::StrCat(" (", event.fund_established().organisation(),
                             ")"));
    case v1::Event::kGuidelinesAdopted:
      return absl::StrCat(
          w.guidelines, "\"", event.guidelines_adopted().title(), "\"",
          w.adopted_by, BodyText(event.guidelines_adopted().decision(), w),
          ", ", DecisionDetails(event.guidelines_adopted().decision(), w));
    case v1::Event::kDecisionProposed: {
      std::vector<std::string> chain;
      for (int body : event.decision_proposed().chain()) {
        chain.push_back(v1::DecisionBody_Name(body));
      }
      return absl::StrCat(
          w.proposed_by, BodyText(event.decision_proposed().decision(), w),
          chain.empty()
              ? ""
              : absl::StrCat(" (", w.via, absl::StrJoin(chain, " -> "), ")"),
          ": ", DecisionDetails(event.decision_proposed().decision(), w));
    }
    case v1::Event::kDecisionTaken:
      return absl::StrCat(
          w.decided_by_body, BodyText(event.decision_taken().decision(), w),
          ": ", DecisionDetails(event.decision_taken().decision(), w));
    case v1::Event::kGuidelinesRepealed:
      return absl::StrCat(
          w.guidelines, "\"", event.guidelines_repealed().title(), "\"",
          w.repealed_by, BodyText(event.guidelines_repealed().decision(), w),
          ", ", DecisionDetails(event.guidelines_repealed().decision(), w));
    case v1::Event::PAYLOAD_NOT_SET:
      return "(no payload)";
    default:
      break;
  }
  std::string money = SummarizeMoney(event, lang);
  return money.empty() ? SummarizeAccounting(event) : money;
}

}  // namespace fundlog
