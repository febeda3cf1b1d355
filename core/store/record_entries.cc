#include "core/store/record_entries.h"

#include <chrono>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace fundlog::internal {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string SerializeRecord(v1::StoredRecord& record) {
  record.ByteSizeLong();  // caches sizes for SerializeWithCachedSizes
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  record.SerializeWithCachedSizes(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace fundlog::internal
