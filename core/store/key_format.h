// Keys of the RocksDB column families. Integers in keys are big-endian so
// that byte order equals numeric order (key_format_test proves it).
//
//   events   key := seq:u64be                        value := StoredRecord
//   bytes tree     key := level:u8 index:u64be             value := 32-byte
//   SHA-256
//            (node of the complete subtree covering leaves
//             [index * 2^level, (index + 1) * 2^level); level 0 = leaf hash)
//   index    key := 'E' day:10 seq:u64be             value := ""  (all funds)
//                 | 'F' fund_id 0x00 day:10 seq:u64be value := ""  (one fund)
//                 | 'L' class:u8 day:10 seq:u64be    value := end day:10 | ""
//                 | 'M' fund_id 0x00 class:u8 day:10 seq:u64be  (the same,
//                   one fund: periods by length class, docs/indexes.md)
//                 | 'I' event_id                     value := seq:u64be
//                 | 'U' fund_id                      value := seq:u64be
//                 (FundEstablished) | 'P' policy_id                    value :=
//                 seq:u64be (PolicyDefined) | 'A' account_id value := seq:u64be
//                 (AccountsDefined) | 'H' file_sha256_hex              value :=
//                 seq:u64be (first record)
//            day = the effective start day as "YYYY-MM-DD" (sorts as dates).
//   derived  key := free-form, owned by the layer that writes it
//   meta     key := "origin" | "org_name" | "org_number"  value := UTF-8
//                 | "schema_version"                 value := u32be
//                 | "index_periods"                  value := u32be (1: the
//                   index holds 'L' and 'M' entries; written at create and
//                   by rebuild)
//                 | "size"                           value := u64be
//                 | "last_appended_micros"           value := i64 as u64be
//                 | "verifier_key"                   value := note verifier key
//                 text | "signed_root/" size:u64be        value := 32-byte root
//                 signed
//
// fund_id must not contain 0x00 (validation refuses it), so the 'F' prefix
// of one fund is never a prefix of another's.
#ifndef FUNDLOG_CORE_STORE_KEY_FORMAT_H_
#define FUNDLOG_CORE_STORE_KEY_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog::keys {

inline constexpr size_t kU64Bytes = 8;
inline constexpr size_t kU32Bytes = 4;
inline constexpr size_t kDayBytes = 10;  // "YYYY-MM-DD"

inline constexpr char kIndexAllByDay = 'E';
inline constexpr char kIndexFundByDay = 'F';
inline constexpr char kIndexPeriodAll = 'L';
inline constexpr char kIndexPeriodFund = 'M';
inline constexpr char kIndexEventId = 'I';
inline constexpr char kIndexFund = 'U';
inline constexpr char kIndexPolicy = 'P';
inline constexpr char kIndexAccount = 'A';
inline constexpr char kIndexImportedFile = 'H';

inline constexpr absl::string_view kMetaOrigin = "origin";
inline constexpr absl::string_view kMetaOrgName = "org_name";
inline constexpr absl::string_view kMetaOrgNumber = "org_number";
inline constexpr absl::string_view kMetaSchemaVersion = "schema_version";
inline constexpr absl::string_view kMetaSize = "size";
inline constexpr absl::string_view kMetaIndexPeriods = "index_periods";
inline constexpr absl::string_view kMetaLastAppended = "last_appended_micros";
inline constexpr absl::string_view kMetaVerifierKey = "verifier_key";
inline constexpr absl::string_view kMetaSignedRootPrefix = "signed_root/";

void AppendU64(std::string* out, uint64_t value);
void AppendU32(std::string* out, uint32_t value);
std::string EncodeU64(uint64_t value);
std::string EncodeU32(uint32_t value);
// nullopt unless `bytes` is exactly 8 (or 4) bytes.
std::optional<uint64_t> DecodeU64(absl::string_view bytes);
std::optional<uint32_t> DecodeU32(absl::string_view bytes);

std::string EventKey(uint64_t seq);
std::string AllByDayKey(absl::string_view day, uint64_t seq);
std::string FundByDayPrefix(absl::string_view fund_id);
std::string FundByDayKey(absl::string_view fund_id, absl::string_view day,
                         uint64_t seq);
// Keys of a period's entry by length class ('L' all funds, 'M' one fund);
// the prefix is everything before the start day.
std::string PeriodPrefix(absl::string_view fund_id, uint8_t length_class);
std::string PeriodKey(absl::string_view fund_id, uint8_t length_class,
                      absl::string_view day, uint64_t seq);
// Key of a named entity in `index` ('I', 'U', 'P', 'A', 'H').
std::string NamedKey(char kind, absl::string_view name);

}  // namespace fundlog::keys

namespace fundlog {

// A period's length class: 0 when open-ended, else 1 + the bit width of
// (last day - first day) in days, so that a period of class c >= 1 lasts at
// most 2^(c-1) - 1 days after its first day.
uint8_t PeriodClass(const v1::Period& period);
// Days between two four-digit years are fewer than 2^22.
inline constexpr uint8_t kPeriodClassMax = 1 + 22;

}  // namespace fundlog

#endif  // FUNDLOG_CORE_STORE_KEY_FORMAT_H_
