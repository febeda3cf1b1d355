#include "core/merkle/ed25519.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace fundlog::merkle::internal {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Turns the OpenSSL error queue into a status and empties it, so a stale
// error cannot be blamed on a later, unrelated call.
absl::Status OpenSslError(absl::string_view what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  char text[256] = "no OpenSSL error queued";
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  return absl::InternalError(absl::StrCat("OpenSSL ", what, ": ", text));
}

absl::StatusOr<PkeyPtr> PrivateKey(const Ed25519Seed& seed) {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           seed.data(), seed.size()));
  if (key == nullptr) return OpenSslError("loading Ed25519 private key");
  return key;
}

}  // namespace

absl::StatusOr<Ed25519Seed> Ed25519RandomSeed() {
  Ed25519Seed seed{};
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    return OpenSslError("RAND_bytes");
  }
  return seed;
}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicFromSeed(
    const Ed25519Seed& seed) {
  absl::StatusOr<PkeyPtr> key = PrivateKey(seed);
  if (!key.ok()) return key.status();
  Ed25519PublicKey public_key{};
  size_t length = public_key.size();
  if (EVP_PKEY_get_raw_public_key(key->get(), public_key.data(), &length) !=
          1 ||
      length != public_key.size()) {
    return OpenSslError("deriving Ed25519 public key");
  }
  return public_key;
}

absl::StatusOr<Ed25519Signature> Ed25519Sign(const Ed25519Seed& seed,
                                             std::string_view message) {
  absl::StatusOr<PkeyPtr> key = PrivateKey(seed);
  if (!key.ok()) return key.status();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  Ed25519Signature signature{};
  size_t length = signature.size();
  // Ed25519 hashes internally: the digest argument must be NULL and the
  // message goes through the one-shot EVP_DigestSign.
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &length,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      length != signature.size()) {
    return OpenSslError("Ed25519 signing");
  }
  return signature;
}

bool Ed25519Verify(const Ed25519PublicKey& public_key, std::string_view message,
                   const Ed25519Signature& signature) {
  PkeyPtr key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool valid =
      key != nullptr && ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) ==
          1 &&
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  // A rejected signature leaves errors queued; they are expected, not news.
  ERR_clear_error();
  return valid;
}

}  // namespace fundlog::merkle::internal
