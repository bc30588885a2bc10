#include "flinkdbt/base/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "absl/status/status.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"

namespace flinkdbt {
namespace {

void AppendUnicodeEscape(std::string* out, unsigned code_unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  out->push_back(kHex[(code_unit >> 12) & 0xF]);
  out->push_back(kHex[(code_unit >> 8) & 0xF]);
  out->push_back(kHex[(code_unit >> 4) & 0xF]);
  out->push_back(kHex[code_unit & 0xF]);
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view value, bool ensure_ascii) {
  out->push_back('"');
  size_t pos = 0;
  while (pos < value.size()) {
    unsigned char c = static_cast<unsigned char>(value[pos]);
    if (c < 0x80) {
      ++pos;
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        default:
          if (c < 0x20 || c == 0x7F) {
            AppendUnicodeEscape(out, c);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      continue;
    }
    char32_t cp = utf8::Decode(value, &pos);
    if (!ensure_ascii) {
      utf8::Append(out, cp);
    } else if (cp >= 0x10000) {
      char32_t v = cp - 0x10000;
      AppendUnicodeEscape(out, 0xD800 + static_cast<unsigned>(v >> 10));
      AppendUnicodeEscape(out, 0xDC00 + static_cast<unsigned>(v & 0x3FF));
    } else {
      AppendUnicodeEscape(out, static_cast<unsigned>(cp));
    }
  }
  out->push_back('"');
}

std::string JsonQuote(std::string_view value, bool ensure_ascii) {
  std::string out;
  out.reserve(value.size() + 2);
  AppendJsonString(&out, value, ensure_ascii);
  return out;
}

std::string FormatDoubleShortest(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Python's repr: the shortest round-trip digits, in fixed notation when the decimal exponent is in
  // [-4, 16), otherwise scientific with at least two exponent digits ("1e-07", "1e+16").
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  (void)ec;
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  size_t e_pos = sci.find('e');
  std::string mantissa(sci.substr(0, e_pos));
  int exponent = std::stoi(std::string(sci.substr(e_pos + 1)));
  bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char ch : mantissa) {
    if (ch != '.') digits.push_back(ch);
  }
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= 0) {
      size_t int_len = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= int_len) {
        out += digits + std::string(int_len - digits.size(), '0') + ".0";
      } else {
        out += digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    } else {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out;
}

JsonWriter::JsonWriter(JsonWriterOptions options) : options_(options) {}

void JsonWriter::Fail(std::string_view what) {
  if (error_.empty()) error_ = std::string(what);
}

void JsonWriter::NewlineAndIndent(size_t depth) {
  if (options_.indent <= 0) return;
  out_.push_back('\n');
  out_.append(depth * static_cast<size_t>(options_.indent), ' ');
}

void JsonWriter::BeforeValue() {
  if (stack_.empty()) {
    if (done_) Fail("JsonWriter: a second top-level value");
    return;
  }
  switch (stack_.back()) {
    case Frame::kObjectExpectKey:
      Fail("JsonWriter: a value where an object key was expected");
      return;
    case Frame::kObjectExpectValue:
      stack_.back() = Frame::kObjectExpectKey;
      return;
    case Frame::kArray:
      if (has_items_.back()) out_.push_back(',');
      has_items_.back() = true;
      NewlineAndIndent(stack_.size());
      return;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  stack_.push_back(Frame::kObjectExpectKey);
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  if (stack_.empty() || stack_.back() != Frame::kObjectExpectKey) {
    Fail("JsonWriter: EndObject without a matching BeginObject (or after a dangling key)");
    return *this;
  }
  bool had_items = has_items_.back();
  stack_.pop_back();
  has_items_.pop_back();
  if (had_items) NewlineAndIndent(stack_.size());
  out_.push_back('}');
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  stack_.push_back(Frame::kArray);
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  if (stack_.empty() || stack_.back() != Frame::kArray) {
    Fail("JsonWriter: EndArray without a matching BeginArray");
    return *this;
  }
  bool had_items = has_items_.back();
  stack_.pop_back();
  has_items_.pop_back();
  if (had_items) NewlineAndIndent(stack_.size());
  out_.push_back(']');
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  if (stack_.empty() || stack_.back() != Frame::kObjectExpectKey) {
    Fail("JsonWriter: a key outside an object or where a value was expected");
    return *this;
  }
  if (has_items_.back()) out_.push_back(',');
  has_items_.back() = true;
  NewlineAndIndent(stack_.size());
  AppendJsonString(&out_, key, options_.ensure_ascii);
  out_.append(options_.indent > 0 ? ": " : ":");
  stack_.back() = Frame::kObjectExpectValue;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(&out_, value, options_.ensure_ascii);
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  out_.append(std::to_string(value));
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  out_.append(std::to_string(value));
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  BeforeValue();
  if (std::isfinite(value)) {
    out_.append(FormatDoubleShortest(value));
  } else {
    out_.append("null");
  }
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  if (stack_.empty()) done_ = true;
  return *this;
}

absl::StatusOr<std::string> JsonWriter::TakeString() {
  if (!error_.empty()) return absl::InternalError(error_);
  if (!stack_.empty()) return absl::InternalError("JsonWriter: document is incomplete");
  if (!done_) return absl::InternalError("JsonWriter: document is empty");
  return std::move(out_);
}

}  // namespace flinkdbt
