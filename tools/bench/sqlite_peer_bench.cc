// fundlog against its SQLite peer (tools/bench/sqlite_peer.h), same run, same
// synthetic records (GenerateSynthetic, seeded, labelled synthetic):
//   append   synced EventLog::Append against SQLite transactions (WAL,
//            synchronous=FULL) of the same records, batches of 1, 100, 10 000
//   as-of    balance of one fund by account at a random day (view
//            without-change), with and without known_at: warm (the open
//            log / database in this process) and fresh (this binary re-run
//            as a child that opens, asks once and exits; wall time and
//            peak RSS of the child)
// Every query day set is first checked: both sides must give the same
// balances where the peer is exact (ComparePeer), or the run fails (exit 1).
// Ratios are fundlog ÷ SQLite in speed (> 1: fundlog ahead).
//
// Sizes: FUNDLOG_BENCH_EVENTS (default 100000,1000000); FUNDLOG_BENCH_QUERIES
// warm queries (default 200), FUNDLOG_BENCH_FRESH child runs (default 9);
// FUNDLOG_BENCH_APPEND=0 skips the append part.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/base/dates.h"
#include "core/ledger/projector.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "core/store/event_log.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/sqlite_peer.h"

namespace fundlog::bench {
namespace {

constexpr uint64_t kSeed = 20111103;
constexpr int kFunds = 3;
constexpr int kSetupRecords = 1 + 8 * kFunds;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

uint64_t Env(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  uint64_t n = 0;
  return v != nullptr && absl::SimpleAtoi(v, &n) ? n : fallback;
}

[[noreturn]] void Die(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

v1::EventBatch Batch(const std::vector<v1::StoredRecord>& records, size_t from,
                     size_t n) {
  v1::EventBatch batch;
  for (size_t i = from; i < from + n; ++i) {
    *batch.add_events() = records[i].event();
  }
  return batch;
}

// Appends records [from, from + count) in batches of `batch`; seconds spent.
double AppendFundlog(EventLog& log, const std::vector<v1::StoredRecord>& r,
                     size_t from, size_t count, size_t batch) {
  std::vector<v1::EventBatch> batches;
  for (size_t i = from; i < from + count; i += batch) {
    batches.push_back(Batch(r, i, std::min(batch, from + count - i)));
  }
  const auto start = Clock::now();
  for (const v1::EventBatch& b : batches) {
    if (auto s = log.Append(b, std::nullopt); !s.ok())
      Die("append", s.status());
  }
  return Seconds(start);
}

double AppendPeer(SqlitePeer& peer, const std::vector<v1::StoredRecord>& r,
                  size_t from, size_t count, size_t batch) {
  const auto start = Clock::now();
  for (size_t i = from; i < from + count; i += batch) {
    auto span =
        absl::MakeConstSpan(r).subspan(i, std::min(batch, from + count - i));
    if (auto s = peer.AppendBatch(span); !s.ok()) Die("sqlite append", s);
  }
  return Seconds(start);
}

void AppendPart() {
  std::printf("\n## append (synced), events/s\n%-8s %14s %14s %10s\n", "batch",
              "fundlog", "sqlite", "ratio");
  const std::pair<size_t, size_t> workloads[] = {
      {1, 300}, {100, 100}, {10000, 10}};
  const std::vector<v1::StoredRecord> records =
      ledger::GenerateSynthetic(kSeed, kSetupRecords + 100'000, kFunds);
  for (auto [batch, iterations] : workloads) {
    ScratchDir dir;
    auto log =
        EventLog::Create(CreateOptions{.path = absl::StrCat(dir.path(), "/log"),
                                       .origin = "bench",
                                       .rules = &fundlog::ledger::Rules()});
    if (!log.ok()) Die("create", log.status());
    auto peer = SqlitePeer::Open(absl::StrCat(dir.path(), "/peer.sqlite"));
    if (!peer.ok()) Die("sqlite open", peer.status());
    AppendFundlog(**log, records, 0, kSetupRecords, kSetupRecords);
    AppendPeer(**peer, records, 0, kSetupRecords, kSetupRecords);
    const size_t n = batch * iterations;
    const double ours = AppendFundlog(**log, records, kSetupRecords, n, batch);
    const double theirs = AppendPeer(**peer, records, kSetupRecords, n, batch);
    std::printf("%-8zu %14.0f %14.0f %10.3f\n", batch, n / ours, n / theirs,
                theirs / ours);
  }
}

struct Query {
  std::string fund;
  absl::CivilDay as_of;
  std::optional<absl::CivilDay> known_at;
};

std::vector<Query> Queries(int n, bool known, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Query> out;
  for (int i = 0; i < n; ++i) {
    Query& q = out.emplace_back();
    q.fund = absl::StrCat("synthetic-fund-", random() % kFunds);
    q.as_of = absl::CivilDay(2000, 1, 1) + random() % (20 * 365);
    if (known) q.known_at = q.as_of + random() % 800;
  }
  return out;
}

std::optional<std::string> KnownText(const Query& q) {
  if (!q.known_at) return std::nullopt;
  return FormatDay(*q.known_at);
}

ledger::BalanceQuery Fundlog(const Query& q) {
  return ledger::BalanceQuery{q.as_of, q.known_at, ledger::View::kWithoutChange,
                              q.fund};
}

// Peak resident set of this process (VmHWM: the mm of this exec only, not
// the parent's pages a fork carried), in KiB.
long PeakRssKib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib;
}

// Runs `args` as a child whose stdout is a pipe; its wall seconds and the
// peak RSS (MiB) it reports as the last number it prints.
std::pair<double, double> Child(const std::vector<std::string>& args) {
  std::fflush(stdout);
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (const std::string& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buffer[256];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) out.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  const double seconds = Seconds(start);
  long kib = -1;
  std::vector<std::string> words = absl::StrSplit(out, ' ', absl::SkipEmpty());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || words.empty() ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(words.back()), &kib)) {
    std::fprintf(stderr, "probe failed: %s %s\n", args[2].c_str(), out.c_str());
    std::exit(1);
  }
  return {seconds, kib / 1024.0};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The child: opens one side, asks one query, prints the account count.
int Probe(int argc, char** argv) {
  if (argc < 6) return 2;
  const std::string side = argv[2], path = argv[3], fund = argv[4],
                    day = argv[5];
  std::optional<std::string> known;
  if (argc > 6) known = argv[6];
  if (side == "sqlite") {
    auto peer = SqlitePeer::Open(path);
    if (!peer.ok()) Die("sqlite open", peer.status());
    auto b = (*peer)->BalanceAsOf(fund, day, known);
    if (!b.ok()) Die("sqlite query", b.status());
    std::printf("%zu %ld\n", b->size(), PeakRssKib());
    return 0;
  }
  auto log = EventLog::Open(OpenOptions{.path = path, .read_only = true});
  if (!log.ok()) Die("open", log.status());
  auto loaded =
      known ? ledger::LoadProjector(**log) : ledger::LoadQueryProjector(**log);
  if (!loaded.ok()) Die("load", loaded.status());
  std::optional<absl::CivilDay> known_day;
  if (known) known_day = *ParseDay(*known);
  auto b = loaded->projector.BalancesAt(ledger::BalanceQuery{
      *ParseDay(day), known_day, ledger::View::kWithoutChange, fund});
  if (!b.ok()) Die("query", b.status());
  std::printf("%zu %ld\n", b->size(), PeakRssKib());
  return 0;
}

void QueryPart(const char* self, uint64_t events) {
  ScratchDir dir;
  const std::string log_path = absl::StrCat(dir.path(), "/log");
  const std::string db_path = absl::StrCat(dir.path(), "/peer.sqlite");
  std::vector<v1::StoredRecord> records =
      ledger::GenerateSynthetic(kSeed, static_cast<int>(events), kFunds);
  std::printf("\n## %llu events\n", static_cast<unsigned long long>(events));
  {
    auto log =
        EventLog::Create(CreateOptions{.path = log_path,
                                       .origin = "bench",
                                       .rules = &fundlog::ledger::Rules()});
    if (!log.ok()) Die("create", log.status());
    auto peer = SqlitePeer::Open(db_path);
    if (!peer.ok()) Die("sqlite open", peer.status());
    const double ours = AppendFundlog(**log, records, 0, records.size(), 10000);
    const double theirs = AppendPeer(**peer, records, 0, records.size(), 10000);
    std::printf(
        "load in batches of 10 000: fundlog %.1f s, sqlite %.1f s (ratio "
        "%.3f)\n",
        ours, theirs, theirs / ours);
    const auto start = Clock::now();
    if (auto s = ledger::WriteSnapshot(**log); !s.ok())
      Die("snapshot", s.status());
    std::printf("fundlog snapshot + query state: %.1f s\n", Seconds(start));
  }
  const auto until = PeerComparableUntil(records);
  records.clear();
  records.shrink_to_fit();

  auto log = EventLog::Open(OpenOptions{.path = log_path, .read_only = true});
  if (!log.ok()) Die("open", log.status());
  auto peer = SqlitePeer::Open(db_path);
  if (!peer.ok()) Die("sqlite open", peer.status());
  auto light = ledger::LoadQueryProjector(**log);
  if (!light.ok()) Die("load", light.status());
  auto full = ledger::LoadProjector(**log);
  if (!full.ok()) Die("load", full.status());

  // Validity first: the same answers where the peer's model holds.
  int compared = 0;
  for (bool known : {false, true}) {
    for (Query q : Queries(40, known, 99)) {
      auto last = ParseDay(until.at(q.fund));
      if (!last.ok() || *last < absl::CivilDay(2000, 1, 1)) continue;
      q.as_of = absl::CivilDay(2000, 1, 1) +
                (q.as_of - absl::CivilDay(2000, 1, 1)) %
                    (*last - absl::CivilDay(2000, 1, 1) + 1);
      auto ours = full->projector.BalancesAt(Fundlog(q));
      auto theirs =
          (*peer)->BalanceAsOf(q.fund, FormatDay(q.as_of), KnownText(q));
      if (!ours.ok()) Die("query", ours.status());
      if (!theirs.ok()) Die("sqlite query", theirs.status());
      auto same = ComparePeer(*ours, *theirs);
      if (!same.ok())
        Die(absl::StrCat("check ", FormatDay(q.as_of)), same.status());
      compared += *same;
    }
  }
  std::printf("check: %d account balances equal on both sides\n", compared);
  if (compared == 0) Die("check", absl::InternalError("nothing compared"));

  const int warm = static_cast<int>(Env("FUNDLOG_BENCH_QUERIES", 200));
  const int fresh = static_cast<int>(Env("FUNDLOG_BENCH_FRESH", 9));
  std::printf("%-28s %12s %12s %10s %12s %12s\n", "as-of query", "fundlog ms",
              "sqlite ms", "ratio", "fundlog MiB", "sqlite MiB");
  for (bool known : {false, true}) {
    const std::vector<Query> queries = Queries(warm, known, known ? 2 : 1);
    const ledger::Projector& p = known ? full->projector : light->projector;
    std::vector<double> ours, theirs;
    for (const Query& q : queries) {
      auto start = Clock::now();
      if (auto b = p.BalancesAt(Fundlog(q)); !b.ok()) Die("query", b.status());
      ours.push_back(Seconds(start) * 1e3);
      start = Clock::now();
      auto b = (*peer)->BalanceAsOf(q.fund, FormatDay(q.as_of), KnownText(q));
      if (!b.ok()) Die("sqlite query", b.status());
      theirs.push_back(Seconds(start) * 1e3);
    }
    const double a = Median(ours), b = Median(theirs);
    std::printf("%-28s %12.3f %12.3f %10.3f\n",
                known ? "warm, known_at (p50)" : "warm (p50)", a, b, b / a);
  }
  log->reset();
  peer->reset();
  for (bool known : {false, true}) {
    const std::vector<Query> queries = Queries(fresh, known, known ? 4 : 3);
    std::vector<double> ours, theirs, our_rss, their_rss;
    for (const Query& q : queries) {
      std::vector<std::string> args = {self,     "--probe", "fundlog",
                                       log_path, q.fund,    FormatDay(q.as_of)};
      if (q.known_at) args.push_back(FormatDay(*q.known_at));
      auto [t, rss] = Child(args);
      ours.push_back(t * 1e3);
      our_rss.push_back(rss);
      args[2] = "sqlite";
      args[3] = db_path;
      std::tie(t, rss) = Child(args);
      theirs.push_back(t * 1e3);
      their_rss.push_back(rss);
    }
    const double a = Median(ours), b = Median(theirs);
    std::printf("%-28s %12.1f %12.1f %10.3f %12.1f %12.1f\n",
                known ? "fresh, known_at (median)" : "fresh (median)", a, b,
                b / a, Median(our_rss), Median(their_rss));
  }
}

}  // namespace
}  // namespace fundlog::bench

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--probe") {
    return fundlog::bench::Probe(argc, argv);
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  fundlog::bench::PrintHeader();
  std::vector<uint64_t> sizes;
  const char* env = std::getenv("FUNDLOG_BENCH_EVENTS");
  for (absl::string_view part :
       absl::StrSplit(env == nullptr ? "100000,1000000" : env, ',')) {
    uint64_t n = 0;
    if (absl::SimpleAtoi(part, &n) && n > 0) sizes.push_back(n);
  }
  if (fundlog::bench::Env("FUNDLOG_BENCH_APPEND", 1) != 0) {
    fundlog::bench::AppendPart();
  }
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return 1;
  self[n] = '\0';
  for (uint64_t events : sizes) fundlog::bench::QueryPart(self, events);
  return 0;
}
