#include "core/serve/witness_client.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "httplib.h"

namespace fundlog::serve {
namespace {

constexpr char kSignaturePrefix[] = "\xE2\x80\x94 ";

struct Endpoint {
  std::string scheme_host_port;  // what httplib::Client takes
  std::string path;              // PREFIX/add-checkpoint
};

absl::StatusOr<Endpoint> ParseUrl(const std::string& url) {
  size_t start = 0;
  if (absl::StartsWith(url, "http://")) {
    start = 7;
  } else if (absl::StartsWith(url, "https://")) {
    start = 8;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("witness URL \"", url, "\" is not http:// or https://"));
  }
  const size_t slash = url.find('/', start);
  Endpoint endpoint;
  endpoint.scheme_host_port = url.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : url.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  endpoint.path = prefix + "/add-checkpoint";
  if (endpoint.scheme_host_port.size() == start) {
    return absl::InvalidArgumentError(
        absl::StrCat("witness URL \"", url, "\" names no host"));
  }
  return endpoint;
}

std::string Body(uint64_t old_size, const std::vector<merkle::Hash>& proof,
                 const std::string& note) {
  std::string body = absl::StrCat("old ", old_size, "\n");
  for (const merkle::Hash& hash : proof) {
    absl::StrAppend(&body, merkle::HashToBase64(hash), "\n");
  }
  return absl::StrCat(body, "\n", note);
}

}  // namespace

absl::StatusOr<std::string> RequestCosignature(const std::string& url,
                                               const std::string& note,
                                               uint64_t size,
                                               const ProofFrom& proof_from) {
  absl::StatusOr<Endpoint> endpoint = ParseUrl(url);
  if (!endpoint.ok()) return endpoint.status();
  httplib::Client client(endpoint->scheme_host_port);
  client.set_connection_timeout(10);
  client.set_read_timeout(30);
  uint64_t old_size = 0;
  std::vector<merkle::Hash> proof;
  for (int attempt = 0; attempt < 2; ++attempt) {
    httplib::Result result =
        client.Post(endpoint->path, Body(old_size, proof, note), "text/plain");
    if (!result) {
      return absl::UnavailableError(absl::StrCat(
          "witness ", url, ": ", httplib::to_string(result.error())));
    }
    const std::string& answer = result->body;
    if (result->status == 200) {
      for (absl::string_view line :
           absl::StrSplit(answer, '\n', absl::SkipEmpty())) {
        if (!absl::StartsWith(line, kSignaturePrefix)) {
          return absl::InvalidArgumentError(
              absl::StrCat("witness ", url,
                           ": the answer holds a line that is no note "
                           "signature"));
        }
      }
      if (answer.empty() || answer.back() != '\n') {
        return absl::InvalidArgumentError(
            absl::StrCat("witness ", url, ": empty or unterminated answer"));
      }
      return answer;
    }
    uint64_t witness_size = 0;
    if (result->status == 409 && attempt == 0 &&
        absl::StartsWith(result->get_header_value("Content-Type"),
                         "text/x.tlog.size") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(answer), &witness_size)) {
      if (witness_size > size) {
        return absl::AbortedError(absl::StrCat(
            "witness ", url, " refused: it has cosigned size ", witness_size,
            ", larger than this checkpoint's ", size, " (a rollback)"));
      }
      absl::StatusOr<std::vector<merkle::Hash>> next = proof_from(witness_size);
      if (!next.ok()) return next.status();
      old_size = witness_size;
      proof = *std::move(next);
      continue;
    }
    return absl::AbortedError(
        absl::StrCat("witness ", url, " refused (HTTP ", result->status,
                     "): ", absl::StripAsciiWhitespace(answer)));
  }
  return absl::AbortedError(absl::StrCat(
      "witness ", url, " refused (HTTP 409) even with the proof from its size ",
      old_size, ": it holds another checkpoint of that size (a fork)"));
}

}  // namespace fundlog::serve
