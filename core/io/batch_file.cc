#include "core/io/batch_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/io/sha256_stream.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace fundlog {
namespace {

// Keeps the first syntax error with its position (protobuf counts lines and
// columns from 0; people count from 1).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (message_.empty()) {
      message_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
    }
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

// The first line (counted from 1) where JSON objects and arrays nest deeper
// than `max_depth`, or 0. Brackets inside strings do not count. Checked
// before parsing, so the depth of the input never becomes the depth of a
// recursion, whatever the JSON parser's own limit is.
int LineTooDeep(absl::string_view json, int max_depth) {
  int depth = 0, line = 1;
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return line;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return 0;
}

// At most kErrorExcerptBytesMax bytes of `message`, with every byte that is
// not printable ASCII escaped, so hostile input is never echoed raw.
std::string Excerpt(absl::string_view message) {
  const bool cut = message.size() > kErrorExcerptBytesMax;
  std::string out;
  for (unsigned char c : message.substr(0, kErrorExcerptBytesMax)) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    }
  }
  if (cut) absl::StrAppend(&out, "... (", message.size(), " bytes in all)");
  return out;
}

std::string Extension(absl::string_view name) {
  return std::filesystem::path(std::string(name)).extension().string();
}

}  // namespace

absl::StatusOr<std::string> ReadFileBytes(const std::string& path,
                                          size_t bytes_max) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read: ", error.message()));
  }
  if (size > bytes_max) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", size, " bytes, over the limit of ", bytes_max));
  }
  // Read into a buffer of the file's size: a stream that grows its buffer
  // would hold up to twice the file while it reads.
  std::ifstream in(path, std::ios::binary);
  std::string contents(static_cast<size_t>(size), '\0');
  in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!in || in.peek() != std::ifstream::traits_type::eof()) {
    return absl::NotFoundError(absl::StrCat(
        path, ": cannot read (or it changed size while it was read)"));
  }
  return contents;
}

absl::StatusOr<LoadedBatch> ParseBatch(absl::string_view display_name,
                                       absl::string_view contents) {
  LoadedBatch loaded;
  loaded.file_name =
      std::filesystem::path(std::string(display_name)).filename().string();
  absl::StatusOr<std::string> sha = Sha256HexOf(contents);
  if (!sha.ok()) return sha.status();
  loaded.file_sha256 = *std::move(sha);
  const std::string extension = Extension(display_name);
  if (extension == ".textpb" || extension == ".txtpb" ||
      extension == ".pbtxt") {
    google::protobuf::TextFormat::Parser parser;
    parser.SetRecursionLimit(kBatchNestingMax);
    FirstError errors;
    parser.RecordErrorsTo(&errors);
    // Parsed from the bytes in place, not from a copy of them.
    google::protobuf::io::ArrayInputStream input(
        contents.data(), static_cast<int>(contents.size()));
    if (!parser.Parse(&input, &loaded.batch)) {
      return absl::InvalidArgumentError(
          absl::StrCat(display_name, ":", Excerpt(errors.message())));
    }
    return loaded;
  }
  if (extension == ".json") {
    // An EventBatch in JSON nests one level deeper per message than in text
    // format (the `events` array), so it gets twice the room.
    if (int line = LineTooDeep(contents, 2 * kBatchNestingMax); line > 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          display_name, ":", line, ": JSON nested more than ",
          2 * kBatchNestingMax, " levels deep; refused before parsing"));
    }
    google::protobuf::util::JsonParseOptions options;
    // Protobuf 3.21 has its own Status type here, not absl::Status.
    google::protobuf::util::Status parsed =
        google::protobuf::util::JsonStringToMessage(
            google::protobuf::StringPiece(contents.data(), contents.size()),
            &loaded.batch, options);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          display_name,
          ": not a JSON EventBatch: ", Excerpt(parsed.message().ToString())));
    }
    return loaded;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      display_name, ": unknown file type \"", extension,
      "\" (want .textpb or .json holding a fundlog.v1.EventBatch)"));
}

absl::StatusOr<LoadedBatch> LoadBatchFile(const std::string& path) {
  absl::StatusOr<std::string> contents =
      ReadFileBytes(path, kBatchFileBytesMax);
  if (!contents.ok()) return contents.status();
  return ParseBatch(path, *contents);
}

}  // namespace fundlog
