// The Converter's vouchers, balances and batches (see sie_convert.h).
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/limits.h"
#include "core/formats/sie/sie_convert.h"

namespace fundlog::sie::internal {
namespace {

// Rows one voucher may hold, and accounts per AccountsDefined event: both
// keep an event far below the store's 1 MiB event bound.
inline constexpr int kVoucherRowsMax = 2000;
inline constexpr int kAccountsPerEventMax = 2000;
static_assert(kVouchersPerBatchDefault * 2 < kBatchEventsMax,
              "a batch holds its vouchers and the header events");

absl::Status Bad(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

const std::string& Text(const Line& line, size_t i) {
  static const std::string* const kEmpty = new std::string();
  return i < line.fields.size() && !line.fields[i].is_list ? line.fields[i].text
                                                           : *kEmpty;
}

}  // namespace

std::string DayText(absl::CivilDay day) {
  // By hand: called for every voucher, where StrFormat showed in profiles.
  const int64_t year = day.year();
  if (year < 0 || year > 9999) {
    return absl::StrFormat("%04d-%02d-%02d", year, day.month(), day.day());
  }
  std::string out = "0000-00-00";
  out[0] = static_cast<char>('0' + year / 1000);
  out[1] = static_cast<char>('0' + year / 100 % 10);
  out[2] = static_cast<char>('0' + year / 10 % 10);
  out[3] = static_cast<char>('0' + year % 10);
  out[5] = static_cast<char>('0' + day.month() / 10);
  out[6] = static_cast<char>('0' + day.month() % 10);
  out[8] = static_cast<char>('0' + day.day() / 10);
  out[9] = static_cast<char>('0' + day.day() % 10);
  return out;
}

std::string Kronor(int64_t ore) {
  const uint64_t magnitude = ore < 0 ? 0 - static_cast<uint64_t>(ore) : ore;
  return absl::StrFormat("%s%d.%02d", ore < 0 ? "-" : "", magnitude / 100,
                         magnitude % 100);
}

v1::Event* Converter::NewEvent(const std::string& id_suffix) {
  v1::Event* event = batch_->add_events();
  FillEnvelope(id_suffix, event);
  return event;
}

void Converter::FillEnvelope(absl::string_view id_suffix, v1::Event* event) {
  ResolveFund();
  if (id_prefix_.empty()) {  // the same for every event of the file
    id_prefix_ = absl::StrCat("sie-",
                              options_.file_sha256.empty()
                                  ? std::string("unhashed")
                                  : options_.file_sha256.substr(0, 16),
                              "-");
    title_ = absl::StrCat("SIE file ", options_.display_name);
  }
  // Assigned in place: a reused event keeps its strings' storage (a
  // StrCat temporary would be a malloc and the old buffer a free).
  std::string* event_id = event->mutable_event_id();
  event_id->assign(id_prefix_);
  event_id->append(id_suffix.data(), id_suffix.size());
  event->set_fund_id(fund_id_);
  v1::Source* source = event->mutable_source();
  source->set_title(title_);
  source->set_issuer(program_);
  source->set_document_sha256(options_.file_sha256);
  source->set_text_encoding(summary_->encoding);
  if (generated_) source->set_date(DayText(*generated_));
}

void Converter::EmitHeader(absl::CivilDay first_day) {
  if (!header_emitted_) {
    header_emitted_ = true;
    if (!options_.known_funds.contains(fund_id_)) {
      const absl::CivilDay day = year_start_.value_or(first_day);
      v1::Event* event = NewEvent("fund");
      event->mutable_effective()->set_day(DayText(day));
      event->set_recorded_on(DayText(generated_.value_or(day)));
      event->set_note("the company an SIE file describes, as a fund");
      v1::FundEstablished* fund = event->mutable_fund_established();
      fund->set_name(company_name_.empty() ? fund_id_ : company_name_);
      fund->set_organisation(company_name_);
      fund->set_org_number(org_number_);
    }
  }
  for (size_t begin = 0; begin < undefined_accounts_.size();
       begin += kAccountsPerEventMax) {
    v1::Event* event =
        NewEvent(absl::StrCat("accounts-", undefined_accounts_[begin]));
    const absl::CivilDay day = year_start_.value_or(first_day);
    event->mutable_effective()->set_day(DayText(day));
    event->set_recorded_on(DayText(generated_.value_or(day)));
    v1::AccountsDefined* defined = event->mutable_accounts_defined();
    for (size_t i = begin;
         i < undefined_accounts_.size() && i < begin + kAccountsPerEventMax;
         ++i) {
      const AccountInfo& info = accounts_[undefined_accounts_[i]];
      v1::Account* account = defined->add_accounts();
      account->set_id(AccountId(undefined_accounts_[i]));
      account->set_name(info.name);
      account->set_type(info.type);
      account->set_number(undefined_accounts_[i]);
      account->set_number_note(
          absl::StrCat("account number from SIE file ", options_.display_name));
    }
    for (v1::Dimension& dim : dimensions_) {
      *defined->add_dimensions() = std::move(dim);
    }
    for (v1::DimensionObject& object : objects_) {
      *defined->add_objects() = std::move(object);
    }
    dimensions_.clear();
    objects_.clear();
  }
  undefined_accounts_.clear();
}

absl::Status Converter::Balance(const Line& line, bool opening, bool result) {
  const std::string& year = Text(line, 0);
  if (year == "-1") {  // last year's figures: kept to explain this year's
    absl::StatusOr<int64_t> amount = ParseAmount(Text(line, 2));
    if (!amount.ok()) return amount.status();
    bool overflow = false;
    if (result) {
      has_previous_result_ = true;
      overflow =
          __builtin_add_overflow(previous_result_, *amount, &previous_result_);
    } else if (opening) {
      has_opening_previous_ = true;
      overflow = __builtin_add_overflow(opening_previous_sum_, *amount,
                                        &opening_previous_sum_);
    } else {
      closing_previous_[Text(line, 1)] = *amount;
    }
    if (overflow)
      return Bad(absl::StrCat(line.label, " -1 overflows 64-bit öre"));
    return absl::OkStatus();
  }
  if (year != "0") return absl::OkStatus();  // other years: not ours
  const std::string& number = Text(line, 1);
  absl::StatusOr<AccountInfo*> info = Use(number, line.label);
  if (!info.ok()) return info.status();
  absl::StatusOr<int64_t> amount = ParseAmount(Text(line, 2));
  if (!amount.ok()) return amount.status();
  if (opening) {
    opening_.emplace_back(number, *amount);
    if (__builtin_add_overflow(sums_[number], *amount, &sums_[number])) {
      return Bad(absl::StrCat("account ", number, " overflows 64-bit öre"));
    }
  } else {
    // Kept as a row until the end, when #RAR 0 is surely known.
    v1::Event event;
    event.set_note(result ? "#RES" : "#UB");
    v1::BalanceAsserted* asserted = event.mutable_balance_asserted();
    asserted->set_account(number);
    asserted->set_amount_ore(*amount);
    closing_.push_back(std::move(event));
  }
  return absl::OkStatus();
}

absl::Status Converter::StartVoucher(uint64_t line_no, const Line& line) {
  absl::StatusOr<absl::CivilDay> day = ParseSieDay(Text(line, 2));
  if (!day.ok()) {
    // #VER serie vernr verdatum ...: name the field that is missing rather
    // than complain about the text that slid into the date's place.
    if (ParseSieDay(Text(line, 1)).ok()) {
      return Bad(absl::StrCat(
          "#VER has no voucher series (SIE 4B, #VER: serie vernr verdatum; ",
          "the date \"", Text(line, 1), "\" stands where the number ",
          "belongs); write \"\" for an empty series"));
    }
    if (Text(line, 2).empty() ||
        absl::StripAsciiWhitespace(Text(line, 2)).empty()) {
      return Bad(
          "#VER without a voucher date (SIE 4B, #VER: verdatum is "
          "required)");
    }
    return day.status();
  }
  std::optional<absl::CivilDay> registered;
  if (!Text(line, 4).empty()) {
    absl::StatusOr<absl::CivilDay> reg = ParseSieDay(Text(line, 4));
    if (!reg.ok()) return reg.status();
    registered = *reg;
  }
  in_voucher_ = true;
  voucher_line_ = line_no;
  voucher_day_ = *day;
  voucher_sum_ = 0;
  pending_.reset();
  ResetVoucherEvent(voucher_);
  voucher_->mutable_effective()->set_day(DayText(*day));
  voucher_->set_recorded_on(DayText(registered.value_or(*day)));
  v1::Voucher* voucher = voucher_->mutable_voucher();
  voucher->set_series(Text(line, 0));
  voucher->set_number(Text(line, 1));
  voucher->set_text(Text(line, 3));
  voucher->set_signature(Text(line, 5));
  return absl::OkStatus();
}

absl::Status Converter::Row(const Line& line, bool added) {
  const bool has_list = line.fields.size() > 1 && line.fields[1].is_list;
  const size_t at = has_list ? 2 : 1;
  const std::string& number = Text(line, 0);
  absl::StatusOr<int64_t> amount = ParseAmount(Text(line, at));
  if (!amount.ok()) {
    if (number.empty()) {
      return Bad(absl::StrCat(line.label, " with an empty account field ",
                              "(SIE 4B, #TRANS: kontonr is required)"));
    }
    return amount.status();
  }
  if (!added && pending_ && pending_->account == number &&
      pending_->amount == *amount) {
    pending_.reset();  // the #TRANS twin of an #RTRANS: already booked
    return absl::OkStatus();
  }
  pending_.reset();
  if (added) pending_ = Pending{number, *amount};
  return AddRow(number, *amount, line);
}

absl::Status Converter::AddRow(const std::string& number, int64_t amount,
                               const Line& line) {
  absl::StatusOr<AccountInfo*> info = Use(number, line.label);
  if (!info.ok()) return info.status();
  v1::Voucher* voucher = voucher_->mutable_voucher();
  if (voucher->rows_size() >= kVoucherRowsMax) {
    return Bad(
        absl::StrCat("more than ", kVoucherRowsMax, " rows in one #VER"));
  }
  const bool has_list = line.fields.size() > 1 && line.fields[1].is_list;
  const size_t at = has_list ? 2 : 1;
  v1::VoucherRow* row = voucher->add_rows();
  if ((*info)->id.empty()) (*info)->id = AccountId(number);
  row->set_account((*info)->id);
  row->set_amount_ore(amount);
  if (has_list) {
    const std::vector<std::string>& items = line.fields[1].items;
    if (items.size() % 2 != 0)
      return Bad("object list has an odd number of words");
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      (*row->mutable_objects())[items[i]] = items[i + 1];
    }
  }
  if (!Text(line, at + 1).empty()) {
    absl::StatusOr<absl::CivilDay> day = ParseSieDay(Text(line, at + 1));
    if (!day.ok()) return day.status();
    row->set_transaction_date(DayText(*day));
  }
  row->set_text(Text(line, at + 2));
  if (__builtin_add_overflow(voucher_sum_, amount, &voucher_sum_)) {
    return Bad("the voucher's rows overflow 64-bit öre");
  }
  // #IB 0 plus the year's vouchers, per account (CheckClosing).
  if (!year_end_ || voucher_day_ <= *year_end_) {
    int64_t& sum = sums_[number];
    if (__builtin_add_overflow(sum, amount, &sum)) {
      const v1::Voucher& v = voucher_->voucher();
      return Bad(absl::StrCat("#VER ", v.series().empty() ? "\"\"" : v.series(),
                              " ", v.number().empty() ? "\"\"" : v.number(),
                              " (line ", voucher_line_, "): account ", number,
                              " overflows 64-bit öre"));
    }
  }
  return absl::OkStatus();
}

absl::Status Converter::EndVoucher() {
  in_voucher_ = false;
  block_open_ = false;
  pending_.reset();
  const v1::Voucher& voucher = voucher_->voucher();
  // "#VER A 12 (line 345)": the voucher's reference, and how messages name
  // it; written straight into `*to` (no temporary string per voucher).
  auto write_name = [&](std::string* to) {
    to->assign("#VER ");
    absl::StrAppend(to, voucher.series().empty() ? "\"\"" : voucher.series(),
                    " ", voucher.number().empty() ? "\"\"" : voucher.number(),
                    " (line ", voucher_line_, ")");
  };
  auto name = [&] {
    std::string text;
    write_name(&text);
    return text;
  };
  if (voucher_sum_ != 0) {
    return Bad(absl::StrCat(name(), ": rows sum to ", Kronor(voucher_sum_),
                            " kr, not 0 (SIE 4B, #VER: a voucher balances)"));
  }
  bool all_zero = true;
  for (const auto& row : voucher.rows()) all_zero &= row.amount_ore() == 0;
  if (voucher.rows_size() < 2) {
    if (!all_zero) {
      return Bad(absl::StrCat(name(), ": a voucher needs two rows"));
    }
    ++summary_->skipped_empty_vouchers;
    if (summary_->skipped_empty_vouchers == 1) {
      first_empty_voucher_ = name();
    }
    return absl::OkStatus();
  }
  EmitHeader(voucher_day_);
  // The voucher becomes the batch's event in place (no copy of its rows),
  // and an emptied event of an earlier batch becomes the next voucher; its
  // sums were added row by row (AddRow).
  v1::Event* event = voucher_;
  batch_->mutable_events()->UnsafeArenaAddAllocated(event);
  voucher_ = SpareEvent();
  char line_text[24];
  const absl::string_view line_digits(
      line_text,
      absl::numbers_internal::FastIntToBuffer(voucher_line_, line_text) -
          line_text);
  FillEnvelope(absl::StrCat("L", line_digits), event);
  write_name(event->mutable_source()->mutable_reference());
  std::string* passage = event->mutable_source()->mutable_passage();
  passage->assign("line ");
  passage->append(line_digits.data(), line_digits.size());
  if (!year_end_ || voucher_day_ <= *year_end_) {
    if (!last_voucher_day_ || *last_voucher_day_ < voucher_day_) {
      last_voucher_day_ = voucher_day_;
    }
  }
  const size_t bytes = event->ByteSizeLong();
  if (bytes > kEventBytesMax) {
    return Bad(absl::StrCat(name(), ": ", bytes,
                            " bytes as an event, over the ", kEventBytesMax,
                            " an event may hold"));
  }
  batch_bytes_ += bytes;
  ++summary_->vouchers;
  summary_->rows += event->voucher().rows_size();
  ++batch_vouchers_;
  return Flush(false);
}

void ResetVoucherEvent(v1::Event* event) {
  // Event::Clear on an arena drops its submessages (source, effective, the
  // payload) and with them every string's buffer: the next voucher would
  // allocate them all again. Emptied field by field instead, the message
  // serializes exactly as a fresh one (proto3: empty strings and an empty
  // voucher's fields are not written; a voucher event always sets its
  // source and effective day again).
  event->mutable_event_id()->clear();
  event->mutable_fund_id()->clear();
  event->mutable_recorded_on()->clear();
  event->mutable_recorded_by()->clear();
  event->mutable_note()->clear();
  if (event->has_source()) event->mutable_source()->Clear();  // strings only
  if (event->has_effective()) {
    if (event->effective().has_day()) {
      event->mutable_effective()->mutable_day()->clear();
    } else {
      event->mutable_effective()->Clear();
    }
  }
  if (event->has_voucher()) {
    event->mutable_voucher()->Clear();  // keeps its rows for reuse
  } else {
    event->clear_payload();
  }
}

v1::Event* Converter::SpareEvent() {
  if (spare_events_.empty()) {
    return google::protobuf::Arena::CreateMessage<v1::Event>(arena_.get());
  }
  v1::Event* event = spare_events_.back();
  spare_events_.pop_back();
  return event;
}

void Converter::NewArena() {
  spare_events_.clear();
  arena_ = std::make_unique<google::protobuf::Arena>();
  batch_ = google::protobuf::Arena::CreateMessage<v1::EventBatch>(arena_.get());
  voucher_ = google::protobuf::Arena::CreateMessage<v1::Event>(arena_.get());
}

void Converter::ReuseBatch() {
  // What the arena holds beyond the reused events (oneof strings, object
  // maps, header events) is not reclaimed until the arena goes: past this
  // bound a fresh one starts, so memory stays bounded by a batch.
  if (arena_->SpaceAllocated() > kArenaBytesMax) {
    NewArena();
    return;
  }
  google::protobuf::RepeatedPtrField<v1::Event>* events =
      batch_->mutable_events();
  const int n = events->size();
  const size_t first = spare_events_.size();
  spare_events_.resize(first + n);
  events->UnsafeArenaExtractSubrange(0, n, spare_events_.data() + first);
  batch_->Clear();
}

absl::Status Converter::Flush(bool force) {
  if (batch_->events_size() == 0) return absl::OkStatus();
  if (!force && batch_vouchers_ < options_.vouchers_per_batch &&
      batch_bytes_ < kBatchBytesMax / 4) {
    return absl::OkStatus();
  }
  summary_->events += batch_->events_size();
  batch_vouchers_ = 0;
  batch_bytes_ = 0;
  // The sink reads the batch (or moves its events out) before the arena
  // that holds it is reset: no event outlives its batch here.
  absl::Status status = sink_ ? sink_(std::move(*batch_)) : absl::OkStatus();
  ReuseBatch();
  return status;
}

}  // namespace fundlog::sie::internal
