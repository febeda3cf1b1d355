// The projection state serializes, restores and resumes to the same answers.
#include <string>

#include "core/ledger/projector.h"
#include "core/ledger/synth.h"
#include "core/ledger/test_events.h"
#include "gtest/gtest.h"

namespace fundlog::ledger {
namespace {

using ::fundlog::ledger::testing::D;

Projector Fold(const std::vector<v1::StoredRecord>& records, size_t count) {
  Projector p;
  for (size_t i = 0; i < count; ++i) {
    const absl::Status s = p.Add(records[i]);
    EXPECT_TRUE(s.ok()) << s;
  }
  return p;
}

std::string Answers(const Projector& p) {
  std::string out;
  for (View view : kAllViews) {
    for (const char* day : {"2003-12-31", "2010-06-30", "2019-12-31"}) {
      for (std::optional<absl::CivilDay> known :
           {std::optional<absl::CivilDay>(), std::optional(D("2012-01-01"))}) {
        auto balances = p.BalancesAt({D(day), known, view, ""});
        EXPECT_TRUE(balances.ok()) << balances.status();
        if (!balances.ok()) continue;
        for (const AccountRange& r : *balances) {
          out += r.account + ":" + std::to_string(r.min_ore) + ".." +
                 std::to_string(r.max_ore) + ";";
        }
      }
    }
  }
  return out;
}

TEST(StateTest, RestoredStateGivesIdenticalAnswersAndBytes) {
  const auto log = GenerateSynthetic(5, 1500, 3);
  const Projector p = Fold(log, log.size());
  const std::string bytes = p.SerializeState();
  auto restored = Projector::FromState(bytes);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->size(), p.size());
  EXPECT_EQ(restored->SerializeState(), bytes);
  EXPECT_EQ(Answers(*restored), Answers(p));
}

TEST(StateTest, ResumingFromASnapshotEqualsAFullFold) {
  const auto log = GenerateSynthetic(9, 1200, 2);
  const Projector half = Fold(log, 600);
  auto resumed = Projector::FromState(half.SerializeState());
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  for (size_t i = 600; i < log.size(); ++i) {
    ASSERT_TRUE(resumed->Add(log[i]).ok());
  }
  const Projector full = Fold(log, log.size());
  EXPECT_EQ(resumed->SerializeState(), full.SerializeState());
}

TEST(StateTest, CorruptOrTruncatedStateIsDataLoss) {
  const auto log = GenerateSynthetic(2, 300, 2);
  const std::string bytes = Fold(log, log.size()).SerializeState();
  for (size_t cut :
       {size_t{0}, size_t{3}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_EQ(Projector::FromState(bytes.substr(0, cut)).status().code(),
              absl::StatusCode::kDataLoss)
        << cut;
  }
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_EQ(Projector::FromState(bad_magic).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Projector::FromState(bytes + "x").status().code(),
            absl::StatusCode::kDataLoss);
  // Flipping any one byte must never crash; it may still decode.
  for (size_t i = 4; i < bytes.size(); i += 7) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5A);
    auto restored = Projector::FromState(flipped);
    if (restored.ok()) {
      (void)restored->BalancesAt({D("2010-01-01"), {}, {}, ""});
    }
  }
}

}  // namespace
}  // namespace fundlog::ledger
