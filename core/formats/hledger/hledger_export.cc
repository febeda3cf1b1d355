#include "core/formats/hledger/hledger_export.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/audit/describe.h"
#include "core/base/dates.h"
#include "core/base/money.h"

namespace fundlog {
namespace {

bool DebitNormal(v1::AccountType type) {
  return type == v1::ASSET || type == v1::EXPENSE ||
         type == v1::ACCOUNT_TYPE_UNSPECIFIED;
}

std::string Sek(int64_t ore) {
  const uint64_t magnitude = ore < 0 ? 0 - static_cast<uint64_t>(ore) : ore;
  return absl::StrFormat("%s%d.%02d SEK", ore < 0 ? "-" : "", magnitude / 100,
                         magnitude % 100);
}

// hledger ends an account name at two spaces and splits it at ':'; a
// description ends at ';' (a comment) and at a line end.
std::string Clean(absl::string_view text, bool account) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (account && c == ':') c = '-';
    if (c == ';') c = ',';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct Entry {  // one dated piece of the journal
  absl::CivilDay day;
  int order = 0;  // 0 transactions, 1 assertions: end of day
  uint64_t seq = 0;
  std::vector<std::pair<std::string, int64_t>> postings;  // id, debit +
  std::string head;     // the transaction's description
  std::string comment;  // a range: the whole entry is a comment
  bool assertion = false;
};

}  // namespace

std::string HledgerAccountName(const v1::Account& account) {
  const char* top = "assets";
  switch (account.type()) {
    case v1::LIABILITY:
      top = "liabilities";
      break;
    case v1::EQUITY:
      top = "equity";
      break;
    case v1::INCOME:
      top = "revenues";
      break;
    case v1::EXPENSE:
      top = "expenses";
      break;
    default:
      break;
  }
  const std::string number =
      account.number().empty() ? account.id() : account.number();
  return absl::StrCat(top, ":", Clean(number, true),
                      account.name().empty() ? "" : " ",
                      Clean(account.name(), true));
}

namespace {

// The journal being built: accounts, then dated entries, then the text.
class Journal {
 public:
  Journal(absl::Span<const v1::StoredRecord> records,
          const HledgerExportOptions& options)
      : records_(records), options_(options) {
    for (const v1::StoredRecord& record : records) {
      by_seq_[record.seq()] = &record;
      if (!Ours(record.event())) continue;
      for (const v1::Account& a :
           record.event().accounts_defined().accounts()) {
        accounts_[a.id()] = a;
      }
    }
  }

  // One entry per event with postings: exact ones post, ranges comment.
  absl::Status AddPostings() {
    ledger::BalanceQuery query;
    query.as_of = absl::CivilDay(9999, 12, 31);
    query.view = options_.view;
    query.fund_id = options_.fund_id;
    absl::StatusOr<std::vector<ledger::Posting>> postings =
        ledger::Postings(records_, query);
    if (!postings.ok()) return postings.status();
    std::map<uint64_t, std::vector<ledger::Posting>> grouped;
    for (ledger::Posting& p : *postings) grouped[p.seq].push_back(std::move(p));
    for (const auto& [seq, list] : grouped) {
      AddEvent(by_seq_.at(seq)->event(), seq, list);
    }
    return absl::OkStatus();
  }

  // BalanceAsserted of this view, and sealed statements.
  void AddAssertions() {
    const std::string view(ledger::ViewName(options_.view));
    for (const v1::StoredRecord& record : records_) {
      const v1::Event& event = record.event();
      if (!Ours(event)) continue;
      if (event.has_balance_asserted()) {
        const v1::BalanceAsserted& a = event.balance_asserted();
        if ((a.view().empty() ? "reported" : a.view()) == view) {
          AddAssertion(event.effective().day(), record.seq(), a.account(),
                       a.amount_ore(), a.amount_ore(), "balance asserted");
        }
      }
      for (const v1::SealedView& sealed : event.statement_sealed().views()) {
        if (sealed.view() != view) continue;
        for (const v1::SealedBalance& b : sealed.balances()) {
          AddAssertion(event.statement_sealed().as_of(), record.seq(),
                       b.account(), b.min_ore(), b.max_ore(),
                       "sealed statement");
        }
      }
    }
  }

  std::string Render();

 private:
  bool Ours(const v1::Event& event) const {
    return options_.fund_id.empty() || event.fund_id() == options_.fund_id;
  }
  std::string Name(const std::string& id) {
    auto [it, added] = accounts_.try_emplace(id);
    if (added) it->second.set_id(id);
    return HledgerAccountName(it->second);
  }
  int64_t Debit(const std::string& id, int64_t natural) {
    return DebitNormal(accounts_[id].type()) ? natural : -natural;
  }
  void AddEvent(const v1::Event& event, uint64_t seq,
                const std::vector<ledger::Posting>& list);
  void AddAssertion(const std::string& day_text, uint64_t seq,
                    const std::string& account, int64_t min, int64_t max,
                    const std::string& what);

  absl::Span<const v1::StoredRecord> records_;
  const HledgerExportOptions& options_;
  std::map<std::string, v1::Account> accounts_;
  std::map<uint64_t, const v1::StoredRecord*> by_seq_;
  std::vector<Entry> entries_;
};

void Journal::AddEvent(const v1::Event& event, uint64_t seq,
                       const std::vector<ledger::Posting>& list) {
  const bool period = event.effective().has_period();
  absl::StatusOr<absl::CivilDay> day = ParseDay(
      period ? event.effective().period().to() : event.effective().day());
  Entry entry;
  entry.seq = seq;
  entry.day = day.ok() ? *day : absl::CivilDay(9999, 12, 31);
  entry.head =
      Clean(event.has_voucher() ? absl::StrCat(event.voucher().series(), " ",
                                               event.voucher().number(), " ",
                                               event.voucher().text())
                                : Summarize(event),
            false);
  if (period) {
    entry.head =
        absl::StrCat("[period ", event.effective().period().from(), "..",
                     event.effective().period().to(), "] ", entry.head);
  }
  bool exact = day.ok();
  for (const ledger::Posting& p : list) exact &= p.min_ore == p.max_ore;
  for (const ledger::Posting& p : list) {
    if (!exact) {
      absl::StrAppend(&entry.comment, "; fundlog range, seq ", seq, " ", p.kind,
                      ": ", p.debit_account, " / ", p.credit_account,
                      " between ", Sek(p.min_ore), " and ", Sek(p.max_ore),
                      " (", entry.head, ")\n");
      continue;
    }
    if (p.min_ore == 0) continue;
    if (!p.debit_account.empty()) {
      entry.postings.push_back({p.debit_account, p.min_ore});
    }
    if (!p.credit_account.empty()) {
      entry.postings.push_back({p.credit_account, -p.min_ore});
    }
  }
  entries_.push_back(std::move(entry));
}

void Journal::AddAssertion(const std::string& day_text, uint64_t seq,
                           const std::string& account, int64_t min, int64_t max,
                           const std::string& what) {
  absl::StatusOr<absl::CivilDay> day = ParseDay(day_text);
  if (!day.ok()) return;
  Entry entry;
  entry.day = *day;
  entry.order = 1;
  entry.seq = seq;
  entry.assertion = true;
  entry.head = absl::StrCat(what, " (seq ", seq, ")");
  if (min != max) {
    const int64_t a = Debit(account, min), b = Debit(account, max);
    entry.comment = absl::StrCat("; fundlog range, ", entry.head, ": ", account,
                                 " between ", Sek(std::min(a, b)), " and ",
                                 Sek(std::max(a, b)), "\n");
  }
  entry.postings.push_back({account, Debit(account, min)});
  entries_.push_back(std::move(entry));
}

// Entries by day, each day's assertions after its transactions (an
// assertion holds at the end of its day); an assertion the journal's own
// exact postings do not reach is a comment, so hledger can load the file.
std::string Journal::Render() {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) {
                     return std::tie(a.day, a.order, a.seq) <
                            std::tie(b.day, b.order, b.seq);
                   });
  std::string out = absl::StrCat(
      "; fundlog journal export, view ", ledger::ViewName(options_.view),
      ". Exact figures only: a range is a comment line, never a posting.\n");
  for (const auto& [id, account] : accounts_) {
    absl::StrAppend(&out, "account ", HledgerAccountName(account), "\n");
  }
  // Debit positive, as hledger sums; an overflowing sum asserts nothing.
  std::map<std::string, CheckedOreSum> running;
  for (const Entry& e : entries_) {
    const std::string date = FormatDay(e.day);
    if (!e.comment.empty()) {
      absl::StrAppend(&out, "\n", e.comment);
    } else if (e.assertion) {
      const auto& [id, amount] = e.postings.front();
      if (running[id].overflowed()) {
        absl::StrAppend(&out, "\n; ", date, " ", e.head, ": ", Name(id), " = ",
                        Sek(amount), " not asserted: the sum of this ",
                        "journal's postings overflows int64\n");
      } else if (running[id].ValueOrZero() != amount) {
        absl::StrAppend(&out, "\n; ", date, " ", e.head, ": ", Name(id), " = ",
                        Sek(amount), " is not what this journal's ",
                        "exact postings give (", Sek(running[id].ValueOrZero()),
                        ")\n");
      } else {
        absl::StrAppend(&out, "\n", date, " ", e.head, "\n    ", Name(id),
                        "  0 SEK = ", Sek(amount), "\n");
      }
    } else if (!e.postings.empty()) {
      absl::StrAppend(&out, "\n", date, " ", e.head, "  ; seq:", e.seq, "\n");
      for (const auto& [id, amount] : e.postings) {
        running[id] += amount;
        absl::StrAppend(&out, "    ", Name(id), "  ", Sek(amount), "\n");
      }
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ExportHledger(
    absl::Span<const v1::StoredRecord> records,
    const HledgerExportOptions& options) {
  Journal journal(records, options);
  if (absl::Status s = journal.AddPostings(); !s.ok()) return s;
  journal.AddAssertions();
  return journal.Render();
}

}  // namespace fundlog
