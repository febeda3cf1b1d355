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
#ifndef FUNDLOG_TOOLS_STRESS_STRESS_H_
#define FUNDLOG_TOOLS_STRESS_STRESS_H_

#include <chrono>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"

namespace fundlog::stress {

using Clock = std::chrono::steady_clock;

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

// The message's bytes, serialized deterministically.
std::string Serialize(const google::protobuf::Message& message);

// One stress run (see the top of this file). Main() returns the exit status.
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

}  // namespace fundlog::stress

#endif  // FUNDLOG_TOOLS_STRESS_STRESS_H_
