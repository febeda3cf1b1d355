// verify: integrity of records and tree, an older checkpoint, and the
// ledger's invariants.
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/audit/checkpoint_signer.h"
#include "core/audit/integrity.h"
#include "core/audit/ledger_views.h"
#include "core/audit/verify_log.h"
#include "core/io/json_writer.h"
#include "core/ledger/ledger.h"
#include "tools/fundlog/verify_command.h"

namespace fundlog::cli {

CommandSpec VerifySpec() {
  return {"verify",
          "verify [--checkpoint FILE] [--json]",
          "Re-read every record, recompute the Merkle tree, check an older "
          "checkpoint; check the index and the ledger snapshot against the "
          "records, event ids unique, corrections pointing backwards; then "
          "debits = credits under every view, declared bounds, balance "
          "assertions and sealed statements. Exit 1 on any finding.",
          {{"checkpoint", "FILE", "an older checkpoint the log must extend"},
           {"json", "", "one JSON document on stdout"}}};
}

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

int RunVerify(const Args& args, const Context& context) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("verify", log.status());
  std::optional<merkle::Checkpoint> checkpoint;
  if (std::optional<std::string> path = args.Get("checkpoint")) {
    absl::StatusOr<merkle::Checkpoint> opened = OpenLogCheckpoint(**log, *path);
    if (!opened.ok()) return Fail("verify", opened.status());
    checkpoint = *opened;
  }
  absl::StatusOr<IntegrityReport> report = VerifyLog(**log, checkpoint);
  if (!report.ok()) return Fail("verify", report.status());
  // The ledger's invariants need every record readable; with data loss the
  // integrity findings already say what is wrong.
  int assertions = 0;
  std::string derived;
  if (!HasDataLoss(*report)) {
    // Streamed: the records are read again per pass, never all held.
    const EventLog& reader = **log;
    const uint64_t size = reader.Size();
    absl::StatusOr<ledger::LedgerCheck> check =
        ledger::CheckLedgerScanned([&](const ledger::RecordVisitor& visit) {
          return reader.Scan(0, size, visit);
        });
    if (!check.ok()) return Fail("verify", check.status());
    for (const ledger::Finding& finding : check->findings) {
      report->findings.push_back({finding.seq, finding.kind, finding.detail});
    }
    assertions = static_cast<int>(check->assertions.size());
    // The rows an SIE import derived rather than read: one more pass.
    if (absl::Status s = reader.Scan(0, size,
                                     [&](const v1::StoredRecord& record) {
                                       AppendDerivedLine(record, &derived);
                                       return absl::OkStatus();
                                     });
        !s.ok()) {
      return Fail("verify", s);
    }
  }
  const bool ok = report->findings.empty();
  if (args.Has("json")) {
    JsonWriter json;
    json.BeginObject();
    json.Key("ok").Bool(ok);
    json.Key("tree_size").Uint(report->tree_size);
    json.Key("root_hash").String(merkle::HashToBase64(report->root));
    json.Key("findings").BeginArray();
    for (const Finding& finding : report->findings) {
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
    Print(json.str() + "\n");
  } else {
    std::string out = absl::StrCat("tree size ", report->tree_size, ", root ",
                                   merkle::HashToBase64(report->root), "\n");
    for (const Finding& finding : report->findings) {
      absl::StrAppend(
          &out, finding.kind, ": ",
          finding.seq ? absl::StrCat("record ", *finding.seq, ": ") : "",
          finding.detail, "\n");
    }
    absl::StrAppend(&out, derived);
    absl::StrAppend(
        &out, ok ? absl::StrCat("verified: every record and tree "
                                "node, the index and the ledger "
                                "snapshot, debits = credits under "
                                "every view, bounds, ",
                                assertions,
                                " balance assertion(s) and every "
                                "seal; no findings\n")
                 : absl::StrCat(report->findings.size(), " finding(s)\n"));
    Print(out);
  }
  return ok ? kExitOk : kExitFindings;
}

}  // namespace fundlog::cli
