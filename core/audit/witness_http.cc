#include "core/audit/witness_http.h"

#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/audit/witness.h"
#include "core/io/batch_file.h"

namespace fundlog {
namespace {

constexpr size_t kTileFileMax = 1 << 24;  // 256 entries of at most 64 KiB

HttpReply Text(int status, std::string body) {
  HttpReply reply;
  reply.status = status;
  reply.body = std::move(body);
  if (!reply.body.empty() && reply.body.back() != '\n') reply.body += "\n";
  return reply;
}

bool IsDigits(absl::string_view text, size_t count) {
  if (text.size() != count) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A decimal without leading zeros in [low, high].
bool IsCanonicalNumber(absl::string_view text, int low, int high) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) {
    return false;
  }
  int value = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  return value >= low && value <= high;
}

}  // namespace

HttpReply WitnessAddCheckpointHttp(const std::string& witness_dir,
                                   std::string_view body, uint64_t now) {
  if (body.size() > kAddCheckpointBodyMax) {
    return Text(413, "request body too large");
  }
  absl::StatusOr<WitnessRequest> request = ParseAddCheckpointBody(body);
  if (!request.ok()) return Text(400, std::string(request.status().message()));
  absl::StatusOr<WitnessResult> result =
      AddCheckpoint(witness_dir, std::nullopt, *request, now);
  if (!result.ok()) return Text(500, std::string(result.status().message()));
  const int status = HttpStatusOf(result->outcome);
  if (status == 200) {
    HttpReply reply = Text(200, result->cosignature);
    return reply;
  }
  if (status == 409) {
    HttpReply reply = Text(409, absl::StrCat(result->witness_size));
    reply.content_type = "text/x.tlog.size";
    return reply;
  }
  return Text(status, result->message);
}

bool IsPublishedPath(std::string_view path) {
  if (path == "checkpoint") return true;
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(path.data(), path.size()), '/');
  if (parts.size() < 3 || parts[0] != "tile") return false;
  if (parts[1] != "entries" && !IsCanonicalNumber(parts[1], 0, 63)) {
    return false;
  }
  // A partial tile ends in "<NNN>.p/<W>".
  size_t last = parts.size() - 1;
  if (parts.size() >= 4 && parts[last - 1].size() == 5 &&
      parts[last - 1].substr(3) == ".p") {
    if (!IsCanonicalNumber(parts[last], 1, 255)) return false;
    parts[last - 1] = parts[last - 1].substr(0, 3);
    --last;
  }
  for (size_t i = 2; i <= last; ++i) {
    absl::string_view element = parts[i];
    if (i < last) {
      if (element.empty() || element[0] != 'x') return false;
      element.remove_prefix(1);
    }
    if (!IsDigits(element, 3)) return false;
  }
  return true;
}

HttpReply PublishedFileHttp(const std::string& publish_dir,
                            std::string_view path) {
  if (!IsPublishedPath(path)) return Text(404, "not a published path");
  const std::string file =
      (std::filesystem::path(publish_dir) / std::string(path)).string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    return Text(404, "not published");
  }
  absl::StatusOr<std::string> bytes = ReadFileBytes(file, kTileFileMax);
  if (!bytes.ok()) return Text(500, std::string(bytes.status().message()));
  HttpReply reply;
  reply.status = 200;
  reply.body = *std::move(bytes);
  if (path == "checkpoint") {
    reply.cache_control = "no-cache";
  } else {
    reply.content_type = "application/octet-stream";
    reply.cache_control = "public, max-age=31536000, immutable";
  }
  return reply;
}

}  // namespace fundlog
