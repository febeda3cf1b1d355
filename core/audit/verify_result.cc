#include "core/audit/verify_result.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/audit/verify_log.h"
#include "core/io/json_writer.h"
#include "core/ledger/ledger.h"
#include "core/ledger/snapshots.h"

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
  // Each record is read and parsed once, by the integrity scan, which hands
  // it to the index check, the derived rows and the ledger check's replay;
  // the replay also serves the comparison with the stored snapshot and
  // query state. The ledger's findings count only for a whole log.
  absl::StatusOr<ledger::SnapshotAudit> audit =
      ledger::SnapshotAudit::Prepare(log);
  if (!audit.ok()) return audit.status();
  ledger::LedgerChecker checker(
      [&](const ledger::Projector& replayed) { audit->Observe(replayed); });
  VerifyResult result;
  VerifyLogOptions options;
  options.audit_snapshot = false;
  options.observe = [&](const v1::StoredRecord& record) {
    AppendDerivedLine(record, &result.derived);
    checker.Visit(record);
  };
  absl::StatusOr<IntegrityReport> report = VerifyLog(log, checkpoint, options);
  if (!report.ok()) return report.status();
  result.report = *std::move(report);
  auto derived_finding = [&](const std::string& audited) {
    if (audited.empty()) return;
    result.report.findings.push_back(
        {std::nullopt, kDerivedMismatch,
         absl::StrCat(audited, "; `fundlog rebuild` writes it again")});
  };
  // The ledger's invariants need every record readable; with data loss the
  // integrity findings already say what is wrong, and the snapshot is
  // compared with a replay of what can be replayed.
  if (HasDataLoss(result.report)) {
    result.derived.clear();  // the rows are only listed for a whole log
    absl::StatusOr<std::string> audited = ledger::AuditSnapshot(log);
    if (!audited.ok()) return audited.status();
    derived_finding(*audited);
    return result;
  }
  // Read again only for a seal covering fewer records than precede it. The
  // size is the one the integrity check saw.
  const uint64_t size = result.report.tree_size;
  absl::StatusOr<ledger::LedgerCheck> check =
      checker.Finish([&](const ledger::RecordVisitor& visit) {
        return log.Scan(0, size, visit);
      });
  if (!check.ok()) return check.status();
  derived_finding(audit->Findings());
  for (const ledger::Finding& finding : check->findings) {
    result.report.findings.push_back(
        {finding.seq, finding.kind, finding.detail});
  }
  result.assertions = static_cast<int>(check->assertions.size());
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
