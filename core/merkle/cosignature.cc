#include "core/merkle/cosignature.h"

#include <algorithm>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/merkle/ed25519.h"
#include "core/merkle/note_text.h"
#include "core/merkle/string_view_compat.h"

namespace fundlog::merkle {
namespace {

constexpr std::string_view kHeader = "cosignature/v1\n";
constexpr size_t kTimestampBytes = 8;
constexpr size_t kSignatureBytes = 64;

using internal::ToAbsl;

absl::Status Refused(const VerifierKey& key, absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrFormat(
      "cosignature by witness %s+%08x %s", key.name, key.key_id, why));
}

}  // namespace

std::string CosignedMessage(std::string_view body, uint64_t timestamp) {
  return absl::StrCat(ToAbsl(kHeader), "time ", timestamp, "\n", ToAbsl(body));
}

absl::StatusOr<std::string> CosignatureLine(std::string_view body,
                                            const SigningKey& key,
                                            uint64_t timestamp) {
  if (absl::StatusOr<Checkpoint> parsed = ParseCheckpointBody(body);
      !parsed.ok()) {
    return parsed.status();
  }
  if (timestamp > kCosignatureTimeMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("cosignature timestamp ", timestamp, " exceeds 2^63-1"));
  }
  if (!IsValidKeyName(key.name)) {
    return absl::InvalidArgumentError("invalid cosigner key name");
  }
  absl::StatusOr<internal::Ed25519Signature> signature =
      internal::Ed25519Sign(key.private_seed, CosignedMessage(body, timestamp));
  if (!signature.ok()) return signature.status();
  std::string bytes =
      internal::KeyIdBytes(CosignerKeyId(key.name, key.public_key));
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((timestamp >> shift) & 0xFF));
  }
  bytes.append(reinterpret_cast<const char*>(signature->data()),
               signature->size());
  return absl::StrCat("\xE2\x80\x94 ", key.name, " ", absl::Base64Escape(bytes),
                      "\n");
}

absl::StatusOr<uint64_t> VerifyCosignature(std::string_view note_text,
                                           const VerifierKey& cosigner,
                                           uint64_t now) {
  absl::StatusOr<internal::ParsedNote> note = internal::ParseNote(note_text);
  if (!note.ok()) return note.status();
  if (absl::StatusOr<Checkpoint> body = ParseCheckpointBody(note->text);
      !body.ok()) {
    return body.status();
  }
  std::optional<uint64_t> verified;
  for (const internal::NoteSignature& line : note->signatures) {
    if (line.name != cosigner.name || line.key_id != cosigner.key_id) continue;
    if (line.signature.size() != kTimestampBytes + kSignatureBytes) {
      return Refused(cosigner,
                     absl::StrCat("holds ", line.signature.size(),
                                  " bytes after the key id, want 8 (the "
                                  "timestamp) + 64 (the signature): not a "
                                  "cosignature/v1"));
    }
    uint64_t timestamp = 0;
    for (size_t i = 0; i < kTimestampBytes; ++i) {
      timestamp = (timestamp << 8) | static_cast<uint8_t>(line.signature[i]);
    }
    if (timestamp > kCosignatureTimeMax) {
      return Refused(cosigner, absl::StrCat("has timestamp ", timestamp,
                                            ", above 2^63-1"));
    }
    if (timestamp > now && timestamp - now > kCosignatureFutureSlackSeconds) {
      return Refused(cosigner, absl::StrCat("is dated ", timestamp,
                                            ", more than a day "
                                            "after now (",
                                            now, ")"));
    }
    internal::Ed25519Signature signature{};
    std::copy(line.signature.begin() + kTimestampBytes, line.signature.end(),
              signature.begin());
    if (!internal::Ed25519Verify(cosigner.public_key,
                                 CosignedMessage(note->text, timestamp),
                                 signature)) {
      return Refused(cosigner,
                     absl::StrCat("does not verify over this checkpoint at "
                                  "time ",
                                  timestamp));
    }
    verified = std::max(verified.value_or(0), timestamp);
  }
  if (!verified) return Refused(cosigner, "is absent from the note");
  return *verified;
}

}  // namespace fundlog::merkle
