// Append throughput: EventLog::Append (validation, index entries, Merkle
// nodes, synced WriteBatch) against raw RocksDB synced WriteBatches of the
// same record bytes, measured in the same run, for batches of 1, 100 and
// 10 000 events.
#include <memory>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "tools/bench/bench_util.h"

namespace fundlog::bench {
namespace {

constexpr uint64_t kSeed = 20111103;

// Serialised StoredRecords of a synthetic batch: the bytes fundlog writes.
std::vector<std::string> RecordBytes(const v1::EventBatch& batch,
                                     uint64_t first_seq) {
  std::vector<std::string> out;
  v1::StoredRecord record;
  for (int i = 0; i < batch.events_size(); ++i) {
    record.set_seq(first_seq + i);
    record.set_appended_at_micros(1'700'000'000'000'000 + first_seq + i);
    *record.mutable_event() = batch.events(i);
    out.push_back(record.SerializeAsString());
  }
  return out;
}

std::string BigEndian(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<char>(value);
  return out;
}

void BM_RawRocksDbSyncedWrite(benchmark::State& state) {
  const int batch_size = static_cast<int>(state.range(0));
  ScratchDir dir;
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.path(), &raw).ok()) {
    state.SkipWithError("cannot open RocksDB");
    return;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  uint64_t seq = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::string> bytes =
        RecordBytes(SyntheticAllocations("f", seq, batch_size, kSeed), seq);
    state.ResumeTiming();
    rocksdb::WriteBatch batch;
    for (const std::string& record : bytes) {
      if (!batch.Put(BigEndian(seq++), record).ok()) std::abort();
    }
    if (!db->Write(sync, &batch).ok()) {
      state.SkipWithError("write failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(seq));
}

void BM_EventLogAppend(benchmark::State& state) {
  const int batch_size = static_cast<int>(state.range(0));
  ScratchDir dir;
  auto log =
      EventLog::Create(CreateOptions{.path = absl::StrCat(dir.path(), "/log"),
                                     .origin = "bench",
                                     .rules = &fundlog::ledger::Rules()});
  if (!log.ok()) {
    state.SkipWithError("cannot create log");
    return;
  }
  v1::EventBatch first;
  *first.add_events() = SyntheticFund("f");
  if (!(*log)->Append(first, 0).ok()) std::abort();
  uint64_t next_id = 1;
  int64_t appended = 0;
  for (auto _ : state) {
    state.PauseTiming();
    v1::EventBatch batch =
        SyntheticAllocations("f", next_id, batch_size, kSeed);
    next_id += batch_size;
    state.ResumeTiming();
    if (auto result = (*log)->Append(batch, std::nullopt); !result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    appended += batch_size;
  }
  state.SetItemsProcessed(appended);
}

// Batch sizes and fixed iteration counts, so that the run takes seconds, not
// minutes, on a two-core machine with synced writes. Synced writes wait on
// the disk, so rates are per wall-clock second.
constexpr std::pair<int, int> kWorkloads[] = {
    {1, 300}, {100, 100}, {10000, 10}};

void Register(RatioReporter& reporter) {
  for (auto [batch, iterations] : kWorkloads) {
    auto* raw = benchmark::RegisterBenchmark("raw_rocksdb_synced_write",
                                             BM_RawRocksDbSyncedWrite);
    auto* log =
        benchmark::RegisterBenchmark("eventlog_append", BM_EventLogAppend);
    for (auto* bench : {raw, log}) {
      bench->Arg(batch)
          ->Iterations(iterations)
          ->UseRealTime()
          ->Unit(benchmark::kMicrosecond);
    }
    const std::string suffix =
        absl::StrCat("/", batch, "/iterations:", iterations, "/real_time");
    reporter.AddRatio(absl::StrCat("eventlog_append", suffix),
                      absl::StrCat("raw_rocksdb_synced_write", suffix));
  }
}

// --census: where an append's keys go. Appends `batches` batches of `batch`
// synthetic allocations to a fresh log, closes it, and counts the keys and
// bytes (key + value) of each column family against the records' own.
int Census(int batch, int batches) {
  ScratchDir dir;
  const std::string path = absl::StrCat(dir.path(), "/log");
  {
    auto log = EventLog::Create(CreateOptions{
        .path = path, .origin = "b", .rules = &fundlog::ledger::Rules()});
    if (!log.ok()) return 1;
    v1::EventBatch first;
    *first.add_events() = SyntheticFund("f");
    if (!(*log)->Append(first, 0).ok()) return 1;
    for (int i = 0; i < batches; ++i) {
      if (!(*log)
               ->Append(SyntheticAllocations("f", 1 + i * batch, batch, kSeed),
                        std::nullopt)
               .ok()) {
        return 1;
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (absl::string_view name : kFamilyNames) {
    descriptors.emplace_back(std::string(name), rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, descriptors,
                                    &handles, &raw)
           .ok()) {
    return 1;
  }
  const double events = 1.0 + static_cast<double>(batch) * batches;
  std::printf("key census: %.0f events appended in batches of %d\n", events,
              batch);
  std::printf("%-10s %10s %12s %14s %14s\n", "family", "keys", "bytes",
              "keys/event", "bytes/event");
  for (size_t i = 0; i < handles.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(
        raw->NewIterator(rocksdb::ReadOptions(), handles[i]));
    uint64_t keys = 0, bytes = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++keys;
      bytes += it->key().size() + it->value().size();
    }
    std::printf("%-10s %10llu %12llu %14.2f %14.1f\n",
                std::string(kFamilyNames[i]).c_str(),
                static_cast<unsigned long long>(keys),
                static_cast<unsigned long long>(bytes), keys / events,
                bytes / events);
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    if (!raw->DestroyColumnFamilyHandle(h).ok()) return 1;
  }
  delete raw;
  return 0;
}

}  // namespace
}  // namespace fundlog::bench

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--census") {
    return fundlog::bench::Census(100, 100);
  }
  fundlog::bench::PrintHeader();
  benchmark::Initialize(&argc, argv);
  fundlog::bench::RatioReporter reporter;
  fundlog::bench::Register(reporter);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
