// What one record puts into the log besides itself: its stored bytes and its
// `index` entries. Private to core/store; shared by Append, the append
// session and RebuildIndex, so that all three write the same keys.
#ifndef FUNDLOG_CORE_STORE_RECORD_ENTRIES_H_
#define FUNDLOG_CORE_STORE_RECORD_ENTRIES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fundlog/v1/events.pb.h"

namespace fundlog::internal {

// The system time in microseconds since the epoch (for appended_at).
int64_t NowMicros();

// The record's bytes as stored. Deterministic map order, so the same record
// always yields the same bytes on this build. Verification never depends on
// it: it hashes stored bytes. Caches sizes in `record`.
std::string SerializeRecord(v1::StoredRecord& record);

// Appends the `index` entries of `event` stored as `seq` (key grammar in
// key_format.h). The by-day entries have an empty value; the named ones
// (event id, fund, policy, accounts: what validation looks up) carry the
// big-endian sequence number.
void AddIndexEntries(const v1::Event& event, uint64_t seq,
                     std::vector<std::pair<std::string, std::string>>* out);

}  // namespace fundlog::internal

#endif  // FUNDLOG_CORE_STORE_RECORD_ENTRIES_H_
