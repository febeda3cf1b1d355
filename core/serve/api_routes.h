// The read-only JSON API, /api/v1/... (docs/serving.md; the shapes are the
// CLI's --json shapes, README "JSON shapes"): each answer is produced by
// the same functions the CLI prints with.
#ifndef FUNDLOG_CORE_SERVE_API_ROUTES_H_
#define FUNDLOG_CORE_SERVE_API_ROUTES_H_

#include <optional>
#include <string>

#include "core/merkle/checkpoint.h"
#include "core/serve/live_log.h"
#include "core/serve/router.h"

namespace fundlog::serve {

struct ApiOptions {
  std::string lang = "sv";  // for /api/v1/config
  // The log's signing key, to republish its latest signed checkpoint
  // (RepublishCheckpoint); unset when it could not be read, and then
  // /api/v1/checkpoint answers 404 saying why.
  std::optional<merkle::SigningKey> signing_key;
  std::string signing_key_problem;
  // Register GET /bench/floor: a fixed 1 KiB body, the floor the load
  // benchmark measures the API against. Off unless asked.
  bool floor_route = false;
};

// Adds every /api/v1 route except openapi.json (AddOpenApiRoute, which must
// come last, describes the routes added before it). `live` must outlive the
// router.
void AddApiRoutes(Router& router, const LiveLog& live,
                  const ApiOptions& options);

// Adds GET /api/v1/openapi.json: an OpenAPI 3.0 document of every route the
// router holds at this call (and of itself).
void AddOpenApiRoute(Router& router);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_API_ROUTES_H_
