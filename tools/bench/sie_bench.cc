// SIE import throughput, shaped like db_bench: named workloads on one seeded
// synthetic SIE 4E file (labelled synthetic in its #PROSA and #FNAMN), a
// stats line per workload, and the floor measured in the same run.
//
//   read    the floor: read the file in 1 MiB chunks and SHA-256 it
//   parse   the import's checking pass: tokenize, CP437, #KSUMMA, vouchers
//           into events, every check, nothing written
//   import  what `fundlog import FILE.se` does (core/ingest): the checking
//           pass, then the same again staging batches of 2000 vouchers into
//           one AppendSession, committed to a fresh log; past 32 MiB staged
//           the session spills to table files and commits by ingestion
//   import-batch
//           the same, the session never spilling: the whole import in one
//           WriteBatch, as every import was before the spill
//
// Each workload runs in a child process, so its peak RSS is its own: parse
// stays flat as the file grows (one voucher batch in memory); import-batch
// grows with the file (docs/ingest.md).
// Usage: sie_bench [--mb N ...] [--workload read|parse|import|import-batch
// ...] (default: 10 and 100 MB, read, parse and import).
//        sie_bench --mb N --write FILE   writes the synthetic file of N MB to
//        FILE and stops (to time `fundlog import FILE` itself).
#include <openssl/evp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_import.h"
#include "core/formats/sie/sie_synth.h"
#include "core/ingest/ingest.h"
#include "core/ledger/record_rules.h"
#include "core/store/event_log.h"
#include "tools/bench/bench_util.h"

namespace fundlog::bench {
namespace {

constexpr uint64_t kSeed = 20111103;
// Bytes a synthetic voucher takes, measured: to aim a file at N MB.
constexpr uint64_t kBytesPerVoucher = 150;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

absl::Status ReadFloor(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return absl::NotFoundError(path);
  EVP_MD_CTX* sha = EVP_MD_CTX_new();
  EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
  std::string chunk(1 << 20, '\0');
  size_t got = 0;
  while ((got = std::fread(chunk.data(), 1, chunk.size(), file)) > 0) {
    EVP_DigestUpdate(sha, chunk.data(), got);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(sha, digest, &size);
  EVP_MD_CTX_free(sha);
  std::fclose(file);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Parse(const std::string& path) {
  sie::ImportOptions options;
  options.display_name = path;
  absl::StatusOr<sie::ImportSummary> done =
      sie::ReadSieFile(path, options, nullptr);
  if (!done.ok()) return done.status();
  return done->vouchers;
}

absl::StatusOr<uint64_t> Import(const std::string& path,
                                const std::string& log_dir, bool spill) {
  CreateOptions create{
      .path = log_dir, .origin = "bench", .rules = &fundlog::ledger::Rules()};
  if (!spill) create.session_spill_bytes = SIZE_MAX;
  absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Create(create);
  if (!log.ok()) return log.status();
  absl::StatusOr<ingest::ImportResult> done =
      ingest::ImportFiles(**log, {{path}});
  if (!done.ok()) return done.status();
  return done->sie->vouchers;
}

// Runs one workload in a child and prints its stats line.
void Run(const char* name, const std::string& path, uint64_t bytes,
         const std::string& scratch) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child != 0) {
    int status = 0;
    waitpid(child, &status, 0);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<uint64_t> vouchers = 0;
  if (std::strcmp(name, "read") == 0) {
    absl::Status s = ReadFloor(path);
    if (!s.ok()) vouchers = s;
  } else if (std::strcmp(name, "parse") == 0) {
    vouchers = Parse(path);
  } else {
    vouchers = Import(path, absl::StrCat(scratch, "/log-", name, "-", bytes),
                      /*spill=*/std::strcmp(name, "import-batch") != 0);
  }
  const double seconds = Seconds(start);
  if (!vouchers.ok()) {
    std::printf("%-12s FAILED: %s\n", name,
                std::string(vouchers.status().message()).c_str());
    std::fflush(stdout);
    std::_Exit(1);
  }
  std::printf(
      "%-12s %8.1f MB %8.2f s %8.1f MB/s %10.0f vouchers/s  peak RSS %6ld MB\n",
      name, bytes / 1e6, seconds, bytes / 1e6 / seconds, *vouchers / seconds,
      PeakRssKb() / 1024);
  std::fflush(stdout);
  std::_Exit(0);
}

}  // namespace
}  // namespace fundlog::bench

int main(int argc, char** argv) {
  using namespace fundlog;
  std::vector<uint64_t> sizes_mb;
  std::vector<std::string> workloads;
  std::string write_to;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--write") == 0) write_to = argv[i + 1];
    if (std::strcmp(argv[i], "--mb") == 0)
      sizes_mb.push_back(std::atoll(argv[i + 1]));
    if (std::strcmp(argv[i], "--workload") == 0)
      workloads.push_back(argv[i + 1]);
  }
  if (sizes_mb.empty()) sizes_mb = {10, 100};
  if (workloads.empty()) workloads = {"read", "parse", "import"};
  bench::PrintHeader();
  bench::ScratchDir scratch;
  for (uint64_t mb : sizes_mb) {
    const std::string path =
        write_to.empty()
            ? absl::StrCat(scratch.path(), "/synthetic-", mb, ".se")
            : write_to;
    FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
      std::fprintf(stderr, "sie_bench: cannot write %s\n", path.c_str());
      return 1;
    }
    uint64_t bytes = 0;
    const uint64_t vouchers = mb * 1'000'000 / bench::kBytesPerVoucher;
    const auto start = std::chrono::steady_clock::now();
    sie::GenerateSyntheticSie(
        {bench::kSeed, vouchers, 2020}, [&](absl::string_view piece) {
          std::fwrite(piece.data(), 1, piece.size(), file);
          bytes += piece.size();
        });
    std::fclose(file);
    std::printf(
        "\nsynthetic SIE 4E, seed %llu: %llu vouchers, %.1f MB, generated in "
        "%.1f s\n",
        static_cast<unsigned long long>(bench::kSeed),
        static_cast<unsigned long long>(vouchers), bytes / 1e6,
        bench::Seconds(start));
    if (!write_to.empty()) return 0;
    for (const std::string& workload : workloads) {
      bench::Run(workload.c_str(), path, bytes, scratch.path());
    }
    std::remove(path.c_str());
  }
  return 0;
}
