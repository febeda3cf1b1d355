// Streamed output: where a long document (a whole-log timeline, an export)
// goes piece by piece as it is built, so that the writer never holds the
// whole document: stdout, or a file being written durably (DurableFile).
//
// Thread-compatible: a sink is called from one thread at a time.
#ifndef FUNDLOG_CORE_IO_OUTPUT_SINK_H_
#define FUNDLOG_CORE_IO_OUTPUT_SINK_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fundlog {

// Takes the next piece of the document. A non-OK status stops the writer,
// which returns it unchanged.
using OutputSink = std::function<absl::Status(absl::string_view bytes)>;

// What a streaming writer gathers before it hands a piece to its sink.
inline constexpr size_t kOutputPieceBytes = size_t{64} << 10;

}  // namespace fundlog

#endif  // FUNDLOG_CORE_IO_OUTPUT_SINK_H_
