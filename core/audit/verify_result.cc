#include "core/audit/verify_result.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/audit/verify_log.h"
#include "core/io/json_writer.h"
#include "core/ledger/ledger.h"

namespace fundlog {
namespace {

// Rows an import derived rather than read (SIE: a type 1-3 file's movement,
// an unclosed result, a year-end closing; docs/auditors_formats.md): not
// findings, but what an auditor must see beside them, one line each.
void AppendDerivedLine(const v1::StoredRecord& record, std::string* out) {
  const v1::Event& event = record.event();
  const bool derived =
      (event.has_voucher() && event.voucher().series() == "derived") ||
      (event.has_opening_balances() &&
       absl::StrContains(event.note(), "derived row of"));
  if (derived) {
    absl::StrAppend(out, "derived: record ", record.seq(), " (",
                    event.fund_id(), "): ", event.note(), "\n");
  }
}

}  // namespace

absl::StatusOr<VerifyResult> VerifyEverything(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint) {
  absl::StatusOr<IntegrityReport> report = VerifyLog(log, checkpoint);
  if (!report.ok()) return report.status();
  VerifyResult result;
  result.report = *std::move(report);
  // The ledger's invariants need every record readable; with data loss the
  // integrity findings already say what is wrong.
  if (HasDataLoss(result.report)) return result;
  // Streamed: the records are read again per pass, never all held. The
  // size is the one the integrity check saw.
  const uint64_t size = result.report.tree_size;
  absl::StatusOr<ledger::LedgerCheck> check =
      ledger::CheckLedgerScanned([&](const ledger::RecordVisitor& visit) {
        return log.Scan(0, size, visit);
      });
  if (!check.ok()) return check.status();
  for (const ledger::Finding& finding : check->findings) {
    result.report.findings.push_back(
        {finding.seq, finding.kind, finding.detail});
  }
  result.assertions = static_cast<int>(check->assertions.size());
  // The rows an SIE import derived rather than read: one more pass.
  if (absl::Status s = log.Scan(0, size,
                                [&](const v1::StoredRecord& record) {
                                  AppendDerivedLine(record, &result.derived);
                                  return absl::OkStatus();
                                });
      !s.ok()) {
    return s;
  }
  return result;
}

std::string VerifyJson(const VerifyResult& result) {
  JsonWriter json;
  json.BeginObject();
  json.Key("ok").Bool(result.ok());
  json.Key("tree_size").Uint(result.report.tree_size);
  json.Key("root_hash").String(merkle::HashToBase64(result.report.root));
  json.Key("findings").BeginArray();
  for (const Finding& finding : result.report.findings) {
    json.BeginObject().Key("seq");
    if (finding.seq) {
      json.Uint(*finding.seq);
    } else {
      json.Null();
    }
    json.Key("kind").String(finding.kind);
    json.Key("detail").String(finding.detail);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return json.str() + "\n";
}

std::string VerifyText(const VerifyResult& result) {
  const IntegrityReport& report = result.report;
  std::string out = absl::StrCat("tree size ", report.tree_size, ", root ",
                                 merkle::HashToBase64(report.root), "\n");
  for (const Finding& finding : report.findings) {
    absl::StrAppend(
        &out, finding.kind, ": ",
        finding.seq ? absl::StrCat("record ", *finding.seq, ": ") : "",
        finding.detail, "\n");
  }
  absl::StrAppend(&out, result.derived);
  absl::StrAppend(&out,
                  result.ok()
                      ? absl::StrCat("verified: every record and tree "
                                     "node, the index and the ledger "
                                     "snapshot, debits = credits under "
                                     "every view, bounds, ",
                                     result.assertions,
                                     " balance assertion(s) and every "
                                     "seal; no findings\n")
                      : absl::StrCat(report.findings.size(), " finding(s)\n"));
  return out;
}

}  // namespace fundlog
