// The Converter's end of file: closing checks, opening balances and the
// file's own balance assertions (see sie_convert.h).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_convert.h"

namespace fundlog::sie::internal {
namespace {

absl::Status Bad(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

}  // namespace

// The file's own #UB/#RES must be what its #IB and vouchers give: a file
// that contradicts itself (typically a partial export) is refused, naming
// the first account, unless the caller accepts findings, when each stated
// figure stays a balance assertion that `verify` reports as failing.
// Vouchers dated after the balance day are not counted.
absl::Status Converter::CheckClosing() {
  std::vector<std::string> contradictions;
  for (const v1::Event& closing : closing_) {
    const std::string& number = closing.balance_asserted().account();
    const int64_t stated = closing.balance_asserted().amount_ore();
    auto it = sums_.find(number);
    const int64_t booked = it == sums_.end() ? 0 : it->second;
    if (stated != booked) {
      contradictions.push_back(absl::StrCat(
          closing.note(), " 0 of account ", number, " says ", Kronor(stated),
          " kr but the file's #IB 0 and its ", summary_->vouchers,
          " voucher(s) give ", Kronor(booked), " kr"));
    }
  }
  if (contradictions.empty()) return absl::OkStatus();
  std::string empty;
  if (summary_->skipped_empty_vouchers > 0) {
    empty = absl::StrCat("; the file holds ", summary_->skipped_empty_vouchers,
                         " empty voucher(s), the first ", first_empty_voucher_,
                         ", whose rows the export may have left out");
  }
  if (!options_.accept_findings) {
    return Bad(absl::StrCat(
        contradictions.front(), ": the file contradicts itself (",
        contradictions.size(), " account(s) disagree; a partial export?)",
        empty, ". --accept-findings imports it with each contradiction kept ",
        "as a failing balance assertion"));
  }
  for (std::string& c : contradictions) {
    summary_->notes.push_back(absl::StrCat("finding: ", c));
  }
  if (!empty.empty()) summary_->notes.push_back(empty.substr(2));
  return absl::OkStatus();
}

absl::CivilDay Converter::BalanceDay() const {
  absl::CivilDay day = *year_end_;
  const std::optional<absl::CivilDay> mid =
      scope_day_.has_value() ? scope_day_ : generated_;
  if (mid && *mid >= *year_start_ && *mid < day) day = *mid;
  if (last_voucher_day_ && *last_voucher_day_ > day) day = *last_voucher_day_;
  return day;
}

// Accounts the file uses without a #KONTO. In a file with a chart of
// accounts each is a finding; a file without any #KONTO (an SIE 4I file
// leaves the chart to the receiving program) needs a log that holds them.
absl::Status Converter::UsedAccounts() {
  if (used_undefined_.empty()) return absl::OkStatus();
  if (accounts_defined_by_file_ == 0) {
    std::string list;
    for (size_t i = 0; i < used_undefined_.size() && i < 30; ++i) {
      absl::StrAppend(&list, i == 0 ? "" : ", ", used_undefined_[i]);
    }
    if (used_undefined_.size() > 30) absl::StrAppend(&list, ", ...");
    return Bad(absl::StrCat(
        "the file defines no accounts (no #KONTO: SIE 4B lets a type 4I file "
        "leave them to the receiving program) and the log holds none of the ",
        used_undefined_.size(), " it uses under fund ", fund_id_, ": ", list,
        "; import it into the log and fund that hold them: fundlog import ",
        options_.display_name, " --fund FUND"));
  }
  constexpr size_t kNamedMax = 20;  // then one line for the rest
  for (size_t i = 0; i < used_undefined_.size() && i < kNamedMax; ++i) {
    const std::string& number = used_undefined_[i];
    summary_->notes.push_back(absl::StrCat(
        "finding: account ", number, " is used but no #KONTO defines it; ",
        "defined from its number (BAS range) without a name"));
  }
  if (used_undefined_.size() > kNamedMax) {
    summary_->notes.push_back(absl::StrCat(
        "finding: ", used_undefined_.size() - kNamedMax, " more account(s) ",
        "used without #KONTO, the last ", used_undefined_.back()));
  }
  return absl::OkStatus();
}

// In many files #IB 0 does not sum to zero: the results of earlier years
// were never booked into equity (the programs show a computed result until
// the closing entry is made). Where the file's figures agree with each
// other, the opening gets one derived row on an equity account of its own,
// itemised from the file: the part #RES -1 states, the part #IB -1 leaves
// open from the years before, and the rest, which the file does not
// itemise. Refused only where the file contradicts itself: an account
// outside equity whose #IB 0 is not its #UB -1.
absl::Status Converter::OpeningDifference(v1::Event* opening) {
  int64_t sum = 0;
  for (const auto& row : opening->opening_balances().balances()) {
    if (__builtin_add_overflow(sum, row.amount_ore(), &sum)) {
      return Bad("#IB 0 overflows 64-bit öre");
    }
  }
  // With accounts the log already holds, last year is in the ledger itself.
  if (sum == 0 || opening_known_before_) return absl::OkStatus();
  for (const auto& [number, amount] : opening_) {
    auto it = closing_previous_.find(number);
    AccountInfo* info = Lookup(number);
    if (it == closing_previous_.end() || it->second == amount ||
        info == nullptr || info->type == v1::EQUITY) {
      continue;
    }
    return Bad(absl::StrCat(
        "#IB 0 of account ", number, " is ", Kronor(amount), " kr but its #UB ",
        "-1 is ", Kronor(it->second), " kr: outside equity a year opens where ",
        "the last one closed (SIE 4B, #IB/#UB), so the file contradicts itself "
        "and its opening cannot be explained by an unclosed result"));
  }
  const int64_t derived = -sum;
  const int64_t from_result = has_previous_result_ ? previous_result_ : 0;
  const int64_t from_earlier =
      has_opening_previous_ ? -opening_previous_sum_ : 0;
  const int64_t rest = derived - from_result - from_earlier;
  const std::string itemised = absl::StrCat(
      "#IB 0 sums to ", Kronor(sum), " kr, not 0: results not yet booked into ",
      "equity; derived row of ", Kronor(derived), " kr on account ",
      kDerivedResultNumber, " (", kDerivedResultName,
      "): ", Kronor(from_result), " kr the year before's result (#RES -1), ",
      has_opening_previous_
          ? absl::StrCat(Kronor(from_earlier),
                         " kr earlier years' (#IB -1 does not sum to 0), ")
          : "the file states no #IB -1 for earlier years, ",
      Kronor(rest), " kr not itemised by the file");
  summary_->notes.push_back(itemised);
  opening->set_note(itemised);
  const std::string id = AccountId(kDerivedResultNumber);
  if (!options_.known_accounts.contains(id) &&
      !accounts_.contains(kDerivedResultNumber)) {
    v1::Event* event = NewEvent("accounts-derived-result");
    event->mutable_effective()->set_day(DayText(*year_start_));
    event->set_recorded_on(DayText(generated_.value_or(*year_start_)));
    v1::Account* account = event->mutable_accounts_defined()->add_accounts();
    account->set_id(id);
    account->set_name(kDerivedResultName);
    account->set_type(v1::EQUITY);
    account->set_number(kDerivedResultNumber);
    account->set_number_note(
        "not in the SIE file: fundlog's account for the results of earlier "
        "years the file's #IB 0 leaves unclosed");
  }
  v1::AccountAmount* row = opening->mutable_opening_balances()->add_balances();
  row->set_account(id);
  row->set_amount_ore(derived);
  sums_[kDerivedResultNumber] = derived;
  return absl::OkStatus();
}

// The next year of a company the log holds: its #IB 0 shows last year's
// result moved into equity, which the log (no year-end closing of its own)
// has not done. Derived from the log's balances the day before: each result
// account emptied, each equity account brought to what #IB 0 states. Only
// when those rows balance; otherwise the #IB 0 assertions report it.
absl::Status Converter::DerivedYearEndClosing() {
  if (!options_.balances_at || !opening_known_before_) return absl::OkStatus();
  // The balances at the previous year's end; the closing itself is booked on
  // this year's first day, so that the previous year's #RES assertions (at
  // its last day, end of day) still hold as stated.
  const absl::CivilDay day = *year_start_ - 1;
  absl::StatusOr<absl::flat_hash_map<std::string, KnownBalance>> balances =
      options_.balances_at(fund_id_, day);
  if (!balances.ok()) return balances.status();
  absl::flat_hash_map<std::string, int64_t> stated;
  for (const auto& [number, amount] : opening_) {
    stated[AccountId(number)] += amount;
  }
  std::vector<std::string> ids;
  for (const auto& [id, known] : *balances) {
    if (!known.exact) return absl::OkStatus();  // a range: nothing to derive
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  v1::Event closing;
  int64_t total = 0, result = 0;
  for (const std::string& id : ids) {
    const KnownBalance& known = balances->at(id);
    int64_t row = 0;
    if (known.type == v1::INCOME || known.type == v1::EXPENSE) {
      row = -known.debit_ore;
      result += known.debit_ore;
    } else if (known.type == v1::EQUITY) {
      auto it = stated.find(id);
      row = (it == stated.end() ? 0 : it->second) - known.debit_ore;
    }
    if (known.type == v1::EQUITY) closed_equity_.insert(id);
    if (row == 0) continue;
    v1::VoucherRow* r = closing.mutable_voucher()->add_rows();
    r->set_account(id);
    r->set_amount_ore(row);
    total += row;
  }
  if (closing.voucher().rows_size() == 0) return absl::OkStatus();
  if (total != 0) {
    closed_equity_.clear();
    summary_->notes.push_back(absl::StrCat(
        "no year-end closing derived for ", DayText(day), ": emptying the ",
        "result accounts (", Kronor(-result), " kr) into equity as #IB 0 ",
        "states it leaves ", Kronor(total), " kr unexplained; the #IB 0 ",
        "assertions report where"));
    return absl::OkStatus();
  }
  v1::Event* event = NewEvent("closing");
  const std::string id = event->event_id();
  v1::Source source = event->source();
  event->Swap(&closing);
  event->set_event_id(id);
  event->set_fund_id(fund_id_);
  source.set_reference("#IB 0 against the log's balances");
  *event->mutable_source() = std::move(source);
  event->mutable_effective()->set_day(DayText(*year_start_));
  event->set_recorded_on(DayText(generated_.value_or(*year_start_)));
  const std::string why = absl::StrCat(
      "derived by fundlog: the year-end closing of ", DayText(day),
      " that this file's #IB 0 implies: the year's result (", Kronor(-result),
      " kr) moved from the result accounts into equity, booked on ",
      DayText(*year_start_), " so that the previous year's #RES stay as ",
      "stated; the equity accounts' #IB 0 are its rows");
  event->set_note(why);
  v1::Voucher* voucher = event->mutable_voucher();
  voucher->set_series("derived");
  voucher->set_number("closing");
  voucher->set_text(why);
  summary_->notes.push_back(why);
  return absl::OkStatus();
}

void Converter::NoteFormat() {
  const std::string declared = summary_->declared_format.empty()
                                   ? std::string("PC8")
                                   : summary_->declared_format;
  const std::string& real = summary_->encoding;
  if (real == "UTF-8" || real == "ISO-8859-15") {
    summary_->notes.push_back(
        absl::StrCat("the file declares #FORMAT ", declared,
                     " but its bytes are ", real, ": read as ", real,
                     " (SIE 4B, #FORMAT: PC8, code page 437, is the "
                     "only format defined)"));
  } else if (declared != "PC8") {
    summary_->notes.push_back(absl::StrCat("the file declares #FORMAT ",
                                           declared, ", which SIE 4B does not ",
                                           "define; its bytes read as ", real));
  }
  if (!dimensions_.empty() || !objects_.empty()) {
    summary_->notes.push_back(absl::StrCat(
        dimensions_.size(), " #DIM and ", objects_.size(), " #OBJEKT names ",
        "not stored: the log already holds every account, so the import ",
        "writes no AccountsDefined to carry them"));
  }
  if (!ignored_.empty()) {
    std::string list;
    for (const auto& [label, count] : ignored_) {
      absl::StrAppend(&list, list.empty() ? "" : ", ", count, " ", label);
    }
    summary_->notes.push_back(
        absl::StrCat("not imported: ", list,
                     " (per-period, per-object and budget figures; "
                     "a budget is never a balance)"));
  }
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
  if (!seen_type_) summary_->sie_type = 1;  // SIE 4B, #SIETYP: default 1
  if ((!opening_.empty() || !closing_.empty() || !object_figures_.empty()) &&
      !year_start_) {
    return Bad("#IB/#UB/#RES/#OIB/#OUB without the #RAR 0 that dates them");
  }
  if (!header_emitted_ || !undefined_accounts_.empty()) {
    EmitHeader(
        year_start_.value_or(generated_.value_or(absl::CivilDay(2000, 1, 1))));
  }
  if (auto s = UsedAccounts(); !s.ok()) return s;
  NoteFormat();
  const bool stated_only = summary_->sie_type != 4;
  if (!stated_only) {
    if (auto s = CheckClosing(); !s.ok()) return s;
  } else if (summary_->vouchers > 0) {
    summary_->notes.push_back(absl::StrCat(
        "finding: an SIE type ", summary_->sie_type, " file holds no #VER ",
        "(SIE 4B, #SIETYP), but this one holds ", summary_->vouchers,
        ": imported as vouchers, the stated balances as stated"));
  }
  for (const auto& [number, amount] : opening_) {
    AccountInfo* info = Lookup(number);
    opening_known_before_ |= info != nullptr && info->known_before;
  }
  if (auto s = DerivedYearEndClosing(); !s.ok()) return s;
  v1::Event opening;
  for (const auto& [number, amount] : opening_) {
    AccountInfo* info = Lookup(number);
    if (amount == 0 || info == nullptr) continue;
    if (!info->known_before) {
      v1::AccountAmount* row =
          opening.mutable_opening_balances()->add_balances();
      row->set_account(AccountId(number));
      row->set_amount_ore(amount);
      continue;
    }
    // An equity account the derived closing brings to its #IB 0 holds it
    // from this year's first day, not the day before: no assertion there.
    if (closed_equity_.contains(AccountId(number))) continue;
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
    event->set_note(opening.note().empty()
                        ? "#IB 0: opening balances at the year's start"
                        : absl::StrCat("#IB 0: opening balances at the year's "
                                       "start; ",
                                       opening.note()));
    *event->mutable_opening_balances() = opening.opening_balances();
  }
  if (stated_only && (!opening_.empty() || !closing_.empty())) {
    if (auto s = DerivedMonths(); !s.ok()) return s;
    if (auto s = DerivedMovement(); !s.ok()) return s;
  }
  for (const v1::Event& closing : closing_) {
    const std::string& number = closing.balance_asserted().account();
    AccountInfo* info = Lookup(number);
    const bool result = closing.note() == "#RES";
    if (info == nullptr || (result && info->known_before)) continue;
    v1::Event* event = NewEvent(absl::StrCat(result ? "res-" : "ub-", number));
    const absl::CivilDay day = BalanceDay();
    event->mutable_effective()->set_day(DayText(day));
    event->set_recorded_on(DayText(generated_.value_or(day)));
    event->set_note(absl::StrCat(
        closing.note(), " 0: the file's own figure",
        day < *year_end_ ? absl::StrCat(" as of ", DayText(day),
                                        " (#OMFATTN/#GEN: exported mid-year)")
                         : ""));
    event->mutable_balance_asserted()->set_account(AccountId(number));
    event->mutable_balance_asserted()->set_amount_ore(
        NaturalSign(info->type, closing.balance_asserted().amount_ore()));
  }
  if (auto s = ObjectFigures(); !s.ok()) return s;
  return Flush(true);
}

}  // namespace fundlog::sie::internal
