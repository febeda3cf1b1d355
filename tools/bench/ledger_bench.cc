// Ledger queries and rebuild on synthetic ledgers (labelled synthetic):
//   balance_full_replay   the floor: scan and fold every record, then query
//   balance_snapshot      newest snapshot + the records after it, then query
//                         (what `fundlog balance` does in a fresh process)
//   balance_folded        the query alone on a projector already in memory
//   balance_indexed       the same after Projector::IndexForQueries (a
//                         long-lived process); index build time apart
//   scan_raw              the floor for rebuild: read every stored record
//   rebuild               RebuildSnapshots: clear, fold everything, write
//   rebuild_all           what `fundlog rebuild` does (ledger::RebuildAll):
//                         index and derived values in one pass
// Latencies are per query (p50/p99 over the iterations, random as-of dates
// 2000-2019, random views, one in three with a known_at); rebuild reports
// events/s. Peak RSS of one balance query is measured in a fresh child
// process (this binary re-run with --rss_probe), so it is not the maximum of
// everything this process did before.
//
// Sizes: FUNDLOG_BENCH_EVENTS, comma-separated (default 1000000).
// FUNDLOG_BENCH_LOG_DIR: keep the generated logs there between runs
// (default: a scratch directory removed at exit). Each log holds its
// snapshot kTailEvents records before the end: the average tail a writer's
// RefreshSnapshots leaves.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "core/ledger/projector.h"
#include "core/ledger/rebuild.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "core/store/event_log.h"
#include "tools/bench/bench_util.h"

namespace fundlog::bench {
namespace {

constexpr uint64_t kSeed = 20111103;
constexpr int kFunds = 3;
constexpr uint64_t kTailEvents = ledger::kSnapshotEveryEvents / 2;
constexpr int kAppendBatchEvents = 10'000;

std::vector<uint64_t> Sizes() {
  const char* env = std::getenv("FUNDLOG_BENCH_EVENTS");
  std::vector<uint64_t> sizes;
  for (absl::string_view part :
       absl::StrSplit(env == nullptr ? "1000000" : env, ',')) {
    uint64_t n = 0;
    if (absl::SimpleAtoi(part, &n) && n > kTailEvents) sizes.push_back(n);
  }
  return sizes;
}

std::string LogDir(uint64_t events) {
  static ScratchDir* scratch = nullptr;
  const char* env = std::getenv("FUNDLOG_BENCH_LOG_DIR");
  if (env == nullptr && scratch == nullptr) scratch = new ScratchDir;
  return absl::StrCat(env != nullptr ? env : scratch->path(), "/ledger-",
                      events);
}

// Creates the synthetic log of `events` records with a snapshot kTailEvents
// before its end, or opens it when a previous run left it complete.
std::unique_ptr<EventLog> OpenOrBuild(uint64_t events) {
  const std::string path = LogDir(events);
  // Regenerate only a log that is absent or incomplete; any other failure
  // (another process holds it) stops the run rather than deleting it.
  auto opened = EventLog::Open(
      OpenOptions{.path = path, .rules = &fundlog::ledger::Rules()});
  if (opened.ok() && (*opened)->Size() == events) return std::move(*opened);
  if (!opened.ok() && opened.status().code() != absl::StatusCode::kNotFound) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(),
                 std::string(opened.status().message()).c_str());
    std::abort();
  }
  opened = absl::NotFoundError("");  // closes it before it is replaced
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  auto created = EventLog::Create(CreateOptions{
      .path = path, .origin = "bench", .rules = &fundlog::ledger::Rules()});
  if (!created.ok()) std::abort();
  std::fprintf(stderr, "generating %llu synthetic events into %s\n",
               static_cast<unsigned long long>(events), path.c_str());
  std::vector<v1::StoredRecord> records =
      ledger::GenerateSynthetic(kSeed, static_cast<int>(events), kFunds);
  v1::EventBatch batch;
  for (size_t i = 0; i < records.size(); ++i) {
    *batch.add_events() = std::move(*records[i].mutable_event());
    const bool snapshot_here = i + 1 == events - kTailEvents;
    if (batch.events_size() == kAppendBatchEvents || snapshot_here ||
        i + 1 == records.size()) {
      if (!(*created)->Append(batch, std::nullopt).ok()) std::abort();
      batch.Clear();
    }
    if (snapshot_here && !ledger::WriteSnapshot(**created).ok()) std::abort();
  }
  return std::move(*created);
}

struct Shared {
  std::unique_ptr<EventLog> log;
  ledger::Projector folded;
};

Shared& SharedFor(uint64_t events) {
  static auto* logs = new std::map<uint64_t, Shared>;
  auto [it, inserted] = logs->try_emplace(events);
  if (inserted) {
    it->second.log = OpenOrBuild(events);
    auto loaded = ledger::LoadProjector(*it->second.log);
    if (!loaded.ok() || loaded->snapshot_size != events - kTailEvents) {
      std::fprintf(stderr, "the log at %s has no snapshot at %llu\n",
                   LogDir(events).c_str(),
                   static_cast<unsigned long long>(events - kTailEvents));
      std::abort();
    }
    it->second.folded = std::move(loaded->projector);
  }
  return it->second;
}

ledger::BalanceQuery RandomQuery(std::mt19937_64& random) {
  ledger::BalanceQuery query;
  query.as_of = absl::CivilDay(2000, 1, 1) + random() % (20 * 365);
  if (random() % 3 == 0) query.known_at = query.as_of + random() % 800;
  query.view = ledger::kAllViews[random() % 3];
  return query;
}

// Runs `query_once` per iteration and reports p50/p99 in milliseconds.
template <typename F>
void TimeQueries(benchmark::State& state, F query_once) {
  std::mt19937_64 random(7);
  std::vector<double> ms;
  for (auto _ : state) {
    const ledger::BalanceQuery query = RandomQuery(random);
    const auto start = std::chrono::steady_clock::now();
    if (absl::Status s = query_once(query); !s.ok()) {
      state.SkipWithError(std::string(s.message()).c_str());
      return;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  state.counters["p50_ms"] = ms[ms.size() / 2];
  state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  state.SetItemsProcessed(state.iterations());
}

absl::Status Answer(const ledger::Projector& projector,
                    const ledger::BalanceQuery& query) {
  auto balances = projector.BalancesAt(query);
  benchmark::DoNotOptimize(balances);
  return balances.status();
}

absl::Status FullReplay(const EventLog& log,
                        const ledger::BalanceQuery& query) {
  ledger::Projector projector;
  absl::Status s = log.Scan(0, log.Size(), [&](const v1::StoredRecord& r) {
    return projector.Add(r);
  });
  return s.ok() ? Answer(projector, query) : s;
}

absl::Status FromSnapshot(const EventLog& log,
                          const ledger::BalanceQuery& query) {
  auto loaded = ledger::LoadProjector(log);
  if (!loaded.ok()) return loaded.status();
  return Answer(loaded->projector, query);
}

void BM_FullReplay(benchmark::State& state) {
  const EventLog& log = *SharedFor(state.range(0)).log;
  TimeQueries(state, [&](const auto& q) { return FullReplay(log, q); });
}

void BM_Snapshot(benchmark::State& state) {
  const EventLog& log = *SharedFor(state.range(0)).log;
  TimeQueries(state, [&](const auto& q) { return FromSnapshot(log, q); });
}

void BM_Folded(benchmark::State& state) {
  const ledger::Projector& folded = SharedFor(state.range(0)).folded;
  TimeQueries(state, [&](const auto& q) { return Answer(folded, q); });
}

// As balance_folded after Projector::IndexForQueries (a long-lived process
// that answers many queries); the index build is timed once, apart.
void BM_Indexed(benchmark::State& state) {
  ledger::Projector& folded = SharedFor(state.range(0)).folded;
  const auto start = std::chrono::steady_clock::now();
  folded.IndexForQueries();
  state.counters["index_build_ms"] =
      std::chrono::duration<double, std::milli>(
          std::chrono::steady_clock::now() - start)
          .count();
  TimeQueries(state, [&](const auto& q) { return Answer(folded, q); });
}

void BM_ScanRaw(benchmark::State& state) {
  const EventLog& log = *SharedFor(state.range(0)).log;
  for (auto _ : state) {
    uint64_t bytes = 0;
    absl::Status s =
        log.ScanRaw(0, log.Size(), [&](uint64_t, absl::string_view b) {
          bytes += b.size();
          return absl::OkStatus();
        });
    if (!s.ok()) state.SkipWithError("scan failed");
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Rebuild writes a snapshot at the log's end; the one kTailEvents before it
// is put back afterwards so later workloads and runs see the same log.
void BM_Rebuild(benchmark::State& state) {
  EventLog& log = *SharedFor(state.range(0)).log;
  auto saved = log.GetDerived(ledger::SnapshotKey());
  if (!saved.ok() || !saved->has_value()) std::abort();
  for (auto _ : state) {
    auto rebuilt = ledger::RebuildSnapshots(log);
    if (!rebuilt.ok()) state.SkipWithError("rebuild failed");
  }
  if (!log.PutDerived(ledger::SnapshotKey(), **saved).ok()) std::abort();
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// What `fundlog rebuild` does (ledger::RebuildAll): the index and the
// derived values from one pass over the records.
void BM_RebuildAll(benchmark::State& state) {
  EventLog& log = *SharedFor(state.range(0)).log;
  auto saved = log.GetDerived(ledger::SnapshotKey());
  if (!saved.ok() || !saved->has_value()) std::abort();
  for (auto _ : state) {
    auto rebuilt = ledger::RebuildAll(log);
    if (!rebuilt.ok()) state.SkipWithError("rebuild failed");
  }
  if (!log.PutDerived(ledger::SnapshotKey(), **saved).ok()) std::abort();
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

long ResidentKib() {
  long pages = 0, resident = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r"); statm != nullptr) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// --rss_probe=MODE PATH: one balance query on the log at PATH (MODE
// "snapshot" or "replay"); prints the process's peak RSS and how much the
// resident set grew from after opening the log to holding the projector
// (both KiB). The growth is the query's own memory: opening a log whose
// RocksDB WAL was not flushed replays it into memtables first, which the
// peak includes.
int RssProbe(absl::string_view mode, const std::string& path) {
  auto log = EventLog::Open(OpenOptions{.path = path, .read_only = true});
  if (!log.ok()) return 3;
  const long opened = ResidentKib();
  std::mt19937_64 random(11);
  const ledger::BalanceQuery query = RandomQuery(random);
  ledger::Projector projector;
  if (mode == "snapshot") {
    auto loaded = ledger::LoadProjector(**log);
    if (!loaded.ok()) return 3;
    projector = std::move(loaded->projector);
  } else if (!(**log)
                  .Scan(0, (**log).Size(),
                        [&](const v1::StoredRecord& r) {
                          return projector.Add(r);
                        })
                  .ok()) {
    return 3;
  }
  if (!Answer(projector, query).ok()) return 3;
  const long held = ResidentKib();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%ld %ld\n", usage.ru_maxrss, held - opened);
  return 0;
}

void ReportPeakRss(const char* self) {
  for (uint64_t events : Sizes()) {
    SharedFor(events);  // builds the log if needed
    std::string line = absl::StrCat("memory/", events, ":");
    for (const char* mode : {"snapshot", "replay"}) {
      const std::string command = absl::StrCat(
          "'", self, "' --rss_probe=", mode, " '", LogDir(events), "'");
      long peak = -1, growth = -1;
      if (FILE* pipe = popen(command.c_str(), "r"); pipe != nullptr) {
        if (std::fscanf(pipe, "%ld %ld", &peak, &growth) != 2) peak = -1;
        pclose(pipe);
      }
      absl::StrAppend(&line, " ", mode, ": peak RSS ", peak / 1024,
                      " MiB, resident growth for the query ", growth / 1024,
                      " MiB;");
    }
    std::printf("%s\n", line.c_str());
  }
}

void Register(RatioReporter& reporter) {
  for (uint64_t events : Sizes()) {
    const int slow = events >= 5'000'000 ? 2 : 5;
    const auto n = static_cast<int64_t>(events);
    const std::string suffix =
        absl::StrCat("/", events, "/iterations:", slow, "/real_time");
    benchmark::RegisterBenchmark("balance_full_replay", BM_FullReplay)
        ->Arg(n)
        ->Iterations(slow)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("balance_snapshot", BM_Snapshot)
        ->Arg(n)
        ->Iterations(slow)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("balance_folded", BM_Folded)
        ->Arg(n)
        ->Iterations(50)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("balance_indexed", BM_Indexed)
        ->Arg(n)
        ->Iterations(200)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("scan_raw", BM_ScanRaw)
        ->Arg(n)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("rebuild", BM_Rebuild)
        ->Arg(n)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("rebuild_all", BM_RebuildAll)
        ->Arg(n)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    reporter.AddRatio(absl::StrCat("balance_snapshot", suffix),
                      absl::StrCat("balance_full_replay", suffix));
    reporter.AddRatio(
        absl::StrCat("balance_folded/", events, "/iterations:50/real_time"),
        absl::StrCat("balance_full_replay", suffix));
    reporter.AddRatio(
        absl::StrCat("balance_indexed/", events, "/iterations:200/real_time"),
        absl::StrCat("balance_full_replay", suffix));
    reporter.AddRatio(
        absl::StrCat("rebuild/", events, "/iterations:1/real_time"),
        absl::StrCat("scan_raw/", events, "/iterations:1/real_time"));
    reporter.AddRatio(
        absl::StrCat("rebuild_all/", events, "/iterations:1/real_time"),
        absl::StrCat("scan_raw/", events, "/iterations:1/real_time"));
  }
}

}  // namespace
}  // namespace fundlog::bench

int main(int argc, char** argv) {
  using namespace fundlog::bench;
  if (argc == 3 && absl::string_view(argv[1]).substr(0, 12) == "--rss_probe=") {
    return RssProbe(absl::string_view(argv[1]).substr(12), argv[2]);
  }
  PrintHeader();
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  Register(reporter);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  ReportPeakRss(argv[0]);
  benchmark::Shutdown();
  return 0;
}
