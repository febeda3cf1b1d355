// RFC 6962 hashing on OpenSSL's SHA-256, and the text forms of a hash.
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/merkle/merkle.h"
#include "core/merkle/sha256.h"
#include "core/merkle/string_view_compat.h"

namespace fundlog::merkle {
namespace {

// Domain-separation prefixes (RFC 9162 §2.1.1): a leaf can never be mistaken
// for an interior node, so no second preimage across levels exists.
constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

// Hashing only fails when OpenSSL cannot allocate, which we treat like a
// failed operator new: there is no sensible way to continue.
[[noreturn]] void DieOpenSsl(const char* what) {
  std::fprintf(stderr, "fundlog::merkle: OpenSSL %s failed\n", what);
  std::abort();
}

// SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP, but
// an EVP digest allocates and frees a context (two, for the one-shot
// EVP_Digest) per call in OpenSSL 3.0, which cost verify more than the
// hashing; the low-level functions run the same code on a state on the
// stack.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

// SHA-256 over the concatenation of `prefix` (0 or 1 byte) and `data`,
// streamed so large records are not copied.
Hash Sha256Of(const uint8_t* prefix, size_t prefix_len, std::string_view data) {
  SHA256_CTX ctx;
  Hash out{};
  if (SHA256_Init(&ctx) != 1 || SHA256_Update(&ctx, prefix, prefix_len) != 1 ||
      SHA256_Update(&ctx, data.data(), data.size()) != 1 ||
      SHA256_Final(out.data(), &ctx) != 1) {
    DieOpenSsl("SHA-256");
  }
  return out;
}

#pragma GCC diagnostic pop

}  // namespace

Hash internal::Sha256(std::string_view data) {
  return Sha256Of(nullptr, 0, data);
}

Hash LeafHash(std::string_view record_bytes) {
  return Sha256Of(&kLeafPrefix, 1, record_bytes);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  // One 65-byte buffer: the hot path of every append and proof check.
  std::array<uint8_t, 1 + 2 * kHashBytes> buffer;
  buffer[0] = kNodePrefix;
  std::memcpy(buffer.data() + 1, left.data(), kHashBytes);
  std::memcpy(buffer.data() + 1 + kHashBytes, right.data(), kHashBytes);
  return Sha256Of(nullptr, 0,
                  std::string_view(reinterpret_cast<const char*>(buffer.data()),
                                   buffer.size()));
}

Hash EmptyRoot() {
  static const Hash empty = internal::Sha256(std::string_view());
  return empty;
}

std::string HashToBase64(const Hash& hash) {
  return absl::Base64Escape(absl::string_view(
      reinterpret_cast<const char*>(hash.data()), hash.size()));
}

std::string HashToHex(const Hash& hash) {
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(hash.data()), hash.size()));
}

absl::StatusOr<Hash> HashFromBytes(std::string_view bytes) {
  if (bytes.size() != kHashBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a hash is 32 bytes, got ", bytes.size()));
  }
  Hash hash{};
  std::memcpy(hash.data(), bytes.data(), kHashBytes);
  return hash;
}

absl::StatusOr<Hash> HashFromBase64(std::string_view text) {
  // absl's decoder is lenient (padding optional, stray bits ignored); only
  // the canonical spelling round-trips, so require that.
  std::string bytes;
  if (!absl::Base64Unescape(internal::ToAbsl(text), &bytes) ||
      absl::Base64Escape(bytes) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat("hash \"", internal::ToAbsl(text.substr(0, 64)),
                     "\" is not canonical padded base64"));
  }
  return HashFromBytes(bytes);
}

}  // namespace fundlog::merkle
