#include "flinkdbt/project/value.h"

#include <algorithm>
#include <cmath>

#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace flinkdbt::project {

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.b_ = b;
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = Kind::kInt;
  v.i_ = i;
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.kind_ = Kind::kDouble;
  v.d_ = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.s_ = std::move(s);
  return v;
}
Value Value::MakeList(List items) {
  Value v;
  v.kind_ = Kind::kList;
  v.list_ = std::move(items);
  return v;
}
Value Value::MakeMap(Map entries) {
  Value v;
  v.kind_ = Kind::kMap;
  v.map_ = std::move(entries);
  return v;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kMap) return nullptr;
  for (const auto& [k, v] : map_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) {
  if (kind_ != Kind::kMap) return nullptr;
  for (auto& [k, v] : map_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Value::Set(std::string key, Value value) {
  if (kind_ == Kind::kNull) kind_ = Kind::kMap;
  for (auto& [k, v] : map_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  map_.emplace_back(std::move(key), std::move(value));
}

bool Value::Erase(std::string_view key) {
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    if (it->first == key) {
      map_.erase(it);
      return true;
    }
  }
  return false;
}

Value::Value(const Value& other)
    : kind_(other.kind_),
      b_(other.b_),
      quoted_(other.quoted_),
      i_(other.i_),
      d_(other.d_),
      s_(other.s_),
      list_(other.list_),
      map_(other.map_),
      where_(other.where_ ? std::make_unique<Where>(*other.where_) : nullptr) {}

Value& Value::operator=(const Value& other) {
  if (this != &other) *this = Value(other);
  return *this;
}

const SourceLocation& Value::location() const {
  static const SourceLocation kNowhere;
  return where_ ? where_->loc : kNowhere;
}

void Value::set_location(SourceLocation loc) {
  if (!where_) {
    if (loc == SourceLocation{}) return;
    where_ = std::make_unique<Where>();
  }
  where_->loc = std::move(loc);
}

SourceLocation Value::KeyLocation(std::string_view key) const {
  if (where_) {
    for (const auto& [k, loc] : where_->key_locs) {
      if (k == key) return loc;
    }
  }
  const Value* v = Find(key);
  return v ? v->location() : location();
}

void Value::SetKeyLocation(std::string_view key, SourceLocation loc) {
  if (!where_) where_ = std::make_unique<Where>();
  where_->key_locs.emplace_back(std::string(key), std::move(loc));
}

bool Value::Truthy() const {
  switch (kind_) {
    case Kind::kNull:
      return false;
    case Kind::kBool:
      return b_;
    case Kind::kInt:
      return i_ != 0;
    case Kind::kDouble:
      return d_ != 0;
    case Kind::kString:
      return !s_.empty();
    case Kind::kList:
      return !list_.empty();
    case Kind::kMap:
      return !map_.empty();
  }
  return false;
}

std::string_view Value::KindName() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "a boolean";
    case Kind::kInt:
      return "an integer";
    case Kind::kDouble:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kList:
      return "a list";
    case Kind::kMap:
      return "a dictionary";
  }
  return "?";
}

namespace {
std::string PyStrRepr(const std::string& s) {
  // Python's repr of a str: single quotes unless the text holds a single quote and no double.
  char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == static_cast<unsigned char>(q)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
  return out;
}
}  // namespace

std::string Value::ToPythonStr() const {
  if (kind_ == Kind::kString) return s_;
  return ToPythonRepr();
}

std::string Value::ToPythonRepr() const {
  switch (kind_) {
    case Kind::kNull:
      return "None";
    case Kind::kBool:
      return b_ ? "True" : "False";
    case Kind::kInt:
      return std::to_string(i_);
    case Kind::kDouble:
      return FormatDoubleShortest(d_);
    case Kind::kString:
      return PyStrRepr(s_);
    case Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < list_.size(); ++i) {
        if (i) out += ", ";
        out += list_[i].ToPythonRepr();
      }
      return out + "]";
    }
    case Kind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < map_.size(); ++i) {
        if (i) out += ", ";
        out += PyStrRepr(map_[i].first) + ": " + map_[i].second.ToPythonRepr();
      }
      return out + "}";
    }
  }
  return "";
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.i_ == b.i_;
    return a.as_double() == b.as_double();
  }
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.b_ == b.b_;
    case Value::Kind::kString:
      return a.s_ == b.s_;
    case Value::Kind::kList:
      return a.list_ == b.list_;
    case Value::Kind::kMap: {
      if (a.map_.size() != b.map_.size()) return false;
      for (const auto& [k, v] : a.map_) {
        const Value* o = b.Find(k);
        if (!o || !(*o == v)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

void WriteJson(JsonWriter& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      w.Null();
      break;
    case Value::Kind::kBool:
      w.Bool(v.as_bool());
      break;
    case Value::Kind::kInt:
      w.Int(v.as_int());
      break;
    case Value::Kind::kDouble:
      w.Double(v.as_double());
      break;
    case Value::Kind::kString:
      w.String(v.as_string());
      break;
    case Value::Kind::kList:
      w.BeginArray();
      for (const Value& item : v.list()) WriteJson(w, item);
      w.EndArray();
      break;
    case Value::Kind::kMap:
      w.BeginObject();
      for (const auto& [k, item] : v.map()) {
        w.Key(k);
        WriteJson(w, item);
      }
      w.EndObject();
      break;
  }
}

std::string ToJson(const Value& v, int indent) {
  JsonWriter w(JsonWriterOptions{.indent = indent, .ensure_ascii = true});
  WriteJson(w, v);
  return w.str();
}

namespace {
void DumpPython(std::string* out, const Value& v, bool sort_keys) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      *out += "null";
      break;
    case Value::Kind::kBool:
      *out += v.as_bool() ? "true" : "false";
      break;
    case Value::Kind::kInt:
      *out += std::to_string(v.as_int());
      break;
    case Value::Kind::kDouble: {
      std::string d = FormatDoubleShortest(v.as_double());
      if (d == "inf") d = "Infinity";
      if (d == "-inf") d = "-Infinity";
      if (d == "nan") d = "NaN";
      *out += d;
      break;
    }
    case Value::Kind::kString:
      AppendJsonString(out, v.as_string(), true);
      break;
    case Value::Kind::kList:
      *out += '[';
      for (size_t i = 0; i < v.list().size(); ++i) {
        if (i) *out += ", ";
        DumpPython(out, v.list()[i], sort_keys);
      }
      *out += ']';
      break;
    case Value::Kind::kMap: {
      std::vector<const std::pair<std::string, Value>*> entries;
      for (const auto& e : v.map()) entries.push_back(&e);
      if (sort_keys) {
        std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
      }
      *out += '{';
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) *out += ", ";
        AppendJsonString(out, entries[i]->first, true);
        *out += ": ";
        DumpPython(out, entries[i]->second, sort_keys);
      }
      *out += '}';
      break;
    }
  }
}
}  // namespace

std::string ToPythonJson(const Value& v, bool sort_keys) {
  std::string out;
  DumpPython(&out, v, sort_keys);
  return out;
}

namespace {
absl::StatusOr<Value> FromSimdjson(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      Value out = Value::MakeList();
      for (simdjson::dom::element item : e.get_array()) {
        FLINKDBT_ASSIGN_OR_RETURN(Value v, FromSimdjson(item));
        out.Push(std::move(v));
      }
      return out;
    }
    case simdjson::dom::element_type::OBJECT: {
      Value out = Value::MakeMap();
      for (auto field : e.get_object()) {
        FLINKDBT_ASSIGN_OR_RETURN(Value v, FromSimdjson(field.value));
        out.map().emplace_back(std::string(field.key), std::move(v));
      }
      return out;
    }
    case simdjson::dom::element_type::INT64:
      return Value::Int(int64_t(e));
    case simdjson::dom::element_type::UINT64:
      return Value::Int(static_cast<int64_t>(uint64_t(e)));
    case simdjson::dom::element_type::DOUBLE:
      return Value::Double(double(e));
    case simdjson::dom::element_type::STRING:
      return Value::String(std::string(std::string_view(e)));
    case simdjson::dom::element_type::BOOL:
      return Value::Bool(bool(e));
    case simdjson::dom::element_type::NULL_VALUE:
      return Value::Null();
  }
  return Value::Null();
}
}  // namespace

absl::StatusOr<Value> ParseJson(std::string_view text, std::string_view file) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  auto error = parser.parse(padded).get(root);
  if (error) {
    return InvalidInputError(SourceLocation{std::string(file), 0, 0},
                             fmt::format("{}: invalid JSON: {}", file, simdjson::error_message(error)));
  }
  return FromSimdjson(root);
}

}  // namespace flinkdbt::project
