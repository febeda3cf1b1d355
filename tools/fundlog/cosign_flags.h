// The log side of witnessing: `checkpoint --cosign-with W` and
// `verify-proof --witness KEY --min-witnesses N`.
#ifndef FUNDLOG_TOOLS_FUNDLOG_COSIGN_FLAGS_H_
#define FUNDLOG_TOOLS_FUNDLOG_COSIGN_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/store/event_log.h"

namespace fundlog::cli {

// Asks each witness in `dirs` (a local witness directory, or the URL of a
// tlog-witness server: http:// or https://) to cosign `note` (the log's
// signed checkpoint of `size`), with a consistency proof from the size the
// witness last cosigned, and returns the note with every cosignature line
// appended. kAborted naming the witness and its reason when one refuses;
// kUnavailable when a URL cannot be reached.
absl::StatusOr<std::string> CosignWithWitnesses(
    EventLog& log, const std::string& note, uint64_t size,
    const std::vector<std::string>& dirs);

// Counts the valid cosignatures on `note_text` by the witness keys in
// `key_texts` and fails (kInvalidArgument, naming each key and why it did
// not count) unless at least `min` are valid. On success returns one line
// per valid cosignature: "cosigned by NAME at YYYY-MM-DDTHH:MM:SSZ".
absl::StatusOr<std::string> CheckWitnessQuorum(
    const std::string& note_text, const std::vector<std::string>& key_texts,
    uint64_t min);

}  // namespace fundlog::cli

#endif  // FUNDLOG_TOOLS_FUNDLOG_COSIGN_FLAGS_H_
