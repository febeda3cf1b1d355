// Opening, creating and closing the log. Reads are in event_log_read.cc,
// appends in event_log_append.cc.
#include "core/store/event_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/store/families.h"
#include "core/store/files_lock.h"
#include "core/store/info_log.h"
#include "core/store/key_format.h"
#include "core/store/rocks_status.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/metadata.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"

namespace fundlog {
namespace {

// RocksDB's info LOG of a writer: a few small files, not one per open.
constexpr size_t kInfoLogBytesMax = 1 << 20;
constexpr size_t kInfoLogFilesKept = 2;
// A writer flushes its memtables on close only above this much unflushed
// data: below it, the synced WAL is the durable copy and the next open
// replays it cheaply; above it, the flush spares every later reader a long
// replay.
constexpr uint64_t kFlushOnCloseBytesMin = 8 << 20;
// How long a closing writer waits for RocksDB's background compactions, so
// that short-lived writers (one `fundlog append` each) still merge their
// small table files instead of leaving one set per process.
constexpr auto kCloseCompactionWaitMax = std::chrono::seconds(30);
// RocksDB moves a table file whose keys overlap no other down a level
// without rewriting it ("trivial move"): the events family, whose keys only
// grow, would keep one tiny file per writer process for ever. A closing
// writer merges a family's small files once there are this many.
constexpr uint64_t kSmallTableBytes = 4 << 20;
constexpr size_t kSmallTablesMax = 4;

// Readers keep no info LOG: opening one would rotate the writer's LOG.
class NullLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

// Counts flushes and compactions, whose inputs become obsolete files.
class FilesChangedListener : public rocksdb::EventListener {
 public:
  explicit FilesChangedListener(std::shared_ptr<std::atomic<bool>> changed)
      : changed_(std::move(changed)) {}
  void OnFlushCompleted(rocksdb::DB*, const rocksdb::FlushJobInfo&) override {
    changed_->store(true);
  }
  void OnCompactionCompleted(rocksdb::DB*,
                             const rocksdb::CompactionJobInfo&) override {
    changed_->store(true);
  }

 private:
  std::shared_ptr<std::atomic<bool>> changed_;
};

enum class Mode { kCreate, kWrite, kRead };

// Merges the small table files of `family` into one (see kSmallTablesMax).
// Best effort: a failure leaves the files as they were.
void MergeSmallTables(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family) {
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(family, &meta);
  std::vector<std::string> small;
  int deepest = 0;
  for (const rocksdb::LevelMetaData& level : meta.levels) {
    for (const rocksdb::SstFileMetaData& file : level.files) {
      if (file.size < kSmallTableBytes && !file.being_compacted) {
        small.push_back(file.name);
        deepest = std::max(deepest, level.level);
      }
    }
  }
  if (small.size() < kSmallTablesMax) return;
  db->CompactFiles(rocksdb::CompactionOptions(), family, small, deepest)
      .PermitUncheckedError();
}

rocksdb::DBOptions DatabaseOptions(Mode mode, rocksdb::Env* env,
                                   const std::string& dir) {
  rocksdb::DBOptions options;
  if (env != nullptr) options.env = env;
  const bool create = mode == Mode::kCreate;
  options.create_if_missing = create;
  options.create_missing_column_families = create;
  options.error_if_exists = create;
  options.max_log_file_size = kInfoLogBytesMax;
  options.keep_log_file_num = kInfoLogFilesKept;
  if (mode == Mode::kRead) {
    // A reader opens every table file while it holds files.lock, so a
    // writer may delete them afterwards (files_lock.h).
    options.max_open_files = -1;
    options.info_log = std::make_shared<NullLogger>();
  } else {
    // Keep the number of open files modest: a log directory is one of many.
    options.max_open_files = 512;
    // RocksDB's own LOG writer aborts on a second write after a failed one
    // (a full disk); this one drops the lines instead (info_log.h).
    options.info_log = TolerantInfoLog::Open(dir, kInfoLogBytesMax);
  }
  return options;
}

// The block cache one open log shares among its families (RocksDB's
// default is one of 8 MiB per family): data blocks and the partitions of
// the tables' indexes and filters (docs/format.md, "Reader memory").
constexpr size_t kBlockCacheBytes = size_t{16} << 20;

std::shared_ptr<rocksdb::Cache> NewBlockCache() {
  return rocksdb::NewLRUCache(kBlockCacheBytes);
}

// `writable`: the log is opened for appends (a read-only open has no use
// for a filter of the memtable's keys, only its memory).
//
// Every family's tables are written with a two-level (partitioned) index,
// and the index family's Bloom filter partitioned too: an open table keeps
// only the top level of its index and filter on the heap and reads the
// partitions a lookup needs through `cache`, with the data blocks. So a
// process's memory for RocksDB's indexes follows the cache's capacity and
// the number of table files, not the log's length (a table written before
// keeps its whole index and filter on the heap while it is open: 63 MB of
// a fresh `show` at 10M events; `rebuild` rewrites such tables, see
// RewriteTables). They are not put in the cache themselves
// (cache_index_and_filter_blocks): an older table's whole index would then
// be read again after every eviction.
std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(
    bool writable, const std::shared_ptr<rocksdb::Cache>& cache) {
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (absl::string_view name : kFamilyNames) {
    rocksdb::ColumnFamilyOptions options;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.index_type =
        rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
    if (name == "index") {
      // Validation asks the index mostly about names that are absent (new
      // event ids): a Bloom filter answers those without reading blocks.
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      table.partition_filters = true;
      // The same for the entries still in the memtable, where a writer's
      // recent entries are: a whole-key Bloom filter of 5 % of the write
      // buffer (3.2 MiB of bits, allocated with each memtable) instead of a
      // skip-list search per absent event id.
      if (writable) {
        options.memtable_whole_key_filtering = true;
        options.memtable_prefix_bloom_size_ratio = 0.05;
      }
    }
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    out.emplace_back(std::string(name), options);
  }
  return out;
}

// Creates `path` with mode 0600 (never overwriting) holding `text`, synced.
absl::Status WritePrivateFile(const std::string& path, absl::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return absl::InternalError(
          absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot sync ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Makes a rename within `dir` durable.
absl::Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return absl::InternalError(absl::StrCat("cannot sync directory ", dir, ": ",
                                            std::strerror(errno)));
  }
  ::close(fd);
  return absl::OkStatus();
}

bool HoldsLog(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(std::filesystem::path(path) / "CURRENT",
                                 error);
}

// Why `path` cannot be opened as a log, told apart by what the OS says
// about its CURRENT file: absent (no log), a path through a file, or a
// directory the user may not read (a permission problem, not a missing log).
absl::Status WhyNoLog(const std::string& path) {
  const std::string current = (std::filesystem::path(path) / "CURRENT");
  struct stat info;
  if (::stat(current.c_str(), &info) == 0) return absl::OkStatus();
  switch (errno) {
    case EACCES:
      return absl::PermissionDeniedError(
          absl::StrCat(path,
                       ": permission denied: this user may not read the log "
                       "directory (check its owner and mode)"));
    case ENOTDIR:
      return absl::NotFoundError(
          absl::StrCat(path,
                       " is not a directory, so it holds no log (give the log "
                       "directory with --db DIR)"));
    case ENOENT:
      return absl::NotFoundError(
          absl::StrCat(path, " holds no log (create one with `fundlog init`)"));
    default:
      return absl::InternalError(
          absl::StrCat("cannot read ", current, ": ", std::strerror(errno)));
  }
}

// RocksDB's LOCK file admits one process; its raw message ("While lock
// file: ...: Resource temporarily unavailable") is said in the user's terms.
absl::Status OpenError(const rocksdb::Status& opened, const std::string& path) {
  if (opened.IsIOError() &&
      opened.ToString().find("lock file") != std::string::npos) {
    return absl::UnavailableError(
        absl::StrCat(path,
                     " is in use: another process (a fundlog writer) holds the "
                     "log open; try again when it has finished (",
                     opened.ToString(), ")"));
  }
  return FromRocks(opened, absl::StrCat("open ", path));
}

}  // namespace

EventLog::EventLog(std::string path, std::unique_ptr<rocksdb::DB> db,
                   std::unique_ptr<Families> families, bool read_only)
    : path_(std::move(path)),
      db_(std::move(db)),
      families_(std::move(families)),
      read_only_(read_only) {}

EventLog::~EventLog() {
  if (db_ == nullptr) return;
  if (!read_only_) {
    // No flush of small memtables: the WAL is synced, and it is the durable
    // copy (the next writer's open turns it into table files).
    uint64_t unflushed = 0;
    bool healthy = false;
    {
      absl::MutexLock lock(&write_mu_);
      healthy = poisoned_.ok();
    }
    if (healthy &&
        db_->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables",
                                      &unflushed) &&
        unflushed >= kFlushOnCloseBytesMin) {
      db_->Flush(rocksdb::FlushOptions(), families_->handles)
          .PermitUncheckedError();
    }
    const auto deadline =
        std::chrono::steady_clock::now() + kCloseCompactionWaitMax;
    for (uint64_t pending = 0, running = 0;
         std::chrono::steady_clock::now() < deadline;) {
      if (!db_->GetAggregatedIntProperty("rocksdb.compaction-pending",
                                         &pending) ||
          !db_->GetIntProperty("rocksdb.num-running-compactions", &running) ||
          (pending == 0 && running == 0)) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (rocksdb::ColumnFamilyHandle* family : families_->handles) {
      MergeSmallTables(db_.get(), family);
    }
    // Obsolete files go now, while no reader is opening (files_lock.h). A
    // failure only leaves them for the next writer.
    if (files_lock_ != nullptr && files_lock_->Lock(/*exclusive=*/true).ok()) {
      db_->EnableFileDeletions(/*force=*/true).PermitUncheckedError();
    }
  }
  // Handles must go before the DB that owns them, and the DB before the
  // files lock is released (the close may still delete files).
  for (rocksdb::ColumnFamilyHandle* handle : families_->handles) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  db_.reset();
  files_lock_.reset();
}

void EventLog::PurgeObsoleteFilesIfFree() {
  if (files_lock_ == nullptr || !files_changed_->exchange(false)) return;
  // Never waits for readers: when one is opening, the files go later.
  if (!files_lock_->TryLockExclusive()) {
    files_changed_->store(true);
    return;
  }
  db_->EnableFileDeletions(/*force=*/true).PermitUncheckedError();
  db_->DisableFileDeletions().PermitUncheckedError();
  files_lock_->Unlock();
}

absl::Status EventLog::CreateIn(const std::string& dir,
                                const CreateOptions& options) {
  auto families = std::make_unique<Families>();
  rocksdb::DB* raw_db = nullptr;
  if (absl::Status s = FromRocks(
          rocksdb::DB::Open(DatabaseOptions(Mode::kCreate, options.env, dir),
                            dir, Descriptors(true, NewBlockCache()),
                            &families->handles, &raw_db),
          absl::StrCat("create ", dir));
      !s.ok()) {
    return s;
  }
  // Wrapping the DB in an EventLog closes it (handles first) on return.
  EventLog log(dir, std::unique_ptr<rocksdb::DB>(raw_db), std::move(families),
               false);
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* meta = log.families_->meta();
  absl::Status s;
  auto put = [&](absl::string_view key, absl::string_view value) {
    s.Update(FromRocks(batch.Put(meta, ToSlice(key), ToSlice(value)), "meta"));
  };
  put(keys::kMetaOrigin, options.origin);
  put(keys::kMetaOrgName, options.org_name);
  put(keys::kMetaOrgNumber, options.org_number);
  put(keys::kMetaVerifierKey, options.verifier_key);
  put(keys::kMetaSchemaVersion, keys::EncodeU32(kSchemaVersion));
  put(keys::kMetaSize, keys::EncodeU64(0));
  put(keys::kMetaIndexPeriods, keys::EncodeU32(1));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  s.Update(FromRocks(log.db_->Write(write_options, &batch), "write meta"));
  if (!s.ok()) return s;
  // The files lock exists from the start, so that readers always find it.
  absl::StatusOr<std::unique_ptr<FilesLock>> files_lock =
      FilesLock::Open(dir, /*create=*/true);
  if (!files_lock.ok()) return files_lock.status();
  if (!options.signing_key_text.empty()) {
    return WritePrivateFile(
        (std::filesystem::path(dir) / kSigningKeyFile).string(),
        options.signing_key_text);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Create(
    const CreateOptions& options) {
  if (options.origin.empty()) {
    return absl::InvalidArgumentError("--origin must not be empty");
  }
  if (HoldsLog(options.path)) {
    return absl::AlreadyExistsError(
        absl::StrCat(options.path, " already holds a log"));
  }
  // The log is built in a staging directory beside its destination and
  // renamed into place only when complete, so a crash mid-way never leaves a
  // half-made log where a log is expected (rename(2) is atomic and replaces
  // an empty directory).
  std::filesystem::path target = std::filesystem::absolute(options.path);
  std::filesystem::path staging = target;
  staging += absl::StrCat(".creating-", getpid());
  std::error_code error;
  std::filesystem::remove_all(staging, error);
  std::filesystem::create_directories(staging, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", staging.string(),
                                            ": ", error.message()));
  }
  if (absl::Status s = CreateIn(staging.string(), options); !s.ok()) {
    std::filesystem::remove_all(staging, error);
    return s;
  }
  if (::rename(staging.c_str(), target.c_str()) != 0) {
    const int rename_error = errno;
    std::filesystem::remove_all(staging, error);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create a log at ", options.path, ": ",
                     std::strerror(rename_error),
                     rename_error == ENOTEMPTY || rename_error == EEXIST
                         ? " (the directory is not empty)"
                         : ""));
  }
  if (absl::Status s = SyncDirectory(target.parent_path().string()); !s.ok()) {
    return s;
  }
  return Open(OpenOptions{.path = options.path,
                          .env = options.env,
                          .rules = options.rules,
                          .session_spill_bytes = options.session_spill_bytes});
}

absl::Status EventLog::RulesGiven() const {
  if (rules_ != nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the log at ", path_,
      " was opened without the ledger's record rules; it can be read but "
      "not appended to or re-indexed"));
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const OpenOptions& options) {
  if (absl::Status s = WhyNoLog(options.path); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<FilesLock>> files_lock =
      FilesLock::Open(options.path, /*create=*/!options.read_only);
  if (!files_lock.ok()) return files_lock.status();
  if (absl::Status s = (*files_lock)->Lock(/*exclusive=*/!options.read_only);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLocked(options);
  (*files_lock)->Unlock();
  if (log.ok() && !options.read_only) {
    (*log)->files_lock_ = std::move(*files_lock);
  }
  return log;
}

// Removes what a writer killed mid-way left behind: OPTIONS-*.dbtmp files
// of RocksDB's, and session-*.staged files of an append session that never
// committed (session_spill.h). Called once this process holds RocksDB's
// LOCK, when no other writer can be writing one.
static void RemoveCrashLeftovers(const std::string& dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if ((absl::StartsWith(name, "OPTIONS-") &&
         absl::EndsWith(name, ".dbtmp")) ||
        (absl::StartsWith(name, "session-") &&
         absl::EndsWith(name, ".staged"))) {
      std::filesystem::remove(entry.path(), error);
    }
  }
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::OpenLocked(
    const OpenOptions& options) {
  const Mode mode = options.read_only ? Mode::kRead : Mode::kWrite;
  rocksdb::DBOptions db_options =
      DatabaseOptions(mode, options.env, options.path);
  auto files_changed = std::make_shared<std::atomic<bool>>(false);
  if (mode == Mode::kWrite) {
    db_options.listeners.push_back(
        std::make_shared<FilesChangedListener>(files_changed));
  }
  auto families = std::make_unique<Families>();
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status opened =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, options.path,
                                         Descriptors(false, NewBlockCache()),
                                         &families->handles, &raw_db)
          : rocksdb::DB::Open(db_options, options.path,
                              Descriptors(true, NewBlockCache()),
                              &families->handles, &raw_db);
  if (absl::Status s = OpenError(opened, options.path); !s.ok()) return s;
  std::unique_ptr<EventLog> log(
      new EventLog(options.path, std::unique_ptr<rocksdb::DB>(raw_db),
                   std::move(families), options.read_only));
  log->sync_writes_ = options.sync_writes;
  log->rules_ = options.rules;
  log->session_spill_bytes_ = options.session_spill_bytes;
  log->files_changed_ = std::move(files_changed);
  if (absl::Status s = log->LoadMeta(); !s.ok()) return s;
  if (!options.read_only) {
    if (absl::Status s = log->CheckRecordsMatchSize(); !s.ok()) return s;
    RemoveCrashLeftovers(options.path);
    // From here on the set of files changes only under files.lock
    // (files_lock.h): on close, or in PurgeObsoleteFilesIfFree.
    if (absl::Status s = FromRocks(log->db_->DisableFileDeletions(),
                                   "disable file deletions");
        !s.ok()) {
      return s;
    }
  }
  return log;
}

}  // namespace fundlog
