// Internal: the compact facts a Projector keeps, and the time encoding every
// query shares. Not part of the public contract (see ledger.h, projector.h).
//
// Time encoding. Valid time is a line of integer points, three per civil day:
//   3*d + 0  the start of day d: a PolicyChanged takes effect here, so a
//            policy "applies from" its day inclusive;
//   3*d + 1  the interior of day d: where money facts happen;
//   3*d + 2  the end of day d: where an untied CloseOut or a repeal empties
//            an account ("at close of business").
// A balance "as of D" is the state at 3*D + 2. Day numbers count from
// 1970-01-01 (negative before it).
#ifndef FUNDLOG_CORE_LEDGER_FACTS_H_
#define FUNDLOG_CORE_LEDGER_FACTS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::ledger::internal {

inline constexpr int64_t kTimeNever = std::numeric_limits<int64_t>::max() / 4;
inline constexpr int64_t kTimeBegin = std::numeric_limits<int64_t>::min() / 4;
inline constexpr int32_t kDayOpen = std::numeric_limits<int32_t>::max();
inline constexpr int32_t kKnownForever = std::numeric_limits<int32_t>::max();
inline constexpr int32_t kKnownAlways = std::numeric_limits<int32_t>::min();
inline constexpr uint32_t kNoName = std::numeric_limits<uint32_t>::max();

inline int32_t DayNumber(absl::CivilDay day) {
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}
inline absl::CivilDay DayFromNumber(int32_t number) {
  return absl::CivilDay(1970, 1, 1) + number;
}
inline int64_t StartOf(int32_t day) { return 3 * int64_t{day}; }
inline int64_t InteriorOf(int32_t day) { return 3 * int64_t{day} + 1; }
inline int64_t EndOf(int32_t day) { return 3 * int64_t{day} + 2; }
// The smallest interior point strictly after `t`.
inline int64_t NextInterior(int64_t t) {
  int64_t m = ((t % 3) + 3) % 3;
  return m == 0 ? t + 1 : t + (4 - m);
}

// What a fact does to the books. The names are the payload field names.
enum class FactKind : uint8_t {
  kAllocation,
  kUse,
  kRepayment,
  kBudgetFrameUse,
  kVoucher,
  kOpeningBalances,
  kCloseOut,
  kGuidelinesRepealed,
};
inline constexpr int kFactKinds = 8;
// Kinds whose amount a PostingRule routes; they index a policy's rule table.
inline constexpr int kRuleKinds = 4;
inline constexpr int kRepealRule = kRuleKinds;  // rule slot of the repeal
absl::string_view FactKindName(FactKind kind);
inline bool IsRuleKind(FactKind kind) {
  return static_cast<int>(kind) < kRuleKinds;
}

// The interval of "known at" days in which one version of a fact is the one
// that counts: [from, until). Without a known_at, the open-ended version.
struct Known {
  int32_t from = kKnownAlways;
  int32_t until = kKnownForever;
  bool At(std::optional<int32_t> known_at) const {
    if (!known_at) return until == kKnownForever;
    return from <= *known_at && *known_at < until;
  }
};

// One version of a fact that moves an amount: allocation, use, repayment,
// budget-frame use (policy kinds), or voucher / opening balances (rows).
struct MoneyFact {
  uint64_t seq = 0;  // the event's seq, or the correction's for a replacement
  Known known;
  int32_t from_day = 0;
  int32_t to_day = 0;  // kDayOpen: an open period
  uint32_t fund = kNoName;
  FactKind kind = FactKind::kAllocation;
  bool has_amount = false;  // false: a budget-frame use without an amount
  int64_t amount = 0;       // öre, > 0, for policy kinds
  uint32_t rows_begin = 0;  // voucher rows: rows_[begin, begin + count)
  uint32_t rows_count = 0;
};

// A voucher or opening-balance row: debit positive, credit negative.
struct Row {
  uint32_t account = kNoName;
  int64_t amount = 0;
};

// One version of an instantaneous transition that empties an account:
// a CloseOut, or a governance event (repeal) a policy gives weight to.
struct Transition {
  uint64_t seq = 0;
  Known known;
  int32_t from_day = 0;
  int32_t to_day = 0;
  uint32_t fund = kNoName;
  FactKind kind = FactKind::kCloseOut;
  uint32_t from_account = kNoName;  // close_out only
  uint32_t to_account = kNoName;
  uint32_t change_id = kNoName;  // tied PolicyChanged event_id, or kNoName
};

// One version of an event kept whole because queries read its fields:
// accounts, policies, policy changes, balance assertions, seals.
struct KeptEvent {
  uint64_t seq = 0;
  Known known;
  int32_t from_day = 0;
  int32_t to_day = 0;
  uint32_t fund = kNoName;
  v1::Event event;
};

// Which table holds one version of a logical fact.
enum class Table : uint8_t { kNone, kMoney, kTransition, kKept };
struct Version {
  int32_t known_from = kKnownAlways;
  uint64_t seq = 0;
  Table table = Table::kNone;
  uint32_t index = 0;
};

// Interned strings: fund ids, account ids, policy ids, event ids.
class Names {
 public:
  uint32_t Intern(absl::string_view text);
  uint32_t Find(absl::string_view text) const;  // kNoName when absent
  const std::string& Text(uint32_t id) const { return texts_[id]; }
  size_t size() const { return texts_.size(); }

 private:
  std::vector<std::string> texts_;
  absl::flat_hash_map<std::string, uint32_t> ids_;
};

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_FACTS_H_
