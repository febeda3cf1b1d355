// Verification: replay the records and report every finding; compute seals.
#include <algorithm>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/base/money.h"
#include "core/ledger/ledger.h"
#include "core/ledger/projector.h"
#include "core/ledger/queries.h"
#include "core/store/dates.h"

namespace fundlog::ledger {
namespace {

// Year ends checked at most, the latest kept when a log spans more.
constexpr int kCheckYearsMax = 400;

std::string Range(int64_t lo, int64_t hi) {
  if (lo == hi) return FormatKronor(lo);
  return absl::StrCat(FormatKronor(lo), " – ", FormatKronor(hi));
}

absl::StatusOr<v1::StatementSealed> SealOf(const Projector& projector,
                                           absl::CivilDay as_of,
                                           const std::string& fund_id) {
  v1::StatementSealed seal;
  seal.set_as_of(FormatDay(as_of));
  seal.set_log_size(projector.size());
  seal.set_fund_id(fund_id);
  for (View view : kAllViews) {
    auto balances = projector.BalancesAt({as_of, std::nullopt, view, fund_id});
    if (!balances.ok()) return balances.status();
    v1::SealedView* sealed = seal.add_views();
    sealed->set_view(std::string(ViewName(view)));
    for (const AccountRange& r : *balances) {
      v1::SealedBalance* b = sealed->add_balances();
      b->set_account(r.account);
      b->set_min_ore(r.min_ore);
      b->set_max_ore(r.max_ore);
    }
  }
  return seal;
}

// The first difference between a stored and a replayed view, or "".
std::string Difference(const v1::SealedView& stored,
                       const v1::SealedView& replayed) {
  using Entry = std::tuple<std::string, int64_t, int64_t>;
  std::set<Entry> a, b;
  for (const auto& x : stored.balances()) {
    a.insert({x.account(), x.min_ore(), x.max_ore()});
  }
  for (const auto& x : replayed.balances()) {
    b.insert({x.account(), x.min_ore(), x.max_ore()});
  }
  for (const auto& [account, lo, hi] : a) {
    if (!b.count({account, lo, hi})) {
      return absl::StrCat("account ", account, " sealed ", Range(lo, hi),
                          " does not replay");
    }
  }
  for (const auto& [account, lo, hi] : b) {
    if (!a.count({account, lo, hi})) {
      return absl::StrCat("account ", account, " replays to ", Range(lo, hi),
                          ", not in the seal");
    }
  }
  return "";
}

void CheckSeal(const Projector& projector, const v1::StoredRecord& record,
               LedgerCheck* check) {
  const v1::StatementSealed& stored = record.event().statement_sealed();
  auto add = [&](std::string detail) {
    check->findings.push_back({record.seq(), "seal_mismatch", detail});
  };
  auto as_of = ParseDay(stored.as_of());
  if (!as_of.ok()) return add(std::string(as_of.status().message()));
  auto replayed = SealOf(projector, *as_of, stored.fund_id());
  if (!replayed.ok()) return add(std::string(replayed.status().message()));
  for (const v1::SealedView& view : stored.views()) {
    auto it = std::find_if(
        replayed->views().begin(), replayed->views().end(),
        [&](const v1::SealedView& v) { return v.view() == view.view(); });
    if (it == replayed->views().end()) {
      return add(absl::StrCat("unknown view \"", view.view(), "\""));
    }
    if (std::string d = Difference(view, *it); !d.empty()) {
      return add(absl::StrCat("seal as of ", stored.as_of(), " under ",
                              view.view(), ": ", d));
    }
  }
}

void CheckAssertions(const Projector& projector, LedgerCheck* check) {
  for (const internal::KeptEvent* kept : projector.ActiveAssertions()) {
    const v1::BalanceAsserted& asserted = kept->event.balance_asserted();
    const std::string view_name =
        asserted.view().empty() ? "reported" : asserted.view();
    auto view = ParseView(view_name);
    if (!view.ok()) {
      check->findings.push_back({kept->seq, "assertion_failed",
                                 std::string(view.status().message())});
      continue;
    }
    const absl::CivilDay day = internal::DayFromNumber(kept->from_day);
    auto balances =
        projector.BalancesAt({day, std::nullopt, *view, kept->event.fund_id()});
    if (!balances.ok()) {
      check->findings.push_back({kept->seq, "assertion_failed",
                                 std::string(balances.status().message())});
      continue;
    }
    int64_t lo = 0, hi = 0;
    for (const AccountRange& r : *balances) {
      if (r.account == asserted.account()) {
        lo = r.min_ore;
        hi = r.max_ore;
      }
    }
    const bool holds =
        lo <= asserted.amount_ore() && asserted.amount_ore() <= hi;
    check->assertions.push_back({kept->seq, holds, lo == hi});
    if (!holds) {
      check->findings.push_back(
          {kept->seq, "assertion_failed",
           absl::StrCat("the source says ", asserted.account(), " held ",
                        FormatKronor(asserted.amount_ore()), " on ",
                        FormatDay(day), "; the ledger gives ", Range(lo, hi),
                        " under ", view_name)});
    }
  }
}

// Debits equal credits, and bounds hold, at every year end (and asserted
// day) under every view.
void CheckInvariants(const Projector& projector, uint64_t last_seq,
                     LedgerCheck* check) {
  auto [lo_day, hi_day] = projector.EffectiveDayRange();
  std::set<int32_t> days;
  const int first_year = internal::DayFromNumber(lo_day).year();
  const int last_year = internal::DayFromNumber(hi_day).year();
  for (int y = std::max<int>(first_year, last_year - kCheckYearsMax + 1);
       y <= last_year; ++y) {
    days.insert(internal::DayNumber(absl::CivilDay(y, 12, 31)));
  }
  for (const internal::KeptEvent* kept : projector.ActiveAssertions()) {
    days.insert(kept->from_day);
  }
  internal::QueryContext context(projector, std::nullopt);
  absl::flat_hash_set<std::string> reported;
  for (View view : kAllViews) {
    for (int32_t day : days) {
      const std::string date = FormatDay(internal::DayFromNumber(day));
      auto total = internal::TotalBalances(
          context, {view, internal::EndOf(day), {}}, internal::kNoName);
      if (!total.ok()) {
        check->findings.push_back(
            {last_seq, "query_failed",
             absl::StrCat("as of ", date, " under ", ViewName(view), ": ",
                          total.status().message())});
        continue;
      }
      CheckedOreSum lo, hi;
      for (size_t a = 0; a < total->ranges.min.size(); ++a) {
        lo.Add(total->ranges.min[a]);
        hi.Add(total->ranges.max[a]);
      }
      const bool overflow = lo.overflowed() || hi.overflowed();
      const int64_t sum_lo = lo.ValueOrZero(), sum_hi = hi.ValueOrZero();
      if (overflow || sum_lo > 0 || sum_hi < 0) {
        check->findings.push_back(
            {last_seq, "debits_credits",
             absl::StrCat(
                 "as of ", date, " under ", ViewName(view),
                 " debits minus credits lie in ",
                 overflow ? "an overflowing range" : Range(sum_lo, sum_hi),
                 ", which excludes 0")});
      }
      for (const auto& [fund, c] : total->by_fund) {
        const std::string& account =
            context.names().Text(context.AccountAt(c.first).name);
        const std::string key = absl::StrCat(ViewName(view), "/", fund, "/",
                                             account, "/", c.second);
        if (!reported.insert(key).second) continue;
        check->findings.push_back(
            {c.second, "bound_contradicted",
             absl::StrCat("fund ", context.names().Text(fund), ": ", account,
                          " as of ", date, " under ", ViewName(view),
                          " lies outside the bound this policy declares")});
      }
    }
  }
}

// Names an event refers to that nothing in the log defines, and vouchers
// whose rows do not balance.
absl::Status CheckReferences(const RecordScan& scan, LedgerCheck* check) {
  absl::flat_hash_set<std::string> accounts, policies, changes;
  auto of = [](const v1::StoredRecord& r) -> const v1::Event& {
    const v1::Correction& c = r.event().correction();
    return c.has_replacement() ? c.replacement() : r.event();
  };
  absl::Status defined = scan([&](const v1::StoredRecord& record) {
    const v1::Event& event = of(record);
    for (const auto& a : event.accounts_defined().accounts()) {
      accounts.insert(a.id());
    }
    if (event.has_policy_defined()) {
      policies.insert(event.policy_defined().policy_id());
    }
    if (event.has_policy_changed()) changes.insert(event.event_id());
    return absl::OkStatus();
  });
  if (!defined.ok()) return defined;
  return scan([&](const v1::StoredRecord& record) {
    const v1::Event& event = of(record);
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
      check->findings.push_back(
          {record.seq(), "unbalanced_voucher",
           absl::StrCat("the voucher's rows sum to ",
                        overflow ? "an overflow" : FormatKronor(sum),
                        ", not 0")});
    }
    std::sort(named.begin(), named.end());
    named.erase(std::unique(named.begin(), named.end()), named.end());
    for (const std::string& account : named) {
      if (account.empty() || accounts.contains(account)) continue;
      check->findings.push_back(
          {record.seq(), "undefined_account",
           absl::StrCat("account \"", account,
                        "\" is named but no AccountsDefined defines it")});
    }
    if (event.has_policy_changed() &&
        !policies.contains(event.policy_changed().policy_id())) {
      check->findings.push_back(
          {record.seq(), "undefined_policy",
           absl::StrCat("policy \"", event.policy_changed().policy_id(),
                        "\" is applied but never defined")});
    }
    const std::string& tied = event.close_out().policy_change_event_id();
    if (!tied.empty() && !changes.contains(tied)) {
      check->findings.push_back(
          {record.seq(), "unknown_policy_change",
           absl::StrCat("the close-out belongs to \"", tied,
                        "\", which is no PolicyChanged in the log")});
    }
    return absl::OkStatus();
  });
}

}  // namespace

absl::StatusOr<LedgerCheck> CheckLedgerScanned(const RecordScan& scan) {
  LedgerCheck check;
  // Seals are few: they are kept whole from a first pass, in their order.
  std::vector<v1::StoredRecord> sealed;
  std::vector<std::pair<uint64_t, size_t>> seals;  // (log_size, index)
  absl::Status first = scan([&](const v1::StoredRecord& record) {
    const v1::Event& event = record.event();
    if (!event.has_statement_sealed()) return absl::OkStatus();
    const uint64_t size = event.statement_sealed().log_size();
    if (size > record.seq()) {
      check.findings.push_back({record.seq(), "seal_mismatch",
                                "the seal covers records appended after it"});
      return absl::OkStatus();
    }
    seals.emplace_back(size, sealed.size());
    sealed.push_back(record);
    return absl::OkStatus();
  });
  if (!first.ok()) return first;
  std::sort(seals.begin(), seals.end());
  size_t next_seal = 0;
  Projector projector;
  auto check_seals = [&] {
    for (;
         next_seal < seals.size() && seals[next_seal].first <= projector.size();
         ++next_seal) {
      CheckSeal(projector, sealed[seals[next_seal].second], &check);
    }
  };
  uint64_t last_seq = 0;
  bool stopped = false;
  absl::Status folded = scan([&](const v1::StoredRecord& record) {
    check_seals();
    last_seq = record.seq();
    const absl::Status s = projector.Add(record);
    if (absl::IsFailedPrecondition(s)) {
      check.findings.push_back(
          {record.seq(), "out_of_sequence", std::string(s.message())});
      stopped = true;
      return absl::CancelledError("stop");
    }
    if (!s.ok()) {
      check.findings.push_back(
          {record.seq(), "invalid_event", std::string(s.message())});
    }
    return absl::OkStatus();
  });
  if (!folded.ok() && !stopped) return folded;
  check_seals();
  if (absl::Status s = CheckReferences(scan, &check); !s.ok()) return s;
  CheckAssertions(projector, &check);
  CheckInvariants(projector, last_seq, &check);
  return check;
}

LedgerCheck CheckLedger(absl::Span<const v1::StoredRecord> records) {
  absl::StatusOr<LedgerCheck> check =
      CheckLedgerScanned([&](const RecordVisitor& visit) -> absl::Status {
        for (const v1::StoredRecord& record : records) {
          if (absl::Status s = visit(record); !s.ok()) return s;
        }
        return absl::OkStatus();
      });
  // The visitors return errors only to stop the fold, which is handled.
  return check.ok() ? *std::move(check) : LedgerCheck{};
}

absl::StatusOr<v1::StatementSealed> SealFrom(const Projector& projector,
                                             absl::CivilDay as_of,
                                             const std::string& fund_id) {
  return SealOf(projector, as_of, fund_id);
}

absl::StatusOr<v1::StatementSealed> ComputeSeal(
    absl::Span<const v1::StoredRecord> records, absl::CivilDay as_of,
    const std::string& fund_id) {
  Projector projector;
  for (const v1::StoredRecord& record : records) {
    if (auto s = projector.Add(record); !s.ok()) return s;
  }
  return SealOf(projector, as_of, fund_id);
}

}  // namespace fundlog::ledger
