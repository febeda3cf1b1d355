#include "core/store/index_entries.h"

#include "core/store/key_format.h"

namespace fundlog {

const std::string& IndexDay(const v1::Event& event) {
  return event.effective().has_period() ? event.effective().period().from()
                                        : event.effective().day();
}

void AddIndexEntries(const v1::Event& event, uint64_t seq,
                     std::vector<IndexEntry>* out) {
  const std::string seq_bytes = keys::EncodeU64(seq);
  out->emplace_back(keys::AllByDayKey(IndexDay(event), seq), "");
  out->emplace_back(keys::FundByDayKey(event.fund_id(), IndexDay(event), seq),
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

}  // namespace fundlog
