// Opening, creating and reading the log. Appends are in event_log_append.cc.
#include "core/store/event_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"

namespace fundlog {
namespace {

rocksdb::DBOptions DatabaseOptions(bool create, rocksdb::Env* env) {
  rocksdb::DBOptions options;
  if (env != nullptr) options.env = env;
  options.create_if_missing = create;
  options.create_missing_column_families = create;
  options.error_if_exists = create;
  // Keep the number of open files modest: a log directory is one of many.
  options.max_open_files = 512;
  return options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors() {
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (absl::string_view name : kFamilyNames) {
    rocksdb::ColumnFamilyOptions options;
    if (name == "index") {
      // Validation asks the index mostly about names that are absent (new
      // event ids): a Bloom filter answers those without reading blocks.
      rocksdb::BlockBasedTableOptions table;
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    }
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
                   std::unique_ptr<Families> families, LogInfo info,
                   int64_t last_appended_micros, bool read_only)
    : path_(std::move(path)),
      db_(std::move(db)),
      families_(std::move(families)),
      read_only_(read_only),
      info_(std::move(info)),
      last_appended_micros_(last_appended_micros) {}

EventLog::~EventLog() {
  // A writer flushes its memtables on close, so that the next open, above
  // all a read-only one, need not replay the write-ahead log (at a million
  // records that replay costs seconds and hundreds of MiB). The data is
  // durable either way: this only moves work off the next open.
  bool wrote = false;
  {
    absl::MutexLock lock(&write_mu_);
    wrote = wrote_ && poisoned_.ok();
  }
  if (wrote && db_ != nullptr) {
    db_->Flush(rocksdb::FlushOptions(), families_->handles)
        .PermitUncheckedError();
  }
  // Handles must go before the DB that owns them.
  if (families_ != nullptr) {
    for (rocksdb::ColumnFamilyHandle* handle : families_->handles) {
      db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
  }
}

absl::Status EventLog::CreateIn(const std::string& dir,
                                const CreateOptions& options) {
  auto families = std::make_unique<Families>();
  rocksdb::DB* raw_db = nullptr;
  if (absl::Status s = FromRocks(
          rocksdb::DB::Open(DatabaseOptions(/*create=*/true, options.env), dir,
                            Descriptors(), &families->handles, &raw_db),
          absl::StrCat("create ", dir));
      !s.ok()) {
    return s;
  }
  // Wrapping the DB in an EventLog closes it (handles first) on return.
  EventLog log(dir, std::unique_ptr<rocksdb::DB>(raw_db), std::move(families),
               LogInfo{}, 0, false);
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
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  s.Update(FromRocks(log.db_->Write(write_options, &batch), "write meta"));
  if (!s.ok()) return s;
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
  return Open(OpenOptions{options.path, false, options.env});
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const OpenOptions& options) {
  if (absl::Status s = WhyNoLog(options.path); !s.ok()) return s;
  auto families = std::make_unique<Families>();
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status opened =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(DatabaseOptions(false, options.env),
                                         options.path, Descriptors(),
                                         &families->handles, &raw_db)
          : rocksdb::DB::Open(DatabaseOptions(false, options.env), options.path,
                              Descriptors(), &families->handles, &raw_db);
  if (absl::Status s = OpenError(opened, options.path); !s.ok()) return s;
  std::unique_ptr<EventLog> log(
      new EventLog(options.path, std::unique_ptr<rocksdb::DB>(raw_db),
                   std::move(families), LogInfo{}, 0, options.read_only));
  if (absl::Status s = log->LoadMeta(); !s.ok()) return s;
  return log;
}

absl::Status EventLog::LoadMeta() {
  auto read = [&](absl::string_view key) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::optional<std::string>> value =
        Get(families_->meta(), key);
    if (!value.ok()) return value.status();
    if (!value->has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(path_, ": meta entry \"", key, "\" is missing"));
    }
    return **value;
  };
  absl::StatusOr<std::string> version = read(keys::kMetaSchemaVersion);
  if (!version.ok()) return version.status();
  std::optional<uint32_t> schema = keys::DecodeU32(*version);
  if (!schema) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": unreadable schema version"));
  }
  if (*schema > kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, " was written by a newer schema (version ", *schema,
                     ")", "; this fundlog reads up to version ", kSchemaVersion,
                     ": upgrade fundlog"));
  }
  absl::StatusOr<std::string> size = read(keys::kMetaSize);
  absl::StatusOr<std::string> origin = read(keys::kMetaOrigin);
  if (!size.ok()) return size.status();
  if (!origin.ok()) return origin.status();
  std::optional<uint64_t> decoded_size = keys::DecodeU64(*size);
  if (!decoded_size) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": unreadable log size"));
  }
  absl::MutexLock lock(&write_mu_);
  info_.origin = *origin;
  info_.schema_version = *schema;
  info_.size = *decoded_size;
  if (auto name = read(keys::kMetaOrgName); name.ok()) info_.org_name = *name;
  if (auto number = read(keys::kMetaOrgNumber); number.ok()) {
    info_.org_number = *number;
  }
  if (auto key = read(keys::kMetaVerifierKey); key.ok()) {
    info_.verifier_key = *key;
  }
  if (auto last = Get(families_->meta(), keys::kMetaLastAppended);
      last.ok() && last->has_value()) {
    last_appended_micros_ =
        static_cast<int64_t>(keys::DecodeU64(**last).value_or(0));
  }
  return absl::OkStatus();
}

uint64_t EventLog::Size() const {
  absl::MutexLock lock(&write_mu_);
  return info_.size;
}

LogInfo EventLog::Info() const {
  absl::MutexLock lock(&write_mu_);
  return info_;
}

absl::StatusOr<std::optional<std::string>> EventLog::Get(
    rocksdb::ColumnFamilyHandle* family, absl::string_view key) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), family, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (absl::Status converted = FromRocks(s, "read"); !converted.ok()) {
    return converted;
  }
  return value;
}

absl::StatusOr<std::string> EventLog::ReadRaw(uint64_t seq) const {
  const uint64_t size = Size();
  if (seq >= size) {
    return absl::NotFoundError(
        absl::StrCat("record ", seq, " does not exist (log size ", size, ")"));
  }
  absl::StatusOr<std::optional<std::string>> value =
      Get(families_->events(), keys::EventKey(seq));
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return absl::DataLossError(
        absl::StrCat("record ", seq, " is missing from the log"));
  }
  return std::move(**value);
}

absl::StatusOr<v1::StoredRecord> EventLog::Read(uint64_t seq) const {
  absl::StatusOr<std::string> raw = ReadRaw(seq);
  if (!raw.ok()) return raw.status();
  v1::StoredRecord record;
  if (!record.ParseFromString(*raw)) {
    return absl::DataLossError(
        absl::StrCat("record ", seq, " does not parse as a StoredRecord"));
  }
  return record;
}

absl::Status EventLog::ScanRaw(uint64_t from, uint64_t to,
                               const RawVisitor& visit) const {
  to = std::min(to, Size());
  if (from >= to) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_->events()));
  uint64_t expected = from;
  for (it->Seek(keys::EventKey(from)); it->Valid() && expected < to;
       it->Next()) {
    std::optional<uint64_t> seq = keys::DecodeU64(ToView(it->key()));
    if (!seq || *seq != expected) {
      return absl::DataLossError(
          absl::StrCat("record ", expected, " is missing from the log"));
    }
    if (absl::Status s = visit(expected, ToView(it->value())); !s.ok()) {
      return s;
    }
    ++expected;
  }
  if (absl::Status s = FromRocks(it->status(), "scan events"); !s.ok()) {
    return s;
  }
  if (expected < to) {
    return absl::DataLossError(
        absl::StrCat("record ", expected, " is missing from the log"));
  }
  return absl::OkStatus();
}

absl::Status EventLog::ScanStored(const RawVisitor& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_->events()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::optional<uint64_t> seq = keys::DecodeU64(ToView(it->key()));
    if (!seq) {
      return absl::DataLossError(absl::StrCat("a key of ", it->key().size(),
                                              " bytes in the events family"));
    }
    if (absl::Status s = visit(*seq, ToView(it->value())); !s.ok()) return s;
  }
  return FromRocks(it->status(), "scan events");
}

absl::Status EventLog::Scan(uint64_t from, uint64_t to,
                            const RecordVisitor& visit) const {
  v1::StoredRecord record;
  return ScanRaw(from, to, [&](uint64_t seq, absl::string_view bytes) {
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError(
          absl::StrCat("record ", seq, " does not parse as a StoredRecord"));
    }
    return visit(record);
  });
}

}  // namespace fundlog
