// report: the audit report as text or as an HTML page, in English or Swedish.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "core/audit/lang.h"
#include "core/audit/report.h"
#include "core/io/durable_file.h"
#include "tools/fundlog/cli.h"
#include "tools/fundlog/lang_flag.h"

namespace fundlog::cli {
namespace {

// Escapes text for an HTML document.
std::string HtmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

int RunReport(const Args& args, const Context& context) {
  absl::StatusOr<Lang> lang = ReadLang(args);
  if (!lang.ok()) {
    std::cerr << "fundlog report: " << lang.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("report", log.status());
  absl::StatusOr<std::string> report = Report(**log, *lang);
  if (!report.ok()) return Fail("report", report.status());
  std::optional<std::string> html = args.Get("html");
  if (!html) {
    Print(*report);
    return kExitOk;
  }
  const std::string page = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"", LangCode(*lang),
      "\"><head><meta charset=\"utf-8\"><title>", WordsFor(*lang).title, ": ",
      HtmlEscape((*log)->Info().origin), "</title></head>\n<body><pre>\n",
      HtmlEscape(*report), "</pre></body></html>\n");
  if (absl::Status s = WriteFileDurably(*html, page); !s.ok()) {
    return Fail("report", s);
  }
  Print(absl::StrCat("wrote the report to ", *html, "\n"));
  return kExitOk;
}

}  // namespace

std::vector<Command> ReportCommands() {
  return {
      {{"report",
        "report [--html FILE] [--lang sv|en]",
        "The audit report: timeline, year-end table under all views, totals, "
        "verification and a freshly signed checkpoint.",
        {{"html", "FILE", "write it as an HTML page to FILE"}, LangFlag()}},
       RunReport},
  };
}

}  // namespace fundlog::cli
