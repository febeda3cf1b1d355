#include "core/ledger/validate.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/dates.h"
#include "core/base/money.h"
#include "core/base/utf8.h"
#include "core/ledger/validate_fields.h"

namespace fundlog {
namespace {

using v1::Event;

// A failed check: the field (dotted path from the event) and why.
struct Problem {
  std::string field;
  std::string reason;
};

// Names and ids added by earlier events of the same batch.
struct BatchState {
  absl::flat_hash_set<std::string> event_ids;
  absl::flat_hash_set<std::string> funds;
  absl::flat_hash_set<std::string> policies;
  absl::flat_hash_set<std::string> accounts;
  // The batch's first sequence number and the recorded_on day of each of
  // its events so far, for corrections of records in the same batch.
  uint64_t first_seq = 0;
  std::vector<std::string> recorded_on;
  // Names already found in the log, so a batch of many events of one fund
  // looks the fund up once.
  mutable absl::flat_hash_set<std::string> found_in_log;
};

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Validates one event against the log and the batch so far. Returns the
// first problem found, if any; storage errors as a non-OK status.
class EventChecker {
 public:
  EventChecker(const ValidationContext& context, const BatchState& batch,
               uint64_t seq)
      : context_(context), batch_(batch), seq_(seq) {}

  absl::StatusOr<std::optional<Problem>> Check(const Event& event,
                                               std::string prefix) {
    prefix_ = std::move(prefix);
    CheckEnvelope(event);
    if (!problem_) CheckPayload(event);
    if (!storage_.ok()) return storage_;
    return problem_;
  }

 private:
  void Fail(absl::string_view field, std::string reason) {
    if (!problem_) problem_ = Problem{absl::StrCat(prefix_, field), reason};
  }

  void RequireText(absl::string_view field, const std::string& value,
                   size_t max_bytes = kTextBytesMax) {
    if (value.empty()) return Fail(field, "missing");
    if (value.size() > max_bytes) {
      Fail(field, absl::StrFormat("%d bytes, over the limit of %d",
                                  value.size(), max_bytes));
    }
  }

  void CheckOptionalDay(absl::string_view field, const std::string& value) {
    if (value.empty()) return;
    if (auto day = ParseDay(value); !day.ok()) {
      Fail(field, std::string(day.status().message()));
    }
  }

  void RequireDay(absl::string_view field, const std::string& value) {
    if (value.empty()) return Fail(field, "missing");
    CheckOptionalDay(field, value);
  }

  void RequirePositive(absl::string_view field, int64_t amount) {
    if (amount <= 0) {
      Fail(field,
           absl::StrCat("must be a positive amount in öre, got ", amount));
    }
  }

  // Looks a name up in the batch, then in the log.
  bool Known(const absl::flat_hash_set<std::string>& in_batch,
             absl::StatusOr<bool> (ValidationContext::*in_log)(
                 absl::string_view) const,
             const std::string& name) {
    if (in_batch.contains(name)) return true;
    // The cache key tells the kinds of name apart by the lookup used; it is
    // built in a reused buffer (a row's account is asked for on every row).
    thread_local std::string cache_key;
    cache_key.assign(1, in_log == &ValidationContext::HasFund      ? 'U'
                        : in_log == &ValidationContext::HasPolicy  ? 'P'
                        : in_log == &ValidationContext::HasAccount ? 'A'
                                                                   : 'I');
    cache_key.append(name);
    if (batch_.found_in_log.contains(cache_key)) return true;
    absl::StatusOr<bool> found = (context_.*in_log)(name);
    if (!found.ok()) {
      storage_.Update(found.status());
      return true;  // not a finding about the input
    }
    if (*found) batch_.found_in_log.insert(cache_key);
    return *found;
  }

  void RequireAccount(absl::string_view field, const std::string& account) {
    if (account.empty()) return Fail(field, "missing");
    if (!Known(batch_.accounts, &ValidationContext::HasAccount, account)) {
      Fail(field, absl::StrCat("unknown account \"", account,
                               "\" (define it with accounts_defined first)"));
    }
  }

  void CheckEffective(const Event& event) {
    const v1::Effective& effective = event.effective();
    switch (effective.when_case()) {
      case v1::Effective::kDay:
        return RequireDay("effective.day", effective.day());
      case v1::Effective::kPeriod: {
        const v1::Period& period = effective.period();
        RequireDay("effective.period.from", period.from());
        CheckOptionalDay("effective.period.to", period.to());
        if (problem_ || period.to().empty()) return;
        if (period.to() < period.from()) {  // ISO days compare as text
          Fail("effective.period.to",
               absl::StrCat("period ends (", period.to(),
                            ") before it starts (", period.from(), ")"));
        }
        return;
      }
      case v1::Effective::WHEN_NOT_SET:
        return Fail("effective", "missing (give a day or a period)");
    }
  }

  void CheckEnvelope(const Event& event) {
    RequireText("event_id", event.event_id(), kIdBytesMax);
    RequireText("fund_id", event.fund_id(), kIdBytesMax);
    if (event.fund_id().find('\0') != std::string::npos) {
      Fail("fund_id", "contains a NUL byte");
    }
    if (!problem_ && !skip_id_uniqueness_ &&
        batch_.event_ids.contains(event.event_id())) {
      Fail("event_id", absl::StrCat("\"", event.event_id(),
                                    "\" appears twice in the batch"));
    }
    if (!problem_ && !skip_id_uniqueness_ &&
        Known({}, &ValidationContext::HasEventId, event.event_id())) {
      Fail("event_id",
           absl::StrCat("\"", event.event_id(), "\" is already in the log"));
    }
    if (!event.has_effective()) return Fail("effective", "missing");
    CheckEffective(event);
    RequireDay("recorded_on", event.recorded_on());
    if (!event.has_source()) return Fail("source", "missing");
    RequireText("source.title", event.source().title());
    CheckOptionalDay("source.date", event.source().date());
    const std::string& sha = event.source().document_sha256();
    if (!sha.empty() && (sha.size() != 64 || !IsHex(sha))) {
      Fail("source.document_sha256", "not 64 hexadecimal digits");
    }
    if (event.note().size() > kTextBytesMax) Fail("note", "too long");
    if (problem_) return;
    if (event.payload_case() != Event::kFundEstablished &&
        !Known(batch_.funds, &ValidationContext::HasFund, event.fund_id())) {
      Fail("fund_id", absl::StrCat("unknown fund \"", event.fund_id(),
                                   "\" (a fund_established event must come "
                                   "first)"));
    }
  }

  void CheckDecision(absl::string_view field, const v1::Decision& decision) {
    if (decision.body() == v1::DECISION_BODY_UNSPECIFIED) {
      Fail(absl::StrCat(field, ".body"), "missing");
    }
    CheckOptionalDay(absl::StrCat(field, ".meeting_date"),
                     decision.meeting_date());
  }

  void CheckPolicy(const v1::PolicyDefined& policy) {
    RequireText("policy_defined.policy_id", policy.policy_id(), kIdBytesMax);
    if (!problem_ && Known(batch_.policies, &ValidationContext::HasPolicy,
                           policy.policy_id())) {
      Fail("policy_defined.policy_id", "already defined");
    }
    static const auto* const kKinds = new absl::flat_hash_set<std::string>{
        "allocation",       "use",
        "repayment",        "close_out",
        "budget_frame_use", "guidelines_repealed"};
    for (int i = 0; i < policy.rules_size(); ++i) {
      const v1::PostingRule& rule = policy.rules(i);
      std::string at = absl::StrCat("policy_defined.rules[", i, "]");
      if (!kKinds->contains(rule.payload_kind())) {
        Fail(absl::StrCat(at, ".payload_kind"),
             absl::StrCat("\"", rule.payload_kind(),
                          "\" is not a money or repeal payload kind"));
      }
      RequireAccount(absl::StrCat(at, ".debit_account"), rule.debit_account());
      RequireAccount(absl::StrCat(at, ".credit_account"),
                     rule.credit_account());
    }
    for (int i = 0; i < policy.bounds_size(); ++i) {
      const v1::BalanceBound& bound = policy.bounds(i);
      std::string at = absl::StrCat("policy_defined.bounds[", i, "]");
      RequireAccount(absl::StrCat(at, ".account"), bound.account());
      if (bound.has_min_ore() && bound.has_max_ore() &&
          bound.min_ore() > bound.max_ore()) {
        Fail(absl::StrCat(at, ".max_ore"), "below min_ore");
      }
    }
  }

  void CheckVoucher(const v1::Voucher& voucher) {
    if (voucher.rows_size() < 2) {
      return Fail("voucher.rows", "a voucher needs at least two rows");
    }
    CheckedOreSum sum;
    for (int i = 0; i < voucher.rows_size(); ++i) {
      std::string at = absl::StrCat("voucher.rows[", i, "]");
      RequireAccount(absl::StrCat(at, ".account"), voucher.rows(i).account());
      CheckOptionalDay(absl::StrCat(at, ".transaction_date"),
                       voucher.rows(i).transaction_date());
      sum.Add(voucher.rows(i).amount_ore());
    }
    if (sum.overflowed()) {
      return Fail("voucher.rows", "amounts overflow 64 bits");
    }
    if (sum.ValueOrZero() != 0) {
      Fail("voucher.rows", absl::StrCat("rows do not sum to zero (off by ",
                                        sum.ValueOrZero(), " öre)"));
    }
  }

  void CheckAccounts(const v1::AccountsDefined& defined) {
    if (defined.accounts().empty()) {
      return Fail("accounts_defined.accounts", "missing");
    }
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < defined.accounts_size(); ++i) {
      const v1::Account& account = defined.accounts(i);
      std::string at = absl::StrCat("accounts_defined.accounts[", i, "]");
      RequireText(absl::StrCat(at, ".id"), account.id(), kIdBytesMax);
      RequireText(absl::StrCat(at, ".name"), account.name());
      if (!problem_ && (!seen.insert(account.id()).second ||
                        Known(batch_.accounts, &ValidationContext::HasAccount,
                              account.id()))) {
        Fail(absl::StrCat(at, ".id"),
             absl::StrCat("account \"", account.id(), "\" defined twice"));
      }
    }
  }

  void CheckCorrection(const Event& event) {
    const v1::Correction& correction = event.correction();
    if (correction.corrected_seq() >= seq_) {
      Fail("correction.corrected_seq",
           absl::StrCat("sequence number ", correction.corrected_seq(),
                        " does not exist (the log holds ", seq_,
                        " records before this event)"));
    }
    RequireText("correction.reason", correction.reason());
    if (!problem_) CheckCorrectionOrder(event);
    switch (correction.action_case()) {
      case v1::Correction::kReversal:
        if (!correction.reversal()) {
          Fail("correction.reversal", "must be true when given");
        }
        return;
      case v1::Correction::kReplacement: {
        const Event& replacement = correction.replacement();
        if (replacement.has_correction() ||
            replacement.has_statement_sealed()) {
          return Fail("correction.replacement",
                      "a replacement cannot be a correction or a seal");
        }
        // The replacement reuses the corrected event's identity, so only
        // its own fields are checked here, not uniqueness of its id.
        EventChecker inner(context_, batch_, seq_);
        inner.prefix_ = absl::StrCat(prefix_, "correction.replacement.");
        inner.skip_id_uniqueness_ = true;
        inner.CheckEnvelope(replacement);
        if (!inner.problem_) inner.CheckPayload(replacement);
        storage_.Update(inner.storage_);
        if (inner.problem_ && !problem_) problem_ = inner.problem_;
        return;
      }
      case v1::Correction::ACTION_NOT_SET:
        return Fail("correction", "give a replacement or reversal: true");
    }
  }

  // A correction applies from its own recorded_on; one recorded before
  // the record it corrects would change nothing (the original is not yet
  // known then), so it is refused rather than given a silent meaning.
  void CheckCorrectionOrder(const Event& event) {
    const uint64_t corrected = event.correction().corrected_seq();
    std::string original;
    if (corrected >= batch_.first_seq) {
      const uint64_t in_batch = corrected - batch_.first_seq;
      if (in_batch >= batch_.recorded_on.size()) return;  // not this batch's
      original = batch_.recorded_on[in_batch];
    } else {
      absl::StatusOr<std::string> day = context_.RecordedOn(corrected);
      if (!day.ok()) return storage_.Update(day.status());
      original = *std::move(day);
    }
    if (event.recorded_on() < original) {  // ISO days compare as text
      Fail("recorded_on",
           absl::StrCat("the correction is recorded on ", event.recorded_on(),
                        ", before record ", corrected,
                        " it corrects (recorded "
                        "on ",
                        original,
                        "); a correction cannot precede "
                        "what it corrects"));
    }
  }

  void CheckPayload(const Event& event);

  // Per-object figures (events.proto, ObjectBalances): a kind, a period
  // exactly for a month's movement, a day, and rows of defined accounts
  // that each name at least one object.
  void CheckObjectBalances(const Event& event) {
    const v1::ObjectBalances& figures = event.object_balances();
    if (figures.kind() == v1::ObjectBalances::KIND_UNSPECIFIED) {
      return Fail("object_balances.kind", "missing");
    }
    const bool movement = figures.kind() == v1::ObjectBalances::PERIOD_MOVEMENT;
    if (movement != !figures.period().empty()) {
      return Fail("object_balances.period",
                  movement ? "missing (a month's movement needs YYYY-MM)"
                           : "only a PERIOD_MOVEMENT has a period");
    }
    if (movement &&
        (figures.period().size() != 7 || !CheckMonth(figures.period()))) {
      return Fail("object_balances.period",
                  absl::StrCat("\"", figures.period(), "\" is not YYYY-MM"));
    }
    if (event.effective().when_case() != v1::Effective::kDay) {
      return Fail("effective", "per-object figures need a single day");
    }
    if (figures.rows().empty()) {
      return Fail("object_balances.rows", "missing");
    }
    for (int i = 0; i < figures.rows_size(); ++i) {
      const v1::ObjectAmount& row = figures.rows(i);
      RequireAccount(absl::StrCat("object_balances.rows[", i, "].account"),
                     row.account());
      if (row.objects().empty()) {
        Fail(absl::StrCat("object_balances.rows[", i, "].objects"),
             "missing (a per-object figure names its object)");
      }
    }
  }

  static bool CheckMonth(const std::string& period) {
    for (size_t k : {0, 1, 2, 3, 5, 6}) {
      if (period[k] < '0' || period[k] > '9') return false;
    }
    const int month = (period[5] - '0') * 10 + (period[6] - '0');
    return period[4] == '-' && month >= 1 && month <= 12;
  }

  const ValidationContext& context_;
  const BatchState& batch_;
  const uint64_t seq_;
  std::string prefix_;
  bool skip_id_uniqueness_ = false;
  std::optional<Problem> problem_;
  absl::Status storage_;
};

void EventChecker::CheckPayload(const Event& event) {
  switch (event.payload_case()) {
    case Event::kFundEstablished:
      return RequireText("fund_established.name",
                         event.fund_established().name());
    case Event::kGuidelinesAdopted:
      RequireText("guidelines_adopted.title",
                  event.guidelines_adopted().title());
      return CheckDecision("guidelines_adopted.decision",
                           event.guidelines_adopted().decision());
    case Event::kDecisionProposed:
      if (!event.decision_proposed().has_decision()) {
        return Fail("decision_proposed.decision", "missing");
      }
      return CheckDecision("decision_proposed.decision",
                           event.decision_proposed().decision());
    case Event::kDecisionTaken:
      if (!event.decision_taken().has_decision()) {
        return Fail("decision_taken.decision", "missing");
      }
      return CheckDecision("decision_taken.decision",
                           event.decision_taken().decision());
    case Event::kGuidelinesRepealed:
      RequireText("guidelines_repealed.title",
                  event.guidelines_repealed().title());
      return CheckDecision("guidelines_repealed.decision",
                           event.guidelines_repealed().decision());
    case Event::kAllocation:
      return RequirePositive("allocation.amount_ore",
                             event.allocation().amount_ore());
    case Event::kUse:
      return RequirePositive("use.amount_ore", event.use().amount_ore());
    case Event::kRepayment:
      return RequirePositive("repayment.amount_ore",
                             event.repayment().amount_ore());
    case Event::kCloseOut:
      RequireAccount("close_out.from_account",
                     event.close_out().from_account());
      RequireAccount("close_out.to_account", event.close_out().to_account());
      if (event.close_out().from_account() == event.close_out().to_account()) {
        Fail("close_out.to_account", "same as from_account");
      }
      return;
    case Event::kBudgetFrameUse:
      if (event.budget_frame_use().has_amount_ore()) {
        RequirePositive("budget_frame_use.amount_ore",
                        event.budget_frame_use().amount_ore());
      }
      return;
    case Event::kVoucher:
      return CheckVoucher(event.voucher());
    case Event::kOpeningBalances:
      if (event.opening_balances().balances().empty()) {
        return Fail("opening_balances.balances", "missing");
      }
      for (int i = 0; i < event.opening_balances().balances_size(); ++i) {
        RequireAccount(
            absl::StrCat("opening_balances.balances[", i, "].account"),
            event.opening_balances().balances(i).account());
      }
      return;
    case Event::kAccountsDefined:
      return CheckAccounts(event.accounts_defined());
    case Event::kPolicyDefined:
      return CheckPolicy(event.policy_defined());
    case Event::kPolicyChanged:
      RequireText("policy_changed.policy_id",
                  event.policy_changed().policy_id());
      if (!problem_ && !Known(batch_.policies, &ValidationContext::HasPolicy,
                              event.policy_changed().policy_id())) {
        Fail("policy_changed.policy_id",
             absl::StrCat("unknown policy \"",
                          event.policy_changed().policy_id(),
                          "\" (a policy_defined event must come first)"));
      }
      return;
    case Event::kBalanceAsserted: {
      const v1::BalanceAsserted& asserted = event.balance_asserted();
      RequireAccount("balance_asserted.account", asserted.account());
      const std::string& view = asserted.view();
      if (!view.empty() && view != "reported" && view != "without-change" &&
          view != "restated") {
        Fail("balance_asserted.view",
             absl::StrCat("unknown view \"", view, "\""));
      }
      if (event.effective().has_period()) {
        Fail("effective", "a balance assertion needs a single day");
      }
      return;
    }
    case Event::kObjectBalances:
      return CheckObjectBalances(event);
    case Event::kCorrection:
      return CheckCorrection(event);
    case Event::kStatementSealed:
      if (!event.statement_sealed().fund_id().empty() &&
          event.statement_sealed().fund_id() != event.fund_id()) {
        Fail("statement_sealed.fund_id",
             absl::StrCat("seals fund \"", event.statement_sealed().fund_id(),
                          "\" but the event belongs to \"", event.fund_id(),
                          "\""));
      }
      return RequireDay("statement_sealed.as_of",
                        event.statement_sealed().as_of());
    case Event::PAYLOAD_NOT_SET:
      return Fail("payload", "missing (no payload field is set)");
  }
}

void Remember(const Event& event, BatchState* state) {
  state->event_ids.insert(event.event_id());
  state->recorded_on.push_back(event.recorded_on());
  if (event.has_fund_established()) state->funds.insert(event.fund_id());
  if (event.has_policy_defined()) {
    state->policies.insert(event.policy_defined().policy_id());
  }
  if (event.has_accounts_defined()) {
    for (const v1::Account& account : event.accounts_defined().accounts()) {
      state->accounts.insert(account.id());
    }
  }
}

}  // namespace

absl::Status ValidateBatch(const v1::EventBatch& batch,
                           const ValidationContext& context) {
  if (batch.events().empty()) {
    return absl::InvalidArgumentError("the batch holds no events");
  }
  if (static_cast<size_t>(batch.events_size()) > kBatchEventsMax) {
    return absl::InvalidArgumentError(
        absl::StrFormat("the batch holds %d events, over the limit of %d",
                        batch.events_size(), kBatchEventsMax));
  }
  size_t batch_bytes = 0;
  for (const Event& event : batch.events()) batch_bytes += event.ByteSizeLong();
  if (batch_bytes > kBatchBytesMax) {
    return absl::InvalidArgumentError(
        absl::StrFormat("the batch holds %d bytes of events, over the limit "
                        "of %d; split it",
                        batch_bytes, kBatchBytesMax));
  }
  BatchState state;
  const uint64_t first_seq = context.Size();
  state.first_seq = first_seq;
  for (int i = 0; i < batch.events_size(); ++i) {
    const Event& event = batch.events(i);
    std::optional<Problem> problem;
    if (event.ByteSizeLong() > kEventBytesMax) {
      problem =
          Problem{"", absl::StrFormat("%d bytes, over the limit of %d",
                                      event.ByteSizeLong(), kEventBytesMax)};
    } else if (std::optional<FieldProblem> field = CheckEveryField(event)) {
      problem = Problem{std::move(field->field), std::move(field->reason)};
    } else {
      EventChecker checker(context, state, first_seq + i);
      absl::StatusOr<std::optional<Problem>> checked = checker.Check(event, "");
      if (!checked.ok()) return checked.status();
      problem = *checked;
    }
    if (problem) {
      std::string where =
          problem->field.empty()
              ? std::string()
              : absl::StrCat(": field \"", problem->field, "\"");
      // The id is quoted as given when it is text, escaped when it is not.
      const std::string id = event.event_id().substr(0, 80);
      return absl::InvalidArgumentError(absl::StrCat(
          "event ", i, " (id \"", IsValidUtf8(id) ? id : absl::CHexEscape(id),
          "\")", where, ": ", problem->reason));
    }
    Remember(event, &state);
  }
  return absl::OkStatus();
}

}  // namespace fundlog
