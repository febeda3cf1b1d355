// What the API's route files share: answering with a JSON body or with a
// failed status. Private to core/serve.
#ifndef FUNDLOG_CORE_SERVE_API_UTIL_H_
#define FUNDLOG_CORE_SERVE_API_UTIL_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "core/serve/api_routes.h"
#include "httplib.h"

namespace fundlog::serve {

// 200 with `body` as application/json, not to be cached (the log grows).
void SendJson(httplib::Response& response, std::string body);

// 200 with `body` as text/plain; charset=utf-8, not to be cached.
void SendText(httplib::Response& response, std::string body);

// A failed query as the API answers it: kNotFound 404; kInvalidArgument and
// kOutOfRange 400 (naming `parameter` when the caller knows which one the
// status is about); anything else 500 without the storage's details
// beyond the status message.
void SendStatus(httplib::Response& response, const absl::Status& status,
                const std::optional<std::string>& parameter = std::nullopt);

// The two halves of AddApiRoutes.
void AddLedgerRoutes(Router& router, const LiveLog& live);
void AddLogRoutes(Router& router, const LiveLog& live,
                  const ApiOptions& options);
// GET /api/v1/export (api_export_routes.cc).
void AddExportRoute(Router& router, const LiveLog& live);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_API_UTIL_H_
