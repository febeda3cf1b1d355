// The Converter's end of file: closing checks, opening balances and the
// file's own balance assertions (see sie_convert.h).
#include "absl/strings/str_cat.h"
#include "core/io/sie_convert.h"

namespace fundlog::sie::internal {
namespace {

// The account number fundlog gives the previous year's unclosed result.
inline constexpr char kPreviousResultNumber[] = "RES-1";

absl::Status Bad(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

}  // namespace

// The file's own #UB/#RES must be what its #IB and vouchers give: a file
// that contradicts itself is refused rather than logged with failing
// assertions. Vouchers dated after #RAR 0's end are not counted.
absl::Status Converter::CheckClosing() {
  for (const v1::Event& closing : closing_) {
    const std::string& number = closing.balance_asserted().account();
    const int64_t stated = closing.balance_asserted().amount_ore();
    auto it = sums_.find(number);
    const int64_t booked = it == sums_.end() ? 0 : it->second;
    if (stated != booked) {
      return Bad(absl::StrCat(closing.note(), " 0 of account ", number,
                              " says ", Kronor(stated), " kr but the file's ",
                              "#IB 0 and vouchers give ", Kronor(booked),
                              " kr: the file contradicts itself"));
    }
  }
  return absl::OkStatus();
}

// In many files #IB 0 does not sum to zero: the previous year's result has
// not been closed into equity yet. When #RES -1 states exactly that result,
// it is booked in the opening on an equity account of its own, so debits
// still equal credits; an imbalance nothing in the file explains is refused.
absl::Status Converter::OpeningDifference(v1::Event* opening) {
  int64_t sum = 0;
  for (const auto& row : opening->opening_balances().balances()) {
    if (__builtin_add_overflow(sum, row.amount_ore(), &sum)) {
      return Bad("#IB 0 overflows 64-bit öre");
    }
  }
  // With accounts the log already holds, last year is in the ledger itself.
  if (sum == 0 || opening_known_before_) return absl::OkStatus();
  if (!has_previous_result_ || previous_result_ != -sum) {
    return Bad(absl::StrCat("#IB 0 sums to ", Kronor(sum),
                            " kr, not 0, and no #RES -1 accounts for it"));
  }
  const std::string id = AccountId(kPreviousResultNumber);
  if (!options_.known_accounts.contains(id)) {
    v1::Event* event = NewEvent("accounts-previous-result");
    event->mutable_effective()->set_day(DayText(*year_start_));
    event->set_recorded_on(DayText(generated_.value_or(*year_start_)));
    v1::Account* account = event->mutable_accounts_defined()->add_accounts();
    account->set_id(id);
    account->set_name("Föregående års resultat, ej disponerat (#RES -1)");
    account->set_type(v1::EQUITY);
    account->set_number(kPreviousResultNumber);
    account->set_number_note(
        "not in the SIE file: fundlog's account for the "
        "previous year's result the file's #IB leaves out");
  }
  v1::AccountAmount* row = opening->mutable_opening_balances()->add_balances();
  row->set_account(id);
  row->set_amount_ore(-sum);
  return absl::OkStatus();
}

absl::Status Converter::Finish() {
  if (in_voucher_) {
    return Bad(absl::StrCat("the #VER at line ", voucher_line_,
                            " is not closed: the file is truncated"));
  }
  if (checksum_open_ && !checksum_closed_) {
    return Bad(
        "an opening #KSUMMA without a closing one: the file is truncated");
  }
  if (!seen_type_) {
    return Bad(
        "no #SIETYP (type 1 by default: balances without vouchers); "
        "fundlog imports type 4 files only");
  }
  if ((!opening_.empty() || !closing_.empty()) && !year_start_) {
    return Bad("#IB/#UB/#RES without the #RAR 0 that dates them");
  }
  if (!header_emitted_ || !undefined_accounts_.empty()) {
    EmitHeader(
        year_start_.value_or(generated_.value_or(absl::CivilDay(2000, 1, 1))));
  }
  if (auto s = CheckClosing(); !s.ok()) return s;
  v1::Event opening;
  for (const auto& [number, amount] : opening_) {
    AccountInfo* info = Lookup(number);
    if (amount == 0 || info == nullptr) continue;
    opening_known_before_ |= info->known_before;
    if (!info->known_before) {
      v1::AccountAmount* row =
          opening.mutable_opening_balances()->add_balances();
      row->set_account(AccountId(number));
      row->set_amount_ore(amount);
      continue;
    }
    v1::Event* event = NewEvent(absl::StrCat("ib-", number));
    event->mutable_effective()->set_day(DayText(*year_start_ - 1));
    event->set_recorded_on(DayText(generated_.value_or(*year_start_)));
    event->set_note(
        "#IB 0 of an account the log already holds: the previous "
        "year's closing must match");
    event->mutable_balance_asserted()->set_account(AccountId(number));
    event->mutable_balance_asserted()->set_amount_ore(
        NaturalSign(info->type, amount));
  }
  if (auto s = OpeningDifference(&opening); !s.ok()) return s;
  if (opening.opening_balances().balances_size() > 0) {
    v1::Event* event = NewEvent("opening");
    event->mutable_effective()->set_day(DayText(*year_start_));
    event->set_recorded_on(DayText(generated_.value_or(*year_start_)));
    event->set_note("#IB 0: opening balances at the year's start");
    *event->mutable_opening_balances() = opening.opening_balances();
  }
  for (const v1::Event& closing : closing_) {
    const std::string& number = closing.balance_asserted().account();
    AccountInfo* info = Lookup(number);
    const bool result = closing.note() == "#RES";
    if (info == nullptr || (result && info->known_before)) continue;
    v1::Event* event = NewEvent(absl::StrCat(result ? "res-" : "ub-", number));
    event->mutable_effective()->set_day(DayText(*year_end_));
    event->set_recorded_on(DayText(generated_.value_or(*year_end_)));
    event->set_note(absl::StrCat(closing.note(), " 0: the file's own figure"));
    event->mutable_balance_asserted()->set_account(AccountId(number));
    event->mutable_balance_asserted()->set_amount_ore(
        NaturalSign(info->type, closing.balance_asserted().amount_ore()));
  }
  return Flush(true);
}

}  // namespace fundlog::sie::internal
