// The direct field check of a voucher event (validate_fields.h): what the
// reflection walk checks, read through the generated accessors. Imports
// append vouchers by the hundred thousand, and the walk (ListFields, map
// syncing, a descriptor lookup per field) cost some 28 000 instructions per
// voucher, more than parsing it.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/base/money.h"
#include "core/base/utf8.h"
#include "core/ledger/validate_fields.h"
#include "fundlog/v1/events.pb.h"

namespace fundlog {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The fields, by name, of `descriptor` that hold text, amounts or messages,
// outside any oneof when `outside_oneofs`: what a check by hand must read.
std::vector<std::string> CheckedFields(const Descriptor* descriptor,
                                       bool outside_oneofs) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (outside_oneofs && field->real_containing_oneof() != nullptr) continue;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
      case FieldDescriptor::CPPTYPE_MESSAGE:
        names.push_back(field->name());
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        if (absl::EndsWith(field->name(), "_ore")) {
          names.push_back(field->name());
        }
        break;
      default:
        break;
    }
  }
  return names;
}

using Names = std::vector<std::string>;

bool Valid(const std::string& text) { return IsValidUtf8(text); }

}  // namespace

bool VoucherCheckCoversSchema() {
  // Each message a voucher event holds, and the fields the check below
  // reads: a field added to any of them switches the direct check off
  // (every event is then walked) until it is read here too.
  static const bool covered =
      CheckedFields(v1::Event::descriptor(), true) ==
          Names{"event_id",    "fund_id", "effective", "recorded_on",
                "recorded_by", "source",  "note"} &&
      CheckedFields(v1::Effective::descriptor(), false) ==
          Names{"day", "period"} &&
      CheckedFields(v1::Source::descriptor(), false) ==
          Names{"title",   "reference",       "date",         "issuer",
                "passage", "document_sha256", "text_encoding"} &&
      CheckedFields(v1::Voucher::descriptor(), false) ==
          Names{"series", "number", "text", "signature", "rows"} &&
      CheckedFields(v1::VoucherRow::descriptor(), false) ==
          Names{"account", "amount_ore", "objects", "text",
                "transaction_date"} &&
      v1::Event::descriptor()->FindFieldByName("voucher")->message_type() ==
          v1::Voucher::descriptor();
  return covered;
}

std::optional<bool> VoucherFieldsClean(const google::protobuf::Message& m) {
  if (m.GetDescriptor() != v1::Event::descriptor() ||
      !VoucherCheckCoversSchema()) {
    return std::nullopt;
  }
  const auto& event = static_cast<const v1::Event&>(m);
  if (event.payload_case() != v1::Event::kVoucher ||
      event.effective().has_period()) {
    return std::nullopt;
  }
  const v1::Source& source = event.source();
  const v1::Voucher& voucher = event.voucher();
  bool clean = Valid(event.event_id()) && Valid(event.fund_id()) &&
               Valid(event.effective().day()) && Valid(event.recorded_on()) &&
               Valid(event.recorded_by()) && Valid(event.note()) &&
               Valid(source.title()) && Valid(source.reference()) &&
               Valid(source.date()) && Valid(source.issuer()) &&
               Valid(source.passage()) && Valid(source.document_sha256()) &&
               Valid(source.text_encoding()) && Valid(voucher.series()) &&
               Valid(voucher.number()) && Valid(voucher.text()) &&
               Valid(voucher.signature());
  for (const v1::VoucherRow& row : voucher.rows()) {
    if (!clean) break;
    clean = Valid(row.account()) && WithinAmountCap(row.amount_ore()) &&
            Valid(row.text()) && Valid(row.transaction_date());
    for (const auto& [dimension, object] : row.objects()) {
      clean = clean && Valid(dimension) && Valid(object);
    }
  }
  return clean;
}

}  // namespace fundlog
