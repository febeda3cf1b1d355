// libFuzzer target: what a witness and a checker of witnesses read from
// outside. The first byte chooses: 'B' a tlog-witness add-checkpoint body,
// 'E' a fork evidence file (parsed, then judged with the seed log key), 'C'
// a cosigner verifier key text; anything else a note checked for a
// cosignature by the seed witness key (tests/fuzz/corpus/witness/ holds
// cosigned checkpoints, so the fuzzer starts past the signature parsing).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "absl/strings/string_view.h"
#include "core/audit/fork_evidence.h"
#include "core/audit/witness.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/cosignature.h"

namespace {

// The keys that made the seed corpus (public halves only).
constexpr std::string_view kSeedLogKey =
    "fuzz-seed-log+f5b8e0fc+ASx0GAzjLY6xkO3ixGHo+ELcLUrwtxWP/d8VmJ0M7Ugu";
constexpr std::string_view kSeedWitnessKey =
    "fuzz-seed-witness+a490b755+BPeCfIC4wUXQojOLlangD728ZXYOkLFJGUFFIyxgJtq4";
constexpr uint64_t kNow = 4102444800;  // 2100: no seed is in its future

template <typename Parse>
const fundlog::merkle::VerifierKey& Key(std::string_view text, Parse parse) {
  auto parsed = parse(text);
  if (!parsed.ok()) std::abort();
  return *new fundlog::merkle::VerifierKey(*parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fundlog::merkle::VerifierKey& log_key =
      Key(kSeedLogKey, fundlog::merkle::ParseVerifierKey);
  static const fundlog::merkle::VerifierKey& witness_key =
      Key(kSeedWitnessKey, fundlog::merkle::ParseCosignerVerifierKey);
  if (size == 0) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::string_view rest = all.substr(1);
  switch (data[0]) {
    case 'B':
      (void)fundlog::ParseAddCheckpointBody(rest);
      break;
    case 'E': {
      auto evidence = fundlog::ParseEvidenceJson(
          "fuzz.json", absl::string_view(rest.data(), rest.size()));
      if (evidence.ok()) (void)fundlog::CheckForkEvidence(*evidence, log_key);
      break;
    }
    case 'C':
      (void)fundlog::merkle::ParseCosignerVerifierKey(rest);
      break;
    default: {
      auto time = fundlog::merkle::VerifyCosignature(all, witness_key, kNow);
      if (time.ok() && *time > fundlog::merkle::kCosignatureTimeMax) {
        std::abort();
      }
      break;
    }
  }
  return 0;
}
