// The fixture of the verify damage tests: each test damages its own copy
// of one pristine log (the Trelleborg history made by `fundlog demo`, 14
// records) with the raw RocksDB API, as a disk fault or someone with write
// access would, and runs `fundlog verify --json` on it.
#ifndef FUNDLOG_TESTS_VERIFY_DAMAGE_FIXTURE_H_
#define FUNDLOG_TESTS_VERIFY_DAMAGE_FIXTURE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {

constexpr uint64_t kDemoRecords = 14;
constexpr uint64_t kAllocationSeq = 5;  // "allocation-kf-2011", 10 mnkr
constexpr char kAllocationId[] = "allocation-kf-2011";
constexpr char kAllocationDay[] = "2011-12-31";
constexpr char kFund[] = "social-investeringsfond";
constexpr char kLogDir[] = "fundlog-data";  // the default --db of the harness

struct Finding {
  std::optional<uint64_t> seq;
  std::string kind;
  std::string detail;
};

inline void PrintTo(const Finding& finding, std::ostream* out) {
  *out << "{seq "
       << (finding.seq ? absl::StrCat(*finding.seq) : std::string("null"))
       << ", " << finding.kind << ": " << finding.detail << "}";
}

struct Verdict {
  int exit_code = -1;
  std::vector<Finding> findings;
  std::string err;
};

inline Verdict ParseVerdict(const RunResult& run) {
  Verdict verdict;
  verdict.exit_code = run.exit_code;
  verdict.err = run.err;
  if (run.out.empty()) return verdict;
  google::protobuf::Struct json = ParseJson(run.out);
  for (const auto& value : json.fields().at("findings").list_value().values()) {
    const auto& fields = value.struct_value().fields();
    Finding finding;
    if (!fields.at("seq").has_null_value()) {
      finding.seq = static_cast<uint64_t>(fields.at("seq").number_value());
    }
    finding.kind = fields.at("kind").string_value();
    finding.detail = fields.at("detail").string_value();
    verdict.findings.push_back(std::move(finding));
  }
  return verdict;
}

inline auto FindingAbout(std::optional<uint64_t> seq, const std::string& kind,
                         const std::string& text) {
  return ::testing::AllOf(
      ::testing::Field(&Finding::seq, seq),
      ::testing::Field(&Finding::kind, kind),
      ::testing::Field(&Finding::detail, ::testing::HasSubstr(text)));
}

class VerifyDamageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pristine_ = new CliHarness();
    RunResult demo = pristine_->Run({"demo"});
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
  }

  static void TearDownTestSuite() {
    delete pristine_;
    pristine_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(pristine_, nullptr);
    std::error_code error;
    std::filesystem::copy(absl::StrCat(pristine_->dir(), "/", kLogDir),
                          LogPath(), std::filesystem::copy_options::recursive,
                          error);
    ASSERT_FALSE(error) << error.message();
  }

  std::string LogPath() const { return absl::StrCat(cli_.dir(), "/", kLogDir); }

  Verdict Verify() const {
    return ParseVerdict(cli_.Run({"verify", "--json"}));
  }

  // `balance --json` answers at a few telling dates, joined.
  std::string Balances() const {
    std::string out;
    for (const char* day : {"2011-12-31", "2015-06-30", "2017-12-31"}) {
      for (const char* view : {"reported", "without-change"}) {
        RunResult run =
            cli_.Run({"balance", "--as-of", day, "--view", view, "--json"});
        EXPECT_EQ(run.exit_code, 0) << run.err;
        out += run.out;
      }
    }
    return out;
  }

  // `balance --known-at --json` answers (restated) at a few telling dates
  // and known days, joined.
  std::string KnownAtBalances() const {
    std::string out;
    for (const char* day : {"2012-06-30", "2015-12-31"}) {
      for (const char* known : {"2013-01-01", "2016-06-30", "2021-12-31"}) {
        RunResult run = cli_.Run({"balance", "--as-of", day, "--known-at",
                                  known, "--view", "restated", "--json"});
        EXPECT_EQ(run.exit_code, 0) << run.err;
        out += run.out;
      }
    }
    return out;
  }

  static inline CliHarness* pristine_ = nullptr;
  CliHarness cli_;
};

}  // namespace fundlog::testing

#endif  // FUNDLOG_TESTS_VERIFY_DAMAGE_FIXTURE_H_
