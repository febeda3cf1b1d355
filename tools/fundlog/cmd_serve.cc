// serve: the read-only HTTP server (core/serve, docs/serving.md).
#include <arpa/inet.h>

#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/serve/server.h"
#include "tools/fundlog/cli.h"

namespace fundlog::cli {
namespace {

int Usage(absl::string_view message) {
  std::cerr << "fundlog serve: " << message << "\n";
  return kExitUsage;
}

// Splits "HOST:PORT" or "[V6]:PORT"; "localhost" is 127.0.0.1.
absl::Status ParseListen(const std::string& text, serve::ServeOptions* out) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen \"", text, "\": want HOST:PORT"));
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  int port = 0;
  if (!absl::SimpleAtoi(text.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen \"", text, "\": the port must be 0..65535 (0: any free)"));
  }
  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, host.c_str(), &v4) != 1 &&
      inet_pton(AF_INET6, host.c_str(), &v6) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen \"", text,
                     "\": the host must be a numeric IPv4 or IPv6 address "
                     "(or localhost)"));
  }
  out->host = host;
  out->port = port;
  return absl::OkStatus();
}

bool IsLoopback(const std::string& host) {
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

int RunServe(const Args& args, const Context& context) {
  serve::ServeOptions options;
  options.db = context.db;
  if (absl::Status s =
          ParseListen(args.Get("listen").value_or("127.0.0.1:8080"), &options);
      !s.ok()) {
    return Usage(s.message());
  }
  options.lang = args.Get("lang").value_or("sv");
  if (options.lang != "sv" && options.lang != "en") {
    return Usage(absl::StrCat("--lang \"", options.lang, "\": want sv or en"));
  }
  if (!IsLoopback(options.host)) {
    if (!args.Has("allow-remote")) {
      return Usage(absl::StrCat(
          "--listen ", options.host,
          " is not a loopback address; serving beyond this machine needs "
          "--allow-remote (and a TLS proxy in front: the server speaks "
          "plain HTTP)"));
    }
    std::cerr << "fundlog serve: WARNING: listening on " << options.host
              << ", beyond this machine. The server speaks plain HTTP, "
                 "without TLS or authentication: put it behind a TLS "
                 "reverse proxy.\n";
  }
  absl::StatusOr<std::optional<uint64_t>> cache_mb =
      args.Uint("known-cache-mb");
  if (!cache_mb.ok()) return Usage(cache_mb.status().message());
  if (cache_mb->has_value()) {
    if (**cache_mb > (uint64_t{1} << 20)) {
      return Usage(absl::StrCat("--known-cache-mb ", **cache_mb,
                                ": at most 1048576 (1 TiB)"));
    }
    options.known_cache_bytes = static_cast<size_t>(**cache_mb) << 20;
  }
  options.floor_route = args.Has("bench-floor");
  options.verify_binary = args.Get("verify-binary").value_or("");
  options.witness_dir = args.Get("witness").value_or("");
  options.tiles_dir = args.Get("tiles").value_or("");
  if (absl::Status s = serve::Serve(options); !s.ok()) {
    return Fail("serve", s);
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> ServeCommands() {
  return {
      {{"serve",
        "serve [--listen 127.0.0.1:8080] [--lang sv|en] [--allow-remote] "
        "[--witness W] [--tiles DIR] [--known-cache-mb N]",
        "Serve the log read-only over HTTP: the page and the JSON API "
        "(/api/v1/openapi.json). Writers in other processes go on "
        "appending; new records show within a second. Prints the URL as "
        "its first line; SIGINT or SIGTERM stops it.",
        {{"listen", "HOST:PORT",
          "the address (default 127.0.0.1:8080; port 0: any free port)"},
         {"lang", "sv|en", "the page's language (default sv)"},
         {"allow-remote", "",
          "allow a non-loopback address (plain HTTP: use a TLS proxy)"},
         {"witness", "W",
          "also answer POST /add-checkpoint (C2SP tlog-witness) as the "
          "witness directory W, for the logs W follows"},
         {"tiles", "DIR",
          "also serve GET /checkpoint and /tile/... (C2SP tlog-tiles) from "
          "DIR, written by `fundlog publish --to DIR`"},
         {"known-cache-mb", "N",
          "keep up to N MiB of the known state decoded for known_at "
          "queries (default 256; more answers faster at millions of "
          "events, less holds less: docs/serving.md)"},
         {"bench-floor", "",
          "for benchmarks: also answer GET /bench/floor with a fixed 1 KiB "
          "body"},
         {"verify-binary", "PATH",
          "for tests: run PATH --db DIR verify --json as the background "
          "verify (default: this fundlog binary)"}}},
       RunServe},
  };
}

}  // namespace fundlog::cli
