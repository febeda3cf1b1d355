// The entries of the `index` family that one event implies (key grammar in
// key_format.h). The records are the truth; the index is derived from them
// by this one function, whether it is written at append, derived again by
// rebuild, or recomputed by verify to check the stored one.
#ifndef FUNDLOG_CORE_STORE_INDEX_ENTRIES_H_
#define FUNDLOG_CORE_STORE_INDEX_ENTRIES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fundlog/v1/events.pb.h"

namespace fundlog {

using IndexEntry = std::pair<std::string, std::string>;  // (key, value)

// Appends to `out` the entries of `event` stored as record `seq`: by day for
// all funds ('E') and for its fund ('F'), its event id ('I'), and the fund
// ('U'), policy ('P') and accounts ('A') it defines. The imported-file entry
// ('H') belongs to the first record of a file and is not among them.
void AddIndexEntries(const v1::Event& event, uint64_t seq,
                     std::vector<IndexEntry>* out);

// The effective start day, the day of the by-day entries ("YYYY-MM-DD").
const std::string& IndexDay(const v1::Event& event);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_INDEX_ENTRIES_H_
