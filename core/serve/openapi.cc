// GET /api/v1/openapi.json: an OpenAPI 3.0 document generated from the
// router's routes, so that it cannot forget one.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "core/io/json_writer.h"
#include "core/serve/api_routes.h"
#include "core/serve/api_util.h"
#include "core/serve/params.h"

namespace fundlog::serve {
namespace {

void ErrorResponse(JsonWriter& json, const char* code, const char* what) {
  json.Key(code).BeginObject();
  json.Key("description").String(what);
  json.Key("content").BeginObject().Key("application/json").BeginObject();
  json.Key("schema").BeginObject().Key("$ref").String(
      "#/components/schemas/Error");
  json.EndObject().EndObject().EndObject();
  json.EndObject();
}

void Operation(JsonWriter& json, const Route& route) {
  json.BeginObject();
  json.Key("summary").String(route.doc.summary);
  json.Key("parameters").BeginArray();
  for (const ParamDoc& param : route.doc.params) {
    json.BeginObject();
    json.Key("name").String(param.name);
    json.Key("in").String(param.in_path ? "path" : "query");
    json.Key("required").Bool(param.required || param.in_path);
    json.Key("description").String(param.description);
    json.Key("schema").BeginObject().Key("type").String(param.type);
    if (!param.format.empty()) json.Key("format").String(param.format);
    if (param.type == "integer") json.Key("minimum").Int(0);
    if (!param.values.empty()) {
      json.Key("enum").BeginArray();
      for (const std::string& value : param.values) json.String(value);
      json.EndArray();
    }
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
  json.Key("responses").BeginObject();
  json.Key("200").BeginObject();
  json.Key("description").String("the answer");
  json.Key("content").BeginObject().Key(route.doc.content_type).BeginObject();
  json.Key("schema").BeginObject().Key("type").String(
      route.doc.content_type == "application/json" ? "object" : "string");
  json.EndObject().EndObject().EndObject();
  json.EndObject();
  ErrorResponse(json, "400", "a malformed or unknown parameter (named)");
  ErrorResponse(json, "404", "no such record, fund or checkpoint");
  ErrorResponse(json, "405", "a method other than GET or HEAD");
  json.EndObject();
  json.EndObject();
}

std::string Document(const std::vector<Route>& routes) {
  JsonWriter json;
  json.BeginObject();
  json.Key("openapi").String("3.0.3");
  json.Key("info").BeginObject();
  json.Key("title").String("fundlog serve");
  json.Key("version").String("1");
  json.Key("description")
      .String(
          "A read-only view of one fundlog log. Every JSON answer is what the "
          "fundlog command named in its summary prints with --json. Amounts "
          "are integer öre. The server only reads: any method but GET and "
          "HEAD is answered 405.");
  json.EndObject();
  json.Key("paths").BeginObject();
  // Paths in order, each with its methods (GET routes also answer HEAD).
  std::map<std::string, std::vector<const Route*>> paths;
  for (const Route& route : routes) {
    if (!route.doc.hidden) paths[route.openapi_path].push_back(&route);
  }
  for (const auto& [path, by_method] : paths) {
    json.Key(path).BeginObject();
    for (const Route* route : by_method) {
      json.Key(absl::AsciiStrToLower(route->method));
      Operation(json, *route);
    }
    json.EndObject();
  }
  json.EndObject();
  json.Key("components").BeginObject().Key("schemas").BeginObject();
  json.Key("Error").BeginObject();
  json.Key("type").String("object");
  json.Key("properties").BeginObject().Key("error").BeginObject();
  json.Key("type").String("object");
  json.Key("properties").BeginObject();
  json.Key("parameter").BeginObject().Key("type").String("string");
  json.Key("nullable").Bool(true).EndObject();
  json.Key("message").BeginObject().Key("type").String("string").EndObject();
  json.EndObject().EndObject().EndObject();
  json.EndObject();
  json.EndObject().EndObject();
  json.EndObject();
  return json.str() + "\n";
}

}  // namespace

void AddOpenApiRoute(Router& router) {
  router.Get("/api/v1/openapi.json",
             {"This document: every route, its parameters and responses."},
             nullptr);
  auto body = std::make_shared<const std::string>(Document(router.routes()));
  // The route just added is the last one: give it its handler now that the
  // document (which describes it too) is written.
  Route route = router.routes().back();
  route.handler = [body](const httplib::Request& request,
                         httplib::Response& response) {
    if (!Params::Read(request, {}, response)) return;
    SendJson(response, *body);
  };
  router.ReplaceLast(std::move(route));
}

}  // namespace fundlog::serve
