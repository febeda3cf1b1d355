// libFuzzer target: the batch readers `fundlog append` uses. Every input is
// read both as protobuf text format (.textpb) and as JSON (.json), so the
// seed corpus holds the real files unchanged.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "core/io/batch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view contents(reinterpret_cast<const char*>(data), size);
  (void)fundlog::ParseBatch("fuzz.textpb", contents);
  (void)fundlog::ParseBatch("fuzz.json", contents);
  return 0;
}
