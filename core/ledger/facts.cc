// The interning table and kind names of facts.h.
#include "core/ledger/facts.h"

namespace fundlog::ledger {
namespace internal {

absl::string_view FactKindName(FactKind kind) {
  static constexpr absl::string_view kNames[kFactKinds] = {
      "allocation", "use",
      "repayment",  "budget_frame_use",
      "voucher",    "opening_balances",
      "close_out",  "guidelines_repealed"};
  return kNames[static_cast<int>(kind)];
}

uint32_t Names::Intern(absl::string_view text) {
  if (auto it = ids_.find(text); it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(texts_.size());
  texts_.emplace_back(text);
  ids_.emplace(texts_.back(), id);
  return id;
}

uint32_t Names::Find(absl::string_view text) const {
  auto it = ids_.find(text);
  return it == ids_.end() ? kNoName : it->second;
}

}  // namespace internal

}  // namespace fundlog::ledger
