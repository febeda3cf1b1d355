// C2SP tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint).
//
//   body      := origin "\n" size "\n" root "\n" (extension "\n")*
//   origin    := non-empty line, unique per log (e.g. "example.org/fundlog")
//   size      := "0" | [1-9][0-9]*        ; leaves, <= kTreeSizeMax
//   root      := base64(32-byte RFC 6962 root hash), padded, canonical
//   extension := non-empty line
#include "core/merkle/checkpoint.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/merkle/note_text.h"
#include "core/merkle/string_view_compat.h"

namespace fundlog::merkle {
namespace {

// Lines of the fixed header: origin, size, root.
constexpr size_t kHeaderLines = 3;
// 2^63 has 19 decimal digits; anything longer overflows before the bound.
constexpr size_t kSizeDigitsMax = 19;

using internal::ToAbsl;
using internal::ToStd;

absl::Status BadBody(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed checkpoint: ", why));
}

bool IsValidOrigin(std::string_view origin) {
  return !origin.empty() && origin.find('\n') == std::string_view::npos;
}

// Decimal tree size with no sign, spaces or leading zeros, as the
// tlog-checkpoint spec requires, so every size has exactly one spelling.
absl::StatusOr<uint64_t> ParseSize(absl::string_view text) {
  if (text.empty() || text.size() > kSizeDigitsMax ||
      (text.size() > 1 && text[0] == '0')) {
    return BadBody(absl::StrCat("size \"", text.substr(0, 24),
                                "\" is not a canonical decimal"));
  }
  uint64_t size = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return BadBody(absl::StrCat("size \"", text, "\" is not decimal"));
    }
    size = size * 10 + static_cast<uint64_t>(c - '0');
  }
  if (size > kTreeSizeMax) {
    return BadBody(absl::StrCat("size ", size, " exceeds the maximum"));
  }
  return size;
}

}  // namespace

absl::StatusOr<std::string> CheckpointBody(std::string_view origin,
                                           uint64_t size, const Hash& root) {
  if (!IsValidOrigin(origin)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint origin \"", absl::CHexEscape(ToAbsl(origin.substr(0, 80))),
        "\" is not a valid origin line (non-empty, one line)"));
  }
  return absl::StrCat(ToAbsl(origin), "\n", size, "\n", HashToBase64(root),
                      "\n");
}

absl::StatusOr<Checkpoint> ParseCheckpointBody(std::string_view body) {
  if (body.size() > kNoteBytesMax) return BadBody("too large");
  if (absl::Status s = internal::CheckNoteCharacters("checkpoint", body);
      !s.ok()) {
    return s;
  }
  if (body.empty() || body.back() != '\n') {
    return BadBody("must end in a newline");
  }
  const std::vector<absl::string_view> lines =
      absl::StrSplit(ToAbsl(body.substr(0, body.size() - 1)), '\n');
  if (lines.size() < kHeaderLines) {
    return BadBody("needs origin, size and root lines");
  }
  if (lines[0].empty()) return BadBody("empty origin");
  absl::StatusOr<uint64_t> size = ParseSize(lines[1]);
  if (!size.ok()) return size.status();
  absl::StatusOr<Hash> root = HashFromBase64(ToStd(lines[2]));
  if (!root.ok())
    return BadBody(absl::StrCat("root: ", root.status().message()));
  Checkpoint checkpoint{
      std::string(lines[0]), *size, *root, {}, std::string(body)};
  for (size_t i = kHeaderLines; i < lines.size(); ++i) {
    if (lines[i].empty()) return BadBody("empty extension line");
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note_text,
                                          const VerifierKey& key) {
  absl::StatusOr<std::string> body = OpenNote(note_text, key);
  if (!body.ok()) return body.status();
  return ParseCheckpointBody(*body);
}

}  // namespace fundlog::merkle
