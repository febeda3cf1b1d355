#include "core/store/record_entries.h"

#include <chrono>

#include "core/store/key_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace fundlog::internal {
namespace {

// The effective start day, the key of the by-day indexes.
const std::string& StartDay(const v1::Event& event) {
  return event.effective().has_period() ? event.effective().period().from()
                                        : event.effective().day();
}

}  // namespace

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

void AddIndexEntries(const v1::Event& event, uint64_t seq,
                     std::vector<std::pair<std::string, std::string>>* out) {
  const std::string seq_bytes = keys::EncodeU64(seq);
  out->emplace_back(keys::AllByDayKey(StartDay(event), seq), "");
  out->emplace_back(keys::FundByDayKey(event.fund_id(), StartDay(event), seq),
                    "");
  out->emplace_back(keys::NamedKey(keys::kIndexEventId, event.event_id()),
                    seq_bytes);
  if (event.has_fund_established()) {
    out->emplace_back(keys::NamedKey(keys::kIndexFund, event.fund_id()),
                      seq_bytes);
  }
  if (event.has_policy_defined()) {
    out->emplace_back(
        keys::NamedKey(keys::kIndexPolicy, event.policy_defined().policy_id()),
        seq_bytes);
  }
  for (const v1::Account& account : event.accounts_defined().accounts()) {
    out->emplace_back(keys::NamedKey(keys::kIndexAccount, account.id()),
                      seq_bytes);
  }
}

}  // namespace fundlog::internal
