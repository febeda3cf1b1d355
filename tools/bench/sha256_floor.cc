// The raw SHA-256 floor of `fundlog verify` on an existing log: OpenSSL
// SHA-256 of 0x00||record for every stored record and of 0x01||left||right
// for every complete-subtree node, over bytes already in memory (no I/O, no
// parsing), best of three. Run beside `fundlog verify` on the same log, in
// the same run, for the ratio floor / verify that BENCHMARKS.md reports.
//   sha256_floor DB
#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/store/event_log.h"
#include "tools/bench/bench_util.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sha256_floor DB\n");
    return 2;
  }
  auto log = fundlog::EventLog::Open(fundlog::OpenOptions{argv[1], true});
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", std::string(log.status().message()).c_str());
    return 3;
  }
  std::vector<std::string> leaves;
  uint64_t bytes = 0;
  absl::Status read =
      (*log)->ScanRaw(0, (*log)->Size(), [&](uint64_t, absl::string_view b) {
        leaves.emplace_back(b);
        bytes += b.size();
        return absl::OkStatus();
      });
  if (!read.ok()) return 3;
  double best = 1e30;
  std::array<uint8_t, 32> root{};
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    root = fundlog::bench::RawSubtreeHashes(leaves);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    best = std::min(best, seconds);
  }
  std::printf("records %zu bytes %llu sha256_floor_s %.3f (root byte %02x)\n",
              leaves.size(), static_cast<unsigned long long>(bytes), best,
              root[0]);
  return 0;
}
