// C2SP signed notes (https://c2sp.org/signed-note), as Go's sumdb/note
// writes and reads them.
//
//   note           := text "\n" signature_line+
//   text           := one or more lines, each ending in "\n"
//   signature_line := "— " key_name " " base64(key_id[4] || signature) "\n"
//
// "— " is U+2014 EM DASH then a space. The text is separated from the
// signatures by the LAST blank line, so the text itself may hold blank lines.
// The signed message is the text, including its final newline.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/ed25519.h"
#include "core/merkle/note_text.h"
#include "core/merkle/string_view_compat.h"

namespace fundlog::merkle {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // "— "
constexpr std::string_view kSignatureSeparator = "\n\n";
constexpr size_t kKeyIdBytes = 4;
constexpr size_t kSignatureBytes = 64;

using internal::ToAbsl;
using internal::ToStd;

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("malformed note: ", why));
}

absl::Status CheckText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Malformed("text must be non-empty and end in a newline");
  }
  return internal::CheckNoteCharacters("note text", text);
}

absl::StatusOr<internal::NoteSignature> ParseSignatureLine(
    absl::string_view line) {
  if (!absl::ConsumePrefix(&line, ToAbsl(kSignaturePrefix))) {
    return Malformed("signature line does not start with an em dash");
  }
  const std::vector<absl::string_view> fields =
      absl::StrSplit(line, absl::MaxSplits(' ', 1));
  if (fields.size() != 2 || !IsValidKeyName(ToStd(fields[0])) ||
      fields[1].empty()) {
    return Malformed("signature line is not \"— <name> <base64>\"");
  }
  absl::StatusOr<std::string> bytes =
      internal::DecodePaddedBase64("signature", ToStd(fields[1]));
  if (!bytes.ok()) return Malformed(bytes.status().message());
  if (bytes->size() <= kKeyIdBytes) return Malformed("signature too short");
  uint32_t key_id = 0;
  for (size_t i = 0; i < kKeyIdBytes; ++i) {
    key_id = (key_id << 8) | static_cast<uint8_t>((*bytes)[i]);
  }
  return internal::NoteSignature{std::string(fields[0]), key_id,
                                 bytes->substr(kKeyIdBytes)};
}

std::string KeyLabel(const VerifierKey& key) {
  return absl::StrFormat("%s+%08x", key.name, key.key_id);
}

// Verifies one line that names `key`; fails closed on any wrong length.
absl::Status CheckSignature(const internal::NoteSignature& line,
                            std::string_view text, const VerifierKey& key) {
  internal::Ed25519Signature signature{};
  if (line.signature.size() == kSignatureBytes) {
    std::copy(line.signature.begin(), line.signature.end(), signature.begin());
    if (internal::Ed25519Verify(key.public_key, text, signature)) {
      return absl::OkStatus();
    }
  }
  return absl::UnauthenticatedError(
      absl::StrCat("invalid signature for key ", KeyLabel(key)));
}

}  // namespace

absl::StatusOr<std::string> SignNote(std::string_view body,
                                     const SigningKey& key) {
  if (absl::Status s = CheckText(body); !s.ok()) return s;
  if (!IsValidKeyName(key.name)) return Malformed("invalid key name");
  absl::StatusOr<internal::Ed25519Signature> signature =
      internal::Ed25519Sign(key.private_seed, body);
  if (!signature.ok()) return signature.status();
  std::string sig_bytes = internal::KeyIdBytes(KeyId(key.name, key.public_key));
  sig_bytes.append(reinterpret_cast<const char*>(signature->data()),
                   signature->size());
  return absl::StrCat(ToAbsl(body), "\n", ToAbsl(kSignaturePrefix), key.name,
                      " ", absl::Base64Escape(sig_bytes), "\n");
}

namespace internal {

absl::StatusOr<ParsedNote> ParseNote(std::string_view note_text) {
  if (note_text.size() > kNoteBytesMax) return Malformed("note too large");
  if (absl::Status s = CheckNoteCharacters("note", note_text); !s.ok()) {
    return s;
  }
  const size_t split = note_text.rfind(kSignatureSeparator);
  if (split == std::string_view::npos) return Malformed("no blank line");
  ParsedNote note;
  note.text = std::string(note_text.substr(0, split + 1));
  std::string_view signatures = note_text.substr(split + 2);
  if (signatures.empty() || signatures.back() != '\n') {
    return Malformed("signatures must be non-empty and end in a newline");
  }
  signatures.remove_suffix(1);
  const std::vector<absl::string_view> lines =
      absl::StrSplit(ToAbsl(signatures), '\n');
  if (lines.size() > static_cast<size_t>(kNoteSignaturesMax)) {
    return Malformed(
        absl::StrCat("more than ", kNoteSignaturesMax, " signatures"));
  }
  for (absl::string_view line : lines) {
    absl::StatusOr<NoteSignature> signature = ParseSignatureLine(line);
    if (!signature.ok()) return signature.status();
    note.signatures.push_back(*std::move(signature));
  }
  return note;
}

}  // namespace internal

absl::StatusOr<std::string> OpenNote(std::string_view note_text,
                                     const VerifierKey& key) {
  // Parse every line first: one malformed line makes the note malformed no
  // matter whose signatures verify.
  absl::StatusOr<internal::ParsedNote> note = internal::ParseNote(note_text);
  if (!note.ok()) return note.status();
  const std::string& text = note->text;
  const std::vector<internal::NoteSignature>& parsed = note->signatures;
  // Lines by other keys are not ours to judge; every line that claims our
  // key must verify, and at least one must exist.
  bool verified = false;
  for (const internal::NoteSignature& line : parsed) {
    if (line.name != key.name || line.key_id != key.key_id) continue;
    if (absl::Status s = CheckSignature(line, text, key); !s.ok()) return s;
    verified = true;
  }
  if (!verified) {
    return absl::UnauthenticatedError(
        absl::StrCat("note has no signature by key ", KeyLabel(key)));
  }
  return text;
}

}  // namespace fundlog::merkle
