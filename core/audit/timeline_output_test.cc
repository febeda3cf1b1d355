// The streamed whole-log outputs (timeline_output.h) give byte for byte the
// documents built in memory, over a synthetic log (labelled synthetic) long
// enough that the output crosses many pieces; and they hand the sink pieces
// of bounded size, never the whole document.
#include "core/audit/timeline_output.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/audit/export.h"
#include "core/audit/ledger_views.h"
#include "core/audit/timeline.h"
#include "core/formats/csv/csv_views.h"
#include "core/ledger/record_rules.h"
#include "core/ledger/synth.h"
#include "core/store/event_log.h"
#include "gtest/gtest.h"

namespace fundlog {
namespace {

class StreamedOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fundlog-stream-XXXXXX")
            .string();
    dir_ = mkdtemp(pattern.data());
    auto created =
        EventLog::Create(CreateOptions{.path = dir_ + "/log",
                                       .origin = "stream",
                                       .rules = &fundlog::ledger::Rules()});
    ASSERT_TRUE(created.ok()) << created.status();
    log_ = std::move(*created);
    const std::vector<v1::StoredRecord> generated =
        ledger::GenerateSynthetic(7, 3000, 3);
    for (size_t at = 0; at < generated.size(); at += 500) {
      v1::EventBatch batch;
      for (size_t i = at; i < std::min(generated.size(), at + 500); ++i) {
        *batch.add_events() = generated[i].event();
      }
      auto appended = log_->Append(batch, std::nullopt);
      ASSERT_TRUE(appended.ok()) << appended.status();
    }
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The pieces a streamed writer hands its sink, joined; each piece's size
  // is recorded.
  OutputSink Collect() {
    return [this](absl::string_view piece) {
      streamed_.append(piece.data(), piece.size());
      largest_piece_ = std::max(largest_piece_, piece.size());
      ++pieces_;
      return absl::OkStatus();
    };
  }

  std::string dir_;
  std::unique_ptr<EventLog> log_;
  std::string streamed_;
  size_t largest_piece_ = 0;
  int pieces_ = 0;
};

TEST_F(StreamedOutputTest, WholeLogTimelineEqualsTheDocumentInMemory) {
  absl::StatusOr<std::vector<v1::StoredRecord>> records =
      Timeline(*log_, TimelineQuery{});
  ASSERT_TRUE(records.ok()) << records.status();
  struct Case {
    TimelineOutput output;
    std::string whole;
  };
  const Case cases[] = {
      {{TimelineFormat::kText, Lang::kEn, CsvDialect::kRfc4180},
       TimelineText(*records, Lang::kEn)},
      {{TimelineFormat::kText, Lang::kSv, CsvDialect::kRfc4180},
       TimelineText(*records, Lang::kSv)},
      {{TimelineFormat::kJson, Lang::kEn, CsvDialect::kRfc4180},
       TimelineJson(*records, Lang::kEn)},
      {{TimelineFormat::kJson, Lang::kSv, CsvDialect::kRfc4180},
       TimelineJson(*records, Lang::kSv)},
      {{TimelineFormat::kCsv, Lang::kEn, CsvDialect::kRfc4180},
       TimelineCsv(*records, CsvDialect::kRfc4180)},
      {{TimelineFormat::kCsv, Lang::kEn, CsvDialect::kSwedish},
       TimelineCsv(*records, CsvDialect::kSwedish)},
  };
  for (const Case& c : cases) {
    streamed_.clear();
    largest_piece_ = 0;
    pieces_ = 0;
    absl::StatusOr<uint64_t> written =
        WriteTimeline(*log_, TimelineQuery{}, c.output, Collect());
    ASSERT_TRUE(written.ok()) << written.status();
    EXPECT_EQ(*written, records->size());
    EXPECT_EQ(streamed_, c.whole);
    // Many pieces, none near the whole: the document was never held.
    EXPECT_GT(pieces_, 4);
    EXPECT_LT(largest_piece_, 2 * kOutputPieceBytes);
  }
}

TEST_F(StreamedOutputTest, RangeOfOneFundEqualsTheDocumentInMemory) {
  TimelineQuery query;
  query.fund_id = "synthetic-fund-1";
  query.from = absl::CivilDay(2005, 3, 1);
  query.to = absl::CivilDay(2011, 6, 30);
  absl::StatusOr<std::vector<v1::StoredRecord>> records =
      Timeline(*log_, query);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_GT(records->size(), 100u);
  absl::StatusOr<uint64_t> written = WriteTimeline(
      *log_, query, {TimelineFormat::kJson, Lang::kEn, CsvDialect::kRfc4180},
      Collect());
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(streamed_, TimelineJson(*records, Lang::kEn));
}

TEST_F(StreamedOutputTest, CsvExportEqualsExportBytes) {
  absl::StatusOr<std::vector<v1::StoredRecord>> records = LoadRecords(*log_);
  ASSERT_TRUE(records.ok()) << records.status();
  for (const std::string fund : {"", "synthetic-fund-2", "no-such-fund"}) {
    for (CsvDialect dialect : {CsvDialect::kRfc4180, CsvDialect::kSwedish}) {
      ExportRequest request;
      request.format = ExportFormat::kCsv;
      request.fund = fund;
      request.dialect = dialect;
      absl::StatusOr<std::string> whole =
          ExportBytes(log_->Info(), *records, request);
      ASSERT_TRUE(whole.ok()) << whole.status();
      streamed_.clear();
      absl::StatusOr<uint64_t> written =
          WriteCsvExport(*log_, fund, dialect, Collect());
      ASSERT_TRUE(written.ok()) << written.status();
      EXPECT_EQ(streamed_, *whole) << "fund \"" << fund << "\"";
      const size_t of_fund = std::count_if(
          records->begin(), records->end(), [&](const v1::StoredRecord& r) {
            return fund.empty() || r.event().fund_id() == fund;
          });
      EXPECT_EQ(*written, of_fund);
    }
  }
}

TEST_F(StreamedOutputTest, SinkErrorStopsTheWriter) {
  int calls = 0;
  absl::StatusOr<uint64_t> written =
      WriteTimeline(*log_, TimelineQuery{},
                    {TimelineFormat::kJson, Lang::kEn, CsvDialect::kRfc4180},
                    [&](absl::string_view) {
                      ++calls;
                      return absl::InternalError("disk full");
                    });
  EXPECT_EQ(written.status(), absl::InternalError("disk full"));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace fundlog
