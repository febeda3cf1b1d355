// /api/v1/records, proofs, checkpoint, key, verify, config: the log itself.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/audit/checkpoint_signer.h"
#include "core/audit/query_json.h"
#include "core/io/json_writer.h"
#include "core/serve/api_util.h"
#include "core/serve/params.h"

namespace fundlog::serve {

void SendJson(httplib::Response& response, std::string body) {
  response.status = 200;
  response.set_header("Cache-Control", "no-store");
  response.set_content(std::move(body), "application/json");
}

void SendText(httplib::Response& response, std::string body) {
  response.status = 200;
  response.set_header("Cache-Control", "no-store");
  response.set_content(std::move(body), "text/plain; charset=utf-8");
}

void SendStatus(httplib::Response& response, const absl::Status& status,
                const std::optional<std::string>& parameter) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return JsonError(response, 404, parameter, status.message());
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return JsonError(response, 400, parameter, status.message());
    default:
      return JsonError(response, 500, std::nullopt, status.message());
  }
}

namespace {

constexpr char kRecordsPrefix[] = "/api/v1/records/";

ParamDoc SizeParam(std::string name, std::string description,
                   bool required = false) {
  return {std::move(name), "integer", "", std::move(description), required};
}

void AddRecordRoutes(Router& router, const LiveLog& live) {
  router.Add(Route{
      "GET",
      kRecordsPrefix,
      /*prefix=*/true,
      "/api/v1/records/{seq}",
      {"One record as stored, in protobuf's JSON mapping (`fundlog show SEQ "
       "--json`).",
       {{"seq", "integer", "", "the record's sequence number", true,
         /*in_path=*/true}}},
      [&live](const httplib::Request& request, httplib::Response& response) {
        if (!Params::Read(request, {}, response)) return;
        std::optional<uint64_t> seq = ParseUint(
            absl::string_view(request.path).substr(sizeof(kRecordsPrefix) - 1));
        if (!seq) {
          return JsonError(response, 400, "seq",
                           "must be a record's sequence number");
        }
        const auto state = live.state();
        if (*seq >= state->size) {
          return JsonError(response, 404, "seq",
                           absl::StrCat("no record ", *seq, "; the log holds ",
                                        state->size));
        }
        absl::StatusOr<v1::StoredRecord> record = state->log->Read(*seq);
        if (!record.ok()) return SendStatus(response, record.status(), "seq");
        absl::StatusOr<std::string> json = RecordJson(*record);
        if (!json.ok()) return SendStatus(response, json.status());
        SendJson(response, *json);
      }});

  router.Get(
      "/api/v1/proof/inclusion",
      {"Inclusion proof of a record in the tree of a size (`fundlog prove "
       "SEQ --size N --json`).",
       {{"seq", "integer", "", "the record", true},
        SizeParam("size", "the tree size (default: the log's size)")}},
      [&live](const httplib::Request& request, httplib::Response& response) {
        std::optional<Params> params =
            Params::Read(request, {"seq", "size"}, response);
        if (!params) return;
        std::optional<uint64_t> seq;
        std::optional<uint64_t> size;
        if (!params->Uint("seq", &seq, response) ||
            !params->Uint("size", &size, response)) {
          return;
        }
        if (!seq) return JsonError(response, 400, "seq", "is required");
        const auto state = live.state();
        const uint64_t tree = size.value_or(state->size);
        if (tree > state->size) {
          return JsonError(
              response, 400, "size",
              absl::StrCat(tree, " exceeds the log's size ", state->size));
        }
        if (*seq >= tree) {
          return JsonError(response, 400, "seq",
                           absl::StrCat("record ", *seq,
                                        " is not in a tree of size ", tree));
        }
        absl::StatusOr<InclusionProofDoc> doc =
            InclusionProofOf(*state->log, *seq, tree);
        if (!doc.ok()) return SendStatus(response, doc.status());
        SendJson(response, ProofToJson(*doc));
      });

  router.Get(
      "/api/v1/proof/consistency",
      {"Consistency proof: the tree of size `from` is a prefix of the tree "
       "of size `to` (`fundlog consistency --from M --to N --json`).",
       {SizeParam("from", "the old tree size", /*required=*/true),
        SizeParam("to", "the new tree size (default: the log's size)")}},
      [&live](const httplib::Request& request, httplib::Response& response) {
        std::optional<Params> params =
            Params::Read(request, {"from", "to"}, response);
        if (!params) return;
        std::optional<uint64_t> from;
        std::optional<uint64_t> to;
        if (!params->Uint("from", &from, response) ||
            !params->Uint("to", &to, response)) {
          return;
        }
        if (!from) return JsonError(response, 400, "from", "is required");
        const auto state = live.state();
        const uint64_t new_size = to.value_or(state->size);
        for (auto [name, value] :
             {std::pair{"from", *from}, std::pair{"to", new_size}}) {
          if (value > state->size) {
            return JsonError(
                response, 400, std::string(name),
                absl::StrCat(value, " exceeds the log's size ", state->size));
          }
        }
        if (*from > new_size) {
          return JsonError(response, 400, "from", "exceeds to");
        }
        absl::StatusOr<ConsistencyProofDoc> doc =
            ConsistencyProofOf(*state->log, *from, new_size);
        if (!doc.ok()) return SendStatus(response, doc.status());
        SendJson(response, ProofToJson(*doc));
      });
}

}  // namespace

void AddLogRoutes(Router& router, const LiveLog& live,
                  const ApiOptions& options) {
  AddRecordRoutes(router, live);
  router.Get(
      "/api/v1/checkpoint",
      {"The log's latest signed checkpoint (C2SP signed note), as `fundlog "
       "checkpoint` printed it.",
       {},
       "text/plain"},
      [&live, &options](const httplib::Request& request,
                        httplib::Response& response) {
        if (!Params::Read(request, {}, response)) return;
        if (!options.signing_key) {
          return JsonError(response, 404, std::nullopt,
                           options.signing_key_problem);
        }
        absl::StatusOr<std::string> note =
            RepublishCheckpoint(*live.state()->log, *options.signing_key);
        if (!note.ok()) return SendStatus(response, note.status());
        SendText(response, *note);
      });
  router.Get(
      "/api/v1/key", {"The verifier key (`fundlog key`).", {}, "text/plain"},
      [&live](const httplib::Request& request, httplib::Response& response) {
        if (!Params::Read(request, {}, response)) return;
        SendText(response,
                 absl::StrCat(live.state()->log->Info().verifier_key, "\n"));
      });
  router.Get(
      "/api/v1/verify",
      {"The last `verify` the server ran (at start and whenever the log "
       "grew): {\"ran_at\", \"result\": `fundlog verify --json`}, null "
       "before the first run ends; a run that gave no document (a storage "
       "error, a verify process that could not start or was killed) has "
       "\"result\": null and \"error\": its message."},
      [&live](const httplib::Request& request, httplib::Response& response) {
        if (!Params::Read(request, {}, response)) return;
        std::optional<VerifyRun> run = live.last_verify();
        JsonWriter json;
        json.BeginObject().Key("ran_at");
        if (run) {
          json.String(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", run->ran_at,
                                       absl::UTCTimeZone()));
        } else {
          json.Null();
        }
        json.Key("result").Raw(
            run ? absl::StripTrailingAsciiWhitespace(run->json) : "null");
        if (run && !run->error.empty()) json.Key("error").String(run->error);
        json.EndObject();
        SendJson(response, json.str() + "\n");
      });
  router.Get(
      "/api/v1/config",
      {"What the page needs to start: {\"lang\": \"sv\"|\"en\", \"origin\"}."},
      [&live, &options](const httplib::Request& request,
                        httplib::Response& response) {
        if (!Params::Read(request, {}, response)) return;
        JsonWriter json;
        json.BeginObject();
        json.Key("lang").String(options.lang);
        json.Key("origin").String(live.state()->log->Info().origin);
        json.EndObject();
        SendJson(response, json.str() + "\n");
      });
  if (options.floor_route) {
    router.Get("/bench/floor",
               {"A fixed 1 KiB body: the load benchmark's floor.",
                {},
                "application/json",
                /*hidden=*/true},
               [](const httplib::Request&, httplib::Response& response) {
                 static const std::string* const kBody = [] {
                   auto* body = new std::string("{\"floor\": \"");
                   body->append(1024 - body->size() - 3, 'x');
                   body->append("\"}\n");
                   return body;
                 }();
                 SendJson(response, *kBody);
               });
  }
}

void AddApiRoutes(Router& router, const LiveLog& live,
                  const ApiOptions& options) {
  AddLedgerRoutes(router, live);
  AddLogRoutes(router, live, options);
  AddExportRoute(router, live);
}

}  // namespace fundlog::serve
