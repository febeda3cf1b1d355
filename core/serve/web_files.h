// The files of web/ (the page), embedded in the binary at build time by
// embed_web.cmake: the server reads no file from disk to serve the page.
#ifndef FUNDLOG_CORE_SERVE_WEB_FILES_H_
#define FUNDLOG_CORE_SERVE_WEB_FILES_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace fundlog::serve {

struct WebFile {
  absl::string_view name;   // path under web/, e.g. "index.html", "app.js"
  absl::string_view bytes;  // the file's exact bytes
};

// Every file under web/ when the binary was built, sorted by name.
absl::Span<const WebFile> WebFiles();

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_WEB_FILES_H_
