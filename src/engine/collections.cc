// More built-ins: ARRAY_* and MAP_* functions, STARTSWITH/ENDSWITH, SPLIT, TRANSLATE, the REGEXP_*
// family, URL_ENCODE/URL_DECODE, UNHEX, JSON_QUOTE/JSON_UNQUOTE, ELT, DATEDIFF.
#include <algorithm>

#include "engine/builtins.h"
#include "flinkdbt/base/json_writer.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;
using Args = std::vector<Value>;
using Types = std::vector<DataType>;

namespace {

absl::Status ArgError(const BExpr& e) {
  return absl::InvalidArgumentError(fmt::format("Invalid argument types for function '{}'", e.name));
}

absl::Status BindArrayFirst(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root != TypeRoot::kArray) return ArgError(e);
  e.type = t[0].WithNullable(AnyNullable({t[0]}));
  return absl::OkStatus();
}
absl::Status BindArrayElement(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root != TypeRoot::kArray) return ArgError(e);
  e.type = t[0].children[0].WithNullable(true);
  return absl::OkStatus();
}
absl::Status BindIntResult(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Int(AnyNullable(t));
  return absl::OkStatus();
}
absl::Status BindBoolResult(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Boolean(AnyNullable(t));
  return absl::OkStatus();
}
absl::Status BindStr(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::String(AnyNullable(t));
  return absl::OkStatus();
}
absl::Status BindStrNullable(BExpr& e, const Types&, CallSyntax&) {
  e.type = DataType::String(true);
  return absl::OkStatus();
}
absl::Status BindStringArray(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Array(DataType::String(), AnyNullable(t));
  return absl::OkStatus();
}

bool Contains(const std::vector<Value>& v, const Value& x) {
  for (const auto& y : v)
    if (Compare(x, y) == 0) return true;
  return false;
}

Value ArrayConcat(const Args& a, const BExpr&, EvalContext&) {
  std::vector<Value> out;
  for (const auto& x : a) out.insert(out.end(), x.items().begin(), x.items().end());
  return Value::Array(std::move(out));
}
Value ArrayDistinct(const Args& a, const BExpr&, EvalContext&) {
  std::vector<Value> out;
  for (const auto& x : a[0].items())
    if (!Contains(out, x)) out.push_back(x);
  return Value::Array(std::move(out));
}
Value ArraySetOp(const Args& a, const BExpr& e, EvalContext&) {
  std::vector<Value> out;
  const auto& l = a[0].items();
  const auto& r = a[1].items();
  if (e.name == "ARRAY_UNION") {
    for (const auto& x : l)
      if (!Contains(out, x)) out.push_back(x);
    for (const auto& x : r)
      if (!Contains(out, x)) out.push_back(x);
  } else if (e.name == "ARRAY_INTERSECT") {
    for (const auto& x : l)
      if (Contains(r, x) && !Contains(out, x)) out.push_back(x);
  } else {  // ARRAY_EXCEPT
    for (const auto& x : l)
      if (!Contains(r, x) && !Contains(out, x)) out.push_back(x);
  }
  return Value::Array(std::move(out));
}
Value ArrayJoin(const Args& a, const BExpr&, EvalContext&) {
  std::string out;
  bool first = true;
  for (const auto& x : a[0].items()) {
    if (x.is_null()) {
      if (a.size() < 3 || a[2].is_null()) continue;
      if (!first) out += a[1].string_value();
      out += a[2].string_value();
    } else {
      if (!first) out += a[1].string_value();
      out += x.kind() == ValueKind::kString ? x.string_value() : FormatValue(x, DataType{});
    }
    first = false;
  }
  return Value::String(out);
}
Value ArrayMinMax(const Args& a, const BExpr& e, EvalContext&) {
  Value best;
  for (const auto& x : a[0].items()) {
    if (x.is_null()) continue;
    if (best.is_null() || (e.name == "ARRAY_MAX" ? Compare(x, best) > 0 : Compare(x, best) < 0)) best = x;
  }
  return best;
}
Value ArrayPosition(const Args& a, const BExpr&, EvalContext&) {
  const auto& items = a[0].items();
  for (size_t i = 0; i < items.size(); ++i)
    if (!items[i].is_null() && Compare(items[i], a[1]) == 0) return Value::Int(static_cast<int64_t>(i) + 1);
  return Value::Int(0);
}
Value ArrayRemove(const Args& a, const BExpr&, EvalContext&) {
  std::vector<Value> out;
  for (const auto& x : a[0].items())
    if (!(a[1].is_null() ? x.is_null() : (!x.is_null() && Compare(x, a[1]) == 0))) out.push_back(x);
  return Value::Array(std::move(out));
}
Value ArrayReverse(const Args& a, const BExpr&, EvalContext&) {
  std::vector<Value> out(a[0].items().rbegin(), a[0].items().rend());
  return Value::Array(std::move(out));
}
Value ArraySlice(const Args& a, const BExpr&, EvalContext&) {
  const auto& items = a[0].items();
  int64_t n = static_cast<int64_t>(items.size());
  auto norm = [&](int64_t p) { return p < 0 ? n + p + 1 : p; };
  int64_t start = norm(a[1].int_value());
  int64_t end = a.size() > 2 ? norm(a[2].int_value()) : n;
  if (start == 0) start = 1;
  std::vector<Value> out;
  for (int64_t i = std::max<int64_t>(start, 1); i <= std::min(end, n); ++i) out.push_back(items[i - 1]);
  return Value::Array(std::move(out));
}
Value ArraySort(const Args& a, const BExpr&, EvalContext&) {
  bool asc = a.size() < 2 || a[1].is_null() || a[1].bool_value();
  bool nulls_first = a.size() > 2 && !a[2].is_null() ? a[2].bool_value() : asc;
  std::vector<Value> vals, nulls;
  for (const auto& x : a[0].items()) (x.is_null() ? nulls : vals).push_back(x);
  std::stable_sort(vals.begin(), vals.end(), [&](const Value& x, const Value& y) {
    return asc ? Compare(x, y) < 0 : Compare(x, y) > 0;
  });
  std::vector<Value> out;
  if (nulls_first) out.insert(out.end(), nulls.begin(), nulls.end());
  out.insert(out.end(), vals.begin(), vals.end());
  if (!nulls_first) out.insert(out.end(), nulls.begin(), nulls.end());
  return Value::Array(std::move(out));
}

absl::Status BindMapEntries(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root != TypeRoot::kMap) return ArgError(e);
  e.type =
      DataType::Array(DataType::Row({"key", "value"}, {t[0].children[0], t[0].children[1]}), t[0].nullable);
  return absl::OkStatus();
}
Value MapEntries(const Args& a, const BExpr&, EvalContext&) {
  std::vector<Value> out;
  const auto& it = a[0].items();
  for (size_t i = 0; i + 1 < it.size(); i += 2) out.push_back(Value::Row({it[i], it[i + 1]}));
  return Value::Array(std::move(out));
}
absl::Status BindMapFromArrays(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root != TypeRoot::kArray || t[1].root != TypeRoot::kArray) return ArgError(e);
  e.type = DataType::Map(t[0].children[0], t[1].children[0], AnyNullable(t));
  return absl::OkStatus();
}
Value MapFromArrays(const Args& a, const BExpr&, EvalContext& ctx) {
  const auto& k = a[0].items();
  const auto& v = a[1].items();
  if (k.size() != v.size())
    return Fail(ctx, "MAP_FROM_ARRAYS: the key and value arrays have different lengths");
  std::vector<Value> out;
  for (size_t i = 0; i < k.size(); ++i) {
    out.push_back(k[i]);
    out.push_back(v[i]);
  }
  return Value::Map(std::move(out));
}
absl::Status BindMapUnion(BExpr& e, const Types& t, CallSyntax&) {
  for (const auto& x : t)
    if (x.root != TypeRoot::kMap) return ArgError(e);
  e.type = t[0].WithNullable(AnyNullable(t));
  return absl::OkStatus();
}
Value MapUnion(const Args& a, const BExpr&, EvalContext&) {
  std::vector<Value> out;
  for (const auto& m : a) {
    const auto& it = m.items();
    for (size_t i = 0; i + 1 < it.size(); i += 2) {
      bool replaced = false;
      for (size_t j = 0; j + 1 < out.size(); j += 2)
        if (Compare(out[j], it[i]) == 0) {
          out[j + 1] = it[i + 1];
          replaced = true;
        }
      if (!replaced) {
        out.push_back(it[i]);
        out.push_back(it[i + 1]);
      }
    }
  }
  return Value::Map(std::move(out));
}

Value StartsEnds(const Args& a, const BExpr& e, EvalContext&) {
  const std::string& s = a[0].string_value();
  const std::string& p = a[1].string_value();
  if (p.size() > s.size()) return Value::Bool(false);
  if (e.name == "STARTSWITH") return Value::Bool(s.compare(0, p.size(), p) == 0);
  return Value::Bool(s.compare(s.size() - p.size(), p.size(), p) == 0);
}
Value SplitFn(const Args& a, const BExpr&, EvalContext&) {
  const std::string& s = a[0].string_value();
  const std::string& d = a[1].string_value();
  std::vector<Value> out;
  if (d.empty()) {
    for (char c : s) out.push_back(Value::String(std::string(1, c)));
    return Value::Array(std::move(out));
  }
  size_t p = 0;
  while (true) {
    size_t q = s.find(d, p);
    out.push_back(Value::String(s.substr(p, q == std::string::npos ? std::string::npos : q - p)));
    if (q == std::string::npos) break;
    p = q + d.size();
  }
  return Value::Array(std::move(out));
}
Value TranslateFn(const Args& a, const BExpr&, EvalContext&) {
  const std::string& from = a[1].string_value();
  const std::string& to = a[2].string_value();
  std::string out;
  for (char c : a[0].string_value()) {
    size_t i = from.find(c);
    if (i == std::string::npos)
      out.push_back(c);
    else if (i < to.size())
      out.push_back(to[i]);
  }
  return Value::String(out);
}

std::shared_ptr<RE2> Regex(const BExpr& e, const std::string& pattern) {
  auto re = std::static_pointer_cast<RE2>(e.cache);
  if (!re || re->pattern() != pattern) {
    RE2::Options o;
    o.set_log_errors(false);
    re = std::make_shared<RE2>(pattern, o);
    e.cache = re;
  }
  return re;
}
Value RegexpCount(const Args& a, const BExpr& e, EvalContext&) {
  auto re = Regex(e, a[1].string_value());
  if (!re->ok()) return Value::Null();
  re2::StringPiece in(a[0].string_value());
  int64_t n = 0;
  re2::StringPiece m;
  size_t pos = 0;
  while (pos <= in.size() && re->Match(in, pos, in.size(), RE2::UNANCHORED, &m, 1)) {
    ++n;
    size_t next = static_cast<size_t>(m.data() - in.data()) + m.size();
    pos = next == static_cast<size_t>(m.data() - in.data()) ? next + 1 : next;
  }
  return Value::Int(n);
}
Value RegexpFind(const Args& a, const BExpr& e, EvalContext&) {
  auto re = Regex(e, a[1].string_value());
  if (!re->ok()) return Value::Null();
  re2::StringPiece in(a[0].string_value());
  int groups = re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> m(groups);
  if (e.name == "REGEXP_EXTRACT_ALL") {
    int64_t g = a.size() > 2 ? a[2].int_value() : 1;
    if (g < 0 || g >= groups) return Value::Null();
    std::vector<Value> out;
    size_t pos = 0;
    while (pos <= in.size() && re->Match(in, pos, in.size(), RE2::UNANCHORED, m.data(), groups)) {
      out.push_back(m[g].data() ? Value::String(std::string(m[g].data(), m[g].size())) : Value());
      size_t next = static_cast<size_t>(m[0].data() - in.data()) + m[0].size();
      pos = m[0].empty() ? next + 1 : next;
    }
    return Value::Array(std::move(out));
  }
  if (!re->Match(in, 0, in.size(), RE2::UNANCHORED, m.data(), groups))
    return e.name == "REGEXP_INSTR" ? Value::Int(0) : Value::Null();
  if (e.name == "REGEXP_INSTR") return Value::Int(static_cast<int64_t>(m[0].data() - in.data()) + 1);
  return Value::String(std::string(m[0].data(), m[0].size()));
}

Value UrlEncode(const Args& a, const BExpr&, EvalContext&) {
  std::string out;
  for (unsigned char c : a[0].string_value()) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*')
      out.push_back(static_cast<char>(c));
    else if (c == ' ')
      out.push_back('+');
    else
      out += fmt::format("%{:02X}", c);
  }
  return Value::String(out);
}
Value UrlDecode(const Args& a, const BExpr&, EvalContext&) {
  const std::string& s = a[0].string_value();
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() + 0 && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '%') {
      return Value::Null();
    } else {
      out.push_back(s[i]);
    }
  }
  return Value::String(out);
}
Value Unhex(const Args& a, const BExpr&, EvalContext&) {
  const std::string& s = a[0].string_value();
  std::string out;
  size_t i = s.size() % 2;
  if (i) {
    if (!std::isxdigit(static_cast<unsigned char>(s[0]))) return Value::Null();
    out.push_back(static_cast<char>(std::stoi(s.substr(0, 1), nullptr, 16)));
  }
  for (; i + 1 < s.size() + 1 && i < s.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(s[i])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 1])))
      return Value::Null();
    out.push_back(static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16)));
  }
  return Value::Bytes(out);
}
absl::Status BindBytes(BExpr& e, const Types&, CallSyntax&) {
  e.type = DataType::Bytes(true);
  return absl::OkStatus();
}
Value JsonQuoteFn(const Args& a, const BExpr&, EvalContext&) {
  return Value::String(JsonQuote(a[0].string_value(), false));
}
Value JsonUnquoteFn(const Args& a, const BExpr&, EvalContext&) {
  const std::string& s = a[0].string_value();
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return a[0];
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] != '\\' || i + 2 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      default:
        out.push_back(c);
    }
  }
  return Value::String(out);
}
absl::Status BindElt(BExpr& e, const Types& t, CallSyntax&) {
  Types rest(t.begin() + 1, t.end());
  auto c = sql::FindCommonType(rest);
  if (!c) return ArgError(e);
  e.type = c->WithNullable(true);
  return absl::OkStatus();
}
Value EltFn(const Args& a, const BExpr&, EvalContext&) {
  if (a[0].is_null()) return Value::Null();
  int64_t i = a[0].int_value();
  if (i < 1 || i >= static_cast<int64_t>(a.size())) return Value::Null();
  return a[i];
}
Value DateDiff(const Args& a, const BExpr&, EvalContext& ctx) {
  auto days = [&](const Value& v) -> std::optional<int64_t> {
    if (v.kind() == ValueKind::kString) {
      int64_t d, ms;
      int32_t ns;
      if (ParseDate(v.string_value(), &d)) return d;
      if (ParseTimestamp(v.string_value(), &ms, &ns))
        return ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
      return std::nullopt;
    }
    int64_t local = LocalMillis(v, ctx);
    return local >= 0 ? local / 86400000 : (local - 86399999) / 86400000;
  };
  auto x = days(a[0]), y = days(a[1]);
  if (!x || !y) return Value::Null();
  return Value::Int(*x - *y);
}

}  // namespace

void AddCollectionBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> t = {
      {"ARRAY_CONCAT", 1, -1, true, true, false, BindArrayFirst, ArrayConcat},
      {"ARRAY_DISTINCT", 1, 1, true, true, false, BindArrayFirst, ArrayDistinct},
      {"ARRAY_UNION", 2, 2, true, true, false, BindArrayFirst, ArraySetOp},
      {"ARRAY_INTERSECT", 2, 2, true, true, false, BindArrayFirst, ArraySetOp},
      {"ARRAY_EXCEPT", 2, 2, true, true, false, BindArrayFirst, ArraySetOp},
      {"ARRAY_JOIN", 2, 3, true, true, false, BindStr, ArrayJoin},
      {"ARRAY_MAX", 1, 1, true, true, false, BindArrayElement, ArrayMinMax},
      {"ARRAY_MIN", 1, 1, true, true, false, BindArrayElement, ArrayMinMax},
      {"ARRAY_POSITION", 2, 2, true, true, false, BindIntResult, ArrayPosition},
      {"ARRAY_REMOVE", 2, 2, false, true, false, BindArrayFirst, ArrayRemove},
      {"ARRAY_REVERSE", 1, 1, true, true, false, BindArrayFirst, ArrayReverse},
      {"ARRAY_SLICE", 2, 3, true, true, false, BindArrayFirst, ArraySlice},
      {"ARRAY_SORT", 1, 3, false, true, false, BindArrayFirst, ArraySort},
      {"MAP_ENTRIES", 1, 1, true, true, false, BindMapEntries, MapEntries},
      {"MAP_FROM_ARRAYS", 2, 2, true, true, false, BindMapFromArrays, MapFromArrays},
      {"MAP_UNION", 1, -1, true, true, false, BindMapUnion, MapUnion},
      {"STARTSWITH", 2, 2, true, true, false, BindBoolResult, StartsEnds},
      {"ENDSWITH", 2, 2, true, true, false, BindBoolResult, StartsEnds},
      {"SPLIT", 2, 2, true, true, false, BindStringArray, SplitFn},
      {"TRANSLATE", 3, 3, true, true, false, BindStr, TranslateFn},
      {"REGEXP_COUNT", 2, 2, true, true, false, BindIntResult, RegexpCount},
      {"REGEXP_EXTRACT_ALL", 2, 3, true, true, false, BindStringArray, RegexpFind},
      {"REGEXP_INSTR", 2, 2, true, true, false, BindIntResult, RegexpFind},
      {"REGEXP_SUBSTR", 2, 2, true, true, false, BindStrNullable, RegexpFind},
      {"URL_ENCODE", 1, 1, true, true, false, BindStrNullable, UrlEncode},
      {"URL_DECODE", 1, 1, true, true, false, BindStrNullable, UrlDecode},
      {"UNHEX", 1, 1, true, true, false, BindBytes, Unhex},
      {"JSON_QUOTE", 1, 1, true, true, false, BindStr, JsonQuoteFn},
      {"JSON_UNQUOTE", 1, 1, true, true, false, BindStr, JsonUnquoteFn},
      {"ELT", 2, -1, false, true, false, BindElt, EltFn},
      {"DATEDIFF", 2, 2, true, true, true, BindIntResult, DateDiff},
  };
  out->insert(out->end(), t.begin(), t.end());
}

}  // namespace flinkdbt::engine
