// fundlog_stress: a thousand crashes, with readers in the storm.
//
//   fundlog_stress --fundlog PATH --dir WORKDIR [--kills N] [--seed S]
//                  [--readers R] [--kill-max-ms M] [--replace]
//
// --replace: remove WORKDIR first when an earlier fundlog_stress made it.
// Creates a log in WORKDIR/log (WORKDIR must not exist), then, N times: runs
// the real `fundlog` binary as a writer doing a seeded mix of operations
// (`import` of a small batch file, `append` of one event, `correct --reverse`
// of an earlier allocation, `seal`), one after another, and kills the one
// running at a seeded moment with SIGKILL. After each kill it reopens the log
// read-only and checks that
//   - every record acknowledged before the kill (the command exited 0) is
//     there, its event byte for byte as sent (imports and appends) or of the
//     kind asked for (corrections and seals);
//   - the killed command's records are wholly there or wholly absent (it may
//     have committed before the kill), and nothing else was added;
//   - every record seen at an earlier check is still stored byte for byte;
//   - `fundlog verify --json` exits 0 with "ok":true.
// Meanwhile R reader threads run `verify --json`, `balance`, `timeline` and
// `prove` as processes beside the writer the whole time (readers.h).
// Prints the seed first and a summary line last; exits 0 only when nothing
// went wrong. The kill moments and the operations follow from the seed; the
// timing of the processes themselves still varies.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/store/event_log.h"
#include "fundlog/v1/events.pb.h"
#include "google/protobuf/text_format.h"
#include "tools/stress/process.h"
#include "tools/stress/readers.h"

namespace fundlog::stress {
namespace {

using Clock = std::chrono::steady_clock;

// Whether some process holds DIR/files.lock exclusively now (a writer
// changing the set of files): a shared lock cannot be had at once.
bool FilesLockHeldExclusively(const std::string& dir) {
  const int fd = ::open((dir + "/files.lock").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

struct Flags {
  std::string fundlog;
  std::string dir;
  long kills = 100;
  uint64_t seed = 0;
  bool seed_given = false;
  bool replace = false;  // remove DIR first if an earlier run made it
  int readers = 2;
  int kill_max_ms = 250;
};

// What the log must hold at one seq.
struct Expected {
  enum Kind { kEvent, kCorrection, kSeal } kind = kEvent;
  std::string event_bytes;   // kEvent: the event as sent, serialized
  bool acknowledged = true;  // false: committed by a killed command
  std::string stored;        // the stored bytes first seen at a check
};

// One writer command and the records it appends when it succeeds.
struct Operation {
  std::vector<std::string> argv;
  std::vector<Expected> records;
  int64_t corrects = -1;  // the seq a correction reverses
};

std::string Serialize(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

constexpr char kSetup[] = R"pb(
  events {
    event_id: "est"
    fund_id: "f"
    effective { day: "2021-01-01" }
    recorded_on: "2021-01-01"
    source { title: "SYNTHETIC stress test" }
    fund_established { name: "Stress fund" }
  }
  events {
    event_id: "acc"
    fund_id: "f"
    effective { day: "2021-01-01" }
    recorded_on: "2021-01-01"
    source { title: "SYNTHETIC stress test" }
    accounts_defined {
      accounts { id: "fund" name: "Fund" type: EQUITY }
      accounts { id: "equity" name: "Equity" type: EQUITY }
    }
  }
  events {
    event_id: "pol"
    fund_id: "f"
    effective { day: "2021-01-01" }
    recorded_on: "2021-01-01"
    source { title: "SYNTHETIC stress test" }
    policy_defined {
      policy_id: "p"
      rules {
        payload_kind: "allocation"
        debit_account: "equity"
        credit_account: "fund"
      }
    }
  }
  events {
    event_id: "applies"
    fund_id: "f"
    effective { day: "2021-01-01" }
    recorded_on: "2021-01-01"
    source { title: "SYNTHETIC stress test" }
    policy_changed { policy_id: "p" }
  }
)pb";

class Stress {
 public:
  explicit Stress(Flags flags)
      : flags_(std::move(flags)),
        log_(flags_.dir + "/log"),
        random_(flags_.seed) {}

  int Main();

 private:
  std::string Scratch(const std::string& name) const {
    return absl::StrCat(flags_.dir, "/", name);
  }
  bool Setup();
  Operation NextOperation();
  bool WriteBatch(const std::string& path, const std::string& text,
                  Operation* op);
  void Round();
  void Check(const Operation* killed);
  void Problem(const std::string& what);

  const Flags flags_;
  const std::string log_;
  std::mt19937_64 random_;
  std::vector<Expected> model_;     // index: seq
  std::set<uint64_t> correctable_;  // allocations not yet corrected
  long op_number_ = 0;
  long kills_ = 0;
  long kills_holding_lock_ = 0;  // the writer held files.lock exclusively
  long acked_records_ = 0;       // records of commands that exited 0
  long unacked_present_ = 0;     // killed commands found committed
  long unacked_absent_ = 0;      // killed commands found absent
  long writer_failures_ = 0;     // a writer that exited non-zero on its own
  long problems_ = 0;
  long checks_ = 0;
  std::string first_problem_;
};

void Stress::Problem(const std::string& what) {
  ++problems_;
  if (first_problem_.empty()) first_problem_ = what;
  std::cerr << "fundlog_stress: PROBLEM: " << what << "\n";
}

bool Stress::WriteBatch(const std::string& path, const std::string& text,
                        Operation* op) {
  v1::EventBatch batch;
  if (!google::protobuf::TextFormat::ParseFromString(text, &batch)) {
    Problem("cannot parse a generated batch: " + text);
    return false;
  }
  for (const v1::Event& event : batch.events()) {
    op->records.push_back(
        {.kind = Expected::kEvent, .event_bytes = Serialize(event)});
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

Operation Stress::NextOperation() {
  const long n = op_number_++;
  const int pick = std::uniform_int_distribution<int>(0, 99)(random_);
  Operation op;
  if (pick < 10 && !correctable_.empty()) {
    auto it = correctable_.begin();
    std::advance(it, std::uniform_int_distribution<size_t>(
                         0, correctable_.size() - 1)(random_));
    op.corrects = static_cast<int64_t>(*it);
    op.argv = {flags_.fundlog,
               "--db",
               log_,
               "correct",
               std::to_string(*it),
               "--reason",
               absl::StrCat("SYNTHETIC stress correction ", n),
               "--reverse"};
    op.records.push_back({.kind = Expected::kCorrection});
    return op;
  }
  if (pick < 15) {
    const int month = std::uniform_int_distribution<int>(1, 12)(random_);
    op.argv = {flags_.fundlog,
               "--db",
               log_,
               "seal",
               "--as-of",
               absl::StrCat("2021-", month < 10 ? "0" : "", month, "-28")};
    op.records.push_back({.kind = Expected::kSeal});
    return op;
  }
  const bool single = pick < 55;
  const int count =
      single ? 1 : std::uniform_int_distribution<int>(2, 12)(random_);
  std::string text;
  for (int i = 0; i < count; ++i) {
    const int day = std::uniform_int_distribution<int>(1, 28)(random_);
    const int month = std::uniform_int_distribution<int>(1, 12)(random_);
    const std::string date = absl::StrCat("2021-", month < 10 ? "0" : "", month,
                                          "-", day < 10 ? "0" : "", day);
    absl::StrAppend(
        &text, "events { event_id: \"s", n, "-", i,
        "\" fund_id: \"f\" effective { day: \"", date, "\" } recorded_on: \"",
        date, "\" source { title: \"SYNTHETIC stress test\" } ",
        "allocation { amount_ore: ",
        std::uniform_int_distribution<int>(1, 1'000'000)(random_), " } }\n");
  }
  const std::string path = Scratch(absl::StrCat("batch-", n, ".textpb"));
  WriteBatch(path, text, &op);
  op.argv = single ? std::vector<std::string>{flags_.fundlog, "--db",   log_,
                                              "append",       "--file", path}
                   : std::vector<std::string>{flags_.fundlog, "--db", log_,
                                              "import", path};
  return op;
}

bool Stress::Setup() {
  std::error_code error;
  const std::string marker = Scratch(".fundlog_stress");
  if (flags_.replace && std::filesystem::exists(marker)) {
    std::filesystem::remove_all(flags_.dir, error);
  }
  if (!std::filesystem::create_directories(flags_.dir, error)) {
    std::cerr << "fundlog_stress: " << flags_.dir
              << " exists or cannot be made; give a new directory\n";
    return false;
  }
  std::ofstream(marker) << "made by fundlog_stress; --replace removes it\n";
  const Ending init =
      Run({flags_.fundlog, "--db", log_, "init", "--origin",
           "stress.invalid/synthetic"},
          Scratch("init.out"), Scratch("init.err"), std::chrono::seconds(120));
  Operation setup;
  const std::string path = Scratch("setup.textpb");
  if (init.exit_code != 0 || !WriteBatch(path, kSetup, &setup)) {
    std::cerr << "fundlog_stress: init failed: " << Slurp(Scratch("init.err"))
              << "\n";
    return false;
  }
  const Ending imported =
      Run({flags_.fundlog, "--db", log_, "import", path}, Scratch("setup.out"),
          Scratch("setup.err"), std::chrono::seconds(120));
  if (imported.exit_code != 0) {
    std::cerr << "fundlog_stress: setup import failed: "
              << Slurp(Scratch("setup.err")) << "\n";
    return false;
  }
  for (Expected& record : setup.records) model_.push_back(std::move(record));
  return true;
}

void Stress::Round() {
  const auto deadline =
      Clock::now() +
      std::chrono::microseconds(std::uniform_int_distribution<int>(
          1000, flags_.kill_max_ms * 1000)(random_));
  for (;;) {
    Operation op = NextOperation();
    bool lock_held = false;
    const Ending ending =
        WaitUntil(Start(op.argv, Scratch("writer.out"), Scratch("writer.err")),
                  std::max(deadline, Clock::now()),
                  [&] { lock_held = FilesLockHeldExclusively(log_); });
    if (ending.killed) {
      ++kills_;
      if (lock_held) {
        ++kills_holding_lock_;
        // flock dies with its process: the lock must be free again now.
        if (FilesLockHeldExclusively(log_)) {
          Problem(absl::StrCat("after kill ", kills_,
                               ": files.lock still held by the dead writer"));
        }
      }
      Check(&op);
      return;
    }
    if (ending.exit_code != 0) {
      ++writer_failures_;
      Problem(absl::StrCat(op.argv[3], " exited ", ending.exit_code,
                           " (signal ", ending.signal,
                           ") on its own: ", Slurp(Scratch("writer.err"))));
      continue;
    }
    acked_records_ += static_cast<long>(op.records.size());
    if (op.corrects >= 0) correctable_.erase(op.corrects);
    for (Expected& record : op.records) {
      if (record.kind == Expected::kEvent && op.argv[3] != "correct") {
        correctable_.insert(model_.size());
      }
      model_.push_back(std::move(record));
    }
  }
}

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

bool ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc && flag != "--replace") return false;
    if (flag == "--replace") {
      flags->replace = true;
      continue;
    }
    const std::string value = argv[++i];
    if (flag == "--fundlog") {
      flags->fundlog = value;
    } else if (flag == "--dir") {
      flags->dir = value;
    } else if (flag == "--kills") {
      if (!absl::SimpleAtoi(value, &flags->kills) || flags->kills < 1) {
        return false;
      }
    } else if (flag == "--seed") {
      if (!absl::SimpleAtoi(value, &flags->seed)) return false;
      flags->seed_given = true;
    } else if (flag == "--readers") {
      if (!absl::SimpleAtoi(value, &flags->readers) || flags->readers < 0) {
        return false;
      }
    } else if (flag == "--kill-max-ms") {
      if (!absl::SimpleAtoi(value, &flags->kill_max_ms) ||
          flags->kill_max_ms < 2) {
        return false;
      }
    } else {
      return false;
    }
  }
  return !flags->fundlog.empty() && !flags->dir.empty();
}

}  // namespace
}  // namespace fundlog::stress

int main(int argc, char** argv) {
  fundlog::stress::Flags flags;
  if (!fundlog::stress::ParseFlags(argc, argv, &flags)) {
    std::cerr << "usage: fundlog_stress --fundlog PATH --dir NEWDIR "
                 "[--kills N] [--seed S] [--readers R] [--kill-max-ms M] "
                 "[--replace]\n";
    return 2;
  }
  if (!flags.seed_given) flags.seed = std::random_device{}();
  return fundlog::stress::Stress(std::move(flags)).Main();
}
