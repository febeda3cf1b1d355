#include "core/store/record_entries.h"

#include <chrono>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

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

std::string SerializeRecordOf(uint64_t seq, int64_t appended_at_micros,
                              const v1::Event& event,
                              const v1::Provenance& provenance) {
  using google::protobuf::internal::WireFormatLite;
  const size_t event_size = event.ByteSizeLong();
  const size_t provenance_size = provenance.ByteSizeLong();
  std::string bytes;
  bytes.reserve(event_size + provenance_size + 32);
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  // Field order and proto3's rules, as the generated StoredRecord writes
  // them: scalars only when not zero, a present message always.
  if (seq != 0) {
    coded.WriteTag(WireFormatLite::MakeTag(v1::StoredRecord::kSeqFieldNumber,
                                           WireFormatLite::WIRETYPE_VARINT));
    coded.WriteVarint64(seq);
  }
  if (appended_at_micros != 0) {
    coded.WriteTag(
        WireFormatLite::MakeTag(v1::StoredRecord::kAppendedAtMicrosFieldNumber,
                                WireFormatLite::WIRETYPE_VARINT));
    coded.WriteVarint64(static_cast<uint64_t>(appended_at_micros));
  }
  coded.WriteTag(
      WireFormatLite::MakeTag(v1::StoredRecord::kEventFieldNumber,
                              WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
  coded.WriteVarint32(static_cast<uint32_t>(event_size));
  event.SerializeWithCachedSizes(&coded);
  coded.WriteTag(
      WireFormatLite::MakeTag(v1::StoredRecord::kProvenanceFieldNumber,
                              WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
  coded.WriteVarint32(static_cast<uint32_t>(provenance_size));
  provenance.SerializeWithCachedSizes(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace fundlog::internal
