// The Converter's per-object figures: #OIB 0, #OUB 0 and #PSALDO 0 with an
// object list (SIE 4B), kept as ObjectBalances events (events.proto): a
// breakdown of an account's figure by dimension object, never added to the
// account's own balance. Checked against the account's own figures where the
// file states both; a contradiction is a finding, never a fix.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_convert.h"

namespace fundlog::sie::internal {
namespace {

absl::Status Bad(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

const std::string& Text(const Line& line, size_t i) {
  static const std::string* const kEmpty = new std::string();
  return i < line.fields.size() && !line.fields[i].is_list ? line.fields[i].text
                                                           : *kEmpty;
}

constexpr int kOpening = v1::ObjectBalances::OPENING;
constexpr int kClosing = v1::ObjectBalances::CLOSING;
constexpr int kMovement = v1::ObjectBalances::PERIOD_MOVEMENT;

const char* LabelOf(int kind) {
  return kind == kOpening ? "#OIB" : kind == kClosing ? "#OUB" : "#PSALDO";
}

// "YYYYMM" -> YYYYMM, or 0 when it is not a month.
int ParseMonth(absl::string_view text) {
  int month = 0;
  if (text.size() != 6 || !absl::SimpleAtoi(text, &month) || month % 100 < 1 ||
      month % 100 > 12 || month / 100 < 1900) {
    return 0;
  }
  return month;
}

std::string ObjectsText(
    const std::vector<std::pair<std::string, std::string>>& objects) {
  std::string out;
  for (const auto& [dim, object] : objects) {
    absl::StrAppend(&out, out.empty() ? "" : " ", dim, " \"", object, "\"");
  }
  return absl::StrCat("{", out, "}");
}

// Whether a breakdown summing to `sum` is larger in size than the
// account's own `figure`. (Of the other sign is no contradiction: rows
// without an object of that dimension may carry the rest either way.)
bool Exceeds(int64_t sum, int64_t figure) {
  const uint64_t a = sum < 0 ? 0 - static_cast<uint64_t>(sum) : sum;
  const uint64_t b = figure < 0 ? 0 - static_cast<uint64_t>(figure) : figure;
  return a > b;
}

}  // namespace

void Converter::PeriodTotal(const Line& line) {
  if (Text(line, 0) != "0") return;
  const int month = ParseMonth(Text(line, 1));
  absl::StatusOr<int64_t> amount = ParseAmount(Text(line, 4));
  if (month == 0 || !amount.ok()) return;  // PeriodBalance names it
  period_totals_[{month, Text(line, 2)}] += *amount;
}

// #OIB årsnr konto {objekt} saldo, #OUB likewise, #PSALDO årsnr period konto
// {objekt} saldo; in fundlog's exports also #FUNDLOG_OBJEKTSALDO OIB|OUB
// YYYYMMDD konto {objekt} saldo, for a day SIE's year index cannot name.
absl::Status Converter::ObjectFigure(const Line& line) {
  const std::string& label = line.label;
  int kind = label == "#OIB" ? kOpening : label == "#OUB" ? kClosing : 0;
  int period = 0;
  size_t at = 1;  // the account's field
  std::optional<absl::CivilDay> day;
  if (label == "#PSALDO") {
    kind = kMovement;
    at = 2;
  } else if (label == "#FUNDLOG_OBJEKTSALDO") {
    kind = Text(line, 0) == "OIB"   ? kOpening
           : Text(line, 0) == "OUB" ? kClosing
                                    : 0;
    if (kind == 0) {
      return Bad(absl::StrCat(label, " kind \"", Text(line, 0).substr(0, 16),
                              "\" is not OIB or OUB"));
    }
    absl::StatusOr<absl::CivilDay> parsed = ParseSieDay(Text(line, 1));
    if (!parsed.ok()) return parsed.status();
    day = *parsed;
    at = 2;
  }
  if (!day.has_value() && Text(line, 0) != "0") {
    ++ignored_[absl::StrCat(label, " (other years)")];
    return absl::OkStatus();
  }
  if (kind == kMovement) {
    period = ParseMonth(Text(line, 1));
    if (period == 0) {
      return Bad(absl::StrCat("#PSALDO period \"", Text(line, 1).substr(0, 16),
                              "\" is not YYYYMM (SIE 4B, #PSALDO)"));
    }
  }
  if (line.fields.size() <= at + 1 || !line.fields[at + 1].is_list) {
    return Bad(absl::StrCat(label, " without its object list (SIE 4B, ",
                            label == "#PSALDO" ? "#PSALDO" : label,
                            ": konto {objekt} saldo)"));
  }
  const std::vector<std::string>& items = line.fields[at + 1].items;
  if (items.empty() || items.size() % 2 != 0) {
    return Bad(absl::StrCat(label, ": the object list {",
                            items.empty() ? "" : items[0].substr(0, 16),
                            items.empty() ? "} is empty" : " ...} is not pairs",
                            " of dimension and object (SIE 4B, objektlista)"));
  }
  const std::string& number = Text(line, at);
  absl::StatusOr<AccountInfo*> info = Use(number, label);
  if (!info.ok()) return info.status();
  absl::StatusOr<int64_t> amount = ParseAmount(Text(line, at + 2));
  if (!amount.ok()) return amount.status();
  ObjectRow row;
  row.account = number;
  row.amount = *amount;
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    row.objects.emplace_back(items[i], items[i + 1]);
  }
  std::sort(row.objects.begin(), row.objects.end());
  // A fundlog export's own day is a key of its own (kind, -YYYYMMDD).
  const std::pair<int, int> key =
      day.has_value()
          ? std::make_pair(kind,
                           -static_cast<int>(day->year() * 10000 +
                                             day->month() * 100 + day->day()))
          : std::make_pair(kind, period);
  if (day.has_value()) object_days_[key] = *day;
  object_figures_[key].push_back(std::move(row));
  return absl::OkStatus();
}

absl::Status Converter::ObjectFigures() {
  if (object_figures_.empty()) return absl::OkStatus();
  std::vector<std::string> findings;
  // (1) Per account and dimension: the objects' sum against the account's
  // own figure, where the file states it.
  std::map<std::string, int64_t> opening, closing;
  for (const auto& [number, amount] : opening_) opening[number] += amount;
  for (const v1::Event& event : closing_) {
    closing[event.balance_asserted().account()] +=
        event.balance_asserted().amount_ore();
  }
  for (const auto& [key, rows] : object_figures_) {
    if (object_days_.contains(key)) continue;  // an export's own dating
    std::map<std::pair<std::string, std::string>, int64_t> sums;
    for (const ObjectRow& row : rows) {
      for (const auto& [dim, object] : row.objects) {
        sums[{row.account, dim}] += row.amount;
      }
    }
    for (const auto& [account_dim, sum] : sums) {
      const std::string& number = account_dim.first;
      std::optional<int64_t> figure;
      std::string stated;
      if (key.first == kOpening && opening.contains(number)) {
        figure = opening[number];
        stated = "#IB 0";
      } else if (key.first == kClosing && closing.contains(number)) {
        figure = closing[number];
        stated = "#UB 0/#RES 0";
      } else if (key.first == kMovement &&
                 period_totals_.contains({key.second, number})) {
        figure = period_totals_[{key.second, number}];
        stated = absl::StrCat("#PSALDO 0 ", key.second, " {}");
      }
      if (!figure || !Exceeds(sum, *figure)) continue;
      findings.push_back(absl::StrCat(
          LabelOf(key.first), " 0", key.first == kMovement ? " " : "",
          key.first == kMovement ? absl::StrCat(key.second) : "",
          " of account ", number, ": the objects of dimension ",
          account_dim.second, " sum to ", Kronor(sum), " kr, more in size ",
          "than the account's own ", stated, " of ", Kronor(*figure),
          " kr: rows without an object of that dimension would have to carry ",
          Kronor(*figure - sum), " kr; both kept as the file states them"));
    }
  }
  // (2) Per account and object: #OIB 0 + Σ#PSALDO 0 = #OUB 0 where the
  // file states all three kinds (a missing #OIB is zero, as files leave
  // zero balances out).
  const bool all_three = object_figures_.contains({kOpening, 0}) &&
                         object_figures_.contains({kClosing, 0});
  bool any_movement = false;
  std::map<std::pair<std::string, std::string>, int64_t> expected;
  std::map<std::pair<std::string, std::string>, bool> moved;
  for (const auto& [key, rows] : object_figures_) {
    if (object_days_.contains(key) || key.first == kClosing) continue;
    any_movement |= key.first == kMovement;
    for (const ObjectRow& row : rows) {
      const auto id = std::make_pair(row.account, ObjectsText(row.objects));
      expected[id] += row.amount;
      if (key.first == kMovement) moved[id] = true;
    }
  }
  if (all_three && any_movement) {
    for (const ObjectRow& row : object_figures_[{kClosing, 0}]) {
      const auto id = std::make_pair(row.account, ObjectsText(row.objects));
      if (!moved[id] || expected[id] == row.amount) continue;
      findings.push_back(absl::StrCat(
          "account ", row.account, " object ", id.second, ": #OIB 0 plus its ",
          "#PSALDO 0 months give ", Kronor(expected[id]), " kr, but #OUB 0 ",
          "states ", Kronor(row.amount), " kr; both kept as the file ",
          "states them"));
    }
  }
  // The events: one per kind and month (and per 2000 rows, so that each
  // stays well below the store's bound on one event).
  constexpr size_t kRowsPerEvent = 2000;
  size_t figures = 0;
  for (const auto& [key, rows] : object_figures_) {
    const auto [kind, period] = key;
    const absl::CivilDay day =
        object_days_.contains(key) ? object_days_[key]
        : kind == kOpening         ? *year_start_
        : kind == kClosing
            ? BalanceDay()
            : absl::CivilDay(absl::CivilMonth(period / 100, period % 100) + 1) -
                  1;
    for (size_t first = 0; first < rows.size(); first += kRowsPerEvent) {
      v1::Event* event = NewEvent(absl::StrCat(
          "objects-", LabelOf(kind) + 1,
          kind == kMovement ? absl::StrCat("-", period) : "",
          object_days_.contains(key) ? absl::StrCat("-", DayText(day)) : "",
          first > 0 ? absl::StrCat("-", first / kRowsPerEvent) : ""));
      event->mutable_effective()->set_day(DayText(day));
      event->set_recorded_on(DayText(generated_.value_or(day)));
      event->mutable_source()->set_reference(absl::StrCat(
          LabelOf(kind), " 0",
          kind == kMovement ? absl::StrCat(" ", period) : "", " with objects"));
      event->set_note(absl::StrCat(
          LabelOf(kind), " 0: the file's figures per dimension object, a ",
          "breakdown of the accounts' figures, not added to them"));
      v1::ObjectBalances* out = event->mutable_object_balances();
      out->set_kind(static_cast<v1::ObjectBalances::Kind>(kind));
      if (kind == kMovement) {
        out->set_period(absl::StrCat(
            period / 100, "-", period % 100 < 10 ? "0" : "", period % 100));
      }
      for (size_t i = first; i < rows.size() && i < first + kRowsPerEvent;
           ++i) {
        v1::ObjectAmount* amount = out->add_rows();
        amount->set_account(AccountId(rows[i].account));
        amount->set_amount_ore(rows[i].amount);
        for (const auto& [dim, object] : rows[i].objects) {
          (*amount->mutable_objects())[dim] = object;
        }
        ++figures;
      }
      batch_bytes_ += event->ByteSizeLong();
      if (auto s = Flush(false); !s.ok()) return s;
    }
  }
  summary_->notes.push_back(absl::StrCat(
      "kept ", figures, " per-object figure(s) (#OIB/#OUB/#PSALDO with ",
      "objects) as a breakdown of their accounts' figures, not added to them ",
      "(`balance --by-object` shows them)"));
  // The first five are named; the rest counted.
  constexpr size_t kNamed = 5;
  for (size_t i = 0; i < findings.size() && i < kNamed; ++i) {
    summary_->notes.push_back(absl::StrCat("finding: ", findings[i]));
  }
  if (findings.size() > kNamed) {
    summary_->notes.push_back(absl::StrCat(
        "finding: ", findings.size() - kNamed, " more per-object figure(s) ",
        "disagree with their accounts' figures in the same ways"));
  }
  return absl::OkStatus();
}

}  // namespace fundlog::sie::internal
