#include "core/serve/router.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/io/json_writer.h"

namespace fundlog::serve {

void JsonError(httplib::Response& response, int status,
               const std::optional<std::string>& parameter,
               absl::string_view message) {
  JsonWriter json;
  json.BeginObject().Key("error").BeginObject().Key("parameter");
  if (parameter) {
    json.String(*parameter);
  } else {
    json.Null();
  }
  json.Key("message").String(message);
  json.EndObject().EndObject();
  response.status = status;
  response.set_content(json.str() + "\n", "application/json");
}

void Router::Add(Route route) {
  if (route.openapi_path.empty()) route.openapi_path = route.path;
  routes_.push_back(std::move(route));
}

void Router::Get(std::string path, RouteDoc doc, RouteHandler handler) {
  Add(Route{"GET", std::move(path), false, "", std::move(doc),
            std::move(handler)});
}

bool Router::Has(absl::string_view method, absl::string_view path) const {
  for (const Route& route : routes_) {
    const bool matches =
        route.prefix ? absl::StartsWith(path, route.path) : path == route.path;
    if (matches && route.method == method) return true;
  }
  return false;
}

void Router::Dispatch(const httplib::Request& request,
                      httplib::Response& response) const {
  // HEAD is GET without the body (the library drops it).
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    const bool matches = route.prefix
                             ? absl::StartsWith(request.path, route.path)
                             : request.path == route.path;
    if (!matches) continue;
    if (route.method == method) {
      route.handler(request, response);
      return;
    }
    allowed.push_back(route.method);
    if (route.method == "GET") allowed.push_back("HEAD");
  }
  // Any other method anywhere is refused as such: nothing here writes
  // unless a route says so.
  if (allowed.empty() && method != "GET") allowed = {"GET", "HEAD"};
  if (!allowed.empty()) {
    response.set_header("Allow", absl::StrJoin(allowed, ", "));
    JsonError(response, 405, std::nullopt,
              absl::StrCat("method ", request.method,
                           " is not allowed here; this server only reads "
                           "(allowed: ",
                           absl::StrJoin(allowed, ", "), ")"));
    return;
  }
  JsonError(response, 404, std::nullopt,
            "no such route (see /api/v1/openapi.json)");
}

}  // namespace fundlog::serve
