// Reading the log's Ed25519 signing key, kept in the log directory as
// `signing.key` (mode 0600) in the signed-note signer-key text form. The
// store writes it when it creates the log (CreateOptions::signing_key_text).
//
// Thread-safe: free functions; concurrent writers of one directory are not
// supported (the log's own lock keeps a second writer out).
#ifndef FUNDLOG_CORE_AUDIT_SIGNING_KEY_H_
#define FUNDLOG_CORE_AUDIT_SIGNING_KEY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/merkle/checkpoint.h"
#include "core/store/event_log.h"

namespace fundlog {

// Reads DIR/signing.key. kNotFound when absent; kFailedPrecondition when
// unreadable or readable by others than its owner.
absl::StatusOr<merkle::SigningKey> LoadSigningKey(const std::string& dir);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_SIGNING_KEY_H_
