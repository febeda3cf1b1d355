// The projection state as bytes, for snapshots. Derived data: a snapshot
// that does not decode is discarded and rebuilt from the log.
//
// Format (version 1). varint = unsigned LEB128; zz = zigzag varint.
//   state    := magic "FLPS" version:varint next_seq:varint
//               names money rows transitions kept roots chains
//   names    := count:varint (length:varint bytes)*
//   money    := count:varint (seq:varint known_from:zz known_until:zz
//               from_day:zz to_day:zz fund:varint kind:byte has_amount:byte
//               amount:zz rows_begin:varint rows_count:varint)*
//   rows     := count:varint (account:varint amount:zz)*
//   transitions := count:varint (seq:varint known_from:zz known_until:zz
//               from_day:zz to_day:zz fund:varint kind:byte
//               from_account:varint to_account:varint change_id:varint)*
//   kept     := count:varint (seq:varint known_from:zz known_until:zz
//               from_day:zz to_day:zz fund:varint length:varint Event)*
//   roots    := count:varint (correction_seq:varint root_seq:varint)*
//   chains   := count:varint (root_seq:varint n:varint
//               (known_from:zz seq:varint table:byte index:varint)^n)*
// Names are referred to by their index in `names`; kNoName is 2^32 - 1.
// Maps are written in key order so equal states give equal bytes.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/ledger/codec_io.h"
#include "core/ledger/projector.h"

namespace fundlog::ledger {
namespace {

using internal::Reader;
using internal::Writer;

constexpr absl::string_view kMagic = "FLPS";
constexpr uint64_t kFormatVersion = 1;

void PutKnown(Writer& w, const internal::Known& k, int32_t from, int32_t to) {
  w.Zigzag(k.from);
  w.Zigzag(k.until);
  w.Zigzag(from);
  w.Zigzag(to);
}

}  // namespace

// Friend of Projector: reads and writes its members.
class StateCodec {
 public:
  // Into a string, or with `sink` into that hash (returning "").
  static std::string Encode(const Projector& p, EVP_MD_CTX* sink = nullptr,
                            bool* sink_ok = nullptr);
  static absl::StatusOr<Projector> Decode(absl::string_view bytes);
};

std::string StateCodec::Encode(const Projector& p, EVP_MD_CTX* sink,
                               bool* sink_ok) {
  Writer w(sink);
  for (char c : kMagic) w.Byte(static_cast<uint8_t>(c));
  w.Varint(kFormatVersion);
  w.Varint(p.next_seq_);
  w.Varint(p.names_.size());
  for (uint32_t i = 0; i < p.names_.size(); ++i) w.Bytes(p.names_.Text(i));
  w.Varint(p.money_.size());
  for (const internal::MoneyFact& f : p.money_) {
    w.Varint(f.seq);
    PutKnown(w, f.known, f.from_day, f.to_day);
    w.Varint(f.fund);
    w.Byte(static_cast<uint8_t>(f.kind));
    w.Byte(f.has_amount ? 1 : 0);
    w.Zigzag(f.amount);
    w.Varint(f.rows_begin);
    w.Varint(f.rows_count);
  }
  w.Varint(p.rows_.size());
  for (const internal::Row& r : p.rows_) {
    w.Varint(r.account);
    w.Zigzag(r.amount);
  }
  w.Varint(p.transitions_.size());
  for (const internal::Transition& t : p.transitions_) {
    w.Varint(t.seq);
    PutKnown(w, t.known, t.from_day, t.to_day);
    w.Varint(t.fund);
    w.Byte(static_cast<uint8_t>(t.kind));
    w.Varint(t.from_account);
    w.Varint(t.to_account);
    w.Varint(t.change_id);
  }
  w.Varint(p.kept_.size());
  for (const internal::KeptEvent& k : p.kept_) {
    w.Varint(k.seq);
    PutKnown(w, k.known, k.from_day, k.to_day);
    w.Varint(k.fund);
    w.Bytes(k.event.SerializeAsString());
  }
  std::vector<std::pair<uint64_t, uint64_t>> roots(p.correction_root_.begin(),
                                                   p.correction_root_.end());
  std::sort(roots.begin(), roots.end());
  w.Varint(roots.size());
  for (const auto& [seq, root] : roots) {
    w.Varint(seq);
    w.Varint(root);
  }
  std::vector<uint64_t> chain_keys;
  for (const auto& [root, chain] : p.versions_) chain_keys.push_back(root);
  std::sort(chain_keys.begin(), chain_keys.end());
  w.Varint(chain_keys.size());
  for (uint64_t root : chain_keys) {
    const auto& chain = p.versions_.at(root);
    w.Varint(root);
    w.Varint(chain.size());
    for (const internal::Version& v : chain) {
      w.Zigzag(v.known_from);
      w.Varint(v.seq);
      w.Byte(static_cast<uint8_t>(v.table));
      w.Varint(v.index);
    }
  }
  std::string out = w.Take();
  if (sink_ok != nullptr) *sink_ok = w.sink_ok();
  return out;
}

absl::StatusOr<Projector> StateCodec::Decode(absl::string_view bytes) {
  auto loss = [](absl::string_view why) {
    return absl::DataLossError(absl::StrCat("projection state: ", why));
  };
  Reader r(bytes);
  for (char c : kMagic) {
    if (r.Byte() != static_cast<uint8_t>(c)) return loss("bad magic");
  }
  if (r.Varint() != kFormatVersion) return loss("unknown format version");
  Projector p;
  p.next_seq_ = r.Varint();
  const uint64_t names = r.Count(1);
  for (uint64_t i = 0; i < names; ++i) {
    if (p.names_.Intern(r.Bytes()) != i) return loss("duplicate name");
  }
  auto name_ok = [&](uint32_t id) {
    return id == internal::kNoName || id < names;
  };
  bool valid = r.ok();
  uint64_t previous = 0;
  auto in_order = [&](uint64_t seq, bool first) {
    const bool ok = first || seq > previous;
    previous = seq;
    return ok;
  };
  auto read_known = [&](internal::Known* k, int32_t* from, int32_t* to) {
    k->from = r.Int32();
    k->until = r.Int32();
    *from = r.Int32();
    *to = r.Int32();
  };
  const uint64_t money = r.Count(12);
  for (uint64_t i = 0; valid && i < money; ++i) {
    internal::MoneyFact f;
    f.seq = r.Varint();
    read_known(&f.known, &f.from_day, &f.to_day);
    f.fund = r.Uint32();
    const uint8_t kind = r.Byte();
    f.kind = static_cast<internal::FactKind>(kind);
    f.has_amount = r.Byte() != 0;
    f.amount = r.Zigzag();
    f.rows_begin = r.Uint32();
    f.rows_count = r.Uint32();
    valid =
        r.ok() && name_ok(f.fund) &&
        kind <= static_cast<uint8_t>(internal::FactKind::kOpeningBalances) &&
        in_order(f.seq, i == 0);
    p.money_.push_back(f);
  }
  const uint64_t rows = valid ? r.Count(2) : 0;
  for (uint64_t i = 0; valid && i < rows; ++i) {
    internal::Row row{r.Uint32(), r.Zigzag()};
    valid = r.ok() && name_ok(row.account);
    p.rows_.push_back(row);
  }
  for (const internal::MoneyFact& f : p.money_) {
    valid = valid && uint64_t{f.rows_begin} + f.rows_count <= p.rows_.size();
  }
  const uint64_t transitions = valid ? r.Count(10) : 0;
  for (uint64_t i = 0; valid && i < transitions; ++i) {
    internal::Transition t;
    t.seq = r.Varint();
    read_known(&t.known, &t.from_day, &t.to_day);
    t.fund = r.Uint32();
    const uint8_t kind = r.Byte();
    t.kind = static_cast<internal::FactKind>(kind);
    t.from_account = r.Uint32();
    t.to_account = r.Uint32();
    t.change_id = r.Uint32();
    valid = r.ok() && name_ok(t.fund) && name_ok(t.from_account) &&
            name_ok(t.to_account) && name_ok(t.change_id) &&
            (t.kind == internal::FactKind::kCloseOut ||
             t.kind == internal::FactKind::kGuidelinesRepealed) &&
            in_order(t.seq, i == 0);
    p.transitions_.push_back(t);
  }
  const uint64_t kept = valid ? r.Count(7) : 0;
  for (uint64_t i = 0; valid && i < kept; ++i) {
    internal::KeptEvent k;
    k.seq = r.Varint();
    read_known(&k.known, &k.from_day, &k.to_day);
    k.fund = r.Uint32();
    const absl::string_view event = r.Bytes();
    valid =
        r.ok() && name_ok(k.fund) &&
        k.event.ParseFromArray(event.data(), static_cast<int>(event.size())) &&
        in_order(k.seq, i == 0);
    p.kept_.push_back(std::move(k));
  }
  const uint64_t roots = valid ? r.Count(2) : 0;
  for (uint64_t i = 0; valid && i < roots; ++i) {
    const uint64_t seq = r.Varint();
    p.correction_root_[seq] = r.Varint();
    valid = r.ok();
  }
  const uint64_t chains = valid ? r.Count(2) : 0;
  for (uint64_t i = 0; valid && i < chains; ++i) {
    auto& chain = p.versions_[r.Varint()];
    const uint64_t n = r.Count(4);
    for (uint64_t j = 0; valid && j < n; ++j) {
      internal::Version v;
      v.known_from = r.Int32();
      v.seq = r.Varint();
      const uint8_t table = r.Byte();
      v.table = static_cast<internal::Table>(table);
      v.index = r.Uint32();
      const size_t sizes[] = {0, p.money_.size(), p.transitions_.size(),
                              p.kept_.size()};
      valid = r.ok() && table <= 3 && (table == 0 || v.index < sizes[table]);
      chain.push_back(v);
    }
  }
  if (!valid || !r.ok()) return loss("corrupt or truncated");
  if (!r.done()) return loss("trailing bytes");
  return p;
}

std::string Projector::SerializeState() const {
  return StateCodec::Encode(*this);
}

std::string Projector::StateSha256() const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  bool ok = context != nullptr &&
            EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1;
  if (ok) StateCodec::Encode(*this, context.get(), &ok);
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  ok = ok && EVP_DigestFinal_ex(context.get(),
                                reinterpret_cast<unsigned char*>(out.data()),
                                &length) == 1;
  // No digest matches "": a failed hash is a mismatch, never a pass.
  if (!ok) return "";
  out.resize(length);
  return out;
}

absl::StatusOr<Projector> Projector::FromState(absl::string_view bytes) {
  return StateCodec::Decode(bytes);
}

}  // namespace fundlog::ledger
