// A witness's state directory: its own cosigner key, and per log origin the
// log key it follows and the latest checkpoint it cosigned (C2SP
// tlog-witness keeps exactly that much per log).
//
//   W/witness.key                 PRIVATE+KEY+<name>+<id>+<0x04 seed> (0600)
//   W/witness.vkey                <name>+<id>+<base64(0x04 || key)>
//   W/logs/<origin>/log.vkey      the log's verifier key (set on first use)
//   W/logs/<origin>/checkpoint    the latest cosigned checkpoint, as signed
//   W/evidence/*.json             fork and rollback evidence (fork_evidence.h)
//   W/lock                        flock(2): one add-checkpoint at a time
//
// <origin> is the origin with every byte outside [A-Za-z0-9._-] written as
// %XX, so any origin names one directory. Files are written temp + fsync +
// rename (WriteFileDurably).
//
// Thread safety: free functions and a lock object; concurrent processes are
// serialised by WitnessLock.
#ifndef FUNDLOG_CORE_AUDIT_WITNESS_STATE_H_
#define FUNDLOG_CORE_AUDIT_WITNESS_STATE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"

namespace fundlog {

inline constexpr char kWitnessKeyFile[] = "witness.key";
inline constexpr char kWitnessVerifierKeyFile[] = "witness.vkey";

// Creates the witness directory `dir` (its parent must exist; `dir` must not
// exist or be empty) with a fresh cosigner key named `name`, and returns the
// verifier key text. kInvalidArgument for a bad name; kAlreadyExists when
// `dir` already holds a witness or other files; storage errors otherwise.
absl::StatusOr<std::string> InitWitness(const std::string& dir,
                                        const std::string& name);

// Reads W/witness.key. kNotFound when `dir` is no witness directory;
// kFailedPrecondition when the key is readable by others or malformed.
absl::StatusOr<merkle::SigningKey> LoadWitnessKey(const std::string& dir);

// `origin` as a directory name (see the file comment).
std::string OriginDirName(const std::string& origin);

// What the witness holds for one origin.
struct WitnessedLog {
  merkle::VerifierKey log_key;
  std::string log_key_text;
  std::optional<std::string> checkpoint_note;  // absent before the first
  std::optional<merkle::Checkpoint> checkpoint;
};

// The state for `origin`, or nullopt when the witness never saw it.
// kDataLoss when the stored files are malformed or the stored checkpoint no
// longer verifies with the stored key.
absl::StatusOr<std::optional<WitnessedLog>> LoadWitnessedLog(
    const std::string& dir, const std::string& origin);

// Stores `log_key_text` (on first use) and `note` as the latest checkpoint
// of `origin`, durably.
absl::Status StoreWitnessedLog(const std::string& dir,
                               const std::string& origin,
                               const std::string& log_key_text,
                               const std::string& note);

// An exclusive flock(2) on W/lock for the life of the object: the check of
// the old size and the store of the new checkpoint are one step.
class WitnessLock {
 public:
  // Waits for the lock. kNotFound when `dir` is no witness directory.
  static absl::StatusOr<WitnessLock> Acquire(const std::string& dir);
  WitnessLock(WitnessLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  WitnessLock(const WitnessLock&) = delete;
  WitnessLock& operator=(const WitnessLock&) = delete;
  WitnessLock& operator=(WitnessLock&&) = delete;
  ~WitnessLock();

 private:
  explicit WitnessLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_WITNESS_STATE_H_
