// The CLI's tables as CSV (see core/formats/csv/csv.h for the dialects):
// balance, statement, totals and timeline. Money is kronor with two decimals; a
// range has its min and max in two columns (equal when exact) and an
// "exact" column, so a spreadsheet never shows a range as one figure.
#ifndef FUNDLOG_CORE_FORMATS_CSV_CSV_VIEWS_H_
#define FUNDLOG_CORE_FORMATS_CSV_CSV_VIEWS_H_

#include <string>
#include <vector>

#include "core/formats/csv/csv.h"
#include "core/ledger/ledger.h"

namespace fundlog {

// account,name,min_kr,max_kr,exact
std::string BalancesCsv(const std::vector<ledger::AccountRange>& balances,
                        CsvDialect dialect);
// section,account,name_or_kind,min_kr,max_kr,exact with sections opening,
// movement and closing.
std::string StatementCsv(const ledger::Statement& statement,
                         CsvDialect dialect);
// kind,min_kr,max_kr,exact,unstated
std::string TotalsCsv(const std::vector<ledger::KindTotal>& totals,
                      CsvDialect dialect);
// seq,kind,fund,effective_from,effective_to,recorded_on,summary,
// source_title,source_reference
std::string TimelineCsv(const std::vector<v1::StoredRecord>& records,
                        CsvDialect dialect);
// TimelineCsv a row at a time, for writers that stream: the header row,
// then one row per record.
void TimelineCsvHeader(CsvWriter* csv);
void TimelineCsvRow(const v1::StoredRecord& record, CsvWriter* csv);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_FORMATS_CSV_CSV_VIEWS_H_
