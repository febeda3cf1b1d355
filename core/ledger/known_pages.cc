#include "core/ledger/known_pages.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/ledger/codec_io.h"

namespace fundlog::ledger::internal {
namespace {

constexpr absl::string_view kStreamMagic = "FLQK";
constexpr uint64_t kStreamVersion = 1;
constexpr absl::string_view kDirectoryMagic = kKnownDirectoryMagic;
constexpr uint64_t kDirectoryVersion = 1;
constexpr uint64_t kRun = 32;  // known days per run (day_index.cc)

std::string Sha256(absl::string_view bytes) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

void PutU32(uint32_t v, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

std::string Tag(absl::string_view stream_sha256, uint32_t page,
                absl::string_view payload) {
  std::string input(stream_sha256);
  PutU32(page, &input);
  input.append(payload.data(), payload.size());
  return Sha256(input).substr(0, kKnownPageTagBytes);
}

// Skips `count` varints; false when the input ends first.
bool Skip(Reader& r, uint64_t count) {
  for (uint64_t i = 0; i < count && r.ok(); ++i) r.Varint();
  return r.ok();
}

// The directory's header fields.
struct Header {
  uint64_t stream_bytes = 0;
  std::string stream_sha256;
  uint64_t page_bytes = 0;
};

bool ReadHeader(Reader& r, Header* h) {
  for (char c : kDirectoryMagic) {
    if (r.Byte() != static_cast<uint8_t>(c)) return false;
  }
  if (r.Varint() != kDirectoryVersion) return false;
  h->stream_bytes = r.Varint();
  for (size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    h->stream_sha256.push_back(static_cast<char>(r.Byte()));
  }
  h->page_bytes = r.Varint();
  return r.ok() && h->page_bytes > 0 &&
         (h->stream_bytes + h->page_bytes - 1) / h->page_bytes <=
             std::numeric_limits<uint32_t>::max();
}

}  // namespace

std::string KnownPageKey(uint32_t page) {
  std::string key(kKnownPagePrefix);
  PutU32(page, &key);
  return key;
}

std::string KnownPageValue(absl::string_view stream_sha256, uint32_t page,
                           absl::string_view payload) {
  return absl::StrCat(payload, Tag(stream_sha256, page, payload));
}

std::string KnownDirectory(absl::string_view stream) {
  Reader r(stream);
  for (char c : kStreamMagic) {
    if (r.Byte() != static_cast<uint8_t>(c)) return "";
  }
  if (r.Varint() != kStreamVersion) return "";
  r.Varint();  // the log size
  const uint64_t count = r.Count(1);
  Writer w;
  for (char c : kDirectoryMagic) w.Byte(static_cast<uint8_t>(c));
  w.Varint(kDirectoryVersion);
  w.Varint(stream.size());
  for (char c : Sha256(stream)) w.Byte(static_cast<uint8_t>(c));
  w.Varint(kKnownPageBytes);
  w.Varint(count);
  for (uint64_t t = 0; t < count && r.ok(); ++t) {
    const uint64_t n = r.Count(2);
    w.Varint(n);
    if (n == 0) continue;
    const uint64_t runs = (n + kRun - 1) / kRun;
    std::vector<int32_t> first(runs);
    std::vector<uint64_t> known_at(runs), nodes_at(runs), fenwick_at(runs);
    int64_t day = 0;
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      if (i % kRun == 0) known_at[i / kRun] = r.pos();
      day = i == 0 ? r.Zigzag() : day + static_cast<int64_t>(r.Varint());
      if (i % kRun == 0) first[i / kRun] = static_cast<int32_t>(day);
    }
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      if (i % kRun == 0) nodes_at[i / kRun] = r.pos();
      if (i % kRun == kRun - 1) fenwick_at[i / kRun] = r.pos();
      const uint64_t m = r.Varint();
      if (!r.ok() || m > stream.size()) return "";
      if (m > 0 && !Skip(r, 2 * m)) return "";
    }
    if (!r.ok()) return "";
    const uint64_t end = r.pos();
    if (n % kRun != 0) fenwick_at[runs - 1] = end;
    w.Varint(end);
    for (uint64_t run = 0; run < runs; ++run) {
      w.Zigzag(first[run]);
      w.Varint(known_at[run]);
      w.Varint(nodes_at[run]);
      w.Varint(fenwick_at[run]);
    }
  }
  if (!r.ok() || !r.done()) return "";
  return w.Take();
}

absl::StatusOr<std::string> CheckKnownPages(absl::string_view directory,
                                            const DerivedScan& scan) {
  Reader r(directory);
  Header h;
  if (!ReadHeader(r, &h)) return std::string("its directory does not parse");
  const uint64_t pages = (h.stream_bytes + h.page_bytes - 1) / h.page_bytes;
  uint64_t next = 0;
  std::string why;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(),
                                                         EVP_MD_CTX_free);
  if (ctx == nullptr ||
      EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("SHA-256 is unavailable");
  }
  absl::Status scanned = scan([&](absl::string_view key,
                                  absl::string_view value) -> absl::Status {
    if (!why.empty()) return absl::OkStatus();
    if (next >= pages || key != KnownPageKey(static_cast<uint32_t>(next))) {
      why = absl::StrCat("page ", next, " is missing or out of place");
      return absl::OkStatus();
    }
    const uint64_t want =
        std::min<uint64_t>(h.page_bytes, h.stream_bytes - next * h.page_bytes);
    if (value.size() != want + kKnownPageTagBytes ||
        value.substr(want) != Tag(h.stream_sha256, static_cast<uint32_t>(next),
                                  value.substr(0, want))) {
      why = absl::StrCat("page ", next, " does not match its tag");
      return absl::OkStatus();
    }
    if (EVP_DigestUpdate(ctx.get(), value.data(), want) != 1) {
      return absl::InternalError("SHA-256 failed");
    }
    ++next;
    return absl::OkStatus();
  });
  if (!scanned.ok()) return scanned;
  if (!why.empty()) return why;
  if (next != pages) {
    return absl::StrCat("page ", next, " of ", pages, " is missing");
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  if (EVP_DigestFinal_ex(ctx.get(), digest, nullptr) != 1) {
    return absl::InternalError("SHA-256 failed");
  }
  if (absl::string_view(reinterpret_cast<const char*>(digest),
                        SHA256_DIGEST_LENGTH) != h.stream_sha256) {
    return std::string("its pages do not hash to the directory's SHA-256");
  }
  return std::string();
}

absl::StatusOr<std::shared_ptr<KnownPages>> KnownPages::Open(
    absl::string_view directory, DerivedGet get, size_t cache_bytes) {
  std::shared_ptr<KnownPages> pages(
      new KnownPages(std::move(get), cache_bytes));
  auto loss = [] {
    return absl::DataLossError("known state: the directory does not parse");
  };
  Reader r(directory);
  Header h;
  if (!ReadHeader(r, &h)) return loss();
  pages->stream_bytes_ = h.stream_bytes;
  pages->stream_sha256_ = std::move(h.stream_sha256);
  pages->page_bytes_ = h.page_bytes;
  const uint64_t page_count =
      (h.stream_bytes + h.page_bytes - 1) / h.page_bytes;
  // The directory's SHA-256 has been checked against its header (snapshots.cc)
  // before it is opened; ReadHeader bounds the count by u32.
  pages->checked_ = std::make_unique<std::atomic<bool>[]>(page_count);
  const uint64_t count = r.Count(1);
  pages->trees_.reserve(count);
  for (uint64_t t = 0; t < count && r.ok(); ++t) {
    Tree& tree = pages->trees_.emplace_back();
    tree.n = r.Varint();
    if (tree.n == 0) continue;
    tree.end = r.Varint();
    const uint64_t runs = (tree.n + kRun - 1) / kRun;
    if (!r.ok() || runs > directory.size() || tree.end > h.stream_bytes) {
      return loss();
    }
    tree.runs.resize(runs);
    tree.run_first.resize(runs);
    tree.kept = std::make_unique<std::atomic<const Nodes*>[]>(2 * runs);
    for (uint64_t i = 0; i < runs && r.ok(); ++i) {
      Run& run = tree.runs[i];
      run.first_known = r.Int32();
      run.known_at = r.Varint();
      run.nodes_at = r.Varint();
      run.fenwick_at = r.Varint();
      tree.run_first[i] = run.first_known;
      if (run.known_at > run.nodes_at || run.nodes_at > run.fenwick_at ||
          run.fenwick_at > tree.end ||
          (i > 0 && (run.first_known <= tree.run_first[i - 1] ||
                     run.known_at <= tree.runs[i - 1].known_at ||
                     run.nodes_at < tree.runs[i - 1].fenwick_at))) {
        return loss();
      }
    }
  }
  if (!r.ok() || !r.done()) return loss();
  return pages;
}

bool KnownPages::Read(uint64_t from, uint64_t to, std::string* out) const {
  out->clear();
  if (from > to || to > stream_bytes_) {
    Fail();
    return false;
  }
  for (uint64_t page = from / page_bytes_; page * page_bytes_ < to; ++page) {
    const uint32_t number = static_cast<uint32_t>(page);
    absl::StatusOr<std::optional<std::string>> value =
        get_(KnownPageKey(number));
    pages_read_.fetch_add(1, std::memory_order_relaxed);
    const uint64_t begin = page * page_bytes_;
    const uint64_t want = std::min(page_bytes_, stream_bytes_ - begin);
    if (!value.ok() || !value->has_value() ||
        (*value)->size() != want + kKnownPageTagBytes) {
      Fail();
      return false;
    }
    const absl::string_view bytes = **value;
    const absl::string_view payload = bytes.substr(0, want);
    if (!checked_[page].load(std::memory_order_relaxed)) {
      if (bytes.substr(want) != Tag(stream_sha256_, number, payload)) {
        Fail();
        return false;
      }
      checked_[page].store(true, std::memory_order_relaxed);
    }
    const uint64_t lo = std::max(from, begin) - begin;
    const uint64_t hi = std::min(to, begin + want) - begin;
    out->append(payload.data() + lo, hi - lo);
  }
  return true;
}

namespace {

// Reads one node (query_state.cc's `node`): its days and running sums
// appended, its end pushed.
template <typename Nodes>
bool ParseNode(Reader& r, Nodes* nodes) {
  const uint64_t m = r.Count(2);
  if (!r.ok() || nodes->days.size() + m > UINT32_MAX) return false;
  if (nodes->days.empty()) {  // a Fenwick node's, or a run's first leaf
    nodes->days.reserve(m);
    nodes->sums.reserve(m);
  }
  int64_t day = 0;
  for (uint64_t e = 0; e < m && r.ok(); ++e) {
    day = e == 0 ? r.Zigzag() : day + static_cast<int64_t>(r.Varint());
    nodes->days.push_back(static_cast<int32_t>(day));
  }
  uint64_t sum = 0;
  for (uint64_t e = 0; e < m && r.ok(); ++e) {
    sum += static_cast<uint64_t>(r.Zigzag());
    nodes->sums.push_back(static_cast<int64_t>(sum));
  }
  nodes->end.push_back(static_cast<uint32_t>(nodes->days.size()));
  return r.ok();
}

}  // namespace

int64_t KnownPages::Nodes::UpTo(size_t node, int64_t day) const {
  const auto begin = days.begin() + (node == 0 ? 0 : end[node - 1]);
  const auto stop = days.begin() + end[node];
  const auto at = std::upper_bound(begin, stop, day);
  return at == begin ? 0 : sums[static_cast<size_t>(at - days.begin()) - 1];
}

size_t KnownPages::Nodes::Bytes() const {
  return sizeof(Nodes) + known.capacity() * sizeof(int32_t) +
         end.capacity() * sizeof(uint32_t) + days.capacity() * sizeof(int32_t) +
         sums.capacity() * sizeof(int64_t);
}

KnownPages::~KnownPages() {
  for (const Tree& tree : trees_) {
    for (size_t i = 0; i < 2 * tree.runs.size(); ++i) {
      delete tree.kept[i].load(std::memory_order_relaxed);
    }
  }
}

std::unique_ptr<KnownPages::Nodes> KnownPages::Decode(uint32_t tree, size_t run,
                                                      bool fenwick) const {
  const Tree& t = trees_[tree];
  const Run& at = t.runs[run];
  auto nodes = std::make_unique<Nodes>();
  std::string bytes;
  if (fenwick) {
    const uint64_t end =
        run + 1 < t.runs.size() ? t.runs[run + 1].nodes_at : t.end;
    if (!Read(at.fenwick_at, end, &bytes)) return nullptr;
    Reader r(bytes);
    if (!ParseNode(r, nodes.get()) || !r.done()) {
      Fail();
      return nullptr;
    }
    return nodes;
  }
  const uint64_t count = std::min<uint64_t>(kRun, t.n - run * kRun);
  const uint64_t known_end =
      run + 1 < t.runs.size() ? t.runs[run + 1].known_at : t.runs[0].nodes_at;
  if (!Read(at.known_at, known_end, &bytes)) return nullptr;
  {
    Reader r(bytes);
    r.Varint();  // the first day's own encoding: the directory gives it
    int64_t day = at.first_known;
    nodes->known.reserve(count);
    nodes->known.push_back(at.first_known);
    for (uint64_t i = 1; i < count && r.ok(); ++i) {
      day += static_cast<int64_t>(r.Varint());
      nodes->known.push_back(static_cast<int32_t>(day));
    }
    if (!r.ok()) {
      Fail();
      return nullptr;
    }
  }
  if (!Read(at.nodes_at, at.fenwick_at, &bytes)) return nullptr;
  Reader r(bytes);
  const uint64_t leaves = count == kRun ? kRun - 1 : count;
  nodes->end.reserve(leaves);
  for (uint64_t leaf = 0; leaf < leaves; ++leaf) {
    if (!ParseNode(r, nodes.get())) {
      Fail();
      return nullptr;
    }
  }
  if (!r.done()) {
    Fail();
    return nullptr;
  }
  nodes->days.shrink_to_fit();  // what Bytes() counts is what is held
  nodes->sums.shrink_to_fit();
  return nodes;
}

const KnownPages::Nodes* KnownPages::Kept(uint32_t tree, size_t run,
                                          bool fenwick,
                                          std::unique_ptr<Nodes>* hold) const {
  std::atomic<const Nodes*>& slot = trees_[tree].kept[2 * run + fenwick];
  if (const Nodes* kept = slot.load(std::memory_order_acquire)) return kept;
  // Once a decoded node has not fitted, later ones are not decoded whole:
  // the lookup reads what it needs from the bytes (ScanRun, ScanFenwick).
  if (full_.load(std::memory_order_relaxed)) return nullptr;
  std::unique_ptr<Nodes> decoded = Decode(tree, run, fenwick);
  if (decoded == nullptr) return nullptr;
  const size_t bytes = decoded->Bytes();
  if (held_.fetch_add(bytes, std::memory_order_relaxed) + bytes <=
      cache_bytes_) {
    const Nodes* expected = nullptr;
    if (slot.compare_exchange_strong(expected, decoded.get(),
                                     std::memory_order_acq_rel)) {
      return decoded.release();
    }
    held_.fetch_sub(bytes, std::memory_order_relaxed);
    return expected;  // another thread kept the same nodes first
  }
  held_.fetch_sub(bytes, std::memory_order_relaxed);
  full_.store(true, std::memory_order_relaxed);
  *hold = std::move(decoded);
  return hold->get();
}

namespace {

// Reads one node (query_state.cc's `node`) and adds to `sum` its running sum
// at the last day <= `day`, without keeping its days: false when the bytes
// end first.
bool ScanNode(Reader& r, int64_t day, uint64_t* sum) {
  const uint64_t m = r.Count(2);
  uint64_t below = 0;  // entries on days <= `day`
  int64_t at = 0;
  for (; below < m && r.ok(); ++below) {
    at = below == 0 ? r.Zigzag() : at + static_cast<int64_t>(r.Varint());
    if (at > day) break;
  }
  if (below < m && !Skip(r, m - below - 1)) return false;  // the rest's days
  uint64_t running = 0;
  for (uint64_t e = 0; e < below && r.ok(); ++e) {
    running += static_cast<uint64_t>(r.Zigzag());
  }
  if (!Skip(r, m - below)) return false;
  *sum += running;
  return r.ok();
}

}  // namespace

bool KnownPages::ScanRun(uint32_t tree, size_t run, int64_t day,
                         int32_t known_at, uint64_t* j, uint64_t* sum) const {
  const Tree& t = trees_[tree];
  const Run& at = t.runs[run];
  const uint64_t count = std::min<uint64_t>(kRun, t.n - run * kRun);
  const uint64_t known_end =
      run + 1 < t.runs.size() ? t.runs[run + 1].known_at : t.runs[0].nodes_at;
  std::string bytes;
  if (!Read(at.known_at, known_end, &bytes)) return false;
  uint64_t pos = 1;  // the run's first known day is <= known_at
  {
    Reader r(bytes);
    r.Varint();  // the first day's own encoding: the directory gives it
    int64_t known = at.first_known;
    for (; pos < count; ++pos) {
      known += static_cast<int64_t>(r.Varint());
      if (!r.ok()) {
        Fail();
        return false;
      }
      if (known > known_at) break;
    }
  }
  if (pos == kRun) {
    *j += kRun;
    return true;
  }
  if (!Read(at.nodes_at, at.fenwick_at, &bytes)) return false;
  Reader r(bytes);
  for (uint64_t leaf = 0; leaf < pos; ++leaf) {
    if (!ScanNode(r, day, sum)) {
      Fail();
      return false;
    }
  }
  return true;
}

bool KnownPages::ScanFenwick(uint32_t tree, size_t run, int64_t day,
                             uint64_t* sum) const {
  const Tree& t = trees_[tree];
  const uint64_t end =
      run + 1 < t.runs.size() ? t.runs[run + 1].nodes_at : t.end;
  std::string bytes;
  if (!Read(t.runs[run].fenwick_at, end, &bytes)) return false;
  Reader r(bytes);
  if (!ScanNode(r, day, sum) || !r.done()) {
    Fail();
    return false;
  }
  return true;
}

int64_t KnownPages::UpTo(uint32_t tree, int64_t day, int32_t known_at) const {
  if (tree >= trees_.size()) {
    Fail();
    return 0;
  }
  const Tree& t = trees_[tree];
  const auto after =
      std::upper_bound(t.run_first.begin(), t.run_first.end(), known_at);
  if (after == t.run_first.begin()) return 0;  // nothing known yet
  const size_t run = static_cast<size_t>(after - t.run_first.begin()) - 1;
  // As KnownSums::UpTo: the leaves down to the run's start, then the
  // Fenwick nodes (node j, a multiple of 32, ends run j / 32 - 1).
  uint64_t sum = 0;
  uint64_t j = run * kRun;
  std::unique_ptr<Nodes> hold;
  if (const Nodes* nodes = Kept(tree, run, /*fenwick=*/false, &hold)) {
    const size_t pos = static_cast<size_t>(
        std::upper_bound(nodes->known.begin(), nodes->known.end(), known_at) -
        nodes->known.begin());
    if (pos == kRun) {
      j += kRun;
    } else {
      for (size_t leaf = 0; leaf < pos; ++leaf) {
        sum += static_cast<uint64_t>(nodes->UpTo(leaf, day));
      }
    }
  } else if (failed() || !ScanRun(tree, run, day, known_at, &j, &sum)) {
    return 0;
  }
  for (; j > 0; j &= j - 1) {
    const size_t node_run = j / kRun - 1;
    if (const Nodes* node = Kept(tree, node_run, /*fenwick=*/true, &hold)) {
      sum += static_cast<uint64_t>(node->UpTo(0, day));
    } else if (failed() || !ScanFenwick(tree, node_run, day, &sum)) {
      return 0;
    }
  }
  return static_cast<int64_t>(sum);
}

}  // namespace fundlog::ledger::internal
