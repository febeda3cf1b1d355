// Per-object figures (events.proto, ObjectBalances) as of a day: for each
// account and combination of dimension objects, the latest figure a source
// states (an opening or closing balance) plus the months' movements the
// source states after it. A breakdown of the accounts' balances, never
// added to them; what `balance --by-object` prints.
//
// Thread-safe: free functions over records the caller holds.
#ifndef FUNDLOG_CORE_AUDIT_OBJECT_VIEW_H_
#define FUNDLOG_CORE_AUDIT_OBJECT_VIEW_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

struct ObjectFigure {
  std::string account;
  std::map<std::string, std::string> objects;  // dimension -> object
  // The latest stated balance on or before the day, if any: its amount
  // (debit positive), its day and "opening"/"closing".
  std::optional<int64_t> stated_ore;
  std::string stated_kind;
  absl::CivilDay stated_day;
  int64_t movements_ore = 0;  // stated months after it, up to the day
  int months = 0;             // how many months those are
  int64_t balance_ore() const { return stated_ore.value_or(0) + movements_ore; }
};

// The events in effect as known on `known_at` (as known now when unset): per
// record that is not a correction, its last version known by then (the
// original or a correction's replacement, in the projector's order: by
// recorded_on, then seq), none when that version is a reversal or the
// original was not yet known. Pointers into `records`.
std::vector<const v1::Event*> EventsInEffect(
    absl::Span<const v1::StoredRecord> records,
    std::optional<absl::CivilDay> known_at);

// The figures as of the end of `as_of`, from events recorded on or before
// `known_at` (all when unset), of `fund_id` (all when empty); sorted by
// account, then objects.
std::vector<ObjectFigure> ObjectFiguresAt(
    absl::Span<const v1::StoredRecord> records, absl::CivilDay as_of,
    std::optional<absl::CivilDay> known_at, const std::string& fund_id);

// A table: account, objects, stated balance, movements, balance (kronor).
std::string ObjectFiguresTable(const std::vector<ObjectFigure>& figures);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_OBJECT_VIEW_H_
