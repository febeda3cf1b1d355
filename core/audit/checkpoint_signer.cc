#include "core/audit/checkpoint_signer.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/audit/signing_key.h"
#include "core/io/batch_file.h"
#include "core/store/tree_writer.h"

namespace fundlog {
namespace {

constexpr size_t kNoteFileBytesMax = 1 << 20;

std::string KeyIdText(uint32_t key_id) {
  return absl::StrFormat("%08x", key_id);
}

// The log's key is the one whose verifier key `meta` holds: a checkpoint
// signed by any other key would be refused by every verifier of this log,
// and would vouch for this log under another log's name.
absl::Status CheckKeyIsTheLogs(const EventLog& log,
                               const merkle::SigningKey& key) {
  const std::string path =
      (std::filesystem::path(log.path()) / kSigningKeyFile).string();
  absl::StatusOr<merkle::VerifierKey> expected =
      merkle::ParseVerifierKey(log.Info().verifier_key);
  if (!expected.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the log's verifier key is unreadable (", expected.status().message(),
        "); refusing to sign with ", path));
  }
  const merkle::VerifierKey actual = merkle::VerifierKeyOf(key);
  if (actual.name != expected->name || actual.key_id != expected->key_id ||
      actual.public_key != expected->public_key) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " holds key ", actual.name, "+", KeyIdText(actual.key_id),
        ", but the log's verifier key (in meta) is ", expected->name, "+",
        KeyIdText(expected->key_id),
        ": it is not this log's signing key; refusing to sign (restore the "
        "log's own signing.key)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> SignCheckpoint(EventLog& log, uint64_t size) {
  absl::StatusOr<merkle::SigningKey> key = LoadSigningKey(log.path());
  if (!key.ok()) return key.status();
  if (absl::Status s = CheckKeyIsTheLogs(log, *key); !s.ok()) return s;
  LogNodeReader reader(log);
  absl::StatusOr<merkle::Hash> root = merkle::RootAt(size, reader);
  if (!root.ok()) return root.status();
  absl::StatusOr<std::string> body =
      merkle::CheckpointBody(log.Info().origin, size, *root);
  if (!body.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the log's meta: ", body.status().message()));
  }
  if (absl::Status s =
          log.RememberSignedRoot(size, std::string(root->begin(), root->end()));
      !s.ok()) {
    return s;
  }
  return merkle::SignNote(*body, *key);
}

absl::StatusOr<std::string> RepublishCheckpoint(const EventLog& log,
                                                const merkle::SigningKey& key) {
  if (absl::Status s = CheckKeyIsTheLogs(log, key); !s.ok()) return s;
  absl::StatusOr<std::optional<EventLog::SignedRoot>> latest =
      log.LatestSignedRoot();
  if (!latest.ok()) return latest.status();
  if (!latest->has_value()) {
    return absl::NotFoundError(
        "no checkpoint of this log has been signed yet (run `fundlog "
        "checkpoint`)");
  }
  LogNodeReader reader(log);
  absl::StatusOr<merkle::Hash> root = merkle::RootAt((*latest)->size, reader);
  if (!root.ok()) return root.status();
  if (std::string(root->begin(), root->end()) != (*latest)->root) {
    return absl::DataLossError(absl::StrCat(
        "the log's root at size ", (*latest)->size,
        " is not the root signed for that size; refusing to sign it"));
  }
  absl::StatusOr<std::string> body =
      merkle::CheckpointBody(log.Info().origin, (*latest)->size, *root);
  if (!body.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the log's meta: ", body.status().message()));
  }
  return merkle::SignNote(*body, key);
}

absl::StatusOr<merkle::Checkpoint> OpenCheckpointFile(
    const std::string& path, const merkle::VerifierKey& key) {
  absl::StatusOr<std::string> text = ReadFileBytes(path, kNoteFileBytesMax);
  if (!text.ok()) return text.status();
  absl::StatusOr<merkle::Checkpoint> checkpoint =
      merkle::OpenCheckpoint(*text, key);
  if (!checkpoint.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", checkpoint.status().message()));
  }
  return checkpoint;
}

absl::StatusOr<merkle::Checkpoint> OpenLogCheckpoint(const EventLog& log,
                                                     const std::string& path) {
  absl::StatusOr<merkle::VerifierKey> key =
      merkle::ParseVerifierKey(log.Info().verifier_key);
  if (!key.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the log's verifier key is unreadable: ", key.status().message()));
  }
  return OpenCheckpointFile(path, *key);
}

}  // namespace fundlog
