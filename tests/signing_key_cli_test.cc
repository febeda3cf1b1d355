// End to end: a log signs only with its own key. A `signing.key` taken from
// another log must not sign this log's checkpoints or reports.
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/store/key_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"
#include "tests/raw_log.h"

namespace fundlog::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kLogDir[] = "fundlog-data";  // the default --db of the harness

// The hex key id of a log's verifier key ("<name>+<hex id>+<key>").
std::string KeyId(const CliHarness& cli) {
  RunResult key = cli.Run({"key"});
  EXPECT_EQ(key.exit_code, 0) << key.err;
  // The base64 key may hold '+' too: the id is the second field.
  std::vector<std::string> parts = absl::StrSplit(key.out, '+');
  EXPECT_GE(parts.size(), 3u) << key.out;
  return parts.size() >= 3 ? parts[1] : "";
}

// Keys of the `meta` family that remember a signed root.
std::vector<std::string> SignedRoots(const std::string& log_path) {
  RawLog raw(log_path);
  std::vector<std::string> out;
  for (const auto& [key, value] : raw.Entries("meta")) {
    if (absl::StartsWith(key, keys::kMetaSignedRootPrefix)) out.push_back(key);
  }
  return out;
}

TEST(SigningKeyCliTest, AnotherLogsKeySignsNothing) {
  CliHarness ours;
  CliHarness theirs;
  for (const CliHarness* cli : {&ours, &theirs}) {
    RunResult init = cli->Run({"init", "--origin", "test.example/fund"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  const std::string our_log = absl::StrCat(ours.dir(), "/", kLogDir);
  const std::string their_key =
      absl::StrCat(theirs.dir(), "/", kLogDir, "/signing.key");
  const std::string our_id = KeyId(ours);
  const std::string their_id = KeyId(theirs);
  ASSERT_NE(our_id, their_id);
  std::error_code error;
  std::filesystem::copy_file(their_key, our_log + "/signing.key",
                             std::filesystem::copy_options::overwrite_existing,
                             error);
  ASSERT_FALSE(error) << error.message();

  const std::string checkpoint = absl::StrCat(ours.dir(), "/cp.txt");
  RunResult signed_checkpoint = ours.Run({"checkpoint", "--out", checkpoint});
  EXPECT_EQ(signed_checkpoint.exit_code, 3);
  EXPECT_THAT(signed_checkpoint.err, HasSubstr("signing.key"));
  EXPECT_THAT(signed_checkpoint.err, HasSubstr(our_id));
  EXPECT_THAT(signed_checkpoint.err, HasSubstr(their_id));
  EXPECT_FALSE(std::filesystem::exists(checkpoint));
  RunResult to_stdout = ours.Run({"checkpoint"});
  EXPECT_EQ(to_stdout.exit_code, 3);
  EXPECT_THAT(to_stdout.out, IsEmpty());

  RunResult report = ours.Run({"report"});
  EXPECT_EQ(report.exit_code, 3);
  EXPECT_THAT(report.out, Not(HasSubstr("signature")));
  EXPECT_THAT(report.out, Not(HasSubstr(their_id)));
  EXPECT_THAT(report.err, HasSubstr("signing.key"));
  const std::string html = absl::StrCat(ours.dir(), "/report.html");
  EXPECT_EQ(ours.Run({"report", "--html", html}).exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(html));

  // Nothing was remembered as signed, so the log's own key still signs.
  EXPECT_THAT(SignedRoots(our_log), IsEmpty());
}

}  // namespace
}  // namespace fundlog::testing
