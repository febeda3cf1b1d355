// C2SP tlog-cosignature (cosignature/v1): key ids, the signed message, the
// line format, and refusal of altered timestamps, bodies and keys.
#include "core/merkle/cosignature.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/merkle/checkpoint.h"
#include "core/merkle/sha256.h"
#include "gtest/gtest.h"

namespace fundlog::merkle {
namespace {

constexpr uint64_t kTime = 1764556800;  // 2025-12-01T00:00:00Z
constexpr uint64_t kNow = kTime + 60;

class CosignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_key_ = GenerateKey("example.org/log").value();
    witness_ = GenerateKey("revisor.example/w1").value();
    body_ = CheckpointBody("example.org/log", 7, LeafHash("x")).value();
    note_ = SignNote(body_, log_key_).value();
  }

  std::string Cosigned(uint64_t time = kTime) {
    return note_ + CosignatureLine(body_, witness_, time).value();
  }

  // Replaces the base64 of the last signature line by f(decoded bytes).
  template <typename F>
  static std::string EditLastLine(const std::string& note, F f) {
    const size_t start = note.rfind("\xE2\x80\x94 ");
    const size_t space = note.find(' ', note.find(' ', start) + 1);
    std::string bytes;
    EXPECT_TRUE(absl::Base64Unescape(
        note.substr(space + 1, note.size() - space - 2), &bytes));
    f(bytes);
    return absl::StrCat(note.substr(0, space + 1), absl::Base64Escape(bytes),
                        "\n");
  }

  SigningKey log_key_;
  SigningKey witness_;
  std::string body_;
  std::string note_;
};

TEST_F(CosignatureTest, KeyIdHashesNameNewlineType04AndKey) {
  std::string input = "revisor.example/w1\n\x04";
  input.append(reinterpret_cast<const char*>(witness_.public_key.data()), 32);
  const Hash digest = internal::Sha256(input);
  const uint32_t want = (uint32_t{digest[0]} << 24) |
                        (uint32_t{digest[1]} << 16) |
                        (uint32_t{digest[2]} << 8) | digest[3];
  EXPECT_EQ(CosignerKeyId(witness_.name, witness_.public_key), want);
  EXPECT_NE(CosignerKeyId(witness_.name, witness_.public_key),
            KeyId(witness_.name, witness_.public_key));
}

TEST_F(CosignatureTest, SignedMessageIsHeaderTimeLineThenBody) {
  EXPECT_EQ(CosignedMessage("o\n1\nr\n", 1679315147),
            "cosignature/v1\ntime 1679315147\no\n1\nr\n");
  EXPECT_EQ(CosignedMessage("o\n1\nr\n", 0),
            "cosignature/v1\ntime 0\no\n1\nr\n");
}

TEST_F(CosignatureTest, LineCarriesKeyIdBigEndianTimeAndSignature) {
  const std::string line = CosignatureLine(body_, witness_, kTime).value();
  const std::vector<std::string> parts = absl::StrSplit(line, ' ');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "\xE2\x80\x94");
  EXPECT_EQ(parts[1], witness_.name);
  std::string bytes;
  ASSERT_TRUE(
      absl::Base64Unescape(parts[2].substr(0, parts[2].size() - 1), &bytes));
  ASSERT_EQ(bytes.size(), 4u + 8u + 64u);
  uint64_t time = 0;
  for (int i = 4; i < 12; ++i) time = (time << 8) | uint8_t(bytes[i]);
  EXPECT_EQ(time, kTime);
}

TEST_F(CosignatureTest, SpecExampleLineCarriesTheExampleTimeAfterTheKeyId) {
  // The cosignature line of the tlog-cosignature spec's example, whose
  // signed message has "time 1679315147": the layout is key id (4 bytes),
  // then the time as u64 big-endian, then 64 signature bytes.
  std::string bytes;
  ASSERT_TRUE(absl::Base64Unescape(
      "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin"
      "1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==",
      &bytes));
  ASSERT_EQ(bytes.size(), 4u + 8u + 64u);
  uint64_t time = 0;
  for (int i = 4; i < 12; ++i) time = (time << 8) | uint8_t(bytes[i]);
  EXPECT_EQ(time, 1679315147u);
}

TEST_F(CosignatureTest, CosignedNoteVerifiesForWitnessAndStillForLog) {
  const std::string cosigned = Cosigned();
  absl::StatusOr<uint64_t> time =
      VerifyCosignature(cosigned, CosignerVerifierKeyOf(witness_), kNow);
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_EQ(*time, kTime);
  EXPECT_TRUE(OpenNote(cosigned, VerifierKeyOf(log_key_)).ok());
}

TEST_F(CosignatureTest, AlteredTimestampIsRefused) {
  const std::string bad = EditLastLine(
      Cosigned(), [](std::string& b) { b[11] = static_cast<char>(b[11] ^ 1); });
  absl::StatusOr<uint64_t> time =
      VerifyCosignature(bad, CosignerVerifierKeyOf(witness_), kNow);
  EXPECT_EQ(time.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(time.status().message().find("does not verify"), std::string::npos);
}

TEST_F(CosignatureTest, SignatureWithoutTimestampIsRefused) {
  // A plain note signature under the cosigner's id: 64 bytes, no time.
  const std::string bad =
      EditLastLine(Cosigned(), [](std::string& b) { b.erase(4, 8); });
  absl::StatusOr<uint64_t> time =
      VerifyCosignature(bad, CosignerVerifierKeyOf(witness_), kNow);
  EXPECT_EQ(time.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(time.status().message().find("not a cosignature/v1"),
            std::string::npos);
}

TEST_F(CosignatureTest, TimestampFarInTheFutureIsRefused) {
  const std::string future = Cosigned(kNow + 2 * 24 * 3600);
  EXPECT_EQ(VerifyCosignature(future, CosignerVerifierKeyOf(witness_), kNow)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(CosignatureLine(body_, witness_, kCosignatureTimeMax + 1).ok());
}

TEST_F(CosignatureTest, AnotherWitnessKeyIsRefused) {
  const SigningKey other = GenerateKey(witness_.name).value();
  absl::StatusOr<uint64_t> time =
      VerifyCosignature(Cosigned(), CosignerVerifierKeyOf(other), kNow);
  EXPECT_EQ(time.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(time.status().message().find("absent"), std::string::npos);
  // The log's own key is no witness: its id (type 0x01) never matches.
  EXPECT_FALSE(
      VerifyCosignature(Cosigned(), VerifierKeyOf(log_key_), kNow).ok());
}

TEST_F(CosignatureTest, CosignatureMovedToAnotherBodyIsRefused) {
  const std::string other_body =
      CheckpointBody("example.org/log", 8, LeafHash("y")).value();
  const std::string moved = SignNote(other_body, log_key_).value() +
                            CosignatureLine(body_, witness_, kTime).value();
  EXPECT_EQ(VerifyCosignature(moved, CosignerVerifierKeyOf(witness_), kNow)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(CosignatureTest, KeyTextsRoundTripAndRefuseTheOtherType) {
  const std::string vkey =
      EncodeCosignerVerifierKey(CosignerVerifierKeyOf(witness_));
  absl::StatusOr<VerifierKey> parsed = ParseCosignerVerifierKey(vkey);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->public_key, witness_.public_key);
  absl::StatusOr<SigningKey> signer =
      ParseCosignerSignerKey(EncodeCosignerSignerKey(witness_));
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(signer->private_seed, witness_.private_seed);
  // A witness key is never taken for a log key, nor the other way round.
  absl::StatusOr<VerifierKey> as_log = ParseVerifierKey(vkey);
  ASSERT_FALSE(as_log.ok());
  EXPECT_NE(as_log.status().message().find("witness"), std::string::npos);
  const std::string log_vkey = EncodeVerifierKey(VerifierKeyOf(log_key_));
  EXPECT_FALSE(ParseCosignerVerifierKey(log_vkey).ok());
  EXPECT_FALSE(ParseCosignerSignerKey(EncodeSignerKey(log_key_)).ok());
}

}  // namespace
}  // namespace fundlog::merkle
