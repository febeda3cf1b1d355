#include "tests/serve_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace fundlog::testing {
namespace {

// Reads one line from `fd` within `deadline`; "" on timeout or end.
std::string ReadLine(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string line;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char c = 0;
    if (read(fd, &c, 1) != 1) return "";
    if (c == '\n') return line;
    line.push_back(c);
  }
  return "";
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::Start(
    const std::string& db, const std::vector<std::string>& extra) {
  int out[2];
  if (pipe(out) != 0) {
    ADD_FAILURE() << "pipe failed";
    return nullptr;
  }
  std::vector<std::string> args = {FUNDLOG_BINARY, "--db", db, "serve"};
  if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    // A test process that dies leaves no server behind.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->pid_ = pid;
  server->stdout_fd_ = out[0];
  server->url_ = ReadLine(
      out[0], std::chrono::steady_clock::now() + std::chrono::seconds(30));
  // "http://HOST:PORT/"; a server on every address is reached on loopback.
  const std::string& url = server->url_;
  const size_t colon = url.rfind(':');
  if (url.rfind("http://", 0) != 0 || colon == std::string::npos ||
      url.back() != '/' ||
      !absl::SimpleAtoi(url.substr(colon + 1, url.size() - colon - 2),
                        &server->port_)) {
    ADD_FAILURE() << "serve printed no URL: \"" << server->url_ << "\"";
    return nullptr;
  }
  return server;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop();
}

bool ServerProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  pid_t done = 0;
  while ((done = waitpid(pid_, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    close(stdout_fd_);
    return -1;
  }
  pid_ = -1;
  close(stdout_fd_);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

HttpAnswer ServerProcess::Get(const std::string& target) const {
  return Request("GET", target);
}

HttpAnswer ServerProcess::Request(const std::string& method,
                                  const std::string& target,
                                  const std::string& body) const {
  httplib::Client client(host_, port_);
  client.set_connection_timeout(10);
  client.set_read_timeout(30);
  httplib::Result result =
      method == "GET"    ? client.Get(target)
      : method == "HEAD" ? client.Head(target)
      : method == "POST" ? client.Post(target, body, "application/json")
      : method == "PUT"  ? client.Put(target, body, "application/json")
                         : client.Delete(target);
  HttpAnswer answer;
  if (!result) return answer;
  answer.status = result->status;
  answer.body = result->body;
  answer.content_type = result->get_header_value("Content-Type");
  answer.headers = result->headers;
  return answer;
}

int ServerProcess::Raw(const std::string& raw) const {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port_));
  inet_pton(AF_INET, host_.c_str(), &address.sin_addr);
  int status = 0;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
      0) {
    size_t sent = 0;
    while (sent < raw.size()) {
      const ssize_t n =
          send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    std::string answer;
    char buffer[4096];
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (answer.find("\r\n") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<size_t>(n));
    }
    // "HTTP/1.1 200 OK"
    if (answer.rfind("HTTP/1.", 0) != 0 || answer.size() < 12 ||
        !absl::SimpleAtoi(answer.substr(9, 3), &status)) {
      status = 0;
    }
  }
  close(fd);
  return status;
}

}  // namespace fundlog::testing
