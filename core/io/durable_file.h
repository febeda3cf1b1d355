// Writing a whole file so that a reader never sees half of it and a crash
// never leaves a torn one: exports, checkpoints and reports for auditors.
//
// Thread-safe: a free function (two writers of one path race, and the last
// rename wins; each reader sees one whole file).
#ifndef FUNDLOG_CORE_IO_DURABLE_FILE_H_
#define FUNDLOG_CORE_IO_DURABLE_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fundlog {

// Writes `bytes` to a fresh temporary file beside `path`, fsyncs it, renames
// it over `path` and fsyncs the directory, so that after OK the file is
// whole on disk under its name, and at no time is a partial file visible
// there. On failure the temporary file is removed and `path` is as before.
// Returns kNotFound when the directory does not exist, kFailedPrecondition
// when `path` is a directory, kPermissionDenied when it may not be written,
// kInternal for any other I/O error; each message names the path.
absl::Status WriteFileDurably(const std::string& path, absl::string_view bytes);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_IO_DURABLE_FILE_H_
