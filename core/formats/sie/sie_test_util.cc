#include "core/formats/sie/sie_test_util.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/base/dates.h"
#include "core/io/sha256_stream.h"
#include "core/ledger/ledger.h"
#include "core/ledger/validate.h"

namespace fundlog::sie {
namespace {

class EmptyLog : public ValidationContext {
 public:
  uint64_t Size() const override { return 0; }
  absl::StatusOr<bool> HasEventId(absl::string_view) const override {
    return false;
  }
  absl::StatusOr<bool> HasFund(absl::string_view) const override {
    return false;
  }
  absl::StatusOr<bool> HasPolicy(absl::string_view) const override {
    return false;
  }
  absl::StatusOr<bool> HasAccount(absl::string_view) const override {
    return false;
  }
  absl::StatusOr<std::string> RecordedOn(uint64_t seq) const override {
    return absl::NotFoundError(absl::StrCat("no record ", seq));
  }
};

ImportOptions OptionsAfter(const std::vector<v1::StoredRecord>& prior,
                           const std::string& display_name) {
  ImportOptions options;
  options.display_name = display_name;
  options.fund_id = std::string(1, 'f');
  for (const v1::StoredRecord& record : prior) {
    if (record.event().has_fund_established()) {
      options.known_funds.insert(record.event().fund_id());
    }
    for (const v1::Account& account :
         record.event().accounts_defined().accounts()) {
      options.known_accounts.insert(account.id());
    }
  }
  return options;
}

absl::StatusOr<Imported> Collect(
    const std::vector<v1::StoredRecord>& prior, const ImportOptions& options,
    const std::function<absl::StatusOr<ImportSummary>(const BatchSink&)>&
        read) {
  Imported out;
  out.records = prior;
  BatchSink sink = [&](v1::EventBatch&& batch) {
    for (v1::Event& event : *batch.mutable_events()) {
      if (event.has_balance_asserted()) ++out.assertions;
      v1::StoredRecord record;
      record.set_seq(out.records.size());
      *record.mutable_event() = std::move(event);
      out.records.push_back(std::move(record));
    }
    return absl::OkStatus();
  };
  absl::StatusOr<ImportSummary> summary = read(sink);
  if (!summary.ok()) return summary.status();
  out.summary = *summary;
  return out;
}

}  // namespace

absl::StatusOr<Imported> ImportForTest(const std::string& path,
                                       const std::string& display_name) {
  ImportOptions options = OptionsAfter({}, display_name);
  options.file_sha256 = std::string(64, 'a');
  return Collect({}, options, [&](const BatchSink& sink) {
    return ReadSieFile(path, options, sink);
  });
}

absl::StatusOr<Imported> ImportBytesForTest(
    absl::string_view bytes, const std::string& display_name,
    const std::vector<v1::StoredRecord>& prior) {
  ImportOptions options = OptionsAfter(prior, display_name);
  absl::StatusOr<std::string> sha = Sha256HexOf(bytes);
  if (!sha.ok()) return sha.status();
  options.file_sha256 = *std::move(sha);
  return Collect(prior, options, [&](const BatchSink& sink) {
    return ReadSieBytes(bytes, options, sink);
  });
}

absl::Status ValidateForTest(const std::vector<v1::StoredRecord>& records) {
  v1::EventBatch batch;
  for (const v1::StoredRecord& record : records) {
    *batch.add_events() = record.event();
  }
  return ValidateBatch(batch, EmptyLog());
}

std::vector<std::string> AssertionMismatches(
    const std::vector<v1::StoredRecord>& records) {
  std::vector<std::string> out;
  // Group assertions by day: one balance query per day.
  std::map<std::string, std::map<std::string, int64_t>> by_day;
  for (const v1::StoredRecord& record : records) {
    if (!record.event().has_balance_asserted()) continue;
    by_day[record.event().effective().day()]
          [record.event().balance_asserted().account()] =
              record.event().balance_asserted().amount_ore();
  }
  for (const auto& [day_text, expected] : by_day) {
    absl::StatusOr<absl::CivilDay> day = ParseDay(day_text);
    if (!day.ok()) {
      out.push_back(std::string(day.status().message()));
      continue;
    }
    ledger::BalanceQuery query;
    query.as_of = *day;
    absl::StatusOr<std::vector<ledger::AccountRange>> balances =
        ledger::Balances(records, query);
    if (!balances.ok()) {
      out.push_back(std::string(balances.status().message()));
      continue;
    }
    std::map<std::string, ledger::AccountRange> got;
    for (const ledger::AccountRange& range : *balances) {
      got[range.account] = range;
    }
    for (const auto& [account, amount] : expected) {
      const ledger::AccountRange& range = got[account];
      if (range.min_ore != amount || range.max_ore != amount) {
        out.push_back(absl::StrCat(day_text, " ", account, ": file says ",
                                   amount, " öre, ledger ", range.min_ore, "..",
                                   range.max_ore));
      }
    }
  }
  return out;
}

}  // namespace fundlog::sie
