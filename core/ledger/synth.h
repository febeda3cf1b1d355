// Synthetic ledgers for benchmarks and property tests. Every event is
// labelled: its source title is "synthetic" and its note names the
// generator and seed, so synthetic data is never mistaken for a real history.
//
// Thread-safe: a free function without shared state.
#ifndef FUNDLOG_CORE_LEDGER_SYNTH_H_
#define FUNDLOG_CORE_LEDGER_SYNTH_H_

#include <cstdint>
#include <vector>

#include "fundlog/v1/events.pb.h"

namespace fundlog::ledger {

// Records seq 0.. of a ledger drawn from `seed` (the same seed gives the
// same bytes on every platform): org-wide accounts, then per fund its
// establishment, fund-line account, two policies (a fund line with a bound
// of 0, and a budget frame), the first policy from 2000-01-01, an opening
// allocation, and a change to the budget frame in an unknown day of one year
// with a tied close-out of the fund line into equity; then allocations, uses
// (some over periods of years), repayments, budget-frame uses (some without
// an amount), corrections (replacements and reversals recorded later),
// up to two untied close-outs and one repeal with an open period per fund,
// and governance events,
// 2000-2019. Returns max(events, 1 + 8 * funds) records; funds < 1 counts
// as 1, events < 0 as 0.
std::vector<v1::StoredRecord> GenerateSynthetic(uint64_t seed, int events,
                                                int funds);

}  // namespace fundlog::ledger

#endif  // FUNDLOG_CORE_LEDGER_SYNTH_H_
