#include "flinkdbt/jinja/value.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/hash/hash.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "jinja/heap.h"
#include "simdjson.h"

namespace flinkdbt::jinja {

using internal::BigIntObject;
using internal::DictObject;
using internal::ListObject;
using internal::StringObject;

// ---------------------------------------------------------------------------------------------
// CallArgs, Object

const Value* CallArgs::Keyword(std::string_view name) const {
  for (const auto& [k, v] : keyword) {
    if (k == name) return &v;
  }
  return nullptr;
}

const Value* CallArgs::Get(int index, std::string_view name) const {
  if (index >= 0 && static_cast<size_t>(index) < positional.size()) return &positional[index];
  return Keyword(name);
}

std::optional<Value> Object::GetAttr(std::string_view) const { return std::nullopt; }

absl::StatusOr<Value> Object::Call(CallContext&, const CallArgs&) const {
  return absl::InvalidArgumentError(fmt::format("'{}' object is not callable", TypeName()));
}

std::string Object::Str() const { return fmt::format("<{} object>", TypeName()); }

std::optional<std::vector<Value>> Object::Iterate() const { return std::nullopt; }

std::optional<absl::StatusOr<Value>> Object::Arithmetic(Operator, const Value&, bool) const {
  return std::nullopt;
}

std::optional<int> Object::CompareTo(const Value&) const { return std::nullopt; }

std::optional<size_t> Object::HashValue() const { return std::nullopt; }

std::optional<std::string> Object::CompareError(const Value&) const { return std::nullopt; }

// ---------------------------------------------------------------------------------------------
// Construction

Value Value::UndefinedWithHint(std::string hint) {
  return Value(ValueKind::kUndefined, new internal::UndefinedObject(std::move(hint)));
}

Value Value::Int128(int128 i) {
  if (i >= INT64_MIN && i <= INT64_MAX) return Int(static_cast<int64_t>(i));
  auto* b = new BigIntObject();
  b->value = i;
  return Value(ValueKind::kInt, b);
}

std::optional<Value> Value::ParseInt(std::string_view digits) {
  bool neg = false;
  size_t i = 0;
  if (i < digits.size() && (digits[i] == '-' || digits[i] == '+')) {
    neg = digits[i] == '-';
    ++i;
  }
  if (i == digits.size()) return std::nullopt;
  std::string clean;
  for (; i < digits.size(); ++i) {
    char c = digits[i];
    if (c == '_') continue;
    if (c < '0' || c > '9') return std::nullopt;
    clean.push_back(c);
  }
  if (clean.empty()) return std::nullopt;
  size_t nz = clean.find_first_not_of('0');
  clean = nz == std::string::npos ? "0" : clean.substr(nz);
  if (clean.size() <= 38) {
    int128 v = 0;
    for (char c : clean) v = v * 10 + (c - '0');
    return Int128(neg ? -v : v);
  }
  auto b = internal::BigInt::FromDecimal((neg ? "-" : "") + clean);
  if (!b) return std::nullopt;
  return internal::IntFromBig(*std::move(b));
}

namespace internal {
Value IntFromBig(BigInt b) {
  if (auto v = b.To128()) return Value::Int128(*v);
  auto* o = new BigIntObject();
  o->big = true;
  o->bigv = std::move(b);
  return Value(ValueKind::kInt, o);
}

Value IntFromDouble(double d) {
  double t = std::trunc(d);
  if (std::fabs(t) < 0x1p126) return Value::Int128(static_cast<int128>(t));
  // |t| >= 2^126: an integer mantissa of 53 bits shifted left, exactly as Python's int(float).
  int exp = 0;
  double frac = std::frexp(std::fabs(t), &exp);  // |t| = frac * 2^exp, 0.5 <= frac < 1
  auto mant = static_cast<uint64_t>(std::ldexp(frac, 53));
  int shift = exp - 53;  // >= 73 here
  BigInt b = BigInt::From128(static_cast<int128>(mant));
  BigInt limb_shift;
  limb_shift.mag.assign(static_cast<size_t>(shift / 32), 0);
  limb_shift.mag.push_back(uint32_t{1} << (shift % 32));
  b = BigInt::Mul(b, limb_shift);
  b.neg = t < 0;
  return IntFromBig(std::move(b));
}

BigInt ToBig(const Value& v) {
  if (v.is_int() && v.heap_ptr() != nullptr) {
    auto* o = static_cast<BigIntObject*>(v.heap_ptr());
    return o->big ? o->bigv : BigInt::From128(o->value);
  }
  return BigInt::From128(v.AsInt64().value_or(0));
}
}  // namespace internal

Value Value::String(std::string_view s) {
  return Value(ValueKind::kString, new StringObject(std::string(s)));
}
Value Value::String(std::string&& s) { return Value(ValueKind::kString, new StringObject(std::move(s))); }

Value Value::List(std::vector<Value> items) {
  return Value(ValueKind::kList, new ListObject(std::move(items)));
}
Value Value::Tuple(std::vector<Value> items) {
  return Value(ValueKind::kTuple, new ListObject(std::move(items)));
}

Value Value::Dict(std::vector<std::pair<Value, Value>> items) {
  auto* d = new DictObject();
  d->entries.reserve(items.size());
  for (auto& [k, v] : items) d->Set(std::move(k), std::move(v));
  return Value(ValueKind::kDict, d);
}

Value Value::Namespace(std::vector<std::pair<Value, Value>> items) {
  Value v = Dict(std::move(items));
  v.kind_ = ValueKind::kNamespace;
  return v;
}

Value Value::Callable(std::string name, NativeFunction fn) {
  auto* c = new internal::CallableObject();
  c->name = std::move(name);
  c->fn = std::move(fn);
  return Value(ValueKind::kCallable, c);
}

Value Value::FromObject(std::shared_ptr<const Object> object) {
  auto* b = new internal::ObjectBox();
  b->object = std::move(object);
  return Value(ValueKind::kObject, b);
}

// ---------------------------------------------------------------------------------------------
// Inspection

std::optional<int64_t> Value::AsInt64() const {
  if (kind_ == ValueKind::kBool) return bits_.i;
  if (kind_ != ValueKind::kInt) return std::nullopt;
  if (!heap_) return bits_.i;
  return std::nullopt;
}

std::optional<int128> Value::AsInt128() const {
  if (kind_ == ValueKind::kBool) return bits_.i;
  if (kind_ != ValueKind::kInt) return std::nullopt;
  if (!heap_) return bits_.i;
  auto* b = static_cast<BigIntObject*>(bits_.p);
  if (b->big) return std::nullopt;
  return b->value;
}

double Value::AsDouble() const {
  switch (kind_) {
    case ValueKind::kBool:
      return static_cast<double>(bits_.i);
    case ValueKind::kFloat:
      return bits_.d;
    case ValueKind::kInt: {
      if (!heap_) return static_cast<double>(bits_.i);
      auto* b = static_cast<BigIntObject*>(bits_.p);
      if (b->big) return b->bigv.ToDouble();
      return static_cast<double>(b->value);
    }
    default:
      return 0;
  }
}

std::string_view Value::AsString() const {
  if (kind_ != ValueKind::kString) return {};
  return static_cast<StringObject*>(bits_.p)->str;
}

std::span<const Value> Value::Items() const {
  if (kind_ != ValueKind::kList && kind_ != ValueKind::kTuple) return {};
  return static_cast<ListObject*>(bits_.p)->items;
}

std::vector<Value>* Value::MutableList() const {
  if (kind_ != ValueKind::kList) return nullptr;
  return &static_cast<ListObject*>(bits_.p)->items;
}

std::span<const std::pair<Value, Value>> Value::DictItems() const {
  if (!is_mapping()) return {};
  return static_cast<DictObject*>(bits_.p)->entries;
}

const Value* Value::Find(const Value& key) const {
  if (!is_mapping()) return nullptr;
  auto* d = static_cast<DictObject*>(bits_.p);
  int64_t i = d->FindIndex(key);
  return i < 0 ? nullptr : &d->entries[i].second;
}

const Value* Value::Find(std::string_view key) const {
  if (!is_mapping()) return nullptr;
  auto* d = static_cast<DictObject*>(bits_.p);
  int64_t i = d->FindIndex(key);
  return i < 0 ? nullptr : &d->entries[i].second;
}

void Value::SetItem(Value key, Value value) const {
  if (!is_mapping()) return;
  static_cast<DictObject*>(bits_.p)->Set(std::move(key), std::move(value));
}

const Object* Value::AsObject() const {
  if (kind_ != ValueKind::kObject) return nullptr;
  return static_cast<internal::ObjectBox*>(bits_.p)->object.get();
}

std::string_view Value::UndefinedHint() const {
  if (kind_ != ValueKind::kUndefined || !heap_) return {};
  return static_cast<internal::UndefinedObject*>(bits_.p)->hint;
}

// ---------------------------------------------------------------------------------------------
// Dict

size_t internal::ValueHasher::operator()(std::string_view s) const { return absl::HashOf(s); }

int64_t DictObject::FindIndex(const Value& key) const {
  if (!index.empty()) {
    auto it = index.find(key);
    return it == index.end() ? int64_t{-1} : static_cast<int64_t>(it->second);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].first.Equals(key)) return static_cast<int64_t>(i);
  }
  return -1;
}

namespace {
// Whether dict key `k` is the string `s` (inline; most mismatches decided without memcmp).
inline bool KeyIs(const Value& k, std::string_view s) {
  if (!k.is_string()) return false;
  const std::string& ks = static_cast<const StringObject*>(k.heap_ptr())->str;
  return internal::SameText(ks, s);
}
}  // namespace

int64_t DictObject::FindIndex(std::string_view key) const {
  if (!index.empty()) {
    auto it = index.find(key);
    return it == index.end() ? int64_t{-1} : static_cast<int64_t>(it->second);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (KeyIs(entries[i].first, key)) return static_cast<int64_t>(i);
  }
  return -1;
}

int64_t DictObject::FindIndex(const PrehashedKey& key) const {
  if (!index.empty()) {
    auto it = index.find(key);
    return it == index.end() ? int64_t{-1} : static_cast<int64_t>(it->second);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (KeyIs(entries[i].first, key.s)) return static_cast<int64_t>(i);
  }
  return -1;
}

void DictObject::Set(Value key, Value value) {
  int64_t i = FindIndex(key);
  if (i >= 0) {
    entries[i].second = std::move(value);
    return;
  }
  entries.emplace_back(std::move(key), std::move(value));
  if (!index.empty()) {
    index.emplace(entries.back().first, static_cast<uint32_t>(entries.size() - 1));
  } else if (entries.size() > kIndexThreshold) {
    Reindex();
  }
}

bool DictObject::Erase(const Value& key) {
  int64_t i = FindIndex(key);
  if (i < 0) return false;
  entries.erase(entries.begin() + i);
  index.clear();
  if (entries.size() > kIndexThreshold) Reindex();
  return true;
}

void DictObject::Reindex() {
  index.clear();
  index.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) index.emplace(entries[i].first, static_cast<uint32_t>(i));
}

// ---------------------------------------------------------------------------------------------
// Python behaviour

bool Value::Truthy() const {
  switch (kind_) {
    case ValueKind::kUndefined:
    case ValueKind::kNone:
      return false;
    case ValueKind::kBool:
      return bits_.i != 0;
    case ValueKind::kInt:
      return heap_ || bits_.i != 0;
    case ValueKind::kFloat:
      return bits_.d != 0;
    case ValueKind::kString:
      return !AsString().empty();
    case ValueKind::kList:
    case ValueKind::kTuple:
      return !Items().empty();
    case ValueKind::kDict:
      return !DictItems().empty();
    case ValueKind::kObject:
      return AsObject()->Truthy();
    default:
      return true;
  }
}

std::string_view Value::TypeName() const {
  switch (kind_) {
    case ValueKind::kUndefined:
      return "Undefined";
    case ValueKind::kNone:
      return "NoneType";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kFloat:
      return "float";
    case ValueKind::kString:
      return "str";
    case ValueKind::kList:
      return "list";
    case ValueKind::kTuple:
      return "tuple";
    case ValueKind::kDict:
      return "dict";
    case ValueKind::kNamespace:
      return "Namespace";
    case ValueKind::kMacro:
      return "Macro";
    case ValueKind::kCallable:
      return "function";
    case ValueKind::kObject:
      return AsObject()->TypeName();
  }
  return "object";
}

void AppendInt128(std::string* out, int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) {
    fmt::format_to(std::back_inserter(*out), "{}", static_cast<int64_t>(v));
    return;
  }
  bool neg = v < 0;
  uint128 u = neg ? -static_cast<uint128>(v) : static_cast<uint128>(v);
  char buf[64];
  int n = 0;
  while (u > 0) {
    buf[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (neg) out->push_back('-');
  while (n > 0) out->push_back(buf[--n]);
}

void AppendPyString(std::string* out, std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char q = (has_single && !has_double) ? '"' : '\'';
  out->push_back(q);
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      if (c == '\\') {
        out->append("\\\\");
      } else if (c == static_cast<unsigned char>(q)) {
        out->push_back('\\');
        out->push_back(q);
      } else if (c == '\n') {
        out->append("\\n");
      } else if (c == '\r') {
        out->append("\\r");
      } else if (c == '\t') {
        out->append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        fmt::format_to(std::back_inserter(*out), "\\x{:02x}", c);
      } else {
        out->push_back(static_cast<char>(c));
      }
      continue;
    }
    size_t start = i;
    char32_t cp = utf8::Decode(s, &i);
    if (cp <= 0xA0 || cp == 0xAD) {
      fmt::format_to(std::back_inserter(*out), "\\x{:02x}", static_cast<uint32_t>(cp));
    } else if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF) {
      fmt::format_to(std::back_inserter(*out), "\\u{:04x}", static_cast<uint32_t>(cp));
    } else {
      out->append(s.substr(start, i - start));
    }
  }
  out->push_back(q);
}

void Value::AppendStr(std::string* out) const {
  switch (kind_) {
    case ValueKind::kUndefined:
      return;
    case ValueKind::kString:
      out->append(AsString());
      return;
    case ValueKind::kInt:
      if (!heap_) {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof(buf), bits_.i);
        out->append(buf, r.ptr - buf);
        return;
      }
      if (auto* b = static_cast<BigIntObject*>(bits_.p); b->big) {
        out->append(b->bigv.ToDecimal());
      } else {
        AppendInt128(out, b->value);
      }
      return;
    case ValueKind::kObject:
      out->append(AsObject()->Str());
      return;
    default:
      AppendRepr(out);
  }
}

namespace {

// repr() with an explicit nesting depth: self-containing lists print as [...] like Python's, and
// pathological nesting stays bounded.
void AppendReprAt(const Value& v, std::string* out, int depth) {
  if (depth > 200 && (v.is_sequence() || v.is_mapping())) {
    out->append(v.is_list() ? "[...]" : v.is_tuple() ? "(...)" : "{...}");
    return;
  }
  switch (v.kind()) {
    case ValueKind::kUndefined:
      out->append("Undefined");
      return;
    case ValueKind::kNone:
      out->append("None");
      return;
    case ValueKind::kBool:
      out->append(v.AsBool() ? "True" : "False");
      return;
    case ValueKind::kInt:
      v.AppendStr(out);
      return;
    case ValueKind::kFloat:
      out->append(FormatDoubleShortest(v.AsDouble()));
      return;
    case ValueKind::kString:
      AppendPyString(out, v.AsString());
      return;
    case ValueKind::kList:
    case ValueKind::kTuple: {
      bool tuple = v.is_tuple();
      out->push_back(tuple ? '(' : '[');
      auto items = v.Items();
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out->append(", ");
        AppendReprAt(items[i], out, depth + 1);
      }
      if (tuple && items.size() == 1) out->push_back(',');
      out->push_back(tuple ? ')' : ']');
      return;
    }
    case ValueKind::kDict:
    case ValueKind::kNamespace: {
      if (v.is_namespace()) out->append("<Namespace ");
      out->push_back('{');
      bool first = true;
      for (const auto& [k, x] : v.DictItems()) {
        if (!first) out->append(", ");
        first = false;
        AppendReprAt(k, out, depth + 1);
        out->append(": ");
        AppendReprAt(x, out, depth + 1);
      }
      out->push_back('}');
      if (v.is_namespace()) out->push_back('>');
      return;
    }
    case ValueKind::kMacro:
      fmt::format_to(std::back_inserter(*out), "<Macro '{}'>", v.CallableName());
      return;
    case ValueKind::kCallable:
      fmt::format_to(std::back_inserter(*out), "<function {}>", v.CallableName());
      return;
    case ValueKind::kObject:
      out->append(v.AsObject()->Str());
      return;
  }
}

}  // namespace

void Value::AppendRepr(std::string* out) const { AppendReprAt(*this, out, 0); }

std::string Value::Str() const {
  std::string s;
  AppendStr(&s);
  return s;
}

std::string Value::Repr() const {
  std::string s;
  AppendRepr(&s);
  return s;
}

bool Value::Equals(const Value& o) const {
  if (heap_ && bits_.p == o.heap_ptr() && kind_ == o.kind_) return true;  // identity, as Python
  if (is_number() && o.is_number()) {
    if (is_float() || o.is_float()) return AsDouble() == o.AsDouble();
    auto a = AsInt128();
    auto b = o.AsInt128();
    if (a && b) return *a == *b;
    return internal::BigInt::Compare(internal::ToBig(*this), internal::ToBig(o)) == 0;
  }
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case ValueKind::kUndefined:
    case ValueKind::kNone:
      return true;
    case ValueKind::kString:
      return AsString() == o.AsString();
    case ValueKind::kList:
    case ValueKind::kTuple: {
      auto a = Items(), b = o.Items();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].Equals(b[i])) return false;
      }
      return true;
    }
    case ValueKind::kDict: {
      auto a = DictItems();
      if (a.size() != o.DictItems().size()) return false;
      for (const auto& [k, v] : a) {
        const Value* ov = o.Find(k);
        if (ov == nullptr || !ov->Equals(v)) return false;
      }
      return true;
    }
    case ValueKind::kObject: {
      if (AsObject() == o.AsObject()) return true;
      if (AsObject() == nullptr || o.AsObject() == nullptr) return false;
      auto c = AsObject()->CompareTo(o);
      return c.has_value() && *c == 0;
    }
    default:
      return heap_ptr() == o.heap_ptr();
  }
}

size_t Value::Hash() const {
  switch (kind_) {
    case ValueKind::kString:
      return absl::HashOf(AsString());
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kFloat: {
      if (is_float()) {
        double d = bits_.d;
        if (std::floor(d) == d && std::fabs(d) < 9e18) return absl::HashOf(static_cast<int64_t>(d));
        return absl::HashOf(d);
      }
      if (auto i = AsInt64()) return absl::HashOf(*i);
      return absl::HashOf(Str());
    }
    case ValueKind::kTuple: {
      size_t h = 0x345678;
      for (const Value& v : Items()) h = h * 1000003 ^ v.Hash();
      return h;
    }
    case ValueKind::kNone:
      return 0x9e3779b9;
    case ValueKind::kObject:
      if (const Object* o = AsObject()) {
        if (auto h = o->HashValue()) return *h;
      }
      return absl::HashOf(reinterpret_cast<uintptr_t>(AsObject()));
    default:
      return absl::HashOf(reinterpret_cast<uintptr_t>(heap_ptr()));
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

// Integers simdjson cannot hold (beyond 64 bits) are swapped for marker strings before parsing and
// swapped back as exact ints: "\u0001bigint:<index into big>".
constexpr std::string_view kBigIntMarker =
    "\x01"
    "bigint:";

absl::StatusOr<Value> FromJsonElement(simdjson::dom::element el, const std::vector<Value>& big) {
  switch (el.type()) {
    case simdjson::dom::element_type::ARRAY: {
      std::vector<Value> items;
      for (simdjson::dom::element child : el.get_array()) {
        auto v = FromJsonElement(child, big);
        if (!v.ok()) return v;
        items.push_back(*std::move(v));
      }
      return Value::List(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::pair<Value, Value>> items;
      for (auto field : el.get_object()) {
        auto v = FromJsonElement(field.value, big);
        if (!v.ok()) return v;
        items.emplace_back(Value::String(std::string_view(field.key)), *std::move(v));
      }
      return Value::Dict(std::move(items));
    }
    case simdjson::dom::element_type::INT64:
      return Value::Int(int64_t(el));
    case simdjson::dom::element_type::UINT64:
      return Value::Int128(static_cast<int128>(uint64_t(el)));
    case simdjson::dom::element_type::DOUBLE:
      return Value::Float(double(el));
    case simdjson::dom::element_type::STRING: {
      std::string_view str(el);
      if (!big.empty() && str.starts_with(kBigIntMarker)) {
        size_t k = 0;
        for (char c : str.substr(kBigIntMarker.size())) k = k * 10 + static_cast<size_t>(c - '0');
        if (k < big.size()) return big[k];
      }
      return Value::String(str);
    }
    case simdjson::dom::element_type::BOOL:
      return Value::Bool(bool(el));
    case simdjson::dom::element_type::NULL_VALUE:
      return Value::None();
  }
  return Value::None();
}

}  // namespace

// Rewrites integer literals of 19 or more digits into marker strings (see kBigIntMarker), appending
// their values to *big. Returns false when there is nothing to rewrite (or the input already
// contains the marker).
bool RewriteBigInts(std::string_view json, std::string* out, std::vector<Value>* big) {
  if (json.find("\\u0001bigint:") != std::string_view::npos) return false;
  bool in_string = false;
  size_t copied = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && !(c >= '0' && c <= '9')) continue;
    size_t b = i;
    size_t d = c == '-' ? i + 1 : i;
    size_t e = d;
    while (e < json.size() && json[e] >= '0' && json[e] <= '9') ++e;
    bool is_int = e > d && (e >= json.size() || (json[e] != '.' && json[e] != 'e' && json[e] != 'E'));
    size_t end = e;
    while (end < json.size() &&
           (json[end] == '.' || json[end] == 'e' || json[end] == 'E' || json[end] == '+' ||
            json[end] == '-' || (json[end] >= '0' && json[end] <= '9'))) {
      ++end;
    }
    if (is_int && e - d >= 19) {
      auto v = Value::ParseInt(json.substr(b, e - b));
      if (v) {
        out->append(json.substr(copied, b - copied));
        out->append(fmt::format("\"\\u0001bigint:{}\"", big->size()));
        big->push_back(*std::move(v));
        copied = e;
      }
    }
    i = end - 1;
  }
  if (big->empty()) return false;
  out->append(json.substr(copied));
  return true;
}

absl::StatusOr<Value> ValueFromJson(std::string_view json) {
  simdjson::dom::parser parser;
  std::string rewritten;
  std::vector<Value> big;
  if (RewriteBigInts(json, &rewritten, &big)) json = rewritten;
  simdjson::padded_string padded(json.data(), json.size());
  simdjson::dom::element root;
  auto error = parser.parse(padded).get(root);
  if (error) {
    return absl::InvalidArgumentError(fmt::format("invalid JSON: {}", simdjson::error_message(error)));
  }
  return FromJsonElement(root, big);
}

}  // namespace flinkdbt::jinja
