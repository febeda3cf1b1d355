// What the store asks of the layer that gives the events their meaning.
//
// The store keeps records, the Merkle tree and the `index` family's key
// grammar (key_format.h); it does not know which events balance, which
// payloads define names, or which day an event is effective on. Before it
// writes a batch it asks RecordRules to validate it; for every record it
// writes or re-derives it asks RecordRules for the index entries the record
// implies. The ledger layer supplies them (core/ledger/record_rules.h); a
// log opened without them reads, scans and verifies its tree, and refuses
// to append or to rebuild its index.
//
// Thread-safe: implementations are stateless and only read their
// arguments.
#ifndef FUNDLOG_CORE_STORE_RECORD_RULES_H_
#define FUNDLOG_CORE_STORE_RECORD_RULES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

// What validation needs to know of the log beyond the batch itself.
class ValidationContext {
 public:
  virtual ~ValidationContext() = default;
  // The log's size: sequence numbers below it exist.
  virtual uint64_t Size() const = 0;
  // Whether an event with this id / a FundEstablished for this fund / a
  // PolicyDefined with this id / an account with this id is in the log.
  // Non-OK only on storage errors.
  virtual absl::StatusOr<bool> HasEventId(absl::string_view id) const = 0;
  virtual absl::StatusOr<bool> HasFund(absl::string_view fund_id) const = 0;
  virtual absl::StatusOr<bool> HasPolicy(absl::string_view policy_id) const = 0;
  virtual absl::StatusOr<bool> HasAccount(absl::string_view account) const = 0;
  // The `recorded_on` day ("YYYY-MM-DD") of record `seq` < Size(), so that a
  // correction is never recorded before what it corrects. Non-OK only on
  // storage errors (a missing or unreadable record).
  virtual absl::StatusOr<std::string> RecordedOn(uint64_t seq) const = 0;
};

class RecordRules {
 public:
  virtual ~RecordRules() = default;

  // OK, or kInvalidArgument naming the event (its 0-based index in the
  // batch) and the field; storage errors from `context` pass through. Each
  // event is checked as if the earlier events of the batch were in the log.
  virtual absl::Status ValidateBatch(
      const v1::EventBatch& batch, const ValidationContext& context) const = 0;

  // Hands `visit` the index entries (key, value) of `event` stored as
  // record `seq`, keys as key_format.h spells them, always in the same
  // order. Keys may be built in `buffer`, which the caller keeps across
  // calls; the views are valid until `visit` returns. The store writes
  // these at append, rebuild writes them again, verify compares them.
  virtual void VisitIndexEntries(
      const v1::Event& event, uint64_t seq, std::string* buffer,
      absl::FunctionRef<void(absl::string_view key, absl::string_view value)>
          visit) const = 0;
};

// The entries `rules` gives for `event` stored as `seq`, appended to `out`
// as copies; `buffer` as in VisitIndexEntries.
inline void AppendIndexEntries(
    const RecordRules& rules, const v1::Event& event, uint64_t seq,
    std::string* buffer,
    std::vector<std::pair<std::string, std::string>>* out) {
  rules.VisitIndexEntries(
      event, seq, buffer, [&](absl::string_view key, absl::string_view value) {
        out->emplace_back(std::string(key), std::string(value));
      });
}

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_RECORD_RULES_H_
