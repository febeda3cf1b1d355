#include "core/formats/sie/sie_convert.h"

#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fundlog::sie::internal {
namespace {

absl::Status Bad(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

const std::string& FieldText(const Line& line, size_t i) {
  static const std::string* const kEmpty = new std::string();
  return i < line.fields.size() && !line.fields[i].is_list ? line.fields[i].text
                                                           : *kEmpty;
}

}  // namespace

bool IsAccountNumber(absl::string_view number) {
  if (number.empty()) return false;
  for (char c : number) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::StatusOr<int64_t> ParseAmount(absl::string_view text) {
  absl::string_view digits = text;
  const bool negative = !digits.empty() && digits[0] == '-';
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    digits.remove_prefix(1);
  }
  const size_t dot = digits.find('.');
  absl::string_view whole = digits.substr(0, dot);
  absl::string_view fraction =
      dot == absl::string_view::npos ? "" : digits.substr(dot + 1);
  if (whole.empty() || fraction.size() > 2 ||
      (dot != absl::string_view::npos && fraction.empty())) {
    return Bad(absl::StrCat("malformed amount \"", text,
                            "\" (kronor with at most two decimals)"));
  }
  int64_t ore = 0;
  bool overflow = false;
  for (absl::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        return Bad(absl::StrCat("malformed amount \"", text, "\""));
      }
      overflow |= __builtin_mul_overflow(ore, int64_t{10}, &ore);
      overflow |= __builtin_add_overflow(ore, int64_t{c - '0'}, &ore);
    }
  }
  for (size_t k = fraction.size(); k < 2; ++k) {
    overflow |= __builtin_mul_overflow(ore, int64_t{10}, &ore);
  }
  if (overflow) {
    return Bad(absl::StrCat("amount \"", text.substr(0, 40),
                            "\" is beyond what 64-bit öre can hold"));
  }
  return negative ? -ore : ore;
}

absl::StatusOr<absl::CivilDay> ParseSieDay(absl::string_view text) {
  // By hand (every voucher and dated row has one; SimpleAtoi showed in
  // profiles): eight ASCII digits, read as YYYY MM DD.
  bool digits = text.size() == 8;
  int value[8] = {};
  for (size_t i = 0; digits && i < 8; ++i) {
    digits = absl::ascii_isdigit(static_cast<unsigned char>(text[i]));
    value[i] = text[i] - '0';
  }
  if (digits) {
    const int year =
        value[0] * 1000 + value[1] * 100 + value[2] * 10 + value[3];
    const int month = value[4] * 10 + value[5];
    const int day = value[6] * 10 + value[7];
    absl::CivilDay parsed(year, month, day);
    if (parsed.year() == year && parsed.month() == month &&
        parsed.day() == day && year >= 1900) {
      return parsed;
    }
  }
  return Bad(
      absl::StrCat("malformed date \"", text.substr(0, 40), "\" (YYYYMMDD)"));
}

v1::AccountType TypeFromNumber(absl::string_view number) {
  if (number.empty() ||
      !absl::ascii_isdigit(static_cast<unsigned char>(number[0]))) {
    return v1::ASSET;
  }
  switch (number[0]) {
    case '1':
      return v1::ASSET;
    case '2':
      return number.size() > 1 && number[1] == '0' ? v1::EQUITY : v1::LIABILITY;
    case '3':
      return v1::INCOME;
    case '0':
      return v1::ASSET;
    default:
      return v1::EXPENSE;
  }
}

int64_t NaturalSign(v1::AccountType type, int64_t debit_positive) {
  const bool debit_normal = type == v1::ASSET || type == v1::EXPENSE ||
                            type == v1::ACCOUNT_TYPE_UNSPECIFIED;
  return debit_normal ? debit_positive : -debit_positive;
}

Converter::Converter(const ImportOptions& options, const BatchSink& sink,
                     ImportSummary* summary)
    : options_(options), sink_(sink), summary_(summary) {
  NewArena();
}

void Converter::ResolveFund() {
  if (!fund_id_.empty()) return;
  fund_id_ = options_.fund_id;
  summary_->fund_id = fund_id_;
  if (!fund_id_.empty()) return;
  std::string digits;
  for (char c : org_number_) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  fund_id_ = digits.empty() ? "sie" : absl::StrCat("sie-", digits);
  summary_->fund_id = fund_id_;
}

std::string Converter::AccountId(absl::string_view number) const {
  return absl::StrCat(fund_id_, ":", number);
}

Converter::AccountInfo* Converter::Lookup(absl::string_view number) {
  ResolveFund();
  auto it = accounts_.find(number);
  if (it != accounts_.end() &&
      (it->second.defined || it->second.known_before)) {
    return &it->second;
  }
  if (options_.known_accounts.contains(AccountId(number))) {
    AccountInfo& info = accounts_[number];
    info.known_before = true;
    if (info.type == v1::ACCOUNT_TYPE_UNSPECIFIED)
      info.type = TypeFromNumber(number);
    return &info;
  }
  return nullptr;
}

absl::StatusOr<Converter::AccountInfo*> Converter::Use(
    absl::string_view number, absl::string_view label) {
  if (AccountInfo* info = Lookup(number); info != nullptr) return info;
  if (number.empty()) {
    return Bad(absl::StrCat(label, " with an empty account field (SIE 4B, ",
                            label, ": the account number is required)"));
  }
  if (number.size() > 64 || (!IsAccountNumber(number) && !own_export_)) {
    return NotANumber(label, number);
  }
  // Used but not defined: defined here from the number alone, named by a
  // finding; a file without any #KONTO is judged at the end (UsedAccounts).
  AccountInfo& info = accounts_[number];
  info.defined = true;
  info.name = std::string(number);
  info.type = TypeFromNumber(number);
  used_undefined_.emplace_back(number);
  undefined_accounts_.emplace_back(number);
  if (number.size() > 6) LongNumber(number);
  return &info;
}

void Converter::LongNumber(absl::string_view number) {
  if (++long_numbers_ > 20) return;  // the first twenty are named
  summary_->notes.push_back(absl::StrCat(
      "account ", number, " has ", number.size(), " digits; BAS account ",
      "numbers have four and SIE programs at most six: imported as given"));
}

absl::Status Converter::NotANumber(absl::string_view label,
                                   absl::string_view number) {
  return Bad(absl::StrCat(label, ": account number \"", number.substr(0, 64),
                          "\" is not numeric (SIE 4B, #KONTO: kontonr is ",
                          "a number)"));
}

absl::Status Converter::Feed(uint64_t line_no, const Line& line) {
  const std::string& label = line.label;
  if (label.empty()) return absl::OkStatus();
  if (label == "#KSUMMA") {
    if (!checksum_open_) {
      if (!line.fields.empty())
        return Bad("#KSUMMA with a value before any opening #KSUMMA");
      checksum_open_ = true;
      return absl::OkStatus();
    }
    uint32_t stated = 0;
    if (checksum_closed_ || !absl::SimpleAtoi(FieldText(line, 0), &stated)) {
      return Bad("a second closing #KSUMMA, or one without a number");
    }
    checksum_closed_ = true;
    summary_->checksum_checked = true;
    if (stated != crc_) {
      return Bad(absl::StrCat("#KSUMMA ", stated, " does not match the ",
                              "file's contents (CRC-32 ", crc_, ")"));
    }
    return absl::OkStatus();
  }
  if (checksum_closed_)
    return Bad(absl::StrCat(label, " after the closing #KSUMMA"));
  if (label == "{") {
    if (!in_voucher_ || block_open_) return Bad("'{' without a #VER before it");
    block_open_ = true;
    return absl::OkStatus();
  }
  if (label == "}") {
    if (!block_open_) return Bad("'}' without an open #VER block");
    return EndVoucher();
  }
  if (in_voucher_ && !block_open_) {
    return Bad(
        absl::StrCat("#VER at line ", voucher_line_, " has no '{' block"));
  }
  if (block_open_) {
    if (label == "#TRANS") return Row(line, false);
    if (label == "#RTRANS") return Row(line, true);
    if (label == "#BTRANS") return absl::OkStatus();  // a removed row
    return Bad(absl::StrCat(label, " inside a #VER block"));
  }
  if (label == "#VER") return StartVoucher(line_no, line);
  if (label == "#TRANS" || label == "#RTRANS" || label == "#BTRANS") {
    return Bad(absl::StrCat(label, " outside a #VER block"));
  }
  if (label == "#IB" || label == "#UB" || label == "#RES") {
    return Balance(line, label == "#IB", label == "#RES");
  }
  return Header(line);
}

absl::Status Converter::Header(const Line& line) {
  const std::string& label = line.label;
  const std::string& first = FieldText(line, 0);
  if (label == "#SIETYP") {
    int type = 0;
    if (!absl::SimpleAtoi(first, &type) || type < 1 || type > 4) {
      return Bad(absl::StrCat("unknown #SIETYP \"", first, "\""));
    }
    summary_->sie_type = type;
    seen_type_ = true;
  } else if (label == "#FORMAT") {
    // The bytes decide how the file is read (sie_encoding.h); what #FORMAT
    // declares is recorded and compared at the end.
    summary_->declared_format = first.substr(0, 32);
  } else if (label == "#FNAMN") {
    company_name_ = first;
  } else if (label == "#ORGNR") {
    org_number_ = first;
  } else if (label == "#PROGRAM") {
    program_ = first;
    // fundlog's own exports write an account's id where it has no number
    // (core/formats/sie/sie_export.cc); reading them back keeps those ids.
    own_export_ = first == "fundlog";
  } else if (label == "#OIB" || label == "#OUB" ||
             (label == "#FUNDLOG_OBJEKTSALDO" && own_export_) ||
             (label == "#PSALDO" && line.fields.size() > 3 &&
              line.fields[3].is_list && !line.fields[3].items.empty())) {
    return ObjectFigure(line);
  } else if (label == "#PSALDO" && summary_->sie_type != 4) {
    PeriodTotal(line);
    return PeriodBalance(line);
  } else if (label == "#PSALDO" || label == "#PBUDGET") {
    if (label == "#PSALDO") PeriodTotal(line);
    ++ignored_[label];
  } else if (label == "#DIM") {
    v1::Dimension& dim = dimensions_.emplace_back();
    dim.set_number(first);
    dim.set_name(FieldText(line, 1));
  } else if (label == "#OBJEKT") {
    v1::DimensionObject& object = objects_.emplace_back();
    object.set_dimension(first);
    object.set_code(FieldText(line, 1));
    object.set_name(FieldText(line, 2));
  } else if (label == "#OMFATTN") {
    absl::StatusOr<absl::CivilDay> day = ParseSieDay(first);
    if (!day.ok()) return day.status();
    scope_day_ = *day;
  } else if (label == "#GEN") {
    absl::StatusOr<absl::CivilDay> day = ParseSieDay(first);
    if (!day.ok()) return day.status();
    generated_ = *day;
  } else if (label == "#RAR" && first == "0" &&
             !(FieldText(line, 1).empty() && FieldText(line, 2).empty())) {
    absl::StatusOr<absl::CivilDay> from = ParseSieDay(FieldText(line, 1));
    if (!from.ok()) return from.status();
    absl::StatusOr<absl::CivilDay> to = ParseSieDay(FieldText(line, 2));
    if (!to.ok()) return to.status();
    if (*to < *from) return Bad("#RAR 0 ends before it starts");
    year_start_ = *from;
    year_end_ = *to;
  } else if (label == "#KONTO" || label == "#KTYP") {
    if (first.empty())
      return Bad(absl::StrCat(label, " without an account number"));
    if (first.size() > 64)
      return Bad(absl::StrCat(label, ": account number too long"));
    if (!IsAccountNumber(first) && !own_export_) {
      return NotANumber(label, first);
    }
    ResolveFund();
    AccountInfo& info = accounts_[first];
    if (label == "#KONTO") {
      if (info.defined)
        return Bad(absl::StrCat("account ", first, " defined twice"));
      info.defined = true;
      ++accounts_defined_by_file_;
      if (first.size() > 6) LongNumber(first);
      info.known_before = options_.known_accounts.contains(AccountId(first));
      info.name = FieldText(line, 1).empty() ? first : FieldText(line, 1);
      if (info.type == v1::ACCOUNT_TYPE_UNSPECIFIED)
        info.type = TypeFromNumber(first);
      if (!info.known_before) undefined_accounts_.push_back(first);
    } else {
      const std::string& t = FieldText(line, 1);
      if (t.empty()) return absl::OkStatus();  // not given: the BAS rule
      info.type = t == "T"   ? v1::ASSET
                  : t == "S" ? v1::LIABILITY
                  : t == "K" ? v1::EXPENSE
                  : t == "I" ? v1::INCOME
                             : v1::ACCOUNT_TYPE_UNSPECIFIED;
      if (info.type == v1::ACCOUNT_TYPE_UNSPECIFIED) {
        return Bad(absl::StrCat("#KTYP \"", t, "\" is not T, S, K or I"));
      }
    }
  }
  return absl::OkStatus();  // other labels carry nothing we keep
}

}  // namespace fundlog::sie::internal
