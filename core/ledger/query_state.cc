// The query state: the part of a projector a query without known_at reads,
// stored apart from the full state so that a fresh process answers a balance
// or a statement without decoding every money fact. Derived data, bound to
// the log by the snapshot header it is stored under (snapshots.cc).
//
// Format (version 2). varint, zz and the fact encodings as in state_codec.cc.
//   query    := magic "FLQS" version:varint state:bytes index
//   state    := Projector::SerializeState() of the light projector: names,
//               transitions and kept events whole; money and rows only the
//               vouchers and opening balances, every version (the day
//               index's residual facts, in money order); no correction chains
//   index    := size:varint groups period_groups unstated first_fact
//               first_candidates
//   groups   := count:varint (fund:varint kind:byte ksums)*
//   ksums    := all:sums n:varint (first_known:zz (known_step:varint)^(n-1)
//               when n > 0) (node:sums)^n   (KnownSums: the open-ended
//               versions' sums, the distinct known days, the Fenwick nodes)
//   sums     := n:varint first_day:zz (day_step:varint)^(n-1)
//               (prefix_step:zz)^(n+1)   (n > 0; just n = 0 when empty)
//               days ascend by their steps (>= 1); each prefix sum is the
//               previous one plus its step (the first: 0 plus its step)
//   period_groups := count:varint (fund:varint kind:byte by_first:ksums
//               by_last:ksums crossings:varint (gap:zz ksums)*)*
//   unstated := count:varint (fund:varint kind:byte by_first:ksums
//               by_last:ksums)*
//   first_fact := count:varint (money_index:varint fund:varint)*
//   first_candidates := count:varint (fund:varint complete:byte
//               n:varint (money_index:varint from:zz until:zz)^n)*
// (Version 1, without known days, is not decoded: the query falls back to
// the full state until a writing command or rebuild writes version 2.)
// The day index is the one Projector::IndexForQueries builds (day_index.h)
// without its copy of the period facts: everything in it is a sum by
// distinct day, so its size follows the span of days and the number of
// transitions, not the number of facts. A query that would visit period
// facts one by one (a plan boundary the index did not foresee: a
// statement's window marker, a transition ordered just before the query's
// day) gets kFailedPrecondition and is answered from the full state
// instead (LoadQueryProjector's callers). The residual list is implicit
// (every money fact of the light state). The crossing sums are written by
// ascending gap so equal states give equal bytes.
#include <openssl/sha.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/ledger/codec_io.h"
#include "core/ledger/day_index.h"
#include "core/ledger/known_pages.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger {
namespace {

using internal::DayIndex;
using internal::DaySums;
using internal::Reader;
using internal::Writer;

constexpr absl::string_view kMagic = "FLQS";
constexpr uint64_t kFormatVersion = 2;
constexpr absl::string_view kKnownMagic = "FLQK";
constexpr uint64_t kKnownFormatVersion = 1;

void PutSums(Writer& w, const std::vector<int32_t>& days,
             const std::vector<int64_t>& sums) {
  w.Varint(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    if (i == 0) {
      w.Zigzag(days[0]);
    } else {
      w.Varint(static_cast<uint64_t>(int64_t{days[i]} - days[i - 1]));
    }
  }
  for (size_t i = 0; i < sums.size(); ++i) {
    // Differences of int64 sums, wrapping: exact after the wrap back.
    w.Zigzag(static_cast<int64_t>(
        static_cast<uint64_t>(sums[i]) -
        (i == 0 ? 0 : static_cast<uint64_t>(sums[i - 1]))));
  }
}

// Ascending days with steps >= 1 (the first as zz).
bool GetDays(Reader& r, uint64_t n, std::vector<int32_t>* out) {
  int64_t day = 0;
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    if (i == 0) {
      day = r.Int32();
    } else {
      const uint64_t step = r.Varint();
      if (step == 0 || step > uint64_t{UINT32_MAX}) return false;
      day += static_cast<int64_t>(step);
      if (day > INT32_MAX) return false;
    }
    out->push_back(static_cast<int32_t>(day));
  }
  return r.ok();
}

// Reads days (ascending, distinct) and their days.size() + 1 sums.
bool GetSums(Reader& r, std::vector<int32_t>* days,
             std::vector<int64_t>* sums) {
  const uint64_t n = r.Count(2);
  if (!GetDays(r, n, days)) return false;
  uint64_t sum = 0;
  for (uint64_t i = 0; r.ok() && i <= n; ++i) {
    sum += static_cast<uint64_t>(r.Zigzag());
    sums->push_back(static_cast<int64_t>(sum));
  }
  return r.ok();
}

// The Fenwick part of `k` (its known days and nodes): the known state.
//   tree := n:varint (first_known:zz (known_step:varint)^(n-1) when n > 0)
//           (node)^n
//   node := m:varint (first_day:zz (day_step:varint)^(m-1)
//           (sum_step:zz)^m when m > 0)   (running sums within the node)
void PutKnownTree(Writer& w, const internal::KnownSums& k) {
  w.Varint(k.known.size());
  for (size_t i = 0; i < k.known.size(); ++i) {
    if (i == 0) {
      w.Zigzag(k.known[0]);
    } else {
      w.Varint(static_cast<uint64_t>(int64_t{k.known[i]} - k.known[i - 1]));
    }
  }
  for (size_t i = 0; i < k.node_end.size(); ++i) {
    const size_t begin = i == 0 ? 0 : k.node_end[i - 1];
    const size_t end = k.node_end[i];
    w.Varint(end - begin);
    for (size_t e = begin; e < end; ++e) {
      if (e == begin) {
        w.Zigzag(k.node_days[e]);
      } else {
        w.Varint(static_cast<uint64_t>(int64_t{k.node_days[e]} -
                                       k.node_days[e - 1]));
      }
    }
    for (size_t e = begin; e < end; ++e) {
      w.Zigzag(static_cast<int64_t>(
          static_cast<uint64_t>(k.node_sums[e]) -
          (e == begin ? 0 : static_cast<uint64_t>(k.node_sums[e - 1]))));
    }
  }
}

}  // namespace

namespace internal {

std::string KnownStream(uint64_t size,
                        const std::vector<const KnownSums*>& trees) {
  Writer w;
  for (char c : kKnownMagic) w.Byte(static_cast<uint8_t>(c));
  w.Varint(kKnownFormatVersion);
  w.Varint(size);
  w.Varint(trees.size());
  for (const KnownSums* k : trees) PutKnownTree(w, *k);
  return w.Take();
}

}  // namespace internal

// Friend of Projector: builds and restores light projectors.
class QueryStateCodec {
 public:
  // The query state and the known state of `p` ("" each when the day index
  // cannot be built or `p` is light); either pointer may be null.
  static void Encode(const Projector& p, std::string* query,
                     std::string* known);
  static absl::StatusOr<Projector> Decode(absl::string_view bytes);
  static absl::Status AttachPages(
      std::shared_ptr<const internal::KnownPages> pages, Projector* light);

 private:
  static std::string EncodeQuery(const Projector& p, const DayIndex& index);
  static std::string EncodeKnown(const DayIndex& index);
};

namespace {

// Every KnownSums of `index` in the order the known state lists them:
// groups, period groups (first day, last day, crossings by ascending gap),
// unstated groups (first day, last day).
template <typename Index, typename Fn>
void ForEachKnownSums(Index& index, Fn fn) {
  for (auto& g : index.groups) fn(g.sums);
  for (auto& g : index.period_groups) {
    fn(g.by_first);
    fn(g.by_last);
    std::vector<int32_t> gaps;
    for (const auto& [gap, sums] : g.crossing) gaps.push_back(gap);
    std::sort(gaps.begin(), gaps.end());
    for (int32_t gap : gaps) fn(g.crossing.at(gap));
  }
  for (auto& g : index.unstated) {
    fn(g.by_first);
    fn(g.by_last);
  }
}

}  // namespace

void QueryStateCodec::Encode(const Projector& p, std::string* query,
                             std::string* known) {
  if (query != nullptr) query->clear();
  if (known != nullptr) known->clear();
  if (p.light_) return;  // its index no longer sees the indexed facts
  // The index IndexForQueries built, while it is current, is what a build
  // here would give (the same function of the same facts): verify's digests
  // and the checks after them share one build.
  const DayIndex* index = p.day_index_.get();
  std::unique_ptr<DayIndex> built;
  if (index == nullptr || index->size != p.size()) {
    built = internal::BuildDayIndex(p.money_, p.QueryGaps(), p.next_seq_);
    index = built.get();
  }
  if (index == nullptr) return;
  if (query != nullptr) *query = EncodeQuery(p, *index);
  if (known != nullptr) *known = EncodeKnown(*index);
}

std::string QueryStateCodec::EncodeKnown(const DayIndex& index) {
  std::vector<const internal::KnownSums*> trees;
  ForEachKnownSums(index,
                   [&](const internal::KnownSums& k) { trees.push_back(&k); });
  return internal::KnownStream(index.size, trees);
}

absl::Status QueryStateCodec::AttachPages(
    std::shared_ptr<const internal::KnownPages> pages, Projector* light) {
  if (!light->light_ || light->day_index_ == nullptr) {
    return absl::FailedPreconditionError(
        "the known state completes a light projector");
  }
  DayIndex& index = *light->day_index_;
  uint64_t count = 0;
  ForEachKnownSums(index, [&](internal::KnownSums&) { ++count; });
  if (pages == nullptr || pages->count() != count) {
    return absl::DataLossError(
        "known state: another number of sums than the query state");
  }
  uint32_t tree = 0;
  ForEachKnownSums(index, [&](internal::KnownSums& k) {
    k.known.clear();
    k.node_end.clear();
    k.node_days.clear();
    k.node_sums.clear();
    k.pages = pages.get();
    k.tree = tree++;
  });
  index.known_pages = std::move(pages);
  index.known_kept = true;
  return absl::OkStatus();
}

std::string QueryStateCodec::EncodeQuery(const Projector& p,
                                         const DayIndex& index_ref) {
  const DayIndex* index = &index_ref;
  Projector light;
  light.next_seq_ = p.next_seq_;
  light.names_ = p.names_;
  light.transitions_ = p.transitions_;
  light.kept_ = p.kept_;
  for (uint32_t m : index->residual_all) {
    internal::MoneyFact fact = p.money_[m];
    const uint32_t begin = static_cast<uint32_t>(light.rows_.size());
    for (uint32_t r = 0; r < fact.rows_count; ++r) {
      light.rows_.push_back(p.rows_[fact.rows_begin + r]);
    }
    fact.rows_begin = begin;
    light.money_.push_back(fact);
  }
  Writer w;
  for (char c : kMagic) w.Byte(static_cast<uint8_t>(c));
  w.Varint(kFormatVersion);
  w.Bytes(light.SerializeState());
  w.Varint(index->size);
  w.Varint(index->groups.size());
  for (const DayIndex::Group& g : index->groups) {
    w.Varint(g.fund);
    w.Byte(static_cast<uint8_t>(g.kind));
    PutSums(w, g.sums.all.days, g.sums.all.sums);
  }
  w.Varint(index->period_groups.size());
  for (const DayIndex::PeriodGroup& g : index->period_groups) {
    w.Varint(g.fund);
    w.Byte(static_cast<uint8_t>(g.kind));
    PutSums(w, g.by_first.all.days, g.by_first.all.sums);
    PutSums(w, g.by_last.all.days, g.by_last.all.sums);
    std::vector<int32_t> gaps;
    for (const auto& [gap, sums] : g.crossing) gaps.push_back(gap);
    std::sort(gaps.begin(), gaps.end());
    w.Varint(gaps.size());
    for (int32_t gap : gaps) {
      w.Zigzag(gap);
      const DaySums& sums = g.crossing.at(gap).all;
      PutSums(w, sums.days, sums.sums);
    }
  }
  w.Varint(index->unstated.size());
  for (const DayIndex::UnstatedGroup& g : index->unstated) {
    w.Varint(g.fund);
    w.Byte(static_cast<uint8_t>(g.kind));
    PutSums(w, g.by_first.all.days, g.by_first.all.sums);
    PutSums(w, g.by_last.all.days, g.by_last.all.sums);
  }
  w.Varint(index->first_fact.size());
  for (const auto& [at, fund] : index->first_fact) {
    w.Varint(at);
    w.Varint(fund);
  }
  w.Varint(index->first_candidates.size());
  for (const DayIndex::FirstCandidates& c : index->first_candidates) {
    w.Varint(c.fund);
    w.Byte(c.complete ? 1 : 0);
    w.Varint(c.versions.size());
    for (const auto& [at, known] : c.versions) {
      w.Varint(at);
      w.Zigzag(known.from);
      w.Zigzag(known.until);
    }
  }
  return w.Take();
}

absl::StatusOr<Projector> QueryStateCodec::Decode(absl::string_view bytes) {
  auto loss = [](absl::string_view why) {
    return absl::DataLossError(absl::StrCat("query state: ", why));
  };
  Reader r(bytes);
  for (char c : kMagic) {
    if (r.Byte() != static_cast<uint8_t>(c)) return loss("bad magic");
  }
  if (r.Varint() != kFormatVersion) return loss("unknown format version");
  absl::StatusOr<Projector> light = Projector::FromState(r.Bytes());
  if (!r.ok()) return loss("truncated");
  if (!light.ok()) return light.status();
  Projector& p = *light;
  const uint64_t names = p.names_.size();
  auto name_ok = [&](uint64_t id) { return id < names; };
  auto rule_kind = [](uint8_t kind) {
    return kind < static_cast<uint8_t>(internal::kRuleKinds);
  };
  auto index = std::make_unique<DayIndex>();
  index->size = r.Varint();
  bool valid = r.ok() && index->size == p.next_seq_;
  const uint64_t groups = valid ? r.Count(3) : 0;
  for (uint64_t i = 0; valid && i < groups; ++i) {
    DayIndex::Group& g = index->groups.emplace_back();
    g.fund = r.Uint32();
    const uint8_t kind = r.Byte();
    g.kind = static_cast<internal::FactKind>(kind);
    valid = r.ok() && name_ok(g.fund) && rule_kind(kind) &&
            GetSums(r, &g.sums.all.days, &g.sums.all.sums);
  }
  index->periods_kept = false;
  const uint64_t period_groups = valid ? r.Count(4) : 0;
  for (uint64_t i = 0; valid && i < period_groups; ++i) {
    DayIndex::PeriodGroup& g = index->period_groups.emplace_back();
    g.fund = r.Uint32();
    const uint8_t kind = r.Byte();
    g.kind = static_cast<internal::FactKind>(kind);
    valid = r.ok() && name_ok(g.fund) && rule_kind(kind) &&
            GetSums(r, &g.by_first.all.days, &g.by_first.all.sums) &&
            GetSums(r, &g.by_last.all.days, &g.by_last.all.sums);
    const uint64_t crossings = valid ? r.Count(3) : 0;
    for (uint64_t j = 0; valid && j < crossings; ++j) {
      const int32_t gap = r.Int32();
      internal::KnownSums& sums = g.crossing[gap];
      valid = r.ok() && sums.all.days.empty() && sums.all.sums.empty() &&
              GetSums(r, &sums.all.days, &sums.all.sums);
    }
  }
  const uint64_t unstated = valid ? r.Count(4) : 0;
  for (uint64_t i = 0; valid && i < unstated; ++i) {
    DayIndex::UnstatedGroup& g = index->unstated.emplace_back();
    g.fund = r.Uint32();
    const uint8_t kind = r.Byte();
    g.kind = static_cast<internal::FactKind>(kind);
    valid = r.ok() && name_ok(g.fund) && rule_kind(kind) &&
            GetSums(r, &g.by_first.all.days, &g.by_first.all.sums) &&
            GetSums(r, &g.by_last.all.days, &g.by_last.all.sums);
  }
  const uint64_t first = valid ? r.Count(2) : 0;
  for (uint64_t i = 0; valid && i < first; ++i) {
    const uint32_t at = r.Uint32();
    const uint32_t fund = r.Uint32();
    valid = r.ok() && name_ok(fund);
    index->first_fact.emplace_back(at, fund);
  }
  const uint64_t candidates = valid ? r.Count(3) : 0;
  for (uint64_t i = 0; valid && i < candidates; ++i) {
    DayIndex::FirstCandidates& c = index->first_candidates.emplace_back();
    c.fund = r.Uint32();
    const uint8_t complete = r.Byte();
    const uint64_t n = r.Count(3);
    valid = r.ok() && name_ok(c.fund) && complete <= 1;
    c.complete = complete == 1;
    for (uint64_t j = 0; valid && j < n; ++j) {
      const uint32_t at = r.Uint32();
      internal::Known known;
      known.from = r.Int32();
      known.until = r.Int32();
      valid = r.ok();
      c.versions.emplace_back(at, known);
    }
  }
  if (!valid || !r.ok()) return loss("corrupt or truncated");
  if (!r.done()) return loss("trailing bytes");
  for (uint32_t m = 0; m < p.money_.size(); ++m) {
    if (internal::IsRuleKind(p.money_[m].kind)) {
      return loss("a policy-kind fact among the residual facts");
    }
    if (p.money_[m].known.At(std::nullopt)) index->residual.push_back(m);
    index->residual_all.push_back(m);
  }
  index->known_kept = false;  // until DecodeKnown
  p.day_index_ = std::move(index);
  p.light_ = true;
  return light;
}

std::string Projector::SerializeQueryState() const {
  std::string query;
  QueryStateCodec::Encode(*this, &query, nullptr);
  return query;
}

std::string Projector::SerializeKnownState() const {
  std::string known;
  QueryStateCodec::Encode(*this, nullptr, &known);
  return known;
}

void Projector::SerializeQueryStates(std::string* query,
                                     std::string* known) const {
  QueryStateCodec::Encode(*this, query, known);
}

std::string Projector::KnownStateSha256() const {
  const std::string state = internal::KnownDirectory(SerializeKnownState());
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(state.data()), state.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

absl::Status Projector::AttachKnownPages(
    std::shared_ptr<const internal::KnownPages> pages) {
  return QueryStateCodec::AttachPages(std::move(pages), this);
}

std::string Projector::QueryStateSha256() const {
  const std::string state = SerializeQueryState();
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(state.data()), state.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

absl::StatusOr<Projector> Projector::FromQueryState(absl::string_view bytes) {
  return QueryStateCodec::Decode(bytes);
}

}  // namespace fundlog::ledger
