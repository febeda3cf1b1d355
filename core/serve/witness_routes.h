// The witness and tiles routes of `fundlog serve` (docs/witnessing.md):
//   POST /add-checkpoint        with --witness W: C2SP tlog-witness
//   GET  /checkpoint, /tile/…   with --tiles DIR: a `publish` directory,
//                               C2SP tlog-tiles
// The answers come from core/audit/witness_http.h; this file only wires
// them into the Router. The POST route is the server's one writer: it
// writes only in W (the witness's state and evidence), never in the log.
#ifndef FUNDLOG_CORE_SERVE_WITNESS_ROUTES_H_
#define FUNDLOG_CORE_SERVE_WITNESS_ROUTES_H_

#include <string>

#include "absl/status/status.h"
#include "core/serve/router.h"

namespace fundlog::serve {

// Adds the routes for each non-empty directory. kNotFound (nothing added)
// when `witness_dir` is no witness directory or `tiles_dir` does not exist.
absl::Status AddWitnessRoutes(Router& router, const std::string& witness_dir,
                              const std::string& tiles_dir);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_WITNESS_ROUTES_H_
