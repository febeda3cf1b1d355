// Internal: the known state stored as pages that a query reads on demand.
//
// The known state (query_state.cc: for each KnownSums of the day index, its
// distinct known days and Fenwick nodes) grows with the log: about 70 MB at
// 10M synthetic events. Decoding all of it costs a fresh `--known-at` query
// more than the rest of its work, and holds it in every server. Stored as
// pages, a lookup reads only the nodes it adds up (docs/query_state.md,
// "Pages"):
//
//   "projector/known"           framed directory (snapshots.cc's header:
//                               log size, root, SHA-256 of the directory)
//   "projector/known/" page:u32 page bytes of the known-state stream, then
//                               the first 16 bytes of SHA-256(stream sha256
//                               || page:u32 || page bytes)   (u32 big-endian)
//
//   directory := magic "FLKD" version:varint stream_bytes:varint
//                stream_sha256:32 page_bytes:varint count:varint (tree)^count
//   tree      := n:varint (end:varint (run)^ceil(n / 32) when n > 0)
//   run       := first_known:zz known_at:varint nodes_at:varint
//                fenwick_at:varint
// Offsets are absolute in the stream. Run r covers known days
// [32r, 32r + 32) of its tree: its days' encoding starts at known_at (the
// first day's own encoding is skipped: the directory gives it whole), its
// leaf nodes (32r + 1 ... up to 32r + 31) at nodes_at, and when the run is
// full its Fenwick node 32r + 32 at fenwick_at (else fenwick_at is the end
// of its leaves). A tree's nodes end at `end`.
//
// A page whose tag does not match (damage, or a page written by a later
// refresh than the directory) fails the lookup: the query is then answered
// from the full state, never from a guess.
#ifndef FUNDLOG_CORE_LEDGER_KNOWN_PAGES_H_
#define FUNDLOG_CORE_LEDGER_KNOWN_PAGES_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fundlog::ledger::internal {

inline constexpr absl::string_view kKnownPagePrefix = "projector/known/";
inline constexpr absl::string_view kKnownDirectoryMagic = "FLKD";
inline constexpr size_t kKnownPageBytes = 4096;
inline constexpr size_t kKnownPageTagBytes = 16;
// What a reader keeps of the nodes it decoded, per open known state: the
// first decoded, until they hold this many bytes; after that, lookups read
// the nodes they need from the pages' bytes without decoding them whole.
inline constexpr size_t kKnownCacheBytes = size_t{256} << 20;

struct KnownSums;  // day_index.h

// The known-state stream of `trees` (query_state.cc's "FLQK" format) for a
// log of `size` records.
std::string KnownStream(uint64_t size,
                        const std::vector<const KnownSums*>& trees);

// The directory of the known-state `stream` (query_state.cc's "FLQK"
// format); "" when the stream does not parse.
std::string KnownDirectory(absl::string_view stream);

// The key of page `page`, and its stored value (payload and tag) given the
// stream's SHA-256.
std::string KnownPageKey(uint32_t page);
std::string KnownPageValue(absl::string_view stream_sha256, uint32_t page,
                           absl::string_view payload);

// Reads one derived value: nullopt when absent.
using DerivedGet = std::function<absl::StatusOr<std::optional<std::string>>(
    absl::string_view key)>;
// Visits the stored pages in key order: (key, value).
using DerivedScan = std::function<absl::Status(
    const std::function<absl::Status(absl::string_view, absl::string_view)>&)>;

// Checks that the pages `scan` visits are exactly the pages of the stream
// `directory` describes: "" when they are, else what differs (naming the
// page). Storage errors come back as a status.
absl::StatusOr<std::string> CheckKnownPages(absl::string_view directory,
                                            const DerivedScan& scan);

class KnownPages {
 public:
  // Parses `directory`; pages are read through `get` when a lookup needs
  // them. kDataLoss when the directory does not parse.
  static absl::StatusOr<std::shared_ptr<KnownPages>> Open(
      absl::string_view directory, DerivedGet get,
      size_t cache_bytes = kKnownCacheBytes);

  KnownPages(const KnownPages&) = delete;
  KnownPages& operator=(const KnownPages&) = delete;
  ~KnownPages();

  // The number of trees (KnownSums) the directory lists.
  size_t count() const { return trees_.size(); }
  // Tree `tree`'s sum of the entries on days <= `day` with known day <=
  // `known_at` (wrapping, as KnownSums::UpTo). When a page cannot be read
  // or does not check out, returns 0 and failed() is true from then on.
  int64_t UpTo(uint32_t tree, int64_t day, int32_t known_at) const;
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  // Decoded bytes held, and pages read so far (for tests and benchmarks).
  size_t cached_bytes() const { return held_.load(std::memory_order_relaxed); }
  uint64_t pages_read() const {
    return pages_read_.load(std::memory_order_relaxed);
  }

 private:
  // Decoded nodes, flat: node i holds days [end[i - 1] (0 for i == 0),
  // end[i]) and their running sums. A run's entry also holds its known
  // days; a Fenwick node's entry is one node.
  struct Nodes {
    std::vector<int32_t> known;
    std::vector<uint32_t> end;
    std::vector<int32_t> days;
    std::vector<int64_t> sums;
    int64_t UpTo(size_t node, int64_t day) const;
    size_t Bytes() const;
  };
  struct Run {
    int32_t first_known = 0;
    uint64_t known_at = 0;
    uint64_t nodes_at = 0;
    uint64_t fenwick_at = 0;
  };
  struct Tree {
    uint64_t n = 0;
    uint64_t end = 0;
    std::vector<Run> runs;
    std::vector<int32_t> run_first;  // runs[r].first_known, for the search
    // The decoded nodes kept: [2r] run r's known days and leaves, [2r + 1]
    // its Fenwick node; null until decoded (owned by the KnownPages).
    std::unique_ptr<std::atomic<const Nodes*>[]> kept;
  };
  KnownPages(DerivedGet get, size_t cache_bytes)
      : get_(std::move(get)), cache_bytes_(cache_bytes) {}

  // The stream's bytes [from, to), read from their pages; false (and
  // failed_) when a page is missing or damaged.
  bool Read(uint64_t from, uint64_t to, std::string* out) const;
  // Run `run`'s known days and leaves (`fenwick` false) or its Fenwick
  // node, decoded from their pages; null (and failed_) when they cannot be.
  std::unique_ptr<Nodes> Decode(uint32_t tree, size_t run, bool fenwick) const;
  // The same, kept while the kept nodes stay within the cache's bytes (the
  // first decoded stay: the nodes every lookup takes come first). The first
  // that does not fit is decoded into `hold` for this lookup alone; after
  // it, null: the lookup scans the bytes instead (and null, with failed_,
  // when they cannot be read).
  const Nodes* Kept(uint32_t tree, size_t run, bool fenwick,
                    std::unique_ptr<Nodes>* hold) const;
  // Without decoding: adds to `sum` the leaves of run `run` that `known_at`
  // takes, at `day`, or advances `j` past the run when it takes them all;
  // adds run `run`'s Fenwick node at `day`. False (and failed_) when the
  // pages cannot be read or do not parse.
  bool ScanRun(uint32_t tree, size_t run, int64_t day, int32_t known_at,
               uint64_t* j, uint64_t* sum) const;
  bool ScanFenwick(uint32_t tree, size_t run, int64_t day, uint64_t* sum) const;
  void Fail() const { failed_.store(true, std::memory_order_relaxed); }

  DerivedGet get_;
  size_t cache_bytes_;
  std::string stream_sha256_;
  uint64_t stream_bytes_ = 0;
  uint64_t page_bytes_ = 0;
  std::vector<Tree> trees_;
  // Pages whose tag has been checked: the view a reader opened does not
  // change under it, so each page is checked once.
  std::unique_ptr<std::atomic<bool>[]> checked_;
  mutable std::atomic<bool> failed_{false};
  mutable std::atomic<uint64_t> pages_read_{0};
  mutable std::atomic<size_t> held_{0};
  // Set when a decoded node did not fit: nodes are scanned from then on.
  mutable std::atomic<bool> full_{false};
};

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_KNOWN_PAGES_H_
