#include "core/merkle/test_json.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace fundlog::merkle::json {

// Recursive descent over the input; `pos_` is the next unread byte.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<Value> Document() {
    absl::StatusOr<Value> value = ParseValue(0);
    if (!value.ok()) return value;
    SkipSpace();
    if (pos_ != text_.size()) return Error("trailing characters");
    return value;
  }

 private:
  static constexpr int kDepthMax = 64;

  absl::Status Error(absl::string_view why) const {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON at byte ", pos_, ": ", why));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  absl::StatusOr<Value> ParseValue(int depth) {
    if (depth > kDepthMax) return Error("nested too deeply");
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end");
    Value value;
    const char c = text_[pos_];
    if (c == '{') return ParseObject(depth);
    if (c == '[') return ParseArray(depth);
    if (c == '"') {
      value.kind_ = Value::Kind::kString;
      if (absl::Status s = ParseString(&value.text_); !s.ok()) return s;
    } else if (Consume("null")) {
      value.kind_ = Value::Kind::kNull;
    } else if (Consume("true")) {
      value.kind_ = Value::Kind::kBool;
      value.boolean_ = true;
    } else if (Consume("false")) {
      value.kind_ = Value::Kind::kBool;
    } else {
      value.kind_ = Value::Kind::kNumber;
      const size_t start = pos_;
      while (pos_ < text_.size() &&
             std::string_view("+-.eE0123456789").find(text_[pos_]) !=
                 std::string_view::npos) {
        ++pos_;
      }
      if (pos_ == start) return Error("unexpected character");
      value.text_ = std::string(text_.substr(start, pos_ - start));
    }
    return value;
  }

  absl::StatusOr<Value> ParseArray(int depth) {
    Value value;
    value.kind_ = Value::Kind::kArray;
    ++pos_;  // '['
    SkipSpace();
    if (Consume("]")) return value;
    while (true) {
      absl::StatusOr<Value> element = ParseValue(depth + 1);
      if (!element.ok()) return element;
      value.elements_.push_back(*std::move(element));
      SkipSpace();
      if (Consume("]")) return value;
      if (!Consume(",")) return Error("expected ',' or ']'");
    }
  }

  absl::StatusOr<Value> ParseObject(int depth) {
    Value value;
    value.kind_ = Value::Kind::kObject;
    ++pos_;  // '{'
    SkipSpace();
    if (Consume("}")) return value;
    while (true) {
      SkipSpace();
      std::string key;
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("want key");
      if (absl::Status s = ParseString(&key); !s.ok()) return s;
      SkipSpace();
      if (!Consume(":")) return Error("expected ':'");
      absl::StatusOr<Value> member = ParseValue(depth + 1);
      if (!member.ok()) return member;
      value.members_.emplace_back(std::move(key), *std::move(member));
      SkipSpace();
      if (Consume("}")) return value;
      if (!Consume(",")) return Error("expected ',' or '}'");
    }
  }

  // Appends the UTF-8 encoding of code point `rune` (BMP only is enough for
  // the vectors; surrogate pairs are rejected rather than mis-decoded).
  absl::Status AppendEscapedRune(std::string* out) {
    uint32_t rune = 0;
    if (pos_ + 4 > text_.size()) return Error("short \\u escape");
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      const int digit = (h >= '0' && h <= '9')   ? h - '0'
                        : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                        : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                                 : -1;
      if (digit < 0) return Error("bad \\u escape");
      rune = rune * 16 + static_cast<uint32_t>(digit);
    }
    if (rune >= 0xD800 && rune <= 0xDFFF) return Error("surrogate escape");
    if (rune < 0x80) {
      out->push_back(static_cast<char>(rune));
    } else if (rune < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (rune >> 6)));
      out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xE0 | (rune >> 12)));
      out->push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (rune & 0x3F)));
    }
    return absl::OkStatus();
  }

  absl::Status ParseString(std::string* out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char escape = text_[pos_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out->push_back(escape);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u':
          if (absl::Status s = AppendEscapedRune(out); !s.ok()) return s;
          break;
        default:
          return Error("bad escape");
      }
    }
    return Error("unterminated string");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

absl::StatusOr<Value> Value::Parse(std::string_view text) {
  return Parser(text).Document();
}

const Value* Value::Find(std::string_view key) const {
  for (const auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

absl::StatusOr<uint64_t> Value::AsUint64() const {
  uint64_t number = 0;
  if (kind_ != Kind::kNumber ||
      text_.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(text_, &number)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text_, "\" is not an unsigned 64-bit integer"));
  }
  return number;
}

}  // namespace fundlog::merkle::json
