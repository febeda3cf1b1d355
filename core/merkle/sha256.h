// Private: plain SHA-256, for key ids (Merkle hashes use LeafHash/NodeHash,
// which add RFC 6962's domain-separation prefix).
//
// Thread-safe: no shared mutable state.
#ifndef FUNDLOG_CORE_MERKLE_SHA256_H_
#define FUNDLOG_CORE_MERKLE_SHA256_H_

#include <string_view>

#include "core/merkle/merkle.h"

namespace fundlog::merkle::internal {

// SHA-256(data). Aborts only if OpenSSL cannot allocate, like LeafHash.
Hash Sha256(std::string_view data);

}  // namespace fundlog::merkle::internal

#endif  // FUNDLOG_CORE_MERKLE_SHA256_H_
