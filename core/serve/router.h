// Router: the routes `fundlog serve` answers, with what OpenAPI needs to
// describe them. The HTTP library's own routing is not used (it matches
// regular expressions against the path); every request goes through
// Router::Dispatch, which matches exact paths and path prefixes only.
//
// Routes are added by functions that each own a group (api_routes.h,
// page_routes.h); a later group (e.g. a witness's POST route) adds itself
// the same way. Answers for what matches nothing: 404 (JSON), and 405 for a
// method no route of that path takes.
//
// Thread safety: add every route before serving; Dispatch is then const and
// may run on many threads.
#ifndef FUNDLOG_CORE_SERVE_ROUTER_H_
#define FUNDLOG_CORE_SERVE_ROUTER_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "httplib.h"

namespace fundlog::serve {

// One query or path parameter, for OpenAPI.
struct ParamDoc {
  std::string name;
  std::string type;    // "string", "integer"
  std::string format;  // "date", "" ...
  std::string description;
  bool required = false;
  bool in_path = false;
  std::vector<std::string> values;  // an enum, when the values are fixed
};

struct RouteDoc {
  std::string summary;
  std::vector<ParamDoc> params;
  std::string content_type = "application/json";
  bool hidden = false;  // not in the OpenAPI document (benchmark floor)
};

using RouteHandler =
    std::function<void(const httplib::Request&, httplib::Response&)>;

struct Route {
  std::string method;  // "GET" (which also answers HEAD) or "POST"
  std::string path;    // exact, or a prefix ending in '/' when `prefix`
  bool prefix = false;
  std::string openapi_path;  // e.g. /api/v1/records/{seq}; default: path
  RouteDoc doc;
  RouteHandler handler;
};

class Router {
 public:
  // Adds a route; the first route that matches a request answers it.
  void Add(Route route);
  // GET (and HEAD) of an exact path.
  void Get(std::string path, RouteDoc doc, RouteHandler handler);

  // Answers `request`; always sets a status and a body.
  void Dispatch(const httplib::Request& request,
                httplib::Response& response) const;

  // True if a route of `method` matches `path` (as Dispatch matches).
  bool Has(absl::string_view method, absl::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }
  // Replaces the route added last (to give a route its handler after the
  // fact, as the OpenAPI route does).
  void ReplaceLast(Route route) { routes_.back() = std::move(route); }

 private:
  std::vector<Route> routes_;
};

// Sets `response` to {"error": {"parameter": NAME or null, "message"}}.
void JsonError(httplib::Response& response, int status,
               const std::optional<std::string>& parameter,
               absl::string_view message);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_ROUTER_H_
