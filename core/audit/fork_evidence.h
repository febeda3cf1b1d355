// Evidence a witness keeps when a log shows it a checkpoint it must refuse:
// the checkpoint it had cosigned, the one it was shown, both as the log
// signed them, and the consistency proof it was given. Anyone holding the
// log's verifier key can check the file offline (`fundlog verify-fork`).
//
// JSON: {"kind": "fork" | "rollback" | "failed-proof", "origin", "detail",
//        "witnessed": <signed note>, "presented": <signed note>,
//        "proof": <consistency proof as `consistency --json`> | null}
//
// What proves two signed checkpoints incompatible (CheckForkEvidence):
//   * equal sizes, different roots: the two signatures alone;
//   * sizes m < n: a consistency proof from m to the larger checkpoint that
//     verifies against its root with an old root other than the smaller
//     checkpoint's root. The tree of size n fixes its prefix of size m, so
//     the log has signed two histories.
// A rollback (a smaller checkpoint after a larger one) or a proof that
// verifies against nothing proves no fork by itself: checkpoints carry no
// time, and a broken proof may be the sender's mistake. Those files are kept
// as a record, and CheckForkEvidence says that they prove nothing.
#ifndef FUNDLOG_CORE_AUDIT_FORK_EVIDENCE_H_
#define FUNDLOG_CORE_AUDIT_FORK_EVIDENCE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/audit/proof_json.h"
#include "core/merkle/checkpoint.h"

namespace fundlog {

struct ForkEvidence {
  std::string kind;  // "fork", "rollback" or "failed-proof"
  std::string origin;
  std::string detail;          // the witness's words, for people
  std::string witnessed_note;  // the checkpoint the witness had cosigned
  std::string presented_note;  // the checkpoint it refused
  std::optional<ConsistencyProofDoc> proof;
};

std::string EvidenceToJson(const ForkEvidence& evidence);

// kInvalidArgument naming `name` and the field when malformed.
absl::StatusOr<ForkEvidence> ParseEvidenceJson(absl::string_view name,
                                               absl::string_view text);

struct ForkVerdict {
  bool proven = false;  // two incompatible checkpoints signed by the key
  std::string why;      // one sentence either way
};

// Judges `evidence` with the log's key (see the file comment). Both notes
// must verify with `log_key` and name one origin, else kInvalidArgument
// saying which. The proof's "old_root" is the log's own claim, checked only
// through the proof against the larger signed root.
absl::StatusOr<ForkVerdict> CheckForkEvidence(
    const ForkEvidence& evidence, const merkle::VerifierKey& log_key);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_FORK_EVIDENCE_H_
