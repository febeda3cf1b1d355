// Streams an SIE file line by line through the Converter: the file is never
// held whole, so memory stays at one line plus one batch of vouchers.
#include "core/formats/sie/sie_import.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/formats/sie/sie_convert.h"
#include "core/formats/sie/sie_encoding.h"
#include "core/formats/sie/sie_text.h"
#include "core/io/sha256_stream.h"

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
        converter_(options, sink, summary) {}

  // Before the first Bytes: kInternal when the digest cannot start.
  absl::Status Start(Encoding encoding) {
    encoding_ = encoding;
    summary_->encoding = EncodingName(encoding);
    absl::StatusOr<Sha256Stream> sha = Sha256Stream::Start();
    if (!sha.ok()) return sha.status();
    sha_.emplace(*std::move(sha));
    return absl::OkStatus();
  }

  // Feeds a chunk of the file; lines may span chunks.
  absl::Status Bytes(absl::string_view chunk) {
    if (absl::Status s = sha_->Update(chunk); !s.ok()) return s;
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
    absl::StatusOr<std::string> sha = sha_->FinishHex();
    if (!sha.ok()) return sha.status();
    summary_->file_sha256 = *std::move(sha);
    return Where(summary_->lines, converter_.Finish());
  }

 private:
  absl::Status OneLine(absl::string_view raw) {
    const uint64_t line_no = ++summary_->lines;
    uint32_t crc = crc_;
    if (encoding_ == Encoding::kUtf8 &&
        raw.find("\xEF\xBF\xBD") != absl::string_view::npos) {
      const uint64_t found = CountReplacementCharacters(raw);
      if (summary_->replacement_characters == 0) {
        summary_->notes.push_back(absl::StrCat(
            "line ", line_no, " holds the replacement character U+FFFD: the ",
            "program that wrote the file had already lost a character there"));
      }
      summary_->replacement_characters += found;
    }
    if (absl::Status s = Tokenize(raw, &line_, &crc, encoding_); !s.ok()) {
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

  const ImportOptions& options_;
  ImportSummary* summary_;
  internal::Converter converter_;
  std::optional<Sha256Stream> sha_;
  std::string partial_;
  Encoding encoding_ = Encoding::kCp437;
  Line line_;
  uint32_t crc_ = 0;
};

}  // namespace

absl::StatusOr<ImportSummary> ReadSieBytes(absl::string_view bytes,
                                           const ImportOptions& options,
                                           const BatchSink& sink) {
  ImportSummary summary;
  LineFeeder feeder(options, sink, &summary);
  if (auto s = feeder.Start(DetectEncoding(bytes)); !s.ok()) return s;
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
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot be read: ", std::strerror(errno)));
  }
  // The encoding is decided from the whole file before its first line is
  // read (sie_encoding.h): a first, byte-only pass over it.
  std::string chunk(kReadChunkBytes, '\0');
  EncodingSniffer sniffer;
  while (true) {
    const size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
    sniffer.Feed(absl::string_view(chunk.data(), got));
    if (got < chunk.size()) break;
  }
  if (std::ferror(file.get()) || std::fseek(file.get(), 0, SEEK_SET) != 0) {
    return absl::InternalError(
        absl::StrCat(path, ": I/O error: ", std::strerror(errno)));
  }
  ImportSummary summary;
  LineFeeder feeder(options, sink, &summary);
  if (auto s = feeder.Start(sniffer.Result()); !s.ok()) return s;
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
  // The file opened but reading it failed: the disk's or the OS's failure,
  // not the file's content, so not a rejected input.
  if (std::ferror(file.get())) {
    return absl::InternalError(absl::StrCat(path, ": I/O error after ",
                                            summary.bytes,
                                            " bytes: ", std::strerror(errno)));
  }
  if (auto s = feeder.End(); !s.ok()) return s;
  return summary;
}

absl::StatusOr<std::string> HashSieFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"),
                                             &std::fclose);
  if (file == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot be read: ", std::strerror(errno)));
  }
  absl::StatusOr<Sha256Stream> sha = Sha256Stream::Start();
  if (!sha.ok()) return sha.status();
  std::string chunk(kReadChunkBytes, '\0');
  while (true) {
    const size_t got = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (absl::Status s = sha->Update(absl::string_view(chunk.data(), got));
        !s.ok()) {
      return s;
    }
    if (got < chunk.size()) break;
  }
  if (std::ferror(file.get())) {
    return absl::InternalError(
        absl::StrCat(path, ": I/O error: ", std::strerror(errno)));
  }
  return sha->FinishHex();
}

bool IsSieFileName(absl::string_view path) {
  return absl::EndsWithIgnoreCase(path, ".se") ||
         absl::EndsWithIgnoreCase(path, ".si");
}

}  // namespace fundlog::sie
