// Ed25519 keys in the text forms of Go's golang.org/x/mod/sumdb/note.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/cosignature.h"
#include "core/merkle/ed25519.h"
#include "core/merkle/note_text.h"
#include "core/merkle/sha256.h"
#include "core/merkle/string_view_compat.h"

namespace fundlog::merkle {
namespace {

constexpr std::string_view kSignerKeyPrefix = "PRIVATE+KEY+";
constexpr size_t kKeyBytes = 32;

// algorithm || key: the algorithm-tagged key both key texts carry (0x01
// for a log's note keys, 0x04 for a cosigner's cosignature/v1 keys).
std::string TaggedKey(const std::array<uint8_t, 32>& key,
                      uint8_t algorithm = kAlgorithmEd25519) {
  std::string tagged(1, static_cast<char>(algorithm));
  tagged.append(reinterpret_cast<const char*>(key.data()), key.size());
  return tagged;
}

using internal::ToAbsl;
using internal::ToStd;

absl::Status BadName(absl::string_view name) {
  return absl::InvalidArgumentError(
      absl::StrCat("key name \"", name.substr(0, 64),
                   "\" must be non-empty UTF-8 without spaces or '+'"));
}

// Splits "<name>+<hex id>+<base64 tagged key>" (the base64 may contain '+',
// the name may not) and decodes the tagged key, checking its algorithm.
struct KeyFields {
  std::string name;
  uint32_t key_id = 0;
  std::array<uint8_t, 32> key{};
};
absl::StatusOr<KeyFields> ParseKeyFields(
    std::string_view text, uint8_t algorithm = kAlgorithmEd25519) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(ToAbsl(text), absl::MaxSplits('+', 2));
  if (parts.size() != 3) {
    return absl::InvalidArgumentError("key text is not <name>+<id>+<key>");
  }
  if (!IsValidKeyName(ToStd(parts[0]))) return BadName(parts[0]);
  absl::StatusOr<uint32_t> id = internal::ParseKeyIdHex(ToStd(parts[1]));
  if (!id.ok()) return id.status();
  absl::StatusOr<std::string> tagged =
      internal::DecodePaddedBase64("key", ToStd(parts[2]));
  if (!tagged.ok()) return tagged.status();
  if (tagged->size() != 1 + kKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key holds ", tagged->size(), " bytes, want 33 (the type and 32)"));
  }
  if (static_cast<uint8_t>((*tagged)[0]) != algorithm) {
    const int found = static_cast<uint8_t>((*tagged)[0]);
    return absl::InvalidArgumentError(absl::StrFormat(
        "key type 0x%02x, want 0x%02x (%s)", found, algorithm,
        algorithm == kAlgorithmEd25519
            ? (found == kAlgorithmCosignatureV1
                   ? "a signed-note Ed25519 key; this is a witness's "
                     "cosignature key, not a log's"
                   : "a signed-note Ed25519 key")
            : (found == kAlgorithmEd25519
                   ? "a cosignature/v1 witness key; this is a log's note "
                     "key, not a witness's"
                   : "a cosignature/v1 witness key")));
  }
  KeyFields fields{std::string(parts[0]), *id, {}};
  std::copy(tagged->begin() + 1, tagged->end(), fields.key.begin());
  return fields;
}

absl::Status CheckKeyId(const std::string& name, uint32_t claimed,
                        const std::array<uint8_t, 32>& public_key,
                        uint8_t algorithm = kAlgorithmEd25519) {
  const uint32_t actual = algorithm == kAlgorithmEd25519
                              ? KeyId(name, public_key)
                              : CosignerKeyId(name, public_key);
  if (claimed == actual) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "key id %08x does not match key %s (id %08x)", claimed, name, actual));
}

}  // namespace

namespace {
uint32_t TaggedKeyId(std::string_view name,
                     const std::array<uint8_t, 32>& public_key,
                     uint8_t algorithm) {
  const Hash digest = internal::Sha256(
      absl::StrCat(ToAbsl(name), "\n", TaggedKey(public_key, algorithm)));
  return (uint32_t{digest[0]} << 24) | (uint32_t{digest[1]} << 16) |
         (uint32_t{digest[2]} << 8) | uint32_t{digest[3]};
}
}  // namespace

uint32_t KeyId(std::string_view name,
               const std::array<uint8_t, 32>& public_key) {
  return TaggedKeyId(name, public_key, kAlgorithmEd25519);
}

uint32_t CosignerKeyId(std::string_view name,
                       const std::array<uint8_t, 32>& public_key) {
  return TaggedKeyId(name, public_key, kAlgorithmCosignatureV1);
}

absl::StatusOr<SigningKey> SigningKeyFromSeed(
    std::string_view name, const std::array<uint8_t, 32>& seed) {
  if (!IsValidKeyName(name)) return BadName(ToAbsl(name));
  absl::StatusOr<internal::Ed25519PublicKey> public_key =
      internal::Ed25519PublicFromSeed(seed);
  if (!public_key.ok()) return public_key.status();
  return SigningKey{std::string(name), seed, *public_key};
}

absl::StatusOr<SigningKey> GenerateKey(std::string_view name) {
  if (!IsValidKeyName(name)) return BadName(ToAbsl(name));
  absl::StatusOr<internal::Ed25519Seed> seed = internal::Ed25519RandomSeed();
  if (!seed.ok()) return seed.status();
  return SigningKeyFromSeed(name, *seed);
}

VerifierKey VerifierKeyOf(const SigningKey& key) {
  return VerifierKey{key.name, KeyId(key.name, key.public_key), key.public_key};
}

std::string EncodeVerifierKey(const VerifierKey& key) {
  return absl::StrFormat("%s+%08x+%s", key.name, key.key_id,
                         absl::Base64Escape(TaggedKey(key.public_key)));
}

absl::StatusOr<VerifierKey> ParseVerifierKey(std::string_view text) {
  absl::StatusOr<KeyFields> fields = ParseKeyFields(text);
  if (!fields.ok()) return fields.status();
  if (absl::Status s = CheckKeyId(fields->name, fields->key_id, fields->key);
      !s.ok()) {
    return s;
  }
  return VerifierKey{fields->name, fields->key_id, fields->key};
}

std::string EncodeSignerKey(const SigningKey& key) {
  return absl::StrFormat("%s%s+%08x+%s", ToAbsl(kSignerKeyPrefix), key.name,
                         KeyId(key.name, key.public_key),
                         absl::Base64Escape(TaggedKey(key.private_seed)));
}

absl::StatusOr<SigningKey> ParseSignerKey(std::string_view text) {
  absl::string_view rest = ToAbsl(text);
  if (!absl::ConsumePrefix(&rest, ToAbsl(kSignerKeyPrefix))) {
    return absl::InvalidArgumentError(
        "signer key text does not start with PRIVATE+KEY+");
  }
  absl::StatusOr<KeyFields> fields = ParseKeyFields(ToStd(rest));
  if (!fields.ok()) return fields.status();
  absl::StatusOr<SigningKey> key =
      SigningKeyFromSeed(fields->name, fields->key);
  if (!key.ok()) return key.status();
  // The id is checked against the derived public key, as Go's NewSigner
  // does: a mistyped seed must not sign under someone else's id.
  if (absl::Status s = CheckKeyId(key->name, fields->key_id, key->public_key);
      !s.ok()) {
    return s;
  }
  return key;
}

VerifierKey CosignerVerifierKeyOf(const SigningKey& key) {
  return VerifierKey{key.name, CosignerKeyId(key.name, key.public_key),
                     key.public_key};
}

std::string EncodeCosignerVerifierKey(const VerifierKey& key) {
  return absl::StrFormat(
      "%s+%08x+%s", key.name, key.key_id,
      absl::Base64Escape(TaggedKey(key.public_key, kAlgorithmCosignatureV1)));
}

absl::StatusOr<VerifierKey> ParseCosignerVerifierKey(std::string_view text) {
  absl::StatusOr<KeyFields> fields =
      ParseKeyFields(text, kAlgorithmCosignatureV1);
  if (!fields.ok()) return fields.status();
  if (absl::Status s = CheckKeyId(fields->name, fields->key_id, fields->key,
                                  kAlgorithmCosignatureV1);
      !s.ok()) {
    return s;
  }
  return VerifierKey{fields->name, fields->key_id, fields->key};
}

std::string EncodeCosignerSignerKey(const SigningKey& key) {
  return absl::StrFormat(
      "%s%s+%08x+%s", ToAbsl(kSignerKeyPrefix), key.name,
      CosignerKeyId(key.name, key.public_key),
      absl::Base64Escape(TaggedKey(key.private_seed, kAlgorithmCosignatureV1)));
}

absl::StatusOr<SigningKey> ParseCosignerSignerKey(std::string_view text) {
  absl::string_view rest = ToAbsl(text);
  if (!absl::ConsumePrefix(&rest, ToAbsl(kSignerKeyPrefix))) {
    return absl::InvalidArgumentError(
        "signer key text does not start with PRIVATE+KEY+");
  }
  absl::StatusOr<KeyFields> fields =
      ParseKeyFields(ToStd(rest), kAlgorithmCosignatureV1);
  if (!fields.ok()) return fields.status();
  absl::StatusOr<SigningKey> key =
      SigningKeyFromSeed(fields->name, fields->key);
  if (!key.ok()) return key.status();
  if (absl::Status s = CheckKeyId(key->name, fields->key_id, key->public_key,
                                  kAlgorithmCosignatureV1);
      !s.ok()) {
    return s;
  }
  return key;
}

}  // namespace fundlog::merkle
