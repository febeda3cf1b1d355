#include "core/serve/page_routes.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "core/serve/params.h"
#include "core/serve/web_files.h"

namespace fundlog::serve {
namespace {

constexpr char kAssetsPrefix[] = "/assets/";

std::optional<WebFile> FindFile(absl::string_view name) {
  for (const WebFile& file : WebFiles()) {
    if (file.name == name) return file;
  }
  return std::nullopt;
}

void SendFile(const WebFile& file, httplib::Response& response) {
  response.status = 200;
  // The page changes only with the binary; a short cache is enough.
  response.set_header("Cache-Control", "no-cache");
  response.set_content(std::string(file.bytes), ContentTypeFor(file.name));
}

// A name that tries to leave web/ or is not a plain relative path.
bool Suspicious(absl::string_view name) {
  return name.empty() || absl::StrContains(name, "..") ||
         absl::StrContains(name, "\\") || absl::StrContains(name, "//") ||
         absl::StrContains(name, absl::string_view("\0", 1)) ||
         name.front() == '/';
}

}  // namespace

std::string ContentTypeFor(absl::string_view name) {
  static constexpr std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const std::string lower = absl::AsciiStrToLower(name);
  for (const auto& [extension, type] : kTypes) {
    if (absl::EndsWith(lower, extension)) return type;
  }
  return "application/octet-stream";
}

void AddPageRoutes(Router& router) {
  router.Get("/", {"The page (web/index.html).", {}, "text/html"},
             [](const httplib::Request& request, httplib::Response& response) {
               std::optional<WebFile> index = FindFile("index.html");
               if (!index) {
                 return JsonError(response, 404, std::nullopt,
                                  "this build embeds no web/index.html");
               }
               SendFile(*index, response);
             });
  router.Add(Route{
      "GET",
      kAssetsPrefix,
      /*prefix=*/true,
      "/assets/{name}",
      {"A file of the page (web/NAME).",
       {{"name", "string", "", "the file's path under web/", true,
         /*in_path=*/true}},
       "application/octet-stream"},
      [](const httplib::Request& request, httplib::Response& response) {
        const absl::string_view name =
            absl::string_view(request.path).substr(sizeof(kAssetsPrefix) - 1);
        if (Suspicious(name)) {
          return JsonError(response, 400, "name",
                           "must be a file of the page, not a path out of it");
        }
        std::optional<WebFile> file = FindFile(name);
        if (!file) {
          return JsonError(response, 404, "name", "no such file in the page");
        }
        SendFile(*file, response);
      }});
}

}  // namespace fundlog::serve
