// publish: the log as static C2SP tlog-tiles files (core/audit/tiles.h).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "core/audit/checkpoint_signer.h"
#include "core/audit/tiles.h"
#include "core/io/batch_file.h"
#include "core/store/tree_writer.h"
#include "tools/fundlog/cli.h"

namespace fundlog::cli {
namespace {

// The note to publish: --checkpoint FILE (e.g. one the witnesses cosigned),
// checked against this log, or a fresh one.
absl::StatusOr<std::pair<std::string, uint64_t>> NoteToPublish(const Args& args,
                                                               EventLog& log) {
  std::optional<std::string> path = args.Get("checkpoint");
  if (!path) {
    absl::StatusOr<std::string> note = SignCheckpoint(log, log.Size());
    if (!note.ok()) return note.status();
    return std::make_pair(*note, log.Size());
  }
  absl::StatusOr<merkle::Checkpoint> checkpoint = OpenLogCheckpoint(log, *path);
  if (!checkpoint.ok()) return checkpoint.status();
  if (checkpoint->size > log.Size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(*path, ": size ", checkpoint->size,
                     " exceeds the log's size ", log.Size()));
  }
  LogNodeReader reader(log);
  absl::StatusOr<merkle::Hash> root = merkle::RootAt(checkpoint->size, reader);
  if (!root.ok()) return root.status();
  if (*root != checkpoint->root) {
    return absl::InvalidArgumentError(absl::StrCat(
        *path, ": its root is not this log's root at size ", checkpoint->size));
  }
  absl::StatusOr<std::string> note = ReadFileBytes(*path, 1 << 20);
  if (!note.ok()) return note.status();
  return std::make_pair(*note, checkpoint->size);
}

int RunPublish(const Args& args, const Context& context) {
  std::optional<std::string> to = args.Get("to");
  if (!to) {
    std::cerr << "fundlog publish: --to DIR is required\n";
    return kExitUsage;
  }
  // Writable: a fresh checkpoint's root is remembered by the log.
  absl::StatusOr<std::unique_ptr<EventLog>> log =
      OpenLog(context, args.Has("checkpoint"));
  if (!log.ok()) return Fail("publish", log.status());
  absl::StatusOr<std::pair<std::string, uint64_t>> note =
      NoteToPublish(args, **log);
  if (!note.ok()) return Fail("publish", note.status());
  absl::StatusOr<PublishStats> stats =
      PublishTiles(**log, *to, note->first, note->second);
  if (!stats.ok()) return Fail("publish", stats.status());
  Print(absl::StrCat("published size ", stats->size, " to ", *to, ": wrote ",
                     stats->full_tiles_written, " full tiles, ",
                     stats->partial_tiles_written, " partial tiles, ",
                     stats->full_bundles_written, " full entry bundles, ",
                     stats->partial_bundles_written,
                     " partial entry bundles and the checkpoint; ",
                     stats->already_there, " already there\n"));
  return kExitOk;
}

}  // namespace

std::vector<Command> PublishCommands() {
  return {
      {{"publish",
        "publish --to DIR [--checkpoint FILE]",
        "Write the log as static C2SP tlog-tiles files into DIR: checkpoint, "
        "hash tiles tile/<L>/<N>[.p/<W>] and entry bundles "
        "tile/entries/<N>[.p/<W>] holding the exact stored records. Again "
        "later, only what changed is written.",
        {{"to", "DIR", "the directory to publish into"},
         {"checkpoint", "FILE",
          "publish this signed (e.g. cosigned) checkpoint of the log instead "
          "of signing a fresh one"}}},
       RunPublish},
  };
}

}  // namespace fundlog::cli
