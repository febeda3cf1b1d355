// Projector: the incremental projection state of the ledger. Records are
// folded in seq order; queries evaluate the state at any date, as known on
// any date, under any view. The free functions of ledger.h are built on it.
//
// State. One compact version per money fact (48 bytes), per transition
// (CloseOut, repeal) and, kept whole, each AccountsDefined, PolicyDefined,
// PolicyChanged, BalanceAsserted and StatementSealed; plus the version chains
// of corrected facts. Governance events without accounting weight leave
// nothing. A query needs the state plus scratch that grows with the number of
// accounts and uncertain transitions, never with the number of records.
//
// Ranges. A fact known for a period is split, in any proportion, over the
// stretches of time between the transitions (policy changes, close-outs,
// repeals) that can fall inside its period; every ordering of transitions
// whose windows allow it is a scenario; balances are the union of the
// scenarios' ranges, each narrowed by the bounds of the policy in force at
// the query date in that scenario (a scenario a bound rules out is dropped).
// Within one scenario each fact is optimised on its own, so the hull can be
// looser than the exact set when two period facts each need a transition at a
// different moment of the same window (the hull lets both have their way),
// and a bound narrows only the bounded account (other accounts keep the
// wider range). It is exact when such windows hold at most one fact's
// preference, as in the Trelleborg history.
//
// Snapshots. SerializeState() is everything a later process needs to resume:
// restore with FromState() and Add() records from size() on. A snapshot
// store should keep alongside the bytes the log size they cover and the
// Merkle root at that size, and discard a snapshot whose root no longer
// matches the log (derived data is never trusted over the log).
//
// Thread safety: const methods may run concurrently; Add needs exclusion.
#ifndef FUNDLOG_CORE_LEDGER_PROJECTOR_H_
#define FUNDLOG_CORE_LEDGER_PROJECTOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/ledger/day_index.h"
#include "core/ledger/facts.h"
#include "core/ledger/ledger.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::ledger {

namespace internal {
class QueryContext;
}  // namespace internal

class Projector {
 public:
  Projector() = default;
  Projector(Projector&&) = default;
  Projector& operator=(Projector&&) = default;

  // Folds the next record. kFailedPrecondition (state unchanged) unless
  // record.seq() == size(). kInvalidArgument naming seq and field for a
  // malformed event (bad date, amount <= 0, correction of a later record):
  // the record is then counted in size() but contributes nothing, so a
  // verifier may keep folding. A Correction counts from its own recorded_on
  // (a replacement's recorded_on is ignored); one naming an earlier
  // Correction corrects the same original, superseding it from then on.
  absl::Status Add(const v1::StoredRecord& record);

  // Number of records folded (the next expected seq).
  uint64_t size() const { return next_seq_; }

  // The queries of ledger.h on the records folded so far.
  absl::StatusOr<std::vector<AccountRange>> BalancesAt(
      const BalanceQuery& query) const;
  absl::StatusOr<std::vector<Posting>> PostingsAt(
      const BalanceQuery& query) const;
  absl::StatusOr<Statement> StatementFor(const StatementQuery& query) const;
  absl::StatusOr<std::vector<KindTotal>> TotalsFor(
      const TotalsQuery& query) const;

  // Earliest and latest effective day of any fact (0, 0 when none), the
  // dates verify checks between.
  std::pair<int32_t, int32_t> EffectiveDayRange() const;
  // Active (everything known) BalanceAsserted events.
  std::vector<const internal::KeptEvent*> ActiveAssertions() const;

  // Builds prefix sums by effective day (day_index.h) so that later queries
  // without known_at cost O(vouchers) plus O(log n) per fund, kind and pair
  // of zones instead of a pass over every fact (plus, at a plan boundary the
  // index did not foresee, the period facts lying wholly between it and the
  // next one).
  // Worth it for a projector that answers many queries (a server); a
  // one-shot query does not need it. Answers are the same either way. Needs
  // exclusion like Add; Add makes the index stale (then it is not used)
  // until this is called again.
  void IndexForQueries();

  // The state as bytes (format in state_codec.cc) and back. FromState
  // returns kDataLoss for bytes that do not decode.
  std::string SerializeState() const;
  static absl::StatusOr<Projector> FromState(absl::string_view bytes);
  // SHA-256 of SerializeState(), computed without holding those bytes.
  std::string StateSha256() const;

  // The query state (format in query_state.cc): what a query without
  // known_at reads, and nothing that grows with the log's policy-kind facts
  // beyond their period facts: names, kept events, transitions, the day
  // index's sums and the open-ended vouchers. "" when the day index cannot
  // be built (a sum overflows). FromQueryState gives a light projector
  // (light() true) that answers BalancesAt, StatementFor and TotalsFor
  // without known_at (with known_at once AttachKnownPages has run) exactly
  // as the projector it was taken from, or returns kFailedPrecondition where
  // it cannot; PostingsAt and Add always return kFailedPrecondition on it.
  // kDataLoss for bytes that do not decode.
  std::string SerializeQueryState() const;
  static absl::StatusOr<Projector> FromQueryState(absl::string_view bytes);
  // SHA-256 of SerializeQueryState() (a small value: encoded whole).
  std::string QueryStateSha256() const;
  // The known state (format in query_state.cc): the day index's versions
  // by known day (KnownSums' Fenwick trees, day_index.h), which a light
  // projector needs for queries with known_at; stored apart, as pages
  // (known_pages.h), so that a query reads only the nodes it adds up. ""
  // as SerializeQueryState. KnownStateSha256 is the SHA-256 of its
  // directory (KnownDirectory), which holds the stream's own SHA-256. Attach
  // the stored pages to a light projector restored from the query state of
  // the same projector with AttachKnownPages (kDataLoss when they list
  // another number of sums; kFailedPrecondition on a projector that is not
  // light). Without them a light projector refuses known_at queries as
  // before; with them, a page that cannot be read or checked makes the
  // query return kFailedPrecondition (answered from the full state).
  std::string SerializeKnownState() const;
  std::string KnownStateSha256() const;
  absl::Status AttachKnownPages(
      std::shared_ptr<const internal::KnownPages> pages);
  // Both states from one build of the day index.
  void SerializeQueryStates(std::string* query, std::string* known) const;
  bool light() const { return light_; }

 private:
  friend class internal::QueryContext;
  friend class StateCodec;
  friend class QueryStateCodec;

  struct Parsed;
  absl::StatusOr<Parsed> Parse(const v1::Event& event, uint64_t seq,
                               int32_t known_from) const;
  internal::Version Commit(const Parsed& parsed);
  absl::Status AddCorrection(const v1::Event& event, uint64_t seq);
  internal::Version Locate(uint64_t seq) const;
  void SetKnownUntil(const internal::Version& version, int32_t until);
  // Per fund, the days after which a plan boundary may fall (IndexForQueries).
  absl::flat_hash_map<uint32_t, std::vector<int32_t>> QueryGaps() const;

  uint64_t next_seq_ = 0;
  internal::Names names_;
  std::vector<internal::MoneyFact> money_;
  std::vector<internal::Row> rows_;
  std::vector<internal::Transition> transitions_;
  std::vector<internal::KeptEvent> kept_;
  // Corrections: correction seq -> the seq of the original it ultimately
  // corrects; original seq -> its versions in (known_from, seq) order.
  absl::flat_hash_map<uint64_t, uint64_t> correction_root_;
  absl::flat_hash_map<uint64_t, std::vector<internal::Version>> versions_;
  std::unique_ptr<internal::DayIndex> day_index_;  // derived, never encoded
  // Restored by FromQueryState: money_ and rows_ hold only the open-ended
  // vouchers, version chains are empty, and day_index_ is current.
  bool light_ = false;
};

}  // namespace fundlog::ledger

#endif  // FUNDLOG_CORE_LEDGER_PROJECTOR_H_
