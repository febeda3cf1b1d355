// Keys, signed notes and checkpoints, pinned to Go's sumdb/note vectors.
#include "core/merkle/checkpoint.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"

namespace fundlog::merkle {
namespace {

// Facts from golang.org/x/mod/sumdb/note/note_test.go (Debian's
// golang-golang-x-mod-dev): a key pair, a text, and Go's signatures of it.
constexpr char kPeterVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kPeterSignerKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+"
    "Y7hfZx09iUvxdXHK"
    "DFz";
constexpr char kEnochVerifierKey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kPeterSignature[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUg"
    "YN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr char kEnochSignature[] =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+"
    "vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

VerifierKey MustParseVerifier(std::string_view text) {
  absl::StatusOr<VerifierKey> key = ParseVerifierKey(text);
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *key : VerifierKey{};
}

SigningKey MustGenerate(std::string_view name) {
  absl::StatusOr<SigningKey> key = GenerateKey(name);
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *key : SigningKey{};
}

std::string MustSign(std::string_view body, const SigningKey& key) {
  absl::StatusOr<std::string> note = SignNote(body, key);
  EXPECT_TRUE(note.ok()) << note.status();
  return note.ok() ? *note : "";
}

TEST(KeyTest, KeyIdMatchesGoVector) {
  const VerifierKey peter = MustParseVerifier(kPeterVerifierKey);
  EXPECT_EQ(peter.name, "PeterNeumann");
  EXPECT_EQ(peter.key_id, 0xc74f20a3u);
  EXPECT_EQ(KeyId(peter.name, peter.public_key), 0xc74f20a3u);
  EXPECT_EQ(EncodeVerifierKey(peter), kPeterVerifierKey);
}

TEST(KeyTest, GoSignerKeyDerivesGoVerifierKey) {
  absl::StatusOr<SigningKey> peter = ParseSignerKey(kPeterSignerKey);
  ASSERT_TRUE(peter.ok()) << peter.status();
  EXPECT_EQ(EncodeVerifierKey(VerifierKeyOf(*peter)), kPeterVerifierKey);
  EXPECT_EQ(EncodeSignerKey(*peter), kPeterSignerKey);
}

TEST(KeyTest, GeneratedKeyRoundTripsThroughText) {
  const SigningKey key = MustGenerate("example.org/fundlog");
  absl::StatusOr<SigningKey> parsed = ParseSignerKey(EncodeSignerKey(key));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->private_seed, key.private_seed);
  EXPECT_EQ(parsed->public_key, key.public_key);
  const VerifierKey verifier =
      MustParseVerifier(EncodeVerifierKey(VerifierKeyOf(key)));
  EXPECT_EQ(verifier.public_key, key.public_key);
  EXPECT_NE(MustGenerate("example.org/fundlog").private_seed, key.private_seed);
}

TEST(KeyTest, InvalidKeyNamesAreRejected) {
  for (std::string_view name : {"", "a b", "a+b", "tab\there", "a\xff",
                                "nbsp\xC2\xA0", "ideo\xE3\x80\x80"}) {
    EXPECT_FALSE(IsValidKeyName(name)) << name;
    EXPECT_EQ(GenerateKey(name).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(IsValidKeyName("example.org/fundlog"));
  EXPECT_TRUE(IsValidKeyName("Trelleborg-\xC3\xB6re"));
}

TEST(KeyTest, MangledVerifierKeysAreRejected) {
  const std::string key(kPeterVerifierKey);
  for (size_t i = 0; i <= key.size(); ++i) {
    for (size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(ParseVerifierKey(key.substr(i, j - i)).ok())
          << key.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < key.size(); ++i) {
    std::string bumped = key;
    ++bumped[i];
    EXPECT_FALSE(ParseVerifierKey(bumped).ok()) << bumped;
  }
  // Go's wrong-length and unknown-algorithm keys, ids adjusted to match.
  EXPECT_FALSE(
      ParseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBf"
                       "sVkmqq/LDE4izWy10TWBADKEY==")
          .ok());
  EXPECT_FALSE(
      ParseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBf"
                       "sVkmqq/LDE4izWy10TW")
          .ok());
}

TEST(KeyTest, MangledSignerKeysAreRejected) {
  const std::string key(kPeterSignerKey);
  for (size_t i = 0; i <= key.size(); ++i) {
    for (size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(ParseSignerKey(key.substr(i, j - i)).ok());
    }
  }
  for (size_t i = 0; i < key.size(); ++i) {
    std::string bumped = key;
    ++bumped[i];
    EXPECT_FALSE(ParseSignerKey(bumped).ok()) << bumped;
  }
}

TEST(NoteTest, SignerReproducesGoSignatureByteForByte) {
  absl::StatusOr<SigningKey> peter = ParseSignerKey(kPeterSignerKey);
  ASSERT_TRUE(peter.ok());
  EXPECT_EQ(MustSign(kText, *peter),
            absl::StrCat(kText, "\n", kPeterSignature));
}

TEST(NoteTest, OpensGoSignedNoteAndIgnoresUnknownSigner) {
  const std::string note =
      absl::StrCat(kText, "\n", kPeterSignature, kEnochSignature);
  absl::StatusOr<std::string> text =
      OpenNote(note, MustParseVerifier(kPeterVerifierKey));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, kText);
  EXPECT_TRUE(OpenNote(note, MustParseVerifier(kEnochVerifierKey)).ok());
}

TEST(NoteTest, NoteWithoutSignatureByKeyIsUnauthenticated) {
  const std::string note = absl::StrCat(kText, "\n", kEnochSignature);
  EXPECT_EQ(
      OpenNote(note, MustParseVerifier(kPeterVerifierKey)).status().code(),
      absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, BadSignatureUnderMatchingNameAndIdIsUnauthenticated) {
  // Go's "invalid signature" probe: four letters spliced into the base64.
  const std::string peter(kPeterSignature);
  const std::string spliced =
      absl::StrCat(peter.substr(0, 60), "ABCD", peter.substr(60));
  absl::Status s = OpenNote(absl::StrCat(kText, "\n", spliced),
                            MustParseVerifier(kPeterVerifierKey))
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
  // Same name and id as ours but a different key, as an impostor would use.
  VerifierKey impostor = MustParseVerifier(kPeterVerifierKey);
  impostor.public_key = MustGenerate("x").public_key;
  EXPECT_EQ(OpenNote(absl::StrCat(kText, "\n", kPeterSignature), impostor)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, MalformedNotesAreRejected) {
  const std::string text(kText);
  const std::string sig(kPeterSignature);
  const std::string bad[] = {
      text,
      text + "\n",
      text + "\n" + sig.substr(0, sig.size() - 1),
      "\x01" + text + "\n" + sig,
      "\xff" + text + "\n" + sig,
      text + "\n" + absl::StrReplaceAll(sig, {{"PeterNeumann", "Bad Name"}}),
      text + "\n" + sig + "Unexpected line.\n",
      text + "\n" + absl::StrReplaceAll(sig, {{"\xE2\x80\x94", "-"}}),
  };
  const VerifierKey peter = MustParseVerifier(kPeterVerifierKey);
  for (const std::string& note : bad) {
    EXPECT_EQ(OpenNote(note, peter).status().code(),
              absl::StatusCode::kInvalidArgument)
        << note;
  }
  std::string too_many = text + "\n";
  for (int i = 0; i <= kNoteSignaturesMax; ++i) too_many += sig;
  EXPECT_EQ(OpenNote(too_many, peter).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NoteTest, SignNoteRejectsInvalidText) {
  const SigningKey key = MustGenerate("k");
  EXPECT_FALSE(SignNote("", key).ok());
  EXPECT_FALSE(SignNote("no final newline", key).ok());
  EXPECT_FALSE(SignNote(std::string("nul\0inside\n", 11), key).ok());
  EXPECT_FALSE(SignNote("bad utf8 \xC0\x80\n", key).ok());
}

// The body for a valid origin, failing the test otherwise.
std::string MustBody(std::string_view origin, uint64_t size, const Hash& root) {
  absl::StatusOr<std::string> body = CheckpointBody(origin, size, root);
  EXPECT_TRUE(body.ok()) << body.status();
  return body.ok() ? *body : std::string();
}

TEST(CheckpointBodyTest, InvalidOriginIsRefusedInEveryBuild) {
  const Hash root = LeafHash("root");
  for (std::string_view origin : {"", "two\nlines", "trailing\n"}) {
    absl::StatusOr<std::string> body = CheckpointBody(origin, 1, root);
    EXPECT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument)
        << "origin \"" << origin << "\" gave " << body.value_or("");
  }
}

class CheckpointTest : public ::testing::Test {
 protected:
  SigningKey key_ = MustGenerate("example.org/fundlog");
  VerifierKey verifier_ = VerifierKeyOf(key_);
  Hash root_ = LeafHash("root");
};

TEST_F(CheckpointTest, SignThenOpenRoundTrips) {
  const std::string body = MustBody("example.org/fundlog", 42, root_);
  EXPECT_EQ(body, absl::StrCat("example.org/fundlog\n42\n", HashToBase64(root_),
                               "\n"));
  absl::StatusOr<Checkpoint> checkpoint =
      OpenCheckpoint(MustSign(body, key_), verifier_);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->origin, "example.org/fundlog");
  EXPECT_EQ(checkpoint->size, 42u);
  EXPECT_EQ(checkpoint->root, root_);
  EXPECT_EQ(checkpoint->body, body);
  EXPECT_TRUE(checkpoint->extensions.empty());
}

TEST_F(CheckpointTest, WrongKeyIsRejected) {
  const std::string note = MustSign(MustBody("o", 1, root_), key_);
  const SigningKey other = MustGenerate(key_.name);
  EXPECT_EQ(OpenCheckpoint(note, VerifierKeyOf(other)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(CheckpointTest, ExtraSignatureByUnknownKeyIsIgnored) {
  const std::string body = MustBody("o", 7, root_);
  const std::string ours = MustSign(body, key_);
  const std::string theirs = MustSign(body, MustGenerate("witness.example"));
  const std::string our_line = ours.substr(body.size() + 1);
  const std::string their_line = theirs.substr(body.size() + 1);
  for (const std::string& note :
       {absl::StrCat(body, "\n", our_line, their_line),
        absl::StrCat(body, "\n", their_line, our_line)}) {
    absl::StatusOr<Checkpoint> checkpoint = OpenCheckpoint(note, verifier_);
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    EXPECT_EQ(checkpoint->size, 7u);
  }
  EXPECT_FALSE(OpenCheckpoint(theirs, verifier_).ok());
}

TEST_F(CheckpointTest, ModifiedBodyIsRejected) {
  const std::string note = MustSign(MustBody("o", 100, root_), key_);
  const std::string altered =
      absl::StrReplaceAll(note, {{"\n100\n", "\n101\n"}});
  ASSERT_NE(altered, note);
  EXPECT_EQ(OpenCheckpoint(altered, verifier_).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(CheckpointTest, ExtensionLinesAreKept) {
  const std::string body =
      absl::StrCat(MustBody("o", 3, root_), "ext one\next two\n");
  absl::StatusOr<Checkpoint> checkpoint =
      OpenCheckpoint(MustSign(body, key_), verifier_);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->extensions,
            (std::vector<std::string>{"ext one", "ext two"}));
}

TEST_F(CheckpointTest, MalformedBodiesAreRejectedEvenWhenSigned) {
  const std::string root = HashToBase64(root_);
  const std::string bad[] = {
      "origin\n",
      absl::StrCat("o\n1\n"),
      absl::StrCat("\n1\n", root, "\n"),
      absl::StrCat("o\n01\n", root, "\n"),
      absl::StrCat("o\n+1\n", root, "\n"),
      absl::StrCat("o\n-1\n", root, "\n"),
      absl::StrCat("o\n 1\n", root, "\n"),
      absl::StrCat("o\n1x\n", root, "\n"),
      absl::StrCat("o\n9223372036854775809\n", root, "\n"),
      absl::StrCat("o\n99999999999999999999\n", root, "\n"),
      "o\n1\nnot base64!\n",
      "o\n1\nZG9uJ3QgY2FyZSAx\n",
      absl::StrCat("o\n1\n", root.substr(0, root.size() - 1), "\n"),
      absl::StrCat("o\n1\n", root, "\n\nafter blank\n"),
  };
  for (const std::string& body : bad) {
    EXPECT_EQ(ParseCheckpointBody(body).status().code(),
              absl::StatusCode::kInvalidArgument)
        << body;
    EXPECT_EQ(OpenCheckpoint(MustSign(body, key_), verifier_).status().code(),
              absl::StatusCode::kInvalidArgument)
        << body;
  }
  EXPECT_FALSE(ParseCheckpointBody(absl::StrCat("o\n1\n", root)).ok());
  EXPECT_FALSE(ParseCheckpointBody("").ok());
}

TEST_F(CheckpointTest, LargestAndSmallestSizesParse) {
  for (uint64_t size : {uint64_t{0}, kTreeSizeMax}) {
    absl::StatusOr<Checkpoint> checkpoint =
        ParseCheckpointBody(MustBody("o", size, root_));
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    EXPECT_EQ(checkpoint->size, size);
  }
}

}  // namespace
}  // namespace fundlog::merkle
