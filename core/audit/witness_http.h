// The HTTP face of a witness and of a published log, independent of any
// server library: `serve` (issue 12) registers these for
//   POST /add-checkpoint        C2SP tlog-witness
//   GET  /checkpoint, /tile/…   C2SP tlog-tiles, from a `publish` directory
// Each returns the status, headers and body the specs give.
//
// Thread safety: thread-safe (WitnessAddCheckpointHttp serialises on the
// witness directory's lock; PublishedFileHttp only reads).
#ifndef FUNDLOG_CORE_AUDIT_WITNESS_HTTP_H_
#define FUNDLOG_CORE_AUDIT_WITNESS_HTTP_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace fundlog {

struct HttpReply {
  int status = 500;
  std::string content_type = "text/plain; charset=utf-8";
  std::string cache_control;  // empty: no header
  std::string body;
};

// Bodies larger than this are refused with 413 before parsing.
inline constexpr size_t kAddCheckpointBodyMax = 1 << 20;

// POST /add-checkpoint: 200 with the cosignature line(s); 409 with the
// witness's size ("<size>\n", Content-Type text/x.tlog.size) for an old size
// other than the witness's, a rollback or a fork; 422 for a consistency
// proof that fails; 403 for a checkpoint not signed by the origin's known
// key; 404 for an origin the witness does not follow (it learns logs through
// `fundlog witness add-checkpoint --log-key`); 400 for a malformed body;
// 500 (message logged in the body) when the witness's storage fails.
HttpReply WitnessAddCheckpointHttp(const std::string& witness_dir,
                                   std::string_view body, uint64_t now);

// True if `path` (without the leading "/") is "checkpoint" or a tlog-tiles
// tile or entry bundle path in canonical form: level 0..63 or "entries",
// 3-digit elements with "x" on all but the last, width 1..255 after ".p/".
bool IsPublishedPath(std::string_view path);

// GET of a published file: 200 with its bytes (checkpoint: text/plain,
// "no-cache"; tiles: application/octet-stream, immutable), 404 when the
// path is not a published path or the file is absent.
HttpReply PublishedFileHttp(const std::string& publish_dir,
                            std::string_view path);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_AUDIT_WITNESS_HTTP_H_
