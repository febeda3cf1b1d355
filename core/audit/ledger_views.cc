#include "core/audit/ledger_views.h"

#include <utility>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/dates.h"
#include "core/base/money.h"
#include "core/io/json_writer.h"
#include "core/io/text.h"
#include "core/ledger/snapshots.h"
#include "core/ledger/synth.h"
#include "core/store/key_format.h"

namespace fundlog {
namespace {

// Events per append when writing generated histories.
constexpr int kSynthBatchEvents = 10'000;

std::string Range(int64_t min_ore, int64_t max_ore) {
  if (min_ore == max_ore) return FormatKronor(min_ore);
  return absl::StrCat(FormatKronor(min_ore), " – ", FormatKronor(max_ore));
}

void AccountsJson(JsonWriter& json,
                  const std::vector<ledger::AccountRange>& accounts) {
  json.BeginArray();
  for (const ledger::AccountRange& account : accounts) {
    json.BeginObject();
    json.Key("account").String(account.account);
    json.Key("name").String(account.name);
    json.Key("min_ore").Int(account.min_ore);
    json.Key("max_ore").Int(account.max_ore);
    json.Key("exact").Bool(account.min_ore == account.max_ore);
    if (account.bound_contradicted) json.Key("bound_contradicted").Bool(true);
    json.EndObject();
  }
  json.EndArray();
}

}  // namespace

absl::StatusOr<std::vector<v1::StoredRecord>> LoadRecords(const EventLog& log) {
  std::vector<v1::StoredRecord> records;
  records.reserve(log.Size());
  absl::Status scanned =
      log.Scan(0, log.Size(), [&](const v1::StoredRecord& record) {
        records.push_back(record);
        return absl::OkStatus();
      });
  if (!scanned.ok()) return scanned;
  return records;
}

absl::StatusOr<std::vector<ledger::AccountRange>> QueryBalances(
    const EventLog& log, const ledger::BalanceQuery& query) {
  return ledger::AskLightOrFull(
      log, query.known_at.has_value(),
      [&](const ledger::Projector& p) { return p.BalancesAt(query); });
}

absl::StatusOr<ledger::Statement> QueryStatement(
    const EventLog& log, const ledger::StatementQuery& query) {
  return ledger::AskLightOrFull(
      log, query.known_at.has_value(),
      [&](const ledger::Projector& p) { return p.StatementFor(query); });
}

absl::StatusOr<std::vector<ledger::KindTotal>> QueryTotals(
    const EventLog& log, const ledger::TotalsQuery& query) {
  return ledger::AskLightOrFull(
      log, query.known_at.has_value(),
      [&](const ledger::Projector& p) { return p.TotalsFor(query); });
}

std::string BalancesJson(const ledger::BalanceQuery& query,
                         const std::vector<ledger::AccountRange>& balances) {
  JsonWriter json;
  json.BeginObject();
  json.Key("as_of").String(FormatDay(query.as_of));
  json.Key("known_at");
  if (query.known_at) {
    json.String(FormatDay(*query.known_at));
  } else {
    json.Null();
  }
  json.Key("view").String(ledger::ViewName(query.view));
  json.Key("fund").String(query.fund_id);
  json.Key("accounts");
  AccountsJson(json, balances);
  json.EndObject();
  return json.str() + "\n";
}

std::string BalancesTable(const std::vector<ledger::AccountRange>& balances) {
  std::string out = absl::StrCat(PadRight("account", 26), " ",
                                 PadRight("name", 40), " balance (kr)\n");
  for (const ledger::AccountRange& account : balances) {
    absl::StrAppend(
        &out, PadRight(account.account, 26), " ", PadRight(account.name, 40),
        " ", Range(account.min_ore, account.max_ore),
        account.bound_contradicted ? "  (contradicts a declared bound)" : "",
        "\n");
  }
  return out;
}

std::string StatementJson(const ledger::Statement& statement) {
  JsonWriter json;
  json.BeginObject();
  json.Key("year").Int(statement.year);
  json.Key("view").String(ledger::ViewName(statement.view));
  json.Key("opening");
  AccountsJson(json, statement.opening);
  json.Key("movements").BeginArray();
  for (const ledger::Movement& movement : statement.movements) {
    json.BeginObject();
    json.Key("account").String(movement.account);
    json.Key("kind").String(movement.kind);
    json.Key("min_ore").Int(movement.min_ore);
    json.Key("max_ore").Int(movement.max_ore);
    json.EndObject();
  }
  json.EndArray();
  json.Key("closing");
  AccountsJson(json, statement.closing);
  json.EndObject();
  return json.str() + "\n";
}

std::string StatementText(const ledger::Statement& statement) {
  std::string out = absl::StrFormat(
      "Statement %d, view %s (kronor; a range where the facts allow several "
      "figures)\n\nOpening balances (%d-12-31)\n",
      statement.year, ledger::ViewName(statement.view), statement.year - 1);
  absl::StrAppend(&out, BalancesTable(statement.opening), "\nMovements\n");
  absl::StrAppendFormat(&out, "%-26s %-20s %s\n", "account", "kind",
                        "amount (kr)");
  for (const ledger::Movement& movement : statement.movements) {
    absl::StrAppend(&out, PadRight(movement.account, 26), " ",
                    PadRight(movement.kind, 20), " ",
                    Range(movement.min_ore, movement.max_ore), "\n");
  }
  if (statement.movements.empty()) absl::StrAppend(&out, "(none)\n");
  absl::StrAppendFormat(&out, "\nClosing balances (%d-12-31)\n",
                        statement.year);
  absl::StrAppend(&out, BalancesTable(statement.closing));
  return out;
}

std::string TotalsJson(const ledger::TotalsQuery& query,
                       const std::vector<ledger::KindTotal>& totals) {
  JsonWriter json;
  json.BeginObject();
  json.Key("from").String(FormatDay(query.from));
  json.Key("to").String(FormatDay(query.to));
  json.Key("view").String(ledger::ViewName(query.view));
  json.Key("totals").BeginArray();
  for (const ledger::KindTotal& total : totals) {
    json.BeginObject();
    json.Key("kind").String(total.kind);
    json.Key("min_ore").Int(total.min_ore);
    json.Key("max_ore").Int(total.max_ore);
    json.Key("exact").Bool(total.min_ore == total.max_ore);
    json.Key("unstated").Int(total.unstated);
    json.EndObject();
  }
  json.EndArray().EndObject();
  return json.str() + "\n";
}

std::string TotalsText(const ledger::TotalsQuery& query,
                       const std::vector<ledger::KindTotal>& totals) {
  std::string out = absl::StrFormat(
      "Totals %s to %s, view %s (kronor)\n\n%-22s %-34s %s\n",
      FormatDay(query.from), FormatDay(query.to), ledger::ViewName(query.view),
      "kind", "amount", "facts without an amount");
  for (const ledger::KindTotal& total : totals) {
    absl::StrAppend(&out, PadRight(total.kind, 22), " ",
                    PadRight(Range(total.min_ore, total.max_ore), 34), " ",
                    total.unstated, "\n");
  }
  return out;
}

absl::StatusOr<AppendResult> AppendSeal(EventLog& log, absl::CivilDay as_of,
                                        const std::string& fund_id,
                                        const std::string& recorded_on,
                                        const std::string& recorded_by) {
  // The writer's size: it cannot change under this process.
  const uint64_t size = log.Size();
  // With --fund, the seal covers that fund's accounts only; without, the
  // log's only fund is named and every account is sealed.
  std::string fund = fund_id;
  if (fund.empty()) {
    // The index's fund names, not a scan of the records.
    absl::btree_set<std::string> funds;
    absl::Status scanned =
        log.ScanNamed(keys::kIndexFund, [&](absl::string_view name, uint64_t) {
          funds.insert(std::string(name));
          return absl::OkStatus();
        });
    if (!scanned.ok()) return scanned;
    if (funds.size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the log holds ", funds.size(), " funds; name one with --fund"));
    }
    fund = *funds.begin();
  }
  absl::StatusOr<v1::StatementSealed> seal =
      ledger::AskLightOrFull(log, false, [&](const ledger::Projector& p) {
        return ledger::SealFrom(p, as_of, fund_id);
      });
  if (!seal.ok()) return seal.status();
  if (seal->log_size() != size) {
    return absl::AbortedError("the log grew while the seal was computed");
  }
  v1::EventBatch batch;
  v1::Event* event = batch.add_events();
  event->set_event_id(
      absl::StrCat("seal-", FormatDay(as_of), "-at-", log.Size()));
  event->set_fund_id(fund);
  event->mutable_effective()->set_day(FormatDay(as_of));
  event->set_recorded_on(recorded_on);
  event->set_recorded_by(recorded_by);
  event->mutable_source()->set_title(absl::StrCat(
      "Statement as of ", FormatDay(as_of),
      ", computed and sealed by fundlog from records 0..", log.Size() - 1));
  event->mutable_source()->set_date(recorded_on);
  *event->mutable_statement_sealed() = *seal;
  return log.Append(batch, size);
}

absl::StatusOr<uint64_t> AppendSynthetic(EventLog& log, uint64_t seed,
                                         int events, int funds) {
  const uint64_t offset = log.Size();
  std::vector<v1::StoredRecord> generated =
      ledger::GenerateSynthetic(seed, events, funds);
  v1::EventBatch batch;
  uint64_t written = 0;
  for (size_t i = 0; i < generated.size(); ++i) {
    v1::Event* event = batch.add_events();
    *event = std::move(*generated[i].mutable_event());
    if (event->has_correction()) {
      event->mutable_correction()->set_corrected_seq(
          event->correction().corrected_seq() + offset);
    }
    if (batch.events_size() == kSynthBatchEvents || i + 1 == generated.size()) {
      absl::StatusOr<AppendResult> appended =
          log.Append(batch, offset + written,
                     BatchOrigin{absl::StrCat("synthetic-seed-", seed), ""});
      if (!appended.ok()) return appended.status();
      written += batch.events_size();
      batch.Clear();
    }
  }
  return written;
}

}  // namespace fundlog
