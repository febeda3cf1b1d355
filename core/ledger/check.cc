// Verification: replay the records and report every finding; compute seals.
#include <algorithm>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/base/dates.h"
#include "core/base/money.h"
#include "core/ledger/ledger.h"
#include "core/ledger/projector.h"
#include "core/ledger/queries.h"
#include "core/ledger/references.h"

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
               std::vector<Finding>* findings) {
  const v1::StatementSealed& stored = record.event().statement_sealed();
  auto add = [&](std::string detail) {
    findings->push_back({record.seq(), "seal_mismatch", detail});
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

}  // namespace

namespace {

// A finding of the replay, placed where the four-pass check (seals, replay,
// names defined, names used) put it, so that the order stays the same: by
// the replay's size, a seal's comparison at its size (seals by seq) before
// the finding of the record folded there.
struct Placed {
  uint64_t at = 0;
  int phase = 0;  // 0 a seal, 1 the record folded at `at`
  uint64_t seq = 0;
  Finding finding;
};

struct SealAt {
  uint64_t size = 0;  // the records it covers
  v1::StoredRecord record;
};

}  // namespace

struct LedgerChecker::State {
  ReplayObserver observe;
  LedgerCheck check;
  std::vector<Finding> early;  // seals covering records appended after them
  std::vector<Placed> placed;
  // Seals covering fewer records than precede them: the replay has passed
  // their size when it meets them, so a second replay checks them. A seal
  // appended by `seal` covers exactly the records before it.
  std::vector<SealAt> deferred;
  internal::References references;
  Projector projector;
  uint64_t last_seq = 0;
  bool stopped = false;

  void SealFound(const v1::StoredRecord& record, bool replayed_here) {
    const uint64_t size = record.event().statement_sealed().log_size();
    if (size > record.seq()) {
      early.push_back({record.seq(), "seal_mismatch",
                       "the seal covers records appended after it"});
    } else if (replayed_here && size == projector.size()) {
      std::vector<Finding> found;
      CheckSeal(projector, record, &found);
      for (Finding& f : found) {
        placed.push_back({size, 0, record.seq(), std::move(f)});
      }
    } else {
      deferred.push_back({size, record});
    }
  }
};

LedgerChecker::LedgerChecker(ReplayObserver observe)
    : state_(std::make_unique<State>()) {
  state_->observe = std::move(observe);
}

LedgerChecker::~LedgerChecker() = default;

void LedgerChecker::Visit(const v1::StoredRecord& record) {
  State& st = *state_;
  st.references.Visit(record);
  if (st.stopped) {
    // The records past the stop still count for the seals and the names.
    if (record.event().has_statement_sealed()) st.SealFound(record, false);
    return;
  }
  if (st.observe) st.observe(st.projector);
  const uint64_t at = st.projector.size();
  if (record.event().has_statement_sealed()) st.SealFound(record, true);
  st.last_seq = record.seq();
  const absl::Status s = st.projector.Add(record);
  if (absl::IsFailedPrecondition(s)) {
    st.placed.push_back(
        {at,
         1,
         0,
         {record.seq(), "out_of_sequence", std::string(s.message())}});
    st.stopped = true;
    return;
  }
  if (!s.ok()) {
    st.placed.push_back(
        {at, 1, 0, {record.seq(), "invalid_event", std::string(s.message())}});
  }
}

absl::StatusOr<LedgerCheck> LedgerChecker::Finish(const RecordScan& scan) {
  State& st = *state_;
  // The assertions and the year ends are queries without known_at: the
  // prefix sums by day answer each in O(log n) instead of a pass over every
  // fact (the answers are the same either way, projector.h). Built before
  // the observer runs, which then digests the query and known states from
  // this index instead of building its own.
  st.projector.IndexForQueries();
  if (st.observe) st.observe(st.projector);
  // Seals the replay passed before it met them; those covering more than it
  // reached are not checked (a stopped replay).
  std::vector<SealAt>& deferred = st.deferred;
  std::erase_if(deferred, [&](const SealAt& seal) {
    return seal.size > st.projector.size();
  });
  if (!deferred.empty()) {
    std::stable_sort(
        deferred.begin(), deferred.end(),
        [](const SealAt& a, const SealAt& b) { return a.size < b.size; });
    Projector again;
    size_t next = 0;
    auto check_due = [&] {
      for (; next < deferred.size() && deferred[next].size == again.size();
           ++next) {
        std::vector<Finding> found;
        CheckSeal(again, deferred[next].record, &found);
        for (Finding& f : found) {
          st.placed.push_back({deferred[next].size, 0,
                               deferred[next].record.seq(), std::move(f)});
        }
      }
    };
    absl::Status replayed = scan([&](const v1::StoredRecord& record) {
      check_due();
      if (next == deferred.size()) return absl::CancelledError("done");
      (void)again.Add(record);  // its findings came from the first replay
      return absl::OkStatus();
    });
    if (!replayed.ok() && !absl::IsCancelled(replayed)) return replayed;
    check_due();
  }
  std::stable_sort(
      st.placed.begin(), st.placed.end(), [](const Placed& a, const Placed& b) {
        return std::tie(a.at, a.phase, a.seq) < std::tie(b.at, b.phase, b.seq);
      });
  LedgerCheck& check = st.check;
  check.findings = std::move(st.early);
  for (Placed& p : st.placed) check.findings.push_back(std::move(p.finding));
  st.references.Finish(&check.findings);
  CheckAssertions(st.projector, &check);
  CheckInvariants(st.projector, st.last_seq, &check);
  return std::move(check);
}

absl::StatusOr<LedgerCheck> CheckLedgerScanned(const RecordScan& scan,
                                               const ReplayObserver& observe) {
  LedgerChecker checker(observe);
  absl::Status read = scan([&](const v1::StoredRecord& record) {
    checker.Visit(record);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return checker.Finish(scan);
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
