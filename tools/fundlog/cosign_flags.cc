#include "tools/fundlog/cosign_flags.h"

#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/audit/witness.h"
#include "core/audit/witness_state.h"
#include "core/merkle/cosignature.h"
#include "core/serve/witness_client.h"
#include "core/store/tree_writer.h"

namespace fundlog::cli {

absl::StatusOr<std::string> CosignWithWitnesses(
    EventLog& log, const std::string& note, uint64_t size,
    const std::vector<std::string>& dirs) {
  std::string cosigned = note;
  LogNodeReader reader(log);
  for (const std::string& dir : dirs) {
    if (absl::StartsWith(dir, "http://") || absl::StartsWith(dir, "https://")) {
      absl::StatusOr<std::string> lines = serve::RequestCosignature(
          dir, note, size,
          [&reader, size](
              uint64_t old_size) -> absl::StatusOr<std::vector<merkle::Hash>> {
            return merkle::ConsistencyProof(old_size, size, reader);
          });
      if (!lines.ok()) return lines.status();
      cosigned += *lines;
      continue;
    }
    absl::StatusOr<std::optional<WitnessedLog>> state =
        LoadWitnessedLog(dir, log.Info().origin);
    if (!state.ok()) return state.status();
    WitnessRequest request;
    request.checkpoint_note = note;
    if (*state && (*state)->checkpoint && (*state)->checkpoint->size <= size) {
      const uint64_t old_size = (*state)->checkpoint->size;
      absl::StatusOr<std::vector<merkle::Hash>> proof =
          merkle::ConsistencyProof(old_size, size, reader);
      absl::StatusOr<merkle::Hash> old_root = merkle::RootAt(old_size, reader);
      if (!proof.ok()) return proof.status();
      if (!old_root.ok()) return old_root.status();
      request.old_size = old_size;
      request.proof = *proof;
      request.claimed_old_root = *old_root;
    }
    absl::StatusOr<WitnessResult> result =
        AddCheckpoint(dir, log.Info().verifier_key, request,
                      static_cast<uint64_t>(std::time(nullptr)));
    if (!result.ok()) return result.status();
    if (result->outcome != WitnessOutcome::kCosigned) {
      return absl::AbortedError(absl::StrCat("witness ", dir,
                                             " refused: ", result->message,
                                             "; no checkpoint written"));
    }
    cosigned += result->cosignature;
  }
  // Whatever a witness answered, the note must still be the log's.
  absl::StatusOr<merkle::VerifierKey> key =
      merkle::ParseVerifierKey(log.Info().verifier_key);
  if (!key.ok()) return key.status();
  if (absl::StatusOr<merkle::Checkpoint> opened =
          merkle::OpenCheckpoint(cosigned, *key);
      !opened.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a witness's answer breaks the note: ", opened.status().message(),
        "; no checkpoint written"));
  }
  return cosigned;
}

absl::StatusOr<std::string> CheckWitnessQuorum(
    const std::string& note_text, const std::vector<std::string>& key_texts,
    uint64_t min) {
  const uint64_t now = static_cast<uint64_t>(std::time(nullptr));
  std::string valid;
  std::string refused;
  uint64_t count = 0;
  for (const std::string& text : key_texts) {
    absl::StatusOr<merkle::VerifierKey> key = merkle::ParseCosignerVerifierKey(
        std::string(absl::StripAsciiWhitespace(text)));
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--witness ", text, ": ", key.status().message()));
    }
    absl::StatusOr<uint64_t> time =
        merkle::VerifyCosignature(note_text, *key, now);
    if (!time.ok()) {
      absl::StrAppend(&refused, "\n  ", time.status().message());
      continue;
    }
    ++count;
    absl::StrAppend(
        &valid, "cosigned by ", key->name, " at ",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                         absl::FromUnixSeconds(static_cast<int64_t>(*time)),
                         absl::UTCTimeZone()),
        "\n");
  }
  if (count < min) {
    return absl::InvalidArgumentError(
        absl::StrCat(count, " valid cosignature(s), ", min,
                     " required by --min-witnesses", refused));
  }
  return valid;
}

}  // namespace fundlog::cli
