#include "core/audit/checkpoint_signer.h"

#include "absl/strings/str_cat.h"
#include "core/audit/signing_key.h"
#include "core/io/batch_file.h"
#include "core/store/tree_writer.h"

namespace fundlog {
namespace {

constexpr size_t kNoteFileBytesMax = 1 << 20;

}  // namespace

absl::StatusOr<std::string> SignCheckpoint(EventLog& log, uint64_t size) {
  absl::StatusOr<merkle::SigningKey> key = LoadSigningKey(log.path());
  if (!key.ok()) return key.status();
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
