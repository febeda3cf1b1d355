#include "core/formats/sie/sie_export.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/audit/describe.h"
#include "core/base/dates.h"
#include "core/base/money.h"
#include "core/formats/sie/sie_text.h"

namespace fundlog {
namespace {

struct AccountMeta {
  std::string number;
  std::string name;
  v1::AccountType type = v1::ACCOUNT_TYPE_UNSPECIFIED;
};

bool DebitNormal(v1::AccountType type) {
  return type == v1::ASSET || type == v1::EXPENSE ||
         type == v1::ACCOUNT_TYPE_UNSPECIFIED;
}
bool IsResult(v1::AccountType type) {
  return type == v1::INCOME || type == v1::EXPENSE;
}
const char* KtypOf(v1::AccountType type) {
  switch (type) {
    case v1::LIABILITY:
    case v1::EQUITY:
      return "S";
    case v1::INCOME:
      return "I";
    case v1::EXPENSE:
      return "K";
    default:
      return "T";
  }
}

std::string Amount(int64_t ore) {
  const uint64_t magnitude = ore < 0 ? 0 - static_cast<uint64_t>(ore) : ore;
  return absl::StrFormat("%s%d.%02d", ore < 0 ? "-" : "", magnitude / 100,
                         magnitude % 100);
}
// "min max" of a range whose ends a sign change may have swapped.
std::string Bounds(int64_t a, int64_t b) {
  return absl::StrCat(Amount(std::min(a, b)), " ", Amount(std::max(a, b)));
}
std::string SieDay(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

// Everything one export works with.
struct Export {
  const SieExportOptions& options;
  absl::Span<const v1::StoredRecord> records;
  absl::CivilDay start, end;
  std::map<std::string, AccountMeta> accounts;     // by id
  std::map<std::string, CheckedOreSum> explained;  // by id, debit positive
  std::string vouchers;                            // #VER blocks, UTF-8
  std::string ranges;                              // #FUNDLOG_RANGE lines

  const AccountMeta& Meta(const std::string& id) {
    auto [it, added] = accounts.try_emplace(id);
    if (added) it->second = {id, id, v1::ACCOUNT_TYPE_UNSPECIFIED};
    return it->second;
  }
  std::string Number(const std::string& id) {
    return sie::QuoteField(Meta(id).number);
  }
};

// The day an event's #VER carries, and whether it is a period's end.
std::optional<absl::CivilDay> VoucherDay(const v1::Event& event, bool* period) {
  *period = event.effective().has_period();
  absl::StatusOr<absl::CivilDay> day = ParseDay(
      *period ? event.effective().period().to() : event.effective().day());
  if (!day.ok()) return std::nullopt;  // an open period: no day to give
  return *day;
}

void AddRow(Export& ex, const std::string& id, int64_t amount,
            const std::string& objects, const std::string& date,
            const std::string& text) {
  ex.explained[id] += amount;
  absl::StrAppend(&ex.vouchers, "#TRANS ", ex.Number(id), " {", objects, "} ",
                  Amount(amount), date.empty() ? "" : " ", date,
                  text.empty() ? "" : absl::StrCat(" ", sie::QuoteField(text)),
                  "\r\n");
}

std::string Objects(const v1::VoucherRow& row) {
  std::vector<std::pair<std::string, std::string>> sorted(row.objects().begin(),
                                                          row.objects().end());
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const auto& [dim, object] : sorted) {
    absl::StrAppend(&out, out.empty() ? "" : " ", sie::QuoteField(dim), " ",
                    sie::QuoteField(object));
  }
  return out;
}

// One event's postings: a #VER when all are exact, else range lines.
void ExportEvent(Export& ex, const v1::StoredRecord& record,
                 const std::vector<ledger::Posting>& postings) {
  const v1::Event& event = record.event();
  bool period = false;
  std::optional<absl::CivilDay> day = VoucherDay(event, &period);
  bool exact = day.has_value();
  for (const ledger::Posting& p : postings) exact &= p.min_ore == p.max_ore;
  if (day && (*day < ex.start || *day > ex.end)) return;
  if (!exact) {
    for (const ledger::Posting& p : postings) {
      absl::StrAppend(
          &ex.ranges, "#FUNDLOG_RANGE ", record.seq(), " ", p.kind, " ",
          p.debit_account.empty() ? "\"\"" : ex.Number(p.debit_account), " ",
          p.credit_account.empty() ? "\"\"" : ex.Number(p.credit_account), " ",
          Amount(p.min_ore), " ", Amount(p.max_ore), " ",
          sie::QuoteField(Summarize(event).substr(0, 200)), "\r\n");
    }
    return;
  }
  const bool is_voucher = event.has_voucher();
  std::string text =
      is_voucher ? event.voucher().text() : Summarize(event).substr(0, 200);
  if (period) {
    text = absl::StrCat("[period ", event.effective().period().from(), "..",
                        event.effective().period().to(), "] ", text);
  }
  absl::StatusOr<absl::CivilDay> recorded = ParseDay(event.recorded_on());
  absl::StrAppend(&ex.vouchers, "#VER ",
                  is_voucher ? sie::QuoteField(event.voucher().series()) : "FL",
                  " ",
                  is_voucher ? sie::QuoteField(event.voucher().number())
                             : absl::StrCat(record.seq()),
                  " ", SieDay(*day), " ", sie::QuoteField(text), " ",
                  recorded.ok() ? SieDay(*recorded) : "\"\"", "\r\n{\r\n");
  if (is_voucher) {
    for (const v1::VoucherRow& row : event.voucher().rows()) {
      absl::StatusOr<absl::CivilDay> d = ParseDay(row.transaction_date());
      AddRow(ex, row.account(), row.amount_ore(), Objects(row),
             d.ok() ? SieDay(*d) : "", row.text());
    }
  } else if (event.has_opening_balances()) {
    for (const v1::AccountAmount& row : event.opening_balances().balances()) {
      AddRow(ex, row.account(), row.amount_ore(), "", "", "");
    }
  } else {
    for (const ledger::Posting& p : postings) {
      if (p.min_ore == 0) continue;
      if (!p.debit_account.empty())
        AddRow(ex, p.debit_account, p.min_ore, "", "", "");
      if (!p.credit_account.empty())
        AddRow(ex, p.credit_account, -p.min_ore, "", "", "");
    }
  }
  absl::StrAppend(&ex.vouchers, "}\r\n");
}

}  // namespace

namespace {

// The years the export spans: the given one, or every year an event with
// postings falls in.
absl::Status Span(Export& ex, const std::map<uint64_t, size_t>& by_seq,
                  const std::map<uint64_t, std::vector<ledger::Posting>>& all) {
  if (ex.options.year) {
    ex.start = absl::CivilDay(*ex.options.year, 1, 1);
    ex.end = absl::CivilDay(*ex.options.year, 12, 31);
    return absl::OkStatus();
  }
  std::optional<int> first, last;
  for (const auto& [seq, postings] : all) {
    const v1::Effective& e = ex.records[by_seq.at(seq)].event().effective();
    for (const std::string& text :
         {e.day(), e.period().from(), e.period().to()}) {
      absl::StatusOr<absl::CivilDay> day = ParseDay(text);
      if (!day.ok()) continue;
      const int year = static_cast<int>(day->year());
      first = first ? std::min(*first, year) : year;
      last = last ? std::max(*last, year) : year;
    }
  }
  if (!first) return absl::NotFoundError("the log holds nothing to export");
  ex.start = absl::CivilDay(*first, 1, 1);
  ex.end = absl::CivilDay(*last, 12, 31);
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, ledger::AccountRange>> BalancesAt(
    const Export& ex, absl::CivilDay day) {
  ledger::BalanceQuery query;
  query.as_of = day;
  query.view = ex.options.view;
  query.fund_id = ex.options.fund_id;
  absl::StatusOr<std::vector<ledger::AccountRange>> got =
      ledger::Balances(ex.records, query);
  if (!got.ok()) return got.status();
  std::map<std::string, ledger::AccountRange> out;
  for (ledger::AccountRange& range : *got) out[range.account] = range;
  return out;
}

// #IB/#UB/#RES lines, or #FUNDLOG_BALANCE where SIE cannot say it.
absl::StatusOr<std::string> BalanceLines(Export& ex) {
  absl::StatusOr<std::map<std::string, ledger::AccountRange>> closing =
      BalancesAt(ex, ex.end);
  if (!closing.ok()) return closing.status();
  std::map<std::string, ledger::AccountRange> opening;
  if (ex.options.year) {
    absl::StatusOr<std::map<std::string, ledger::AccountRange>> got =
        BalancesAt(ex, ex.start - 1);
    if (!got.ok()) return got.status();
    opening = std::move(*got);
  }
  std::string out;
  auto debit = [&](const std::string& id, int64_t natural) {
    return DebitNormal(ex.Meta(id).type) ? natural : -natural;
  };
  for (const auto& [id, range] : opening) {
    const bool result = IsResult(ex.Meta(id).type);
    if (range.min_ore != range.max_ore) {
      absl::StrAppend(
          &out, "#FUNDLOG_BALANCE -1 ", ex.Number(id), " ",
          Bounds(debit(id, range.min_ore), debit(id, range.max_ore)), "\r\n");
    } else if (range.min_ore != 0) {
      // Our ledger has no year-end closing: a result account's balance is
      // every earlier year's, stated as #RES -1 so that #IB still balances.
      absl::StrAppend(&out, result ? "#RES -1 " : "#IB 0 ", ex.Number(id), " ",
                      Amount(debit(id, range.min_ore)), "\r\n");
      if (!result) ex.explained[id] += debit(id, range.min_ore);
    }
  }
  for (const auto& [id, range] : *closing) {
    const bool result = IsResult(ex.Meta(id).type);
    int64_t figure = debit(id, range.min_ore);
    bool fits = true;
    if (result && opening.count(id)) {
      fits = SubtractOre(figure, debit(id, opening[id].min_ore), &figure);
    }
    // A figure whose sum overflows is given as the ledger's range instead.
    const bool stated = fits && !ex.explained[id].overflowed() &&
                        range.min_ore == range.max_ore &&
                        (!result || !opening.count(id) ||
                         opening[id].min_ore == opening[id].max_ore) &&
                        figure == ex.explained[id].ValueOrZero();
    if (stated) {
      absl::StrAppend(&out, result ? "#RES 0 " : "#UB 0 ", ex.Number(id), " ",
                      Amount(figure), "\r\n");
    } else {
      absl::StrAppend(
          &out, "#FUNDLOG_BALANCE 0 ", ex.Number(id), " ",
          Bounds(debit(id, range.min_ore), debit(id, range.max_ore)), "\r\n");
    }
  }
  return out;
}

// The per-object figures (ObjectBalances) the export's span holds: #OIB 0
// and #OUB 0 where the figure's day is the span's first or last day,
// #PSALDO 0 for a month's movement, and #FUNDLOG_OBJEKTSALDO with the day
// where SIE's year index cannot name it (fundlog's import reads it back).
std::string ObjectLines(Export& ex) {
  std::string out;
  for (const v1::StoredRecord& record : ex.records) {
    const v1::Event& event = record.event();
    if (!event.has_object_balances()) continue;
    if (!ex.options.fund_id.empty() && event.fund_id() != ex.options.fund_id) {
      continue;
    }
    absl::StatusOr<absl::CivilDay> day = ParseDay(event.effective().day());
    if (!day.ok() || *day < ex.start || *day > ex.end) continue;
    const v1::ObjectBalances& figures = event.object_balances();
    std::string head;
    switch (figures.kind()) {
      case v1::ObjectBalances::OPENING:
        head = *day == ex.start
                   ? "#OIB 0"
                   : absl::StrCat("#FUNDLOG_OBJEKTSALDO OIB ", SieDay(*day));
        break;
      case v1::ObjectBalances::CLOSING:
        head = *day == ex.end
                   ? "#OUB 0"
                   : absl::StrCat("#FUNDLOG_OBJEKTSALDO OUB ", SieDay(*day));
        break;
      case v1::ObjectBalances::PERIOD_MOVEMENT:
        if (figures.period().size() != 7) continue;
        head = absl::StrCat("#PSALDO 0 ", figures.period().substr(0, 4),
                            figures.period().substr(5, 2));
        break;
      default:
        continue;
    }
    for (const v1::ObjectAmount& row : figures.rows()) {
      v1::VoucherRow as_row;
      *as_row.mutable_objects() = row.objects();
      absl::StrAppend(&out, head, " ", ex.Number(row.account()), " {",
                      Objects(as_row), "} ", Amount(row.amount_ore()), "\r\n");
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ExportSie(
    absl::Span<const v1::StoredRecord> records,
    const SieExportOptions& options) {
  Export ex{options, records, {}, {}, {}, {}, {}, {}};
  std::map<uint64_t, size_t> by_seq;
  // #DIM and #OBJEKT names (SIE import keeps them with the accounts).
  std::map<std::string, std::string> dimensions;
  std::map<std::pair<std::string, std::string>, std::string> objects;
  for (size_t i = 0; i < records.size(); ++i) {
    by_seq[records[i].seq()] = i;
    const v1::Event& event = records[i].event();
    if (!options.fund_id.empty() && event.fund_id() != options.fund_id) {
      continue;
    }
    for (const v1::Account& a : event.accounts_defined().accounts()) {
      ex.accounts[a.id()] = {a.number().empty() ? a.id() : a.number(), a.name(),
                             a.type()};
    }
    for (const v1::Dimension& d : event.accounts_defined().dimensions()) {
      dimensions[d.number()] = d.name();
    }
    for (const v1::DimensionObject& o : event.accounts_defined().objects()) {
      objects[{o.dimension(), o.code()}] = o.name();
    }
  }
  std::map<uint64_t, std::vector<ledger::Posting>> postings;
  {
    ledger::BalanceQuery query;
    query.as_of = options.year ? absl::CivilDay(*options.year, 12, 31)
                               : absl::CivilDay(9999, 12, 31);
    query.view = options.view;
    query.fund_id = options.fund_id;
    absl::StatusOr<std::vector<ledger::Posting>> got =
        ledger::Postings(records, query);
    if (!got.ok()) return got.status();
    for (ledger::Posting& p : *got) postings[p.seq].push_back(std::move(p));
  }
  if (absl::Status s = Span(ex, by_seq, postings); !s.ok()) return s;
  for (const auto& [seq, list] : postings) {
    ExportEvent(ex, records[by_seq.at(seq)], list);
  }
  absl::StatusOr<std::string> balances = BalanceLines(ex);
  if (!balances.ok()) return balances.status();

  std::string body = absl::StrCat(
      "#PROGRAM fundlog 1\r\n#FORMAT PC8\r\n#GEN ", SieDay(options.generated),
      "\r\n#SIETYP 4\r\n#PROSA ",
      sie::QuoteField(absl::StrCat(
          "fundlog export, view ", ledger::ViewName(options.view),
          ": exact figures only; a range is a #FUNDLOG_RANGE or "
          "#FUNDLOG_BALANCE line with min and max, never an #UB or #VER; a "
          "fact known for a period is dated on its last day")),
      "\r\n#FNAMN ", sie::QuoteField(options.company_name), "\r\n");
  if (!options.org_number.empty()) {
    absl::StrAppend(&body, "#ORGNR ", sie::QuoteField(options.org_number),
                    "\r\n");
  }
  absl::StrAppend(&body, "#RAR 0 ", SieDay(ex.start), " ", SieDay(ex.end),
                  "\r\n");
  for (const auto& [id, meta] : ex.accounts) {
    absl::StrAppend(
        &body, "#KONTO ", sie::QuoteField(meta.number), " ",
        sie::QuoteField(meta.name.empty() ? meta.number : meta.name),
        "\r\n#KTYP ", sie::QuoteField(meta.number), " ", KtypOf(meta.type),
        "\r\n");
  }
  for (const auto& [number, name] : dimensions) {
    absl::StrAppend(&body, "#DIM ", sie::QuoteField(number), " ",
                    sie::QuoteField(name), "\r\n");
  }
  for (const auto& [key, name] : objects) {
    absl::StrAppend(&body, "#OBJEKT ", sie::QuoteField(key.first), " ",
                    sie::QuoteField(key.second), " ", sie::QuoteField(name),
                    "\r\n");
  }
  absl::StrAppend(&body, *balances, ObjectLines(ex), ex.ranges, ex.vouchers);

  // #KSUMMA over what the body says, computed as the importer checks it.
  const std::string cp437 = sie::Utf8ToCp437(body);
  uint32_t crc = 0;
  sie::Line line;
  for (size_t begin = 0; begin < cp437.size();) {
    size_t end = cp437.find('\n', begin);
    if (end == std::string::npos) end = cp437.size();
    absl::string_view raw(cp437.data() + begin, end - begin);
    if (absl::Status s = sie::Tokenize(raw, &line, &crc); !s.ok()) {
      return absl::InternalError(
          absl::StrCat("export wrote a bad line: ", s.message()));
    }
    begin = end + 1;
  }
  return absl::StrCat("#FLAGGA 0\r\n#KSUMMA\r\n", cp437, "#KSUMMA ", crc,
                      "\r\n");
}

}  // namespace fundlog
