// A witness cosigning a log's checkpoints (C2SP tlog-witness, with the state
// of witness_state.h): it cosigns a checkpoint only when the checkpoint is
// signed by the log's key and extends the latest one it cosigned for that
// origin, and keeps evidence (fork_evidence.h) of what it refuses.
//
// Thread safety: AddCheckpoint holds the directory's WitnessLock while it
// checks and stores, so concurrent calls (threads or processes) are safe.
#ifndef FUNDLOG_CORE_AUDIT_WITNESS_H_
#define FUNDLOG_CORE_AUDIT_WITNESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/merkle.h"

namespace fundlog {

// One add-checkpoint request, as the tlog-witness body or the CLI gives it.
struct WitnessRequest {
  std::string checkpoint_note;  // the log's signed note (more lines allowed)
  // The size the sender believes the witness is at ("old <size>"), and the
  // consistency proof from it; nullopt when no proof was given (the CLI's
  // first checkpoint, or a resubmission of the same size).
  std::optional<uint64_t> old_size;
  std::vector<merkle::Hash> proof;
  // The log's own root at old_size (the CLI's `consistency --json` carries
  // it); lets the witness prove a fork of two different sizes.
  std::optional<merkle::Hash> claimed_old_root;
};

// The outcomes, with the tlog-witness HTTP status each maps to.
enum class WitnessOutcome {
  kCosigned,      // 200: `cosignature` holds the line
  kUnknownLog,    // 404: no key given and the origin is unknown
  kBadSignature,  // 403: not signed by the log key (or another log's key)
  kBadRequest,    // 400: malformed body or note, old size > checkpoint size
  kConflict,      // 409: old size is not the witness's size
  kBadProof,      // 422: the consistency proof does not verify
  kFork,          // 409: same size other root, or a proven fork
  kRollback,      // 409: smaller than what the witness cosigned
};

// The HTTP status of an outcome (tlog-witness).
int HttpStatusOf(WitnessOutcome outcome);

struct WitnessResult {
  WitnessOutcome outcome = WitnessOutcome::kBadRequest;
  std::string message;        // for people: what happened and what to do
  uint64_t witness_size = 0;  // the latest size cosigned for the origin
  std::string cosignature;    // kCosigned: one note signature line
  std::string evidence_path;  // kFork, kRollback, kBadProof: the file kept
};

// Handles one request at time `now` (POSIX seconds) in witness dir `dir`.
// `log_key_text`: the log's verifier key; on the origin's first checkpoint it
// is recorded, later it must be the recorded one. When nullopt, the recorded
// key is used (kUnknownLog if none). Rejections are WitnessResults, not
// errors; the status is an error only for storage trouble (kDataLoss when
// the witness's own state is damaged).
absl::StatusOr<WitnessResult> AddCheckpoint(
    const std::string& dir, const std::optional<std::string>& log_key_text,
    const WitnessRequest& request, uint64_t now);

// Parses a tlog-witness add-checkpoint body ("old N\n", proof lines, "\n",
// checkpoint note). kInvalidArgument saying what is wrong.
absl::StatusOr<WitnessRequest> ParseAddCheckpointBody(std::string_view body);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_WITNESS_H_
