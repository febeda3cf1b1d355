// witness (init, key, add-checkpoint) and verify-fork: a revisor's witness
// of a log, as files (C2SP tlog-witness semantics, docs/witnessing.md).
#include <ctime>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/audit/fork_evidence.h"
#include "core/audit/proof_json.h"
#include "core/audit/witness.h"
#include "core/audit/witness_state.h"
#include "core/io/batch_file.h"
#include "core/merkle/cosignature.h"
#include "tools/fundlog/cli.h"

namespace fundlog::cli {
namespace {

constexpr size_t kNoteFileBytesMax = 1 << 20;

// Reads a `consistency --json` file that must end at the checkpoint's size
// (read from its body, unverified: a mismatch is a wrong file, not a fork).
absl::StatusOr<ConsistencyProofDoc> ReadConsistencyProof(
    const std::string& path, const std::string& note) {
  absl::StatusOr<std::string> text = ReadFileBytes(path, kNoteFileBytesMax);
  if (!text.ok()) return text.status();
  absl::StatusOr<ProofDoc> doc = ParseProofJson(path, *text);
  if (!doc.ok()) return doc.status();
  const auto* consistency = std::get_if<ConsistencyProofDoc>(&*doc);
  if (consistency == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": an inclusion proof; --proof takes a consistency proof "
                     "(fundlog consistency --from OLD --json)"));
  }
  const size_t split = note.rfind("\n\n");
  absl::StatusOr<merkle::Checkpoint> body =
      merkle::ParseCheckpointBody(std::string_view(note).substr(
          0, split == std::string::npos ? note.size() : split + 1));
  if (body.ok() && body->size != consistency->new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the proof runs to size ", consistency->new_size,
                     ", the checkpoint is of size ", body->size));
  }
  return *consistency;
}

int RunInit(const Args& args) {
  std::optional<std::string> dir = args.Get("dir");
  std::optional<std::string> name = args.Get("name");
  if (!dir || !name) {
    std::cerr << "fundlog witness init: --dir and --name are required\n";
    return kExitUsage;
  }
  absl::StatusOr<std::string> vkey = InitWitness(*dir, *name);
  if (!vkey.ok()) return Fail("witness init", vkey.status());
  std::cerr << "created witness directory " << *dir
            << " (keep it; its witness.key is secret). Its verifier key, "
               "for `verify-proof --witness`:\n";
  Print(absl::StrCat(*vkey, "\n"));
  return kExitOk;
}

int RunKey(const Args& args) {
  std::optional<std::string> dir = args.Get("dir");
  if (!dir) {
    std::cerr << "fundlog witness key: --dir is required\n";
    return kExitUsage;
  }
  absl::StatusOr<merkle::SigningKey> key = LoadWitnessKey(*dir);
  if (!key.ok()) return Fail("witness key", key.status());
  Print(absl::StrCat(
      merkle::EncodeCosignerVerifierKey(merkle::CosignerVerifierKeyOf(*key)),
      "\n"));
  return kExitOk;
}

int RunAddCheckpoint(const Args& args) {
  std::optional<std::string> dir = args.Get("dir");
  std::optional<std::string> key = args.Get("log-key");
  std::optional<std::string> checkpoint_path = args.Get("checkpoint");
  if (!dir || !key || !checkpoint_path) {
    std::cerr << "fundlog witness add-checkpoint: --dir, --log-key and "
                 "--checkpoint are required\n";
    return kExitUsage;
  }
  constexpr absl::string_view kCommand = "witness add-checkpoint";
  WitnessRequest request;
  absl::StatusOr<std::string> note =
      ReadFileBytes(*checkpoint_path, kNoteFileBytesMax);
  if (!note.ok()) return Fail(kCommand, note.status());
  request.checkpoint_note = *note;
  if (std::optional<std::string> proof_path = args.Get("proof")) {
    absl::StatusOr<ConsistencyProofDoc> doc =
        ReadConsistencyProof(*proof_path, request.checkpoint_note);
    if (!doc.ok()) return Fail(kCommand, doc.status());
    request.old_size = doc->old_size;
    request.proof = doc->proof;
    request.claimed_old_root = doc->old_root;
  }
  absl::StatusOr<WitnessResult> result =
      AddCheckpoint(*dir, std::string(absl::StripAsciiWhitespace(*key)),
                    request, static_cast<uint64_t>(std::time(nullptr)));
  if (!result.ok()) return Fail(kCommand, result.status());
  if (result->outcome != WitnessOutcome::kCosigned) {
    std::cerr << "fundlog witness add-checkpoint: " << *checkpoint_path << ": "
              << result->message << "\n";
    return kExitFindings;
  }
  std::cerr << result->message << "\n";
  Print(result->cosignature);
  return kExitOk;
}

int RunWitness(const Args& args, const Context&) {
  const std::string& sub = args.positional()[0];
  if (sub == "init") return RunInit(args);
  if (sub == "key") return RunKey(args);
  if (sub == "add-checkpoint") return RunAddCheckpoint(args);
  std::cerr << "fundlog witness: unknown subcommand \"" << sub
            << "\" (init, key, add-checkpoint)\n";
  return kExitUsage;
}

int RunVerifyFork(const Args& args, const Context&) {
  std::optional<std::string> key_text = args.Get("log-key");
  if (!key_text) {
    std::cerr << "fundlog verify-fork: --log-key is required\n";
    return kExitUsage;
  }
  absl::StatusOr<merkle::VerifierKey> key = merkle::ParseVerifierKey(
      std::string(absl::StripAsciiWhitespace(*key_text)));
  if (!key.ok()) {
    return Fail("verify-fork", absl::InvalidArgumentError(absl::StrCat(
                                   "--log-key: ", key.status().message())));
  }
  const std::string& path = args.positional()[0];
  absl::StatusOr<std::string> text = ReadFileBytes(path, 4 * kNoteFileBytesMax);
  if (!text.ok()) return Fail("verify-fork", text.status());
  absl::StatusOr<ForkEvidence> evidence = ParseEvidenceJson(path, *text);
  if (!evidence.ok()) return Fail("verify-fork", evidence.status());
  absl::StatusOr<ForkVerdict> verdict = CheckForkEvidence(*evidence, *key);
  if (!verdict.ok()) {
    return Fail("verify-fork", absl::InvalidArgumentError(absl::StrCat(
                                   path, ": ", verdict.status().message())));
  }
  if (!verdict->proven) {
    std::cerr << "fundlog verify-fork: " << path
              << ": proves no fork: " << verdict->why << "\n";
    return kExitFindings;
  }
  Print(absl::StrCat("fork proven: ", path, ": ", verdict->why, "\n"));
  return kExitOk;
}

}  // namespace

std::vector<Command> WitnessCommands() {
  return {
      {{"witness",
        "witness init --dir W --name NAME | witness key --dir W | witness "
        "add-checkpoint --dir W --log-key KEY --checkpoint FILE [--proof "
        "CONSISTENCY.json]",
        "A revisor's witness (C2SP tlog-witness, as files). `init` creates "
        "the directory W with its own Ed25519 cosigner key and prints its "
        "verifier key; `key` prints it again; `add-checkpoint` cosigns a "
        "checkpoint signed by the log's KEY that extends the last one W "
        "cosigned for its origin (the proof is `fundlog consistency --from "
        "OLD --json`), printing a cosignature/v1 line, and refuses a "
        "rollback or a fork (exit 1), keeping evidence in W/evidence.",
        {{"dir", "W", "the witness directory"},
         {"name", "NAME",
          "init: the witness's key name (e.g. revisor.example/2026)"},
         {"log-key", "KEY", "the log's verifier key (`fundlog key`)"},
         {"checkpoint", "FILE", "the log's signed checkpoint"},
         {"proof", "FILE",
          "consistency proof from the size W last cosigned (JSON)"}},
        1,
        1},
       RunWitness},
      {{"verify-fork",
        "verify-fork EVIDENCE --log-key KEY",
        "Check a witness's fork evidence offline: exit 0 when it proves that "
        "the log's KEY signed two incompatible checkpoints, 1 when it does "
        "not.",
        {{"log-key", "KEY", "the log's verifier key"}},
        1,
        1},
       RunVerifyFork},
  };
}

}  // namespace fundlog::cli
