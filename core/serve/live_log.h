// LiveLog: the log as a long-lived reader sees it while writers in other
// processes go on appending (docs/serving.md, "Reading the log").
//
// It holds a read-only EventLog (a point-in-time view: files.lock makes
// opening it safe beside a writer) and, warm, the light projector of that
// log's query state (docs/query_state.md), whose size follows the span of
// days, not the log. A background thread watches the log directory; when
// the writer's files change it opens a fresh read-only view, reads the
// records past the projector (outside any lock) and restores the query
// state the writer stored for them. Until a writer has stored one (it does
// so after its commit), the full projector of the view, with its query
// index, answers; the records of a later view are folded into it. A query
// the light projector cannot answer exactly is answered from the full state
// of the same view, loaded for that query alone. Queries take a shared
// lock, which the refresh takes exclusively only to swap the projector (or
// fold a tail) (docs/serving.md has the figures).
//
// Thread safety: every public method may be called from any thread.
#ifndef FUNDLOG_CORE_SERVE_LIVE_LOG_H_
#define FUNDLOG_CORE_SERVE_LIVE_LOG_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/ledger/projector.h"
#include "core/ledger/snapshots.h"
#include "core/serve/verify_child.h"
#include "core/store/event_log.h"

namespace fundlog::serve {

// What a request reads besides the projector: one read-only view of the log.
// Immutable once published.
struct LogState {
  std::shared_ptr<const EventLog> log;
  uint64_t size = 0;
  // {"funds": [...]} for /api/v1/funds, derived from the records.
  std::string funds_json;
};

// The last background `verify` run.
struct VerifyRun {
  absl::Time ran_at;
  std::string json;   // `verify --json`'s document ("null\n" when failed)
  std::string error;  // why the run gave no document ("" when it did)
};

class LiveLog {
 public:
  // Opens the log at `path` read-only and folds it (from the newest valid
  // snapshot). The light projector keeps up to `known_cache_bytes` of the
  // known state's nodes decoded (known_pages.h). Errors as EventLog::Open
  // and LoadProjector.
  static absl::StatusOr<std::unique_ptr<LiveLog>> Open(
      const std::string& path,
      size_t known_cache_bytes = ledger::internal::kKnownCacheBytes);
  ~LiveLog();  // stops the background threads

  // Starts the threads: one that looks for new records every `poll`, one
  // that runs verify at start and whenever the log has grown since, each
  // run in a child process `verify_binary --db PATH verify --json`
  // (VerifyChild; the destructor kills a running one), and one that reads
  // the records there were at Open for their latest recorded_on (until it
  // has, every known_at query is answered as asked; see Warm).
  void Start(absl::Duration poll, const std::string& verify_binary);

  // The published state; cheap (a shared_ptr copy under a lock).
  std::shared_ptr<const LogState> state() const;

  // What a query reads under the shared lock: the projector of every record
  // published so far, and the latest recorded_on among those records.
  struct Warm {
    const ledger::Projector& projector;
    // "YYYY-MM-DD"; "" when empty; kRecordedOnUnknown until the records
    // there were at Open have been read (a query with known_at on or after
    // it may be asked without, the answer being the same).
    const std::string& last_recorded_on;
  };
  // Runs ask(warm) under the shared lock, or returns why the records could
  // not be folded (a record Projector::Add rejects fails the CLI's queries
  // the same way).
  // On the light projector, a kFailedPrecondition answer (not exact from
  // the query state) is replaced by ask() on the full state of the same
  // view, loaded for it (one such load at a time).
  template <typename Ask>
  auto Query(Ask ask) const -> decltype(ask(std::declval<const Warm&>())) {
    std::shared_ptr<const EventLog> log;
    std::string last_recorded_on;
    {
      std::shared_lock lock(projector_mu_);
      if (!fold_status_.ok()) return fold_status_;
      auto answer = ask(Warm{projector_, last_recorded_on_});
      if (!projector_.light() || !absl::IsFailedPrecondition(answer.status())) {
        return answer;
      }
      log = projector_log_;
      last_recorded_on = last_recorded_on_;
    }
    std::lock_guard fallback(fallback_mu_);
    fallbacks_.fetch_add(1, std::memory_order_relaxed);
    absl::StatusOr<ledger::LoadedProjector> full = ledger::LoadProjector(*log);
    if (!full.ok()) return full.status();
    return ask(Warm{full->projector, last_recorded_on});
  }

  // Whether queries are answered from the query state (a light projector),
  // and how many were answered from a full state loaded for them.
  bool light() const {
    std::shared_lock lock(projector_mu_);
    return projector_.light();
  }
  uint64_t fallbacks() const {
    return fallbacks_.load(std::memory_order_relaxed);
  }

  // The last verify run, if one finished.
  std::optional<VerifyRun> last_verify() const;

  // Looks for new records now: reopens the view when the writer's files
  // changed, folds the tail, publishes. Returns whether the size grew.
  // Called by the poller; tests and benchmarks may call it directly.
  absl::StatusOr<bool> CatchUp();

 private:
  LiveLog(std::string path, size_t known_cache_bytes);
  // Loads the projector of `log` (the query state when it covers the log,
  // else the full state with its index) and publishes it with the view.
  absl::Status Restore(std::shared_ptr<const EventLog> log);
  void PollLoop(absl::Duration poll);
  // Reads the records [0, size) of `log` for their latest recorded_on.
  void RecordedOnScan(std::shared_ptr<const EventLog> log, uint64_t size);
  // Takes `day` (the latest recorded_on of new records) into
  // last_recorded_on_; called with projector_mu_ held exclusively.
  void NoteRecordedOn(const std::string& day);
  void VerifyLoop();
  bool Stopping();

  const std::string path_;
  const size_t known_cache_bytes_;
  mutable std::mutex state_mu_;
  std::shared_ptr<const LogState> state_;  // guarded by state_mu_

  mutable std::shared_mutex projector_mu_;
  ledger::Projector projector_;  // guarded by projector_mu_
  // The view projector_ reflects (for a light projector's fallback).
  std::shared_ptr<const EventLog> projector_log_;  // guarded by projector_mu_
  absl::Status fold_status_;                       // guarded by projector_mu_
  std::string last_recorded_on_;                   // guarded by projector_mu_
  // Whether last_recorded_on_ covers the records there were at Open, and
  // the latest recorded_on of the records caught up with since.
  bool recorded_on_scanned_ = false;  // guarded by projector_mu_
  std::string tail_recorded_on_;      // guarded by projector_mu_

  mutable std::mutex fallback_mu_;  // one full-state load at a time
  mutable std::atomic<uint64_t> fallbacks_{0};

  std::mutex catch_up_mu_;       // one CatchUp at a time
  std::string files_signature_;  // guarded by catch_up_mu_
  bool light_ = false;           // guarded by catch_up_mu_: projector_.light()
  std::string funds_json_;       // guarded by catch_up_mu_
  struct FundNames;
  std::unique_ptr<FundNames> funds_;  // guarded by catch_up_mu_

  std::unique_ptr<VerifyChild> verify_child_;  // set by Start
  mutable std::mutex verify_mu_;
  std::optional<VerifyRun> verify_;  // guarded by verify_mu_

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  bool grew_ = true;       // guarded by stop_mu_: verify has work
  std::thread poller_;
  std::thread verifier_;
  std::thread recorded_on_scanner_;
};

// LiveLog::Warm::last_recorded_on until the records have been read: no
// known_at day a query can give is on or after it.
inline constexpr char kRecordedOnUnknown[] = "9999-12-31";

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_LIVE_LOG_H_
