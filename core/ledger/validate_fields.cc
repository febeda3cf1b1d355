#include "core/ledger/validate_fields.h"

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

// Where a field sits: a chain from the field up to the event, rendered
// ("voucher.rows[3].text") only when a field has a problem, so that walking
// a valid event builds no strings.
struct PathNode {
  const PathNode* parent;
  const FieldDescriptor* field;
  int index;  // -1 for a singular field
};

std::string Render(const PathNode* node) {
  std::vector<const PathNode*> chain;
  for (; node != nullptr; node = node->parent) chain.push_back(node);
  std::string path;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    absl::StrAppend(&path, path.empty() ? "" : ".", (*it)->field->name());
    if ((*it)->index >= 0) absl::StrAppend(&path, "[", (*it)->index, "]");
  }
  return path;
}

std::optional<FieldProblem> CheckString(const std::string& value,
                                        const PathNode& at) {
  std::optional<size_t> bad = FirstInvalidUtf8(value);
  if (!bad) return std::nullopt;
  return FieldProblem{
      Render(&at),
      absl::StrCat("not valid UTF-8 (byte ", *bad, " of ", value.size(), ": \"",
                   absl::CHexEscape(value.substr(*bad, 8)),
                   "\"); text must be UTF-8")};
}

std::optional<FieldProblem> CheckAmount(int64_t ore, const PathNode& at) {
  if (WithinAmountCap(ore)) return std::nullopt;
  return FieldProblem{
      Render(&at),
      absl::StrCat(
          ore, " öre is beyond the largest amount an event may state (",
          FormatKronor(kAmountOreMax), " kr, ", kAmountOreMax, " öre)")};
}

std::optional<FieldProblem> Walk(const Message& message, const PathNode* parent,
                                 int depth) {
  if (depth > kFieldNestingMax) {
    return FieldProblem{
        Render(parent),
        absl::StrCat("messages nested more than ", kFieldNestingMax, " deep")};
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
      const PathNode at{parent, field, repeated ? i : -1};
      std::optional<FieldProblem> problem;
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          if (field->type() != FieldDescriptor::TYPE_STRING) break;  // bytes
          problem = CheckString(
              repeated ? reflection.GetRepeatedString(message, field, i)
                       : reflection.GetString(message, field),
              at);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          if (!amounts_stated || !absl::EndsWith(field->name(), "_ore")) break;
          problem = CheckAmount(
              repeated ? reflection.GetRepeatedInt64(message, field, i)
                       : reflection.GetInt64(message, field),
              at);
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          problem =
              Walk(repeated ? reflection.GetRepeatedMessage(message, field, i)
                            : reflection.GetMessage(message, field),
                   &at, depth + 1);
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
  if (std::optional<bool> clean = VoucherFieldsClean(message);
      clean.has_value() && *clean) {
    return std::nullopt;
  }
  return Walk(message, nullptr, 0);
}

}  // namespace fundlog
