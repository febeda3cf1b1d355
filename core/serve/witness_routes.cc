#include "core/serve/witness_routes.h"

#include <ctime>
#include <filesystem>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "core/audit/witness_http.h"
#include "core/audit/witness_state.h"

namespace fundlog::serve {
namespace {

constexpr char kTilePrefix[] = "/tile/";

void Send(const HttpReply& reply, httplib::Response& response) {
  response.status = reply.status;
  if (!reply.cache_control.empty()) {
    response.set_header("Cache-Control", reply.cache_control);
  }
  response.set_content(reply.body, reply.content_type);
}

}  // namespace

absl::Status AddWitnessRoutes(Router& router, const std::string& witness_dir,
                              const std::string& tiles_dir) {
  if (!witness_dir.empty()) {
    if (absl::StatusOr<merkle::SigningKey> key = LoadWitnessKey(witness_dir);
        !key.ok()) {
      return absl::NotFoundError(
          absl::StrCat("--witness: ", key.status().message()));
    }
  }
  std::error_code error;
  if (!tiles_dir.empty() && !std::filesystem::is_directory(tiles_dir, error)) {
    return absl::NotFoundError(absl::StrCat("--tiles: ", tiles_dir,
                                            " is not a directory (make it with "
                                            "`fundlog publish --to ",
                                            tiles_dir, "`)"));
  }
  if (!witness_dir.empty()) {
    router.Add(Route{
        "POST",
        "/add-checkpoint",
        false,
        "",
        {"C2SP tlog-witness: cosign a checkpoint that extends the last one "
         "this witness cosigned for its origin. Body: \"old <size>\\n\", the "
         "consistency proof's base64 hashes one a line, an empty line, the "
         "signed checkpoint. 200: the cosignature line; 409 "
         "(text/x.tlog.size): the witness's size; 422: the proof fails; "
         "403: not signed by the origin's key; 404: an origin this witness "
         "does not follow.",
         {},
         "text/plain"},
        [witness_dir](const httplib::Request& request,
                      httplib::Response& response) {
          Send(WitnessAddCheckpointHttp(
                   witness_dir, request.body,
                   static_cast<uint64_t>(std::time(nullptr))),
               response);
        }});
  }
  if (!tiles_dir.empty()) {
    router.Get(
        "/checkpoint",
        {"C2SP tlog-tiles: the published signed checkpoint.", {}, "text/plain"},
        [tiles_dir](const httplib::Request&, httplib::Response& response) {
          Send(PublishedFileHttp(tiles_dir, "checkpoint"), response);
        });
    router.Add(
        Route{"GET",
              kTilePrefix,
              true,
              "/tile/{path}",
              {"C2SP tlog-tiles: a hash tile tile/<L>/<N>[.p/<W>] or an entry "
               "bundle tile/entries/<N>[.p/<W>] of the published log.",
               {{"path", "string", "", "<L>/<N>[.p/<W>] or entries/<N>[.p/<W>]",
                 true, /*in_path=*/true}},
               "application/octet-stream"},
              [tiles_dir](const httplib::Request& request,
                          httplib::Response& response) {
                Send(PublishedFileHttp(
                         tiles_dir, std::string_view(request.path).substr(1)),
                     response);
              }});
  }
  return absl::OkStatus();
}

}  // namespace fundlog::serve
