// How one record is stored: its bytes and its append time (its `index`
// entries come from index_entries.h). Private to core/store; shared by
// Append and the append session, so that both write the same bytes.
#ifndef FUNDLOG_CORE_STORE_RECORD_ENTRIES_H_
#define FUNDLOG_CORE_STORE_RECORD_ENTRIES_H_

#include <cstdint>
#include <string>

#include "fundlog/v1/events.pb.h"

namespace fundlog::internal {

// The system time in microseconds since the epoch (for appended_at).
int64_t NowMicros();

// The record's bytes as stored. Deterministic map order, so the same record
// always yields the same bytes on this build. Verification never depends on
// it: it hashes stored bytes. Caches sizes in `record`.
std::string SerializeRecord(v1::StoredRecord& record);

}  // namespace fundlog::internal

#endif  // FUNDLOG_CORE_STORE_RECORD_ENTRIES_H_
