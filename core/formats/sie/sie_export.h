// SIE 4E export of a log: what auditors' bookkeeping programs read.
//
// The file is type 4E in CP437 with #KSUMMA. It holds #KONTO/#KTYP for
// every account (the account's `number`, else its id), one #VER per booked
// event, and #IB/#UB/#RES computed by our projections under one view.
//
// Ranges and period facts (DESIGN.md §2.5): SIE has no way to state a range,
// so the export states only exact figures and says so where it cannot:
//   * an event whose postings are all exact becomes a #VER; one effective
//     over a period is dated on the period's last day (the first day its
//     whole amount is surely booked) and its text begins "[period FROM..TO]";
//   * a posting whose amount is a range (it depends on which policy applied
//     on an unknown day, or its period is open) is no #VER: it is written as
//     "#FUNDLOG_RANGE seq kind debit credit min max text", a label other
//     readers ignore, as the SIE spec has them ignore unknown labels;
//   * #IB/#UB/#RES are written for an account whose balance is exact and
//     equal to what the exported #IB and #VERs give; any other account gets
//     "#FUNDLOG_BALANCE year account min max" instead (min == max when the
//     figure is exact but is reached only through range postings);
//   * #PROSA says all this in one sentence.
// Re-importing the file therefore gives identical balances for every
// account with an #UB/#RES, and the importer's own check (#UB = #IB + #VER)
// holds. Amounts are debit positive, as SIE has them.
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_FORMATS_SIE_SIE_EXPORT_H_
#define FUNDLOG_CORE_FORMATS_SIE_SIE_EXPORT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "core/ledger/ledger.h"

namespace fundlog {

struct SieExportOptions {
  ledger::View view = ledger::View::kReported;
  // One year: #RAR 0 is that year, #IB its opening, vouchers only of it.
  // Unset: #RAR 0 spans every year of the log, no #IB.
  std::optional<int> year;
  std::string fund_id;       // empty: every fund
  std::string company_name;  // #FNAMN
  std::string org_number;    // #ORGNR
  absl::CivilDay generated;  // #GEN
};

// The SIE 4E file's bytes (CP437). Errors as ledger::Balances; kNotFound
// when the log holds no money event to export and no --year is given.
absl::StatusOr<std::string> ExportSie(
    absl::Span<const v1::StoredRecord> records,
    const SieExportOptions& options);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_FORMATS_SIE_SIE_EXPORT_H_
