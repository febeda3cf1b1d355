// Signed checkpoints: the log's tree head as a C2SP tlog-checkpoint body in a
// C2SP signed note, signed with Ed25519. Interoperates with Go's
// golang.org/x/mod/sumdb/note (keys, signatures, Open) byte for byte.
//
//   checkpoint body:  <origin>\n<tree size>\n<base64 root>\n[<extension>\n]*
//   signed note:      <body>\n— <key name> <base64(key id || signature)>\n...
//   key id:           first 4 bytes (big-endian) of
//                     SHA-256(<key name> || 0x0A || 0x01 || public key)
//   verifier key:     <name>+<8 hex digit key id>+<base64(0x01 || public key)>
//   signer key:       PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>
//
// Thread safety: free functions without shared state; thread-safe.
#ifndef FUNDLOG_CORE_MERKLE_CHECKPOINT_H_
#define FUNDLOG_CORE_MERKLE_CHECKPOINT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/merkle/merkle.h"

namespace fundlog::merkle {

// The algorithm byte that prefixes Ed25519 keys in key texts (signed-note).
inline constexpr uint8_t kAlgorithmEd25519 = 0x01;
// The type byte of a witness's Ed25519 cosignature/v1 key (tlog-cosignature;
// see cosignature.h).
inline constexpr uint8_t kAlgorithmCosignatureV1 = 0x04;
// Open rejects notes with more signature lines than this, as Go's note does.
inline constexpr int kNoteSignaturesMax = 100;
// Bound on a note or checkpoint we agree to parse (Go's tlog uses 1e6).
inline constexpr size_t kNoteBytesMax = 1'000'000;

// An Ed25519 signing key and its name. The seed is secret: keep it out of
// logs; EncodeSignerKey is the only text form that contains it.
struct SigningKey {
  std::string name;
  std::array<uint8_t, 32> private_seed{};
  std::array<uint8_t, 32> public_key{};
};

// The public half of a SigningKey, as a verifier holds it.
struct VerifierKey {
  std::string name;
  uint32_t key_id = 0;
  std::array<uint8_t, 32> public_key{};
};

// A checkpoint whose signature has been verified.
struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // extension lines, without "\n"
  std::string body;                     // the exact signed body bytes
};

// True if `name` can name a key: non-empty UTF-8 without Unicode spaces or
// '+' (signed-note spec). Key names appear in note signature lines.
bool IsValidKeyName(std::string_view name);

// Key id of an Ed25519 public key under `name` (see the file comment).
uint32_t KeyId(std::string_view name,
               const std::array<uint8_t, 32>& public_key);

// A fresh key from OpenSSL's CSPRNG. Returns kInvalidArgument for a bad name,
// kInternal if OpenSSL fails.
absl::StatusOr<SigningKey> GenerateKey(std::string_view name);
// The key whose seed is `seed` (Ed25519 is deterministic in the seed).
// Returns kInvalidArgument for a bad name, kInternal if OpenSSL fails.
absl::StatusOr<SigningKey> SigningKeyFromSeed(
    std::string_view name, const std::array<uint8_t, 32>& seed);
// The verifier key (name, id, public key) of a signing key.
VerifierKey VerifierKeyOf(const SigningKey& key);

// "<name>+<hex id>+<base64(0x01 || public key)>", as note.NewVerifier reads.
std::string EncodeVerifierKey(const VerifierKey& key);
// Parses a verifier key text. Returns kInvalidArgument if the name is
// invalid, the id is not 8 hex digits, the key is not base64 of 33 bytes, the
// algorithm byte is not kAlgorithmEd25519, or the id does not match.
absl::StatusOr<VerifierKey> ParseVerifierKey(std::string_view text);
// "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>", as note.NewSigner
// reads. The result is secret.
std::string EncodeSignerKey(const SigningKey& key);
// Parses a signer key text, deriving the public key. kInvalidArgument on any
// malformation or an id that does not match the derived key; kInternal if
// OpenSSL fails.
absl::StatusOr<SigningKey> ParseSignerKey(std::string_view text);

// "<origin>\n<size>\n<base64 root>\n". kInvalidArgument when `origin` is
// not a valid origin line (non-empty, one line, see ParseCheckpointBody):
// the origin comes from the log's meta, which is read from disk, so the
// check holds in every build, not only where assertions are compiled in.
absl::StatusOr<std::string> CheckpointBody(std::string_view origin,
                                           uint64_t size, const Hash& root);
// Parses a checkpoint body: a non-empty origin line, a decimal size without
// sign or leading zeros (at most kTreeSizeMax), a canonical base64 32-byte
// root, then non-empty extension lines. Returns kInvalidArgument naming the
// bad line otherwise.
absl::StatusOr<Checkpoint> ParseCheckpointBody(std::string_view body);

// Signs `body` and returns the note: body, blank line, one signature line.
// The signed message is exactly `body`. Returns kInvalidArgument if body is
// not valid note text (non-empty UTF-8 ending in "\n", no control characters
// but "\n") or the key name is invalid, kInternal if OpenSSL fails.
absl::StatusOr<std::string> SignNote(std::string_view body,
                                     const SigningKey& key);
// Verifies a signed note against `key` and returns its body. Signature lines
// by other keys are ignored (neither trusted nor an error). Returns
// kInvalidArgument for a malformed note (signed-note syntax, more than
// kNoteSignaturesMax signatures, larger than kNoteBytesMax), kUnauthenticated
// if no line is by `key` or a line naming `key` (same name and key id)
// carries a bad signature.
absl::StatusOr<std::string> OpenNote(std::string_view note_text,
                                     const VerifierKey& key);
// OpenNote, then ParseCheckpointBody on the verified body.
absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note_text,
                                          const VerifierKey& key);

}  // namespace fundlog::merkle

#endif  // FUNDLOG_CORE_MERKLE_CHECKPOINT_H_
