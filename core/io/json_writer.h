// A small streaming JSON writer for the CLI's --json output: one document,
// keys in the order written, strings escaped per RFC 8259.
//
// Thread-compatible. Misuse (a value where a key is due) is a programmer
// error and asserts in debug builds.
#ifndef FUNDLOG_CORE_IO_JSON_WRITER_H_
#define FUNDLOG_CORE_IO_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace fundlog {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The key of the next value inside an object.
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts already-serialised JSON (e.g. from protobuf's JSON printer).
  JsonWriter& Raw(absl::string_view json);

  // The document so far; complete once every Begin has its End.
  const std::string& str() const { return out_; }
  // The text written since the last Take() (or since construction), handed
  // over and cleared; the writer's place in the document is kept, so that a
  // document can be written out piece by piece while it is built. The
  // concatenation of every Take() and the final str() is the document.
  std::string Take();

 private:
  void BeforeValue();
  std::string out_;
  // One entry per open container: whether it has a member yet.
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

}  // namespace fundlog

#endif  // FUNDLOG_CORE_IO_JSON_WRITER_H_
