// The Converter's stated balances (SIE types 1-3): #PSALDO months and the
// year's movement derived from #UB 0/#RES 0 (see sie_convert.h).
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
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

}  // namespace

// #PSALDO årsnr period konto {objekt} saldo: the account's movement in the
// calendar month YYYYMM. Kept for year 0 and the account's total (an empty
// object list); per-object rows and other years are counted, not imported.
absl::Status Converter::PeriodBalance(const Line& line) {
  const bool total = line.fields.size() > 3 && line.fields[3].is_list &&
                     line.fields[3].items.empty();
  if (Text(line, 0) != "0" || !total) {
    ++ignored_[absl::StrCat(
        line.label, Text(line, 0) == "0" ? " (per object)" : " (other years)")];
    return absl::OkStatus();
  }
  int month = 0;
  const std::string& period = Text(line, 1);
  if (period.size() != 6 || !absl::SimpleAtoi(period, &month) ||
      month % 100 < 1 || month % 100 > 12) {
    return Bad(absl::StrCat("#PSALDO period \"", period.substr(0, 16),
                            "\" is not YYYYMM (SIE 4B, #PSALDO)"));
  }
  absl::StatusOr<AccountInfo*> info = Use(Text(line, 2), line.label);
  if (!info.ok()) return info.status();
  absl::StatusOr<int64_t> amount = ParseAmount(Text(line, 4));
  if (!amount.ok()) return amount.status();
  periods_[month].emplace_back(Text(line, 2), *amount);
  return absl::OkStatus();
}

// Types 2-3: each month's #PSALDO becomes a derived voucher dated the month's
// last day, when its rows sum to zero (they do when the file covers the
// whole chart); a month that does not is left to the year's movement and
// reported.
absl::Status Converter::DerivedMonths() {
  const absl::CivilDay last = BalanceDay();
  for (const auto& [period, rows] : periods_) {
    const absl::CivilDay day =
        absl::CivilDay(absl::CivilMonth(period / 100, period % 100) + 1) - 1;
    int64_t sum = 0;
    for (const auto& row : rows) sum += row.second;
    if (sum != 0 || day < *year_start_ || day > *year_end_) {
      summary_->notes.push_back(absl::StrCat(
          "finding: #PSALDO of ", period, " ",
          sum != 0 ? absl::StrCat("sums to ", Kronor(sum), " kr, not 0")
                   : "lies outside #RAR 0",
          ": not posted as its own month; the year's movement holds it"));
      continue;
    }
    v1::Event movement;
    for (const auto& [number, amount] : rows) {
      if (amount == 0) continue;
      v1::VoucherRow* row = movement.mutable_voucher()->add_rows();
      row->set_account(AccountId(number));
      row->set_amount_ore(amount);
      sums_[number] += amount;
    }
    if (movement.voucher().rows_size() == 0) continue;
    v1::Event* event = NewEvent(absl::StrCat("psaldo-", period));
    const std::string id = event->event_id();
    v1::Source source = event->source();
    event->Swap(&movement);
    event->set_event_id(id);
    event->set_fund_id(fund_id_);
    source.set_reference(absl::StrCat("#PSALDO 0 ", period));
    *event->mutable_source() = std::move(source);
    const absl::CivilDay dated = day < last ? day : last;
    event->mutable_effective()->set_day(DayText(dated));
    event->set_recorded_on(DayText(generated_.value_or(dated)));
    const std::string why = absl::StrCat(
        "the movements of ", period / 100, "-", period % 100 < 10 ? "0" : "",
        period % 100, " as the file's #PSALDO state them (an SIE type ",
        summary_->sie_type, " file holds no transactions)");
    event->set_note(why);
    v1::Voucher* voucher = event->mutable_voucher();
    voucher->set_series("derived");
    voucher->set_number(absl::StrCat("PSALDO ", period));
    voucher->set_text(why);
    ++months_posted_;
  }
  if (months_posted_ > 0) {
    summary_->notes.push_back(absl::StrCat(
        "posted ", months_posted_, " month(s) of #PSALDO movements as ",
        "derived vouchers dated each month's last day"));
  }
  return absl::OkStatus();
}

// Types 1-3 state balances without vouchers (SIE 4B, #SIETYP). The year's
// movement is what their own figures say: for each account with #UB 0 or
// #RES 0, the stated figure less what #IB 0 (and any vouchers) already
// give. It becomes one posting that says it is derived; its rows must sum
// to zero, or the file's balances contradict each other.
absl::Status Converter::DerivedMovement() {
  v1::Event movement;
  int64_t total = 0;
  for (const v1::Event& closing : closing_) {
    const std::string& number = closing.balance_asserted().account();
    auto it = sums_.find(number);
    const int64_t booked = it == sums_.end() ? 0 : it->second;
    const int64_t diff = closing.balance_asserted().amount_ore() - booked;
    if (diff == 0) continue;
    v1::VoucherRow* row = movement.mutable_voucher()->add_rows();
    row->set_account(AccountId(number));
    row->set_amount_ore(diff);
    sums_[number] += diff;
    if (__builtin_add_overflow(total, diff, &total)) {
      return Bad("the year's movement overflows 64-bit öre");
    }
  }
  // SIE files leave out zero balances: an account with #IB 0 and no #UB 0,
  // in a file that states #UB 0 at all, closes the year at zero.
  uint64_t implied_zero = 0;
  absl::flat_hash_set<std::string> stated;
  bool any_closing = false;
  for (const v1::Event& closing : closing_) {
    stated.insert(closing.balance_asserted().account());
    any_closing |= closing.note() == "#UB";
  }
  std::vector<std::string> opened;
  for (const auto& [number, amount] : opening_) {
    if (amount != 0) opened.push_back(number);
  }
  for (const std::string& number : opened) {
    if (!any_closing || stated.contains(number)) continue;
    const int64_t booked = sums_[number];
    if (booked == 0) continue;
    v1::VoucherRow* row = movement.mutable_voucher()->add_rows();
    row->set_account(AccountId(number));
    row->set_amount_ore(-booked);
    sums_[number] = 0;
    ++implied_zero;
    if (__builtin_sub_overflow(total, booked, &total)) {
      return Bad("the year's movement overflows 64-bit öre");
    }
  }
  // The derived unclosed result (OpeningDifference) closes at what the
  // stated closing balances leave unclosed: minus their sum.
  std::string derived_note;
  if (auto it = sums_.find(kDerivedResultNumber); it != sums_.end()) {
    int64_t stated_sum = 0;
    for (const v1::Event& closing : closing_) {
      stated_sum += closing.balance_asserted().amount_ore();
    }
    const int64_t diff = -stated_sum - it->second;
    if (diff != 0) {
      v1::VoucherRow* row = movement.mutable_voucher()->add_rows();
      row->set_account(AccountId(kDerivedResultNumber));
      row->set_amount_ore(diff);
      total += diff;
      derived_note = absl::StrCat(
          "; the unclosed result on ", kDerivedResultNumber, " moves from ",
          Kronor(it->second), " to ", Kronor(-stated_sum),
          " kr, as the file's closing balances leave it");
      it->second += diff;
    }
  }
  if (movement.voucher().rows_size() == 0) return absl::OkStatus();
  if (total != 0) {
    return Bad(absl::StrCat(
        "#UB 0 and #RES 0 differ from #IB 0 by ", Kronor(total),
        " kr in all: stated balances must balance (SIE 4B, #UB/#RES: the "
        "closing balances and the year's result of one chart of accounts)"));
  }
  const absl::CivilDay day = BalanceDay();
  v1::Event* event = NewEvent("movement");
  const std::string id = event->event_id();
  v1::Source source = event->source();
  event->Swap(&movement);
  event->set_event_id(id);
  event->set_fund_id(fund_id_);
  source.set_reference("#UB 0 / #RES 0 less #IB 0");
  *event->mutable_source() = std::move(source);
  event->mutable_effective()->set_day(DayText(day));
  event->set_recorded_on(DayText(generated_.value_or(day)));
  const std::string why = absl::StrCat(
      "derived by fundlog: the year's movement the file states (#UB 0 less "
      "#IB 0, and #RES 0), not itemised: an SIE type ",
      summary_->sie_type, " file holds balances, not transactions");
  event->set_note(why);
  v1::Voucher* voucher = event->mutable_voucher();
  voucher->set_series("derived");
  voucher->set_number("movement");
  voucher->set_text(why);
  summary_->notes.push_back(absl::StrCat(
      "derived one posting on ", DayText(day), " of ", voucher->rows_size(),
      " rows: the year's movement as the file's #UB 0/#RES 0 state it",
      implied_zero > 0
          ? absl::StrCat("; ", implied_zero, " account(s) with #IB 0 and no ",
                         "#UB 0 close at zero (files leave zero balances out)")
          : "",
      derived_note));
  if (!periods_.empty()) {
    // What the months leave: where #IB 0 + Σ#PSALDO is not #UB 0/#RES 0.
    summary_->notes.push_back(absl::StrCat(
        "finding: #IB 0 plus the #PSALDO months differs from #UB 0/#RES 0 ",
        "for ", voucher->rows_size(), " account(s), the first ",
        voucher->rows(0).account().substr(fund_id_.size() + 1), " (",
        Kronor(voucher->rows(0).amount_ore()),
        " kr): that rest is the derived posting"));
  }
  return absl::OkStatus();
}

}  // namespace fundlog::sie::internal
