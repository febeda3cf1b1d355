// Private: the Ed25519 operations the note signer needs, on OpenSSL's EVP
// interface (EVP_PKEY_ED25519, EVP_DigestSign with no digest: PureEdDSA).
//
// Thread-safe: no shared state.
#ifndef FUNDLOG_CORE_MERKLE_ED25519_H_
#define FUNDLOG_CORE_MERKLE_ED25519_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace fundlog::merkle::internal {

using Ed25519Seed = std::array<uint8_t, 32>;
using Ed25519PublicKey = std::array<uint8_t, 32>;
using Ed25519Signature = std::array<uint8_t, 64>;

// 32 bytes from OpenSSL's CSPRNG; kInternal if it is not seeded.
absl::StatusOr<Ed25519Seed> Ed25519RandomSeed();
// The public key of a seed (RFC 8032 §5.1.5); kInternal on OpenSSL failure.
absl::StatusOr<Ed25519PublicKey> Ed25519PublicFromSeed(const Ed25519Seed& seed);
// The deterministic signature of `message`; kInternal on OpenSSL failure.
absl::StatusOr<Ed25519Signature> Ed25519Sign(const Ed25519Seed& seed,
                                             std::string_view message);
// True only if `signature` is valid for `message` under `public_key`. Any
// failure, including a public key that is not a curve point, is false.
bool Ed25519Verify(const Ed25519PublicKey& public_key, std::string_view message,
                   const Ed25519Signature& signature);

}  // namespace fundlog::merkle::internal

#endif  // FUNDLOG_CORE_MERKLE_ED25519_H_
