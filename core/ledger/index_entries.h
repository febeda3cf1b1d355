// The entries of the `index` family that one event implies (key grammar in
// key_format.h). The records are the truth; the index is derived from them
// by this one function, whether it is written at append, derived again by
// rebuild, or recomputed by verify to check the stored one.
#ifndef FUNDLOG_CORE_LEDGER_INDEX_ENTRIES_H_
#define FUNDLOG_CORE_LEDGER_INDEX_ENTRIES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "core/store/key_format.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

using IndexEntry = std::pair<std::string, std::string>;  // (key, value)

// Appends to `out` the entries of `event` stored as record `seq`: by day for
// all funds ('E') and for its fund ('F'), its event id ('I'), and the fund
// ('U'), policy ('P') and accounts ('A') it defines, and for an event
// effective over a period, its entries by length class ('L', 'M'). The
// imported-file entry
// ('H') belongs to the first record of a file and is not among them.
void AddIndexEntries(const v1::Event& event, uint64_t seq,
                     std::vector<IndexEntry>* out);

// The entries AddIndexEntries appends, in the same order, handed to `visit`
// one at a time instead: each key is built in `buffer`, which the caller
// keeps across calls, so that a pass over many records (verify, rebuild)
// allocates nothing per entry once the buffer has grown. The views are
// valid until `visit` returns.
void VisitIndexEntries(
    const v1::Event& event, uint64_t seq, std::string* buffer,
    absl::FunctionRef<void(absl::string_view key, absl::string_view value)>
        visit);

// The effective start day, the day of the by-day entries ("YYYY-MM-DD").
const std::string& IndexDay(const v1::Event& event);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_LEDGER_INDEX_ENTRIES_H_
