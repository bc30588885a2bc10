// The builtin filters and tests of Jinja2 3.1, and the builtin globals.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "jinja/render.h"
#include "jinja/text.h"
#include "re2/re2.h"

namespace flinkdbt::jinja::internal {
namespace {

using Result = absl::StatusOr<Value>;

// Bound on padding widths (center, indent...): a typo like width=10**12 is an error, not an
// attempt to allocate a terabyte.
constexpr int64_t kMaxPadding = int64_t{1} << 24;

absl::Status TypeError(std::string msg) { return absl::InvalidArgumentError("TypeError: " + msg); }

const Value* Arg(const CallArgs& a, int i, std::string_view name) { return a.Get(i, name); }
bool BoolArg(const CallArgs& a, int i, std::string_view name, bool dflt) {
  const Value* v = a.Get(i, name);
  return v ? v->Truthy() : dflt;
}
int64_t IntArg(const CallArgs& a, int i, std::string_view name, int64_t dflt) {
  const Value* v = a.Get(i, name);
  if (v == nullptr || !(v->is_int() || v->is_bool() || v->is_float())) return dflt;
  if (v->is_float()) {
    // Saturated: beyond ±2^63 every use of the argument (widths, counts, precisions) is out of
    // range anyway, and the callers bound it.
    double d = v->AsDouble();
    if (std::isnan(d)) return dflt;
    if (d >= 0x1p63) return std::numeric_limits<int64_t>::max();
    if (d <= -0x1p63) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(d);
  }
  if (auto i = v->AsInt64()) return *i;
  // Integers beyond 64 bits saturate the same way.
  return v->is_int() && v->AsDouble() > 0 ? std::numeric_limits<int64_t>::max()
         : v->is_int()                    ? std::numeric_limits<int64_t>::min()
                                          : dflt;
}
std::string StrArg(const CallArgs& a, int i, std::string_view name, std::string_view dflt) {
  const Value* v = a.Get(i, name);
  return v ? v->Str() : std::string(dflt);
}

absl::StatusOr<std::string> ToStr(Renderer& r, const Value& v) {
  if (v.is_undefined() && r.undefined_mode() == UndefinedMode::kStrict) return r.UndefinedError(v);
  return v.Str();
}

// str(v) without a copy when v already is a string (the view then points into v, else into *storage).
absl::StatusOr<std::string_view> ToStrView(Renderer& r, const Value& v, std::string* storage) {
  if (v.is_string()) return v.AsString();
  FLINKDBT_ASSIGN_OR_RETURN(*storage, ToStr(r, v));
  return std::string_view(*storage);
}

absl::Status CheckDefined(Renderer& r, const Value& v) {
  if (v.is_undefined() && r.undefined_mode() == UndefinedMode::kStrict) return r.UndefinedError(v);
  return absl::OkStatus();
}

// Sorting key: case-insensitive strings unless case_sensitive.
Value SortKey(const Value& v, bool case_sensitive) {
  if (!case_sensitive && v.is_string()) return Value::String(text::Lower(v.AsString()));
  return v;
}

absl::Status SortValues(std::vector<Value>& items,
                        const std::function<absl::StatusOr<Value>(const Value&)>& key, bool reverse) {
  std::vector<std::pair<Value, Value>> keyed;
  keyed.reserve(items.size());
  for (Value& v : items) {
    FLINKDBT_ASSIGN_OR_RETURN(Value k, key(v));
    keyed.emplace_back(std::move(k), std::move(v));
  }
  absl::Status err;
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    if (!err.ok()) return false;
    auto lt = reverse ? LessThan(y.first, x.first) : LessThan(x.first, y.first);
    if (!lt.ok()) {
      err = lt.status();
      return false;
    }
    return *lt;
  });
  FLINKDBT_RETURN_IF_ERROR(err);
  items.clear();
  for (auto& [k, v] : keyed) items.push_back(std::move(v));
  return absl::OkStatus();
}

// Jinja's make_attrgetter: attribute may be "a.b" or an int index; `default` for undefined.
absl::StatusOr<Value> AttrGet(Renderer& r, const Value& item, const Value& attr,
                              const Value* dflt = nullptr) {
  if (attr.is_none() || attr.is_undefined()) return item;
  FLINKDBT_ASSIGN_OR_RETURN(Value v, r.GetDotted(item, attr));
  if (v.is_undefined() && dflt != nullptr) return *dflt;
  return v;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// A Python iterator (what map/select/batch/items... return in Jinja2): one-shot, always truthy,
// printed as Python prints a generator.
class IteratorObject : public Object {
 public:
  IteratorObject(std::string type, std::vector<Value> items)
      : type_(std::move(type)), items_(std::move(items)) {}
  std::string_view TypeName() const override {
    if (type_.starts_with("generator")) return "generator";
    return type_;
  }
  std::optional<std::vector<Value>> Iterate() const override {
    std::vector<Value> out = std::move(items_);
    items_.clear();
    return out;
  }
  std::string Str() const override {
    return fmt::format("<{} at 0x{:x}>", type_, reinterpret_cast<uintptr_t>(this));
  }
  std::string type_;
  mutable std::vector<Value> items_;
};

Value Generator(std::string_view fn, std::vector<Value> items) {
  return Value::FromObject(
      std::make_shared<IteratorObject>(fmt::format("generator object {}", fn), std::move(items)));
}

// ---- filters --------------------------------------------------------------------------------

Result FAbs(Renderer&, const Value& v, const CallArgs&) {
  if (v.is_float()) return Value::Float(std::fabs(v.AsDouble()));
  if (v.is_int() || v.is_bool()) {
    auto i = v.AsInt128();
    if (!i) return v;
    return Value::Int128(*i < 0 ? -*i : *i);
  }
  return TypeError(fmt::format("bad operand type for abs(): '{}'", v.TypeName()));
}

Result FAttr(Renderer& r, const Value& v, const CallArgs& a) {
  const Value* name = Arg(a, 0, "name");
  if (name == nullptr || !name->is_string()) return Value();
  // Python getattr only: dict keys are not attributes.
  if (v.is_dict() && !HasBuiltinMethod(v, name->AsString())) {
    return Value::UndefinedWithHint(fmt::format("'dict object' has no attribute '{}'", name->AsString()));
  }
  return r.GetAttr(v, name->AsString());
}

Result FBatch(Renderer& r, const Value& v, const CallArgs& a) {
  int64_t n = IntArg(a, 0, "linecount", 1);
  if (n <= 0) return absl::InvalidArgumentError("ValueError: linecount must be positive");
  const Value* fill = Arg(a, 1, "fill_with");
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  std::vector<Value> out, cur;
  for (Value& x : items) {
    if (static_cast<int64_t>(cur.size()) == n) {
      out.push_back(Value::List(std::move(cur)));
      cur.clear();
    }
    cur.push_back(std::move(x));
  }
  if (!cur.empty()) {
    if (fill != nullptr && !fill->is_none()) {
      while (static_cast<int64_t>(cur.size()) < n) cur.push_back(*fill);
    }
    out.push_back(Value::List(std::move(cur)));
  }
  return Generator("do_batch", std::move(out));
}

Result FCapitalize(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  return Value::String(text::Capitalize(s));
}

Result FCenter(Renderer& r, const Value& v, const CallArgs& a) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  int64_t width = IntArg(a, 0, "width", 80);
  if (width > kMaxPadding) return absl::InvalidArgumentError("MemoryError: width too large");
  return Value::String(text::Center(s, width, " "));
}

Result FDefault(Renderer&, const Value& v, const CallArgs& a) {
  bool boolean = BoolArg(a, 1, "boolean", false);
  if (v.is_undefined() || (boolean && !v.Truthy())) {
    const Value* d = Arg(a, 0, "default_value");
    return d ? *d : Value::String("");
  }
  return v;
}

Result FDictsort(Renderer&, const Value& v, const CallArgs& a) {
  if (!v.is_mapping()) return absl::InvalidArgumentError("TypeError: dictsort expects a mapping");
  bool cs = BoolArg(a, 0, "case_sensitive", false);
  std::string by = StrArg(a, 1, "by", "key");
  bool reverse = BoolArg(a, 2, "reverse", false);
  int pos;
  if (by == "key") {
    pos = 0;
  } else if (by == "value") {
    pos = 1;
  } else {
    return absl::InvalidArgumentError(
        "FilterArgumentError: You can only sort by either \"key\" or \"value\"");
  }
  std::vector<Value> items;
  for (const auto& [k, val] : v.DictItems()) items.push_back(Value::Tuple({k, val}));
  FLINKDBT_RETURN_IF_ERROR(SortValues(
      items, [&](const Value& t) -> absl::StatusOr<Value> { return SortKey(t.Items()[pos], cs); }, reverse));
  return Value::List(std::move(items));
}

Result FEscape(Renderer& r, const Value& v, const CallArgs&) {
  if (IsSafe(v)) return v;
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  return MarkSafe(HtmlEscape(s));
}
Result FForceescape(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  return MarkSafe(HtmlEscape(s));
}

Result FFilesizeformat(Renderer&, const Value& v, const CallArgs& a) {
  bool binary = BoolArg(a, 0, "binary", false);
  double bytes = v.is_string() ? std::strtod(std::string(v.AsString()).c_str(), nullptr) : v.AsDouble();
  double base = binary ? 1024 : 1000;
  static const char* kDec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* kBin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return Value::String("1 Byte");
  if (bytes < base) return Value::String(fmt::format("{} Bytes", static_cast<int64_t>(bytes)));
  for (int i = 0; i < 8; ++i) {
    double unit = std::pow(base, i + 2);
    if (bytes < unit || i == 7) {
      return Value::String(fmt::format("{:.1f} {}", base * bytes / unit, binary ? kBin[i] : kDec[i]));
    }
  }
  return Value::String("");
}

Result FFirst(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  if (items.empty()) return Value::UndefinedWithHint("No first item, sequence was empty.");
  return items[0];
}

Result FLast(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  if (items.empty()) return Value::UndefinedWithHint("No last item, sequence was empty.");
  return items.back();
}

std::optional<double> ParseFloat(std::string_view s) {
  std::string t(text::Strip(s, {}));
  std::string clean;
  for (char c : t) {
    if (c != '_') clean.push_back(c);
  }
  if (clean.empty()) return std::nullopt;
  std::string low = text::Lower(clean);
  if (low == "inf" || low == "+inf" || low == "infinity" || low == "+infinity") return INFINITY;
  if (low == "-inf" || low == "-infinity") return -INFINITY;
  if (low == "nan" || low == "+nan" || low == "-nan") return NAN;
  char* end = nullptr;
  double d = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return std::nullopt;
  if (low.find("0x") != std::string::npos) return std::nullopt;
  return d;
}

Result FFloat(Renderer&, const Value& v, const CallArgs& a) {
  const Value* dflt = Arg(a, 0, "default");
  Value d = dflt ? *dflt : Value::Float(0.0);
  if (v.is_number()) return Value::Float(v.AsDouble());
  if (v.is_string()) {
    auto f = ParseFloat(v.AsString());
    return f ? Value::Float(*f) : d;
  }
  return d;
}

Result FInt(Renderer&, const Value& v, const CallArgs& a) {
  const Value* dflt = Arg(a, 0, "default");
  Value d = dflt ? *dflt : Value::Int(0);
  int64_t base = IntArg(a, 1, "base", 10);
  if (v.is_int()) return v;
  if (v.is_bool()) return Value::Int(v.AsBool());
  if (v.is_float()) {
    double x = v.AsDouble();
    if (std::isnan(x) || std::isinf(x)) return d;
    return IntFromDouble(x);
  }
  if (v.is_string()) {
    std::string s(text::Strip(v.AsString(), {}));
    std::string clean;
    for (char c : s) {
      if (c != '_') clean.push_back(c);
    }
    bool neg = false;
    size_t i = 0;
    if (i < clean.size() && (clean[i] == '-' || clean[i] == '+')) neg = clean[i++] == '-';
    int b = static_cast<int>(base);
    std::string low = text::Lower(clean.substr(i));
    if (low.size() > 2 && low[0] == '0' &&
        ((b == 16 && low[1] == 'x') || (b == 8 && low[1] == 'o') || (b == 2 && low[1] == 'b'))) {
      low = low.substr(2);
    }
    if (!low.empty() && b >= 2 && b <= 36) {
      int128 acc = 0;
      bool ok = true;
      for (char c : low) {
        int dgt = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : 99;
        if (dgt >= b || __builtin_mul_overflow(acc, b, &acc) || __builtin_add_overflow(acc, dgt, &acc)) {
          ok = false;
          break;
        }
      }
      if (ok) return Value::Int128(neg ? -acc : acc);
    }
    // Jinja falls back to int(float(value)).
    auto f = ParseFloat(v.AsString());
    if (f && !std::isnan(*f) && !std::isinf(*f)) return IntFromDouble(*f);
    return d;
  }
  return d;
}

Result FFormat(Renderer&, const Value& v, const CallArgs& a) {
  if (!a.positional.empty() && !a.keyword.empty()) {
    return absl::InvalidArgumentError(
        "FilterArgumentError: can't handle positional and keyword arguments at the same time");
  }
  if (!a.keyword.empty()) {
    std::vector<std::pair<Value, Value>> kv;
    for (const auto& [k, x] : a.keyword) kv.emplace_back(Value::String(k), x);
    return PercentFormat(Value::String(v.Str()), Value::Dict(std::move(kv)));
  }
  return PercentFormat(Value::String(v.Str()),
                       Value::Tuple(std::vector<Value>(a.positional.begin(), a.positional.end())));
}

class GroupTuple : public Object {
 public:
  GroupTuple(Value g, Value l) : grouper(std::move(g)), list(std::move(l)) {}
  std::string_view TypeName() const override { return "_GroupTuple"; }
  std::optional<Value> GetAttr(std::string_view name) const override {
    if (name == "grouper") return grouper;
    if (name == "list") return list;
    return std::nullopt;
  }
  std::optional<std::vector<Value>> Iterate() const override { return std::vector<Value>{grouper, list}; }
  std::string Str() const override { return fmt::format("({}, {})", grouper.Repr(), list.Repr()); }
  Value grouper, list;
};

Result FGroupby(Renderer& r, const Value& v, const CallArgs& a) {
  const Value* attr = Arg(a, 0, "attribute");
  const Value* dflt = Arg(a, 1, "default");
  bool cs = BoolArg(a, 2, "case_sensitive", false);
  if (attr == nullptr) return TypeError("groupby() missing required argument 'attribute'");
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  FLINKDBT_RETURN_IF_ERROR(SortValues(
      items,
      [&](const Value& x) -> absl::StatusOr<Value> {
        FLINKDBT_ASSIGN_OR_RETURN(Value k, AttrGet(r, x, *attr, dflt));
        return SortKey(k, cs);
      },
      false));
  std::vector<Value> out;
  Value cur_key;
  Value cur_display;
  std::vector<Value> cur;
  bool have = false;
  for (Value& x : items) {
    FLINKDBT_ASSIGN_OR_RETURN(Value k, AttrGet(r, x, *attr, dflt));
    Value sk = SortKey(k, cs);
    if (have && sk.Equals(cur_key)) {
      cur.push_back(std::move(x));
      continue;
    }
    if (have) {
      out.push_back(
          Value::FromObject(std::make_shared<GroupTuple>(cur_display, Value::List(std::move(cur)))));
      cur.clear();
    }
    have = true;
    cur_key = sk;
    cur_display = k;
    cur.push_back(std::move(x));
  }
  if (have)
    out.push_back(Value::FromObject(std::make_shared<GroupTuple>(cur_display, Value::List(std::move(cur)))));
  return Value::List(std::move(out));
}

Result FIndent(Renderer& r, const Value& v, const CallArgs& a) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  const Value* w = Arg(a, 0, "width");
  int64_t iw = IntArg(a, 0, "width", 4);
  if (iw > kMaxPadding) return absl::InvalidArgumentError("MemoryError: width too large");
  std::string indent = w == nullptr     ? "    "
                       : w->is_string() ? std::string(w->AsString())
                                        : std::string(static_cast<size_t>(std::max<int64_t>(0, iw)), ' ');
  bool first = BoolArg(a, 1, "first", false);
  bool blank = BoolArg(a, 2, "blank", false);
  std::string nl = "\n";
  s += nl;
  std::vector<std::string> lines;
  size_t start = 0;
  while (true) {
    size_t p = s.find('\n', start);
    if (p == std::string::npos) {
      lines.push_back(s.substr(start));
      break;
    }
    lines.push_back(s.substr(start, p - start));
    start = p + 1;
  }
  // s ended with "\n": the split yields a trailing empty piece, as Python's splitlines does not.
  lines.pop_back();
  std::string rv;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      rv += lines[0];
      continue;
    }
    rv += nl;
    if (blank || !text::Strip(lines[i], {}).empty()) {
      rv += indent + lines[i];
    } else {
      rv += lines[i];
    }
  }
  if (first) rv = indent + rv;
  return Value::String(std::move(rv));
}

Result FItems(Renderer&, const Value& v, const CallArgs&) {
  if (v.is_undefined()) return Value::List();
  if (!v.is_mapping()) {
    return TypeError(fmt::format("Can only get item pairs from a mapping."));
  }

  std::vector<Value> out;
  for (const auto& [k, x] : v.DictItems()) out.push_back(Value::Tuple({k, x}));
  return Generator("do_items", std::move(out));
}

Result FJoin(Renderer& r, const Value& v, const CallArgs& a) {
  std::string sep = StrArg(a, 0, "d", "");
  const Value* attr = Arg(a, 1, "attribute");
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    Value x = items[i];
    if (attr != nullptr) {
      FLINKDBT_ASSIGN_OR_RETURN(x, AttrGet(r, x, *attr));
    }
    FLINKDBT_RETURN_IF_ERROR(CheckDefined(r, x));
    x.AppendStr(&out);
  }
  return Value::String(std::move(out));
}

Result FLength(Renderer& r, const Value& v, const CallArgs&) {
  switch (v.kind()) {
    case ValueKind::kString:
      return Value::Int(static_cast<int64_t>(utf8::Length(v.AsString())));
    case ValueKind::kList:
    case ValueKind::kTuple:
      return Value::Int(static_cast<int64_t>(v.Items().size()));
    case ValueKind::kDict:
    case ValueKind::kNamespace:
      return Value::Int(static_cast<int64_t>(v.DictItems().size()));
    case ValueKind::kUndefined:
      FLINKDBT_RETURN_IF_ERROR(CheckDefined(r, v));
      return Value::Int(0);
    case ValueKind::kObject: {
      if (dynamic_cast<const IteratorObject*>(v.AsObject()) != nullptr) break;
      auto items = v.AsObject()->Iterate();
      if (items) return Value::Int(static_cast<int64_t>(items->size()));
      break;
    }
    default:
      break;
  }
  return TypeError(fmt::format("object of type '{}' has no len()", v.TypeName()));
}

Result FList(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  return Value::List(std::move(items));
}

Result FLower(Renderer& r, const Value& v, const CallArgs&) {
  std::string storage;
  FLINKDBT_ASSIGN_OR_RETURN(std::string_view s, ToStrView(r, v, &storage));
  return Value::String(text::Lower(s));
}

Result FUpper(Renderer& r, const Value& v, const CallArgs&) {
  std::string storage;
  FLINKDBT_ASSIGN_OR_RETURN(std::string_view s, ToStrView(r, v, &storage));
  return Value::String(text::Upper(s));
}

Result FMap(Renderer& r, const Value& v, const CallArgs& a) {
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  std::vector<Value> out;
  if (a.positional.empty()) {
    const Value* attr = a.Keyword("attribute");
    if (attr == nullptr) return Generator("sync_do_map", std::move(items));
    const Value* dflt = a.Keyword("default");
    // map(attribute='name') over dicts: the key is hashed once, not per item.
    std::string_view key = attr->is_string() ? attr->AsString() : std::string_view();
    bool plain_key = attr->is_string() && key.find('.') == std::string_view::npos &&
                     key.find_first_not_of("0123456789") != std::string_view::npos;
    size_t hash = plain_key ? ValueHasher()(key) : 0;
    out.reserve(items.size());
    for (Value& x : items) {
      if (plain_key && x.is_dict()) {
        if (const Value* y = FindPrehashed(x, key, hash)) {
          out.push_back(*y);
          continue;
        }
      }
      FLINKDBT_ASSIGN_OR_RETURN(Value y, AttrGet(r, x, *attr, dflt));
      out.push_back(std::move(y));
    }
    return Generator("sync_do_map", std::move(out));
  }
  std::string name = a.positional[0].Str();
  CallArgs rest{a.positional.subspan(1), a.keyword};
  for (Value& x : items) {
    FLINKDBT_ASSIGN_OR_RETURN(Value y, r.CallFilter(name, x, rest));
    out.push_back(std::move(y));
  }
  return Generator("sync_do_map", std::move(out));
}

Result MinMax(Renderer& r, const Value& v, const CallArgs& a, bool want_max) {
  bool cs = BoolArg(a, 0, "case_sensitive", false);
  const Value* attr = Arg(a, 1, "attribute");
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  if (items.empty()) return Value::UndefinedWithHint(fmt::format("No aggregated item, sequence was empty."));
  Value best = items[0];
  Value best_key;
  {
    FLINKDBT_ASSIGN_OR_RETURN(Value k, attr ? AttrGet(r, best, *attr) : absl::StatusOr<Value>(best));
    best_key = SortKey(k, cs);
  }
  for (size_t i = 1; i < items.size(); ++i) {
    FLINKDBT_ASSIGN_OR_RETURN(Value k, attr ? AttrGet(r, items[i], *attr) : absl::StatusOr<Value>(items[i]));
    k = SortKey(k, cs);
    FLINKDBT_ASSIGN_OR_RETURN(bool lt, want_max ? LessThan(best_key, k) : LessThan(k, best_key));
    if (lt) {
      best = items[i];
      best_key = k;
    }
  }
  return best;
}
Result FMax(Renderer& r, const Value& v, const CallArgs& a) { return MinMax(r, v, a, true); }
Result FMin(Renderer& r, const Value& v, const CallArgs& a) { return MinMax(r, v, a, false); }

// Python's pprint.pformat(value) (width 80, indent 1, dicts sorted by key).
namespace pp {

constexpr size_t kWidth = 80;

// pprint's _safe_key ordering: natural order when comparable, else by type name.
bool KeyLess(const Value& a, const Value& b) {
  auto lt = LessThan(a, b);
  if (lt.ok()) return *lt;
  return a.TypeName() < b.TypeName();
}

std::vector<std::pair<Value, Value>> SortedItems(const Value& d) {
  std::vector<std::pair<Value, Value>> items(d.DictItems().begin(), d.DictItems().end());
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& x, const auto& y) { return KeyLess(x.first, y.first); });
  return items;
}

// repr() with dicts sorted, as pprint's _safe_repr.
void SafeRepr(const Value& v, std::string* out, int depth = 0) {
  if (depth > 100) {
    out->append("...");
    return;
  }
  if (v.is_dict()) {
    out->push_back('{');
    bool first = true;
    for (const auto& [k, x] : SortedItems(v)) {
      if (!first) out->append(", ");
      first = false;
      SafeRepr(k, out, depth + 1);
      out->append(": ");
      SafeRepr(x, out, depth + 1);
    }
    out->push_back('}');
    return;
  }
  if (v.is_sequence()) {
    auto items = v.Items();
    out->push_back(v.is_list() ? '[' : '(');
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out->append(", ");
      SafeRepr(items[i], out, depth + 1);
    }
    if (v.is_tuple() && items.size() == 1) out->push_back(',');
    out->push_back(v.is_list() ? ']' : ')');
    return;
  }
  v.AppendRepr(out);
}

std::string Repr(const Value& v) {
  std::string s;
  SafeRepr(v, &s);
  return s;
}

void Format(const Value& v, std::string* out, size_t indent, size_t allowance, int level);

void FormatItems(std::span<const Value> items, std::string* out, size_t indent, size_t allowance, int level) {
  indent += 1;
  std::string delimnl = ",\n" + std::string(indent, ' ');
  for (size_t i = 0; i < items.size(); ++i) {
    bool last = i + 1 == items.size();
    if (i) out->append(delimnl);
    Format(items[i], out, indent, last ? allowance : 1, level);
  }
}

void FormatStr(std::string_view s, std::string* out, size_t indent, size_t allowance, int level) {
  std::string whole;
  AppendPyString(&whole, s);
  if (s.empty()) {
    out->append(whole);
    return;
  }
  // str.splitlines(True) on '\n' (the common case; other line breaks stay inside a line).
  std::vector<std::string_view> lines;
  size_t b = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      lines.push_back(s.substr(b, i + 1 - b));
      b = i + 1;
    }
  }
  if (b < s.size()) lines.push_back(s.substr(b));
  if (level == 1) {
    indent += 1;
    allowance += 1;
  }
  auto repr = [](std::string_view x) {
    std::string r;
    AppendPyString(&r, x);
    return r;
  };
  int64_t max_width = static_cast<int64_t>(kWidth) - static_cast<int64_t>(indent);
  int64_t max_width1 = max_width;
  std::vector<std::string> chunks;
  std::string rep;
  for (size_t i = 0; i < lines.size(); ++i) {
    rep = repr(lines[i]);
    if (i + 1 == lines.size()) max_width1 -= static_cast<int64_t>(allowance);
    if (static_cast<int64_t>(utf8::Length(rep)) <= max_width1) {
      chunks.push_back(rep);
      continue;
    }
    // re.findall(r'\S*\s*', line) minus the final empty match
    std::vector<std::string_view> parts;
    std::string_view line = lines[i];
    size_t p = 0;
    auto ws = [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (p < line.size()) {
      size_t q = p;
      while (q < line.size() && !ws(line[q])) ++q;
      while (q < line.size() && ws(line[q])) ++q;
      parts.push_back(line.substr(p, q - p));
      p = q;
    }
    int64_t max_width2 = max_width;
    std::string current;
    for (size_t j = 0; j < parts.size(); ++j) {
      std::string candidate = current + std::string(parts[j]);
      if (j + 1 == parts.size() && i + 1 == lines.size()) max_width2 -= static_cast<int64_t>(allowance);
      if (static_cast<int64_t>(utf8::Length(repr(candidate))) > max_width2) {
        if (!current.empty()) chunks.push_back(repr(current));
        current = std::string(parts[j]);
      } else {
        current = std::move(candidate);
      }
    }
    if (!current.empty()) chunks.push_back(repr(current));
  }
  if (chunks.size() == 1) {
    out->append(rep);
    return;
  }
  if (level == 1) out->push_back('(');
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i) out->append("\n" + std::string(indent, ' '));
    out->append(chunks[i]);
  }
  if (level == 1) out->push_back(')');
}

void Format(const Value& v, std::string* out, size_t indent, size_t allowance, int level) {
  std::string rep = Repr(v);
  int64_t max_width =
      static_cast<int64_t>(kWidth) - static_cast<int64_t>(indent) - static_cast<int64_t>(allowance);
  if (static_cast<int64_t>(utf8::Length(rep)) > max_width && level < 100) {
    if (v.is_dict()) {
      out->push_back('{');
      auto items = SortedItems(v);
      size_t ind = indent + 1;
      std::string delimnl = ",\n" + std::string(ind, ' ');
      for (size_t i = 0; i < items.size(); ++i) {
        bool last = i + 1 == items.size();
        std::string krep = Repr(items[i].first);
        out->append(krep);
        out->append(": ");
        Format(items[i].second, out, ind + utf8::Length(krep) + 2, last ? allowance + 1 : 1, level + 1);
        if (!last) out->append(delimnl);
      }
      out->push_back('}');
      return;
    }
    if (v.is_list()) {
      out->push_back('[');
      FormatItems(v.Items(), out, indent, allowance + 1, level + 1);
      out->push_back(']');
      return;
    }
    if (v.is_tuple()) {
      std::string endchar = v.Items().size() == 1 ? ",)" : ")";
      out->push_back('(');
      FormatItems(v.Items(), out, indent, allowance + endchar.size(), level + 1);
      out->append(endchar);
      return;
    }
    if (v.is_string()) {
      FormatStr(v.AsString(), out, indent, allowance, level + 1);
      return;
    }
  }
  out->append(rep);
}

}  // namespace pp

Result FPprint(Renderer&, const Value& v, const CallArgs&) {
  std::string out;
  pp::Format(v, &out, 0, 0, 0);
  return Value::String(std::move(out));
}

Result FRandom(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  if (items.empty()) return Value::UndefinedWithHint("No random item, sequence was empty.");
  std::random_device rd;
  return items[rd() % items.size()];
}

absl::StatusOr<bool> ApplyTest(Renderer& r, const Value& x, const CallArgs& a, size_t test_pos) {
  if (a.positional.size() <= test_pos) return x.Truthy();
  std::string name = a.positional[test_pos].Str();
  CallArgs rest{a.positional.subspan(test_pos + 1), a.keyword};
  return r.CallTest(name, x, rest);
}

Result SelectReject(Renderer& r, const Value& v, const CallArgs& a, bool select, bool by_attr) {
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  std::vector<Value> out;
  for (Value& x : items) {
    Value subject = x;
    size_t test_pos = 0;
    if (by_attr) {
      if (a.positional.empty()) return TypeError("Missing parameter for attribute name");
      FLINKDBT_ASSIGN_OR_RETURN(subject, AttrGet(r, x, a.positional[0]));
      test_pos = 1;
    }
    FLINKDBT_ASSIGN_OR_RETURN(bool ok, ApplyTest(r, subject, a, test_pos));
    if (ok == select) out.push_back(std::move(x));
  }
  const char* gen = select ? (by_attr ? "sync_do_selectattr" : "sync_do_select")
                           : (by_attr ? "sync_do_rejectattr" : "sync_do_reject");
  return Generator(gen, std::move(out));
}
Result FSelect(Renderer& r, const Value& v, const CallArgs& a) { return SelectReject(r, v, a, true, false); }
Result FReject(Renderer& r, const Value& v, const CallArgs& a) { return SelectReject(r, v, a, false, false); }
Result FSelectattr(Renderer& r, const Value& v, const CallArgs& a) {
  return SelectReject(r, v, a, true, true);
}
Result FRejectattr(Renderer& r, const Value& v, const CallArgs& a) {
  return SelectReject(r, v, a, false, true);
}

Result FReplace(Renderer& r, const Value& v, const CallArgs& a) {
  std::string storage, from_storage, to_storage;
  FLINKDBT_ASSIGN_OR_RETURN(std::string_view s, ToStrView(r, v, &storage));
  const Value* from_v = Arg(a, 0, "old");
  const Value* to_v = Arg(a, 1, "new");
  std::string_view from = from_v == nullptr     ? ""
                          : from_v->is_string() ? from_v->AsString()
                                                : (from_storage = from_v->Str());
  std::string_view to = to_v == nullptr     ? ""
                        : to_v->is_string() ? to_v->AsString()
                                            : (to_storage = to_v->Str());
  int64_t count = IntArg(a, 2, "count", -1);
  // Nothing to replace: the string itself, as Python's str.replace returns it.
  if (v.is_string() && !from.empty() && s.find(from) == std::string_view::npos) return v;
  return Value::String(text::Replace(s, from, to, count));
}

Result FReverse(Renderer& r, const Value& v, const CallArgs&) {
  if (v.is_string()) {
    auto cps = CodePoints(v.AsString());
    std::string out;
    for (auto it = cps.rbegin(); it != cps.rend(); ++it) out.append(*it);
    return Value::String(std::move(out));
  }
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  std::reverse(items.begin(), items.end());
  std::string type = v.is_list()    ? "list_reverseiterator object"
                     : v.is_dict()  ? "dict_reversekeyiterator object"
                     : v.is_tuple() ? "reversed object"
                                    : "";
  if (type.empty()) return Value::List(std::move(items));
  return Value::FromObject(std::make_shared<IteratorObject>(type, std::move(items)));
}

double PyRound(double x, int64_t digits) {
  // Python rounds half to even on the exact binary value; format with enough precision then parse.
  std::string s = fmt::format("{:.{}f}", x, std::max<int64_t>(0, digits));
  double r = std::strtod(s.c_str(), nullptr);
  if (digits < 0) {
    double p = std::pow(10.0, static_cast<double>(-digits));
    r = std::nearbyint(x / p) * p;
  }
  return r;
}

Result FRound(Renderer&, const Value& v, const CallArgs& a) {
  int64_t precision = IntArg(a, 0, "precision", 0);
  std::string method = StrArg(a, 1, "method", "common");
  double x = v.AsDouble();
  if (!v.is_number()) return TypeError(fmt::format("type {} doesn't define __round__ method", v.TypeName()));
  double p = std::pow(10.0, static_cast<double>(precision));
  if (method == "common" && (v.is_int() || v.is_bool())) {
    if (precision >= 0) return v.is_bool() ? Value::Int(v.AsBool()) : v;
    auto i = v.AsInt128();
    if (!i) return v;
    int128 m = 1;
    for (int64_t k = 0; k < -precision && k < 38; ++k) m *= 10;
    int128 q = *i / m, rem = *i % m;
    if (rem < 0) {
      rem += m;
      --q;
    }
    if (rem * 2 > m || (rem * 2 == m && (q % 2 != 0))) ++q;
    return Value::Int128(q * m);
  }
  if (method == "common") return Value::Float(PyRound(x, precision));
  if (method == "ceil") return Value::Float(std::ceil(x * p) / p);
  if (method == "floor") return Value::Float(std::floor(x * p) / p);
  return absl::InvalidArgumentError("FilterArgumentError: method must be common, ceil or floor");
}

Result FSafe(Renderer&, const Value& v, const CallArgs&) {
  return MarkSafe(v.is_string() ? std::string(v.AsString()) : v.Str());
}

Result FSlice(Renderer& r, const Value& v, const CallArgs& a) {
  int64_t slices = IntArg(a, 0, "slices", 1);
  const Value* fill = Arg(a, 1, "fill_with");
  FLINKDBT_ASSIGN_OR_RETURN(auto seq, r.Iterate(v));
  if (slices <= 0) return absl::InvalidArgumentError("ZeroDivisionError: integer division or modulo by zero");
  int64_t length = static_cast<int64_t>(seq.size());
  int64_t per = length / slices, extra = length % slices, offset = 0;
  std::vector<Value> out;
  for (int64_t i = 0; i < slices; ++i) {
    int64_t start = offset + i * per;
    if (i < extra) ++offset;
    int64_t end = offset + (i + 1) * per;
    std::vector<Value> tmp(seq.begin() + start, seq.begin() + end);
    if (fill != nullptr && !fill->is_none() && i >= extra) tmp.push_back(*fill);
    out.push_back(Value::List(std::move(tmp)));
  }
  return Generator("sync_do_slice", std::move(out));
}

Result FSort(Renderer& r, const Value& v, const CallArgs& a) {
  bool reverse = BoolArg(a, 0, "reverse", false);
  bool cs = BoolArg(a, 1, "case_sensitive", false);
  const Value* attr = Arg(a, 2, "attribute");
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  std::vector<Value> attrs;
  if (attr != nullptr && attr->is_string()) {
    std::string_view s = attr->AsString();
    size_t start = 0;
    while (true) {
      size_t c = s.find(',', start);
      attrs.push_back(
          Value::String(text::Strip(s.substr(start, c == std::string_view::npos ? s.npos : c - start), {})));
      if (c == std::string_view::npos) break;
      start = c + 1;
    }
  } else if (attr != nullptr) {
    attrs.push_back(*attr);
  }
  FLINKDBT_RETURN_IF_ERROR(SortValues(
      items,
      [&](const Value& x) -> absl::StatusOr<Value> {
        if (attrs.empty()) return SortKey(x, cs);
        if (attrs.size() == 1) {
          FLINKDBT_ASSIGN_OR_RETURN(Value k, AttrGet(r, x, attrs[0]));
          return SortKey(k, cs);
        }
        std::vector<Value> ks;
        for (const Value& at : attrs) {
          FLINKDBT_ASSIGN_OR_RETURN(Value k, AttrGet(r, x, at));
          ks.push_back(SortKey(k, cs));
        }
        return Value::List(std::move(ks));
      },
      reverse));
  return Value::List(std::move(items));
}

Result FString(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  return Value::String(std::move(s));
}

Result FStriptags(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!in_tag && s.compare(i, 4, "<!--") == 0) {
      size_t e = s.find("-->", i);
      if (e == std::string::npos) break;
      i = e + 2;
      continue;
    }
    if (s[i] == '<') {
      in_tag = true;
    } else if (s[i] == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      out.push_back(s[i]);
    }
  }
  // Collapse whitespace, then unescape the basic entities.
  std::string collapsed;
  bool space = false;
  for (char c : out) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
    } else {
      if (space && !collapsed.empty()) collapsed.push_back(' ');
      space = false;
      collapsed.push_back(c);
    }
  }
  std::string res = text::Replace(collapsed, "&lt;", "<", -1);
  res = text::Replace(res, "&gt;", ">", -1);
  res = text::Replace(res, "&#34;", "\"", -1);
  res = text::Replace(res, "&#39;", "'", -1);
  res = text::Replace(res, "&quot;", "\"", -1);
  res = text::Replace(res, "&amp;", "&", -1);
  return Value::String(std::move(res));
}

Result FSum(Renderer& r, const Value& v, const CallArgs& a) {
  const Value* attr = Arg(a, 0, "attribute");
  const Value* start = Arg(a, 1, "start");
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  Value acc = start ? *start : Value::Int(0);
  for (Value& x : items) {
    Value y = x;
    if (attr != nullptr) {
      FLINKDBT_ASSIGN_OR_RETURN(y, AttrGet(r, x, *attr));
    }
    FLINKDBT_ASSIGN_OR_RETURN(acc, BinaryOp(BinOp::kAdd, acc, y));
  }
  return acc;
}

Result FTitle(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  return Value::String(text::JinjaTitle(s));
}

Result FTrim(Renderer& r, const Value& v, const CallArgs& a) {
  std::string storage;
  FLINKDBT_ASSIGN_OR_RETURN(std::string_view s, ToStrView(r, v, &storage));
  const Value* chars = Arg(a, 0, "chars");
  std::optional<std::string> cs;
  if (chars != nullptr && !chars->is_none()) cs = chars->Str();
  return Value::String(std::string(text::Strip(s, cs)));
}

Result FTruncate(Renderer& r, const Value& v, const CallArgs& a) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  int64_t length = IntArg(a, 0, "length", 255);
  bool killwords = BoolArg(a, 1, "killwords", false);
  std::string end = StrArg(a, 2, "end", "...");
  int64_t leeway = IntArg(a, 3, "leeway", 5);
  auto cps = CodePoints(s);
  int64_t n = static_cast<int64_t>(cps.size());
  if (n <= length + leeway) return Value::String(s);
  int64_t keep = std::max<int64_t>(0, length - static_cast<int64_t>(utf8::Length(end)));
  std::string head;
  for (int64_t i = 0; i < keep && i < n; ++i) head.append(cps[i]);
  if (killwords) return Value::String(head + end);
  size_t sp = head.rfind(' ');
  if (sp != std::string::npos) head = head.substr(0, sp);
  return Value::String(head + end);
}

Result FUnique(Renderer& r, const Value& v, const CallArgs& a) {
  bool cs = BoolArg(a, 0, "case_sensitive", false);
  const Value* attr = Arg(a, 1, "attribute");
  FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(v));
  std::vector<Value> seen, out;
  for (Value& x : items) {
    Value k = x;
    if (attr != nullptr) {
      FLINKDBT_ASSIGN_OR_RETURN(k, AttrGet(r, x, *attr));
    }
    k = SortKey(k, cs);
    bool dup = false;
    for (const Value& s : seen) {
      if (s.Equals(k)) {
        dup = true;
        break;
      }
    }
    if (!dup) {
      seen.push_back(k);
      out.push_back(std::move(x));
    }
  }
  return Generator("do_unique", std::move(out));
}

std::string UrlQuote(std::string_view s, std::string_view safe) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' ||
        safe.find(c) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string QsQuote(std::string_view s) { return text::Replace(UrlQuote(s, ""), "%20", "+", -1); }

Result FUrlencode(Renderer&, const Value& v, const CallArgs&) {
  if (v.is_string()) return Value::String(UrlQuote(v.AsString(), "/"));
  if (v.is_mapping()) {
    std::string out;
    for (const auto& [k, x] : v.DictItems()) {
      if (!out.empty()) out += "&";
      out += QsQuote(k.Str()) + "=" + QsQuote(x.Str());
    }
    return Value::String(std::move(out));
  }
  return Value::String(UrlQuote(v.Str(), "/"));
}

// Jinja2's urlize (utils.urlize + the filter's rel/target/extra_schemes policies). Python's \w is
// Unicode-aware: [\p{L}\p{N}_] here.
namespace urlize {

const re2::RE2& HttpRe() {
  static const re2::RE2* re = new re2::RE2(
      "(?i)("
      "(https?://|www\\.)(([\\p{L}\\p{N}_%-]+\\.)+)?([a-z]{2,63}|xn--[\\p{L}\\p{N}_%]{2,59})"
      "|([\\p{L}\\p{N}_%-]{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)"
      "|(https?://)((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}\\]))"
      ")(?::[\\d]{1,5})?(?:[/?#]\\S*)?");
  return *re;
}
const re2::RE2& EmailRe() {
  static const re2::RE2* re = new re2::RE2("\\S+@[\\p{L}\\p{N}_][\\p{L}\\p{N}_.-]*\\.[\\p{L}\\p{N}_]+");
  return *re;
}
const re2::RE2& SchemeRe() {
  static const re2::RE2* re = new re2::RE2("[\\p{L}\\p{N}_.+-]{2,}:(/){0,2}");
  return *re;
}

size_t Count(std::string_view s, std::string_view sub) {
  size_t n = 0;
  for (size_t p = s.find(sub); p != std::string_view::npos; p = s.find(sub, p + sub.size())) ++n;
  return n;
}

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace urlize

Result FUrlize(Renderer& r, const Value& v, const CallArgs& a) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string text, ToStr(r, v));
  const Value* trim_v = a.Get(0, "trim_url_limit");
  std::optional<int64_t> trim;
  if (trim_v != nullptr && !trim_v->is_none()) trim = trim_v->AsInt64();
  bool nofollow = BoolArg(a, 1, "nofollow", false);
  const Value* target_v = a.Get(2, "target");
  const Value* rel_v = a.Get(3, "rel");
  const Value* schemes_v = a.Get(4, "extra_schemes");
  // rel: sorted set of words of `rel`, "nofollow" and the default policy "noopener".
  std::vector<std::string> rel_parts;
  auto add_words = [&](std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && urlize::IsWs(s[i])) ++i;
      size_t b = i;
      while (i < s.size() && !urlize::IsWs(s[i])) ++i;
      if (i > b) rel_parts.emplace_back(s.substr(b, i - b));
    }
  };
  if (rel_v != nullptr && !rel_v->is_none() && rel_v->Truthy()) add_words(rel_v->Str());
  if (nofollow) rel_parts.emplace_back("nofollow");
  rel_parts.emplace_back("noopener");
  std::sort(rel_parts.begin(), rel_parts.end());
  rel_parts.erase(std::unique(rel_parts.begin(), rel_parts.end()), rel_parts.end());
  std::string rel;
  for (const auto& p : rel_parts) rel += (rel.empty() ? "" : " ") + p;
  std::string rel_attr = rel.empty() ? "" : " rel=\"" + HtmlEscape(rel) + "\"";
  std::string target_attr;
  if (target_v != nullptr && !target_v->is_none() && target_v->Truthy()) {
    target_attr = " target=\"" + HtmlEscape(target_v->Str()) + "\"";
  }
  std::vector<std::string> schemes;
  if (schemes_v != nullptr && !schemes_v->is_none()) {
    FLINKDBT_ASSIGN_OR_RETURN(std::vector<Value> items, r.Iterate(*schemes_v));
    for (const Value& s : items) {
      std::string sch = s.Str();
      if (!re2::RE2::FullMatch(sch, urlize::SchemeRe())) {
        return absl::InvalidArgumentError(
            fmt::format("FilterArgumentError: {} is not a valid URI scheme prefix.", s.Repr()));
      }
      schemes.push_back(std::move(sch));
    }
  }
  auto trim_url = [&](const std::string& x) {
    if (trim && static_cast<int64_t>(utf8::Length(x)) > *trim) {
      size_t i = 0;
      for (int64_t n = 0; n < *trim && i < x.size(); ++n) utf8::Decode(x, &i);
      return x.substr(0, i) + "...";
    }
    return x;
  };
  std::string escaped = HtmlEscape(text);
  std::string out;
  size_t i = 0;
  while (i < escaped.size()) {
    size_t b = i;
    if (urlize::IsWs(escaped[i])) {
      while (i < escaped.size() && urlize::IsWs(escaped[i])) ++i;
      out.append(escaped, b, i - b);
      continue;
    }
    while (i < escaped.size() && !urlize::IsWs(escaped[i])) ++i;
    std::string middle = escaped.substr(b, i - b);
    std::string head, tail;
    // Leading ( < &lt;
    size_t h = 0;
    while (true) {
      if (h < middle.size() && (middle[h] == '(' || middle[h] == '<')) {
        ++h;
      } else if (middle.compare(h, 4, "&lt;") == 0) {
        h += 4;
      } else {
        break;
      }
    }
    head = middle.substr(0, h);
    middle = middle.substr(h);
    // Trailing ) > . , \n &gt;
    size_t t = middle.size();
    while (t > 0) {
      char c = middle[t - 1];
      if (c == ')' || c == '>' || c == '.' || c == ',' || c == '\n') {
        --t;
      } else if (t >= 4 && middle.compare(t - 4, 4, "&gt;") == 0) {
        t -= 4;
      } else {
        break;
      }
    }
    tail = middle.substr(t);
    middle = middle.substr(0, t);
    static constexpr std::pair<std::string_view, std::string_view> kPairs[] = {
        {"(", ")"}, {"<", ">"}, {"&lt;", "&gt;"}};
    for (const auto& [open, close] : kPairs) {
      size_t start_count = urlize::Count(middle, open);
      if (start_count <= urlize::Count(middle, close)) continue;
      size_t moves = std::min(start_count, urlize::Count(tail, close));
      for (size_t k = 0; k < moves; ++k) {
        size_t end_index = tail.find(close) + close.size();
        middle += tail.substr(0, end_index);
        tail = tail.substr(end_index);
      }
    }
    if (re2::RE2::FullMatch(middle, urlize::HttpRe())) {
      if (middle.starts_with("https://") || middle.starts_with("http://")) {
        middle = "<a href=\"" + middle + "\"" + rel_attr + target_attr + ">" + trim_url(middle) + "</a>";
      } else {
        middle =
            "<a href=\"https://" + middle + "\"" + rel_attr + target_attr + ">" + trim_url(middle) + "</a>";
      }
    } else if (middle.starts_with("mailto:") && re2::RE2::FullMatch(middle.substr(7), urlize::EmailRe())) {
      middle = "<a href=\"" + middle + "\">" + middle.substr(7) + "</a>";
    } else if (middle.find('@') != std::string::npos && !middle.starts_with("www.") &&
               !middle.starts_with("@") && middle.find(':') == std::string::npos &&
               re2::RE2::FullMatch(middle, urlize::EmailRe())) {
      middle = "<a href=\"mailto:" + middle + "\">" + middle + "</a>";
    } else {
      for (const std::string& scheme : schemes) {
        if (middle != scheme && middle.starts_with(scheme)) {
          middle = "<a href=\"" + middle + "\"" + rel_attr + target_attr + ">" + middle + "</a>";
        }
      }
    }
    out += head + middle + tail;
  }
  return Value::String(std::move(out));
}

Result FWordcount(Renderer& r, const Value& v, const CallArgs&) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  int64_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool w = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
    if (w && !in_word) ++n;
    in_word = w;
  }
  return Value::Int(n);
}

// Python's textwrap.TextWrapper as Jinja2's wordwrap configures it (expand_tabs=False,
// replace_whitespace=False, drop_whitespace=True), over code points.
namespace wrap {

bool IsWs(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool IsWord(char32_t c) { return text::IsAlpha(c) || (c >= '0' && c <= '9') || c == '_'; }
bool IsLetter(char32_t c) { return text::IsAlpha(c) || c == '_'; }  // [^\d\W]
bool IsWordPunct(char32_t c) {
  return IsWord(c) || c == '!' || c == '"' || c == '\'' || c == '&' || c == '.' || c == ',' || c == '?';
}

// textwrap's wordsep_re (break_on_hyphens) or wordsep_simple_re: whitespace runs and words, words
// split after hyphens between letters and around em-dashes.
std::vector<std::u32string> Chunks(const std::u32string& s, bool hyphens) {
  std::vector<std::u32string> out;
  size_t i = 0, n = s.size();
  auto at = [&](size_t k) -> char32_t { return k < n ? s[k] : 0; };
  while (i < n) {
    size_t b = i;
    if (IsWs(s[i])) {
      while (i < n && IsWs(s[i])) ++i;
      out.push_back(s.substr(b, i - b));
      continue;
    }
    if (!hyphens) {
      while (i < n && !IsWs(s[i])) ++i;
      out.push_back(s.substr(b, i - b));
      continue;
    }
    // em-dash between words: (?<=wp) -{2,} (?=\w)
    if (s[i] == '-' && b > 0 && IsWordPunct(s[b - 1]) && at(i + 1) == '-') {
      size_t e = i;
      while (e < n && s[e] == '-') ++e;
      if (e < n && IsWord(s[e])) {
        out.push_back(s.substr(b, e - b));
        i = e;
        continue;
      }
    }
    // nws+? followed by a hyphenated-word break, the end of the word, or an em-dash.
    size_t e = i + 1;
    while (true) {
      if (e >= n || IsWs(s[e])) break;  // end of word
      char32_t prev = s[e - 1];
      if (s[e] == '-' && e + 1 <= n) {
        // -(?: (?<=lt{2}-) | (?<=lt-lt-)) (?= lt -? lt): the chunk ends after this hyphen
        bool behind = (e >= 2 && IsLetter(s[e - 1]) && IsLetter(s[e - 2])) ||
                      (e >= 3 && IsLetter(s[e - 1]) && s[e - 2] == '-' && IsLetter(s[e - 3]));
        bool ahead =
            IsLetter(at(e + 1)) && (IsLetter(at(e + 2)) || (at(e + 2) == '-' && IsLetter(at(e + 3))));
        if (behind && ahead) {
          ++e;
          break;
        }
        // em-dash: (?<=wp) (?=-{2,}\w)
        if (IsWordPunct(prev) && at(e + 1) == '-') {
          size_t k = e;
          while (k < n && s[k] == '-') ++k;
          if (k < n && IsWord(s[k])) break;
        }
      }
      ++e;
    }
    out.push_back(s.substr(b, e - b));
    i = e;
  }
  return out;
}

bool Blank(const std::u32string& c) {
  for (char32_t ch : c) {
    if (!text::IsSpace(ch)) return false;
  }
  return true;
}

std::vector<std::u32string> Wrap(const std::u32string& text, size_t width, bool break_long, bool hyphens) {
  std::vector<std::u32string> chunks = Chunks(text, hyphens);
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::u32string> lines;
  while (!chunks.empty()) {
    std::vector<std::u32string> cur;
    size_t cur_len = 0;
    if (Blank(chunks.back()) && !lines.empty()) chunks.pop_back();
    while (!chunks.empty()) {
      size_t l = chunks.back().size();
      if (cur_len + l > width) break;
      cur_len += l;
      cur.push_back(std::move(chunks.back()));
      chunks.pop_back();
    }
    if (!chunks.empty() && chunks.back().size() > width) {
      size_t space_left = width < 1 ? 1 : width - cur_len;
      if (break_long) {
        size_t end = space_left;
        std::u32string& chunk = chunks.back();
        if (hyphens && chunk.size() > space_left) {
          size_t h = chunk.rfind(U'-', space_left == 0 ? 0 : space_left - 1);
          if (space_left == 0) h = std::u32string::npos;
          if (h != std::u32string::npos && h > 0) {
            bool any = false;
            for (size_t k = 0; k < h; ++k) any |= chunk[k] != '-';
            if (any) end = h + 1;
          }
        }
        cur.push_back(chunk.substr(0, end));
        chunk = chunk.substr(end);
      } else if (cur.empty()) {
        cur.push_back(std::move(chunks.back()));
        chunks.pop_back();
      }
    }
    if (!cur.empty() && Blank(cur.back())) cur.pop_back();
    if (!cur.empty()) {
      std::u32string line;
      for (const auto& c : cur) line += c;
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

}  // namespace wrap

Result FWordwrap(Renderer& r, const Value& v, const CallArgs& a) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string s, ToStr(r, v));
  int64_t width = IntArg(a, 0, "width", 79);
  if (width <= 0)
    return absl::InvalidArgumentError(fmt::format("ValueError: invalid width {} (must be > 0)", width));
  bool break_long = BoolArg(a, 1, "break_long_words", true);
  std::string wrapstring = StrArg(a, 2, "wrapstring", "\n");
  bool hyphens = BoolArg(a, 3, "break_on_hyphens", true);
  // str.splitlines()
  std::vector<std::u32string> paras;
  std::u32string cur;
  bool any = false;
  size_t i = 0;
  while (i < s.size()) {
    char32_t c = utf8::Decode(s, &i);
    any = true;
    if (c == '\r' && i < s.size() && s[i] == '\n') ++i;
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e) || c == 0x85 ||
        c == 0x2028 || c == 0x2029) {
      paras.push_back(std::move(cur));
      cur.clear();
      any = false;
      continue;
    }
    cur.push_back(c);
  }
  if (any) paras.push_back(std::move(cur));
  std::string out;
  for (size_t p = 0; p < paras.size(); ++p) {
    if (p) out += wrapstring;
    auto lines = wrap::Wrap(paras[p], static_cast<size_t>(width), break_long, hyphens);
    for (size_t k = 0; k < lines.size(); ++k) {
      if (k) out += wrapstring;
      for (char32_t c : lines[k]) utf8::Append(&out, c);
    }
  }
  return Value::String(std::move(out));
}

Result FXmlattr(Renderer&, const Value& v, const CallArgs& a) {
  bool autospace = BoolArg(a, 0, "autospace", true);
  std::string out;
  for (const auto& [k, x] : v.DictItems()) {
    if (x.is_none() || x.is_undefined()) continue;
    std::string key = k.Str();
    for (char c : key) {
      if (c == ' ' || c == '/' || c == '>' || c == '=' || c == '\t' || c == '\n') {
        return absl::InvalidArgumentError(
            fmt::format("ValueError: Invalid character in attribute name: {}", key));
      }
    }
    if (!out.empty()) out += " ";
    out += fmt::format("{}=\"{}\"", HtmlEscape(key), HtmlEscape(x.Str()));
  }
  if (autospace && !out.empty()) out = " " + out;
  return Value::String(std::move(out));
}

absl::Status DumpJson(Renderer& r, const Value& v, int indent, int level, std::string* out) {
  auto newline = [&](int lvl) {
    out->push_back('\n');
    out->append(static_cast<size_t>(indent * lvl), ' ');
  };
  switch (v.kind()) {
    case ValueKind::kNone:
      out->append("null");
      return absl::OkStatus();
    case ValueKind::kBool:
      out->append(v.AsBool() ? "true" : "false");
      return absl::OkStatus();
    case ValueKind::kInt:
      v.AppendStr(out);
      return absl::OkStatus();
    case ValueKind::kFloat: {
      double d = v.AsDouble();
      if (std::isnan(d)) {
        out->append("NaN");
      } else if (std::isinf(d)) {
        out->append(d > 0 ? "Infinity" : "-Infinity");
      } else {
        out->append(FormatDoubleShortest(d));
      }
      return absl::OkStatus();
    }
    case ValueKind::kString:
      AppendJsonString(out, v.AsString(), true);
      return absl::OkStatus();
    case ValueKind::kList:
    case ValueKind::kTuple: {
      auto items = v.Items();
      if (items.empty()) {
        out->append("[]");
        return absl::OkStatus();
      }
      out->push_back('[');
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out->append(indent >= 0 ? "," : ", ");
        if (indent >= 0) newline(level + 1);
        FLINKDBT_RETURN_IF_ERROR(DumpJson(r, items[i], indent, level + 1, out));
      }
      if (indent >= 0) newline(level);
      out->push_back(']');
      return absl::OkStatus();
    }
    case ValueKind::kDict:
    case ValueKind::kNamespace: {
      std::vector<std::pair<Value, Value>> entries(v.DictItems().begin(), v.DictItems().end());
      if (entries.empty()) {
        out->append("{}");
        return absl::OkStatus();
      }
      absl::Status err;
      std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
        auto lt = LessThan(x.first, y.first);
        if (!lt.ok()) {
          err = lt.status();
          return false;
        }
        return *lt;
      });
      FLINKDBT_RETURN_IF_ERROR(err);
      out->push_back('{');
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) out->append(indent >= 0 ? "," : ", ");
        if (indent >= 0) newline(level + 1);
        const Value& k = entries[i].first;
        if (k.is_string()) {
          AppendJsonString(out, k.AsString(), true);
        } else if (k.is_bool() || k.is_none()) {
          out->push_back('"');
          out->append(k.is_none() ? "null" : k.AsBool() ? "true" : "false");
          out->push_back('"');
        } else if (k.is_number()) {
          out->push_back('"');
          k.AppendStr(out);
          out->push_back('"');
        } else {
          return TypeError(fmt::format("keys must be str, int, float, bool or None, not {}", k.TypeName()));
        }
        out->append(": ");
        FLINKDBT_RETURN_IF_ERROR(DumpJson(r, entries[i].second, indent, level + 1, out));
      }
      if (indent >= 0) newline(level);
      out->push_back('}');
      return absl::OkStatus();
    }
    case ValueKind::kUndefined:
      return r.UndefinedError(v);
    default:
      return TypeError(fmt::format("Object of type {} is not JSON serializable", v.TypeName()));
  }
}

Result FTojson(Renderer& r, const Value& v, const CallArgs& a) {
  const Value* ind = Arg(a, 0, "indent");
  int indent = -1;
  if (ind != nullptr && !ind->is_none()) indent = static_cast<int>(ind->AsInt64().value_or(0));
  std::string out;
  FLINKDBT_RETURN_IF_ERROR(DumpJson(r, v, indent, 0, &out));
  std::string safe;
  for (char c : out) {
    switch (c) {
      case '<':
        safe += "\\u003c";
        break;
      case '>':
        safe += "\\u003e";
        break;
      case '&':
        safe += "\\u0026";
        break;
      case '\'':
        safe += "\\u0027";
        break;
      default:
        safe.push_back(c);
    }
  }
  return Value::String(std::move(safe));
}

const absl::flat_hash_map<std::string_view, FilterFn>& Filters() {
  static const auto* m = new absl::flat_hash_map<std::string_view, FilterFn>{
      {"abs", FAbs},
      {"attr", FAttr},
      {"batch", FBatch},
      {"capitalize", FCapitalize},
      {"center", FCenter},
      {"count", FLength},
      {"d", FDefault},
      {"default", FDefault},
      {"dictsort", FDictsort},
      {"e", FEscape},
      {"escape", FEscape},
      {"filesizeformat", FFilesizeformat},
      {"first", FFirst},
      {"float", FFloat},
      {"forceescape", FForceescape},
      {"format", FFormat},
      {"groupby", FGroupby},
      {"indent", FIndent},
      {"int", FInt},
      {"items", FItems},
      {"join", FJoin},
      {"last", FLast},
      {"length", FLength},
      {"list", FList},
      {"lower", FLower},
      {"map", FMap},
      {"max", FMax},
      {"min", FMin},
      {"pprint", FPprint},
      {"random", FRandom},
      {"reject", FReject},
      {"rejectattr", FRejectattr},
      {"replace", FReplace},
      {"reverse", FReverse},
      {"round", FRound},
      {"safe", FSafe},
      {"select", FSelect},
      {"selectattr", FSelectattr},
      {"slice", FSlice},
      {"sort", FSort},
      {"string", FString},
      {"striptags", FStriptags},
      {"sum", FSum},
      {"title", FTitle},
      {"tojson", FTojson},
      {"trim", FTrim},
      {"truncate", FTruncate},
      {"unique", FUnique},
      {"upper", FUpper},
      {"urlencode", FUrlencode},
      {"urlize", FUrlize},
      {"wordcount", FWordcount},
      {"wordwrap", FWordwrap},
      {"xmlattr", FXmlattr},
  };
  return *m;
}

// ---- tests ----------------------------------------------------------------------------------

using TResult = absl::StatusOr<bool>;

absl::Status NeedArg(const CallArgs& a, std::string_view test) {
  if (a.positional.empty() && a.keyword.empty()) {
    return TypeError(fmt::format("test_{}() missing 1 required positional argument", test));
  }
  return absl::OkStatus();
}

absl::Status MaxArgs(const CallArgs& a, size_t n, std::string_view test) {
  if (a.positional.size() + a.keyword.size() > n) {
    return TypeError(fmt::format("test_{}() takes {} positional argument{} but {} were given", test, n + 1,
                                 n == 0 ? "" : "s", a.positional.size() + a.keyword.size() + 1));
  }
  return absl::OkStatus();
}

#define FLINKDBT_SIMPLE_TEST(fname, tname, expr)                \
  TResult fname(Renderer&, const Value& v, const CallArgs& a) { \
    FLINKDBT_RETURN_IF_ERROR(MaxArgs(a, 0, tname));             \
    return (expr);                                              \
  }

FLINKDBT_SIMPLE_TEST(TBoolean, "boolean", v.is_bool())
FLINKDBT_SIMPLE_TEST(TCallable, "callable",
                     v.is_callable_kind() || v.is_undefined() || (v.is_object() && v.AsObject() != nullptr))
FLINKDBT_SIMPLE_TEST(TDefined, "defined", !v.is_undefined())
FLINKDBT_SIMPLE_TEST(TUndefined, "undefined", v.is_undefined())
FLINKDBT_SIMPLE_TEST(TEscaped, "escaped", IsSafe(v))
FLINKDBT_SIMPLE_TEST(TFalse, "false", v.is_bool() && !v.AsBool())
FLINKDBT_SIMPLE_TEST(TTrue, "true", v.is_bool() && v.AsBool())
FLINKDBT_SIMPLE_TEST(TFloat, "float", v.is_float())
FLINKDBT_SIMPLE_TEST(TInteger, "integer", v.is_int())
FLINKDBT_SIMPLE_TEST(TMapping, "mapping", v.is_dict())
FLINKDBT_SIMPLE_TEST(TNone, "none", v.is_none())
FLINKDBT_SIMPLE_TEST(TNumber, "number", v.is_number())
FLINKDBT_SIMPLE_TEST(TString, "string", v.is_string())
FLINKDBT_SIMPLE_TEST(TSequence, "sequence",
                     v.is_sequence() || v.is_string() || v.is_mapping() ||
                         (v.is_object() && dynamic_cast<const IteratorObject*>(v.AsObject()) == nullptr &&
                          v.AsObject()->Iterate().has_value()))
FLINKDBT_SIMPLE_TEST(TIterable, "iterable",
                     v.is_sequence() || v.is_string() || v.is_mapping() ||
                         (v.is_object() && (dynamic_cast<const IteratorObject*>(v.AsObject()) != nullptr ||
                                            v.AsObject()->Iterate().has_value())))
FLINKDBT_SIMPLE_TEST(TLower, "lower", v.is_string() && text::Lower(v.AsString()) == v.AsString())
FLINKDBT_SIMPLE_TEST(TUpper, "upper", v.is_string() && text::Upper(v.AsString()) == v.AsString())
#undef FLINKDBT_SIMPLE_TEST

TResult TOdd(Renderer&, const Value& v, const CallArgs& a) {
  FLINKDBT_RETURN_IF_ERROR(MaxArgs(a, 0, "odd"));
  auto i = v.AsInt128();
  if (!i) return TypeError(fmt::format("unsupported operand type(s) for %: '{}' and 'int'", v.TypeName()));
  return *i % 2 != 0;
}
TResult TEven(Renderer&, const Value& v, const CallArgs& a) {
  FLINKDBT_RETURN_IF_ERROR(MaxArgs(a, 0, "even"));
  auto i = v.AsInt128();
  if (!i) return TypeError(fmt::format("unsupported operand type(s) for %: '{}' and 'int'", v.TypeName()));
  return *i % 2 == 0;
}
TResult TDivisibleby(Renderer&, const Value& v, const CallArgs& a) {
  FLINKDBT_RETURN_IF_ERROR(NeedArg(a, "divisibleby"));
  const Value* n = a.Get(0, "num");
  FLINKDBT_ASSIGN_OR_RETURN(Value m, BinaryOp(BinOp::kMod, v, *n));
  return !m.Truthy();
}
TResult Cmp(const Value& v, const CallArgs& a, std::string_view name, CmpOp op) {
  FLINKDBT_RETURN_IF_ERROR(NeedArg(a, name));
  const Value& o = a.positional.empty() ? a.keyword[0].second : a.positional[0];
  switch (op) {
    case CmpOp::kEq:
      return v.Equals(o);
    case CmpOp::kNe:
      return !v.Equals(o);
    case CmpOp::kLt:
      return LessThan(v, o);
    case CmpOp::kGt:
      return LessThan(o, v);
    case CmpOp::kLe: {
      FLINKDBT_ASSIGN_OR_RETURN(bool lt, LessThan(o, v));
      return !lt;
    }
    case CmpOp::kGe: {
      FLINKDBT_ASSIGN_OR_RETURN(bool lt, LessThan(v, o));
      return !lt;
    }
    default:
      return false;
  }
}
TResult TEq(Renderer&, const Value& v, const CallArgs& a) { return Cmp(v, a, "eq", CmpOp::kEq); }
TResult TNe(Renderer&, const Value& v, const CallArgs& a) { return Cmp(v, a, "ne", CmpOp::kNe); }
TResult TLt(Renderer&, const Value& v, const CallArgs& a) { return Cmp(v, a, "lt", CmpOp::kLt); }
TResult TLe(Renderer&, const Value& v, const CallArgs& a) { return Cmp(v, a, "le", CmpOp::kLe); }
TResult TGt(Renderer&, const Value& v, const CallArgs& a) { return Cmp(v, a, "gt", CmpOp::kGt); }
TResult TGe(Renderer&, const Value& v, const CallArgs& a) { return Cmp(v, a, "ge", CmpOp::kGe); }
TResult TIn(Renderer&, const Value& v, const CallArgs& a) {
  FLINKDBT_RETURN_IF_ERROR(NeedArg(a, "in"));
  const Value& o = a.positional.empty() ? a.keyword[0].second : a.positional[0];
  return Contains(o, v);
}
TResult TSameas(Renderer&, const Value& v, const CallArgs& a) {
  FLINKDBT_RETURN_IF_ERROR(NeedArg(a, "sameas"));
  const Value& o = a.positional.empty() ? a.keyword[0].second : a.positional[0];
  if (v.kind() != o.kind()) return false;
  if (v.heap_ptr() != nullptr || o.heap_ptr() != nullptr) return v.heap_ptr() == o.heap_ptr();
  return v.Equals(o);
}
TResult TFilter(Renderer&, const Value& v, const CallArgs& a) {
  FLINKDBT_RETURN_IF_ERROR(MaxArgs(a, 0, "filter"));
  return v.is_string() && FindFilter(v.AsString()) != nullptr;
}
TResult TTest(Renderer&, const Value& v, const CallArgs& a) {
  FLINKDBT_RETURN_IF_ERROR(MaxArgs(a, 0, "test"));
  return v.is_string() && FindTest(v.AsString()) != nullptr;
}

const absl::flat_hash_map<std::string_view, TestFn>& Tests() {
  static const auto* m = new absl::flat_hash_map<std::string_view, TestFn>{
      {"boolean", TBoolean},
      {"callable", TCallable},
      {"defined", TDefined},
      {"divisibleby", TDivisibleby},
      {"eq", TEq},
      {"equalto", TEq},
      {"==", TEq},
      {"escaped", TEscaped},
      {"even", TEven},
      {"false", TFalse},
      {"filter", TFilter},
      {"float", TFloat},
      {"ge", TGe},
      {">=", TGe},
      {"greaterthan", TGt},
      {"gt", TGt},
      {">", TGt},
      {"in", TIn},
      {"integer", TInteger},
      {"iterable", TIterable},
      {"le", TLe},
      {"<=", TLe},
      {"lessthan", TLt},
      {"lt", TLt},
      {"<", TLt},
      {"lower", TLower},
      {"mapping", TMapping},
      {"ne", TNe},
      {"!=", TNe},
      {"none", TNone},
      {"number", TNumber},
      {"odd", TOdd},
      {"sameas", TSameas},
      {"sequence", TSequence},
      {"string", TString},
      {"test", TTest},
      {"true", TTrue},
      {"undefined", TUndefined},
      {"upper", TUpper},
  };
  return *m;
}

// ---- globals --------------------------------------------------------------------------------

class RangeObject : public Object {
 public:
  RangeObject(int64_t a, int64_t b, int64_t s) : start(a), stop(b), step(s) {}
  std::string_view TypeName() const override { return "range"; }
  std::optional<std::vector<Value>> Iterate() const override {
    std::vector<Value> out;
    int64_t n = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                         : (start > stop ? (start - stop - step - 1) / -step : 0);
    out.reserve(static_cast<size_t>(n));
    if (step > 0) {
      for (int64_t i = start; i < stop; i += step) out.push_back(Value::Int(i));
    } else {
      for (int64_t i = start; i > stop; i += step) out.push_back(Value::Int(i));
    }
    return out;
  }
  bool Truthy() const override { return step > 0 ? start < stop : start > stop; }
  std::string Str() const override {
    if (step == 1) return fmt::format("range({}, {})", start, stop);
    return fmt::format("range({}, {}, {})", start, stop, step);
  }
  std::optional<Value> GetAttr(std::string_view name) const override {
    if (name == "start") return Value::Int(start);
    if (name == "stop") return Value::Int(stop);
    if (name == "step") return Value::Int(step);
    return std::nullopt;
  }
  int64_t start, stop, step;
};

}  // namespace

bool GetRange(const Value& v, int64_t* start, int64_t* step, int64_t* count) {
  if (!v.is_object()) return false;
  const auto* r = dynamic_cast<const RangeObject*>(v.AsObject());
  if (r == nullptr) return false;
  *start = r->start;
  *step = r->step;
  *count = r->step > 0 ? (r->stop > r->start ? (r->stop - r->start + r->step - 1) / r->step : 0)
                       : (r->start > r->stop ? (r->start - r->stop - r->step - 1) / -r->step : 0);
  return true;
}

namespace {

// Not a sandbox limit (Jinja2 has none outside its sandbox): a bound that keeps `range(10**12)`
// from exhausting memory or hanging a render.
constexpr int64_t kMaxRange = 10000000;

absl::StatusOr<Value> GRange(CallContext&, const CallArgs& a) {
  std::vector<int64_t> n;
  for (const Value& v : a.positional) {
    if (!v.is_int() && !v.is_bool()) {
      return TypeError(fmt::format("'{}' object cannot be interpreted as an integer", v.TypeName()));
    }
    auto i = v.AsInt64();
    if (!i) return absl::InvalidArgumentError("OverflowError: range argument too large");
    n.push_back(*i);
  }
  int64_t start = 0, stop = 0, step = 1;
  if (n.size() == 1) {
    stop = n[0];
  } else if (n.size() == 2) {
    start = n[0];
    stop = n[1];
  } else if (n.size() == 3) {
    start = n[0];
    stop = n[1];
    step = n[2];
  } else {
    return TypeError(fmt::format("range expected at most 3 arguments, got {}", n.size()));
  }
  if (step == 0) return absl::InvalidArgumentError("ValueError: range() arg 3 must not be zero");
  int128 len = step > 0 ? (static_cast<int128>(stop) - start + step - 1) / step
                        : (static_cast<int128>(start) - stop - step - 1) / -step;
  if (len > kMaxRange) {
    return absl::InvalidArgumentError(
        fmt::format("OverflowError: range() of more than {} items is not supported", kMaxRange));
  }
  return Value::FromObject(std::make_shared<RangeObject>(start, stop, step));
}

absl::StatusOr<Value> GDict(CallContext&, const CallArgs& a) {
  Value d = Value::Dict();
  for (const Value& p : a.positional) {
    if (p.is_mapping()) {
      for (const auto& [k, v] : p.DictItems()) d.SetItem(k, v);
    } else {
      for (const Value& kv : p.Items()) {
        if (kv.Items().size() == 2) d.SetItem(kv.Items()[0], kv.Items()[1]);
      }
    }
  }
  for (const auto& [k, v] : a.keyword) d.SetItem(Value::String(k), v);
  return d;
}

absl::StatusOr<Value> GNamespace(CallContext& ctx, const CallArgs& a) {
  FLINKDBT_ASSIGN_OR_RETURN(Value d, GDict(ctx, a));
  std::vector<std::pair<Value, Value>> items(d.DictItems().begin(), d.DictItems().end());
  return Value::Namespace(std::move(items));
}

class Cycler : public Object {
 public:
  explicit Cycler(std::vector<Value> v) : items(std::move(v)) {}
  std::string_view TypeName() const override { return "Cycler"; }
  std::optional<Value> GetAttr(std::string_view name) const override {
    const Cycler* self = this;
    if (name == "current") return items.empty() ? Value() : items[pos % items.size()];
    if (name == "next") {
      return Value::Callable("next", [self](CallContext&, const CallArgs&) -> absl::StatusOr<Value> {
        if (self->items.empty()) return Value();
        Value v = self->items[self->pos % self->items.size()];
        self->pos = (self->pos + 1) % self->items.size();
        return v;
      });
    }
    if (name == "reset") {
      return Value::Callable("reset", [self](CallContext&, const CallArgs&) -> absl::StatusOr<Value> {
        self->pos = 0;
        return Value::None();
      });
    }
    return std::nullopt;
  }
  std::vector<Value> items;
  mutable size_t pos = 0;
};

absl::StatusOr<Value> GCycler(CallContext&, const CallArgs& a) {
  if (a.positional.empty()) return TypeError("at least one item has to be provided");
  return Value::FromObject(
      std::make_shared<Cycler>(std::vector<Value>(a.positional.begin(), a.positional.end())));
}

class Joiner : public Object {
 public:
  explicit Joiner(std::string s) : sep(std::move(s)) {}
  std::string_view TypeName() const override { return "Joiner"; }
  absl::StatusOr<Value> Call(CallContext&, const CallArgs&) const override {
    if (!used) {
      used = true;
      return Value::String("");
    }
    return Value::String(sep);
  }
  std::string sep;
  mutable bool used = false;
};

absl::StatusOr<Value> GJoiner(CallContext&, const CallArgs& a) {
  const Value* s = a.Get(0, "sep");
  return Value::FromObject(std::make_shared<Joiner>(s ? s->Str() : ", "));
}

absl::StatusOr<Value> GLipsum(CallContext&, const CallArgs& a) {
  static constexpr std::string_view kWords =
      "lorem ipsum dolor sit amet consectetuer adipiscing elit sed diam nonummy nibh euismod tincidunt "
      "ut laoreet dolore magna aliquam erat volutpat";
  int64_t n = IntArg(a, 0, "n", 5);
  bool html = BoolArg(a, 1, "html", true);
  std::string out;
  for (int64_t i = 0; i < n && i < 100; ++i) {
    if (i) out += html ? "\n" : "\n\n";
    std::string p(kWords);
    p[0] = static_cast<char>(std::toupper(p[0]));
    p += ".";
    out += html ? "<p>" + p + "</p>" : p;
  }
  return Value::String(std::move(out));
}

absl::StatusOr<Value> GReturn(CallContext& ctx, const CallArgs& a) {
  auto& r = static_cast<Renderer&>(ctx);
  r.SetReturn(a.positional.empty() ? Value::None() : a.positional[0]);
  return ReturnSignal();
}

const absl::flat_hash_map<std::string_view, Value>& Globals() {
  static const auto* m = new absl::flat_hash_map<std::string_view, Value>{
      {"range", Value::Callable("range", GRange)},
      {"dict", Value::Callable("dict", GDict)},
      {"namespace", Value::Callable("namespace", GNamespace)},
      {"cycler", Value::Callable("cycler", GCycler)},
      {"joiner", Value::Callable("joiner", GJoiner)},
      {"lipsum", Value::Callable("lipsum", GLipsum)},
      {"return", Value::Callable("return", GReturn)},
  };
  return *m;
}

}  // namespace

FilterFn FindFilter(std::string_view name) {
  auto it = Filters().find(name);
  return it == Filters().end() ? nullptr : it->second;
}

TestFn FindTest(std::string_view name) {
  auto it = Tests().find(name);
  return it == Tests().end() ? nullptr : it->second;
}

const Value* FindBuiltinGlobal(std::string_view name) {
  auto it = Globals().find(name);
  return it == Globals().end() ? nullptr : &it->second;
}

}  // namespace flinkdbt::jinja::internal
