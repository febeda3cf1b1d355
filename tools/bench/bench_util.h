// Shared pieces of the benchmarks: temporary directories, synthetic events,
// a reporter that prints each workload's ratio against its floor.
#ifndef FUNDLOG_TOOLS_BENCH_BENCH_UTIL_H_
#define FUNDLOG_TOOLS_BENCH_BENCH_UTIL_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::bench {

// A fresh directory under $TMPDIR, removed on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The hashing `fundlog verify` does and nothing else, the floor it is
// measured against: SHA-256 of 0x00||leaf for every leaf and of
// 0x01||left||right for every complete-subtree node, over bytes already in
// memory. Returns the last hash computed (so the work is not optimized
// away); zeros for no leaves.
std::array<uint8_t, 32> RawSubtreeHashes(
    const std::vector<std::string>& leaves);

// The fund_established event synthetic batches build on.
v1::Event SyntheticFund(const std::string& fund_id);

// `count` synthetic allocations (seeded, labelled synthetic in the source),
// with event ids starting at `first_id`.
v1::EventBatch SyntheticAllocations(const std::string& fund_id,
                                    uint64_t first_id, int count,
                                    uint64_t seed);

// Prints the machine and a warning when built without optimisation or with
// assertions on (as db_bench does).
void PrintHeader();

// Console output plus, at the end, "ratio" lines: for every pair of runs
// registered with AddRatio, items/s of `run` divided by items/s of `floor`.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  void AddRatio(std::string run, std::string floor);
  void PrintRatios() const;

 private:
  std::map<std::string, double> items_per_second_;
  std::vector<std::pair<std::string, std::string>> ratios_;
};

}  // namespace fundlog::bench

#endif  // FUNDLOG_TOOLS_BENCH_BENCH_UTIL_H_
