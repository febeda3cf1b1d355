// Opening, creating and reading the log. Appends are in event_log_append.cc.
#include "core/store/event_log.h"

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

bool HoldsLog(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(std::filesystem::path(path) / "CURRENT",
                                 error);
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
  // Handles must go before the DB that owns them.
  if (families_ != nullptr) {
    for (rocksdb::ColumnFamilyHandle* handle : families_->handles) {
      db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
  }
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
  std::error_code error;
  std::filesystem::create_directories(options.path, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", options.path,
                                            ": ", error.message()));
  }
  auto families = std::make_unique<Families>();
  rocksdb::DB* raw_db = nullptr;
  if (absl::Status s = FromRocks(
          rocksdb::DB::Open(DatabaseOptions(/*create=*/true, options.env), options.path,
                            Descriptors(), &families->handles, &raw_db),
          absl::StrCat("create ", options.path));
      !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* meta = families->meta();
  absl::Status s;
  s.Update(FromRocks(batch.Put(meta, ToSlice(keys::kMetaOrigin), options.origin),
                     "meta"));
  s.Update(FromRocks(batch.Put(meta, ToSlice(keys::kMetaOrgName), options.org_name),
                     "meta"));
  s.Update(FromRocks(
      batch.Put(meta, ToSlice(keys::kMetaOrgNumber), options.org_number), "meta"));
  s.Update(FromRocks(
      batch.Put(meta, ToSlice(keys::kMetaVerifierKey), options.verifier_key), "meta"));
  s.Update(FromRocks(batch.Put(meta, ToSlice(keys::kMetaSchemaVersion),
                               keys::EncodeU32(kSchemaVersion)),
                     "meta"));
  s.Update(FromRocks(batch.Put(meta, ToSlice(keys::kMetaSize), keys::EncodeU64(0)),
                     "meta"));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  s.Update(FromRocks(db->Write(write_options, &batch), "write meta"));
  if (!s.ok()) return s;
  LogInfo info{options.origin,       options.org_name, options.org_number,
               options.verifier_key, kSchemaVersion,    0};
  return std::unique_ptr<EventLog>(new EventLog(options.path, std::move(db),
                                                std::move(families), info, 0,
                                                /*read_only=*/false));
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const OpenOptions& options) {
  if (!HoldsLog(options.path)) {
    return absl::NotFoundError(absl::StrCat(
        options.path, " holds no log (create one with `fundlog init`)"));
  }
  auto families = std::make_unique<Families>();
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status opened =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(DatabaseOptions(false, options.env), options.path,
                                         Descriptors(), &families->handles,
                                         &raw_db)
          : rocksdb::DB::Open(DatabaseOptions(false, options.env), options.path,
                              Descriptors(), &families->handles, &raw_db);
  if (absl::Status s = FromRocks(opened, absl::StrCat("open ", options.path));
      !s.ok()) {
    return s;
  }
  std::unique_ptr<EventLog> log(new EventLog(
      options.path, std::unique_ptr<rocksdb::DB>(raw_db), std::move(families),
      LogInfo{}, 0, options.read_only));
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
    return absl::FailedPreconditionError(absl::StrCat(
        path_, " was written by a newer schema (version ", *schema, ")",
        "; this fundlog reads up to version ", kSchemaVersion,
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
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (absl::Status converted = FromRocks(s, "read"); !converted.ok()) {
    return converted;
  }
  return value;
}

absl::StatusOr<std::string> EventLog::ReadRaw(uint64_t seq) const {
  const uint64_t size = Size();
  if (seq >= size) {
    return absl::NotFoundError(absl::StrCat("record ", seq,
                                            " does not exist (log size ",
                                            size, ")"));
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
    if (absl::Status s = visit(expected, ToView(it->value()));
        !s.ok()) {
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
      return absl::DataLossError(absl::StrCat(
          "a key of ", it->key().size(), " bytes in the events family"));
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
