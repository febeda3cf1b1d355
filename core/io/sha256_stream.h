// SHA-256 of a stream of bytes through OpenSSL, every return value checked:
// a digest that silently failed would give a file a wrong identity (and
// disable the "already imported" guard that rests on it).
//
// Thread-compatible: one Sha256Stream per stream.
#ifndef FUNDLOG_CORE_IO_SHA256_STREAM_H_
#define FUNDLOG_CORE_IO_SHA256_STREAM_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;

namespace fundlog {

class Sha256Stream {
 public:
  // A stream ready for Update. kInternal when OpenSSL cannot set one up.
  static absl::StatusOr<Sha256Stream> Start();
  // As Start, with another digest (tests pass nullptr to see the failure
  // path taken).
  static absl::StatusOr<Sha256Stream> StartWith(const EVP_MD* md);

  // Hashes `bytes` next. kInternal when OpenSSL fails, or after Finish.
  absl::Status Update(absl::string_view bytes);
  // The lower-case hex digest of everything passed to Update. kInternal
  // when OpenSSL fails, or when called twice.
  absl::StatusOr<std::string> FinishHex();

 private:
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  explicit Sha256Stream(EVP_MD_CTX* ctx) : ctx_(ctx) {}
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx_;
  bool finished_ = false;
};

// Hex SHA-256 of `bytes` in one call; kInternal when OpenSSL fails.
absl::StatusOr<std::string> Sha256HexOf(absl::string_view bytes);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_IO_SHA256_STREAM_H_
