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

// The same bytes SerializeRecord gives for a StoredRecord of these four
// fields, written without copying `event` into a record (the staging of a
// large import serializes each event once). Caches sizes in `event` and
// `provenance`.
std::string SerializeRecordOf(uint64_t seq, int64_t appended_at_micros,
                              const v1::Event& event,
                              const v1::Provenance& provenance);

}  // namespace fundlog::internal

#endif  // FUNDLOG_CORE_STORE_RECORD_ENTRIES_H_
