// The roots of signed checkpoints the log remembers (meta "signed_root/").
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"

namespace fundlog {

absl::StatusOr<std::optional<EventLog::SignedRoot>> EventLog::LatestSignedRoot()
    const {
  const uint64_t size = Size();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_->meta()));
  std::optional<SignedRoot> latest;
  const std::string prefix(keys::kMetaSignedRootPrefix);
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (!absl::StartsWith(key, prefix)) break;
    std::optional<uint64_t> signed_size =
        keys::DecodeU64(key.substr(prefix.size()));
    if (!signed_size || it->value().size() != 32) {
      return absl::DataLossError(
          "a remembered signed root in meta is malformed");
    }
    // Keys sort by big-endian size: the last one within the log wins.
    if (*signed_size <= size) {
      latest = SignedRoot{*signed_size, std::string(ToView(it->value()))};
    }
  }
  if (absl::Status s = FromRocks(it->status(), "read signed roots"); !s.ok()) {
    return s;
  }
  return latest;
}

}  // namespace fundlog
