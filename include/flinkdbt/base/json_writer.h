// JsonWriter: a streaming writer of JSON text, used for every artifact (manifest.json,
// run_results.json), the JSON log format and the C ABI's results.
//
// Strings are escaped completely: `"` and `\`, every control character (the short forms \n \t \r
// \b \f, \u00XX for the rest), and, with `ensure_ascii` (the default, as Python's json module), every
// non-ASCII code point as \uXXXX or a surrogate pair. Malformed UTF-8 becomes U+FFFD, so the output
// is always valid JSON. Doubles are written in the shortest form that reads back to the same value,
// as Python's repr writes them (`0.1`, `1e-07`, `100.0`); NaN and infinities, which JSON cannot
// hold, are written as null.
//
// The writer checks its own nesting: a key outside an object, a value where a key is expected or an
// unbalanced End* is a programming error reported by ok() / TakeString() returning an error.
// Not thread-safe; one writer per document.
#ifndef FLINKDBT_BASE_JSON_WRITER_H_
#define FLINKDBT_BASE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace flinkdbt {

struct JsonWriterOptions {
  // 0 writes compact JSON on one line; n > 0 pretty-prints with n spaces per level.
  int indent = 0;
  // Escape every non-ASCII code point (true) or write well-formed UTF-8 through unchanged (false).
  bool ensure_ascii = true;
};

class JsonWriter {
 public:
  explicit JsonWriter(JsonWriterOptions options = {});

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts already-serialized JSON as one value (the caller vouches for its validity).
  JsonWriter& Raw(std::string_view json);

  // Key(k) followed by the value, for the common case.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, double value) { return Key(key).Double(value); }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }

  // The document so far; complete once every Begin* has its End*.
  const std::string& str() const { return out_; }
  bool ok() const { return error_.empty(); }
  // The finished document, or an error if the nesting was wrong or the document is incomplete.
  absl::StatusOr<std::string> TakeString();

 private:
  enum class Frame { kObjectExpectKey, kObjectExpectValue, kArray };
  void BeforeValue();
  void NewlineAndIndent(size_t depth);
  void Fail(std::string_view what);

  JsonWriterOptions options_;
  std::string out_;
  std::vector<Frame> stack_;
  std::vector<bool> has_items_;
  bool done_ = false;
  std::string error_;
};

// Appends `value` as a quoted, escaped JSON string to `out`.
void AppendJsonString(std::string* out, std::string_view value, bool ensure_ascii = true);
// `value` as a quoted, escaped JSON string.
std::string JsonQuote(std::string_view value, bool ensure_ascii = true);
// The shortest text that reads back to `value`, in Python's repr style ("0.1", "1e-07", "100.0",
// "inf", "-inf", "nan"). Shared with the template engine, which prints floats the same way.
std::string FormatDoubleShortest(double value);

}  // namespace flinkdbt

#endif  // FLINKDBT_BASE_JSON_WRITER_H_
