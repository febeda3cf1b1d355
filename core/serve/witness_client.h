// The log's side of C2SP tlog-witness over HTTP: asking a remote witness to
// cosign a checkpoint (`fundlog checkpoint --cosign-with URL`).
//
// Thread safety: a free function; thread-safe.
#ifndef FUNDLOG_CORE_SERVE_WITNESS_CLIENT_H_
#define FUNDLOG_CORE_SERVE_WITNESS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/merkle/merkle.h"

namespace fundlog::serve {

// Computes the consistency proof from `old_size` to the checkpoint's size.
using ProofFrom =
    std::function<absl::StatusOr<std::vector<merkle::Hash>>(uint64_t)>;

// POSTs `note` (the log's signed checkpoint of `size`) to URL/add-checkpoint
// (URL: "http://HOST:PORT[/PREFIX]" or https). It first sends "old 0"; a
// 409 answer names the witness's size S, and the request is sent again with
// the proof from S (tlog-witness lets a client learn the size this way).
// Returns the signature lines of the 200 answer. kAborted with the
// witness's words when it refuses (a size above `size` is a rollback;
// 403, 404, 422 ...), kInvalidArgument for a malformed URL or answer,
// kUnavailable when it cannot be reached.
absl::StatusOr<std::string> RequestCosignature(const std::string& url,
                                               const std::string& note,
                                               uint64_t size,
                                               const ProofFrom& proof_from);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_WITNESS_CLIENT_H_
