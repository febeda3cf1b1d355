#include "core/serve/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/audit/signing_key.h"
#include "core/serve/api_routes.h"
#include "core/serve/live_log.h"
#include "core/serve/page_routes.h"
#include "core/serve/router.h"
#include "core/serve/witness_routes.h"
#include "httplib.h"

namespace fundlog::serve {
namespace {

// The limits the library does not enforce itself (0.11.4 bounds each header
// line at 8 KiB and the request line at 8 KiB, but not their number).
bool HeadersWithinLimits(const httplib::Request& request,
                         httplib::Response& response) {
  size_t bytes = 0;
  for (const auto& [name, value] : request.headers) {
    bytes += name.size() + value.size() + 4;
  }
  if (request.headers.size() > kMaxHeaders || bytes > kMaxHeaderBytes) {
    JsonError(response, 431, std::nullopt,
              absl::StrCat("at most ", kMaxHeaders, " header fields of ",
                           kMaxHeaderBytes, " bytes together"));
    return false;
  }
  return true;
}

// `listening` receives the socket the library creates to listen on.
void Configure(httplib::Server& server, const Router& router,
               socket_t* listening) {
  server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  server.set_payload_max_length(kMaxBodyBytes);
  // The library's default also sets SO_REUSEPORT, which lets a second
  // server (of the same user) bind the same port and take half of the
  // connections: only SO_REUSEADDR, so that a port in use is an error.
  server.set_socket_options([listening](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *listening = socket;
  });
  // Small answers go out at once, not after a delayed ACK (Nagle).
  server.set_tcp_nodelay(true);
  server.set_read_timeout(kReadTimeoutSeconds, 0);
  server.set_write_timeout(kWriteTimeoutSeconds, 0);
  server.set_keep_alive_timeout(kKeepAliveSeconds);
  server.set_keep_alive_max_count(kKeepAliveRequests);
  server.set_default_headers({
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  });
  // Every request is routed here; the library's regex routing never runs.
  server.set_pre_routing_handler(
      [&router](const httplib::Request& request, httplib::Response& response) {
        if (!HeadersWithinLimits(request, response)) {
          return httplib::Server::HandlerResponse::Handled;
        }
        // The library reads a request's body only after this handler: a
        // POST that a route takes (the witness's add-checkpoint) goes on to
        // the Post handler below, which has its body (at most
        // kMaxBodyBytes). Everything else is answered here.
        if (request.method == "POST" && router.Has("POST", request.path)) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        router.Dispatch(request, response);
        return httplib::Server::HandlerResponse::Handled;
      });
  server.Post(".*", [&router](const httplib::Request& request,
                              httplib::Response& response) {
    router.Dispatch(request, response);
  });
  // What the library refuses itself (a request line over 8 KiB: 414, a
  // body over the limit: 413, ...) gets a JSON body too.
  server.set_error_handler([](const httplib::Request&,
                              httplib::Response& response) {
    if (response.body.empty()) {
      JsonError(
          response, response.status, std::nullopt,
          absl::StrCat("the request was refused (HTTP ", response.status, ")"));
    }
  });
  server.set_exception_handler([](const httplib::Request&,
                                  httplib::Response& response,
                                  std::exception_ptr) {
    JsonError(response, 500, std::nullopt, "internal error");
  });
}

}  // namespace

absl::Status Serve(const ServeOptions& options) {
  // SIGINT and SIGTERM go to one thread, which stops the server: blocked
  // here, before any other thread starts, so every thread inherits it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<std::unique_ptr<LiveLog>> live =
      LiveLog::Open(options.db, options.known_cache_bytes);
  if (!live.ok()) return live.status();
  ApiOptions api;
  api.lang = options.lang;
  api.floor_route = options.floor_route;
  absl::StatusOr<merkle::SigningKey> key = LoadSigningKey(options.db);
  if (key.ok()) {
    api.signing_key = *key;
  } else {
    api.signing_key_problem = absl::StrCat(
        "no checkpoint is served: the log's signing key cannot be read (",
        key.status().message(), ")");
  }
  Router router;
  AddPageRoutes(router);
  AddApiRoutes(router, **live, api);
  if (absl::Status s =
          AddWitnessRoutes(router, options.witness_dir, options.tiles_dir);
      !s.ok()) {
    return s;
  }
  AddOpenApiRoute(router);  // last: it describes the routes before it

  httplib::Server server;
  socket_t listening = INVALID_SOCKET;
  Configure(server, router, &listening);
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(options.host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.host, ":", options.port,
                     " (in use, or not an address of this machine)"));
  }
  // The library listens with a backlog of 5 (compiled into it); listen()
  // again on the bound socket widens it. The socket the options were last
  // set on is the one that bound (the library closes the ones that fail).
  if (listening == INVALID_SOCKET || ::listen(listening, kListenBacklog) != 0) {
    std::cerr << "fundlog serve: warning: cannot widen the listen backlog; "
                 "a burst of connections may wait seconds\n";
  }
  const bool v6 = options.host.find(':') != std::string::npos;
  const std::string url = absl::StrCat("http://", v6 ? "[" : "", options.host,
                                       v6 ? "]" : "", ":", port, "/");
  std::fputs((url + "\n").c_str(), stdout);
  std::fflush(stdout);
  std::cerr << "fundlog serve: serving " << options.db << " read-only at "
            << url << " (" << (*live)->state()->size
            << " records); SIGINT or SIGTERM stops it\n";

  (*live)->Start(options.poll, options.verify_binary.empty()
                                   ? std::string("/proc/self/exe")
                                   : options.verify_binary);
  // stop() does nothing before listen_after_bind has begun, so the stopper
  // repeats it until listening has ended.
  std::atomic<bool> listening_ended{false};
  std::thread stopper([&server, &stop_signals, &listening_ended] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    while (!listening_ended.load()) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  server.listen_after_bind();
  listening_ended = true;
  // Wakes the stopper if no signal came (listening failed); a signal it
  // does not take stays blocked and pending, harmlessly.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  std::cerr << "fundlog serve: stopped\n";
  return absl::OkStatus();
}

}  // namespace fundlog::serve
