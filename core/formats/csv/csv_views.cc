#include "core/formats/csv/csv_views.h"

#include "absl/strings/str_cat.h"
#include "core/audit/describe.h"
#include "core/base/payload_kind.h"

namespace fundlog {
namespace {

std::vector<std::string> Range(const CsvWriter& csv, int64_t min, int64_t max) {
  return {csv.Money(min), csv.Money(max), min == max ? "yes" : "no"};
}

std::vector<std::string> Join(std::vector<std::string> head,
                              const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

}  // namespace

std::string BalancesCsv(const std::vector<ledger::AccountRange>& balances,
                        CsvDialect dialect) {
  CsvWriter csv(dialect);
  csv.Row({"account", "name", "min_kr", "max_kr", "exact"});
  for (const ledger::AccountRange& b : balances) {
    csv.Row(Join({b.account, b.name}, Range(csv, b.min_ore, b.max_ore)));
  }
  return csv.text();
}

std::string StatementCsv(const ledger::Statement& statement,
                         CsvDialect dialect) {
  CsvWriter csv(dialect);
  csv.Row({"section", "account", "name_or_kind", "min_kr", "max_kr", "exact"});
  for (const ledger::AccountRange& b : statement.opening) {
    csv.Row(
        Join({"opening", b.account, b.name}, Range(csv, b.min_ore, b.max_ore)));
  }
  for (const ledger::Movement& m : statement.movements) {
    csv.Row(Join({"movement", m.account, m.kind},
                 Range(csv, m.min_ore, m.max_ore)));
  }
  for (const ledger::AccountRange& b : statement.closing) {
    csv.Row(
        Join({"closing", b.account, b.name}, Range(csv, b.min_ore, b.max_ore)));
  }
  return csv.text();
}

std::string TotalsCsv(const std::vector<ledger::KindTotal>& totals,
                      CsvDialect dialect) {
  CsvWriter csv(dialect);
  csv.Row({"kind", "min_kr", "max_kr", "exact", "unstated"});
  for (const ledger::KindTotal& t : totals) {
    csv.Row(Join(Join({t.kind}, Range(csv, t.min_ore, t.max_ore)),
                 {absl::StrCat(t.unstated)}));
  }
  return csv.text();
}

void TimelineCsvHeader(CsvWriter* csv) {
  csv->Row({"seq", "kind", "fund", "effective_from", "effective_to",
            "recorded_on", "summary", "source_title", "source_reference"});
}

void TimelineCsvRow(const v1::StoredRecord& record, CsvWriter* csv) {
  const v1::Event& e = record.event();
  const bool period = e.effective().has_period();
  csv->Row({absl::StrCat(record.seq()), std::string(PayloadKind(e)),
            e.fund_id(),
            period ? e.effective().period().from() : e.effective().day(),
            period ? e.effective().period().to() : e.effective().day(),
            e.recorded_on(), Summarize(e), e.source().title(),
            e.source().reference()});
}

std::string TimelineCsv(const std::vector<v1::StoredRecord>& records,
                        CsvDialect dialect) {
  CsvWriter csv(dialect);
  TimelineCsvHeader(&csv);
  for (const v1::StoredRecord& record : records) TimelineCsvRow(record, &csv);
  return csv.text();
}

}  // namespace fundlog
