// What an append session remembers of each staged record for validating
// the parts after it, kept small: a session of millions of records holds
// these in memory until it commits (append_session.h).
//
// Private to core/store. Thread-compatible.
#ifndef FUNDLOG_CORE_STORE_STAGED_FACTS_H_
#define FUNDLOG_CORE_STORE_STAGED_FACTS_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace fundlog {

// A set of strings (named index keys), stored end to end in one buffer and
// found through a hash set of their offsets: about 9 bytes per name beside
// its own bytes, where a flat_hash_set<std::string> takes 40 to 80.
class StagedNames {
 public:
  StagedNames() : offsets_(0, Hash{this}, Eq{this}) {}
  StagedNames(const StagedNames&) = delete;
  StagedNames& operator=(const StagedNames&) = delete;

  // Adds `name`; false if it was there already.
  bool Insert(absl::string_view name) {
    if (Contains(name)) return false;
    const uint64_t offset = bytes_.size();
    const uint32_t length = static_cast<uint32_t>(name.size());
    bytes_.append(reinterpret_cast<const char*>(&length), sizeof(length));
    bytes_.append(name.data(), name.size());
    offsets_.insert(offset);
    return true;
  }
  bool Contains(absl::string_view name) const {
    return offsets_.contains(name);
  }
  size_t size() const { return offsets_.size(); }
  void Clear() {
    offsets_.clear();
    bytes_.clear();
  }

 private:
  absl::string_view At(uint64_t offset) const {
    uint32_t length = 0;
    std::memcpy(&length, bytes_.data() + offset, sizeof(length));
    return absl::string_view(bytes_.data() + offset + sizeof(length), length);
  }
  // Both hash and compare an offset by the name stored there, so that a
  // lookup by name needs no copy (heterogeneous lookup).
  struct Hash {
    using is_transparent = void;
    const StagedNames* names;
    size_t operator()(absl::string_view name) const {
      return absl::Hash<absl::string_view>()(name);
    }
    size_t operator()(uint64_t offset) const {
      return (*this)(names->At(offset));
    }
  };
  struct Eq {
    using is_transparent = void;
    const StagedNames* names;
    absl::string_view View(absl::string_view name) const { return name; }
    absl::string_view View(uint64_t offset) const { return names->At(offset); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) == View(b);
    }
  };
  std::string bytes_;
  absl::flat_hash_set<uint64_t, Hash, Eq> offsets_;
};

// The recorded_on day of each staged record, as runs: an import's records
// mostly share one day, so this holds a few entries however many records.
class StagedDays {
 public:
  void Add(absl::string_view day) {
    if (runs_.empty() || runs_.back().second != day) {
      runs_.emplace_back(count_, std::string(day));
    }
    ++count_;
  }
  // The day of the `index`th record added; index < count().
  const std::string& At(uint64_t index) const {
    auto after = std::upper_bound(
        runs_.begin(), runs_.end(), index,
        [](uint64_t i, const auto& run) { return i < run.first; });
    return std::prev(after)->second;
  }
  uint64_t count() const { return count_; }

 private:
  uint64_t count_ = 0;
  std::vector<std::pair<uint64_t, std::string>> runs_;  // first index, day
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_STAGED_FACTS_H_
