#include "tools/bench/bench_util.h"

#include <openssl/sha.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fundlog::bench {

std::array<uint8_t, 32> RawSubtreeHashes(
    const std::vector<std::string>& leaves) {
  std::vector<std::array<uint8_t, 32>> stack;
  std::string buffer;
  for (uint64_t i = 0; i < leaves.size(); ++i) {
    buffer.assign(1, '\0');
    buffer += leaves[i];
    std::array<uint8_t, 32> hash;
    SHA256(reinterpret_cast<const uint8_t*>(buffer.data()), buffer.size(),
           hash.data());
    stack.push_back(hash);
    for (uint64_t n = i + 1; (n & 1) == 0; n >>= 1) {
      uint8_t node[65];
      node[0] = 1;
      std::copy(stack[stack.size() - 2].begin(), stack[stack.size() - 2].end(),
                node + 1);
      std::copy(stack.back().begin(), stack.back().end(), node + 33);
      stack.pop_back();
      SHA256(node, sizeof(node), stack.back().data());
    }
  }
  return stack.empty() ? std::array<uint8_t, 32>{} : stack.back();
}

ScratchDir::ScratchDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "fundlog-bench-XXXXXX")
          .string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

void Label(v1::Event* event, const std::string& fund_id, uint64_t id) {
  event->set_event_id(absl::StrCat("synthetic-", id));
  event->set_fund_id(fund_id);
  event->set_recorded_on("2024-01-01");
  event->mutable_source()->set_title("SYNTHETIC benchmark data (seeded)");
  event->set_note("synthetic");
}

}  // namespace

v1::Event SyntheticFund(const std::string& fund_id) {
  v1::Event event;
  Label(&event, fund_id, 0);
  event.set_event_id(absl::StrCat("synthetic-fund-", fund_id));
  event.mutable_effective()->set_day("2020-01-01");
  event.mutable_fund_established()->set_name("Synthetic fund");
  return event;
}

v1::EventBatch SyntheticAllocations(const std::string& fund_id,
                                    uint64_t first_id, int count,
                                    uint64_t seed) {
  std::mt19937_64 random(seed ^ first_id);
  v1::EventBatch batch;
  for (int i = 0; i < count; ++i) {
    v1::Event* event = batch.add_events();
    Label(event, fund_id, first_id + i);
    event->mutable_effective()->set_day(
        absl::StrFormat("%04d-%02d-%02d", 2020 + static_cast<int>(random() % 5),
                        1 + static_cast<int>(random() % 12),
                        1 + static_cast<int>(random() % 28)));
    event->mutable_allocation()->set_amount_ore(
        1 + static_cast<int64_t>(random() % 100'000'000));
  }
  return batch;
}

void PrintHeader() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::printf("fundlog benchmarks\nCPU: %s (%ld cores online)\n", model.c_str(),
              sysconf(_SC_NPROCESSORS_ONLN));
#if !defined(__OPTIMIZE__)
  std::printf(
      "WARNING: built without optimisation; timings are not meaningful\n");
#endif
#if !defined(NDEBUG)
  std::printf(
      "WARNING: assertions are enabled; timings are slower than release\n");
#endif
}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    auto it = run.counters.find("items_per_second");
    if (it != run.counters.end()) {
      items_per_second_[run.benchmark_name()] = it->second.value;
    }
  }
  ConsoleReporter::ReportRuns(runs);
}

void RatioReporter::AddRatio(std::string run, std::string floor) {
  ratios_.emplace_back(std::move(run), std::move(floor));
}

void RatioReporter::PrintRatios() const {
  std::printf("\n%-44s %-40s %14s %14s %8s\n", "workload", "floor (same run)",
              "items/s", "floor items/s", "ratio");
  for (const auto& [run, floor] : ratios_) {
    auto a = items_per_second_.find(run);
    auto b = items_per_second_.find(floor);
    if (a == items_per_second_.end() || b == items_per_second_.end()) continue;
    std::printf("%-44s %-40s %14.0f %14.0f %8.3f\n", run.c_str(), floor.c_str(),
                a->second, b->second, a->second / b->second);
  }
}

}  // namespace fundlog::bench
