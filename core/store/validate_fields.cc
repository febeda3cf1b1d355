#include "core/store/validate_fields.h"

#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/money.h"
#include "core/base/utf8.h"

namespace fundlog {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Sealed balances are sums the log computed, not amounts stated by anyone.
constexpr char kComputedAmounts[] = "fundlog.v1.SealedBalance";

std::string Path(absl::string_view prefix, const FieldDescriptor& field,
                 int index) {
  std::string path =
      absl::StrCat(prefix, prefix.empty() ? "" : ".", field.name());
  if (index >= 0) absl::StrAppend(&path, "[", index, "]");
  return path;
}

std::optional<FieldProblem> CheckString(const std::string& value,
                                        std::string path) {
  std::optional<size_t> bad = FirstInvalidUtf8(value);
  if (!bad) return std::nullopt;
  return FieldProblem{
      std::move(path),
      absl::StrCat("not valid UTF-8 (byte ", *bad, " of ", value.size(), ": \"",
                   absl::CHexEscape(value.substr(*bad, 8)),
                   "\"); text must be UTF-8")};
}

std::optional<FieldProblem> CheckAmount(int64_t ore, std::string path) {
  if (WithinAmountCap(ore)) return std::nullopt;
  return FieldProblem{
      std::move(path),
      absl::StrCat(
          ore, " öre is beyond the largest amount an event may state (",
          FormatKronor(kAmountOreMax), " kr, ", kAmountOreMax, " öre)")};
}

std::optional<FieldProblem> Walk(const Message& message,
                                 const std::string& prefix, int depth) {
  if (depth > kFieldNestingMax) {
    return FieldProblem{prefix, absl::StrCat("messages nested more than ",
                                             kFieldNestingMax, " deep")};
  }
  const Reflection& reflection = *message.GetReflection();
  const bool amounts_stated =
      message.GetDescriptor()->full_name() != kComputedAmounts;
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);  // set fields, by number
  for (const FieldDescriptor* field : fields) {
    const bool repeated = field->is_repeated();
    const int count = repeated ? reflection.FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      const int index = repeated ? i : -1;
      std::optional<FieldProblem> problem;
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          if (field->type() != FieldDescriptor::TYPE_STRING) break;  // bytes
          problem = CheckString(
              repeated ? reflection.GetRepeatedString(message, field, i)
                       : reflection.GetString(message, field),
              Path(prefix, *field, index));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          if (!amounts_stated || !absl::EndsWith(field->name(), "_ore")) break;
          problem = CheckAmount(
              repeated ? reflection.GetRepeatedInt64(message, field, i)
                       : reflection.GetInt64(message, field),
              Path(prefix, *field, index));
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          problem =
              Walk(repeated ? reflection.GetRepeatedMessage(message, field, i)
                            : reflection.GetMessage(message, field),
                   Path(prefix, *field, index), depth + 1);
          break;
        default:
          break;
      }
      if (problem) return problem;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<FieldProblem> CheckEveryField(const Message& message) {
  return Walk(message, "", 0);
}

}  // namespace fundlog
