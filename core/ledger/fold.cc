// Folding records into the projection state: validation of each event into a
// compact fact, and the version chains that corrections create.
#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/base/dates.h"
#include "core/ledger/facts.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger {

using internal::FactKind;
using internal::Table;
using internal::Version;

// An event validated but not yet committed: strings still point into it.
struct Projector::Parsed {
  Table table = Table::kNone;
  const v1::Event* event = nullptr;
  FactKind kind = FactKind::kAllocation;
  uint64_t seq = 0;
  int32_t known_from = 0;
  int32_t from_day = 0;
  int32_t to_day = 0;
  bool has_amount = false;
  int64_t amount = 0;
  absl::string_view from_account, to_account, change_id;
};

namespace {

absl::Status Bad(uint64_t seq, absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("seq ", seq, ": ", field, ": ", why));
}

absl::StatusOr<int32_t> Day(uint64_t seq, absl::string_view field,
                            const std::string& text) {
  auto day = ParseDay(text);
  if (!day.ok()) return Bad(seq, field, day.status().message());
  return internal::DayNumber(*day);
}

// Reads `effective` into [from, to] days; `required` false lets an event
// without one (a policy definition) through with [0, 0].
absl::Status ReadEffective(const v1::Event& event, uint64_t seq, bool required,
                           int32_t* from, int32_t* to) {
  const v1::Effective& effective = event.effective();
  *from = *to = 0;
  if (effective.has_period()) {
    auto f = Day(seq, "effective.period.from", effective.period().from());
    if (!f.ok()) return f.status();
    *from = *f;
    *to = internal::kDayOpen;
    if (!effective.period().to().empty()) {
      auto t = Day(seq, "effective.period.to", effective.period().to());
      if (!t.ok()) return t.status();
      if (*t < *f) return Bad(seq, "effective.period", "to is before from");
      *to = *t;
    }
    return absl::OkStatus();
  }
  if (effective.when_case() == v1::Effective::kDay) {
    auto d = Day(seq, "effective.day", effective.day());
    if (!d.ok()) return d.status();
    *from = *to = *d;
    return absl::OkStatus();
  }
  return required ? Bad(seq, "effective", "missing") : absl::OkStatus();
}

absl::Status CheckAmount(uint64_t seq, absl::string_view field, int64_t ore) {
  if (ore <= 0) return Bad(seq, field, absl::StrCat("must be > 0, got ", ore));
  return absl::OkStatus();
}

absl::Status CheckRows(const v1::Event& event, uint64_t seq) {
  const auto& rows = event.has_voucher()
                         ? event.voucher().rows()
                         : google::protobuf::RepeatedPtrField<v1::VoucherRow>();
  if (event.has_voucher() && rows.size() < 2) {
    return Bad(seq, "voucher.rows", "a voucher needs at least two rows");
  }
  for (const auto& row : rows) {
    if (row.account().empty()) return Bad(seq, "voucher.rows.account", "empty");
    if (row.amount_ore() == std::numeric_limits<int64_t>::min()) {
      return Bad(seq, "voucher.rows.amount_ore", "out of range");
    }
  }
  for (const auto& row : event.opening_balances().balances()) {
    if (row.account().empty()) {
      return Bad(seq, "opening_balances.balances.account", "empty");
    }
    if (row.amount_ore() == std::numeric_limits<int64_t>::min()) {
      return Bad(seq, "opening_balances.balances.amount_ore", "out of range");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Projector::Parsed> Projector::Parse(const v1::Event& event,
                                                   uint64_t seq,
                                                   int32_t known_from) const {
  Parsed p;
  p.event = &event;
  p.seq = seq;
  p.known_from = known_from;
  bool needs_fund = true;
  switch (event.payload_case()) {
    case v1::Event::kAllocation:
    case v1::Event::kUse:
    case v1::Event::kRepayment: {
      const int64_t ore = event.has_allocation()
                              ? event.allocation().amount_ore()
                          : event.has_use() ? event.use().amount_ore()
                                            : event.repayment().amount_ore();
      p.kind = event.has_allocation() ? FactKind::kAllocation
               : event.has_use()      ? FactKind::kUse
                                      : FactKind::kRepayment;
      if (auto s = CheckAmount(seq, "amount_ore", ore); !s.ok()) return s;
      p.table = Table::kMoney;
      p.has_amount = true;
      p.amount = ore;
      break;
    }
    case v1::Event::kBudgetFrameUse:
      p.table = Table::kMoney;
      p.kind = FactKind::kBudgetFrameUse;
      p.has_amount = event.budget_frame_use().has_amount_ore();
      p.amount = event.budget_frame_use().amount_ore();
      if (p.has_amount) {
        if (auto s = CheckAmount(seq, "budget_frame_use.amount_ore", p.amount);
            !s.ok()) {
          return s;
        }
      }
      break;
    case v1::Event::kVoucher:
    case v1::Event::kOpeningBalances:
      if (auto s = CheckRows(event, seq); !s.ok()) return s;
      p.table = Table::kMoney;
      p.kind =
          event.has_voucher() ? FactKind::kVoucher : FactKind::kOpeningBalances;
      break;
    case v1::Event::kCloseOut: {
      const v1::CloseOut& close = event.close_out();
      if (close.from_account().empty() || close.to_account().empty()) {
        return Bad(seq, "close_out", "from_account and to_account required");
      }
      if (close.from_account() == close.to_account()) {
        return Bad(seq, "close_out", "from_account equals to_account");
      }
      p.table = Table::kTransition;
      p.kind = FactKind::kCloseOut;
      p.from_account = close.from_account();
      p.to_account = close.to_account();
      p.change_id = close.policy_change_event_id();
      break;
    }
    case v1::Event::kGuidelinesRepealed:
      p.table = Table::kTransition;
      p.kind = FactKind::kGuidelinesRepealed;
      break;
    case v1::Event::kPolicyChanged:
      if (event.policy_changed().policy_id().empty()) {
        return Bad(seq, "policy_changed.policy_id", "empty");
      }
      p.table = Table::kKept;
      break;
    case v1::Event::kBalanceAsserted:
      if (event.balance_asserted().account().empty()) {
        return Bad(seq, "balance_asserted.account", "empty");
      }
      if (event.effective().when_case() != v1::Effective::kDay) {
        return Bad(seq, "effective", "a balance assertion needs a day");
      }
      p.table = Table::kKept;
      break;
    case v1::Event::kAccountsDefined:
    case v1::Event::kPolicyDefined:
    case v1::Event::kStatementSealed:
      if (event.has_policy_defined() &&
          event.policy_defined().policy_id().empty()) {
        return Bad(seq, "policy_defined.policy_id", "empty");
      }
      if (event.has_statement_sealed()) {
        auto d = Day(seq, "statement_sealed.as_of",
                     event.statement_sealed().as_of());
        if (!d.ok()) return d.status();
      }
      p.table = Table::kKept;
      needs_fund = false;
      break;
    case v1::Event::kCorrection:
      return Bad(seq, "correction", "a replacement cannot be a correction");
    default:
      needs_fund = false;  // governance without accounting weight
      break;
  }
  const bool effective_required = needs_fund;
  if (auto s =
          ReadEffective(event, seq, effective_required, &p.from_day, &p.to_day);
      !s.ok()) {
    return s;
  }
  if (needs_fund && event.fund_id().empty())
    return Bad(seq, "fund_id", "empty");
  return p;
}

Version Projector::Commit(const Parsed& p) {
  Version v{p.known_from, p.seq, p.table, 0};
  const uint32_t fund = names_.Intern(p.event->fund_id());
  switch (p.table) {
    case Table::kMoney: {
      internal::MoneyFact fact;
      fact.seq = p.seq;
      fact.known.from = p.known_from;
      fact.from_day = p.from_day;
      fact.to_day = p.to_day;
      fact.fund = fund;
      fact.kind = p.kind;
      fact.has_amount = p.has_amount;
      fact.amount = p.amount;
      fact.rows_begin = static_cast<uint32_t>(rows_.size());
      for (const auto& row : p.event->voucher().rows()) {
        rows_.push_back({names_.Intern(row.account()), row.amount_ore()});
      }
      for (const auto& row : p.event->opening_balances().balances()) {
        rows_.push_back({names_.Intern(row.account()), row.amount_ore()});
      }
      fact.rows_count = static_cast<uint32_t>(rows_.size()) - fact.rows_begin;
      v.index = static_cast<uint32_t>(money_.size());
      money_.push_back(fact);
      break;
    }
    case Table::kTransition: {
      internal::Transition t;
      t.seq = p.seq;
      t.known.from = p.known_from;
      t.from_day = p.from_day;
      t.to_day = p.to_day;
      t.fund = fund;
      t.kind = p.kind;
      if (p.kind == FactKind::kCloseOut) {
        t.from_account = names_.Intern(p.from_account);
        t.to_account = names_.Intern(p.to_account);
        if (!p.change_id.empty()) t.change_id = names_.Intern(p.change_id);
      }
      v.index = static_cast<uint32_t>(transitions_.size());
      transitions_.push_back(t);
      break;
    }
    case Table::kKept: {
      internal::KeptEvent k;
      k.seq = p.seq;
      k.known.from = p.known_from;
      k.from_day = p.from_day;
      k.to_day = p.to_day;
      k.fund = fund;
      k.event = *p.event;
      // Every string a query looks up is interned here, once.
      if (p.event->has_policy_changed()) {
        names_.Intern(p.event->event_id());
        names_.Intern(p.event->policy_changed().policy_id());
      }
      for (const auto& account : p.event->accounts_defined().accounts()) {
        names_.Intern(account.id());
      }
      const v1::PolicyDefined& policy = p.event->policy_defined();
      if (p.event->has_policy_defined()) names_.Intern(policy.policy_id());
      for (const auto& rule : policy.rules()) {
        names_.Intern(rule.debit_account());
        names_.Intern(rule.credit_account());
      }
      for (const auto& bound : policy.bounds()) names_.Intern(bound.account());
      if (p.event->has_balance_asserted()) {
        names_.Intern(p.event->balance_asserted().account());
      }
      v.index = static_cast<uint32_t>(kept_.size());
      kept_.push_back(std::move(k));
      break;
    }
    case Table::kNone:
      break;
  }
  return v;
}

absl::Status Projector::Add(const v1::StoredRecord& record) {
  if (light_) {
    return absl::FailedPreconditionError(
        "a light projector (query state) cannot fold records");
  }
  if (record.seq() != next_seq_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "record seq ", record.seq(), " out of order: expected ", next_seq_));
  }
  const uint64_t seq = next_seq_++;
  const v1::Event& event = record.event();
  if (event.has_correction()) return AddCorrection(event, seq);
  auto known = Day(seq, "recorded_on", event.recorded_on());
  if (!known.ok()) return known.status();
  auto parsed = Parse(event, seq, *known);
  if (!parsed.ok()) return parsed.status();
  Commit(*parsed);
  return absl::OkStatus();
}

Version Projector::Locate(uint64_t seq) const {
  auto by_seq = [](const auto& item, uint64_t s) { return item.seq < s; };
  if (auto it = std::lower_bound(money_.begin(), money_.end(), seq, by_seq);
      it != money_.end() && it->seq == seq) {
    return {it->known.from, seq, Table::kMoney,
            static_cast<uint32_t>(it - money_.begin())};
  }
  if (auto it = std::lower_bound(transitions_.begin(), transitions_.end(), seq,
                                 by_seq);
      it != transitions_.end() && it->seq == seq) {
    return {it->known.from, seq, Table::kTransition,
            static_cast<uint32_t>(it - transitions_.begin())};
  }
  if (auto it = std::lower_bound(kept_.begin(), kept_.end(), seq, by_seq);
      it != kept_.end() && it->seq == seq) {
    return {it->known.from, seq, Table::kKept,
            static_cast<uint32_t>(it - kept_.begin())};
  }
  return {internal::kKnownAlways, seq, Table::kNone, 0};
}

void Projector::SetKnownUntil(const Version& v, int32_t until) {
  switch (v.table) {
    case Table::kMoney:
      money_[v.index].known.until = until;
      break;
    case Table::kTransition:
      transitions_[v.index].known.until = until;
      break;
    case Table::kKept:
      kept_[v.index].known.until = until;
      break;
    case Table::kNone:
      break;
  }
}

absl::Status Projector::AddCorrection(const v1::Event& event, uint64_t seq) {
  const v1::Correction& correction = event.correction();
  auto known = Day(seq, "recorded_on", event.recorded_on());
  if (!known.ok()) return known.status();
  if (correction.corrected_seq() >= seq) {
    return Bad(seq, "correction.corrected_seq",
               absl::StrCat(correction.corrected_seq(),
                            " does not name an earlier record"));
  }
  if (correction.reason().empty()) {
    return Bad(seq, "correction.reason", "empty");
  }
  std::optional<Parsed> replacement;
  if (correction.has_replacement()) {
    if (correction.replacement().has_statement_sealed()) {
      return Bad(seq, "correction.replacement",
                 "a seal cannot be a replacement");
    }
    auto parsed = Parse(correction.replacement(), seq, *known);
    if (!parsed.ok()) return parsed.status();
    replacement = *parsed;
  } else if (!correction.reversal()) {
    return Bad(seq, "correction", "neither a replacement nor a reversal");
  }
  uint64_t root = correction.corrected_seq();
  if (auto it = correction_root_.find(root); it != correction_root_.end()) {
    root = it->second;
  }
  // Everything is valid: commit.
  Version added{*known, seq, Table::kNone, 0};
  if (replacement) added = Commit(*replacement);
  auto& chain = versions_[root];
  if (chain.empty()) chain.push_back(Locate(root));
  auto pos = std::upper_bound(chain.begin(), chain.end(), added,
                              [](const Version& a, const Version& b) {
                                return std::pair(a.known_from, a.seq) <
                                       std::pair(b.known_from, b.seq);
                              });
  chain.insert(pos, added);
  for (size_t i = 0; i < chain.size(); ++i) {
    SetKnownUntil(chain[i], i + 1 < chain.size() ? chain[i + 1].known_from
                                                 : internal::kKnownForever);
  }
  correction_root_[seq] = root;
  return absl::OkStatus();
}

}  // namespace fundlog::ledger
