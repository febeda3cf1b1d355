#include "core/io/sha256_stream.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"

namespace fundlog {

void Sha256Stream::CtxFree::operator()(EVP_MD_CTX* ctx) const {
  EVP_MD_CTX_free(ctx);
}

absl::StatusOr<Sha256Stream> Sha256Stream::Start() {
  return StartWith(EVP_sha256());
}

absl::StatusOr<Sha256Stream> Sha256Stream::StartWith(const EVP_MD* md) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) {
    return absl::InternalError("SHA-256: OpenSSL cannot allocate a context");
  }
  Sha256Stream stream(ctx);
  if (EVP_DigestInit_ex(ctx, md, nullptr) != 1) {
    return absl::InternalError("SHA-256: OpenSSL cannot start a digest");
  }
  return stream;
}

absl::Status Sha256Stream::Update(absl::string_view bytes) {
  if (finished_) return absl::InternalError("SHA-256: updated after finish");
  if (EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1) {
    return absl::InternalError("SHA-256: OpenSSL failed to hash the bytes");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Sha256Stream::FinishHex() {
  if (finished_) return absl::InternalError("SHA-256: finished twice");
  finished_ = true;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest, &size) != 1 || size != 32) {
    return absl::InternalError("SHA-256: OpenSSL failed to finish the digest");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

absl::StatusOr<std::string> Sha256HexOf(absl::string_view bytes) {
  absl::StatusOr<Sha256Stream> stream = Sha256Stream::Start();
  if (!stream.ok()) return stream.status();
  if (absl::Status s = stream->Update(bytes); !s.ok()) return s;
  return stream->FinishHex();
}

}  // namespace fundlog
