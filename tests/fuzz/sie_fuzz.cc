// libFuzzer target: the SIE 4 reader `fundlog import` uses (all types, 1-4I),
// from the tokenizer through the converter, over bytes in memory.
//
// The sink checks each batch is well formed and discards it; what matters is
// that no input crashes, overflows or reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "core/formats/sie/sie_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  fundlog::sie::ImportOptions options;
  options.display_name = "fuzz.se";
  options.file_sha256 = std::string(64, 'a');
  // Small batches so batch boundaries are exercised too.
  options.vouchers_per_batch = 3;
  auto sink = [](fundlog::v1::EventBatch&& batch) -> absl::Status {
    if (batch.events_size() == 0) std::abort();  // an empty batch is a bug
    return absl::OkStatus();
  };
  (void)fundlog::sie::ReadSieBytes(bytes, options, sink);
  return 0;
}
