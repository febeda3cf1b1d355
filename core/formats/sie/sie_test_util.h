// Helpers shared by the SIE tests: import into memory, validate as the store
// would, and compare balances with the file's own assertions.
#ifndef FUNDLOG_CORE_FORMATS_SIE_SIE_TEST_UTIL_H_
#define FUNDLOG_CORE_FORMATS_SIE_SIE_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/formats/sie/sie_import.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::sie {

struct Imported {
  ImportSummary summary;
  std::vector<v1::StoredRecord> records;  // seq 0.., as a fresh log holds them
  int assertions = 0;
};

// Imports the SIE file at `path` (or `bytes`) into a fresh in-memory log of
// fund "f", after `prior` records.
absl::StatusOr<Imported> ImportForTest(const std::string& path,
                                       const std::string& display_name);
absl::StatusOr<Imported> ImportBytesForTest(
    absl::string_view bytes, const std::string& display_name,
    const std::vector<v1::StoredRecord>& prior = {});

// ValidateBatch over all records, as the store checks an append to an empty
// log.
absl::Status ValidateForTest(const std::vector<v1::StoredRecord>& records);

// One line per BalanceAsserted whose account's balance under the reported
// view at its day differs from the asserted amount.
std::vector<std::string> AssertionMismatches(
    const std::vector<v1::StoredRecord>& records);

}  // namespace fundlog::sie

#endif  // FUNDLOG_CORE_FORMATS_SIE_SIE_TEST_UTIL_H_
