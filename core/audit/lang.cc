#include "core/audit/lang.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "core/base/money.h"

namespace fundlog {
namespace {

constexpr Words kEnglish{
    .title = "fundlog audit report",
    .log = "log:          ",
    .origin = "origin:       ",
    .organisation = "organisation: ",
    .not_given = "(not given)",
    .records = "records:      ",
    .timeline_heading = "Timeline (effective order, with sources)",
    .col_seq = "seq",
    .col_effective = "effective",
    .col_recorded = "recorded",
    .col_kind = "kind",
    .events = " events",
    .source = "source: ",
    .passage = "passage: ",
    .note = "note: ",
    .open_end = "(open)",
    .year_end_heading =
        "Year-end balances of the fund line under each view (kronor; "
        "\"min – max\" where the facts allow a range)",
    .fund = "fund ",
    .account = ", account ",
    .year = "year",
    .no_facts = "(no facts)",
    .no_such_account = "(no such account)",
    .totals_heading = "Totals by kind against the amounts the sources state",
    .period = "period ",
    .to = " to ",
    .kind = "kind",
    .stated_in_sources = "stated in sources",
    .agrees = " (agrees under every view)",
    .differs = " (DIFFERS)",
    .no_stated = "(no stated amounts)",
    .stated_heading = "Stated amounts and their sources",
    .record = "record ",
    .integrity_heading = "Integrity",
    .verify_ok = "verify: every record re-read and re-hashed; no findings",
    .finding = "FINDING ",
    .tree_size = "tree size:  ",
    .root_hash = "root hash:  ",
    .verifier_key = "verifier key: ",
    .signed_checkpoint = "Signed checkpoint (C2SP tlog-checkpoint):",
    .set_aside = "Set aside ",
    .decided_by = "decided by ",
    .used = "Used ",
    .repaid = "Repaid ",
    .by = "by ",
    .units_unstated = "which units used it, and how much each, not stated",
    .split_unstated = "; the split between them not stated",
    .close_out = "Close-out: whatever ",
    .moves_to = " holds moves to ",
    .transition_of = "transition of ",
    .budget_frame = "Handled within the ",
    .years_frame = "year's",
    .budget_frame_end = " budget frame, no fund movement (",
    .amount_unstated = "amount not stated",
    .fund_established = "Fund established: ",
    .guidelines = "Guidelines ",
    .adopted_by = " adopted by ",
    .repealed_by = " repealed by ",
    .proposed_by = "Proposed by ",
    .via = "via ",
    .decided_by_body = "Decided by ",
    .meeting = "meeting ",
    .meeting_unstated = "meeting date not given",
    .sent_to = "sent to ",
    .unknown_body = "unknown body",
    .administration = "the administration",
    .a_namnd = "a nämnd",
};

constexpr Words kSwedish{
    .title = "fundlog revisionsrapport",
    .log = "logg:         ",
    .origin = "ursprung:     ",
    .organisation = "organisation: ",
    .not_given = "(ej angiven)",
    .records = "poster:       ",
    .timeline_heading = "Tidslinje (i effektiv ordning, med källor)",
    .col_seq = "nr",
    .col_effective = "gäller",
    .col_recorded = "bokförd",
    .col_kind = "slag",
    .events = " händelser",
    .source = "källa: ",
    .passage = "stycke: ",
    .note = "anm.: ",
    .open_end = "(öppen)",
    .year_end_heading =
        "Fondens rad i balansräkningen vid räkenskapsårets slut under varje "
        "synsätt (kronor; \"min – max\" där uppgifterna medger ett intervall)",
    .fund = "fond ",
    .account = ", konto ",
    .year = "år",
    .no_facts = "(inga uppgifter)",
    .no_such_account = "(inget sådant konto)",
    .totals_heading =
        "Summor per slag mot de belopp som källorna anger (resultat)",
    .period = "period ",
    .to = " till ",
    .kind = "slag",
    .stated_in_sources = "enligt källorna",
    .agrees = " (stämmer under varje synsätt)",
    .differs = " (AVVIKER)",
    .no_stated = "(inga angivna belopp)",
    .stated_heading = "Angivna belopp och deras källor",
    .record = "post ",
    .integrity_heading = "Loggens integritet",
    .verify_ok =
        "verify: varje post omläst och omräknad (hash); inga avvikelser",
    .finding = "AVVIKELSE ",
    .tree_size = "trädets storlek: ",
    .root_hash = "rothash:         ",
    .verifier_key = "verifieringsnyckel (för revisor): ",
    .signed_checkpoint =
        "Signerad kontrollpunkt (C2SP tlog-checkpoint; inkluderingsbevis "
        "prövas mot den):",
    .set_aside = "Avsättning ",
    .decided_by = "beslutad av ",
    .used = "Ianspråktagande ",
    .repaid = "Återbetalning ",
    .by = "av ",
    .units_unstated =
        "vilka enheter som använde medlen, och hur mycket var, "
        "anges inte",
    .split_unstated = "; fördelningen mellan dem anges inte",
    .close_out = "Upplösning: det som finns på ",
    .moves_to = " förs till ",
    .transition_of = "övergång enligt ",
    .budget_frame = "Hanterat inom ",
    .years_frame = "årets",
    .budget_frame_end = " budgetram, ingen rörelse i fonden (",
    .amount_unstated = "beloppet anges inte",
    .fund_established = "Fond inrättad: ",
    .guidelines = "Riktlinjerna ",
    .adopted_by = " antagna av ",
    .repealed_by = " upphävda av ",
    .proposed_by = "Förslag från ",
    .via = "via ",
    .decided_by_body = "Beslut av ",
    .meeting = "sammanträde ",
    .meeting_unstated = "sammanträdesdag anges inte",
    .sent_to = "skickas till ",
    .unknown_body = "okänt organ",
    .administration = "förvaltningen",
    .a_namnd = "en nämnd",
};

constexpr std::pair<absl::string_view, absl::string_view> kSwedishKinds[] = {
    {"fund_established", "fond inrättad"},
    {"guidelines_adopted", "riktlinjer antagna"},
    {"decision_proposed", "förslag till beslut"},
    {"decision_taken", "beslut"},
    {"guidelines_repealed", "riktlinjer upphävda"},
    {"allocation", "avsättning"},
    {"use", "ianspråktagande"},
    {"repayment", "återbetalning"},
    {"close_out", "upplösning"},
    {"budget_frame_use", "inom budgetram"},
    {"voucher", "verifikation"},
    {"opening_balances", "ingående balanser"},
    {"accounts_defined", "kontoplan"},
    {"policy_defined", "redovisningsprincip"},
    {"policy_changed", "byte av redovisningsprincip"},
    {"balance_asserted", "fastställt saldo"},
    {"correction", "rättelse"},
    {"statement_sealed", "förseglat bokslut"},
};

}  // namespace

absl::StatusOr<Lang> ParseLang(absl::string_view text) {
  if (text == "en") return Lang::kEn;
  if (text == "sv") return Lang::kSv;
  return absl::InvalidArgumentError(absl::StrCat(
      "--lang must be sv or en, got \"", text.substr(0, 40), "\""));
}

absl::string_view LangCode(Lang lang) {
  return lang == Lang::kSv ? "sv" : "en";
}

const Words& WordsFor(Lang lang) {
  return lang == Lang::kSv ? kSwedish : kEnglish;
}

std::string Money(Lang lang, int64_t ore) {
  if (lang == Lang::kEn) return FormatKronor(ore);
  return absl::StrCat(absl::StrReplaceAll(FormatKronor(ore), {{".", ","}}),
                      " kr");
}

std::string MoneyInText(Lang lang, int64_t ore) {
  return lang == Lang::kEn ? absl::StrCat(FormatKronor(ore), " kr")
                           : Money(lang, ore);
}

std::string MoneyRange(Lang lang, int64_t min_ore, int64_t max_ore) {
  if (min_ore == max_ore) return Money(lang, min_ore);
  if (lang == Lang::kEn) {
    return absl::StrCat(FormatKronor(min_ore), " – ", FormatKronor(max_ore));
  }
  // "6 600 000,00 – 10 000 000,00 kr": the unit once, after the range.
  return absl::StrCat(absl::StripSuffix(Money(lang, min_ore), " kr"), " – ",
                      Money(lang, max_ore));
}

absl::string_view ViewLabel(Lang lang, ledger::View view) {
  if (lang == Lang::kEn) return ledger::ViewName(view);
  switch (view) {
    case ledger::View::kReported:
      return "enligt redovisat";
    case ledger::View::kWithoutChange:
      return "som om ändringen aldrig skett";
    case ledger::View::kRestated:
      return "omräknat från början";
  }
  return ledger::ViewName(view);
}

absl::string_view KindLabel(Lang lang, absl::string_view kind) {
  if (lang == Lang::kEn) return kind;
  for (const auto& [name, label] : kSwedishKinds) {
    if (name == kind) return label;
  }
  return kind;
}

}  // namespace fundlog
