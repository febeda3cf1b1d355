#include "core/audit/object_view.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/dates.h"
#include "core/base/money.h"

namespace fundlog {
namespace {

using Key = std::pair<std::string, std::map<std::string, std::string>>;

struct Dated {
  absl::CivilDay day;
  int64_t ore;
};

}  // namespace

std::vector<const v1::Event*> EventsInEffect(
    absl::Span<const v1::StoredRecord> records,
    std::optional<absl::CivilDay> known_at) {
  // Versions of each original record (a correction of a correction joins
  // its original's chain), as the projector keeps them: ordered by the day
  // they became known, then by seq; a reversal is a version with no event.
  struct Version {
    absl::CivilDay known_from;
    uint64_t seq;
    const v1::Event* event;
  };
  std::map<uint64_t, std::vector<Version>> chains;
  std::map<uint64_t, uint64_t> root_of;
  for (const v1::StoredRecord& record : records) {
    const v1::Event& event = record.event();
    absl::StatusOr<absl::CivilDay> known = ParseDay(event.recorded_on());
    if (!known.ok()) continue;  // verify names such a record
    if (!event.has_correction()) {
      chains[record.seq()].push_back({*known, record.seq(), &event});
      continue;
    }
    const v1::Correction& correction = event.correction();
    auto root = root_of.find(correction.corrected_seq());
    const uint64_t original =
        root == root_of.end() ? correction.corrected_seq() : root->second;
    root_of[record.seq()] = original;
    chains[original].push_back(
        {*known, record.seq(),
         correction.has_replacement() ? &correction.replacement() : nullptr});
  }
  std::vector<const v1::Event*> out;
  for (auto& [seq, chain] : chains) {
    // The original must be in the log and known; the last version known by
    // `known_at` (or the last of all) is the one in effect.
    if (chain.front().seq != seq) continue;
    std::stable_sort(chain.begin() + 1, chain.end(),
                     [](const Version& a, const Version& b) {
                       return std::pair(a.known_from, a.seq) <
                              std::pair(b.known_from, b.seq);
                     });
    const Version* in_effect = nullptr;
    for (const Version& v : chain) {
      if (known_at && v.known_from > *known_at) break;
      in_effect = &v;
    }
    if (in_effect != nullptr && in_effect->event != nullptr) {
      out.push_back(in_effect->event);
    }
  }
  return out;
}

std::vector<ObjectFigure> ObjectFiguresAt(
    absl::Span<const v1::StoredRecord> records, absl::CivilDay as_of,
    std::optional<absl::CivilDay> known_at, const std::string& fund_id) {
  // Per key: the stated balances (an opening counts the movements of its
  // own day, a closing only later ones) and the months' movements.
  std::map<Key, std::vector<std::pair<Dated, v1::ObjectBalances::Kind>>> stated;
  std::map<Key, std::vector<Dated>> moved;
  for (const v1::Event* in_effect : EventsInEffect(records, known_at)) {
    const v1::Event& event = *in_effect;
    if (!event.has_object_balances()) continue;
    if (!fund_id.empty() && event.fund_id() != fund_id) continue;
    absl::StatusOr<absl::CivilDay> day = ParseDay(event.effective().day());
    if (!day.ok() || *day > as_of) continue;
    const v1::ObjectBalances& figures = event.object_balances();
    for (const v1::ObjectAmount& row : figures.rows()) {
      Key key{row.account(), {row.objects().begin(), row.objects().end()}};
      if (figures.kind() == v1::ObjectBalances::PERIOD_MOVEMENT) {
        moved[key].push_back({*day, row.amount_ore()});
      } else {
        stated[key].push_back({{*day, row.amount_ore()}, figures.kind()});
        moved.try_emplace(key);
      }
    }
  }
  std::vector<ObjectFigure> out;
  for (const auto& [key, movements] : moved) {
    ObjectFigure figure;
    figure.account = key.first;
    figure.objects = key.second;
    // The latest stated balance; on one day a closing follows an opening.
    std::optional<std::pair<Dated, v1::ObjectBalances::Kind>> latest;
    if (auto it = stated.find(key); it != stated.end()) {
      for (const auto& candidate : it->second) {
        if (!latest || candidate.first.day > latest->first.day ||
            (candidate.first.day == latest->first.day &&
             candidate.second == v1::ObjectBalances::CLOSING)) {
          latest = candidate;
        }
      }
    }
    if (latest) {
      figure.stated_ore = latest->first.ore;
      figure.stated_day = latest->first.day;
      figure.stated_kind =
          latest->second == v1::ObjectBalances::OPENING ? "opening" : "closing";
    }
    for (const Dated& m : movements) {
      if (latest && (m.day < latest->first.day ||
                     (m.day == latest->first.day &&
                      latest->second == v1::ObjectBalances::CLOSING))) {
        continue;
      }
      figure.movements_ore += m.ore;
      ++figure.months;
    }
    out.push_back(std::move(figure));
  }
  return out;
}

std::string ObjectFiguresTable(const std::vector<ObjectFigure>& figures) {
  if (figures.empty()) {
    return "No per-object figures (#OIB/#OUB/#PSALDO with objects) in the "
           "log.\n";
  }
  std::string out =
      absl::StrFormat("%-24s %-24s %-34s %16s %16s\n", "account", "objects",
                      "stated balance (debit +)", "months after it", "balance");
  for (const ObjectFigure& f : figures) {
    std::string objects;
    for (const auto& [dim, object] : f.objects) {
      absl::StrAppend(&objects, objects.empty() ? "" : " ", dim, ":", object);
    }
    const std::string stated =
        f.stated_ore
            ? absl::StrCat(FormatKronor(*f.stated_ore), " (", f.stated_kind,
                           " ", FormatDay(f.stated_day), ")")
            : std::string("none stated");
    absl::StrAppend(
        &out,
        absl::StrFormat(
            "%-24s %-24s %-34s %16s %16s\n", f.account, objects, stated,
            absl::StrCat(FormatKronor(f.movements_ore), " (", f.months, ")"),
            FormatKronor(f.balance_ore())));
  }
  absl::StrAppend(&out,
                  "\nA breakdown by dimension object as the sources state it "
                  "(#OIB/#OUB/#PSALDO); not added to the accounts' "
                  "balances above.\n");
  return out;
}

}  // namespace fundlog
