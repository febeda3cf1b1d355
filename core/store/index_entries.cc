#include "core/store/index_entries.h"

#include <bit>

#include "core/store/dates.h"
#include "core/store/key_format.h"

namespace fundlog {

const std::string& IndexDay(const v1::Event& event) {
  return event.effective().has_period() ? event.effective().period().from()
                                        : event.effective().day();
}

uint8_t PeriodClass(const v1::Period& period) {
  if (period.to().empty()) return 0;
  absl::StatusOr<absl::CivilDay> from = ParseDay(period.from());
  absl::StatusOr<absl::CivilDay> to = ParseDay(period.to());
  // Append refuses both; an older or damaged record still gets an entry.
  if (!from.ok() || !to.ok() || *to < *from) return 1;
  const uint64_t days = static_cast<uint64_t>(*to - *from);
  return static_cast<uint8_t>(1 + std::bit_width(days));
}

void AddIndexEntries(const v1::Event& event, uint64_t seq,
                     std::vector<IndexEntry>* out) {
  const std::string seq_bytes = keys::EncodeU64(seq);
  out->emplace_back(keys::AllByDayKey(IndexDay(event), seq), "");
  out->emplace_back(keys::FundByDayKey(event.fund_id(), IndexDay(event), seq),
                    "");
  if (event.effective().has_period()) {
    const v1::Period& period = event.effective().period();
    const uint8_t length_class = PeriodClass(period);
    out->emplace_back(keys::PeriodKey("", length_class, period.from(), seq),
                      period.to());
    out->emplace_back(
        keys::PeriodKey(event.fund_id(), length_class, period.from(), seq),
        period.to());
  }
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
