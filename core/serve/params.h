// Reading a request's query parameters strictly: a parameter the route does
// not take, one given twice, one that is not UTF-8 or is too long, and a
// malformed value are each refused with 400 and a JSON body naming the
// parameter. An empty value counts as not given (a form's empty field).
#ifndef FUNDLOG_CORE_SERVE_PARAMS_H_
#define FUNDLOG_CORE_SERVE_PARAMS_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/ledger/ledger.h"
#include "httplib.h"

namespace fundlog::serve {

// The longest parameter value accepted (a fund id, a date, a number).
inline constexpr size_t kParamValueMax = 256;

class Params {
 public:
  // The request's parameters, each one of `allowed`; otherwise sets a 400
  // on `response` and returns nullopt.
  static std::optional<Params> Read(
      const httplib::Request& request,
      std::initializer_list<absl::string_view> allowed,
      httplib::Response& response);

  std::optional<std::string> Get(const std::string& name) const;

  // Each reads one parameter into *out (left alone when not given) and
  // returns true, or sets a 400 naming it and returns false.
  bool Day(const std::string& name, std::optional<absl::CivilDay>* out,
           httplib::Response& response) const;
  bool Uint(const std::string& name, std::optional<uint64_t>* out,
            httplib::Response& response) const;
  bool View(const std::string& name, ledger::View* out,
            httplib::Response& response) const;
  bool Year(const std::string& name, std::optional<int>* out,
            httplib::Response& response) const;

 private:
  std::map<std::string, std::string> values_;
};

// Parses a whole decimal number without sign (the path's {seq}).
std::optional<uint64_t> ParseUint(absl::string_view text);

}  // namespace fundlog::serve

#endif  // FUNDLOG_CORE_SERVE_PARAMS_H_
