#include "core/audit/report_ledger.h"

#include <algorithm>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "core/audit/describe.h"
#include "core/base/dates.h"
#include "core/base/money.h"
#include "core/io/text.h"
#include "core/ledger/ledger.h"

namespace fundlog {
namespace {

// Wide enough for "6 600 000.00 – 10 000 000.00" with room between columns;
// the Swedish form carries " kr" as well.
size_t FigureWidth(Lang lang) { return lang == Lang::kSv ? 35 : 32; }

// The first and last year in which any fact is effective (the start of an
// open period counts; its unknown end does not).
std::pair<int, int> YearSpan(const std::vector<v1::StoredRecord>& records) {
  int first = 9999, last = 0;
  for (const v1::StoredRecord& record : records) {
    for (const std::string& day : {EffectiveFrom(record.event().effective()),
                                   EffectiveTo(record.event().effective())}) {
      if (absl::StatusOr<absl::CivilDay> parsed = ParseDay(day); parsed.ok()) {
        first = std::min(first, static_cast<int>(parsed->year()));
        last = std::max(last, static_cast<int>(parsed->year()));
      }
    }
  }
  return {first, last};
}

// Fund lines per fund: accounts a policy bounds or a close-out empties.
absl::btree_map<std::string, absl::btree_set<std::string>> FundLines(
    const std::vector<v1::StoredRecord>& records) {
  absl::btree_map<std::string, absl::btree_set<std::string>> lines;
  for (const v1::StoredRecord& record : records) {
    const v1::Event& event = record.event();
    if (event.has_fund_established()) lines[event.fund_id()];
    for (const v1::BalanceBound& bound : event.policy_defined().bounds()) {
      lines[event.fund_id()].insert(bound.account());
    }
    if (event.has_close_out()) {
      lines[event.fund_id()].insert(event.close_out().from_account());
    }
  }
  return lines;
}

}  // namespace

absl::StatusOr<std::string> YearEndSection(
    const std::vector<v1::StoredRecord>& records, Lang lang) {
  const Words& w = WordsFor(lang);
  auto [first, last] = YearSpan(records);
  std::string out = absl::StrCat(w.year_end_heading, "\n");
  if (first > last) return absl::StrCat(out, "\n", w.no_facts, "\n");
  for (const auto& [fund, accounts] : FundLines(records)) {
    for (const std::string& account : accounts) {
      absl::StrAppend(&out, "\n", w.fund, fund, w.account, account, "\n",
                      PadRight(w.year, 6));
      for (ledger::View view : ledger::kAllViews) {
        absl::StrAppend(&out,
                        PadRight(ViewLabel(lang, view), FigureWidth(lang)));
      }
      absl::StrAppend(&out, "\n");
      for (int year = first; year <= last + 1; ++year) {
        absl::StrAppend(&out, PadRight(absl::StrCat(year), 6));
        for (ledger::View view : ledger::kAllViews) {
          absl::StatusOr<std::vector<ledger::AccountRange>> balances =
              ledger::Balances(
                  records, ledger::BalanceQuery{absl::CivilDay(year, 12, 31),
                                                std::nullopt, view, fund});
          if (!balances.ok()) return balances.status();
          std::string cell(w.no_such_account);
          for (const ledger::AccountRange& range : *balances) {
            if (range.account == account) {
              cell = MoneyRange(lang, range.min_ore, range.max_ore);
            }
          }
          absl::StrAppend(&out, PadRight(cell, FigureWidth(lang)));
        }
        absl::StrAppend(&out, "\n");
      }
    }
  }
  return out;
}

absl::StatusOr<std::string> TotalsSection(
    const std::vector<v1::StoredRecord>& records, Lang lang) {
  const Words& w = WordsFor(lang);
  // The span of the facts that state an amount, so every one lies inside.
  std::string from = "9999-12-31", to = "0000-01-01";
  absl::btree_map<std::string, CheckedOreSum> stated_sum;
  std::vector<const v1::StoredRecord*> stated;
  for (const v1::StoredRecord& record : records) {
    const v1::Event& event = record.event();
    std::optional<int64_t> amount = StatedAmount(event);
    const std::string end = EffectiveTo(event.effective());
    if (!amount || end.empty()) continue;
    from = std::min(from, EffectiveFrom(event.effective()));
    to = std::max(to, end);
    stated_sum[std::string(event.payload_case() == v1::Event::kAllocation
                               ? "allocation"
                           : event.has_use()       ? "use"
                           : event.has_repayment() ? "repayment"
                                                   : "budget_frame_use")]
        .Add(*amount);
    stated.push_back(&record);
  }
  for (const auto& [kind, sum] : stated_sum) {
    if (sum.overflowed()) {
      return MoneyOverflowError(absl::StrCat("stated amounts of ", kind));
    }
  }
  std::string out = absl::StrCat(w.totals_heading, "\n");
  if (stated.empty()) return absl::StrCat(out, "\n", w.no_stated, "\n");
  absl::StatusOr<absl::CivilDay> from_day = ParseDay(from);
  absl::StatusOr<absl::CivilDay> to_day = ParseDay(to);
  if (!from_day.ok() || !to_day.ok()) return absl::InternalError("bad span");
  // Whole years, as an auditor reads "2011-2017".
  const absl::CivilDay span_from(from_day->year(), 1, 1);
  const absl::CivilDay span_to(to_day->year(), 12, 31);
  absl::StrAppend(&out, "\n", w.period, FormatDay(span_from), w.to,
                  FormatDay(span_to), "\n", PadRight(w.kind, 22));
  for (ledger::View view : ledger::kAllViews) {
    absl::StrAppend(&out, PadRight(ViewLabel(lang, view), FigureWidth(lang)));
  }
  absl::StrAppend(&out, w.stated_in_sources, "\n");
  absl::btree_map<std::string, std::vector<std::string>> cells;
  absl::btree_map<std::string, bool> agrees;
  for (ledger::View view : ledger::kAllViews) {
    absl::StatusOr<std::vector<ledger::KindTotal>> totals = ledger::Totals(
        records,
        ledger::TotalsQuery{span_from, span_to, std::nullopt, view, ""});
    if (!totals.ok()) return totals.status();
    for (const ledger::KindTotal& total : *totals) {
      cells[total.kind].push_back(
          MoneyRange(lang, total.min_ore, total.max_ore));
      auto sum = stated_sum.find(total.kind);
      if (sum != stated_sum.end()) {
        const bool same = total.min_ore == sum->second.ValueOrZero() &&
                          total.max_ore == sum->second.ValueOrZero();
        agrees[total.kind] =
            agrees.contains(total.kind) ? agrees[total.kind] && same : same;
      }
    }
  }
  for (const auto& [kind, row] : cells) {
    absl::StrAppend(&out, PadRight(KindLabel(lang, kind), 22));
    for (const std::string& cell : row) {
      absl::StrAppend(&out, PadRight(cell, FigureWidth(lang)));
    }
    auto sum = stated_sum.find(kind);
    absl::StrAppend(&out,
                    sum == stated_sum.end()
                        ? "-"
                        : absl::StrCat(Money(lang, sum->second.ValueOrZero()),
                                       agrees[kind] ? w.agrees : w.differs),
                    "\n");
  }
  absl::StrAppend(&out, "\n", w.stated_heading, "\n");
  for (const v1::StoredRecord* record : stated) {
    const v1::Event& event = record->event();
    absl::StrAppend(&out, "  ", w.record, record->seq(), "  ",
                    PadRight(EffectiveText(event.effective(), lang), 24),
                    Summarize(event, lang), "\n      ", w.source,
                    SourceText(event.source()), "; \"",
                    event.source().passage(), "\"\n");
  }
  return out;
}

}  // namespace fundlog
