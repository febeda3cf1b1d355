// The JSON answers the CLI prints with --json and `fundlog serve` returns,
// for one record and for proofs: one implementation for both, so that the
// API answers exactly what the command line does.
//
// Thread-safe as far as the EventLog is: reads only.
#ifndef FUNDLOG_CORE_AUDIT_QUERY_JSON_H_
#define FUNDLOG_CORE_AUDIT_QUERY_JSON_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/audit/proof_json.h"
#include "core/store/event_log.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {

// `show SEQ --json`: the StoredRecord in protobuf's JSON mapping with proto
// field names, and a newline. kInternal if protobuf cannot print it.
absl::StatusOr<std::string> RecordJson(const v1::StoredRecord& record);

// `prove SEQ --size N --json`. kOutOfRange when size exceeds the log's size
// or seq is not below size; storage errors (kDataLoss) pass through.
absl::StatusOr<InclusionProofDoc> InclusionProofOf(const EventLog& log,
                                                   uint64_t seq, uint64_t size);

// `consistency --from M --to N --json`. kOutOfRange when either size
// exceeds the log's size or old_size > new_size.
absl::StatusOr<ConsistencyProofDoc> ConsistencyProofOf(const EventLog& log,
                                                       uint64_t old_size,
                                                       uint64_t new_size);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_QUERY_JSON_H_
