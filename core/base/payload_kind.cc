#include "core/base/payload_kind.h"

#include "google/protobuf/descriptor.h"

namespace fundlog {

absl::string_view PayloadKind(const v1::Event& event) {
  const google::protobuf::OneofDescriptor* oneof =
      v1::Event::descriptor()->FindOneofByName("payload");
  const google::protobuf::FieldDescriptor* field =
      event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  return field == nullptr ? absl::string_view("none") : field->name();
}

}  // namespace fundlog
