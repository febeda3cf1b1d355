// Tamper-evidence costs, each against a floor measured in the same run:
//   verify_log        `verify`'s integrity pass over a log of N synthetic
//                     events (default 1M) vs raw_sha256: OpenSSL SHA-256 of
//                     the same leaf and node bytes, in memory, no I/O;
//   inclusion_proof / consistency_proof latency on that log and on a tree of
//                     10M synthetic leaves (nodes only, in RocksDB).
// Sizes: FUNDLOG_BENCH_EVENTS, FUNDLOG_BENCH_TREE_LEAVES (environment).

#include <cstdlib>
#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "core/audit/integrity.h"
#include "core/ledger/record_rules.h"
#include "core/merkle/merkle.h"
#include "core/store/event_log.h"
#include "core/store/tree_writer.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "tools/bench/bench_util.h"

namespace fundlog::bench {
namespace {

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::strtoull(value, nullptr, 10);
}

// The log every log benchmark reads, built once.
struct SharedLog {
  ScratchDir dir;
  std::unique_ptr<EventLog> log;
  std::vector<std::string> leaves;  // the stored bytes, for the floor
};

SharedLog& Log() {
  static SharedLog* shared = [] {
    auto* s = new SharedLog;
    const uint64_t events = EnvOr("FUNDLOG_BENCH_EVENTS", 1'000'000);
    auto created = EventLog::Create(
        CreateOptions{.path = absl::StrCat(s->dir.path(), "/log"),
                      .origin = "bench",
                      .rules = &fundlog::ledger::Rules()});
    if (!created.ok()) std::abort();
    s->log = std::move(*created);
    v1::EventBatch first;
    *first.add_events() = SyntheticFund("f");
    if (!s->log->Append(first, 0).ok()) std::abort();
    for (uint64_t id = 1; id < events; id += 10'000) {
      const int count =
          static_cast<int>(std::min<uint64_t>(10'000, events - id));
      if (!s->log
               ->Append(SyntheticAllocations("f", id, count, 6962),
                        std::nullopt)
               .ok()) {
        std::abort();
      }
    }
    s->leaves.reserve(events);
    if (!s->log
             ->ScanRaw(0, s->log->Size(),
                       [&](uint64_t, absl::string_view b) {
                         s->leaves.emplace_back(b);
                         return absl::OkStatus();
                       })
             .ok()) {
      std::abort();
    }
    std::printf("built a log of %zu synthetic events\n", s->leaves.size());
    return s;
  }();
  return *shared;
}

void BM_VerifyLog(benchmark::State& state) {
  SharedLog& shared = Log();
  for (auto _ : state) {
    auto report = CheckIntegrity(*shared.log, std::nullopt);
    if (!report.ok() || !report->findings.empty()) {
      state.SkipWithError("verification failed");
      return;
    }
    benchmark::DoNotOptimize(report->root);
  }
  state.SetItemsProcessed(state.iterations() * shared.leaves.size());
}

// The same hashing as verification, nothing else: SHA-256 of 0x00||leaf for
// every record and of 0x01||left||right for every complete-subtree node.
void BM_RawSha256(benchmark::State& state) {
  SharedLog& shared = Log();
  for (auto _ : state) {
    std::array<uint8_t, 32> last = RawSubtreeHashes(shared.leaves);
    benchmark::DoNotOptimize(last.data());
  }
  state.SetItemsProcessed(state.iterations() * shared.leaves.size());
}

void BM_InclusionProofLog(benchmark::State& state) {
  SharedLog& shared = Log();
  LogNodeReader reader(*shared.log);
  std::mt19937_64 random(1);
  const uint64_t size = shared.log->Size();
  for (auto _ : state) {
    auto proof = merkle::InclusionProof(random() % size, size, reader);
    if (!proof.ok()) state.SkipWithError("proof failed");
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
}

// A tree of synthetic leaf hashes, nodes only, in a plain RocksDB database.
class RawTree : public merkle::NodeReader {
 public:
  explicit RawTree(uint64_t leaves) {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(options, dir_.path(), &raw).ok()) std::abort();
    db_.reset(raw);
    merkle::MemoryNodeStore none;
    std::vector<merkle::Hash> batch;
    rocksdb::WriteOptions fast;
    fast.disableWAL = true;  // a scratch tree: nothing to recover
    for (uint64_t first = 0; first < leaves;) {
      batch.clear();
      for (; first + batch.size() < leaves && batch.size() < 100'000;) {
        batch.push_back(
            merkle::LeafHash(absl::StrCat("leaf ", first + batch.size())));
      }
      auto nodes = merkle::NodesForAppend(first, batch, *this);
      if (!nodes.ok()) std::abort();
      rocksdb::WriteBatch write;
      for (const auto& node : *nodes) {
        std::string value = merkle::EncodeNodeValue(node.hash);
        if (!write.Put(merkle::NodeKey(node.level, node.index), value).ok()) {
          std::abort();
        }
      }
      if (!db_->Write(fast, &write).ok()) std::abort();
      first += batch.size();
    }
    size_ = leaves;
  }
  absl::StatusOr<merkle::Hash> GetNode(int level,
                                       uint64_t index) const override {
    std::string value;
    if (!db_->Get(rocksdb::ReadOptions(), merkle::NodeKey(level, index), &value)
             .ok()) {
      return merkle::MissingNodeError(level, index);
    }
    return merkle::DecodeNodeValue(level, index, value);
  }
  uint64_t size() const { return size_; }

 private:
  ScratchDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
  uint64_t size_ = 0;
};

RawTree& BigTree() {
  static RawTree* tree =
      new RawTree(EnvOr("FUNDLOG_BENCH_TREE_LEAVES", 10'000'000));
  return *tree;
}

void BM_InclusionProofBigTree(benchmark::State& state) {
  RawTree& tree = BigTree();
  std::mt19937_64 random(2);
  for (auto _ : state) {
    auto proof =
        merkle::InclusionProof(random() % tree.size(), tree.size(), tree);
    if (!proof.ok()) state.SkipWithError("proof failed");
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ConsistencyProofBigTree(benchmark::State& state) {
  RawTree& tree = BigTree();
  std::mt19937_64 random(3);
  for (auto _ : state) {
    auto proof = merkle::ConsistencyProof(1 + random() % (tree.size() - 1),
                                          tree.size(), tree);
    if (!proof.ok()) state.SkipWithError("proof failed");
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace
}  // namespace fundlog::bench

int main(int argc, char** argv) {
  using namespace fundlog::bench;
  PrintHeader();
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RegisterBenchmark("verify_log", BM_VerifyLog)
      ->Iterations(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("raw_sha256", BM_RawSha256)
      ->Iterations(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("inclusion_proof_log", BM_InclusionProofLog)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("inclusion_proof_10M", BM_InclusionProofBigTree)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("consistency_proof_10M",
                               BM_ConsistencyProofBigTree)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  reporter.AddRatio("verify_log/iterations:3/real_time",
                    "raw_sha256/iterations:3/real_time");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
