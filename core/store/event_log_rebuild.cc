// Rebuilding the `index` family from the records. The entries are derived
// in full first (a damaged log leaves the old index whole), sorted, written
// to one SST file whose range tombstone covers the whole family, and that
// file is ingested: the old index goes and the new one appears in one step
// (RocksDB lets point keys of an ingested file override the file's own range
// tombstone), without passing through the memtable, the WAL or a flush.
#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/store/event_log.h"
#include "core/store/families.h"
#include "core/store/key_format.h"
#include "core/store/record_rules.h"
#include "core/store/rocks_status.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"

namespace fundlog {
namespace {

// Every index key is shorter than this bound's first byte (key_format.h).
const std::string kIndexBegin;
const std::string kIndexEnd(1, '\xff');

// The derived entries, their bytes in one buffer (3 million small strings
// each on the heap cost more to allocate, sort and free than to derive).
class Entries {
 public:
  void Add(absl::string_view key, absl::string_view value) {
    refs_.push_back(Ref{bytes_.size(), static_cast<uint32_t>(key.size()),
                        static_cast<uint32_t>(value.size())});
    bytes_.append(key.data(), key.size());
    bytes_.append(value.data(), value.size());
  }
  // Sorted by (key, value), then without repeated keys: of equal keys the
  // one sorting last by value stays, as a WriteBatch of the sorted entries
  // would have left it.
  void SortUnique() {
    std::sort(refs_.begin(), refs_.end(), [&](const Ref& a, const Ref& b) {
      const int c = Key(a).compare(Key(b));
      return c != 0 ? c < 0 : Value(a) < Value(b);
    });
    auto last = std::unique(
        refs_.rbegin(), refs_.rend(),
        [&](const Ref& a, const Ref& b) { return Key(a) == Key(b); });
    refs_.erase(refs_.begin(), last.base());
  }
  size_t size() const { return refs_.size(); }
  bool empty() const { return refs_.empty(); }
  template <typename F>
  void ForEach(F&& f) const {
    for (const Ref& r : refs_) f(Key(r), Value(r));
  }

 private:
  struct Ref {
    size_t offset;
    uint32_t key_size;
    uint32_t value_size;
  };
  absl::string_view Key(const Ref& r) const {
    return absl::string_view(bytes_).substr(r.offset, r.key_size);
  }
  absl::string_view Value(const Ref& r) const {
    return absl::string_view(bytes_).substr(r.offset + r.key_size,
                                            r.value_size);
  }
  std::string bytes_;
  std::vector<Ref> refs_;
};

}  // namespace

namespace {

uint64_t TableFiles(rocksdb::DB& db) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db.GetLiveFilesMetaData(&files);
  return files.size();
}

}  // namespace

absl::StatusOr<EventLog::TablesRewritten> EventLog::RewriteTables() {
  absl::MutexLock lock(&write_mu_);
  if (read_only_) {
    return absl::FailedPreconditionError("the log is open read-only");
  }
  if (!poisoned_.ok()) {
    return absl::FailedPreconditionError(
        "an earlier write failed; reopen the log first");
  }
  TablesRewritten out;
  out.before = TableFiles(*db_);
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  options.exclusive_manual_compaction = true;
  for (rocksdb::ColumnFamilyHandle* family : families_->handles) {
    if (absl::Status s = FromRocks(
            db_->CompactRange(options, family, nullptr, nullptr),
            absl::StrCat("rewrite the tables of ", family->GetName()));
        !s.ok()) {
      return s;
    }
  }
  out.after = TableFiles(*db_);
  PurgeObsoleteFilesIfFree();
  return out;
}

absl::StatusOr<uint64_t> EventLog::RebuildIndex(const RecordVisitor& also) {
  uint64_t size = 0;
  {
    absl::MutexLock lock(&write_mu_);
    if (read_only_) {
      return absl::FailedPreconditionError("the log is open read-only");
    }
    if (absl::Status s = RulesGiven(); !s.ok()) return s;
    if (!poisoned_.ok()) {
      return absl::FailedPreconditionError(
          "an earlier write failed; reopen the log first");
    }
    size = Size();
  }
  Entries entries;
  std::string key_buffer;  // VisitIndexEntries's: no allocation per entry
  absl::flat_hash_set<std::string> files;
  v1::StoredRecord record;
  absl::Status scanned =
      ScanRaw(0, size, [&](uint64_t seq, absl::string_view bytes) {
        if (!record.ParseFromArray(bytes.data(),
                                   static_cast<int>(bytes.size()))) {
          return absl::DataLossError(absl::StrCat(
              "record ", seq, " does not parse as a StoredRecord"));
        }
        rules_->VisitIndexEntries(
            record.event(), seq, &key_buffer,
            [&](absl::string_view key, absl::string_view value) {
              entries.Add(key, value);
            });
        const std::string& sha = record.provenance().file_sha256();
        if (!sha.empty() && files.insert(sha).second) {
          entries.Add(keys::NamedKey(keys::kIndexImportedFile, sha),
                      keys::EncodeU64(seq));
        }
        return also ? also(record) : absl::OkStatus();
      });
  if (!scanned.ok()) return scanned;
  entries.SortUnique();

  // The SST file, next to the database; removed whatever happens (after a
  // successful ingestion RocksDB has moved it into the database).
  const std::string sst = absl::StrCat(path_, "/index-rebuild.sst.tmp");
  struct Remove {
    const std::string& path;
    ~Remove() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  } remove{sst};
  if (!entries.empty()) {
    // Uncompressed: the file is read once more when compaction merges it,
    // which compresses it then; snappy here cost a tenth of the command.
    rocksdb::Options sst_options = db_->GetOptions(families_->index());
    sst_options.compression = rocksdb::kNoCompression;
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), sst_options,
                                  families_->index());
    absl::Status s = FromRocks(writer.Open(sst), "index file");
    s.Update(
        FromRocks(writer.DeleteRange(kIndexBegin, kIndexEnd), "index file"));
    entries.ForEach([&](absl::string_view key, absl::string_view value) {
      if (s.ok())
        s = FromRocks(writer.Put(ToSlice(key), ToSlice(value)), "index file");
    });
    if (s.ok()) s = FromRocks(writer.Finish(), "index file");
    if (!s.ok()) return s;
  }

  absl::MutexLock lock(&write_mu_);
  if (Size() != size) {
    return absl::AbortedError("the log grew while its index was rebuilt");
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  rocksdb::WriteBatch write;
  if (entries.empty()) {
    if (absl::Status s = FromRocks(
            write.DeleteRange(families_->index(), kIndexBegin, kIndexEnd),
            "clear index");
        !s.ok()) {
      return s;
    }
  } else {
    rocksdb::IngestExternalFileOptions ingest;
    ingest.move_files = true;
    if (absl::Status s = FromRocks(
            db_->IngestExternalFile(families_->index(), {sst}, ingest),
            "index");
        !s.ok()) {
      return s;
    }
  }
  // The index now holds the periods by length class (docs/indexes.md).
  if (absl::Status s = FromRocks(
          write.Put(families_->meta(), ToSlice(keys::kMetaIndexPeriods),
                    keys::EncodeU32(1)),
          "meta");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = FromRocks(db_->Write(options, &write), "index");
      !s.ok()) {
    return s;
  }
  return entries.size();
}

}  // namespace fundlog
