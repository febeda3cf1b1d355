// The words of the audit report in English and Swedish: one catalogue, so
// every heading, label and phrase of `report` and `demo` has its translation
// beside it. Amounts: English "10 000 000.00" (the CLI's usual form), Swedish
// "10 000 000,00 kr" (decimal comma, plain spaces between thousands so the
// columns stay aligned and the text greps; the web page uses no-break
// spaces). Dates stay ISO (YYYY-MM-DD) in both.
//
// Thread-safe: constant data and free functions.
#ifndef FUNDLOG_CORE_AUDIT_LANG_H_
#define FUNDLOG_CORE_AUDIT_LANG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/ledger/ledger.h"

namespace fundlog {

enum class Lang { kEn, kSv };

// "en" or "sv"; kInvalidArgument naming the value otherwise.
absl::StatusOr<Lang> ParseLang(absl::string_view text);
absl::string_view LangCode(Lang lang);

// Every fixed phrase of the report. Phrases ending in a space are followed
// by a value.
struct Words {
  // Report head.
  absl::string_view title, log, origin, organisation, not_given, records;
  absl::string_view timeline_heading;
  // Timeline columns and labels.
  absl::string_view col_seq, col_effective, col_recorded, col_kind, events;
  absl::string_view source, passage, note, open_end;
  // Year-end table.
  absl::string_view year_end_heading, fund, account, year, no_facts;
  absl::string_view no_such_account;
  // Totals.
  absl::string_view totals_heading, period, to, kind, stated_in_sources;
  absl::string_view agrees, differs, no_stated, stated_heading, record;
  // Integrity.
  absl::string_view integrity_heading, verify_ok, finding, tree_size;
  absl::string_view root_hash, verifier_key, signed_checkpoint;
  // Event summaries (describe.cc).
  absl::string_view set_aside, decided_by, used, repaid, by, units_unstated;
  absl::string_view split_unstated, close_out, moves_to, transition_of;
  absl::string_view budget_frame, years_frame, budget_frame_end;
  absl::string_view amount_unstated, fund_established, guidelines;
  absl::string_view adopted_by, repealed_by, proposed_by, via, decided_by_body;
  absl::string_view meeting, meeting_unstated, sent_to, unknown_body;
  absl::string_view administration, a_namnd;
};

const Words& WordsFor(Lang lang);

// An amount: "10 000 000.00" (en) or "10 000 000,00 kr" (sv).
std::string Money(Lang lang, int64_t ore);
// An amount in running text: "10 000 000.00 kr" (en) or as Money (sv).
std::string MoneyInText(Lang lang, int64_t ore);
// "min – max", or one amount when exact.
std::string MoneyRange(Lang lang, int64_t min_ore, int64_t max_ore);

// The view's name: "reported" … (en, as --view spells it), "enligt
// redovisat", "som om ändringen aldrig skett", "omräknat från början" (sv).
absl::string_view ViewLabel(Lang lang, ledger::View view);

// An event kind ("allocation", as timeline --json spells it) for people:
// unchanged in English, "avsättning" … in Swedish; unknown kinds unchanged.
absl::string_view KindLabel(Lang lang, absl::string_view kind);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_LANG_H_
