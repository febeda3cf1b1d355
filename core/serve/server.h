// `fundlog serve`: the HTTP server over one log, read-only
// (docs/serving.md). Flags are parsed in tools/fundlog/cmd_serve.cc.
#ifndef FUNDLOG_CORE_SERVE_SERVER_H_
#define FUNDLOG_CORE_SERVE_SERVER_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/ledger/known_pages.h"

namespace fundlog::serve {

// Limits on what one request may cost (docs/serving.md, "Limits").
inline constexpr size_t kMaxHeaders = 64;             // header fields
inline constexpr size_t kMaxHeaderBytes = 16 * 1024;  // all fields together
inline constexpr size_t kMaxBodyBytes = 16 * 1024;    // a GET has none
inline constexpr int kReadTimeoutSeconds = 5;         // each read of a request
inline constexpr int kWriteTimeoutSeconds = 5;        // each write of an answer
inline constexpr int kKeepAliveSeconds = 2;           // idle between requests
inline constexpr size_t kKeepAliveRequests = 100;
inline constexpr int kThreads = 128;  // connections served at once
// Connections the kernel completes before the server accepts them (the
// library's default, 5, drops the SYNs of a burst of clients: each then
// waits 1, 3, 7... s before retrying).
inline constexpr int kListenBacklog = 1024;

struct ServeOptions {
  std::string db;                  // the log directory
  std::string host = "127.0.0.1";  // a numeric address
  int port = 8080;                 // 0: any free port
  std::string lang = "sv";         // "sv" or "en", for the page
  bool floor_route = false;        // GET /bench/floor (benchmarks)
  std::string witness_dir;         // POST /add-checkpoint as this witness
  std::string tiles_dir;  // GET /checkpoint, /tile/... from this directory
  absl::Duration poll = absl::Milliseconds(200);  // looks for new records
  // The binary run as `BINARY --db DB verify --json` for the background
  // verify; "" runs this very binary (/proc/self/exe).
  std::string verify_binary;
  // The known state's nodes kept decoded for known_at queries (bytes).
  size_t known_cache_bytes = ledger::internal::kKnownCacheBytes;
};

// Opens the log, binds, prints the URL it serves ("http://HOST:PORT/") as
// the first line on stdout, then serves until SIGINT or SIGTERM, and
// returns OK after a clean shutdown. Errors: those of opening the log
// (kNotFound: no log), kUnavailable when the address cannot be bound.
absl::Status Serve(const ServeOptions& options);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_SERVER_H_
