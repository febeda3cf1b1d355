// One record at a time, parsed into a protobuf arena: a StoredRecord parsed
// again into a reused heap message frees and allocates each of its messages
// and strings (proto3's Clear deletes them), 20 to 30 allocations per record;
// on an arena whose first 64 KiB block is owned here and reset before the
// next record, none in the common case. For scans that look at each record
// once and copy what they keep (verify, timeline ranges).
#ifndef FUNDLOG_CORE_STORE_RECORD_ARENA_H_
#define FUNDLOG_CORE_STORE_RECORD_ARENA_H_

#include <cstddef>
#include <memory>

#include "fundlog/v1/events.pb.h"
#include "google/protobuf/arena.h"

namespace fundlog {

// Thread-compatible.
class RecordArena {
 public:
  RecordArena()
      : block_(new char[kBlockBytes]), arena_([this] {
          google::protobuf::ArenaOptions options;
          options.initial_block = block_.get();
          options.initial_block_size = kBlockBytes;
          return options;
        }()) {}
  RecordArena(const RecordArena&) = delete;
  RecordArena& operator=(const RecordArena&) = delete;

  // Frees the record NewRecord gave last (with every string and message it
  // held) and gives an empty one; valid until the next call.
  v1::StoredRecord* NewRecord() {
    arena_.Reset();
    return google::protobuf::Arena::CreateMessage<v1::StoredRecord>(&arena_);
  }

 private:
  static constexpr size_t kBlockBytes = size_t{64} << 10;
  std::unique_ptr<char[]> block_;
  google::protobuf::Arena arena_;
};

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_RECORD_ARENA_H_
