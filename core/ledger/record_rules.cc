#include "core/ledger/record_rules.h"

#include "core/ledger/index_entries.h"
#include "core/ledger/validate.h"

namespace fundlog::ledger {
namespace {

class LedgerRules final : public RecordRules {
 public:
  absl::Status ValidateBatch(const v1::EventBatch& batch,
                             const ValidationContext& context) const override {
    return fundlog::ValidateBatch(batch, context);
  }
  void VisitIndexEntries(
      const v1::Event& event, uint64_t seq, std::string* buffer,
      absl::FunctionRef<void(absl::string_view, absl::string_view)> visit)
      const override {
    fundlog::VisitIndexEntries(event, seq, buffer, visit);
  }
};

}  // namespace

const RecordRules& Rules() {
  static const LedgerRules* const rules = new LedgerRules();
  return *rules;
}

}  // namespace fundlog::ledger
