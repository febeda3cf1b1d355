// Reading event batches from files: protobuf text format (.textpb, .txtpb,
// .pbtxt) or protobuf JSON (.json), each holding one fundlog.v1.EventBatch.
//
// Thread-safe: free functions.
#ifndef FUNDLOG_CORE_IO_BATCH_FILE_H_
#define FUNDLOG_CORE_IO_BATCH_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

// Files larger than this are refused by their size, before a byte is read.
// The parsers hold the file and the parsed batch at once (at most about four
// times the file's size, measured), so this bounds an import's memory
// (under 300 MB) whatever the file holds. 64 MiB holds kBatchEventsMax events
// of 600 bytes each in text format; a larger history is imported in several
// files.
inline constexpr size_t kBatchFileBytesMax = 64u << 20;

// How much of a parser's message an error quotes: the JSON parser echoes the
// input it stopped at, which may be megabytes of hostile bytes.
inline constexpr size_t kErrorExcerptBytesMax = 200;

// The deepest nesting of messages (text format) or of JSON objects and
// arrays a batch file may hold. A real batch nests about 8 deep (batch,
// event, correction, replacement, voucher, row, object map); the parsers
// recurse once per level, so without a bound a hostile file of a few
// thousand nested `correction { replacement {` overflows the stack.
inline constexpr int kBatchNestingMax = 32;

struct LoadedBatch {
  v1::EventBatch batch;
  std::string file_name;    // base name, for provenance
  std::string file_sha256;  // hex SHA-256 of the file's bytes
};

// Parses `contents` (named `display_name` in messages) by the format its
// name's extension says. kInvalidArgument naming the file, line and column
// on a syntax error or an unknown extension, and naming the file when the
// input nests deeper than kBatchNestingMax; kInternal when the file's
// SHA-256 cannot be computed.
absl::StatusOr<LoadedBatch> ParseBatch(absl::string_view display_name,
                                       absl::string_view contents);

// Reads `path` and parses it as ParseBatch does; kNotFound when the file
// cannot be read.
absl::StatusOr<LoadedBatch> LoadBatchFile(const std::string& path);

// Reads a whole file. kNotFound / kInvalidArgument (too large) naming it.
absl::StatusOr<std::string> ReadFileBytes(const std::string& path,
                                          size_t bytes_max);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_IO_BATCH_FILE_H_
