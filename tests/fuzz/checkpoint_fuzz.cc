// libFuzzer target: the signed-note / checkpoint parser `verify-proof` and
// `restore` use on checkpoints from outside, and the key texts they read.
//
// The first byte chooses: 'V' a verifier key text, 'S' a signer key text,
// anything else a note opened with the key that signed the seed corpus
// (tests/fuzz/corpus/checkpoint/ holds real checkpoints of a log made with
// that key, so the fuzzer starts past the signature check).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/merkle/checkpoint.h"

namespace {

// The verifier key of the log that produced the seed checkpoints.
constexpr std::string_view kSeedVerifierKey =
    "fuzz-seed-log+f5b8e0fc+ASx0GAzjLY6xkO3ixGHo+ELcLUrwtxWP/d8VmJ0M7Ugu";

const fundlog::merkle::VerifierKey& SeedKey() {
  static const fundlog::merkle::VerifierKey* key = [] {
    auto parsed = fundlog::merkle::ParseVerifierKey(kSeedVerifierKey);
    if (!parsed.ok()) std::abort();
    return new fundlog::merkle::VerifierKey(*parsed);
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1),
                              size - 1);
  switch (data[0]) {
    case 'V':
      (void)fundlog::merkle::ParseVerifierKey(rest);
      break;
    case 'S':
      (void)fundlog::merkle::ParseSignerKey(rest);
      break;
    default: {
      const std::string_view note(reinterpret_cast<const char*>(data), size);
      (void)fundlog::merkle::ParseCheckpointBody(note);
      auto opened = fundlog::merkle::OpenCheckpoint(note, SeedKey());
      // What was opened must be a prefix of the note: the signed body.
      if (opened.ok() && note.substr(0, opened->body.size()) != opened->body) {
        std::abort();
      }
      break;
    }
  }
  return 0;
}
