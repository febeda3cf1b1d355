#include "core/serve/live_log.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/io/json_writer.h"
#include "core/ledger/snapshots.h"
#include "core/store/key_format.h"

namespace fundlog::serve {
namespace {

// The files a writer changes when it appends or opens: RocksDB's WALs
// (*.log), MANIFEST-* and CURRENT, by name, size and modification time.
// Table files need not be watched: a flush also writes the MANIFEST.
std::string FilesSignature(const std::string& dir) {
  std::error_code error;
  std::map<std::string, std::string> parts;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::EndsWith(name, ".log") && !absl::StartsWith(name, "MANIFEST-") &&
        name != "CURRENT") {
      continue;
    }
    std::error_code stat_error;
    const auto size = entry.file_size(stat_error);
    const auto mtime = entry.last_write_time(stat_error);
    if (stat_error) continue;  // gone meanwhile: the next poll sees it
    parts[name] = absl::StrCat(size, "@", mtime.time_since_epoch().count());
  }
  std::string out;
  for (const auto& [name, part] : parts)
    absl::StrAppend(&out, name, "=", part, ";");
  return out;
}

}  // namespace

// Funds and their accounts as the records name them: FundEstablished gives
// a fund's name, AccountsDefined its accounts (a later definition of an
// account renames it).
struct LiveLog::FundNames {
  struct Fund {
    std::string name;
    std::map<std::string, std::string> accounts;
  };
  std::map<std::string, Fund> funds;

  void Observe(const v1::StoredRecord& record) {
    const v1::Event& event = record.event();
    if (event.fund_id().empty()) return;
    Fund& fund = funds[event.fund_id()];
    if (event.has_fund_established()) {
      fund.name = event.fund_established().name();
    }
    if (event.has_accounts_defined()) {
      for (const v1::Account& account : event.accounts_defined().accounts()) {
        fund.accounts[account.id()] = account.name();
      }
    }
  }

  // {"funds": [{"fund", "name", "accounts": [{"account", "name"}]}]} in
  // fund id order, accounts in id order.
  std::string Json() const {
    JsonWriter json;
    json.BeginObject().Key("funds").BeginArray();
    for (const auto& [id, fund] : funds) {
      json.BeginObject();
      json.Key("fund").String(id);
      json.Key("name").String(fund.name);
      json.Key("accounts").BeginArray();
      for (const auto& [account, name] : fund.accounts) {
        json.BeginObject();
        json.Key("account").String(account);
        json.Key("name").String(name);
        json.EndObject();
      }
      json.EndArray().EndObject();
    }
    json.EndArray().EndObject();
    return json.str() + "\n";
  }
};

LiveLog::LiveLog(std::string path, size_t known_cache_bytes)
    : path_(std::move(path)),
      known_cache_bytes_(known_cache_bytes),
      funds_(std::make_unique<FundNames>()) {}

absl::Status LiveLog::Restore(std::shared_ptr<const EventLog> log) {
  absl::StatusOr<ledger::LoadedProjector> loaded =
      ledger::LoadQueryProjector(*log, /*known=*/true, known_cache_bytes_);
  std::unique_lock lock(projector_mu_);
  projector_log_ = std::move(log);
  if (loaded.ok()) {
    projector_ = std::move(loaded->projector);
    if (!projector_.light()) projector_.IndexForQueries();
    light_ = projector_.light();
    fold_status_ = absl::OkStatus();
  } else if (absl::IsInvalidArgument(loaded.status()) ||
             absl::IsFailedPrecondition(loaded.status()) ||
             absl::IsOutOfRange(loaded.status())) {
    fold_status_ = loaded.status();  // a record the ledger refuses
    light_ = false;
  } else {
    return loaded.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LiveLog>> LiveLog::Open(
    const std::string& path, size_t known_cache_bytes) {
  std::unique_ptr<LiveLog> live(new LiveLog(path, known_cache_bytes));
  live->files_signature_ = FilesSignature(path);
  absl::StatusOr<std::unique_ptr<EventLog>> opened =
      EventLog::Open(OpenOptions{.path = path, .read_only = true});
  if (!opened.ok()) return opened.status();
  std::shared_ptr<const EventLog> log = std::move(*opened);
  if (absl::Status s = live->Restore(log); !s.ok()) return s;
  // The funds and accounts from the records that define them, found by the
  // index ('U': a fund's establishment, 'A': the one definition of each
  // account), read in log order as a scan of every record would meet them.
  std::set<uint64_t> defining;
  for (char kind : {keys::kIndexFund, keys::kIndexAccount}) {
    if (absl::Status s = log->ScanNamed(kind,
                                        [&](absl::string_view, uint64_t seq) {
                                          defining.insert(seq);
                                          return absl::OkStatus();
                                        });
        !s.ok()) {
      return s;
    }
  }
  for (uint64_t seq : defining) {
    absl::StatusOr<v1::StoredRecord> record = log->Read(seq);
    if (!record.ok()) return record.status();
    live->funds_->Observe(*record);
  }
  // The latest recorded_on comes from a scan of every record, which Start
  // runs beside the serving; until then no known_at is dropped.
  live->recorded_on_scanned_ = log->Size() == 0;
  live->last_recorded_on_ = log->Size() == 0 ? "" : kRecordedOnUnknown;
  auto state = std::make_shared<LogState>();
  state->size = log->Size();
  state->log = std::move(log);
  state->funds_json = live->funds_->Json();
  live->state_ = std::move(state);
  return live;
}

LiveLog::~LiveLog() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (verify_child_) verify_child_->Stop();  // a running verify ends now
  if (poller_.joinable()) poller_.join();
  if (verifier_.joinable()) verifier_.join();
  if (recorded_on_scanner_.joinable()) recorded_on_scanner_.join();
}

void LiveLog::Start(absl::Duration poll, const std::string& verify_binary) {
  verify_child_ = std::make_unique<VerifyChild>(verify_binary, path_);
  poller_ = std::thread([this, poll] { PollLoop(poll); });
  verifier_ = std::thread([this] { VerifyLoop(); });
  const std::shared_ptr<const LogState> at_open = state();
  recorded_on_scanner_ = std::thread(
      [this, at_open] { RecordedOnScan(at_open->log, at_open->size); });
}

void LiveLog::NoteRecordedOn(const std::string& day) {
  tail_recorded_on_ = std::max(tail_recorded_on_, day);
  if (recorded_on_scanned_) {
    last_recorded_on_ = std::max(last_recorded_on_, day);
  }
}

void LiveLog::RecordedOnScan(std::shared_ptr<const EventLog> log,
                             uint64_t size) {
  {
    std::shared_lock lock(projector_mu_);
    if (recorded_on_scanned_) return;
  }
  std::string latest;
  absl::Status scanned =
      log->Scan(0, size, [&](const v1::StoredRecord& record) {
        if (Stopping()) return absl::CancelledError("the server stops");
        latest = std::max(latest, record.event().recorded_on());
        return absl::OkStatus();
      });
  if (!scanned.ok()) {
    // Queries go on asking every known_at as given: exact, only slower.
    if (!absl::IsCancelled(scanned)) {
      std::cerr << "fundlog serve: cannot read the records' recorded_on: "
                << scanned.message() << "\n";
    }
    return;
  }
  std::unique_lock lock(projector_mu_);
  last_recorded_on_ = std::max(latest, tail_recorded_on_);
  recorded_on_scanned_ = true;
}

std::shared_ptr<const LogState> LiveLog::state() const {
  std::lock_guard lock(state_mu_);
  return state_;
}

std::optional<VerifyRun> LiveLog::last_verify() const {
  std::lock_guard lock(verify_mu_);
  return verify_;
}

absl::StatusOr<bool> LiveLog::CatchUp() {
  std::lock_guard catch_up(catch_up_mu_);
  const std::string signature = FilesSignature(path_);
  if (signature == files_signature_) return false;
  absl::StatusOr<std::unique_ptr<EventLog>> opened =
      EventLog::Open(OpenOptions{.path = path_, .read_only = true});
  if (!opened.ok()) return opened.status();
  std::shared_ptr<const EventLog> log = std::move(*opened);
  const std::shared_ptr<const LogState> old = state();
  if (log->Size() < old->size) {
    return absl::DataLossError(absl::StrCat(
        "the log shrank from ", old->size, " to ", log->Size(),
        " records while it was served; keeping the view of ", old->size));
  }
  std::vector<v1::StoredRecord> tail;
  if (absl::Status s = log->Scan(old->size, log->Size(),
                                 [&](const v1::StoredRecord& record) {
                                   tail.push_back(record);
                                   return absl::OkStatus();
                                 });
      !s.ok()) {
    return s;
  }
  std::string last_recorded_on;
  for (const v1::StoredRecord& record : tail) {
    last_recorded_on = std::max(last_recorded_on, record.event().recorded_on());
  }
  absl::StatusOr<std::optional<ledger::Projector>> light =
      ledger::LoadQueryState(*log, nullptr, /*known=*/true, known_cache_bytes_);
  if (!light.ok()) return light.status();
  if (light->has_value() && (!tail.empty() || !light_)) {
    // The writer's query state for this view (also once it catches up with
    // records a full projector answered meanwhile).
    std::unique_lock lock(projector_mu_);
    projector_ = **std::move(light);
    projector_log_ = log;
    fold_status_ = absl::OkStatus();
    NoteRecordedOn(last_recorded_on);
    light_ = true;
  } else if (!light->has_value() && !tail.empty() && light_) {
    // No query state covers the new records yet: the full state, until a
    // writer's refresh stores one (the next change of its files).
    if (absl::Status s = Restore(log); !s.ok()) return s;
    std::unique_lock lock(projector_mu_);
    NoteRecordedOn(last_recorded_on);
  } else if (!tail.empty()) {
    std::unique_lock lock(projector_mu_);
    for (const v1::StoredRecord& record : tail) {
      if (!fold_status_.ok()) break;
      fold_status_ = projector_.Add(record);
    }
    if (fold_status_.ok()) projector_.IndexForQueries();
    projector_log_ = log;
    NoteRecordedOn(last_recorded_on);
  }
  for (const v1::StoredRecord& record : tail) funds_->Observe(record);
  auto next = std::make_shared<LogState>();
  next->size = log->Size();
  next->log = std::move(log);
  next->funds_json = tail.empty() ? old->funds_json : funds_->Json();
  {
    std::lock_guard lock(state_mu_);
    state_ = std::move(next);
  }
  files_signature_ = signature;
  if (!tail.empty()) {
    {
      std::lock_guard lock(stop_mu_);
      grew_ = true;
    }
    stop_cv_.notify_all();
  }
  return !tail.empty();
}

void LiveLog::PollLoop(absl::Duration poll) {
  std::string last_error;
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, absl::ToChronoMilliseconds(poll),
                      [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    absl::StatusOr<bool> grew = CatchUp();
    if (!grew.ok() && std::string(grew.status().message()) != last_error) {
      last_error = std::string(grew.status().message());
      std::cerr << "fundlog serve: cannot catch up with the log: " << last_error
                << "\n";
    }
    lock.lock();
  }
}

bool LiveLog::Stopping() {
  std::lock_guard lock(stop_mu_);
  return stopping_;
}

void LiveLog::VerifyLoop() {
  std::unique_lock lock(stop_mu_);
  while (true) {
    stop_cv_.wait(lock, [&] { return stopping_ || grew_; });
    if (stopping_) return;
    grew_ = false;
    lock.unlock();
    // In a child process: the replay's memory is returned when it exits.
    VerifyOutcome outcome = verify_child_->Run();
    if (!outcome.error.empty() && !Stopping()) {
      std::cerr << "fundlog serve: the background verify failed: "
                << outcome.error << "\n";
    }
    VerifyRun run{absl::Now(), std::move(outcome.json),
                  std::move(outcome.error)};
    {
      std::lock_guard verify_lock(verify_mu_);
      verify_ = std::move(run);
    }
    lock.lock();
  }
}

}  // namespace fundlog::serve
