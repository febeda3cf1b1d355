// Streams an SIE file line by line through the Converter: the file is never
// held whole, so memory stays at one line plus one batch of vouchers.
#include "core/io/sie_import.h"

#include <openssl/evp.h>

#include <cstdio>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/io/sie_convert.h"
#include "core/io/sie_text.h"

namespace fundlog::sie {
namespace {

inline constexpr size_t kReadChunkBytes = 1 << 20;

// Delivers the lines of a byte stream, hashing every byte on the way.
class LineFeeder {
 public:
  LineFeeder(const ImportOptions& options, const BatchSink& sink,
             ImportSummary* summary)
      : options_(options),
        summary_(summary),
        converter_(options, sink, summary),
        sha_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr);
  }

  // Feeds a chunk of the file; lines may span chunks.
  absl::Status Bytes(absl::string_view chunk) {
    EVP_DigestUpdate(sha_.get(), chunk.data(), chunk.size());
    summary_->bytes += chunk.size();
    while (!chunk.empty()) {
      const size_t end = chunk.find('\n');
      const absl::string_view piece = chunk.substr(0, end);
      if (partial_.size() + piece.size() > kLineBytesMax) {
        return Where(summary_->lines + 1,
                     absl::InvalidArgumentError(absl::StrCat(
                         "line longer than ", kLineBytesMax, " bytes")));
      }
      if (end == absl::string_view::npos) {
        partial_.append(piece.data(), piece.size());
        return absl::OkStatus();
      }
      absl::Status status;
      if (partial_.empty()) {
        status = OneLine(piece);
      } else {
        partial_.append(piece.data(), piece.size());
        status = OneLine(partial_);
        partial_.clear();
      }
      if (!status.ok()) return status;
      chunk.remove_prefix(end + 1);
    }
    return absl::OkStatus();
  }

  absl::Status End() {
    if (!partial_.empty()) {
      if (auto s = OneLine(partial_); !s.ok()) return s;
      partial_.clear();
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(sha_.get(), digest, &size);
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < size; ++i) {
      summary_->file_sha256.push_back(kHex[digest[i] >> 4]);
      summary_->file_sha256.push_back(kHex[digest[i] & 15]);
    }
    return Where(summary_->lines, converter_.Finish());
  }

 private:
  absl::Status OneLine(absl::string_view raw) {
    const uint64_t line_no = ++summary_->lines;
    uint32_t crc = crc_;
    if (absl::Status s = Tokenize(raw, &line_, &crc); !s.ok()) {
      return Where(line_no, s);
    }
    if (line_.label != "#KSUMMA" && converter_.in_checksum()) crc_ = crc;
    converter_.set_checksum_value(crc_);
    return Where(line_no, converter_.Feed(line_no, line_));
  }

  absl::Status Where(uint64_t line_no, const absl::Status& status) const {
    if (status.ok() || status.code() != absl::StatusCode::kInvalidArgument) {
      return status;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        options_.display_name, ":", line_no, ": ", status.message()));
  }

  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };

  const ImportOptions& options_;
  ImportSummary* summary_;
  internal::Converter converter_;
  std::unique_ptr<EVP_MD_CTX, CtxFree> sha_;
  std::string partial_;
  Line line_;
  uint32_t crc_ = 0;
};

}  // namespace

absl::StatusOr<ImportSummary> ReadSieBytes(absl::string_view bytes,
                                           const ImportOptions& options,
                                           const BatchSink& sink) {
  ImportSummary summary;
  LineFeeder feeder(options, sink, &summary);
  if (auto s = feeder.Bytes(bytes); !s.ok()) return s;
  if (auto s = feeder.End(); !s.ok()) return s;
  return summary;
}

absl::StatusOr<ImportSummary> ReadSieFile(const std::string& path,
                                          const ImportOptions& options,
                                          const BatchSink& sink) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"),
                                             &std::fclose);
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  }
  ImportSummary summary;
  LineFeeder feeder(options, sink, &summary);
  std::string chunk(kReadChunkBytes, '\0');
  while (true) {
    const size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (got > 0) {
      if (auto s = feeder.Bytes(absl::string_view(chunk.data(), got));
          !s.ok()) {
        return s;
      }
    }
    if (got < chunk.size()) break;
  }
  if (std::ferror(file.get())) {
    return absl::NotFoundError(absl::StrCat(path, ": read error"));
  }
  if (auto s = feeder.End(); !s.ok()) return s;
  return summary;
}

bool IsSieFileName(absl::string_view path) {
  return absl::EndsWithIgnoreCase(path, ".se") ||
         absl::EndsWithIgnoreCase(path, ".si");
}

}  // namespace fundlog::sie
