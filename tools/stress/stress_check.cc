// The checks of fundlog_stress after each kill, and the run as a whole
// (stress.h).
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/store/event_log.h"
#include "fundlog/v1/events.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "tools/stress/process.h"
#include "tools/stress/readers.h"
#include "tools/stress/stress.h"

namespace fundlog::stress {

void Stress::Check(const Operation* killed) {
  ++checks_;
  const std::string at = absl::StrCat("after kill ", kills_, ": ");
  {
    absl::StatusOr<std::unique_ptr<EventLog>> log =
        EventLog::Open(OpenOptions{.path = log_, .read_only = true});
    if (!log.ok()) {
      Problem(absl::StrCat(at, "reopen: ", log.status().ToString()));
      return;
    }
    absl::StatusOr<LogView> view = (*log)->NewView();
    if (!view.ok()) {
      Problem(absl::StrCat(at, "view: ", view.status().ToString()));
      return;
    }
    const uint64_t size = view->Size();
    const uint64_t acked = model_.size();
    if (size == acked + killed->records.size() && !killed->records.empty()) {
      ++unacked_present_;
      for (const Expected& record : killed->records) {
        model_.push_back(record);
        model_.back().acknowledged = false;
      }
      if (killed->corrects >= 0) correctable_.erase(killed->corrects);
    } else if (size == acked) {
      ++unacked_absent_;
    } else {
      Problem(absl::StrCat(at, "the log holds ", size, " records; ", acked,
                           " were acknowledged and the killed ",
                           killed->argv[3], " would add ",
                           killed->records.size(),
                           size < acked ? ": acknowledged records lost"
                                        : ": a batch is half there"));
      return;
    }
    absl::Status scanned = view->ScanRaw(
        0, size, [&](uint64_t seq, absl::string_view raw) -> absl::Status {
          Expected& expected = model_[seq];
          if (!expected.stored.empty()) {
            if (raw != expected.stored) {
              Problem(absl::StrCat(at, "record ", seq, " changed its bytes"));
            }
            return absl::OkStatus();
          }
          expected.stored = std::string(raw);
          v1::StoredRecord record;
          if (!record.ParseFromString(expected.stored)) {
            Problem(absl::StrCat(at, "record ", seq, " does not parse"));
            return absl::OkStatus();
          }
          const bool ok =
              expected.kind == Expected::kEvent
                  ? Serialize(record.event()) == expected.event_bytes
              : expected.kind == Expected::kCorrection
                  ? record.event().has_correction()
                  : record.event().has_statement_sealed();
          if (!ok) {
            Problem(absl::StrCat(
                at, "record ", seq,
                expected.acknowledged ? " (acknowledged)" : " (unacknowledged)",
                " is not what was sent: ",
                record.ShortDebugString().substr(0, 300)));
          }
          return absl::OkStatus();
        });
    if (!scanned.ok()) {
      Problem(absl::StrCat(at, "scan: ", scanned.ToString()));
    }
  }
  const Ending verify = Run({flags_.fundlog, "--db", log_, "verify", "--json"},
                            Scratch("verify.out"), Scratch("verify.err"),
                            std::chrono::seconds(300));
  const std::string out = Slurp(Scratch("verify.out"));
  if (verify.exit_code != 0 || out.find("\"ok\":true") == std::string::npos) {
    Problem(absl::StrCat(at, "verify exited ", verify.exit_code, ": ",
                         Slurp(Scratch("verify.err")).substr(0, 400),
                         out.substr(0, 600)));
  }
}

int Stress::Main() {
  std::cout << "fundlog_stress: seed " << flags_.seed << ", " << flags_.kills
            << " kills, " << flags_.readers << " readers, log " << log_
            << std::endl;
  if (!Setup()) return 3;
  const auto started = Clock::now();
  Readers readers(flags_.fundlog, log_, flags_.dir, flags_.readers);
  while (kills_ < flags_.kills) {
    Round();
    if (kills_ % 100 == 0) {
      std::cout << "fundlog_stress: " << kills_ << " kills, " << model_.size()
                << " records, " << readers.tally().runs.load()
                << " reader runs, " << problems_ << " problems" << std::endl;
    }
  }
  readers.Stop();
  ReaderTally& tally = readers.tally();
  const long seconds =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started)
          .count();
  std::cout << "fundlog_stress: seed " << flags_.seed << ": " << kills_
            << " kills (" << kills_holding_lock_
            << " while the writer held files.lock exclusively), "
            << acked_records_ << " acknowledged appends checked ("
            << model_.size()
            << " records in the log; killed commands found committed "
            << unacked_present_ << ", absent " << unacked_absent_ << "), "
            << checks_ << " verify runs after kills, " << tally.runs.load()
            << " reader runs, " << tally.false_findings.load()
            << " false findings, " << tally.failed_reads.load()
            << " failed reads, " << problems_ << " writer-side problems ("
            << writer_failures_ << " writer failures), " << seconds << " s"
            << std::endl;
  if (!first_problem_.empty()) {
    std::cout << "first writer-side problem: " << first_problem_ << "\n";
  }
  if (!tally.first_problem.empty()) {
    std::cout << "first reader problem: " << tally.first_problem << "\n";
  }
  const bool clean = problems_ == 0 && tally.false_findings.load() == 0 &&
                     tally.failed_reads.load() == 0;
  return clean ? 0 : 1;
}

}  // namespace fundlog::stress
