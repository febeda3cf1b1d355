// The page: GET / is web/index.html and GET /assets/NAME is web/NAME, from
// the files embedded at build time (web_files.h), with their Content-Type.
// A name is looked up exactly among the embedded files, so no path reaches
// the file system; names with "..", "\", "//" or NUL are refused before the
// lookup all the same (400), and anything else not embedded is 404.
#ifndef FUNDLOG_CORE_SERVE_PAGE_ROUTES_H_
#define FUNDLOG_CORE_SERVE_PAGE_ROUTES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "core/serve/router.h"

namespace fundlog::serve {

// The Content-Security-Policy every answer carries: everything from this
// server, no inline script or style, no plug-ins, no framing.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src "
    "'self'; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The Content-Type for a file name, by its extension
// (application/octet-stream when unknown).
std::string ContentTypeFor(absl::string_view name);

void AddPageRoutes(Router& router);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_PAGE_ROUTES_H_
