// Runs `fundlog serve` as a child process for end-to-end tests: on a free
// loopback port (--listen 127.0.0.1:0; the URL is its first line on
// stdout), stopped with SIGTERM (and waited for) when the object goes.
#ifndef FUNDLOG_TESTS_SERVE_HARNESS_H_
#define FUNDLOG_TESTS_SERVE_HARNESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "httplib.h"

namespace fundlog::testing {

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection failed)
  std::string body;
  std::string content_type;
  httplib::Headers headers;
};

class ServerProcess {
 public:
  // Starts `fundlog --db DB serve --listen 127.0.0.1:0 EXTRA...` and waits
  // (at most 30 s) for its URL. Fails the current test and returns null if
  // it does not come.
  static std::unique_ptr<ServerProcess> Start(
      const std::string& db, const std::vector<std::string>& extra = {});
  ~ServerProcess();  // Stop() unless stopped

  // SIGTERM, then waits (SIGKILL after 30 s); returns the exit status, or
  // -1 when it did not exit on its own.
  int Stop();
  bool Running();

  // GET (or another method) of `target` (path and query, sent as is).
  HttpAnswer Get(const std::string& target) const;
  HttpAnswer Request(const std::string& method, const std::string& target,
                     const std::string& body = "") const;
  // Sends `raw` bytes on a fresh connection and returns the status code of
  // the answer's status line (0 when the server closed without answering).
  // The connection stays open for writing until the answer comes: send
  // "Connection: close" to have the server close it after.
  int Raw(const std::string& raw) const;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  const std::string& url() const { return url_; }

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
};

}  // namespace fundlog::testing

#endif  // FUNDLOG_TESTS_SERVE_HARNESS_H_
