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
#include "core/store/index_entries.h"
#include "core/store/key_format.h"
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

// Sorted and without repeated keys: of equal keys the one sorting last by
// value stays, as a WriteBatch of the sorted entries would have left it.
void SortUnique(std::vector<std::pair<std::string, std::string>>* entries) {
  std::sort(entries->begin(), entries->end());
  auto last = std::unique(
      entries->rbegin(), entries->rend(),
      [](const auto& a, const auto& b) { return a.first == b.first; });
  entries->erase(entries->begin(), last.base());
}

}  // namespace

absl::StatusOr<uint64_t> EventLog::RebuildIndex(const RecordVisitor& also) {
  uint64_t size = 0;
  {
    absl::MutexLock lock(&write_mu_);
    if (read_only_) {
      return absl::FailedPreconditionError("the log is open read-only");
    }
    if (!poisoned_.ok()) {
      return absl::FailedPreconditionError(
          "an earlier write failed; reopen the log first");
    }
    size = Size();
  }
  std::vector<std::pair<std::string, std::string>> entries;
  absl::flat_hash_set<std::string> files;
  v1::StoredRecord record;
  absl::Status scanned =
      ScanRaw(0, size, [&](uint64_t seq, absl::string_view bytes) {
        if (!record.ParseFromArray(bytes.data(),
                                   static_cast<int>(bytes.size()))) {
          return absl::DataLossError(absl::StrCat(
              "record ", seq, " does not parse as a StoredRecord"));
        }
        AddIndexEntries(record.event(), seq, &entries);
        const std::string& sha = record.provenance().file_sha256();
        if (!sha.empty() && files.insert(sha).second) {
          entries.emplace_back(keys::NamedKey(keys::kIndexImportedFile, sha),
                               keys::EncodeU64(seq));
        }
        return also ? also(record) : absl::OkStatus();
      });
  if (!scanned.ok()) return scanned;
  SortUnique(&entries);

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
    for (const auto& [key, value] : entries) {
      if (!s.ok()) break;
      s.Update(FromRocks(writer.Put(key, value), "index file"));
    }
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
