#include "core/audit/witness.h"

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/audit/fork_evidence.h"
#include "core/audit/witness_state.h"
#include "core/io/durable_file.h"
#include "core/merkle/cosignature.h"

namespace fundlog {
namespace {

namespace fs = std::filesystem;

constexpr size_t kProofLinesMax = 63;

WitnessResult Reject(WitnessOutcome outcome, std::string message,
                     uint64_t witness_size = 0) {
  WitnessResult result;
  result.outcome = outcome;
  result.message = std::move(message);
  result.witness_size = witness_size;
  return result;
}

// Writes the evidence to W/evidence/<now>-<kind>-<old>-<new>[-k].json.
absl::StatusOr<std::string> KeepEvidence(const std::string& dir,
                                         const ForkEvidence& evidence,
                                         uint64_t old_size, uint64_t new_size,
                                         uint64_t now) {
  const fs::path evidence_dir = fs::path(dir) / "evidence";
  std::error_code error;
  fs::create_directories(evidence_dir, error);
  if (error) {
    return absl::InternalError(absl::StrCat(
        "cannot create ", evidence_dir.string(), ": ", error.message()));
  }
  const std::string stem =
      absl::StrCat(now, "-", evidence.kind, "-", old_size, "-", new_size);
  std::string path = (evidence_dir / (stem + ".json")).string();
  for (int k = 2; fs::exists(path, error); ++k) {
    path = (evidence_dir / absl::StrCat(stem, "-", k, ".json")).string();
  }
  if (absl::Status s = WriteFileDurably(path, EvidenceToJson(evidence));
      !s.ok()) {
    return s;
  }
  return path;
}

absl::StatusOr<WitnessResult> Refuse(
    const std::string& dir, WitnessOutcome outcome, const std::string& kind,
    const WitnessedLog& state, const merkle::Checkpoint& presented,
    const WitnessRequest& request, std::string message, uint64_t now) {
  ForkEvidence evidence;
  evidence.kind = kind;
  evidence.origin = presented.origin;
  evidence.detail = message;
  evidence.witnessed_note = *state.checkpoint_note;
  evidence.presented_note = request.checkpoint_note;
  if (request.old_size) {
    ConsistencyProofDoc doc;
    doc.old_size = *request.old_size;
    doc.new_size = presented.size;
    doc.old_root = request.claimed_old_root.value_or(state.checkpoint->root);
    doc.new_root = presented.root;
    doc.proof = request.proof;
    evidence.proof = doc;
  }
  absl::StatusOr<std::string> path =
      KeepEvidence(dir, evidence, state.checkpoint->size, presented.size, now);
  if (!path.ok()) return path.status();
  WitnessResult result =
      Reject(outcome, absl::StrCat(message, "; evidence kept in ", *path),
             state.checkpoint->size);
  result.evidence_path = *path;
  return result;
}

}  // namespace

int HttpStatusOf(WitnessOutcome outcome) {
  switch (outcome) {
    case WitnessOutcome::kCosigned:
      return 200;
    case WitnessOutcome::kUnknownLog:
      return 404;
    case WitnessOutcome::kBadSignature:
      return 403;
    case WitnessOutcome::kBadRequest:
      return 400;
    case WitnessOutcome::kBadProof:
      return 422;
    case WitnessOutcome::kConflict:
    case WitnessOutcome::kFork:
    case WitnessOutcome::kRollback:
      return 409;
  }
  return 500;
}

absl::StatusOr<WitnessResult> AddCheckpoint(
    const std::string& dir, const std::optional<std::string>& log_key_text,
    const WitnessRequest& request, uint64_t now) {
  absl::StatusOr<merkle::SigningKey> witness_key = LoadWitnessKey(dir);
  if (!witness_key.ok()) return witness_key.status();
  // The origin comes from the unverified body: it only picks the state.
  absl::StatusOr<merkle::Checkpoint> unverified = [&] {
    const size_t split = request.checkpoint_note.rfind("\n\n");
    return merkle::ParseCheckpointBody(
        split == std::string::npos
            ? std::string_view(request.checkpoint_note)
            : std::string_view(request.checkpoint_note).substr(0, split + 1));
  }();
  if (!unverified.ok()) {
    return Reject(
        WitnessOutcome::kBadRequest,
        absl::StrCat("not a checkpoint: ", unverified.status().message()));
  }
  absl::StatusOr<WitnessLock> lock = WitnessLock::Acquire(dir);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::optional<WitnessedLog>> loaded =
      LoadWitnessedLog(dir, unverified->origin);
  if (!loaded.ok()) return loaded.status();
  std::optional<WitnessedLog>& state = *loaded;
  std::string key_text;
  if (log_key_text) {
    key_text = *log_key_text;
  } else if (state) {
    key_text = state->log_key_text;
  } else {
    return Reject(WitnessOutcome::kUnknownLog,
                  absl::StrCat("this witness follows no log with origin \"",
                               unverified->origin, "\""));
  }
  absl::StatusOr<merkle::VerifierKey> log_key =
      merkle::ParseVerifierKey(key_text);
  if (!log_key.ok()) {
    return Reject(WitnessOutcome::kBadSignature,
                  absl::StrCat("log key: ", log_key.status().message()));
  }
  if (state && (state->log_key.public_key != log_key->public_key ||
                state->log_key.name != log_key->name)) {
    return Reject(WitnessOutcome::kBadSignature,
                  absl::StrCat("this witness follows origin \"",
                               unverified->origin, "\" under log key ",
                               state->log_key_text, ", not ", key_text));
  }
  absl::StatusOr<merkle::Checkpoint> presented =
      merkle::OpenCheckpoint(request.checkpoint_note, *log_key);
  if (!presented.ok()) {
    const bool malformed =
        presented.status().code() == absl::StatusCode::kInvalidArgument;
    return Reject(
        malformed ? WitnessOutcome::kBadRequest : WitnessOutcome::kBadSignature,
        absl::StrCat("the checkpoint: ", presented.status().message()));
  }
  if (request.old_size && *request.old_size > presented->size) {
    return Reject(
        WitnessOutcome::kBadRequest,
        absl::StrCat("old size ", *request.old_size,
                     " exceeds the checkpoint's size ", presented->size));
  }
  const bool seen = state && state->checkpoint.has_value();
  const uint64_t seen_size = seen ? state->checkpoint->size : 0;
  if (seen) {
    const merkle::Checkpoint& old = *state->checkpoint;
    if (presented->size < old.size) {
      return Refuse(
          dir, WitnessOutcome::kRollback, "rollback", *state, *presented,
          request,
          absl::StrCat("rollback refused: this witness cosigned size ",
                       old.size, " of \"", old.origin, "\"; the log now shows ",
                       presented->size),
          now);
    }
    if (presented->size == old.size && presented->root != old.root) {
      return Refuse(
          dir, WitnessOutcome::kFork, "fork", *state, *presented, request,
          absl::StrCat("fork refused: this witness cosigned size ", old.size,
                       " of \"", old.origin, "\" with root ",
                       merkle::HashToBase64(old.root),
                       "; the log now signs that size with root ",
                       merkle::HashToBase64(presented->root)),
          now);
    }
  }
  // A first checkpoint needs no proof; after it, a larger one does.
  if (request.old_size || (seen && presented->size != seen_size)) {
    const uint64_t old_size = request.old_size.value_or(~uint64_t{0});
    if (old_size != seen_size) {
      return Reject(
          WitnessOutcome::kConflict,
          absl::StrCat(
              "this witness last cosigned size ", seen_size, " of \"",
              presented->origin, "\"",
              request.old_size ? absl::StrCat(", not ", *request.old_size) : "",
              "; give a consistency proof from ", seen_size,
              " (fundlog consistency --from ", seen_size, " --to ",
              presented->size, " --json)"),
          seen_size);
    }
    if (seen) {
      absl::Status consistent =
          merkle::VerifyConsistency(seen_size, presented->size, request.proof,
                                    state->checkpoint->root, presented->root);
      if (!consistent.ok()) {
        const bool proven =
            request.claimed_old_root &&
            *request.claimed_old_root != state->checkpoint->root &&
            merkle::VerifyConsistency(seen_size, presented->size, request.proof,
                                      *request.claimed_old_root,
                                      presented->root)
                .ok();
        return Refuse(
            dir, proven ? WitnessOutcome::kFork : WitnessOutcome::kBadProof,
            proven ? "fork" : "failed-proof", *state, *presented, request,
            absl::StrCat(
                proven ? "fork refused" : "inconsistent checkpoint refused",
                ": the checkpoint of size ", presented->size,
                " does not extend the one of size ", seen_size,
                " this witness cosigned: ", consistent.message()),
            now);
      }
    } else if (!request.proof.empty()) {
      return Reject(WitnessOutcome::kBadProof,
                    "a consistency proof from size 0 must be empty");
    }
  }
  if (absl::Status s = StoreWitnessedLog(dir, presented->origin, key_text,
                                         request.checkpoint_note);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> line =
      merkle::CosignatureLine(presented->body, *witness_key, now);
  if (!line.ok()) return line.status();
  WitnessResult result;
  result.outcome = WitnessOutcome::kCosigned;
  result.cosignature = *line;
  result.witness_size = presented->size;
  result.message = absl::StrCat("cosigned size ", presented->size, " of \"",
                                presented->origin, "\"");
  return result;
}

absl::StatusOr<WitnessRequest> ParseAddCheckpointBody(std::string_view body) {
  WitnessRequest request;
  const size_t blank = body.find("\n\n");
  if (blank == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "the body has no empty line before the checkpoint");
  }
  const std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(body.data(), blank), '\n');
  absl::string_view old_line = lines[0];
  uint64_t old_size = 0;
  if (!absl::ConsumePrefix(&old_line, "old ") || old_line.empty() ||
      (old_line.size() > 1 && old_line[0] == '0') ||
      old_line.find_first_not_of("0123456789") != absl::string_view::npos ||
      !absl::SimpleAtoi(old_line, &old_size)) {
    return absl::InvalidArgumentError(
        "the first line is not \"old <size>\" in decimal");
  }
  request.old_size = old_size;
  if (lines.size() - 1 > kProofLinesMax) {
    return absl::InvalidArgumentError("more than 63 consistency proof lines");
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::StatusOr<merkle::Hash> hash = merkle::HashFromBase64(
        std::string_view(lines[i].data(), lines[i].size()));
    if (!hash.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency proof line ", i, " is not a base64 hash"));
    }
    request.proof.push_back(*hash);
  }
  request.checkpoint_note = std::string(body.substr(blank + 2));
  return request;
}

}  // namespace fundlog
