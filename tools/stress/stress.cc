// The writer side of fundlog_stress: the log's setup, the seeded mix of
// writer commands and the rounds that end in a SIGKILL (stress.h).
#include "tools/stress/stress.h"

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

namespace fundlog::stress {
namespace {

// Whether some process holds DIR/files.lock exclusively now (a writer
// changing the set of files): a shared lock cannot be had at once.
bool FilesLockHeldExclusively(const std::string& dir) {
  const int fd = ::open((dir + "/files.lock").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
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

}  // namespace

std::string Serialize(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

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

}  // namespace fundlog::stress
