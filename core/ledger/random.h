// splitmix64: a small, fast generator that gives the same sequence on every
// platform (unlike the standard distributions), for synthetic ledgers and
// reproducible random tests.
//
// Thread-compatible.
#ifndef FUNDLOG_CORE_LEDGER_RANDOM_H_
#define FUNDLOG_CORE_LEDGER_RANDOM_H_

#include <cstdint>

namespace fundlog::ledger {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [lo, hi] (hi >= lo).
  int64_t Between(int64_t lo, int64_t hi) {
    return lo +
           static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }

  // Uniform in [0, n) (n > 0).
  int Below(int n) { return static_cast<int>(Next() % n); }

  // True with probability p percent.
  bool Percent(int p) { return Between(0, 99) < p; }

 private:
  uint64_t state_;
};

}  // namespace fundlog::ledger

#endif  // FUNDLOG_CORE_LEDGER_RANDOM_H_
