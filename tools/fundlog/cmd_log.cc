// init, import, append, show, timeline, demo.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/audit/lang.h"
#include "core/audit/query_json.h"
#include "core/audit/report.h"
#include "core/audit/signing_key.h"
#include "core/audit/timeline.h"
#include "core/audit/timeline_output.h"
#include "core/base/dates.h"
#include "core/formats/csv/csv_views.h"
#include "core/ingest/ingest.h"
#include "core/io/batch_file.h"
#include "core/io/durable_file.h"
#include "core/ledger/record_rules.h"
#include "core/merkle/checkpoint.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "tools/fundlog/cli.h"
#include "tools/fundlog/csv_flags.h"
#include "tools/fundlog/embedded_data.h"
#include "tools/fundlog/lang_flag.h"

namespace fundlog::cli {
namespace {

// The demo's log: Trelleborg municipality (organisation number from
// DESIGN.md §6), one fund.
constexpr char kDemoOrigin[] = "trelleborg/social-investeringsfond";
constexpr char kDemoOrg[] = "Trelleborgs kommun";
constexpr char kDemoOrgNumber[] = "212000-1199";

absl::Status CreateLog(const std::string& dir, const std::string& origin,
                       const std::string& org, const std::string& number) {
  if (!merkle::IsValidKeyName(origin)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--origin \"", origin,
        "\": must be non-empty, without spaces or '+' (it names the key)"));
  }
  absl::StatusOr<merkle::SigningKey> key = merkle::GenerateKey(origin);
  if (!key.ok()) return key.status();
  CreateOptions options;
  options.path = dir;
  options.origin = origin;
  options.org_name = org;
  options.org_number = number;
  options.verifier_key = merkle::EncodeVerifierKey(merkle::VerifierKeyOf(*key));
  options.signing_key_text = absl::StrCat(merkle::EncodeSignerKey(*key), "\n");
  options.rules = &ledger::Rules();
  absl::Status created = EventLog::Create(options).status();
  // A directory that is not empty is the user's choice of place, not a
  // storage failure (EventLog::Create says kFailedPrecondition for it).
  if (created.code() == absl::StatusCode::kFailedPrecondition) {
    return absl::InvalidArgumentError(
        absl::StrCat(created.message(),
                     "; a log needs a new or empty directory (choose "
                     "another with --db DIR); nothing created"));
  }
  return created;
}

int RunInit(const Args& args, const Context& context) {
  std::optional<std::string> origin = args.Get("origin");
  if (!origin) {
    std::cerr << "fundlog init: --origin is required\n";
    return kExitUsage;
  }
  if (absl::Status s =
          CreateLog(context.db, *origin, args.Get("org").value_or(""),
                    args.Get("org-number").value_or(""));
      !s.ok()) {
    return Fail("init", s);
  }
  Print(absl::StrCat(
      "created log ", context.db, " (origin ", *origin, "); signing key in ",
      (std::filesystem::path(context.db) / kSigningKeyFile).string(), "\n"));
  return kExitOk;
}

// Prefixes a validation error with the file it came from.
absl::Status InFile(const std::string& file, const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::InvalidArgumentError(absl::StrCat(file, ": ", status.message()));
}

// The import's notes (derived rows, findings), one per line.
std::string SieNotes(const sie::ImportSummary& sie) {
  std::string out;
  for (const std::string& note : sie.notes) {
    absl::StrAppend(&out, "  note: ", note, "\n");
  }
  return out;
}

// What an import wrote, in one line, then its notes.
std::string ImportedText(const ingest::ImportRequest& request,
                         const ingest::ImportResult& result) {
  const std::string records =
      absl::StrCat("records ", result.first_seq, "..", result.new_size - 1,
                   "; log size ", result.new_size);
  if (!result.sie.has_value()) {
    return absl::StrCat("imported ", result.events, " events from ",
                        result.files, " file(s) as ", records, "\n");
  }
  const sie::ImportSummary& sie = *result.sie;
  return absl::StrCat("imported SIE type ", sie.sie_type, " ", request.paths[0],
                      " into fund ", sie.fund_id, ": ", sie.vouchers,
                      " vouchers, ", result.events, " events as ", records,
                      sie.checksum_checked ? "; #KSUMMA verified" : "",
                      sie.skipped_empty_vouchers > 0
                          ? absl::StrCat("; ", sie.skipped_empty_vouchers,
                                         " #VER without rows skipped")
                          : "",
                      "; text read as ", sie.encoding,
                      sie.replacement_characters > 0
                          ? absl::StrCat(" (", sie.replacement_characters,
                                         " U+FFFD replacement character(s) ",
                                         "already in the file)")
                          : "",
                      "\n", SieNotes(sie));
}

int RunImport(const Args& args, const Context& context) {
  ingest::ImportRequest request;
  request.paths = args.positional();
  request.sie_fund_id = args.Get("fund").value_or("");
  request.sie_accept_findings = args.Has("accept-findings");
  const bool sie = ingest::IsSieRequest(request);
  if (args.Has("accept-findings") && !sie) {
    std::cerr << "fundlog import: --accept-findings applies to SIE files "
                 "only\n";
    return kExitUsage;
  }
  if (args.Has("fund") && !sie) {
    std::cerr << "fundlog import: --fund applies to SIE files only; the "
                 "events of a .textpb/.json batch carry their own fund_id\n";
    return kExitUsage;
  }
  if (sie && absl::flat_hash_set<std::string>(request.paths.begin(),
                                              request.paths.end())
                     .size() > 1) {
    std::cerr << "fundlog import: an SIE file is imported alone, one per "
                 "import\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("import", log.status());
  absl::StatusOr<ingest::ImportResult> result =
      ingest::ImportFiles(**log, request);
  if (!result.ok()) return Fail("import", result.status());
  RefreshSnapshotsAfterAppend(**log, "import");
  Print(ImportedText(request, *result));
  return kExitOk;
}

int RunAppend(const Args& args, const Context& context) {
  std::optional<std::string> file = args.Get("file");
  if (!file) {
    std::cerr << "fundlog append: --file is required\n";
    return kExitUsage;
  }
  absl::StatusOr<std::optional<uint64_t>> expected = args.Uint("expect-size");
  if (!expected.ok()) {
    std::cerr << "fundlog append: " << expected.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<LoadedBatch> loaded = LoadBatchFile(*file);
  if (!loaded.ok()) return Fail("append", loaded.status());
  if (loaded->batch.events_size() != 1) {
    return Fail("append", absl::InvalidArgumentError(absl::StrCat(
                              *file, ": holds ", loaded->batch.events_size(),
                              " events; append takes exactly one (use import "
                              "for batches)")));
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("append", log.status());
  absl::StatusOr<AppendResult> appended =
      (*log)->Append(loaded->batch, *expected,
                     BatchOrigin{loaded->file_name, loaded->file_sha256});
  if (!appended.ok()) return Fail("append", InFile(*file, appended.status()));
  RefreshSnapshotsAfterAppend(**log, "append");
  Print(absl::StrCat("appended record ", appended->first_seq, "; log size ",
                     appended->new_size, "\n"));
  return kExitOk;
}

int RunShow(const Args& args, const Context& context) {
  uint64_t seq = 0;
  if (!absl::SimpleAtoi(args.positional()[0], &seq)) {
    std::cerr << "fundlog show: \"" << args.positional()[0]
              << "\" is not a sequence number\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("show", log.status());
  absl::StatusOr<v1::StoredRecord> record = (*log)->Read(seq);
  if (!record.ok()) return Fail("show", record.status());
  std::string out;
  if (args.Has("json")) {
    absl::StatusOr<std::string> json = RecordJson(*record);
    if (!json.ok()) return Fail("show", json.status());
    out = *json;
  } else {
    google::protobuf::TextFormat::Printer printer;
    printer.SetUseUtf8StringEscaping(true);
    printer.PrintToString(*record, &out);
  }
  Print(out);
  return kExitOk;
}

int RunTimeline(const Args& args, const Context& context) {
  absl::StatusOr<Lang> lang = ReadLang(args);
  if (!lang.ok()) {
    std::cerr << "fundlog timeline: " << lang.status().message() << "\n";
    return kExitUsage;
  }
  if (args.Has("lang") && args.Has("format")) {
    // The CSV's columns are data for a spreadsheet, the same in both.
    std::cerr << "fundlog timeline: --lang applies to the text and --json\n";
    return kExitUsage;
  }
  TimelineQuery query;
  query.fund_id = args.Get("fund").value_or("");
  for (auto [flag, target] :
       {std::pair{"from", &query.from}, std::pair{"to", &query.to},
        std::pair{"known-at", &query.known_at}}) {
    absl::StatusOr<std::optional<absl::CivilDay>> day = args.Day(flag);
    if (!day.ok()) {
      std::cerr << "fundlog timeline: " << day.status().message() << "\n";
      return kExitUsage;
    }
    *target = *day;
  }
  if (query.from && query.to && *query.to < *query.from) {
    // Refused as `totals` refuses it: an empty range is a mistake.
    return Fail("timeline",
                absl::InvalidArgumentError(absl::StrCat(
                    "--to ", FormatDay(*query.to), " is before --from ",
                    FormatDay(*query.from), "; nothing to list")));
  }
  if (args.Has("offset") || args.Has("limit")) {
    // One page of the JSON, holding only the page in memory.
    absl::StatusOr<std::optional<uint64_t>> offset = args.Uint("offset");
    absl::StatusOr<std::optional<uint64_t>> limit = args.Uint("limit");
    for (const absl::Status& s : {offset.status(), limit.status()}) {
      if (!s.ok()) {
        std::cerr << "fundlog timeline: " << s.message() << "\n";
        return kExitUsage;
      }
    }
    if (!args.Has("json") || args.Has("format")) {
      std::cerr << "fundlog timeline: --offset and --limit go with --json\n";
      return kExitUsage;
    }
    const TimelinePage page{offset->value_or(0), *limit};
    absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
    if (!log.ok()) return Fail("timeline", log.status());
    absl::StatusOr<TimelinePageResult> paged =
        TimelinePaged(**log, query, page);
    if (!paged.ok()) return Fail("timeline", paged.status());
    Print(TimelinePageJson(*paged, page, *lang));
    return kExitOk;
  }
  TimelineOutput output;
  output.format =
      args.Has("json") ? TimelineFormat::kJson : TimelineFormat::kText;
  output.lang = *lang;
  if (auto csv = ReadCsvFormat(args); !csv.ok() || csv->has_value()) {
    if (!csv.ok()) {
      std::cerr << "fundlog timeline: " << csv.status().message() << "\n";
      return kExitUsage;
    }
    output.format = TimelineFormat::kCsv;
    output.dialect = **csv;
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("timeline", log.status());
  // Written while the log is read: a whole-log timeline never sits in memory.
  absl::StatusOr<uint64_t> written =
      WriteTimeline(**log, query, output, PrintPiece);
  std::fflush(stdout);
  if (!written.ok()) return Fail("timeline", written.status());
  return kExitOk;
}

int RunDemo(const Args& args, const Context& context) {
  absl::StatusOr<Lang> lang = ReadLang(args);
  if (!lang.ok()) {
    std::cerr << "fundlog demo: " << lang.status().message() << "\n";
    return kExitUsage;
  }
  if (!std::filesystem::exists(std::filesystem::path(context.db) / "CURRENT")) {
    if (absl::Status s =
            CreateLog(context.db, kDemoOrigin, kDemoOrg, kDemoOrgNumber);
        !s.ok()) {
      return Fail("demo", s);
    }
    Print(absl::StrCat("created log ", context.db, "\n"));
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("demo", log.status());
  absl::StatusOr<LoadedBatch> loaded =
      ParseBatch(kEmbeddedDataName, EmbeddedData());
  if (!loaded.ok()) return Fail("demo", loaded.status());
  absl::StatusOr<std::optional<uint64_t>> seen =
      (*log)->FindImportedFile(loaded->file_sha256);
  if (!seen.ok()) return Fail("demo", seen.status());
  if (seen->has_value()) {
    Print(absl::StrCat("data/", kEmbeddedDataName,
                       " is already in the log (from record ", **seen,
                       "); nothing imported\n"));
  } else {
    absl::StatusOr<AppendResult> appended =
        (*log)->Append(loaded->batch, std::nullopt,
                       BatchOrigin{loaded->file_name, loaded->file_sha256});
    if (!appended.ok()) return Fail("demo", appended.status());
    RefreshSnapshotsAfterAppend(**log, "demo");
    Print(absl::StrCat("imported data/", kEmbeddedDataName, ": ",
                       loaded->batch.events_size(), " events\n"));
  }
  absl::StatusOr<std::string> report = Report(**log, *lang);
  if (!report.ok()) return Fail("demo", report.status());
  Print(*report);
  return kExitOk;
}

}  // namespace

std::vector<Command> LogCommands() {
  const FlagSpec json{"json", "", "one JSON document on stdout"};
  std::vector<Command> commands = {
      {{"init",
        "init --origin ORIGIN [--org NAME] [--org-number N]",
        "Create a log and its Ed25519 signing key.",
        {{"origin", "ORIGIN", "the checkpoint origin line; names the key"},
         {"org", "NAME", "the organisation"},
         {"org-number", "N", "its organisation number"}}},
       RunInit},
      {{"import",
        "import FILE... | import FILE.se|.si [--fund F] [--accept-findings]",
        "Append batches (.textpb or .json EventBatch) or one SIE 4 file, "
        "all or nothing.",
        {{"fund", "F", "SIE: the fund to import into (default sie-ORGNR)"},
         {"accept-findings", "",
          "SIE: import a file whose #UB/#RES contradict its vouchers, "
          "keeping each contradiction as a finding verify reports"}},
        1,
        -1},
       RunImport},
      {{"append",
        "append --file FILE [--expect-size N]",
        "Append one event; refuses if the log's size is not N.",
        {{"file", "FILE", "a .textpb or .json EventBatch holding one event"},
         {"expect-size", "N",
          "refuse unless the log holds exactly N records"}}},
       RunAppend},
      {{"timeline",
        "timeline [--fund F] [--from D] [--to D] [--known-at D] [--json "
        "[--offset N] [--limit N]] [--format csv [--csv-dialect sv]] "
        "[--lang sv|en]",
        "Events in effective order, with their sources.",
        {{"fund", "F", "only this fund"},
         {"from", "D",
          "only events whose effective time overlaps D or later (a period "
          "that ends on or after D)"},
         {"to", "D",
          "only events whose effective time overlaps D or earlier (a day or "
          "period start on or before D)"},
         {"known-at", "D", "only events recorded on or before D"},
         json,
         {"offset", "N",
          "with --json: skip the first N events (adds offset, limit, total)"},
         {"limit", "N", "with --json: at most N events (adds the same keys)"},
         CsvFormatFlag(),
         CsvDialectFlag(),
         LangFlag()}},
       RunTimeline},
      {{"show", "show SEQ [--json]", "One record, as stored.", {json}, 1, 1},
       RunShow},
      {{"demo",
        "demo [--lang sv|en]",
        "The main job: create the log if absent, import the Trelleborg "
        "history once, print the report.",
        {LangFlag()}},
       RunDemo},
  };
  for (Command& command : ReportCommands()) commands.push_back(command);
  return commands;
}

}  // namespace fundlog::cli
