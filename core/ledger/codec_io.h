// Internal: the varint byte writer and bounds-checked reader the projector's
// derived formats (state_codec.cc, query_state.cc) share. varint = unsigned
// LEB128; zigzag = signed varint. A Reader never reads past its input: a
// short or malformed input clears ok() and yields zeros.
#ifndef FUNDLOG_CORE_LEDGER_CODEC_IO_H_
#define FUNDLOG_CORE_LEDGER_CODEC_IO_H_

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace fundlog::ledger::internal {

// Writes into a string, or, given a digest context, into the hash in
// pieces of about 64 KiB (Take() then hashes the rest and returns ""), so
// that hashing an encoding never holds all of it.
class Writer {
 public:
  Writer() = default;
  explicit Writer(EVP_MD_CTX* sink) : sink_(sink) {}
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
    Spill();
  }
  void Zigzag(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void Byte(uint8_t b) {
    out_.push_back(static_cast<char>(b));
    Spill();
  }
  void Bytes(absl::string_view b) {
    Varint(b.size());
    out_.append(b.data(), b.size());
    Spill();
  }
  // False when the hash refused an update (Take's digest is then not one).
  bool sink_ok() const { return sink_ok_; }
  std::string Take() {
    if (sink_ != nullptr) Spill(0);
    return std::move(out_);
  }

 private:
  void Spill(size_t at_least = size_t{1} << 16) {
    if (sink_ == nullptr || out_.size() < at_least) return;
    sink_ok_ &= EVP_DigestUpdate(sink_, out_.data(), out_.size()) == 1;
    out_.clear();
  }

  EVP_MD_CTX* sink_ = nullptr;
  bool sink_ok_ = true;
  std::string out_;
};

class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }
  size_t pos() const { return pos_; }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) break;
      const auto b = static_cast<uint8_t>(in_[pos_++]);
      v |= uint64_t{b & 0x7Fu} << shift;
      if (b < 0x80) return v;
    }
    ok_ = false;
    return 0;
  }
  int64_t Zigzag() {
    const uint64_t v = Varint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  int32_t Int32() {
    const int64_t v = Zigzag();
    if (v < INT32_MIN || v > INT32_MAX) ok_ = false;
    return static_cast<int32_t>(v);
  }
  uint32_t Uint32() {
    const uint64_t v = Varint();
    if (v > UINT32_MAX) ok_ = false;
    return static_cast<uint32_t>(v);
  }
  uint8_t Byte() {
    if (pos_ >= in_.size()) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint8_t>(in_[pos_++]);
  }
  absl::string_view Bytes() {
    const uint64_t n = Varint();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    absl::string_view b = in_.substr(pos_, n);
    pos_ += n;
    return b;
  }
  // A count of items each at least `min_bytes` long: refuses counts the
  // remaining input cannot hold, so a corrupt count cannot exhaust memory.
  uint64_t Count(size_t min_bytes) {
    const uint64_t n = Varint();
    if (n > (in_.size() - pos_) / min_bytes) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  absl::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace fundlog::ledger::internal

#endif  // FUNDLOG_CORE_LEDGER_CODEC_IO_H_
