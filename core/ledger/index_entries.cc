#include "core/ledger/index_entries.h"

#include "core/store/key_format.h"

namespace fundlog {

const std::string& IndexDay(const v1::Event& event) {
  return event.effective().has_period() ? event.effective().period().from()
                                        : event.effective().day();
}

void VisitIndexEntries(
    const v1::Event& event, uint64_t seq, std::string* buffer,
    absl::FunctionRef<void(absl::string_view key, absl::string_view value)>
        visit) {
  // The keys of keys::AllByDayKey, FundByDayKey, PeriodKey and NamedKey,
  // built in place (index_entries_test compares them).
  char seq_bytes[keys::kU64Bytes];
  for (size_t i = 0; i < keys::kU64Bytes; ++i) {
    seq_bytes[i] = static_cast<char>((seq >> (56 - 8 * i)) & 0xff);
  }
  const absl::string_view seq_view(seq_bytes, keys::kU64Bytes);
  const std::string& day = IndexDay(event);
  const std::string& fund = event.fund_id();
  std::string& key = *buffer;
  key.assign(1, keys::kIndexAllByDay);
  key.append(day).append(seq_bytes, keys::kU64Bytes);
  visit(key, "");
  key.assign(1, keys::kIndexFundByDay);
  key.append(fund).push_back('\0');
  key.append(day).append(seq_bytes, keys::kU64Bytes);
  visit(key, "");
  if (event.effective().has_period()) {
    const v1::Period& period = event.effective().period();
    const char length_class = static_cast<char>(PeriodClass(period));
    key.assign(1, keys::kIndexPeriodAll);
    key.push_back(length_class);
    key.append(period.from()).append(seq_bytes, keys::kU64Bytes);
    visit(key, period.to());
    if (fund.empty()) {
      visit(key, period.to());  // PeriodKey("", ...) is the 'L' key again
    } else {
      key.assign(1, keys::kIndexPeriodFund);
      key.append(fund).push_back('\0');
      key.push_back(length_class);
      key.append(period.from()).append(seq_bytes, keys::kU64Bytes);
      visit(key, period.to());
    }
  }
  auto named = [&](char kind, absl::string_view name) {
    key.assign(1, kind);
    key.append(name.data(), name.size());
    visit(key, seq_view);
  };
  named(keys::kIndexEventId, event.event_id());
  if (event.has_fund_established()) named(keys::kIndexFund, fund);
  if (event.has_policy_defined()) {
    named(keys::kIndexPolicy, event.policy_defined().policy_id());
  }
  for (const v1::Account& account : event.accounts_defined().accounts()) {
    named(keys::kIndexAccount, account.id());
  }
}

void AddIndexEntries(const v1::Event& event, uint64_t seq,
                     std::vector<IndexEntry>* out) {
  std::string buffer;
  VisitIndexEntries(event, seq, &buffer,
                    [&](absl::string_view key, absl::string_view value) {
                      out->emplace_back(std::string(key), std::string(value));
                    });
}

}  // namespace fundlog
