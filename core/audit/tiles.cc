#include "core/audit/tiles.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/io/batch_file.h"
#include "core/io/durable_file.h"
#include "core/merkle/checkpoint.h"
#include "core/store/tree_writer.h"

namespace fundlog {
namespace {

namespace fs = std::filesystem;

constexpr char kCheckpointFile[] = "checkpoint";

// Creates the missing directories of `path` one by one, syncing each
// parent, so that a tile's directory entry survives a crash with the tile.
absl::Status EnsureDirectory(const fs::path& path) {
  std::error_code error;
  if (path.empty() || fs::is_directory(path, error)) return absl::OkStatus();
  if (absl::Status s = EnsureDirectory(path.parent_path()); !s.ok()) return s;
  if (!fs::create_directory(path, error) && error) {
    return absl::InternalError(absl::StrCat(
        "cannot create directory ", path.string(), ": ", error.message()));
  }
  const std::string parent =
      path.parent_path().empty() ? "." : path.parent_path().string();
  const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) {
      return absl::InternalError(absl::StrCat("cannot fsync ", parent));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteTile(const fs::path& dir, const std::string& relative,
                       const std::string& bytes) {
  const fs::path path = dir / relative;
  if (absl::Status s = EnsureDirectory(path.parent_path()); !s.ok()) return s;
  return WriteFileDurably(path.string(), bytes);
}

absl::StatusOr<std::string> HashTile(const LogNodeReader& reader, int level,
                                     uint64_t index, uint64_t width) {
  std::string bytes;
  bytes.reserve(width * merkle::kHashBytes);
  for (uint64_t j = 0; j < width; ++j) {
    absl::StatusOr<merkle::Hash> hash =
        reader.GetNode(kTileHeight * level, index * kTileWidth + j);
    if (!hash.ok()) return hash.status();
    bytes.append(reinterpret_cast<const char*>(hash->data()), hash->size());
  }
  return bytes;
}

absl::StatusOr<std::string> EntryBundle(const EventLog& log, uint64_t index,
                                        uint64_t width) {
  std::string bytes;
  for (uint64_t j = 0; j < width; ++j) {
    const uint64_t seq = index * kTileWidth + j;
    absl::StatusOr<std::string> record = log.ReadRaw(seq);
    if (!record.ok()) return record.status();
    if (record->size() > kTileEntryBytesMax) {
      return absl::OutOfRangeError(absl::StrCat(
          "record ", seq, " is ", record->size(),
          " bytes; a tlog-tiles entry bundle holds at most 65535 per entry"));
    }
    bytes.push_back(static_cast<char>(record->size() >> 8));
    bytes.push_back(static_cast<char>(record->size() & 0xFF));
    bytes += *record;
  }
  return bytes;
}

// Refuses a directory that holds another log or another history.
absl::Status CheckPublishedBefore(const EventLog& log, const fs::path& dir,
                                  uint64_t size) {
  const fs::path path = dir / kCheckpointFile;
  std::error_code error;
  if (!fs::exists(path, error)) return absl::OkStatus();
  absl::StatusOr<std::string> note = ReadFileBytes(path.string(), 1 << 20);
  if (!note.ok()) return note.status();
  absl::StatusOr<merkle::VerifierKey> key =
      merkle::ParseVerifierKey(log.Info().verifier_key);
  if (!key.ok()) return key.status();
  absl::StatusOr<merkle::Checkpoint> old = merkle::OpenCheckpoint(*note, *key);
  if (!old.ok()) {
    return absl::AlreadyExistsError(absl::StrCat(
        path.string(), " is not a checkpoint of this log (",
        old.status().message(), "); publish into an empty directory"));
  }
  if (old->size > size) {
    return absl::AlreadyExistsError(
        absl::StrCat(path.string(), " is of size ", old->size,
                     ", larger than the ", size, " being published"));
  }
  LogNodeReader reader(log);
  absl::StatusOr<merkle::Hash> root = merkle::RootAt(old->size, reader);
  if (!root.ok()) return root.status();
  if (*root != old->root) {
    return absl::AlreadyExistsError(absl::StrCat(
        path.string(), " has root ", merkle::HashToBase64(old->root),
        " at size ", old->size, ", but this log has ",
        merkle::HashToBase64(*root), ": another history"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string TilePath(int level, uint64_t index, uint64_t width) {
  std::string n = absl::StrFormat("%03d", index % 1000);
  for (uint64_t rest = index / 1000; rest > 0; rest /= 1000) {
    n = absl::StrFormat("x%03d/%s", rest % 1000, n);
  }
  const std::string l =
      level == kEntriesLevel ? "entries" : absl::StrCat(level);
  const std::string partial =
      width < kTileWidth ? absl::StrCat(".p/", width) : "";
  return absl::StrCat("tile/", l, "/", n, partial);
}

absl::StatusOr<PublishStats> PublishTiles(const EventLog& log,
                                          const std::string& dir,
                                          const std::string& checkpoint_note,
                                          uint64_t size) {
  const fs::path root(dir);
  if (absl::Status s = EnsureDirectory(root); !s.ok()) return s;
  if (absl::Status s = CheckPublishedBefore(log, root, size); !s.ok()) {
    return s;
  }
  PublishStats stats;
  stats.size = size;
  LogNodeReader reader(log);
  std::error_code error;
  // Level kEntriesLevel (bundles) first, then hash levels 0, 1, ...
  constexpr int kLevels = 64 / kTileHeight;  // 2^63 leaves need 8 levels
  for (int level = kEntriesLevel;
       level == kEntriesLevel ||
       (level < kLevels && (size >> (kTileHeight * level)) > 0);
       ++level) {
    const uint64_t count =
        level == kEntriesLevel ? size : size >> (kTileHeight * level);
    const uint64_t full = count / kTileWidth;
    const uint64_t partial = count % kTileWidth;
    for (uint64_t n = 0; n <= full; ++n) {
      const uint64_t width = n < full ? kTileWidth : partial;
      if (width == 0) continue;
      const std::string relative = TilePath(level, n, width);
      if (fs::is_regular_file(root / relative, error)) {
        ++stats.already_there;
        continue;
      }
      absl::StatusOr<std::string> bytes =
          level == kEntriesLevel ? EntryBundle(log, n, width)
                                 : HashTile(reader, level, n, width);
      if (!bytes.ok()) return bytes.status();
      if (absl::Status s = WriteTile(root, relative, *bytes); !s.ok()) {
        return s;
      }
      const bool is_full = width == kTileWidth;
      if (level == kEntriesLevel) {
        ++(is_full ? stats.full_bundles_written
                   : stats.partial_bundles_written);
      } else {
        ++(is_full ? stats.full_tiles_written : stats.partial_tiles_written);
      }
    }
  }
  if (absl::Status s =
          WriteFileDurably((root / kCheckpointFile).string(), checkpoint_note);
      !s.ok()) {
    return s;
  }
  return stats;
}

}  // namespace fundlog
