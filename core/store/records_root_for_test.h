// Test-only: the Merkle root over a log's records as stored, computed in
// memory from the records alone, to hold the log's own tree against.
// Header-only; not part of any library.
#ifndef FUNDLOG_CORE_STORE_RECORDS_ROOT_FOR_TEST_H_
#define FUNDLOG_CORE_STORE_RECORDS_ROOT_FOR_TEST_H_

#include <string_view>
#include <vector>

#include "core/merkle/merkle.h"
#include "core/store/event_log.h"
#include "gtest/gtest.h"

namespace fundlog::testing {

inline merkle::Hash RootOfStoredRecords(const EventLog& log) {
  std::vector<merkle::Hash> leaves;
  EXPECT_TRUE(log.ScanRaw(0, log.Size(),
                          [&](uint64_t, absl::string_view bytes) {
                            leaves.push_back(merkle::LeafHash(
                                std::string_view(bytes.data(), bytes.size())));
                            return absl::OkStatus();
                          })
                  .ok());
  merkle::MemoryNodeStore nodes;
  auto writes = merkle::NodesForAppend(0, leaves, nodes);
  EXPECT_TRUE(writes.ok()) << writes.status();
  if (!writes.ok()) return merkle::Hash{};
  EXPECT_TRUE(nodes.Apply(*writes).ok());
  auto root = merkle::RootAt(log.Size(), nodes);
  EXPECT_TRUE(root.ok()) << root.status();
  return root.ok() ? *root : merkle::Hash{};
}

}  // namespace fundlog::testing

#endif  // FUNDLOG_CORE_STORE_RECORDS_ROOT_FOR_TEST_H_
