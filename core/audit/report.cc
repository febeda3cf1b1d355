#include "core/audit/report.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/audit/checkpoint_signer.h"
#include "core/audit/integrity.h"
#include "core/audit/ledger_views.h"
#include "core/audit/report_ledger.h"
#include "core/audit/timeline.h"
#include "core/audit/verify_log.h"
#include "core/merkle/merkle.h"

namespace fundlog {

namespace {

// Drops the spaces that padded columns leave at the ends of lines.
std::string TrimLineEnds(absl::string_view text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::StrAppend(&out, absl::StripTrailingAsciiWhitespace(line), "\n");
  }
  out.pop_back();  // StrSplit yields one more piece than there are newlines
  return out;
}

// Verification, the tree and a freshly signed checkpoint: what an auditor
// keeps to check later that nothing changed.
absl::StatusOr<std::string> IntegritySection(EventLog& log, const Words& w) {
  absl::StatusOr<IntegrityReport> integrity = VerifyLog(log, std::nullopt);
  if (!integrity.ok()) return integrity.status();
  std::string out = absl::StrCat(w.integrity_heading, "\n\n");
  if (integrity->findings.empty()) absl::StrAppend(&out, w.verify_ok, "\n");
  for (const Finding& finding : integrity->findings) {
    absl::StrAppend(&out, w.finding, finding.kind, ": ", finding.detail, "\n");
  }
  absl::StrAppend(&out, w.tree_size, integrity->tree_size, "\n", w.root_hash,
                  merkle::HashToBase64(integrity->root), "\n", w.verifier_key,
                  log.Info().verifier_key, "\n\n");
  absl::StatusOr<std::string> checkpoint = SignCheckpoint(log, log.Size());
  if (!checkpoint.ok()) return checkpoint.status();
  absl::StrAppend(&out, w.signed_checkpoint, "\n\n", *checkpoint);
  return out;
}

}  // namespace

absl::StatusOr<std::string> Report(EventLog& log, Lang lang) {
  const Words& w = WordsFor(lang);
  const LogInfo info = log.Info();
  std::string out = absl::StrCat(
      w.title, "\n", w.log, log.path(), "\n", w.origin, info.origin, "\n",
      w.organisation, info.org_name.empty() ? w.not_given : info.org_name,
      info.org_number.empty() ? "" : absl::StrCat(" (", info.org_number, ")"),
      "\n", w.records, info.size, "\n\n", w.timeline_heading, "\n\n");
  absl::StatusOr<std::vector<v1::StoredRecord>> records =
      Timeline(log, TimelineQuery{});
  if (!records.ok()) return records.status();
  absl::StrAppend(&out, TimelineText(*records, lang));
  absl::StatusOr<std::vector<v1::StoredRecord>> all = LoadRecords(log);
  if (!all.ok()) return all.status();
  absl::StatusOr<std::string> year_end = YearEndSection(*all, lang);
  if (!year_end.ok()) return year_end.status();
  absl::StatusOr<std::string> totals = TotalsSection(*all, lang);
  if (!totals.ok()) return totals.status();
  absl::StrAppend(&out, "\n", *year_end, "\n", *totals);
  absl::StatusOr<std::string> integrity = IntegritySection(log, w);
  if (!integrity.ok()) return integrity.status();
  absl::StrAppend(&out, "\n", *integrity);
  return TrimLineEnds(out);
}

}  // namespace fundlog
