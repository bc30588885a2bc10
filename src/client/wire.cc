// sql/v1 JSON decoding (simdjson DOM, error codes only: no exception ever escapes) and encoding.
#include "flinkdbt/client/wire.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "flinkdbt/base/civil.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace flinkdbt::client {
namespace {

namespace dom = simdjson::dom;
using dom::element;
using dom::element_type;

std::string_view JsonTypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

absl::Status Malformed(std::string_view what) {
  return absl::DataLossError(fmt::format("malformed response from the server: {}", what));
}

absl::Status WrongType(std::string_view path, std::string_view expected, element e) {
  return Malformed(fmt::format("'{}' should be {}, got {}", path, expected, JsonTypeName(e.type())));
}

absl::Status ParseError(simdjson::error_code code, size_t size) {
  if (size == 0) return Malformed("the body is empty");
  return Malformed(fmt::format("not valid JSON ({}; {} bytes)", simdjson::error_message(code), size));
}

std::string Join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

// Optional-field readers: a missing key or null leaves *out unchanged; any other wrong type is an error.
absl::Status ReadString(dom::object o, std::string_view key, std::string_view path, std::string* out) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return absl::OkStatus();
  std::string_view sv;
  if (e.get_string().get(sv) != simdjson::SUCCESS) return WrongType(Join(path, key), "a string", e);
  out->assign(sv);
  return absl::OkStatus();
}

absl::Status ReadBool(dom::object o, std::string_view key, std::string_view path, bool* out) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return absl::OkStatus();
  if (e.get_bool().get(*out) != simdjson::SUCCESS) return WrongType(Join(path, key), "a boolean", e);
  return absl::OkStatus();
}

absl::Status ReadOptInt(dom::object o, std::string_view key, std::string_view path, std::optional<int>* out) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return absl::OkStatus();
  int64_t v;
  if (e.get_int64().get(v) != simdjson::SUCCESS || v < std::numeric_limits<int>::min() ||
      v > std::numeric_limits<int>::max()) {
    return WrongType(Join(path, key), "a 32-bit integer", e);
  }
  *out = static_cast<int>(v);
  return absl::OkStatus();
}

// *present is false when the key is missing or null.
absl::Status ReadObject(dom::object o, std::string_view key, std::string_view path, dom::object* out,
                        bool* present) {
  *present = false;
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return absl::OkStatus();
  if (e.get_object().get(*out) != simdjson::SUCCESS) return WrongType(Join(path, key), "an object", e);
  *present = true;
  return absl::OkStatus();
}

absl::Status ReadArray(dom::object o, std::string_view key, std::string_view path, dom::array* out,
                       bool* present) {
  *present = false;
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return absl::OkStatus();
  if (e.get_array().get(*out) != simdjson::SUCCESS) return WrongType(Join(path, key), "an array", e);
  *present = true;
  return absl::OkStatus();
}

absl::Status ReadStringMap(dom::object o, std::string_view key, std::string_view path,
                           std::map<std::string, std::string>* out) {
  dom::object m;
  bool present;
  FLINKDBT_RETURN_IF_ERROR(ReadObject(o, key, path, &m, &present));
  if (!present) return absl::OkStatus();
  for (dom::key_value_pair kv : m) {
    std::string_view v;
    if (kv.value.get_string().get(v) != simdjson::SUCCESS) {
      return WrongType(fmt::format("{}[\"{}\"]", Join(path, key), kv.key), "a string", kv.value);
    }
    (*out)[std::string(kv.key)] = std::string(v);
  }
  return absl::OkStatus();
}

absl::StatusOr<DataType> DataTypeFromElement(element e, const std::string& path, int depth) {
  if (depth > 64) return Malformed(fmt::format("'{}' nests too deeply", path));
  dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return WrongType(path, "a DataType object", e);
  DataType t;
  element te;
  if (o.at_key("type").get(te) != simdjson::SUCCESS)
    return Malformed(fmt::format("'{}.type' is missing", path));
  FLINKDBT_RETURN_IF_ERROR(ReadString(o, "type", path, &t.type));
  t.root = TypeRootFromName(t.type);
  FLINKDBT_RETURN_IF_ERROR(ReadBool(o, "nullable", path, &t.nullable));
  FLINKDBT_RETURN_IF_ERROR(ReadOptInt(o, "length", path, &t.length));
  FLINKDBT_RETURN_IF_ERROR(ReadOptInt(o, "precision", path, &t.precision));
  FLINKDBT_RETURN_IF_ERROR(ReadOptInt(o, "scale", path, &t.scale));
  FLINKDBT_RETURN_IF_ERROR(ReadOptInt(o, "fractional_precision", path, &t.fractional_precision));
  FLINKDBT_RETURN_IF_ERROR(ReadString(o, "resolution", path, &t.resolution));
  FLINKDBT_RETURN_IF_ERROR(ReadString(o, "class_name", path, &t.class_name));
  for (auto [key, slot] :
       {std::pair<std::string_view, std::shared_ptr<const DataType>*>{"element_type", &t.element_type},
        {"key_type", &t.key_type},
        {"value_type", &t.value_type}}) {
    element c;
    if (o.at_key(key).get(c) == simdjson::SUCCESS && !c.is_null()) {
      FLINKDBT_ASSIGN_OR_RETURN(DataType child, DataTypeFromElement(c, Join(path, key), depth + 1));
      *slot = std::make_shared<const DataType>(std::move(child));
    }
  }
  dom::array fields;
  bool present;
  FLINKDBT_RETURN_IF_ERROR(ReadArray(o, "fields", path, &fields, &present));
  if (present) {
    size_t i = 0;
    for (element f : fields) {
      std::string fpath = fmt::format("{}.fields[{}]", path, i++);
      dom::object fo;
      if (f.get_object().get(fo) != simdjson::SUCCESS) return WrongType(fpath, "an object", f);
      RowField field;
      FLINKDBT_RETURN_IF_ERROR(ReadString(fo, "name", fpath, &field.name));
      FLINKDBT_RETURN_IF_ERROR(ReadString(fo, "description", fpath, &field.description));
      element ft;
      if (fo.at_key("field_type").get(ft) != simdjson::SUCCESS) {
        return Malformed(fmt::format("'{}.field_type' is missing", fpath));
      }
      FLINKDBT_ASSIGN_OR_RETURN(field.type, DataTypeFromElement(ft, fpath + ".field_type", depth + 1));
      t.fields.push_back(std::move(field));
    }
  }
  if ((t.root == TypeRoot::kArray || t.root == TypeRoot::kMultiset) && !t.element_type) {
    return Malformed(fmt::format("'{}' is {} without element_type", path, t.type));
  }
  if (t.root == TypeRoot::kMap && (!t.key_type || !t.value_type)) {
    return Malformed(fmt::format("'{}' is MAP without key_type/value_type", path));
  }
  return t;
}

absl::Status ReadSchema(dom::object holder, std::string_view path, std::vector<Column>* out, bool* present) {
  dom::array cols;
  FLINKDBT_RETURN_IF_ERROR(ReadArray(holder, "columns", path, &cols, present));
  if (!*present) return absl::OkStatus();
  size_t i = 0;
  for (element c : cols) {
    std::string cpath = fmt::format("{}.columns[{}]", path, i++);
    dom::object co;
    if (c.get_object().get(co) != simdjson::SUCCESS) return WrongType(cpath, "an object", c);
    Column col;
    FLINKDBT_RETURN_IF_ERROR(ReadString(co, "name", cpath, &col.name));
    element te;
    if (co.at_key("type").get(te) != simdjson::SUCCESS)
      return Malformed(fmt::format("'{}.type' is missing", cpath));
    FLINKDBT_ASSIGN_OR_RETURN(col.type, DataTypeFromElement(te, cpath + ".type", 0));
    out->push_back(std::move(col));
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> StatementFromObject(dom::object o, std::string_view path) {
  Statement s;
  FLINKDBT_RETURN_IF_ERROR(ReadString(o, "name", path, &s.name));
  FLINKDBT_RETURN_IF_ERROR(ReadString(o, "organization_id", path, &s.organization_id));
  FLINKDBT_RETURN_IF_ERROR(ReadString(o, "environment_id", path, &s.environment_id));
  dom::object meta, spec, status;
  bool present;
  std::string mpath = Join(path, "metadata");
  FLINKDBT_RETURN_IF_ERROR(ReadObject(o, "metadata", path, &meta, &present));
  if (present) {
    FLINKDBT_RETURN_IF_ERROR(ReadString(meta, "self", mpath, &s.self));
    FLINKDBT_RETURN_IF_ERROR(ReadString(meta, "uid", mpath, &s.uid));
    FLINKDBT_RETURN_IF_ERROR(ReadString(meta, "resource_version", mpath, &s.resource_version));
    FLINKDBT_RETURN_IF_ERROR(ReadString(meta, "created_at", mpath, &s.created_at));
    FLINKDBT_RETURN_IF_ERROR(ReadString(meta, "updated_at", mpath, &s.updated_at));
    FLINKDBT_RETURN_IF_ERROR(ReadStringMap(meta, "labels", mpath, &s.labels));
  }
  std::string spath = Join(path, "spec");
  FLINKDBT_RETURN_IF_ERROR(ReadObject(o, "spec", path, &spec, &present));
  if (present) {
    FLINKDBT_RETURN_IF_ERROR(ReadString(spec, "statement", spath, &s.sql));
    FLINKDBT_RETURN_IF_ERROR(ReadStringMap(spec, "properties", spath, &s.properties));
    FLINKDBT_RETURN_IF_ERROR(ReadString(spec, "compute_pool_id", spath, &s.compute_pool_id));
    FLINKDBT_RETURN_IF_ERROR(ReadString(spec, "principal", spath, &s.principal));
    FLINKDBT_RETURN_IF_ERROR(ReadBool(spec, "stopped", spath, &s.stopped));
  }
  std::string stpath = Join(path, "status");
  FLINKDBT_RETURN_IF_ERROR(ReadObject(o, "status", path, &status, &present));
  if (present) {
    FLINKDBT_RETURN_IF_ERROR(ReadString(status, "phase", stpath, &s.phase_name));
    s.phase = PhaseFromName(s.phase_name);
    FLINKDBT_RETURN_IF_ERROR(ReadString(status, "detail", stpath, &s.detail));
    dom::object scaling, traits, result_schema;
    FLINKDBT_RETURN_IF_ERROR(ReadObject(status, "scaling_status", stpath, &scaling, &present));
    if (present) {
      FLINKDBT_RETURN_IF_ERROR(
          ReadString(scaling, "scaling_state", stpath + ".scaling_status", &s.scaling_state));
    }
    std::string tpath = stpath + ".traits";
    FLINKDBT_RETURN_IF_ERROR(ReadObject(status, "traits", stpath, &traits, &present));
    if (present) {
      StatementTraits t;
      FLINKDBT_RETURN_IF_ERROR(ReadString(traits, "sql_kind", tpath, &t.sql_kind));
      FLINKDBT_RETURN_IF_ERROR(ReadBool(traits, "is_bounded", tpath, &t.is_bounded));
      FLINKDBT_RETURN_IF_ERROR(ReadBool(traits, "is_append_only", tpath, &t.is_append_only));
      dom::array arr;
      FLINKDBT_RETURN_IF_ERROR(ReadArray(traits, "upsert_columns", tpath, &arr, &present));
      if (present) {
        for (element e : arr) {
          int64_t v;
          if (e.get_int64().get(v) != simdjson::SUCCESS || v < 0 || v > 1000000) {
            return WrongType(tpath + ".upsert_columns[]", "a column index", e);
          }
          t.upsert_columns.push_back(static_cast<int>(v));
        }
      }
      FLINKDBT_RETURN_IF_ERROR(ReadArray(traits, "connection_refs", tpath, &arr, &present));
      if (present) {
        for (element e : arr) {
          std::string_view v;
          if (e.get_string().get(v) != simdjson::SUCCESS) {
            return WrongType(tpath + ".connection_refs[]", "a string", e);
          }
          t.connection_refs.emplace_back(v);
        }
      }
      dom::object schema;
      FLINKDBT_RETURN_IF_ERROR(ReadObject(traits, "schema", tpath, &schema, &present));
      if (present) FLINKDBT_RETURN_IF_ERROR(ReadSchema(schema, tpath + ".schema", &t.schema, &present));
      s.traits = std::move(t);
    }
    // The legacy location of the schema (TF fixtures, CLI PR #2361).
    FLINKDBT_RETURN_IF_ERROR(ReadObject(status, "result_schema", stpath, &result_schema, &present));
    if (present) {
      std::vector<Column> legacy;
      FLINKDBT_RETURN_IF_ERROR(ReadSchema(result_schema, stpath + ".result_schema", &legacy, &present));
      if (!s.traits) s.traits.emplace();
      if (s.traits->schema.empty()) s.traits->schema = std::move(legacy);
    }
  }
  if (s.traits) {
    for (int idx : s.traits->upsert_columns) {
      if (!s.traits->schema.empty() && static_cast<size_t>(idx) >= s.traits->schema.size()) {
        return Malformed(fmt::format("'{}.traits.upsert_columns' names column {} of {}", stpath, idx,
                                     s.traits->schema.size()));
      }
    }
  }
  return s;
}

// parser.parse(json): an empty body is simdjson's EMPTY error, without handing simdjson a null
// pointer (memcpy from null is undefined even for zero bytes).
simdjson::error_code ParseInto(dom::parser& parser, std::string_view json, element* root) {
  if (json.empty()) return simdjson::EMPTY;
  return parser.parse(json.data(), json.size()).get(*root);
}

absl::StatusOr<dom::object> ParseRootObject(dom::parser& parser, std::string_view json) {
  element root;
  auto err = ParseInto(parser, json, &root);
  if (err != simdjson::SUCCESS) return ParseError(err, json.size());
  dom::object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) return WrongType("the body", "an object", root);
  return o;
}

// ---- atomic values ----

bool ParseInt64(std::string_view s, int64_t* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// "YYYY-MM-DD" at s[0..); sets *end to the index after it.
bool ParseDate(std::string_view s, int64_t* days, size_t* end) {
  size_t pos = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    pos = 1;
  }
  size_t dash = s.find('-', pos);
  if (dash == std::string_view::npos || dash == pos || dash - pos > 9) return false;
  int64_t y, m, d;
  if (!ParseDigits(s, pos, dash - pos, &y) || !ParseDigits(s, dash + 1, 2, &m) || s.size() < dash + 6 ||
      s[dash + 3] != '-' || !ParseDigits(s, dash + 4, 2, &d)) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  *days = DaysFromCivil(neg ? -y : y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  *end = dash + 6;
  return true;
}

// "HH:MM[:SS][.fffffffff]" -> nanoseconds of the day; sets *end.
bool ParseTime(std::string_view s, size_t pos, int64_t* nanos, size_t* end) {
  int64_t h, mi, sec = 0, frac = 0;
  if (!ParseDigits(s, pos, 2, &h) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
      !ParseDigits(s, pos + 3, 2, &mi)) {
    return false;
  }
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    if (!ParseDigits(s, pos + 1, 2, &sec)) return false;
    pos += 3;
  }
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) {
        frac = frac * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return false;
    for (int i = digits; i < 9; ++i) frac *= 10;
  }
  if (h > 23 || mi > 59 || sec > 60) return false;
  *nanos = ((h * 60 + mi) * 60 + sec) * 1000000000 + frac;
  *end = pos;
  return true;
}

bool IsZoneSuffix(std::string_view rest) {
  rest = ToStd(absl::StripAsciiWhitespace(ToAbsl(rest)));
  if (rest.empty() || rest == "Z") return true;
  if (rest[0] == '+' || rest[0] == '-') return rest.size() <= 9;
  // A zone id such as "UTC" or "Europe/Berlin".
  for (char c : rest) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+' || c == ':')) {
      return false;
    }
  }
  return true;
}

// The common case, "[-]digits[.digits]" with no more fraction digits than the scale, in one pass.
bool FastCanonicalDecimal(std::string_view s, int scale, std::string* out) {
  size_t pos = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (neg) pos = 1;
  size_t int_begin = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  size_t int_end = pos;
  size_t frac_begin = pos, frac_end = pos;
  if (pos < s.size() && s[pos] == '.') {
    frac_begin = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    frac_end = pos;
  }
  if (pos != s.size() || int_end == int_begin || static_cast<int>(frac_end - frac_begin) > scale)
    return false;
  while (int_begin + 1 < int_end && s[int_begin] == '0') ++int_begin;
  bool zero = int_end - int_begin == 1 && s[int_begin] == '0';
  for (size_t i = frac_begin; i < frac_end && zero; ++i) zero = s[i] == '0';
  out->clear();
  out->reserve(int_end - int_begin + static_cast<size_t>(scale) + 2);
  if (neg && !zero) out->push_back('-');
  out->append(s.data() + int_begin, int_end - int_begin);
  if (scale > 0) {
    out->push_back('.');
    out->append(s.data() + frac_begin, frac_end - frac_begin);
    out->append(static_cast<size_t>(scale) - (frac_end - frac_begin), '0');
  }
  return true;
}

// [+-]digits[.digits][E[+-]digits] -> canonical plain decimal with at least `scale` fraction digits.
bool CanonicalDecimal(std::string_view s, std::optional<int> scale, std::string* out) {
  if (scale && *scale >= 0 && *scale <= 64 && FastCanonicalDecimal(s, *scale, out)) return true;
  size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) neg = s[pos++] == '-';
  std::string int_digits, frac_digits;
  while (pos < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[pos]))) int_digits += s[pos++];
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[pos]))) frac_digits += s[pos++];
  }
  if (int_digits.empty() && frac_digits.empty()) return false;
  int64_t exp = 0;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    if (!ParseInt64(s.substr(pos + 1), &exp) || exp > 1000 || exp < -1000) return false;
    pos = s.size();
  }
  if (pos != s.size()) return false;
  // Shift the decimal point by exp, exactly, on the digit strings.
  std::string digits = int_digits + frac_digits;
  int64_t point = static_cast<int64_t>(int_digits.size()) + exp;
  if (point < 0) {
    digits.insert(0, static_cast<size_t>(-point), '0');
    point = 0;
  }
  if (point > static_cast<int64_t>(digits.size()))
    digits.append(static_cast<size_t>(point) - digits.size(), '0');
  std::string ip = digits.substr(0, static_cast<size_t>(point));
  std::string fp = digits.substr(static_cast<size_t>(point));
  size_t nz = ip.find_first_not_of('0');
  ip = nz == std::string::npos ? "0" : ip.substr(nz);
  int want = scale.value_or(static_cast<int>(fp.size()));
  while (static_cast<int>(fp.size()) > want && !fp.empty() && fp.back() == '0') fp.pop_back();
  if (static_cast<int>(fp.size()) < want) fp.append(static_cast<size_t>(want) - fp.size(), '0');
  bool zero = ip == "0" && fp.find_first_not_of('0') == std::string::npos;
  *out = (neg && !zero ? "-" : "") + ip + (fp.empty() ? "" : "." + fp);
  return true;
}

bool ParseDoubleText(std::string_view s, double* out) {
  if (!s.empty() &&
      (absl::ascii_isdigit(static_cast<unsigned char>(s[0])) ||
       (s.size() > 1 && s[0] == '-' && absl::ascii_isdigit(static_cast<unsigned char>(s[1]))))) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size();
  }
  std::string lower = absl::AsciiStrToLower(ToAbsl(s));
  if (lower == "nan") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (lower == "infinity" || lower == "inf" || lower == "+infinity") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (lower == "-infinity" || lower == "-inf") {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status BadAtomic(std::string_view text, const DataType& type, std::string_view expected = {}) {
  std::string shown(text.substr(0, 64));
  return absl::DataLossError(fmt::format("cannot read \"{}\"{} as {}{}", shown, text.size() > 64 ? "..." : "",
                                         type.ToSql(),
                                         expected.empty() ? "" : fmt::format(" (expected {})", expected)));
}

absl::Status IntervalDayTime(std::string_view text, int64_t* millis) {
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t space = s.find(' ');
  if (space == std::string_view::npos) {
    if (!ParseInt64(text, millis)) return absl::InvalidArgumentError("");
    return absl::OkStatus();
  }
  int64_t days, nanos;
  size_t end;
  if (!ParseInt64(s.substr(0, space), &days) || !ParseTime(s, space + 1, &nanos, &end) || end != s.size()) {
    return absl::InvalidArgumentError("");
  }
  int64_t total;
  if (__builtin_mul_overflow(days, int64_t{86400000}, &total) ||
      __builtin_add_overflow(total, nanos / 1000000, &total) ||
      (neg && __builtin_sub_overflow(int64_t{0}, total, &total))) {
    return absl::InvalidArgumentError("");  // beyond int64 milliseconds: malformed
  }
  *millis = total;
  return absl::OkStatus();
}

absl::Status IntervalYearMonth(std::string_view text, int64_t* months) {
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseInt64(text, months)) return absl::InvalidArgumentError("");
    return absl::OkStatus();
  }
  int64_t y, m;
  if (!ParseInt64(s.substr(0, dash), &y) || !ParseInt64(s.substr(dash + 1), &m) || m > 11 || m < 0) {
    return absl::InvalidArgumentError("");
  }
  // A count of months beyond int64 is malformed input, not something to wrap around.
  int64_t total;
  if (__builtin_mul_overflow(y, int64_t{12}, &total) || __builtin_add_overflow(total, m, &total) ||
      (neg && __builtin_sub_overflow(int64_t{0}, total, &total))) {
    return absl::InvalidArgumentError("");
  }
  *months = total;
  return absl::OkStatus();
}

// ---- nested values ----

absl::StatusOr<Value> ValueFromElement(element e, const DataType& type, int depth);

absl::StatusOr<Value> RawFromElement(element e) {
  if (e.is_null()) return Value::Null();
  Value v;
  v.kind = Value::Kind::kRaw;
  std::string_view sv;
  if (e.get_string().get(sv) == simdjson::SUCCESS) {
    v.text.assign(sv);
  } else {
    v.text = simdjson::to_string(e);
  }
  return v;
}

absl::StatusOr<Value> PairsFromElement(element e, const DataType& type, Value::Kind kind,
                                       const DataType& key_type, const DataType& value_type, int depth) {
  Value v;
  v.kind = kind;
  dom::array arr;
  dom::object obj;
  if (e.get_array().get(arr) == simdjson::SUCCESS) {
    for (element pair : arr) {
      dom::array kv;
      if (pair.get_array().get(kv) != simdjson::SUCCESS || kv.size() != 2) {
        return absl::DataLossError(fmt::format("{} entries should be [key, value] arrays, got {}",
                                               type.ToSql(), JsonTypeName(pair.type())));
      }
      FLINKDBT_ASSIGN_OR_RETURN(Value k, ValueFromElement(kv.at(0).value_unsafe(), key_type, depth + 1));
      FLINKDBT_ASSIGN_OR_RETURN(Value val, ValueFromElement(kv.at(1).value_unsafe(), value_type, depth + 1));
      v.items.push_back(std::move(k));
      v.items.push_back(std::move(val));
    }
    return v;
  }
  if (e.get_object().get(obj) == simdjson::SUCCESS) {
    for (dom::key_value_pair kv : obj) {
      FLINKDBT_ASSIGN_OR_RETURN(Value k, DecodeAtomic(kv.key, key_type));
      FLINKDBT_ASSIGN_OR_RETURN(Value val, ValueFromElement(kv.value, value_type, depth + 1));
      v.items.push_back(std::move(k));
      v.items.push_back(std::move(val));
    }
    return v;
  }
  return absl::DataLossError(
      fmt::format("{} should be a JSON array, got {}", type.ToSql(), JsonTypeName(e.type())));
}

absl::StatusOr<Value> ValueFromElement(element e, const DataType& type, int depth) {
  if (depth > 64) return absl::DataLossError("value nests too deeply");
  if (e.is_null()) return Value::Null();
  switch (type.root) {
    case TypeRoot::kArray: {
      dom::array arr;
      if (e.get_array().get(arr) != simdjson::SUCCESS) {
        return absl::DataLossError(
            fmt::format("{} should be a JSON array, got {}", type.ToSql(), JsonTypeName(e.type())));
      }
      Value v;
      v.kind = Value::Kind::kArray;
      v.items.reserve(arr.size());
      for (element item : arr) {
        FLINKDBT_ASSIGN_OR_RETURN(Value x, ValueFromElement(item, *type.element_type, depth + 1));
        v.items.push_back(std::move(x));
      }
      return v;
    }
    case TypeRoot::kMap:
      return PairsFromElement(e, type, Value::Kind::kMap, *type.key_type, *type.value_type, depth);
    case TypeRoot::kMultiset: {
      static const DataType* kCount = new DataType(DataType::Of("INTEGER", false));
      return PairsFromElement(e, type, Value::Kind::kMultiset, *type.element_type, *kCount, depth);
    }
    case TypeRoot::kRow:
    case TypeRoot::kStructured: {
      Value v;
      v.kind = Value::Kind::kRow;
      dom::array arr;
      dom::object obj;
      if (e.get_array().get(arr) == simdjson::SUCCESS) {
        if (!type.fields.empty() && arr.size() != type.fields.size()) {
          return absl::DataLossError(fmt::format("{} value has {} fields, the type has {}", type.ToSql(),
                                                 arr.size(), type.fields.size()));
        }
        size_t i = 0;
        for (element item : arr) {
          const DataType* ft = i < type.fields.size() ? &type.fields[i].type : nullptr;
          if (ft == nullptr) {
            FLINKDBT_ASSIGN_OR_RETURN(Value x, RawFromElement(item));
            v.items.push_back(std::move(x));
          } else {
            FLINKDBT_ASSIGN_OR_RETURN(Value x, ValueFromElement(item, *ft, depth + 1));
            v.items.push_back(std::move(x));
          }
          ++i;
        }
        return v;
      }
      if (e.get_object().get(obj) == simdjson::SUCCESS) {  // keyed by field name
        for (const RowField& f : type.fields) {
          element item;
          if (obj.at_key(f.name).get(item) != simdjson::SUCCESS) {
            v.items.push_back(Value::Null());
            continue;
          }
          FLINKDBT_ASSIGN_OR_RETURN(Value x, ValueFromElement(item, f.type, depth + 1));
          v.items.push_back(std::move(x));
        }
        return v;
      }
      return absl::DataLossError(
          fmt::format("{} should be a JSON array, got {}", type.ToSql(), JsonTypeName(e.type())));
    }
    case TypeRoot::kRaw:
      return RawFromElement(e);
    default:
      break;
  }
  std::string_view sv;
  if (e.get_string().get(sv) == simdjson::SUCCESS) return DecodeAtomic(sv, type);
  // Tolerate native JSON scalars where they are exact.
  switch (e.type()) {
    case element_type::BOOL:
      if (type.root == TypeRoot::kBoolean) return Value::Bool(e.get_bool().value_unsafe());
      break;
    case element_type::INT64:
    case element_type::UINT64: {
      if (type.root == TypeRoot::kDouble || type.root == TypeRoot::kFloat ||
          type.root == TypeRoot::kDecimal ||
          (type.root >= TypeRoot::kTinyint && type.root <= TypeRoot::kBigint)) {
        std::string text = simdjson::to_string(e);
        return DecodeAtomic(text, type);
      }
      break;
    }
    case element_type::DOUBLE:
      if (type.root == TypeRoot::kDouble || type.root == TypeRoot::kFloat) {
        return Value::Double(e.get_double().value_unsafe());
      }
      if (type.root == TypeRoot::kDecimal) {
        return absl::DataLossError(fmt::format(
            "{} value arrived as a JSON number; exact decimals must be sent as strings", type.ToSql()));
      }
      break;
    default:
      break;
  }
  return absl::DataLossError(
      fmt::format("{} value should be a JSON string, got {}", type.ToSql(), JsonTypeName(e.type())));
}

void AppendUrlDecoded(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out->push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(s[i]);
    }
  }
}

}  // namespace

// ---- public decoding ----

absl::StatusOr<Value> DecodeAtomic(std::string_view text, const DataType& type) {
  Value v;
  switch (type.root) {
    case TypeRoot::kChar:
    case TypeRoot::kVarchar:
      return Value::String(std::string(text));
    case TypeRoot::kBoolean: {
      if (absl::EqualsIgnoreCase(ToAbsl(text), "true")) return Value::Bool(true);
      if (absl::EqualsIgnoreCase(ToAbsl(text), "false")) return Value::Bool(false);
      return BadAtomic(text, type, "TRUE or FALSE");
    }
    case TypeRoot::kBinary:
    case TypeRoot::kVarbinary: {
      v.kind = Value::Kind::kBytes;
      if (text.size() >= 3 && (text[0] == 'x' || text[0] == 'X') && text[1] == '\'' && text.back() == '\'') {
        std::string_view hex = text.substr(2, text.size() - 3);
        if (hex.size() % 2 != 0) return BadAtomic(text, type, "x'<hex>'");
        for (size_t i = 0; i < hex.size(); i += 2) {
          int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
          if (hi < 0 || lo < 0) return BadAtomic(text, type, "x'<hex>'");
          v.text.push_back(static_cast<char>(hi * 16 + lo));
        }
      } else {
        v.text.assign(text);
      }
      return v;
    }
    case TypeRoot::kDecimal: {
      std::string canon;
      if (!CanonicalDecimal(text, type.scale, &canon)) return BadAtomic(text, type, "a decimal number");
      return Value::Decimal(std::move(canon));
    }
    case TypeRoot::kTinyint:
    case TypeRoot::kSmallint:
    case TypeRoot::kInteger:
    case TypeRoot::kBigint: {
      int64_t x;
      if (!ParseInt64(text, &x)) return BadAtomic(text, type, "an integer");
      int64_t lo = type.root == TypeRoot::kTinyint    ? -128
                   : type.root == TypeRoot::kSmallint ? -32768
                   : type.root == TypeRoot::kInteger  ? std::numeric_limits<int32_t>::min()
                                                      : std::numeric_limits<int64_t>::min();
      int64_t hi = type.root == TypeRoot::kTinyint    ? 127
                   : type.root == TypeRoot::kSmallint ? 32767
                   : type.root == TypeRoot::kInteger  ? std::numeric_limits<int32_t>::max()
                                                      : std::numeric_limits<int64_t>::max();
      if (x < lo || x > hi) return BadAtomic(text, type, "a value in range");
      return Value::Int(x);
    }
    case TypeRoot::kFloat:
    case TypeRoot::kDouble: {
      double d;
      if (!ParseDoubleText(text, &d)) return BadAtomic(text, type, "a floating-point number");
      return Value::Double(d);
    }
    case TypeRoot::kDate: {
      int64_t days;
      size_t end;
      if (!ParseDate(text, &days, &end) || end != text.size()) return BadAtomic(text, type, "YYYY-MM-DD");
      v.kind = Value::Kind::kDate;
      v.int_value = days;
      return v;
    }
    case TypeRoot::kTime: {
      int64_t nanos;
      size_t end;
      if (!ParseTime(text, 0, &nanos, &end) || end != text.size())
        return BadAtomic(text, type, "HH:MM:SS[.fff]");
      v.kind = Value::Kind::kTime;
      v.int_value = nanos;
      return v;
    }
    case TypeRoot::kTimestamp:
    case TypeRoot::kTimestampTz:
    case TypeRoot::kTimestampLtz: {
      int64_t days, nanos;
      size_t end, tend;
      if (!ParseDate(text, &days, &end) || end >= text.size() || (text[end] != ' ' && text[end] != 'T') ||
          !ParseTime(text, end + 1, &nanos, &tend) || !IsZoneSuffix(text.substr(tend))) {
        return BadAtomic(text, type, "YYYY-MM-DD HH:MM:SS[.fff]");
      }
      v.kind = type.root == TypeRoot::kTimestamp ? Value::Kind::kTimestamp : Value::Kind::kTimestampLtz;
      v.int_value = days * 86400 + nanos / 1000000000;
      v.nanos = static_cast<int32_t>(nanos % 1000000000);
      return v;
    }
    case TypeRoot::kIntervalYearMonth:
      v.kind = Value::Kind::kIntervalYearMonth;
      if (!IntervalYearMonth(text, &v.int_value).ok()) return BadAtomic(text, type, "+Y-MM");
      return v;
    case TypeRoot::kIntervalDayTime:
      v.kind = Value::Kind::kIntervalDayTime;
      if (!IntervalDayTime(text, &v.int_value).ok()) return BadAtomic(text, type, "+D HH:MM:SS.fff");
      return v;
    case TypeRoot::kNull:
      if (absl::EqualsIgnoreCase(ToAbsl(text), "null")) return Value::Null();
      return BadAtomic(text, type, "NULL");
    case TypeRoot::kArray:
    case TypeRoot::kMap:
    case TypeRoot::kMultiset:
    case TypeRoot::kRow:
    case TypeRoot::kStructured:
      return BadAtomic(text, type, "a JSON array");
    case TypeRoot::kRaw:
      v.kind = Value::Kind::kRaw;
      v.text.assign(text);
      return v;
  }
  return BadAtomic(text, type);
}

absl::StatusOr<Value> DecodeValueJson(std::string_view json, const DataType& type) {
  dom::parser parser;
  element root;
  auto err = ParseInto(parser, json, &root);
  if (err != simdjson::SUCCESS) return ParseError(err, json.size());
  return ValueFromElement(root, type, 0);
}

absl::StatusOr<DataType> DecodeDataType(std::string_view json) {
  dom::parser parser;
  element root;
  auto err = ParseInto(parser, json, &root);
  if (err != simdjson::SUCCESS) return ParseError(err, json.size());
  return DataTypeFromElement(root, "type", 0);
}

absl::StatusOr<Statement> DecodeStatement(std::string_view json) {
  dom::parser parser;
  FLINKDBT_ASSIGN_OR_RETURN(dom::object o, ParseRootObject(parser, json));
  FLINKDBT_ASSIGN_OR_RETURN(Statement s, StatementFromObject(o, ""));
  if (s.name.empty()) return Malformed("the statement has no 'name'");
  return s;
}

absl::StatusOr<StatementListPage> DecodeStatementList(std::string_view json) {
  dom::parser parser;
  FLINKDBT_ASSIGN_OR_RETURN(dom::object o, ParseRootObject(parser, json));
  StatementListPage page;
  dom::object meta;
  bool present;
  FLINKDBT_RETURN_IF_ERROR(ReadObject(o, "metadata", "", &meta, &present));
  if (present) FLINKDBT_RETURN_IF_ERROR(ReadString(meta, "next", "metadata", &page.next_url));
  page.next_token = PageTokenFromUrl(page.next_url);
  dom::array data;
  FLINKDBT_RETURN_IF_ERROR(ReadArray(o, "data", "", &data, &present));
  if (!present) return Malformed("'data' is missing from the statement list");
  size_t i = 0;
  for (element e : data) {
    std::string path = fmt::format("data[{}]", i++);
    dom::object so;
    if (e.get_object().get(so) != simdjson::SUCCESS) return WrongType(path, "an object", e);
    FLINKDBT_ASSIGN_OR_RETURN(Statement s, StatementFromObject(so, path));
    page.statements.push_back(std::move(s));
  }
  return page;
}

absl::StatusOr<std::vector<StatementException>> DecodeExceptionList(std::string_view json) {
  dom::parser parser;
  FLINKDBT_ASSIGN_OR_RETURN(dom::object o, ParseRootObject(parser, json));
  dom::array data;
  bool present;
  FLINKDBT_RETURN_IF_ERROR(ReadArray(o, "data", "", &data, &present));
  if (!present) return Malformed("'data' is missing from the exception list");
  std::vector<StatementException> out;
  size_t i = 0;
  for (element e : data) {
    std::string path = fmt::format("data[{}]", i++);
    dom::object eo;
    if (e.get_object().get(eo) != simdjson::SUCCESS) return WrongType(path, "an object", e);
    StatementException x;
    FLINKDBT_RETURN_IF_ERROR(ReadString(eo, "name", path, &x.name));
    FLINKDBT_RETURN_IF_ERROR(ReadString(eo, "message", path, &x.message));
    FLINKDBT_RETURN_IF_ERROR(ReadString(eo, "timestamp", path, &x.timestamp));
    out.push_back(std::move(x));
  }
  return out;
}

namespace {
// errors[0] of a Failure body, if the body is one.
bool FirstError(dom::object o, dom::object* first) {
  dom::array errors;
  if (o.at_key("errors").get_array().get(errors) != simdjson::SUCCESS || errors.size() == 0) return false;
  return errors.at(0).get_object().get(*first) == simdjson::SUCCESS;
}
std::string StringField(dom::object o, std::string_view key) {
  std::string_view sv;
  if (o.at_key(key).get_string().get(sv) != simdjson::SUCCESS) return "";
  return std::string(sv);
}
}  // namespace

std::string ErrorMessageFromBody(std::string_view body) {
  dom::parser parser;
  auto root = ParseRootObject(parser, body);
  if (!root.ok()) return "";
  dom::object first;
  if (FirstError(*root, &first)) {
    std::string detail = StringField(first, "detail");
    std::string resolution = StringField(first, "resolution");
    if (!detail.empty()) return resolution.empty() ? detail : detail + " " + resolution;
  }
  std::string message = StringField(*root, "message");
  if (!message.empty()) return message;
  dom::object error;
  if (root->at_key("error").get_object().get(error) == simdjson::SUCCESS) {
    message = StringField(error, "message");
    if (!message.empty()) return message;
  }
  if (FirstError(*root, &first)) return StringField(first, "title");
  return "";
}

std::string ErrorCodeFromBody(std::string_view body) {
  dom::parser parser;
  auto root = ParseRootObject(parser, body);
  dom::object first;
  if (!root.ok() || !FirstError(*root, &first)) return "";
  return StringField(first, "code");
}

std::string PageTokenFromUrl(std::string_view url) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view query = url.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    if (part.substr(0, 11) == "page_token=") {
      std::string out;
      AppendUrlDecoded(part.substr(11), &out);
      return out;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return "";
}

// ---- ResultDecoder ----

struct ResultDecoder::Impl {
  dom::parser parser;
};

ResultDecoder::ResultDecoder() : impl_(std::make_unique<Impl>()) {}
ResultDecoder::~ResultDecoder() = default;

absl::StatusOr<ResultPage> ResultDecoder::Decode(std::string_view json, const std::vector<Column>& schema) {
  FLINKDBT_ASSIGN_OR_RETURN(dom::object o, ParseRootObject(impl_->parser, json));
  ResultPage page;
  dom::object meta, results;
  bool present;
  FLINKDBT_RETURN_IF_ERROR(ReadObject(o, "metadata", "", &meta, &present));
  if (present) FLINKDBT_RETURN_IF_ERROR(ReadString(meta, "next", "metadata", &page.next_url));
  page.next_token = PageTokenFromUrl(page.next_url);
  FLINKDBT_RETURN_IF_ERROR(ReadObject(o, "results", "", &results, &present));
  if (!present) return Malformed("'results' is missing from the statement result");
  dom::array data;
  FLINKDBT_RETURN_IF_ERROR(ReadArray(results, "data", "results", &data, &present));
  if (!present) return page;
  page.rows.reserve(data.size());
  size_t r = 0;
  for (element item : data) {
    dom::object ro;
    if (item.get_object().get(ro) != simdjson::SUCCESS) {
      return WrongType(fmt::format("results.data[{}]", r), "an object", item);
    }
    ResultRow row;
    element ope;
    if (ro.at_key("op").get(ope) == simdjson::SUCCESS && !ope.is_null()) {
      int64_t op;
      if (ope.get_int64().get(op) != simdjson::SUCCESS || op < 0 || op > 3) {
        return Malformed(
            fmt::format("'results.data[{}].op' should be 0, 1, 2 or 3, got {}", r, simdjson::to_string(ope)));
      }
      row.op = static_cast<RowOp>(op);
    }
    dom::array values;
    element rowe;
    if (ro.at_key("row").get(rowe) != simdjson::SUCCESS) {
      return Malformed(fmt::format("'results.data[{}].row' is missing", r));
    }
    if (rowe.get_array().get(values) != simdjson::SUCCESS) {
      return WrongType(fmt::format("results.data[{}].row", r), "an array", rowe);
    }
    if (!schema.empty() && values.size() != schema.size()) {
      return Malformed(fmt::format("results.data[{}].row has {} values but the schema has {} columns", r,
                                   values.size(), schema.size()));
    }
    row.values.reserve(values.size());
    size_t c = 0;
    for (element v : values) {
      absl::StatusOr<Value> value =
          schema.empty() ? RawFromElement(v) : ValueFromElement(v, schema[c].type, 0);
      if (!value.ok()) {
        return absl::DataLossError(fmt::format("result row {}, column {} (`{}`): {}", r, c + 1,
                                               schema.empty() ? "" : schema[c].name,
                                               value.status().message()));
      }
      row.values.push_back(*std::move(value));
      ++c;
    }
    page.rows.push_back(std::move(row));
    ++r;
  }
  return page;
}

// ---- encoding ----

std::string EncodeAtomic(const Value& value) {
  switch (value.kind) {
    case Value::Kind::kDouble: {
      double d = value.double_value;
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return FormatDoubleShortest(d);
    }
    default:
      return value.ToString();
  }
}

void EncodeValueJson(JsonWriter& out, const Value& value) {
  switch (value.kind) {
    case Value::Kind::kNull:
      out.Null();
      return;
    case Value::Kind::kArray:
    case Value::Kind::kRow:
      out.BeginArray();
      for (const Value& v : value.items) EncodeValueJson(out, v);
      out.EndArray();
      return;
    case Value::Kind::kMap:
    case Value::Kind::kMultiset:
      out.BeginArray();
      for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
        out.BeginArray();
        EncodeValueJson(out, value.items[i]);
        EncodeValueJson(out, value.items[i + 1]);
        out.EndArray();
      }
      out.EndArray();
      return;
    default:
      out.String(EncodeAtomic(value));
  }
}

void EncodeDataType(JsonWriter& out, const DataType& type) {
  out.BeginObject();
  out.Field("type", type.type);
  out.Field("nullable", type.nullable);
  if (type.length) out.Field("length", *type.length);
  if (type.precision) out.Field("precision", *type.precision);
  if (type.scale) out.Field("scale", *type.scale);
  if (type.fractional_precision) out.Field("fractional_precision", *type.fractional_precision);
  if (!type.resolution.empty()) out.Field("resolution", type.resolution);
  if (!type.class_name.empty()) out.Field("class_name", type.class_name);
  if (type.element_type) {
    out.Key("element_type");
    EncodeDataType(out, *type.element_type);
  }
  if (type.key_type) {
    out.Key("key_type");
    EncodeDataType(out, *type.key_type);
  }
  if (type.value_type) {
    out.Key("value_type");
    EncodeDataType(out, *type.value_type);
  }
  if (!type.fields.empty()) {
    out.Key("fields").BeginArray();
    for (const RowField& f : type.fields) {
      out.BeginObject().Field("name", f.name).Key("field_type");
      EncodeDataType(out, f.type);
      if (!f.description.empty()) out.Field("description", f.description);
      out.EndObject();
    }
    out.EndArray();
  }
  out.EndObject();
}

}  // namespace flinkdbt::client
