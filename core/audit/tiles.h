// The log published as static files in the C2SP tlog-tiles layout
// (https://c2sp.org/tlog-tiles), which any static web server or object store
// can serve to any number of auditors:
//
//   checkpoint                    the signed checkpoint (written last)
//   tile/<L>/<N>[.p/<W>]          hash tiles: 256 hashes of tree level 8L
//                                 (a partial tile has W of them)
//   tile/entries/<N>[.p/<W>]      entry bundles: each record as stored (the
//                                 bytes the tree hashes), prefixed by its
//                                 length as a big-endian uint16
//
// <N> is written in 3-digit path elements, all but the last prefixed by "x"
// (1234067 -> x001/x234/067). Go's sumdb/tlog (0.7.0) names the same hash
// tiles tile/8/<L>/<N>[.p/<W>] (it adds the height) and its data tiles are
// not entry bundles: see docs/witnessing.md.
//
// Thread safety: free functions; one publisher per directory at a time.
#ifndef FUNDLOG_CORE_AUDIT_TILES_H_
#define FUNDLOG_CORE_AUDIT_TILES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/store/event_log.h"

namespace fundlog {

inline constexpr int kTileHeight = 8;
inline constexpr uint64_t kTileWidth = 256;
// Entry bundles prefix each entry with a uint16 length.
inline constexpr size_t kTileEntryBytesMax = 65535;
// The level that names entry bundles in TilePath.
inline constexpr int kEntriesLevel = -1;

// "tile/<L>/<N>" or "tile/entries/<N>" (level kEntriesLevel), with
// ".p/<W>" when width < kTileWidth. Requires 1 <= width <= kTileWidth.
std::string TilePath(int level, uint64_t index, uint64_t width);

struct PublishStats {
  uint64_t size = 0;
  uint64_t full_tiles_written = 0;     // hash tiles of 256
  uint64_t partial_tiles_written = 0;  // hash tiles of fewer
  uint64_t full_bundles_written = 0;
  uint64_t partial_bundles_written = 0;
  uint64_t already_there = 0;  // tiles and bundles found in place, untouched
};

// Publishes the tree of `checkpoint.size` records of `log` into `dir` with
// `checkpoint_note` (the log's signed note of that size, verified by the
// caller) as DIR/checkpoint. Writes only tiles and bundles that are not
// there yet (a full one never changes; a partial one is named by its width),
// each temp + fsync + rename, and the checkpoint last, so a reader never
// sees a checkpoint whose tiles are missing. Refuses (kAlreadyExists, nothing
// written) when DIR/checkpoint is not signed by this log's key, is larger,
// or has a root this log does not have at its size; kOutOfRange naming the
// record when a record exceeds kTileEntryBytesMax.
absl::StatusOr<PublishStats> PublishTiles(const EventLog& log,
                                          const std::string& dir,
                                          const std::string& checkpoint_note,
                                          uint64_t size);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_TILES_H_
