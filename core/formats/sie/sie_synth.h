// Synthetic SIE 4E files for benchmarks and property tests. Every file is
// labelled: #PROSA and #FNAMN say it is synthetic and name the seed, so it is
// never mistaken for real bookkeeping. The same seed gives the same bytes.
//
// Thread-safe: a free function without shared state.
#ifndef FUNDLOG_CORE_FORMATS_SIE_SIE_SYNTH_H_
#define FUNDLOG_CORE_FORMATS_SIE_SIE_SYNTH_H_

#include <cstdint>
#include <functional>

#include "absl/strings/string_view.h"

namespace fundlog::sie {

struct SynthOptions {
  uint64_t seed = 1;
  uint64_t vouchers = 1000;
  int year = 2020;
};

// Calls `write` with successive pieces of a CP437 SIE 4E file: #KSUMMA,
// #KONTO/#KTYP for a BAS-like chart (names with å ä ö), a balanced #IB 0,
// `vouchers` #VERs of 2-5 rows summing to zero (dates in order within the
// year, some rows with objects), and the file's own #UB 0 / #RES 0, which
// equal #IB plus the vouchers. The file is produced in two passes over the
// same seed (sums, then text), so memory does not grow with `vouchers`.
void GenerateSyntheticSie(const SynthOptions& options,
                          const std::function<void(absl::string_view)>& write);

}  // namespace fundlog::sie

#endif  // FUNDLOG_CORE_FORMATS_SIE_SIE_SYNTH_H_
