// The column families of a log directory, in the order they are opened.
// Private to core/store.
#ifndef FUNDLOG_CORE_STORE_FAMILIES_H_
#define FUNDLOG_CORE_STORE_FAMILIES_H_

#include <array>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/store/event_log.h"
#include "rocksdb/db.h"

namespace fundlog {

// "default" must be listed: RocksDB always has it.
inline constexpr std::array<absl::string_view, 6> kFamilyNames = {
    "default", "events", "tree", "index", "derived", "meta"};

struct EventLog::Families {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* events() const { return handles[1]; }
  rocksdb::ColumnFamilyHandle* tree() const { return handles[2]; }
  rocksdb::ColumnFamilyHandle* index() const { return handles[3]; }
  rocksdb::ColumnFamilyHandle* derived() const { return handles[4]; }
  rocksdb::ColumnFamilyHandle* meta() const { return handles[5]; }
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_FAMILIES_H_
