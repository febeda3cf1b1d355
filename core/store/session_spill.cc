// SessionSpill (session_spill.h).
#include "core/store/session_spill.h"

#include <algorithm>
#include <filesystem>
#include <queue>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "core/store/families.h"
#include "core/store/rocks_status.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"

namespace fundlog {
namespace {

rocksdb::Slice ToSlice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

}  // namespace

// Sends each Put of a batch to its family's file or run.
class SessionSpill::Router : public rocksdb::WriteBatch::Handler {
 public:
  explicit Router(SessionSpill& spill) : spill_(spill) {}

  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    const EventLog::Families& families = spill_.families_;
    if (family == families.index()->GetID()) {
      index_.emplace_back(std::string_view(key.data(), key.size()),
                          std::string_view(value.data(), value.size()));
      return rocksdb::Status::OK();
    }
    if (family == families.events()->GetID()) {
      if (spill_.records_ == nullptr) {
        absl::StatusOr<std::unique_ptr<rocksdb::SstFileWriter>> writer =
            spill_.NewWriter(families.events(), /*compressed=*/true,
                             &spill_.records_name_);
        if (!writer.ok()) return Failed(writer.status());
        spill_.records_ = std::move(*writer);
      }
      spill_.records_empty_ = false;
      return spill_.records_->Put(key, value);
    }
    if (family == families.tree()->GetID() && !key.empty()) {
      auto& [writer, name] =
          spill_.tree_levels_[static_cast<unsigned char>(key[0])];
      if (writer == nullptr) {
        absl::StatusOr<std::unique_ptr<rocksdb::SstFileWriter>> opened =
            spill_.NewWriter(families.tree(), /*compressed=*/false, &name);
        if (!opened.ok()) {
          spill_.tree_levels_.erase(static_cast<unsigned char>(key[0]));
          return Failed(opened.status());
        }
        writer = std::move(*opened);
      }
      return writer->Put(key, value);
    }
    return rocksdb::Status::InvalidArgument(
        "an append session stages records, tree nodes and index entries "
        "only");
  }

  std::vector<std::pair<std::string_view, std::string_view>>& index() {
    return index_;
  }

 private:
  static rocksdb::Status Failed(const absl::Status& status) {
    return rocksdb::Status::IOError(std::string(status.message()));
  }
  SessionSpill& spill_;
  std::vector<std::pair<std::string_view, std::string_view>> index_;
};

SessionSpill::SessionSpill(std::string prefix, rocksdb::DB& db,
                           const EventLog::Families& families)
    : prefix_(std::move(prefix)), db_(db), families_(families) {}

SessionSpill::~SessionSpill() {
  run_readers_.clear();
  records_.reset();
  tree_levels_.clear();
  std::error_code ignored;
  for (const std::string& name : written_) {
    std::filesystem::remove(name, ignored);
  }
}

std::string SessionSpill::NewFileName() {
  std::string name = absl::StrCat(prefix_, "-", next_file_++, ".staged");
  written_.push_back(name);
  return name;
}

absl::StatusOr<std::unique_ptr<rocksdb::SstFileWriter>> SessionSpill::NewWriter(
    rocksdb::ColumnFamilyHandle* family, bool compressed, std::string* name) {
  // The family's own table format (partitioned index, filters), so the
  // ingested file reads like one RocksDB wrote. Runs and tree levels are
  // read once more by Finish and left uncompressed.
  rocksdb::Options options = db_.GetOptions(family);
  if (!compressed) options.compression = rocksdb::kNoCompression;
  auto writer = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(),
                                                         options, family);
  *name = NewFileName();
  if (absl::Status s = FromRocks(writer->Open(*name), "staged file"); !s.ok()) {
    return s;
  }
  return writer;
}

absl::StatusOr<std::string> SessionSpill::WriteRun(
    rocksdb::ColumnFamilyHandle* family,
    std::vector<std::pair<std::string_view, std::string_view>>& entries) {
  // Stable: of equal keys the one put last stays last, and wins, as it
  // would have in the WriteBatch.
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string name;
  absl::StatusOr<std::unique_ptr<rocksdb::SstFileWriter>> writer =
      NewWriter(family, /*compressed=*/false, &name);
  if (!writer.ok()) return writer.status();
  absl::Status s;
  for (size_t i = 0; i < entries.size() && s.ok(); ++i) {
    if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) {
      continue;
    }
    s = FromRocks(
        (*writer)->Put(ToSlice(entries[i].first), ToSlice(entries[i].second)),
        "staged file");
  }
  if (s.ok()) s = FromRocks((*writer)->Finish(), "staged file");
  if (!s.ok()) return s;
  return name;
}

absl::Status SessionSpill::Spill(rocksdb::WriteBatch& batch) {
  ++spills_;
  Router router(*this);
  if (absl::Status s = FromRocks(batch.Iterate(&router), "spill"); !s.ok()) {
    return s;
  }
  if (!router.index().empty()) {
    absl::StatusOr<std::string> run =
        WriteRun(families_.index(), router.index());
    if (!run.ok()) return run.status();
    index_runs_.push_back(*std::move(run));
  }
  batch.Clear();
  return absl::OkStatus();
}

absl::StatusOr<bool> SessionSpill::HasIndexKey(absl::string_view key) {
  if (finished_) {
    return absl::FailedPreconditionError("the spilled session is finished");
  }
  const rocksdb::Slice wanted(key.data(), key.size());
  for (size_t i = 0; i < index_runs_.size(); ++i) {
    if (i == run_readers_.size()) {
      run_readers_.push_back(std::make_unique<rocksdb::SstFileReader>(
          db_.GetOptions(families_.index())));
      if (absl::Status s = FromRocks(run_readers_.back()->Open(index_runs_[i]),
                                     "staged file");
          !s.ok()) {
        run_readers_.pop_back();
        return s;
      }
    }
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(run_readers_[i]->NewIterator(read));
    it->Seek(wanted);
    if (it->Valid() && it->key() == wanted) return true;
    if (absl::Status s = FromRocks(it->status(), "staged file"); !s.ok()) {
      return s;
    }
  }
  return false;
}

absl::StatusOr<std::string> SessionSpill::Merge(
    rocksdb::ColumnFamilyHandle* family,
    const std::vector<std::string>& files) {
  const rocksdb::Options options = db_.GetOptions(family);
  std::vector<std::unique_ptr<rocksdb::SstFileReader>> readers;
  std::vector<std::unique_ptr<rocksdb::Iterator>> its;
  rocksdb::ReadOptions read;
  read.verify_checksums = true;
  read.fill_cache = false;
  for (const std::string& file : files) {
    readers.push_back(std::make_unique<rocksdb::SstFileReader>(options));
    if (absl::Status s = FromRocks(readers.back()->Open(file), "staged file");
        !s.ok()) {
      return s;
    }
    its.emplace_back(readers.back()->NewIterator(read));
    its.back()->SeekToFirst();
  }
  // Smallest key first; of equal keys the later file first, so that it is
  // the one written and the others are skipped.
  auto after = [&](size_t a, size_t b) {
    const int by_key = its[a]->key().compare(its[b]->key());
    return by_key != 0 ? by_key > 0 : a < b;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(after)> heap(after);
  for (size_t i = 0; i < its.size(); ++i) {
    if (its[i]->Valid()) heap.push(i);
    if (absl::Status s = FromRocks(its[i]->status(), "staged file"); !s.ok()) {
      return s;
    }
  }
  std::string name;
  absl::StatusOr<std::unique_ptr<rocksdb::SstFileWriter>> writer =
      NewWriter(family, /*compressed=*/true, &name);
  if (!writer.ok()) return writer.status();
  std::string last;
  bool any = false;
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    rocksdb::Iterator& it = *its[i];
    if (!any || it.key().compare(last) != 0) {
      if (absl::Status s =
              FromRocks((*writer)->Put(it.key(), it.value()), "staged file");
          !s.ok()) {
        return s;
      }
      last.assign(it.key().data(), it.key().size());
      any = true;
    }
    it.Next();
    if (it.Valid()) heap.push(i);
    if (absl::Status s = FromRocks(it.status(), "staged file"); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = FromRocks((*writer)->Finish(), "staged file"); !s.ok()) {
    return s;
  }
  return name;
}

absl::StatusOr<SpillCommit> SessionSpill::Finish(
    rocksdb::WriteBatch& batch,
    std::vector<std::pair<std::string, std::string>> index_extra,
    std::vector<std::pair<std::string, std::string>> meta) {
  if (finished_) {
    return absl::FailedPreconditionError("the spilled session is finished");
  }
  finished_ = true;
  run_readers_.clear();
  if (absl::Status s = Spill(batch); !s.ok()) return s;
  SpillCommit commit;
  auto add = [&](rocksdb::ColumnFamilyHandle* family, std::string file) {
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = family;
    arg.external_files.push_back(std::move(file));
    arg.options.move_files = true;
    // The global sequence number in the MANIFEST only, not written into the
    // linked file (RocksDB's advice for readers of 5.16 and later).
    arg.options.write_global_seqno = false;
    commit.args.push_back(std::move(arg));
  };

  if (records_ != nullptr) {
    if (absl::Status s = FromRocks(records_->Finish(), "staged file");
        !s.ok()) {
      return s;
    }
    records_.reset();
    if (!records_empty_) add(families_.events(), records_name_);
  }

  std::vector<std::string> levels;
  for (auto& [level, writer_and_name] : tree_levels_) {
    if (absl::Status s =
            FromRocks(writer_and_name.first->Finish(), "staged file");
        !s.ok()) {
      return s;
    }
    writer_and_name.first.reset();
    levels.push_back(writer_and_name.second);
  }
  if (!levels.empty()) {
    absl::StatusOr<std::string> tree = Merge(families_.tree(), levels);
    if (!tree.ok()) return tree.status();
    add(families_.tree(), *std::move(tree));
  }

  if (!index_extra.empty()) {
    std::vector<std::pair<std::string_view, std::string_view>> extra(
        index_extra.begin(), index_extra.end());
    absl::StatusOr<std::string> run = WriteRun(families_.index(), extra);
    if (!run.ok()) return run.status();
    index_runs_.push_back(*std::move(run));
  }
  if (!index_runs_.empty()) {
    absl::StatusOr<std::string> index = Merge(families_.index(), index_runs_);
    if (!index.ok()) return index.status();
    add(families_.index(), *std::move(index));
  }

  std::vector<std::pair<std::string_view, std::string_view>> meta_entries(
      meta.begin(), meta.end());
  if (!meta_entries.empty()) {
    absl::StatusOr<std::string> run = WriteRun(families_.meta(), meta_entries);
    if (!run.ok()) return run.status();
    add(families_.meta(), *std::move(run));
  }
  return commit;
}

}  // namespace fundlog
