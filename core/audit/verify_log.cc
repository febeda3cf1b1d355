#include "core/audit/verify_log.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/audit/index_check.h"
#include "core/base/dates.h"
#include "core/ledger/snapshots.h"
#include "core/store/record_arena.h"

namespace fundlog {
namespace {

// A correction names an earlier record and is not recorded before it: it
// applies from its own recorded_on, so one dated before its original would
// silently change nothing (append refuses both; older logs may hold them).
absl::Status CheckCorrectionOrder(const LogView& log,
                                  const v1::StoredRecord& record,
                                  std::vector<Finding>* findings) {
  const uint64_t seq = record.seq();
  const uint64_t corrected = record.event().correction().corrected_seq();
  if (corrected >= seq) {
    findings->push_back({seq, kCorrectionOrder,
                         absl::StrCat("record ", seq, " corrects record ",
                                      corrected, ", which is not earlier")});
    return absl::OkStatus();
  }
  absl::StatusOr<v1::StoredRecord> original = log.Read(corrected);
  if (absl::IsDataLoss(original.status())) return absl::OkStatus();
  if (!original.ok()) return original.status();
  const std::string& corrected_on = record.event().recorded_on();
  const std::string& original_on = original->event().recorded_on();
  absl::StatusOr<absl::CivilDay> when = ParseDay(corrected_on);
  absl::StatusOr<absl::CivilDay> first = ParseDay(original_on);
  if (when.ok() && first.ok() && *when < *first) {
    findings->push_back(
        {seq, kCorrectionOrder,
         absl::StrCat("record ", seq, " corrects record ", corrected,
                      " but was recorded on ", corrected_on,
                      ", before the record it corrects (", original_on,
                      "): it changes no figure")});
  }
  return absl::OkStatus();
}

}  // namespace

bool HasDataLoss(const IntegrityReport& report) {
  return std::any_of(
      report.findings.begin(), report.findings.end(),
      [](const Finding& finding) { return finding.kind == "data_loss"; });
}

absl::StatusOr<IntegrityReport> VerifyLog(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint) {
  return VerifyLog(log, checkpoint, VerifyLogOptions{});
}

absl::StatusOr<IntegrityReport> VerifyLog(
    const EventLog& log, const std::optional<merkle::Checkpoint>& checkpoint,
    const VerifyLogOptions& options) {
  // One view for the records, the tree and the index, so that an append
  // running beside verify is either wholly seen or not at all.
  absl::StatusOr<LogView> view = log.NewView();
  if (!view.ok()) return view.status();
  IndexCheck index(*view);
  std::vector<Finding> found;  // by the record checks, in seq order
  RecordArena records;         // each record parsed, freed before the next
  auto observe = [&](uint64_t seq, absl::string_view bytes) -> absl::Status {
    v1::StoredRecord& record = *records.NewRecord();
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      found.push_back(
          {seq, "data_loss",
           absl::StrCat("record ", seq, " does not parse as a StoredRecord")});
      return absl::OkStatus();
    }
    index.Add(record);
    if (options.observe) options.observe(record);
    if (record.event().has_correction()) {
      return CheckCorrectionOrder(*view, record, &found);
    }
    return absl::OkStatus();
  };
  absl::StatusOr<IntegrityReport> report =
      CheckIntegrity(*view, checkpoint, observe);
  if (!report.ok()) return report.status();
  std::vector<Finding>& findings = report->findings;
  findings.insert(findings.end(), found.begin(), found.end());
  if (absl::Status s = index.Finish(HasDataLoss(*report), &findings); !s.ok()) {
    return s;
  }
  if (!options.audit_snapshot) return report;
  absl::StatusOr<std::string> snapshot = ledger::AuditSnapshot(log);
  if (!snapshot.ok()) return snapshot.status();
  if (!snapshot->empty()) {
    findings.push_back(
        {std::nullopt, kDerivedMismatch,
         absl::StrCat(*snapshot, "; `fundlog rebuild` writes it again")});
  }
  return report;
}

}  // namespace fundlog
