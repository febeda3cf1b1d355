// key, checkpoint, prove, consistency, verify-proof, verify.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "core/audit/checkpoint_signer.h"
#include "core/audit/proof_json.h"
#include "core/audit/query_json.h"
#include "core/io/batch_file.h"
#include "core/io/durable_file.h"
#include "core/io/json_writer.h"
#include "core/store/tree_writer.h"
#include "tools/fundlog/cli.h"
#include "tools/fundlog/cosign_flags.h"
#include "tools/fundlog/verify_command.h"

namespace fundlog::cli {
namespace {

int RunKey(const Args& args, const Context& context) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("key", log.status());
  Print(absl::StrCat((*log)->Info().verifier_key, "\n"));
  return kExitOk;
}

int RunCheckpoint(const Args& args, const Context& context) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, false);
  if (!log.ok()) return Fail("checkpoint", log.status());
  absl::StatusOr<std::string> note = SignCheckpoint(**log, (*log)->Size());
  if (!note.ok()) return Fail("checkpoint", note.status());
  if (const std::vector<std::string> witnesses = args.All("cosign-with");
      !witnesses.empty()) {
    note = CosignWithWitnesses(**log, *note, (*log)->Size(), witnesses);
    if (!note.ok()) return Fail("checkpoint", note.status());
  }
  if (std::optional<std::string> out = args.Get("out")) {
    if (absl::Status s = WriteFileDurably(*out, *note); !s.ok()) {
      return Fail("checkpoint", s);
    }
    Print(absl::StrCat("wrote checkpoint of size ", (*log)->Size(), " to ",
                       *out, "\n"));
  } else {
    Print(*note);
  }
  return kExitOk;
}

int RunProve(const Args& args, const Context& context) {
  uint64_t seq = 0;
  if (!absl::SimpleAtoi(args.positional()[0], &seq)) {
    std::cerr << "fundlog prove: \"" << args.positional()[0]
              << "\" is not a sequence number\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("prove", log.status());
  absl::StatusOr<std::optional<uint64_t>> size = args.Uint("size");
  if (!size.ok()) return Fail("prove", size.status());
  absl::StatusOr<InclusionProofDoc> doc =
      InclusionProofOf(**log, seq, size->value_or((*log)->Size()));
  if (!doc.ok()) return Fail("prove", doc.status());
  Print(ProofToJson(*doc));
  return kExitOk;
}

int RunConsistency(const Args& args, const Context& context) {
  if (!args.Has("from")) {
    // Without it the proof would be of the log against itself: say so.
    std::cerr << "fundlog consistency: --from M (the old tree size) is "
                 "required\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<EventLog>> log = OpenLog(context, true);
  if (!log.ok()) return Fail("consistency", log.status());
  absl::StatusOr<std::optional<uint64_t>> old_size = args.Uint("from");
  absl::StatusOr<std::optional<uint64_t>> new_size = args.Uint("to");
  for (const absl::Status& s : {old_size.status(), new_size.status()}) {
    if (!s.ok()) return Fail("consistency", s);
  }
  absl::StatusOr<ConsistencyProofDoc> doc =
      ConsistencyProofOf(**log, old_size->value_or((*log)->Size()),
                         new_size->value_or((*log)->Size()));
  if (!doc.ok()) return Fail("consistency", doc.status());
  Print(ProofToJson(*doc));
  return kExitOk;
}

int RunVerifyProof(const Args& args, const Context& context) {
  std::optional<std::string> key_text = args.Get("key");
  std::optional<std::string> checkpoint_path = args.Get("checkpoint");
  if (!key_text || !checkpoint_path) {
    std::cerr << "fundlog verify-proof: --key and --checkpoint are required\n";
    return kExitUsage;
  }
  const std::vector<std::string> witnesses = args.All("witness");
  absl::StatusOr<std::optional<uint64_t>> min_witnesses =
      args.Uint("min-witnesses");
  if (!min_witnesses.ok() ||
      (min_witnesses->has_value() && **min_witnesses > witnesses.size())) {
    std::cerr << "fundlog verify-proof: --min-witnesses N needs a number no "
                 "larger than the count of --witness keys\n";
    return kExitUsage;
  }
  absl::StatusOr<merkle::VerifierKey> key = merkle::ParseVerifierKey(*key_text);
  if (!key.ok()) {
    return Fail("verify-proof", absl::InvalidArgumentError(absl::StrCat(
                                    "--key: ", key.status().message())));
  }
  absl::StatusOr<merkle::Checkpoint> checkpoint =
      OpenCheckpointFile(*checkpoint_path, *key);
  if (!checkpoint.ok()) return Fail("verify-proof", checkpoint.status());
  std::string cosigners;
  if (!witnesses.empty()) {
    absl::StatusOr<std::string> note =
        ReadFileBytes(*checkpoint_path, kBatchFileBytesMax);
    if (!note.ok()) return Fail("verify-proof", note.status());
    absl::StatusOr<std::string> quorum = CheckWitnessQuorum(
        *note, witnesses, min_witnesses->value_or(witnesses.size()));
    if (!quorum.ok()) {
      return Fail("verify-proof",
                  absl::InvalidArgumentError(absl::StrCat(
                      *checkpoint_path, ": ", quorum.status().message())));
    }
    cosigners = *quorum;
  }
  std::optional<merkle::Checkpoint> old_checkpoint;
  if (std::optional<std::string> old_path = args.Get("old-checkpoint")) {
    absl::StatusOr<merkle::Checkpoint> old =
        OpenCheckpointFile(*old_path, *key);
    if (!old.ok()) return Fail("verify-proof", old.status());
    old_checkpoint = *old;
  }
  const std::string& proof_path = args.positional()[0];
  absl::StatusOr<std::string> proof_text =
      ReadFileBytes(proof_path, kBatchFileBytesMax);
  if (!proof_text.ok()) return Fail("verify-proof", proof_text.status());
  absl::StatusOr<ProofDoc> doc = ParseProofJson(proof_path, *proof_text);
  if (!doc.ok()) return Fail("verify-proof", doc.status());
  if (absl::Status s = CheckProof(*doc, *checkpoint, old_checkpoint); !s.ok()) {
    std::cerr << "fundlog verify-proof: " << proof_path
              << ": proof does not verify: " << s.message() << "\n";
    return kExitFindings;
  }
  Print(absl::StrCat("ok: ", proof_path, " verifies against the checkpoint of ",
                     checkpoint->origin, " at size ", checkpoint->size, "\n",
                     cosigners));
  return kExitOk;
}

}  // namespace

std::vector<Command> ProofCommands() {
  const FlagSpec json{"json", "", "JSON output (the only format; accepted)"};
  return {
      {{"key", "key", "Print the verifier key (signed-note form).", {}},
       RunKey},
      {{"checkpoint",
        "checkpoint [--out FILE] [--cosign-with W|URL]...",
        "Sign a C2SP tlog checkpoint of the log as it stands. With "
        "--cosign-with, each witness (a local witness directory W, or the URL "
        "of a C2SP tlog-witness server such as `fundlog serve --witness`) "
        "cosigns it first, given a consistency proof from what it saw last; "
        "if one refuses, nothing is written (exit 1).",
        {{"out", "FILE", "write it to FILE instead of stdout"},
         {"cosign-with", "W|URL",
          "a witness directory (`fundlog witness init`) or a witness's URL; "
          "repeatable"}}},
       RunCheckpoint},
      {{"prove",
        "prove SEQ [--size N] [--json]",
        "Inclusion proof of record SEQ in the tree of size N (default: all).",
        {{"size", "N", "tree size (default: the log's size)"}, json},
        1,
        1},
       RunProve},
      {{"consistency",
        "consistency --from M [--to N] [--json]",
        "Consistency proof: the tree of size M is a prefix of size N.",
        {{"from", "M", "the old tree size"},
         {"to", "N", "the new tree size (default: the log's size)"},
         json}},
       RunConsistency},
      {{"verify-proof",
        "verify-proof --key KEYTEXT --checkpoint FILE [--old-checkpoint FILE] "
        "[--witness KEY]... [--min-witnesses N] PROOF.json",
        "Check a proof against a signed checkpoint offline (no database). "
        "With --witness, the checkpoint must also carry valid cosignatures "
        "(C2SP cosignature/v1) by at least N of the witness keys (default: "
        "all of them).",
        {{"key", "KEYTEXT", "the log's verifier key (from `fundlog key`)"},
         {"checkpoint", "FILE", "a checkpoint signed by that key"},
         {"old-checkpoint", "FILE",
          "for a consistency proof: the older signed checkpoint"},
         {"witness", "KEY",
          "a witness's verifier key (`fundlog witness key`); repeatable"},
         {"min-witnesses", "N", "valid cosignatures required"}},
        1,
        1},
       RunVerifyProof},
      {VerifySpec(), RunVerify},
  };
}

}  // namespace fundlog::cli
