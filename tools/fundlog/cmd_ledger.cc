// balance, statement, totals, correct, seal, synth.
#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/audit/ledger_views.h"
#include "core/audit/object_view.h"
#include "core/base/dates.h"
#include "core/base/money.h"
#include "core/formats/csv/csv_views.h"
#include "core/io/batch_file.h"
#include "core/io/json_writer.h"
#include "core/ledger/ledger.h"
#include "core/ledger/rebuild.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "tools/fundlog/cli.h"
#include "tools/fundlog/csv_flags.h"

namespace fundlog::cli {
namespace {

// Prints a usage problem and returns the usage exit status.
int Usage(absl::string_view command, absl::string_view message) {
  std::cerr << "fundlog " << command << ": " << message << "\n";
  return kExitUsage;
}

struct CommonFlags {
  ledger::View view = ledger::View::kReported;
  std::optional<absl::CivilDay> known_at;
  std::string fund;
};

// Reads --view, --known-at and --fund; a usage error message otherwise.
absl::StatusOr<CommonFlags> ReadCommon(const Args& args) {
  CommonFlags flags;
  if (std::optional<std::string> view = args.Get("view")) {
    absl::StatusOr<ledger::View> parsed = ledger::ParseView(*view);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--view \"", *view, "\": want reported, without-change or restated"));
    }
    flags.view = *parsed;
  }
  absl::StatusOr<std::optional<absl::CivilDay>> known_at = args.Day("known-at");
  if (!known_at.ok()) return known_at.status();
  flags.known_at = *known_at;
  flags.fund = args.Get("fund").value_or("");
  return flags;
}

int RunBalance(const Args& args, const Context& context) {
  absl::StatusOr<CommonFlags> flags = ReadCommon(args);
  if (!flags.ok()) return Usage("balance", flags.status().message());
  absl::StatusOr<std::optional<absl::CivilDay>> as_of = args.Day("as-of");
  if (!as_of.ok()) return Usage("balance", as_of.status().message());
  if (!as_of->has_value()) return Usage("balance", "--as-of is required");
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("balance", log.status());
  ledger::BalanceQuery query{**as_of, flags->known_at, flags->view,
                             flags->fund};
  absl::StatusOr<std::vector<ledger::AccountRange>> balances =
      QueryBalances(**log, query);
  if (!balances.ok()) return Fail("balance", balances.status());
  if (auto csv = ReadCsvFormat(args); !csv.ok() || csv->has_value()) {
    if (!csv.ok()) return Usage("balance", csv.status().message());
    Print(BalancesCsv(*balances, **csv));
    return kExitOk;
  }
  if (args.Has("json")) {
    Print(BalancesJson(query, *balances));
    return kExitOk;
  }
  std::string out = absl::StrFormat(
      "Balances as of %s%s, view %s%s (kronor; a range where the facts "
      "allow several figures)\n\n",
      FormatDay(**as_of),
      flags->known_at
          ? absl::StrCat(", as known on ", FormatDay(*flags->known_at))
          : "",
      ledger::ViewName(flags->view),
      flags->fund.empty() ? "" : absl::StrCat(", fund ", flags->fund));
  absl::StrAppend(&out, BalancesTable(*balances));
  if (args.Has("by-object")) {
    // The per-object figures SIE files state, as a breakdown beside them.
    absl::StatusOr<std::vector<v1::StoredRecord>> records = LoadRecords(**log);
    if (!records.ok()) return Fail("balance", records.status());
    absl::StrAppend(&out, "\nPer dimension object as of ", FormatDay(**as_of),
                    " (kronor, debit positive):\n\n",
                    ObjectFiguresTable(ObjectFiguresAt(
                        *records, **as_of, flags->known_at, flags->fund)));
  }
  Print(out);
  return kExitOk;
}

int RunStatement(const Args& args, const Context& context) {
  absl::StatusOr<CommonFlags> flags = ReadCommon(args);
  if (!flags.ok()) return Usage("statement", flags.status().message());
  int year = 0;
  std::optional<std::string> year_text = args.Get("year");
  if (!year_text) return Usage("statement", "--year YYYY is required");
  if (year_text->size() != 4 || !absl::SimpleAtoi(*year_text, &year) ||
      year < 1000) {
    return Usage("statement",
                 absl::StrCat("--year \"", *year_text,
                              "\" is malformed: want a year as YYYY"));
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("statement", log.status());
  absl::StatusOr<ledger::Statement> statement = QueryStatement(
      **log,
      ledger::StatementQuery{year, flags->view, flags->known_at, flags->fund});
  if (!statement.ok()) return Fail("statement", statement.status());
  if (auto csv = ReadCsvFormat(args); !csv.ok() || csv->has_value()) {
    if (!csv.ok()) return Usage("statement", csv.status().message());
    Print(StatementCsv(*statement, **csv));
    return kExitOk;
  }
  if (args.Has("json")) {
    Print(StatementJson(*statement));
    return kExitOk;
  }
  std::string out = StatementText(*statement);
  if (args.Has("by-object")) {
    // The per-object figures SIE files state, at the year's end.
    absl::StatusOr<std::vector<v1::StoredRecord>> records = LoadRecords(**log);
    if (!records.ok()) return Fail("statement", records.status());
    const absl::CivilDay end(year, 12, 31);
    absl::StrAppend(&out, "\nPer dimension object as of ", FormatDay(end),
                    " (kronor, debit positive):\n\n",
                    ObjectFiguresTable(ObjectFiguresAt(
                        *records, end, flags->known_at, flags->fund)));
  }
  Print(out);
  return kExitOk;
}

int RunTotals(const Args& args, const Context& context) {
  absl::StatusOr<CommonFlags> flags = ReadCommon(args);
  if (!flags.ok()) return Usage("totals", flags.status().message());
  absl::StatusOr<std::optional<absl::CivilDay>> from = args.Day("from");
  absl::StatusOr<std::optional<absl::CivilDay>> to = args.Day("to");
  if (!from.ok()) return Usage("totals", from.status().message());
  if (!to.ok()) return Usage("totals", to.status().message());
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("totals", log.status());
  ledger::TotalsQuery query{from->value_or(absl::CivilDay(1000, 1, 1)),
                            to->value_or(absl::CivilDay(9999, 12, 31)),
                            flags->known_at, flags->view, flags->fund};
  absl::StatusOr<std::vector<ledger::KindTotal>> totals =
      QueryTotals(**log, query);
  if (!totals.ok()) return Fail("totals", totals.status());
  if (auto csv = ReadCsvFormat(args); !csv.ok() || csv->has_value()) {
    if (!csv.ok()) return Usage("totals", csv.status().message());
    Print(TotalsCsv(*totals, **csv));
    return kExitOk;
  }
  Print(args.Has("json") ? TotalsJson(query, *totals)
                         : TotalsText(query, *totals));
  return kExitOk;
}

std::string Today() {
  return FormatDay(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
}

std::string User() {
  const char* user = std::getenv("USER");
  return user != nullptr && *user ? user : "unknown user";
}

int RunCorrect(const Args& args, const Context& context) {
  uint64_t seq = 0;
  if (!absl::SimpleAtoi(args.positional()[0], &seq)) {
    return Usage("correct", "SEQ must be a sequence number");
  }
  std::optional<std::string> reason = args.Get("reason");
  if (!reason || reason->empty())
    return Usage("correct", "--reason is required");
  std::optional<std::string> replacement_file = args.Get("replacement");
  if (replacement_file.has_value() == args.Has("reverse")) {
    return Usage("correct",
                 "give exactly one of --replacement FILE or --reverse");
  }
  absl::StatusOr<std::optional<absl::CivilDay>> recorded_on =
      args.Day("recorded-on");
  if (!recorded_on.ok())
    return Usage("correct", recorded_on.status().message());
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("correct", log.status());
  absl::StatusOr<v1::StoredRecord> original = (*log)->Read(seq);
  if (!original.ok()) return Fail("correct", original.status());
  v1::EventBatch batch;
  v1::Event* event = batch.add_events();
  const std::string day =
      recorded_on->has_value() ? FormatDay(**recorded_on) : Today();
  event->set_event_id(
      absl::StrCat("correction-of-", seq, "-at-", (*log)->Size()));
  event->set_fund_id(original->event().fund_id());
  *event->mutable_effective() = original->event().effective();
  event->set_recorded_on(day);
  event->set_recorded_by(args.Get("by").value_or(User()));
  event->mutable_source()->set_title(args.Get("source").value_or(
      absl::StrCat("Correction of record ", seq, " (fundlog correct)")));
  event->mutable_source()->set_date(day);
  event->mutable_correction()->set_corrected_seq(seq);
  event->mutable_correction()->set_reason(*reason);
  BatchOrigin origin;
  if (replacement_file) {
    absl::StatusOr<LoadedBatch> loaded = LoadBatchFile(*replacement_file);
    if (!loaded.ok()) return Fail("correct", loaded.status());
    if (loaded->batch.events_size() != 1) {
      return Fail("correct", absl::InvalidArgumentError(absl::StrCat(
                                 *replacement_file, ": holds ",
                                 loaded->batch.events_size(),
                                 " events; a replacement is exactly one")));
    }
    *event->mutable_correction()->mutable_replacement() =
        loaded->batch.events(0);
    origin = BatchOrigin{loaded->file_name, ""};
  } else {
    event->mutable_correction()->set_reversal(true);
  }
  absl::StatusOr<AppendResult> appended =
      (*log)->Append(batch, std::nullopt, origin);
  if (!appended.ok()) {
    absl::Status status = appended.status();
    if (replacement_file &&
        status.code() == absl::StatusCode::kInvalidArgument) {
      status = absl::InvalidArgumentError(
          absl::StrCat(*replacement_file, ": ", status.message()));
    }
    return Fail("correct", status);
  }
  RefreshSnapshotsAfterAppend(**log, "correct");
  Print(absl::StrCat("appended correction of record ", seq, " as record ",
                     appended->first_seq, " (recorded on ", day, ")\n"));
  return kExitOk;
}

int RunSeal(const Args& args, const Context& context) {
  absl::StatusOr<std::optional<absl::CivilDay>> as_of = args.Day("as-of");
  if (!as_of.ok()) return Usage("seal", as_of.status().message());
  if (!as_of->has_value()) return Usage("seal", "--as-of is required");
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("seal", log.status());
  absl::StatusOr<AppendResult> sealed = AppendSeal(
      **log, **as_of, args.Get("fund").value_or(""), Today(), User());
  if (!sealed.ok()) return Fail("seal", sealed.status());
  RefreshSnapshotsAfterAppend(**log, "seal");
  Print(absl::StrCat("sealed the statement as of ", FormatDay(**as_of),
                     " as record ", sealed->first_seq, "\n"));
  return kExitOk;
}

int RunSynth(const Args& args, const Context& context) {
  absl::StatusOr<std::optional<uint64_t>> events = args.Uint("events");
  absl::StatusOr<std::optional<uint64_t>> funds = args.Uint("funds");
  absl::StatusOr<std::optional<uint64_t>> seed = args.Uint("seed");
  for (const absl::Status& s :
       {events.status(), funds.status(), seed.status()}) {
    if (!s.ok()) return Usage("synth", s.message());
  }
  if (!events->has_value()) return Usage("synth", "--events N is required");
  const uint64_t fund_count = funds->value_or(3);
  if (**events > 50'000'000 || fund_count < 1 || fund_count > 10'000) {
    return Usage("synth", "--events at most 50000000, --funds 1..10000");
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("synth", log.status());
  absl::StatusOr<uint64_t> written =
      AppendSynthetic(**log, seed->value_or(1), static_cast<int>(**events),
                      static_cast<int>(fund_count));
  if (!written.ok()) return Fail("synth", written.status());
  // The events are appended and durable; a snapshot that cannot be written
  // only makes later queries slower, so it is a warning, not a failure.
  absl::StatusOr<ledger::SnapshotWrite> snapshot =
      ledger::RefreshSnapshots(**log);
  if (!snapshot.ok()) {
    std::cerr << "fundlog synth: appended, but no snapshot written: "
              << snapshot.status().message() << "\n";
  }
  Print(absl::StrCat(
      "appended ", *written, " SYNTHETIC events (seed ", seed->value_or(1),
      "); log size ", (*log)->Size(), "\n",
      snapshot.ok() && snapshot->written
          ? absl::StrCat("wrote a snapshot at size ", snapshot->size, "\n")
          : ""));
  return kExitOk;
}

int RunRebuild(const Args& args, const Context& context) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("rebuild", log.status());
  const absl::Time start = absl::Now();
  absl::StatusOr<ledger::Rebuilt> all = ledger::RebuildAll(**log);
  if (!all.ok()) return Fail("rebuild", all.status());
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const ledger::SnapshotWrite* rebuilt = &all->snapshot;
  std::string out = absl::StrFormat(
      "rebuilt the index from %d records: %d entries (%.3f s, the fold "
      "included)\n",
      (*log)->Size(), all->index_entries, all->index_seconds);
  absl::StrAppend(&out, "cleared derived data\n");
  if (rebuilt->written) {
    absl::StrAppendFormat(
        &out, "folded %d records in %.3f s; wrote snapshot %s (%d bytes)\n",
        rebuilt->folded, seconds, ledger::SnapshotKey(), rebuilt->bytes);
    if (rebuilt->query_written) {
      absl::StrAppendFormat(&out, "wrote query state %s (%d bytes)\n",
                            ledger::QueryStateKey(), rebuilt->query_bytes);
      absl::StrAppendFormat(&out, "wrote known state %s (%d bytes)\n",
                            ledger::KnownStateKey(), rebuilt->known_bytes);
    }
  } else {
    absl::StrAppend(&out, "the log is empty; no snapshot written\n");
  }
  Print(out);
  // The table files in this build's layout too (docs/format.md, "Reader
  // memory"): a log written before keeps its whole indexes and filters on
  // every reader's heap until its tables are rewritten.
  const absl::Time rewrite_start = absl::Now();
  absl::StatusOr<EventLog::TablesRewritten> tables = (*log)->RewriteTables();
  if (!tables.ok()) return Fail("rebuild", tables.status());
  Print(absl::StrFormat(
      "rewrote the table files in the current layout: %d files before, %d "
      "after (%.3f s)\n",
      tables->before, tables->after,
      absl::ToDoubleSeconds(absl::Now() - rewrite_start)));
  return kExitOk;
}

}  // namespace

std::vector<Command> LedgerCommands() {
  const FlagSpec json{"json", "", "one JSON document on stdout"};
  const FlagSpec view{"view", "V",
                      "reported (default), without-change, restated"};
  const FlagSpec known_at{"known-at", "D",
                          "count only events recorded on or before D"};
  const FlagSpec fund{"fund", "F", "only this fund"};
  return {
      {{"balance",
        "balance --as-of D [--known-at D] [--view V] [--fund F] [--json] "
        "[--format csv [--csv-dialect sv]] [--by-object]",
        "Per-account balance as of the end of day D: min and max (equal when "
        "exact).",
        {{"as-of", "D", "the day (end of day)"},
         {"by-object", "",
          "also the per-object figures SIE files state (#OIB/#OUB/#PSALDO "
          "with objects), a breakdown not added to the balances"},
         known_at,
         view,
         fund,
         json,
         CsvFormatFlag(),
         CsvDialectFlag()}},
       RunBalance},
      {{"statement",
        "statement --year Y [--view V] [--known-at D] [--fund F] [--json] "
        "[--format csv [--csv-dialect sv]] [--by-object]",
        "Opening, movements by kind, closing for a calendar year.",
        {{"year", "Y", "the year"},
         {"by-object", "",
          "also the per-object figures SIE files state, at the year's end "
          "(a breakdown not added to the balances)"},
         view,
         known_at,
         fund,
         json,
         CsvFormatFlag(),
         CsvDialectFlag()}},
       RunStatement},
      {{"totals",
        "totals [--from D] [--to D] [--view V] [--known-at D] [--fund F] "
        "[--json] [--format csv [--csv-dialect sv]]",
        "Sums by kind over a period (facts wholly inside count exactly).",
        {{"from", "D", "first day (default: the beginning)"},
         {"to", "D", "last day (default: the end)"},
         view,
         known_at,
         fund,
         json,
         CsvFormatFlag(),
         CsvDialectFlag()}},
       RunTotals},
      {{"correct",
        "correct SEQ --reason TEXT (--replacement FILE | --reverse) "
        "[--recorded-on D] [--by NAME] [--source TITLE]",
        "Append a correction of record SEQ; the original stays readable.",
        {{"reason", "TEXT", "why (required)"},
         {"replacement", "FILE",
          "a .textpb/.json batch with the corrected event"},
         {"reverse", "", "void the record instead"},
         {"recorded-on", "D",
          "when the correction was decided (default: today)"},
         {"by", "NAME", "who corrects (default: $USER)"},
         {"source", "TITLE", "the document the correction rests on"}},
        1,
        1},
       RunCorrect},
      {{"seal",
        "seal --as-of D [--fund F]",
        "Append a StatementSealed: balances under every view as of D, which "
        "verify replays.",
        {{"as-of", "D", "the day sealed"}, fund}},
       RunSeal},
      {{"rebuild",
        "rebuild",
        "Throw derived data (the index and ledger snapshots) away and derive "
        "it "
        "again from the log.",
        {}},
       RunRebuild},
      {{"synth",
        "synth --events N [--funds F] [--seed S]",
        "Append a reproducible SYNTHETIC history (labelled synthetic).",
        {{"events", "N",
          "how many events (at least each fund's set-up: accounts, policies, "
          "first allocation)"},
         {"funds", "F", "how many funds (default 3)"},
         {"seed", "S", "the generator's seed (default 1)"}}},
       RunSynth},
  };
}

}  // namespace fundlog::cli
