// verify: integrity of records and tree, an older checkpoint, and the
// ledger's invariants.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "core/audit/checkpoint_signer.h"
#include "core/audit/verify_result.h"
#include "tools/fundlog/verify_command.h"

namespace fundlog::cli {

CommandSpec VerifySpec() {
  return {"verify",
          "verify [--checkpoint FILE] [--json]",
          "Re-read every record, recompute the Merkle tree, check an older "
          "checkpoint; check the index and the ledger snapshot against the "
          "records, event ids unique, corrections pointing backwards; then "
          "debits = credits under every view, declared bounds, balance "
          "assertions and sealed statements. Exit 1 on any finding.",
          {{"checkpoint", "FILE", "an older checkpoint the log must extend"},
           {"json", "", "one JSON document on stdout"}}};
}

int RunVerify(const Args& args, const Context& context) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("verify", log.status());
  std::optional<merkle::Checkpoint> checkpoint;
  if (std::optional<std::string> path = args.Get("checkpoint")) {
    absl::StatusOr<merkle::Checkpoint> opened = OpenLogCheckpoint(**log, *path);
    if (!opened.ok()) return Fail("verify", opened.status());
    checkpoint = *opened;
  }
  absl::StatusOr<VerifyResult> result = VerifyEverything(**log, checkpoint);
  if (!result.ok()) return Fail("verify", result.status());
  Print(args.Has("json") ? VerifyJson(*result) : VerifyText(*result));
  return result->ok() ? kExitOk : kExitFindings;
}

}  // namespace fundlog::cli
