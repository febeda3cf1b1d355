// Signing checkpoints of a log with its own key, and opening checkpoint
// files with the log's verifier key.
#ifndef FUNDLOG_CORE_AUDIT_CHECKPOINT_SIGNER_H_
#define FUNDLOG_CORE_AUDIT_CHECKPOINT_SIGNER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"
#include "core/store/event_log.h"

namespace fundlog {

// A C2SP signed note of the log's tree of `size` records (≤ Size()), signed
// with DIR/signing.key. The root is remembered first, so the log never signs
// two checkpoints of one size with different roots (kFailedPrecondition).
// kNotFound when the key file is missing; kFailedPrecondition (nothing
// remembered, nothing signed) when DIR/signing.key is not the key whose
// verifier key the log's meta holds; kDataLoss when the tree is broken.
absl::StatusOr<std::string> SignCheckpoint(EventLog& log, uint64_t size);

// The checkpoint the log signed last, again: the newest size whose root the
// log remembers (SignCheckpoint), signed with `key` after checking that the
// key is the log's and that the log's root at that size is still the
// remembered one. Ed25519 signatures are deterministic, so the note is byte
// for byte the one SignCheckpoint returned for that size. Never signs a size
// the log has not remembered, and never writes. kNotFound when no
// checkpoint was ever signed; kFailedPrecondition when the key is not the
// log's; kDataLoss when the root at that size no longer matches.
absl::StatusOr<std::string> RepublishCheckpoint(const EventLog& log,
                                                const merkle::SigningKey& key);

// Reads and opens a checkpoint file with `key`. kInvalidArgument naming the
// file when it is malformed or not signed by the key.
absl::StatusOr<merkle::Checkpoint> OpenCheckpointFile(
    const std::string& path, const merkle::VerifierKey& key);

// As OpenCheckpointFile, with the log's own verifier key (from `meta`).
absl::StatusOr<merkle::Checkpoint> OpenLogCheckpoint(const EventLog& log,
                                                     const std::string& path);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_CHECKPOINT_SIGNER_H_
