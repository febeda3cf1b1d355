// SerializeRecordOf writes the bytes SerializeRecord writes (the Merkle leaf
// of a record must not depend on which of the two staged it).
#include "core/store/record_entries.h"

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace fundlog::internal {
namespace {

v1::Event RandomEvent(std::mt19937_64& rng) {
  v1::Event event;
  if (rng() % 5 == 0) return event;  // an empty event
  event.set_event_id(absl::StrCat("e", rng() % 1000));
  event.set_fund_id("f");
  event.mutable_effective()->set_day("2024-03-31");
  event.set_recorded_on("2024-04-02");
  event.mutable_source()->set_title("SIE file åäö.se");
  v1::Voucher* voucher = event.mutable_voucher();
  voucher->set_series("A");
  voucher->set_number(absl::StrCat(rng() % 100));
  const int rows = 2 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rows; ++r) {
    v1::VoucherRow* row = voucher->add_rows();
    row->set_account(absl::StrCat("f:", 1000 + rng() % 9000));
    row->set_amount_ore(static_cast<int64_t>(rng() % 2000000) - 1000000);
    for (int o = static_cast<int>(rng() % 4); o > 0; --o) {
      (*row->mutable_objects())[absl::StrCat(rng() % 9)] =
          absl::StrCat("obj", rng() % 50);
    }
  }
  return event;
}

TEST(RecordBytes, SerializeRecordOfGivesSerializeRecordsBytes) {
  std::mt19937_64 rng(20111103);
  for (int i = 0; i < 500; ++i) {
    const uint64_t seq = i % 7 == 0 ? 0 : rng() >> (rng() % 60);
    const int64_t appended =
        i % 11 == 0 ? 0 : static_cast<int64_t>(rng()) >> (rng() % 60);
    v1::Provenance provenance;
    if (i % 3 != 0) {
      provenance.set_file_name("x.se");
      provenance.set_file_sha256(std::string(64, 'a'));
      provenance.set_index_in_file(static_cast<uint32_t>(rng() % 5));
    }
    const v1::Event event = RandomEvent(rng);
    v1::StoredRecord record;
    record.set_seq(seq);
    record.set_appended_at_micros(appended);
    *record.mutable_event() = event;
    *record.mutable_provenance() = provenance;
    ASSERT_EQ(SerializeRecordOf(seq, appended, event, provenance),
              SerializeRecord(record))
        << "record " << i;
  }
}

}  // namespace
}  // namespace fundlog::internal
