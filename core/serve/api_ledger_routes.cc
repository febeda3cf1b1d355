// /api/v1/timeline, balance, statement, totals and funds: the ledger's
// answers, from the warm projector (LiveLog) and the current view.
#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/audit/ledger_views.h"
#include "core/audit/timeline.h"
#include "core/base/dates.h"
#include "core/serve/api_routes.h"
#include "core/serve/api_util.h"
#include "core/serve/params.h"

namespace fundlog::serve {
namespace {

// Timeline pages hold at most this many events; the default page is all
// of them up to this bound.
constexpr uint64_t kTimelineLimitMax = 10'000;
// A timeline reads every matching record to count them (seconds on a log
// of a million records): at most this many run at once, and more are
// answered 429, so that they cannot take every thread.
constexpr int kTimelinesAtOnce = 2;

// Counts the timelines running; Enter fails when kTimelinesAtOnce run.
class TimelineSlots {
 public:
  bool Enter() {
    if (running_.fetch_add(1) >= kTimelinesAtOnce) {
      running_.fetch_sub(1);
      return false;
    }
    return true;
  }
  void Leave() { running_.fetch_sub(1); }

 private:
  std::atomic<int> running_{0};
};

ParamDoc DayParam(std::string name, std::string description,
                  bool required = false) {
  return {std::move(name), "string", "date", std::move(description), required};
}
ParamDoc ViewParam() {
  return {"view",
          "string",
          "",
          "the view (default reported)",
          false,
          false,
          {"reported", "without-change", "restated"}};
}
ParamDoc FundParam() {
  return {"fund", "string", "", "only this fund (default: every fund)"};
}
ParamDoc KnownAtParam() {
  return DayParam("known_at",
                  "count only events recorded on or before this day");
}

struct Common {
  ledger::View view = ledger::View::kReported;
  std::optional<absl::CivilDay> known_at;
  std::string fund;
};

bool ReadCommon(const Params& params, Common* common,
                httplib::Response& response) {
  if (!params.View("view", &common->view, response)) return false;
  if (!params.Day("known_at", &common->known_at, response)) return false;
  common->fund = params.Get("fund").value_or("");
  return true;
}

// The known_at to ask the projector: none when every record was recorded
// on or before it. Then every event is known and every correction in force
// (a correction counts from its own recorded_on), so the answer is the one
// without known_at, which the projector's day index gives without visiting
// every fact. The answer's JSON still names the known_at asked.
std::optional<absl::CivilDay> KnownAtToAsk(
    const std::optional<absl::CivilDay>& known_at,
    const std::string& last_recorded_on) {
  if (known_at && FormatDay(*known_at) >= last_recorded_on) return std::nullopt;
  return known_at;
}

// The parameter a failed ledger query is about: an unknown fund.
std::optional<std::string> FundHint(const absl::Status& status,
                                    const Common& common) {
  if (absl::IsNotFound(status) && !common.fund.empty()) return "fund";
  return std::nullopt;
}

}  // namespace

void AddLedgerRoutes(Router& router, const LiveLog& live) {
  router.Get(
      "/api/v1/timeline",
      {"Events in effective order with their sources (`fundlog timeline "
       "--json --offset O --limit L`).",
       {FundParam(),
        DayParam("from",
                 "only events whose effective time overlaps this "
                 "day or later"),
        DayParam("to",
                 "only events whose effective time overlaps this day "
                 "or earlier"),
        KnownAtParam(),
        {"offset", "integer", "", "skip this many events (default 0)"},
        {"limit", "integer", "",
         absl::StrCat("at most this many events (default and maximum ",
                      kTimelineLimitMax, ")")},
        {"lang",
         "string",
         "",
         "the language of each event's summary (`timeline --lang`; default "
         "en)",
         false,
         false,
         {"sv", "en"}}}},
      [&live](const httplib::Request& request, httplib::Response& response) {
        std::optional<Params> params = Params::Read(
            request,
            {"fund", "from", "to", "known_at", "offset", "limit", "lang"},
            response);
        if (!params) return;
        TimelineQuery query;
        query.fund_id = params->Get("fund").value_or("");
        std::optional<uint64_t> offset;
        std::optional<uint64_t> limit;
        if (!params->Day("from", &query.from, response) ||
            !params->Day("to", &query.to, response) ||
            !params->Day("known_at", &query.known_at, response) ||
            !params->Uint("offset", &offset, response) ||
            !params->Uint("limit", &limit, response)) {
          return;
        }
        absl::StatusOr<Lang> lang =
            ParseLang(params->Get("lang").value_or("en"));
        if (!lang.ok())
          return JsonError(response, 400, "lang", "want sv or en");
        if (limit && *limit > kTimelineLimitMax) {
          JsonError(response, 400, "limit",
                    absl::StrCat("at most ", kTimelineLimitMax));
          return;
        }
        if (query.from && query.to && *query.to < *query.from) {
          JsonError(response, 400, "to",
                    absl::StrCat(FormatDay(*query.to), " is before from ",
                                 FormatDay(*query.from), "; nothing to list"));
          return;
        }
        static TimelineSlots* const slots = new TimelineSlots();
        if (!slots->Enter()) {
          response.set_header("Retry-After", "1");
          return JsonError(response, 429, std::nullopt,
                           "too many timelines are being read at once; "
                           "retry in a moment");
        }
        const auto state = live.state();
        const TimelinePage page{offset.value_or(0),
                                limit.value_or(kTimelineLimitMax)};
        absl::StatusOr<TimelinePageResult> paged =
            TimelinePaged(*state->log, query, page);
        slots->Leave();
        if (!paged.ok()) return SendStatus(response, paged.status());
        SendJson(response, TimelinePageJson(*paged, page, *lang));
      });

  router.Get(
      "/api/v1/balance",
      {"Per-account balance at the end of a day, min and max (`fundlog "
       "balance --json`).",
       {DayParam("as_of", "the day (end of day)", true), KnownAtParam(),
        ViewParam(), FundParam()}},
      [&live](const httplib::Request& request, httplib::Response& response) {
        std::optional<Params> params = Params::Read(
            request, {"as_of", "known_at", "view", "fund"}, response);
        if (!params) return;
        Common common;
        std::optional<absl::CivilDay> as_of;
        if (!ReadCommon(*params, &common, response) ||
            !params->Day("as_of", &as_of, response)) {
          return;
        }
        if (!as_of) return JsonError(response, 400, "as_of", "is required");
        ledger::BalanceQuery query{*as_of, common.known_at, common.view,
                                   common.fund};
        absl::StatusOr<std::vector<ledger::AccountRange>> balances =
            live.Query([&](const LiveLog::Warm& warm) {
              ledger::BalanceQuery ask = query;
              ask.known_at =
                  KnownAtToAsk(query.known_at, warm.last_recorded_on);
              return warm.projector.BalancesAt(ask);
            });
        if (!balances.ok()) {
          return SendStatus(response, balances.status(),
                            FundHint(balances.status(), common));
        }
        SendJson(response, BalancesJson(query, *balances));
      });

  router.Get(
      "/api/v1/statement",
      {"Opening balances, movements by kind and closing balances of a "
       "calendar year (`fundlog statement --json`).",
       {{"year", "integer", "", "the year, YYYY", true},
        ViewParam(),
        KnownAtParam(),
        FundParam()}},
      [&live](const httplib::Request& request, httplib::Response& response) {
        std::optional<Params> params = Params::Read(
            request, {"year", "view", "known_at", "fund"}, response);
        if (!params) return;
        Common common;
        std::optional<int> year;
        if (!ReadCommon(*params, &common, response) ||
            !params->Year("year", &year, response)) {
          return;
        }
        if (!year) return JsonError(response, 400, "year", "is required");
        ledger::StatementQuery query{*year, common.view, common.known_at,
                                     common.fund};
        absl::StatusOr<ledger::Statement> statement =
            live.Query([&](const LiveLog::Warm& warm) {
              ledger::StatementQuery ask = query;
              ask.known_at =
                  KnownAtToAsk(query.known_at, warm.last_recorded_on);
              return warm.projector.StatementFor(ask);
            });
        if (!statement.ok()) {
          return SendStatus(response, statement.status(),
                            FundHint(statement.status(), common));
        }
        SendJson(response, StatementJson(*statement));
      });

  router.Get(
      "/api/v1/totals",
      {"Sums of the facts by kind over a period (`fundlog totals --json`).",
       {DayParam("from", "first day (default: the beginning)"),
        DayParam("to", "last day (default: the end)"), ViewParam(),
        KnownAtParam(), FundParam()}},
      [&live](const httplib::Request& request, httplib::Response& response) {
        std::optional<Params> params = Params::Read(
            request, {"from", "to", "view", "known_at", "fund"}, response);
        if (!params) return;
        Common common;
        std::optional<absl::CivilDay> from;
        std::optional<absl::CivilDay> to;
        if (!ReadCommon(*params, &common, response) ||
            !params->Day("from", &from, response) ||
            !params->Day("to", &to, response)) {
          return;
        }
        ledger::TotalsQuery query{from.value_or(absl::CivilDay(1000, 1, 1)),
                                  to.value_or(absl::CivilDay(9999, 12, 31)),
                                  common.known_at, common.view, common.fund};
        absl::StatusOr<std::vector<ledger::KindTotal>> totals =
            live.Query([&](const LiveLog::Warm& warm) {
              ledger::TotalsQuery ask = query;
              ask.known_at =
                  KnownAtToAsk(query.known_at, warm.last_recorded_on);
              return warm.projector.TotalsFor(ask);
            });
        if (!totals.ok()) {
          return SendStatus(response, totals.status(),
                            FundHint(totals.status(), common));
        }
        SendJson(response, TotalsJson(query, *totals));
      });

  router.Get(
      "/api/v1/funds",
      {"The funds the log names, with their accounts (for pickers)."},
      [&live](const httplib::Request& request, httplib::Response& response) {
        if (!Params::Read(request, {}, response)) return;
        SendJson(response, live.state()->funds_json);
      });
}

}  // namespace fundlog::serve
