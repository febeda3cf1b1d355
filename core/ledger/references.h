// Internal to the ledger check (check.cc): the names events refer to that
// nothing in the log defines, and vouchers whose rows do not balance, found
// in the one pass of the replay. A name is defined anywhere in the log, so
// a use before its definition is fine: a record naming something not yet
// defined waits, with only those names, until Finish decides it. Memory
// follows the names defined and the uses still undecided, not the records.
//
// Thread-compatible.
#ifndef FUNDLOG_CORE_LEDGER_REFERENCES_H_
#define FUNDLOG_CORE_LEDGER_REFERENCES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "core/ledger/ledger.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::ledger::internal {

class References {
 public:
  // Each record once, in seq order.
  void Visit(const v1::StoredRecord& record);
  // Appends the findings, by seq and, within a record, unbalanced_voucher,
  // undefined_account (by name), undefined_policy, unknown_policy_change.
  void Finish(std::vector<Finding>* findings) const;

 private:
  // A record with a finding or a name not defined when it was visited.
  struct Pending {
    uint64_t seq = 0;
    std::optional<Finding> unbalanced;
    std::vector<std::string> accounts;  // sorted, distinct
    std::optional<std::string> policy;  // PolicyChanged's policy_id
    std::optional<std::string> change;  // a close-out's tied change
  };
  absl::flat_hash_set<std::string> accounts_, policies_, changes_;
  std::vector<Pending> pending_;
};

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_REFERENCES_H_
