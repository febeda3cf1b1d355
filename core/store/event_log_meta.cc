// Loading the `meta` family when a log opens, and the check that a writer's
// log is whole at its end.
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"

namespace fundlog {

absl::Status EventLog::LoadMeta() {
  // Every read error is returned; an absent entry is an error only where
  // every log has one (Create writes them all).
  auto read = [&](absl::string_view key,
                  bool required) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::optional<std::string>> value =
        Get(families_->meta(), key);
    if (!value.ok()) return value.status();
    if (!value->has_value()) {
      if (!required) return std::string();
      return absl::FailedPreconditionError(
          absl::StrCat(path_, ": meta entry \"", key, "\" is missing"));
    }
    return std::move(**value);
  };
  absl::StatusOr<std::string> version = read(keys::kMetaSchemaVersion, true);
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
  absl::StatusOr<std::string> size = read(keys::kMetaSize, true);
  if (!size.ok()) return size.status();
  std::optional<uint64_t> decoded_size = keys::DecodeU64(*size);
  if (!decoded_size) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": unreadable log size"));
  }
  absl::StatusOr<std::string> origin = read(keys::kMetaOrigin, true);
  absl::StatusOr<std::string> org_name = read(keys::kMetaOrgName, false);
  absl::StatusOr<std::string> org_number = read(keys::kMetaOrgNumber, false);
  absl::StatusOr<std::string> verifier_key =
      read(keys::kMetaVerifierKey, false);
  absl::StatusOr<std::string> last = read(keys::kMetaLastAppended, false);
  for (const absl::StatusOr<std::string>* value :
       {&origin, &org_name, &org_number, &verifier_key, &last}) {
    if (!value->ok()) return value->status();
  }
  std::optional<uint64_t> last_appended = uint64_t{0};
  if (!last->empty()) last_appended = keys::DecodeU64(*last);
  if (!last_appended) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": unreadable time of the last append"));
  }
  info_.origin = *std::move(origin);
  info_.org_name = *std::move(org_name);
  info_.org_number = *std::move(org_number);
  info_.verifier_key = *std::move(verifier_key);
  info_.schema_version = *schema;
  size_.store(*decoded_size, std::memory_order_release);
  absl::MutexLock lock(&write_mu_);
  last_appended_micros_ = static_cast<int64_t>(*last_appended);
  return absl::OkStatus();
}

absl::Status EventLog::CheckRecordsMatchSize() const {
  // Records are written with the size that covers them, in one batch, so
  // the last record is always size - 1. Anything else is damage (an edited
  // size, a lost or planted record), and appending would write onto it.
  const uint64_t size = Size();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_->events()));
  it->SeekToLast();
  if (absl::Status s = FromRocks(it->status(), "read the last record");
      !s.ok()) {
    return s;
  }
  std::optional<uint64_t> last;
  if (it->Valid()) {
    last = keys::DecodeU64(ToView(it->key()));
    if (!last) {
      return absl::DataLossError(absl::StrCat(
          path_, ": a key of ", it->key().size(),
          " bytes in the events family; refusing to append (run `fundlog "
          "verify`)"));
    }
  }
  if (size == 0 ? !last.has_value() : last == size - 1) {
    return absl::OkStatus();
  }
  return absl::DataLossError(
      absl::StrCat(path_, ": the size in meta says the log holds ", size,
                   " records, but the last stored record is ",
                   last.has_value() ? absl::StrCat("record ", *last) : "none",
                   "; refusing to open it for writing (run `fundlog verify`)"));
}

uint64_t EventLog::Size() const {
  return size_.load(std::memory_order_acquire);
}

LogInfo EventLog::Info() const {
  LogInfo info = info_;
  info.size = Size();
  return info;
}

}  // namespace fundlog
