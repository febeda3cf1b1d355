// Readers beside a writer, across processes: `fundlog verify`, `timeline`
// and `balance` run again and again while another thread runs one
// `fundlog append` or `import` process after another on the same log. Every
// reader must see a whole prefix of the log: verify finds nothing, no command
// fails for storage (exit 3), and the sizes readers see never shrink.
//
// Each writer process opens the log (RocksDB replays the last WAL into table
// files and deletes it, starts a new MANIFEST), appends, compacts and closes:
// the moments at which a reader that opens unguarded finds files gone or sees
// some column families ahead of others.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_harness.h"

namespace fundlog::testing {
namespace {

constexpr int kReaderRoundsMax = 150;
constexpr auto kReaderTimeMax = std::chrono::seconds(60);

std::string AllocationBatch(int batch, int events) {
  std::string text;
  for (int i = 0; i < events; ++i) {
    absl::StrAppend(&text, "events { event_id: \"a-", batch, "-", i,
                    "\" fund_id: \"f\" effective { day: \"2021-0",
                    1 + (batch + i) % 9, "-1", i % 10,
                    "\" } recorded_on: \"2021-01-01\" source { title: \"Doc\" }"
                    " allocation { amount_ore: ",
                    100 + i, " } }\n");
  }
  return text;
}

struct Tally {
  int runs = 0;
  int storage_errors = 0;  // exit 3
  int false_findings = 0;  // verify exit 1 or "ok": false
  int other_failures = 0;
  int shrinks = 0;  // a later verify saw fewer records
  std::string first_problem;
  void Note(const std::string& what) {
    if (first_problem.empty()) first_problem = what;
  }
};

TEST(ReaderWriterTest, ReadersBesideAppendingProcessesSeeAWholePrefix) {
  CliHarness writer_cli;
  CliHarness reader_cli;
  const std::string log = absl::StrCat(writer_cli.dir(), "/log");
  ASSERT_EQ(writer_cli.Run({"--db", log, "init", "--origin", "test/readers"})
                .exit_code,
            0);
  const std::string fund = writer_cli.WriteFile(
      "fund.textpb",
      "events { event_id: \"est\" fund_id: \"f\" effective { day: "
      "\"2021-01-01\" } recorded_on: \"2021-01-01\" source { title: \"Doc\" }"
      " fund_established { name: \"Fund\" } }\n");
  RunResult established =
      writer_cli.Run({"--db", log, "append", "--file", fund});
  ASSERT_EQ(established.exit_code, 0) << established.err;

  std::atomic<bool> stop{false};
  std::atomic<int> appends{0};
  std::atomic<int> append_failures{0};
  std::string first_append_failure;
  std::thread writer([&] {
    for (int batch = 0; !stop.load(); ++batch) {
      // `append` takes one event; `import` a file of several.
      const bool single = batch % 2 == 0;
      const std::string path = writer_cli.WriteFile(
          absl::StrCat("batch-", batch, ".textpb"),
          AllocationBatch(batch, single ? 1 : 2 + batch % 20));
      RunResult appended =
          single ? writer_cli.Run({"--db", log, "append", "--file", path})
                 : writer_cli.Run({"--db", log, "import", path});
      if (appended.exit_code == 0) {
        appends.fetch_add(1);
      } else if (append_failures.fetch_add(1) == 0) {
        first_append_failure = appended.err;
      }
    }
  });

  Tally tally;
  double last_size = 0;
  const auto deadline = std::chrono::steady_clock::now() + kReaderTimeMax;
  for (int round = 0;
       round < kReaderRoundsMax && std::chrono::steady_clock::now() < deadline;
       ++round) {
    const std::vector<std::vector<std::string>> commands = {
        {"--db", log, "verify", "--json"},
        {"--db", log, "timeline", "--json"},
        {"--db", log, "balance", "--as-of", "2021-12-31", "--json"}};
    for (const std::vector<std::string>& command : commands) {
      RunResult result = reader_cli.Run(command);
      ++tally.runs;
      const std::string what =
          absl::StrCat(command[2], " exited ", result.exit_code, ": ",
                       result.err.substr(0, 300), result.out.substr(0, 600));
      if (result.exit_code == 3) {
        ++tally.storage_errors;
        tally.Note(what);
        continue;
      }
      if (command[2] == "verify") {
        if (result.exit_code == 1 ||
            result.out.find("\"ok\":true") == std::string::npos) {
          ++tally.false_findings;
          tally.Note(what);
          continue;
        }
        google::protobuf::Struct report = ParseJson(result.out);
        const double size = report.fields().at("tree_size").number_value();
        if (size < last_size) {
          ++tally.shrinks;
          tally.Note(
              absl::StrCat("verify saw ", size, " records after ", last_size));
        }
        last_size = size;
      } else if (result.exit_code != 0) {
        ++tally.other_failures;
        tally.Note(what);
      }
    }
  }
  stop.store(true);
  writer.join();
  std::cout << "reader_writer_test: " << tally.runs << " reader runs beside "
            << appends.load() << " appends: " << tally.false_findings
            << " false findings, " << tally.storage_errors
            << " storage errors (exit 3), " << tally.other_failures
            << " other failures, " << tally.shrinks << " shrinks\n";
  EXPECT_EQ(append_failures.load(), 0) << first_append_failure;
  EXPECT_GT(appends.load(), 10) << "the writer hardly ran beside the readers";
  EXPECT_EQ(tally.false_findings, 0) << tally.first_problem;
  EXPECT_EQ(tally.storage_errors, 0) << tally.first_problem;
  EXPECT_EQ(tally.other_failures, 0) << tally.first_problem;
  EXPECT_EQ(tally.shrinks, 0) << tally.first_problem;
}

}  // namespace
}  // namespace fundlog::testing
