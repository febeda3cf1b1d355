// serve_bench: `fundlog serve` under load, on loopback only. 64 clients (by
// default) ask balances at random days, views and known-at dates for a fixed
// time; in the same run, against the same server, they fetch a fixed 1 KiB
// body (GET /bench/floor, enabled by --bench-floor): the floor. Prints
// requests/s, p50 and p99 of each, the ratio, and the server's peak RSS
// (VmHWM, reset before each workload) and its RSS after loading the log.
//
//   build/tools/bench/serve_bench [--events N] [--clients C] [--seconds S]
//                                 [--db DIR] [--fundlog BINARY]
// Without --db it builds a log of N synthetic events (fundlog synth,
// seed 1, labelled synthetic) in a scratch directory first. --fundlog runs
// another fundlog binary as the server (to compare two builds in one run).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "httplib.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  uint64_t events = 1'000'000;
  int clients = 64;
  int seconds = 10;
  std::string db;
  std::string fundlog = FUNDLOG_BINARY;  // the server's binary
  std::string known_cache_mb;            // passed to serve when set
};

int Run(const std::vector<std::string>& args) {
  std::string command;
  for (const std::string& arg : args) absl::StrAppend(&command, "'", arg, "' ");
  absl::StrAppend(&command, ">/dev/null");
  return std::system(command.c_str());
}

// A field of /proc/PID/status in kB ("VmHWM", "VmRSS").
long StatusKb(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
    }
  }
  return -1;
}

void ResetPeak(pid_t pid) {
  std::ofstream(absl::StrCat("/proc/", pid, "/clear_refs")) << "5";
}

struct Result {
  double requests_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  uint64_t failures = 0;
  long peak_rss_kb = 0;
};

// `clients` threads, each with its own keep-alive connection, ask
// target(random) for `seconds`.
template <typename Target>
Result Load(int port, pid_t server, const Options& options, Target target) {
  ResetPeak(server);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> failures{0};
  std::vector<std::vector<double>> latencies(options.clients);
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (int c = 0; c < options.clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937_64 random(1000 + c);
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(60);
      while (!stop.load(std::memory_order_relaxed)) {
        const std::string path = target(random);
        const Clock::time_point sent = Clock::now();
        httplib::Result answer = client.Get(path);
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - sent)
                .count();
        if (!answer || answer->status != 200) {
          ++failures;
        } else {
          latencies[c].push_back(ms);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(options.seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& each : latencies)
    all.insert(all.end(), each.begin(), each.end());
  std::sort(all.begin(), all.end());
  Result result;
  result.failures = failures;
  result.peak_rss_kb = StatusKb(server, "VmHWM");
  if (all.empty()) return result;
  result.requests_per_second = static_cast<double>(all.size()) / elapsed;
  result.p50_ms = all[all.size() / 2];
  result.p99_ms = all[all.size() * 99 / 100];
  return result;
}

void Print(const char* name, const Result& r) {
  std::printf(
      "%-34s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  peak RSS %6.1f MiB"
      "  failures %llu\n",
      name, r.requests_per_second, r.p50_ms, r.p99_ms,
      static_cast<double>(r.peak_rss_kb) / 1024.0,
      static_cast<unsigned long long>(r.failures));
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    bool ok = true;
    if (flag == "--events")
      ok = absl::SimpleAtoi(value, &options.events);
    else if (flag == "--clients")
      ok = absl::SimpleAtoi(value, &options.clients);
    else if (flag == "--seconds")
      ok = absl::SimpleAtoi(value, &options.seconds);
    else if (flag == "--db")
      options.db = value;
    else if (flag == "--fundlog")
      options.fundlog = value;
    else if (flag == "--known-cache-mb")
      options.known_cache_mb = value;
    else
      ok = false;
    if (!ok) {
      std::fprintf(stderr, "serve_bench: bad flag %s %s\n", flag.c_str(),
                   value.c_str());
      return 2;
    }
  }
  std::string scratch;
  if (options.db.empty()) {
    scratch = (std::filesystem::temp_directory_path() /
               absl::StrCat("serve-bench-", getpid()))
                  .string();
    options.db = scratch + "/log";
    std::filesystem::create_directories(scratch);
    const Clock::time_point start = Clock::now();
    if (Run({FUNDLOG_BINARY, "--db", options.db, "init", "--origin",
             "bench.invalid/synthetic"}) != 0 ||
        Run({FUNDLOG_BINARY, "--db", options.db, "synth", "--events",
             absl::StrCat(options.events), "--funds", "3", "--seed", "1"}) !=
            0) {
      std::fprintf(stderr, "serve_bench: cannot build the log\n");
      return 1;
    }
    std::printf("built a log of %llu SYNTHETIC events in %.1f s\n",
                static_cast<unsigned long long>(options.events),
                std::chrono::duration<double>(Clock::now() - start).count());
  }
  int out[2];
  if (pipe(out) != 0) return 1;
  const Clock::time_point started = Clock::now();
  const pid_t server = fork();
  if (server == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    if (options.known_cache_mb.empty()) {
      execl(options.fundlog.c_str(), options.fundlog.c_str(), "--db",
            options.db.c_str(), "serve", "--listen", "127.0.0.1:0",
            "--bench-floor", static_cast<char*>(nullptr));
    } else {
      execl(options.fundlog.c_str(), options.fundlog.c_str(), "--db",
            options.db.c_str(), "serve", "--listen", "127.0.0.1:0",
            "--bench-floor", "--known-cache-mb", options.known_cache_mb.c_str(),
            static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  close(out[1]);
  std::string url;
  char c = 0;
  while (read(out[0], &c, 1) == 1 && c != '\n') url.push_back(c);
  // Read as soon as the URL comes, before the background verify has done
  // much (it starts after the URL is printed).
  const long loaded_rss_kb = StatusKb(server, "VmRSS");
  const double load_s =
      std::chrono::duration<double>(Clock::now() - started).count();
  int port = 0;
  const size_t colon = url.rfind(':');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(url.substr(colon + 1, url.size() - colon - 2), &port)) {
    std::fprintf(stderr, "serve_bench: no URL from the server (\"%s\")\n",
                 url.c_str());
    return 1;
  }
  // Let the background verify finish: it would compete for the CPU.
  httplib::Client probe("127.0.0.1", port);
  probe.set_read_timeout(600);
  for (;;) {
    httplib::Result verify = probe.Get("/api/v1/verify");
    if (verify && verify->body.find("\"ran_at\":null") == std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf(
      "server: %s, up in %.2f s (log opened and folded), RSS %.1f MiB "
      "after load, %.1f MiB after load and verify; %d clients, %d s per "
      "workload, loopback, 2 shared cores\n",
      url.c_str(), load_s, static_cast<double>(loaded_rss_kb) / 1024.0,
      static_cast<double>(StatusKb(server, "VmRSS")) / 1024.0, options.clients,
      options.seconds);
  const char* views[] = {"reported", "without-change", "restated"};
  auto day = [](std::mt19937_64& random) {
    const int year = 2000 + static_cast<int>(random() % 21);
    return absl::StrFormat("%04d-%02d-%02d", year,
                           1 + static_cast<int>(random() % 12),
                           1 + static_cast<int>(random() % 28));
  };
  auto floor = [](std::mt19937_64&) { return std::string("/bench/floor"); };
  auto balance = [&](std::mt19937_64& random) {
    std::string path = absl::StrCat("/api/v1/balance?as_of=", day(random),
                                    "&view=", views[random() % 3]);
    if (random() % 2) absl::StrAppend(&path, "&known_at=", day(random));
    return path;
  };
  auto balance_now = [&](std::mt19937_64& random) {
    return absl::StrCat("/api/v1/balance?as_of=", day(random),
                        "&view=", views[random() % 3]);
  };
  const Result floor1 = Load(port, server, options, floor);
  Print("floor (GET /bench/floor, 1 KiB)", floor1);
  const Result mixed = Load(port, server, options, balance);
  Print("balance (half with known_at)", mixed);
  const Result current = Load(port, server, options, balance_now);
  Print("balance (no known_at)", current);
  const Result floor2 = Load(port, server, options, floor);
  Print("floor again", floor2);
  const double floor_rate =
      (floor1.requests_per_second + floor2.requests_per_second) / 2;
  std::printf(
      "ratio to the floor (mean of both floor runs): balance %.2f, "
      "balance without known_at %.2f\n",
      mixed.requests_per_second / floor_rate,
      current.requests_per_second / floor_rate);
  kill(server, SIGTERM);
  int status = 0;
  waitpid(server, &status, 0);
  if (!scratch.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(scratch, ignored);
  }
  return 0;
}
