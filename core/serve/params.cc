#include "core/serve/params.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/dates.h"
#include "core/base/utf8.h"
#include "core/serve/router.h"

namespace fundlog::serve {

std::optional<uint64_t> ParseUint(absl::string_view text) {
  if (text.empty() || text.size() > 20 ||
      !std::all_of(text.begin(), text.end(), absl::ascii_isdigit)) {
    return std::nullopt;
  }
  uint64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) return std::nullopt;
  return value;
}

std::optional<Params> Params::Read(
    const httplib::Request& request,
    std::initializer_list<absl::string_view> allowed,
    httplib::Response& response) {
  Params params;
  for (const auto& [name, value] : request.params) {
    if (!IsValidUtf8(name) || name.size() > 64 ||
        std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      JsonError(response, 400,
                IsValidUtf8(name) && name.size() <= 64
                    ? std::optional<std::string>(name)
                    : std::nullopt,
                "unknown parameter (see /api/v1/openapi.json)");
      return std::nullopt;
    }
    if (!IsValidUtf8(value) || value.size() > kParamValueMax) {
      JsonError(
          response, 400, name,
          absl::StrCat("must be UTF-8 of at most ", kParamValueMax, " bytes"));
      return std::nullopt;
    }
    if (!params.values_.emplace(name, value).second) {
      JsonError(response, 400, name, "given more than once");
      return std::nullopt;
    }
  }
  return params;
}

std::optional<std::string> Params::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

bool Params::Day(const std::string& name, std::optional<absl::CivilDay>* out,
                 httplib::Response& response) const {
  std::optional<std::string> text = Get(name);
  if (!text) return true;
  absl::StatusOr<absl::CivilDay> day = ParseDay(*text);
  if (!day.ok()) {
    JsonError(response, 400, name, day.status().message());
    return false;
  }
  *out = *day;
  return true;
}

bool Params::Uint(const std::string& name, std::optional<uint64_t>* out,
                  httplib::Response& response) const {
  std::optional<std::string> text = Get(name);
  if (!text) return true;
  std::optional<uint64_t> value = ParseUint(*text);
  if (!value) {
    JsonError(response, 400, name, "must be a non-negative integer");
    return false;
  }
  *out = *value;
  return true;
}

bool Params::View(const std::string& name, ledger::View* out,
                  httplib::Response& response) const {
  std::optional<std::string> text = Get(name);
  if (!text) return true;
  absl::StatusOr<ledger::View> view = ledger::ParseView(*text);
  if (!view.ok()) {
    JsonError(response, 400, name, "want reported, without-change or restated");
    return false;
  }
  *out = *view;
  return true;
}

bool Params::Year(const std::string& name, std::optional<int>* out,
                  httplib::Response& response) const {
  std::optional<std::string> text = Get(name);
  if (!text) return true;
  int year = 0;
  if (text->size() != 4 ||
      !std::all_of(text->begin(), text->end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(*text, &year) || year < 1000) {
    JsonError(response, 400, name, "want a year as YYYY");
    return false;
  }
  *out = year;
  return true;
}

}  // namespace fundlog::serve
