// C2SP tlog-cosignature, the Ed25519 "cosignature/v1" type: a witness's
// timestamped signature on a log's checkpoint, carried as one more signature
// line of the checkpoint's signed note (https://c2sp.org/tlog-cosignature).
//
//   key id:         first 4 bytes of SHA-256(<name> || 0x0A || 0x04 || key)
//   verifier key:   <name>+<8 hex digit key id>+<base64(0x04 || key)>
//   signed message: "cosignature/v1\ntime <T>\n" || <checkpoint body>
//                   (T in ASCII decimal without leading zeros)
//   line:           — <name> base64(key id || T as u64 big-endian ||
//                                    64-byte Ed25519 signature)
//
// A cosigner key's type byte (0x04) differs from a log's note key (0x01), so
// one cannot be mistaken for the other: the parsers below refuse the wrong
// type by name. Go's sumdb/note ignores these lines (unknown key ids).
//
// Thread safety: free functions without shared state; thread-safe.
#ifndef FUNDLOG_CORE_MERKLE_COSIGNATURE_H_
#define FUNDLOG_CORE_MERKLE_COSIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"

namespace fundlog::merkle {

// The largest timestamp a cosignature may carry (the spec's 2^63 - 1).
inline constexpr uint64_t kCosignatureTimeMax = (uint64_t{1} << 63) - 1;
// VerifyCosignature refuses timestamps further than this in the future: a
// cosigner cannot honestly date a statement ahead of its own clock.
inline constexpr uint64_t kCosignatureFutureSlackSeconds = 24 * 60 * 60;

// The key id of a cosigner key (type byte 0x04, see the file comment).
uint32_t CosignerKeyId(std::string_view name,
                       const std::array<uint8_t, 32>& public_key);
// The cosigner verifier key (name, cosigner key id, public key) of a key.
VerifierKey CosignerVerifierKeyOf(const SigningKey& key);
// "<name>+<hex id>+<base64(0x04 || public key)>".
std::string EncodeCosignerVerifierKey(const VerifierKey& key);
// Parses a cosigner verifier key text. kInvalidArgument for a bad name, id
// or key, for a type byte other than 0x04 (a log's 0x01 key is named as
// such), or an id that does not match.
absl::StatusOr<VerifierKey> ParseCosignerVerifierKey(std::string_view text);
// "PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>": secret.
std::string EncodeCosignerSignerKey(const SigningKey& key);
// Inverse of EncodeCosignerSignerKey; kInvalidArgument on any malformation
// or an id that does not match the derived key.
absl::StatusOr<SigningKey> ParseCosignerSignerKey(std::string_view text);

// The exact bytes a cosignature/v1 signs for `body` at `timestamp`.
std::string CosignedMessage(std::string_view body, uint64_t timestamp);

// The note signature line (ending in "\n") by which `key` cosigns the
// checkpoint `body` at `timestamp` (POSIX seconds). kInvalidArgument if the
// body is not a checkpoint body or the timestamp exceeds
// kCosignatureTimeMax; kInternal if OpenSSL fails.
absl::StatusOr<std::string> CosignatureLine(std::string_view body,
                                            const SigningKey& key,
                                            uint64_t timestamp);

// Checks the signed note `note_text` for a cosignature by `cosigner` on its
// body and returns its timestamp. kInvalidArgument for a malformed note;
// kUnauthenticated, saying why, when no line has the cosigner's name and
// key id, or when such a line is not 8 + 64 bytes, carries a timestamp over
// kCosignatureTimeMax or more than kCosignatureFutureSlackSeconds after
// `now`, or does not verify over CosignedMessage(body, timestamp).
absl::StatusOr<uint64_t> VerifyCosignature(std::string_view note_text,
                                           const VerifierKey& cosigner,
                                           uint64_t now);

}  // namespace fundlog::merkle

#endif  // FUNDLOG_CORE_MERKLE_COSIGNATURE_H_
