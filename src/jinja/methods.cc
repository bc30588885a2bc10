// The methods of str, list and dict that templates call (`'a,b'.split(',')`, `cols.append(c)`,
// `config.get('x')`...), with Python's behaviour.
#include <algorithm>
#include <cmath>
#include <span>

#include "absl/container/flat_hash_set.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "jinja/render.h"
#include "jinja/text.h"

namespace flinkdbt::jinja::internal {
namespace {

using Result = absl::StatusOr<Value>;

absl::Status TypeError(std::string msg) { return absl::InvalidArgumentError("TypeError: " + msg); }

std::optional<std::string> OptStr(const CallArgs& a, int i, std::string_view name) {
  const Value* v = a.Get(i, name);
  if (v == nullptr || v->is_none()) return std::nullopt;
  return v->Str();
}
int64_t IntArg(const CallArgs& a, int i, std::string_view name, int64_t dflt) {
  const Value* v = a.Get(i, name);
  if (v == nullptr || v->is_none()) return dflt;
  return v->AsInt64().value_or(dflt);
}

Value StrList(std::vector<std::string> parts) {
  std::vector<Value> out;
  out.reserve(parts.size());
  for (auto& p : parts) out.push_back(Value::String(std::move(p)));
  return Value::List(std::move(out));
}

absl::Status NeedStr(const Value* v, std::string_view what) {
  if (v == nullptr) return TypeError(fmt::format("{}() takes at least 1 argument (0 given)", what));
  if (!v->is_string() && !v->is_tuple()) {
    return TypeError(fmt::format("{} arg must be None or str", what));
  }
  return absl::OkStatus();
}

// ---- Python's format-spec mini-language ------------------------------------------------------
// [[fill]align][sign][z][#][0][width][grouping][.precision][type]

struct Spec {
  std::string fill = " ";
  char align = 0;
  char sign = 0;
  bool z = false;
  bool alt = false;
  int64_t width = -1;
  char group = 0;
  int64_t precision = -1;
  char type = 0;
};

bool IsAlignChar(char32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

absl::StatusOr<Spec> ParseSpec(std::string_view s, std::string_view type_name) {
  Spec sp;
  auto bad = [&] {
    return absl::InvalidArgumentError(
        fmt::format("ValueError: Invalid format specifier '{}' for object of type '{}'", s, type_name));
  };
  size_t i = 0;
  size_t first_end = 0;
  char32_t first = s.empty() ? 0 : utf8::Decode(s, &first_end);
  if (!s.empty() && first_end < s.size() && IsAlignChar(static_cast<unsigned char>(s[first_end]))) {
    sp.fill = std::string(s.substr(0, first_end));
    sp.align = s[first_end];
    i = first_end + 1;
  } else if (!s.empty() && IsAlignChar(first)) {
    sp.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) sp.sign = s[i++];
  if (i < s.size() && s[i] == 'z') {
    sp.z = true;
    ++i;
  }
  if (i < s.size() && s[i] == '#') {
    sp.alt = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    if (sp.align == 0) {
      sp.fill = "0";
      sp.align = '=';
    }
    ++i;
  }
  auto digits = [&](int64_t* out) {
    size_t b = i;
    int64_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = std::min<int64_t>(n * 10 + (s[i] - '0'), 1000000);
      ++i;
    }
    if (i > b) *out = n;
    return i > b;
  };
  digits(&sp.width);
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) sp.group = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits(&sp.precision))
      return absl::InvalidArgumentError("ValueError: Format specifier missing precision");
  }
  if (i < s.size()) sp.type = s[i++];
  if (i != s.size()) return bad();
  if (sp.width > 100000)
    return absl::InvalidArgumentError("ValueError: Too many decimal digits in format string");
  return sp;
}

// Inserts `sep` every `every` digits from the right of `digits`.
std::string Group(std::string_view digits, char sep, int every) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % every == 0) out.push_back(sep);
    out.push_back(digits[i]);
  }
  return out;
}

std::string Pad(std::string_view sign_prefix, std::string_view body, const Spec& sp, char default_align) {
  size_t len = utf8::Length(sign_prefix) + utf8::Length(body);
  char align = sp.align ? sp.align : default_align;
  std::string out;
  if (sp.width <= static_cast<int64_t>(len)) {
    out.append(sign_prefix);
    out.append(body);
    return out;
  }
  size_t pad = static_cast<size_t>(sp.width) - len;
  auto fill = [&](size_t n) {
    for (size_t k = 0; k < n; ++k) out += sp.fill;
  };
  switch (align) {
    case '<':
      out.append(sign_prefix);
      out.append(body);
      fill(pad);
      break;
    case '^':
      fill(pad / 2);
      out.append(sign_prefix);
      out.append(body);
      fill(pad - pad / 2);
      break;
    case '=':
      out.append(sign_prefix);
      fill(pad);
      out.append(body);
      break;
    default:
      fill(pad);
      out.append(sign_prefix);
      out.append(body);
  }
  return out;
}

std::string SignOf(bool negative, const Spec& sp) {
  if (negative) return "-";
  if (sp.sign == '+') return "+";
  if (sp.sign == ' ') return " ";
  return "";
}

// Digits (with grouping) of a number's integer part, zero-padded into the width when the fill is
// '0' with '=' alignment (Python groups the padding zeros too).
std::string GroupedDigits(std::string digits, const Spec& sp, int every, size_t other_len) {
  if (sp.group == 0) return digits;
  std::string g = Group(digits, sp.group, every);
  if (sp.fill == "0" && sp.align == '=') {
    while (static_cast<int64_t>(g.size() + other_len) < sp.width) {
      digits.insert(digits.begin(), '0');
      g = Group(digits, sp.group, every);
    }
  }
  return g;
}

absl::StatusOr<std::string> FormatFloatSpec(double d, Spec sp, bool from_int) {
  char type = sp.type;
  if (type == 'n') type = 'g';
  bool upper = type == 'E' || type == 'F' || type == 'G';
  bool negative = std::signbit(d) && !std::isnan(d);
  double a = std::fabs(d);
  if (sp.z && negative && a == 0) negative = false;
  std::string body;
  bool percent = type == '%';
  if (percent) a *= 100;
  int64_t prec = sp.precision;
  if (std::isinf(a) || std::isnan(a)) {
    body = std::isnan(a) ? "nan" : "inf";
  } else if (type == 0) {
    if (prec < 0) {
      body = from_int ? Value::Float(a).Str() : Value::Float(a).Str();
    } else {
      body = fmt::format("{:.{}g}", a, std::max<int64_t>(prec, 1));
      if (body.find_first_of(".e") == std::string::npos) body += ".0";
    }
  } else {
    if (prec < 0) prec = 6;
    char t = static_cast<char>(std::tolower(static_cast<unsigned char>(percent ? 'f' : type)));
    if (t == 'f') {
      body = sp.alt ? fmt::format("{:#.{}f}", a, prec) : fmt::format("{:.{}f}", a, prec);
    } else if (t == 'e') {
      body = sp.alt ? fmt::format("{:#.{}e}", a, prec) : fmt::format("{:.{}e}", a, prec);
    } else if (t == 'g') {
      body = sp.alt ? fmt::format("{:#.{}g}", a, std::max<int64_t>(prec, 1))
                    : fmt::format("{:.{}g}", a, std::max<int64_t>(prec, 1));
    } else {
      return absl::InvalidArgumentError(
          fmt::format("ValueError: Unknown format code '{}' for object of type 'float'", sp.type));
    }
  }
  if (upper) {
    for (char& c : body) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (percent) body += "%";
  std::string sign = SignOf(negative, sp);
  if (sp.group != 0) {
    size_t int_end = body.find_first_not_of("0123456789");
    if (int_end == std::string::npos) int_end = body.size();
    std::string rest = body.substr(int_end);
    body = GroupedDigits(body.substr(0, int_end), sp, 3, sign.size() + rest.size()) + rest;
  }
  return Pad(sign, body, sp, '>');
}

absl::StatusOr<std::string> FormatIntSpec(const Value& v, const Spec& sp) {
  char type = sp.type;
  if (type == 'e' || type == 'E' || type == 'f' || type == 'F' || type == 'g' || type == 'G' || type == '%') {
    return FormatFloatSpec(v.AsDouble(), sp, true);
  }
  if (sp.precision >= 0)
    return absl::InvalidArgumentError("ValueError: Precision not allowed in integer format specifier");
  if (type == 'c') {
    auto cp = v.AsInt64();
    if (!cp || *cp < 0 || *cp > 0x10FFFF)
      return absl::InvalidArgumentError("OverflowError: %c arg not in range(0x110000)");
    std::string ch;
    utf8::Append(&ch, static_cast<char32_t>(*cp));
    return Pad("", ch, sp, '<');
  }
  std::string dec = v.is_bool() ? (v.AsBool() ? "1" : "0") : v.Str();
  bool negative = !dec.empty() && dec[0] == '-';
  if (negative) dec.erase(0, 1);
  std::string digits;
  std::string prefix;
  int every = 3;
  if (type == 0 || type == 'd' || type == 'n') {
    digits = dec;
  } else if (type == 'x' || type == 'X' || type == 'o' || type == 'b') {
    auto i = v.is_bool() ? std::optional<int128>(v.AsBool() ? 1 : 0) : v.AsInt128();
    if (!i) return absl::InvalidArgumentError("ValueError: integer too large to format in this base");
    uint128 m = *i < 0 ? static_cast<uint128>(-(*i + 1)) + 1 : static_cast<uint128>(*i);
    int base = type == 'o' ? 8 : type == 'b' ? 2 : 16;
    const char* alphabet = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
      digits.insert(digits.begin(), alphabet[static_cast<int>(m % base)]);
      m /= base;
    } while (m != 0);
    every = 4;
    if (sp.alt) prefix = type == 'o' ? "0o" : type == 'b' ? "0b" : type == 'X' ? "0X" : "0x";
  } else {
    return absl::InvalidArgumentError(
        fmt::format("ValueError: Unknown format code '{}' for object of type 'int'", type));
  }
  std::string sign = SignOf(negative, sp) + prefix;
  return Pad(sign, GroupedDigits(digits, sp, every, sign.size()), sp, '>');
}

// format(v, spec) as Python does it for str, int, bool, float and None.
absl::StatusOr<std::string> FormatSpec(const Value& v, std::string_view spec) {
  if (v.is_int() || v.is_bool()) {
    FLINKDBT_ASSIGN_OR_RETURN(Spec sp, ParseSpec(spec, v.TypeName()));
    if (v.is_bool() && sp.type == 0 && spec.empty()) return v.Str();
    return FormatIntSpec(v, sp);
  }
  if (v.is_float()) {
    FLINKDBT_ASSIGN_OR_RETURN(Spec sp, ParseSpec(spec, "float"));
    return FormatFloatSpec(v.AsDouble(), sp, false);
  }
  if (!v.is_string() && !v.is_none() && !v.is_undefined()) {
    // object.__format__: only an empty spec is allowed.
    return absl::InvalidArgumentError(
        fmt::format("TypeError: unsupported format string passed to {}.__format__", v.TypeName()));
  }
  FLINKDBT_ASSIGN_OR_RETURN(Spec sp, ParseSpec(spec, "str"));
  if (v.is_none()) {
    return absl::InvalidArgumentError("TypeError: unsupported format string passed to NoneType.__format__");
  }
  if (sp.type != 0 && sp.type != 's') {
    return absl::InvalidArgumentError(
        fmt::format("ValueError: Unknown format code '{}' for object of type 'str'", sp.type));
  }
  if (sp.sign != 0)
    return absl::InvalidArgumentError("ValueError: Sign not allowed in string format specifier");
  if (sp.alt)
    return absl::InvalidArgumentError(
        "ValueError: Alternate form (#) not allowed in string format specifier");
  if (sp.align == '=') {
    return absl::InvalidArgumentError("ValueError: '=' alignment not allowed in string format specifier");
  }
  if (sp.group != 0) return absl::InvalidArgumentError("ValueError: Cannot specify ',' with 's'.");
  std::string_view s = v.AsString();
  std::string body;
  if (sp.precision >= 0) {
    size_t i = 0;
    for (int64_t n = 0; n < sp.precision && i < s.size(); ++n) utf8::Decode(s, &i);
    body = std::string(s.substr(0, i));
  } else {
    body = std::string(s);
  }
  return Pad("", body, sp, '<');
}

// Python's str.format mini-language for the common cases: {}, {0}, {name}, {x.attr}, {x[0]},
// conversions !r/!s and format specs (fill, align, sign, width, precision, type).
Result StrFormat(Renderer& r, std::string_view f, const CallArgs& a) {
  std::string out;
  size_t auto_idx = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c == '}') {
      if (i + 1 < f.size() && f[i + 1] == '}') {
        out.push_back('}');
        ++i;
        continue;
      }
      return absl::InvalidArgumentError("ValueError: Single '}' encountered in format string");
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '{') {
      out.push_back('{');
      ++i;
      continue;
    }
    size_t close = f.find('}', i);
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError("ValueError: Single '{' encountered in format string");
    }
    std::string_view field = f.substr(i + 1, close - i - 1);
    i = close;
    std::string_view spec;
    size_t colon = field.find(':');
    if (colon != std::string_view::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    char conv = 0;
    size_t bang = field.find('!');
    if (bang != std::string_view::npos) {
      if (bang + 1 < field.size()) conv = field[bang + 1];
      field = field.substr(0, bang);
    }
    size_t name_end = field.find_first_of(".[");
    std::string_view head = field.substr(0, name_end);
    Value v;
    if (head.empty()) {
      if (auto_idx >= a.positional.size()) {
        return absl::InvalidArgumentError(
            fmt::format("IndexError: Replacement index {} out of range for positional args tuple", auto_idx));
      }
      v = a.positional[auto_idx++];
    } else if (std::all_of(head.begin(), head.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      if (head.size() > 18) {
        return absl::InvalidArgumentError("ValueError: Too many decimal digits in format string");
      }
      size_t idx = std::stoul(std::string(head));
      if (idx >= a.positional.size()) {
        return absl::InvalidArgumentError(
            fmt::format("IndexError: Replacement index {} out of range for positional args tuple", idx));
      }
      v = a.positional[idx];
    } else {
      const Value* kv = a.Keyword(head);
      if (kv == nullptr) return absl::InvalidArgumentError(fmt::format("KeyError: '{}'", head));
      v = *kv;
    }
    std::string_view rest = name_end == std::string_view::npos ? "" : field.substr(name_end);
    while (!rest.empty()) {
      if (rest[0] == '.') {
        size_t e = rest.find_first_of(".[", 1);
        std::string_view attr = rest.substr(1, e == std::string_view::npos ? rest.npos : e - 1);
        FLINKDBT_ASSIGN_OR_RETURN(v, r.GetAttr(v, attr));
        rest = e == std::string_view::npos ? "" : rest.substr(e);
      } else {
        size_t e = rest.find(']');
        if (e == std::string_view::npos)
          return absl::InvalidArgumentError("ValueError: Missing ']' in format string");
        std::string_view key = rest.substr(1, e - 1);
        Value k = std::all_of(key.begin(), key.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
                          !key.empty()
                      ? *Value::ParseInt(key)
                      : Value::String(key);
        FLINKDBT_ASSIGN_OR_RETURN(v, r.GetItem(v, k));
        rest = rest.substr(e + 1);
      }
    }
    if (conv == 'r') v = Value::String(v.Repr());
    if (conv == 's') v = Value::String(v.Str());
    if (spec.empty()) {
      v.AppendStr(&out);
      continue;
    }
    FLINKDBT_ASSIGN_OR_RETURN(std::string formatted, FormatSpec(v, spec));
    out += formatted;
  }
  return Value::String(std::move(out));
}

bool AllCp(std::string_view s, bool (*pred)(char32_t)) {
  if (s.empty()) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (!pred(utf8::Decode(s, &i))) return false;
  }
  return true;
}

absl::StatusOr<int64_t> FindIn(std::string_view s, const CallArgs& a, bool reverse) {
  const Value* sub = a.Get(0, "sub");
  if (sub == nullptr || !sub->is_string()) return TypeError("must be str");
  auto cps = CodePoints(s);
  int64_t n = static_cast<int64_t>(cps.size());
  int64_t start = IntArg(a, 1, "start", 0);
  int64_t end = IntArg(a, 2, "end", n);
  if (start < 0) start = std::max<int64_t>(0, start + n);
  if (end < 0) end = std::max<int64_t>(0, end + n);
  start = std::min(start, n);
  end = std::min(end, n);
  if (start > end) return -1;
  // Byte offsets of the window.
  size_t bstart = 0, bend = 0;
  for (int64_t i = 0; i < start; ++i) bstart += cps[i].size();
  bend = bstart;
  for (int64_t i = start; i < end; ++i) bend += cps[i].size();
  std::string_view win = s.substr(bstart, bend - bstart);
  size_t p = reverse ? win.rfind(sub->AsString()) : win.find(sub->AsString());
  if (p == std::string_view::npos) return -1;
  return start + static_cast<int64_t>(utf8::Length(win.substr(0, p)));
}

Result StrMethod(Renderer& r, const Value& self, std::string_view name, const CallArgs& a, bool* found) {
  std::string_view s = self.AsString();
  *found = true;
  if (name == "upper") return Value::String(text::Upper(s));
  if (name == "lower" || name == "casefold") return Value::String(text::Lower(s));
  if (name == "strip") return Value::String(text::Strip(s, OptStr(a, 0, "chars")));
  if (name == "lstrip") return Value::String(text::LStrip(s, OptStr(a, 0, "chars")));
  if (name == "rstrip") return Value::String(text::RStrip(s, OptStr(a, 0, "chars")));
  if (name == "title") return Value::String(text::PyTitle(s));
  if (name == "capitalize") return Value::String(text::Capitalize(s));
  if (name == "swapcase") return Value::String(text::SwapCase(s));
  if (name == "split" || name == "rsplit") {
    const Value* sv = a.Get(0, "sep");
    if (sv != nullptr && !sv->is_none() && !sv->is_string()) {
      return TypeError(fmt::format("must be str or None, not {}", sv->TypeName()));
    }
    auto sep = OptStr(a, 0, "sep");
    if (sep && sep->empty()) return absl::InvalidArgumentError("ValueError: empty separator");
    int64_t maxsplit = IntArg(a, 1, "maxsplit", -1);
    return StrList(name == "split" ? text::Split(s, sep, maxsplit) : text::RSplit(s, sep, maxsplit));
  }
  if (name == "splitlines") {
    const Value* k = a.Get(0, "keepends");
    return StrList(text::SplitLines(s, k && k->Truthy()));
  }
  if (name == "replace") {
    const Value* from = a.Get(0, "old");
    const Value* to = a.Get(1, "new");
    if (from == nullptr || to == nullptr) return TypeError("replace expected at least 2 arguments");
    if (!from->is_string() || !to->is_string()) return TypeError("replace() argument must be str");
    return Value::String(text::Replace(s, from->AsString(), to->AsString(), IntArg(a, 2, "count", -1)));
  }
  if (name == "startswith" || name == "endswith") {
    const Value* p = a.Get(0, "prefix");
    FLINKDBT_RETURN_IF_ERROR(NeedStr(p, name));
    std::span<const Value> options = p->is_tuple() ? p->Items() : std::span<const Value>(p, 1);
    for (const Value& o : options) {
      if (!o.is_string()) return TypeError("expected str");
      if (name == "startswith" ? s.starts_with(o.AsString()) : s.ends_with(o.AsString()))
        return Value::Bool(true);
    }
    return Value::Bool(false);
  }
  if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
    FLINKDBT_ASSIGN_OR_RETURN(int64_t i, FindIn(s, a, name[0] == 'r'));
    if (i < 0 && (name == "index" || name == "rindex")) {
      return absl::InvalidArgumentError("ValueError: substring not found");
    }
    return Value::Int(i);
  }
  if (name == "count") {
    const Value* sub = a.Get(0, "sub");
    if (sub == nullptr || !sub->is_string()) return TypeError("must be str");
    std::string_view needle = sub->AsString();
    if (needle.empty()) return Value::Int(static_cast<int64_t>(utf8::Length(s)) + 1);
    int64_t n = 0;
    size_t pos = 0;
    while ((pos = s.find(needle, pos)) != std::string_view::npos) {
      ++n;
      pos += needle.size();
    }
    return Value::Int(n);
  }
  if (name == "join") {
    const Value* it = a.Get(0, "iterable");
    if (it == nullptr) return TypeError("join() takes exactly one argument (0 given)");
    FLINKDBT_ASSIGN_OR_RETURN(auto items, r.Iterate(*it));
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].is_string()) {
        return TypeError(
            fmt::format("sequence item {}: expected str instance, {} found", i, items[i].TypeName()));
      }
      if (i) out.append(s);
      out.append(items[i].AsString());
    }
    return Value::String(std::move(out));
  }
  if (name == "format") return StrFormat(r, s, a);
  if (name == "partition" || name == "rpartition") {
    const Value* sep = a.Get(0, "sep");
    if (sep == nullptr || !sep->is_string()) return TypeError("must be str");
    if (sep->AsString().empty()) return absl::InvalidArgumentError("ValueError: empty separator");
    size_t p = name == "partition" ? s.find(sep->AsString()) : s.rfind(sep->AsString());
    if (p == std::string_view::npos) {
      if (name == "partition") return Value::Tuple({Value::String(s), Value::String(""), Value::String("")});
      return Value::Tuple({Value::String(""), Value::String(""), Value::String(s)});
    }
    return Value::Tuple(
        {Value::String(s.substr(0, p)), *sep, Value::String(s.substr(p + sep->AsString().size()))});
  }
  if (name == "isdigit" || name == "isdecimal" || name == "isnumeric") {
    return Value::Bool(AllCp(s, [](char32_t c) { return c >= '0' && c <= '9'; }));
  }
  if (name == "isalpha") return Value::Bool(AllCp(s, text::IsAlpha));
  if (name == "isalnum") {
    return Value::Bool(AllCp(s, [](char32_t c) { return text::IsAlpha(c) || (c >= '0' && c <= '9'); }));
  }
  if (name == "isspace") return Value::Bool(AllCp(s, text::IsSpace));
  if (name == "isidentifier") {
    bool ok = !s.empty() && !(s[0] >= '0' && s[0] <= '9');
    for (char c : s) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) ok = false;
    }
    return Value::Bool(ok);
  }
  if (name == "islower" || name == "isupper") {
    bool cased = false;
    size_t i = 0;
    while (i < s.size()) {
      char32_t c = utf8::Decode(s, &i);
      if (text::ToLower(c) != text::ToUpper(c)) {
        cased = true;
        if (name == "islower" ? text::ToLower(c) != c : text::ToUpper(c) != c) return Value::Bool(false);
      }
    }
    return Value::Bool(cased);
  }
  if (name == "istitle") return Value::Bool(!s.empty() && text::PyTitle(s) == s && text::Lower(s) != s);
  if (name == "center" || name == "ljust" || name == "rjust") {
    int64_t width = IntArg(a, 0, "width", 0);
    if (width > (int64_t{1} << 24)) return absl::InvalidArgumentError("MemoryError: width too large");
    std::string fill = OptStr(a, 1, "fillchar").value_or(" ");
    int64_t len = static_cast<int64_t>(utf8::Length(s));
    if (width <= len) return self;
    if (name == "center") return Value::String(text::Center(s, width, fill));
    std::string pad;
    for (int64_t i = 0; i < width - len; ++i) pad += fill;
    return Value::String(name == "ljust" ? std::string(s) + pad : pad + std::string(s));
  }
  if (name == "zfill") {
    int64_t width = IntArg(a, 0, "width", 0);
    if (width > (int64_t{1} << 24)) return absl::InvalidArgumentError("MemoryError: width too large");
    int64_t len = static_cast<int64_t>(utf8::Length(s));
    if (width <= len) return self;
    std::string out(s);
    size_t sign = (!out.empty() && (out[0] == '-' || out[0] == '+')) ? 1 : 0;
    out.insert(sign, static_cast<size_t>(width - len), '0');
    return Value::String(std::move(out));
  }
  if (name == "removeprefix") {
    std::string p = OptStr(a, 0, "prefix").value_or("");
    return Value::String(s.starts_with(p) ? s.substr(p.size()) : s);
  }
  if (name == "removesuffix") {
    std::string p = OptStr(a, 0, "suffix").value_or("");
    return Value::String(!p.empty() && s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s);
  }
  if (name == "expandtabs") return Value::String(text::Replace(s, "\t", "        ", -1));
  if (name == "encode") return self;
  *found = false;
  return Value();
}

Result ListMethod(Renderer& r, const Value& self, std::string_view name, const CallArgs& a, bool* found) {
  *found = true;
  std::vector<Value>* items = self.MutableList();
  auto ro = self.Items();
  if (name == "index" || name == "count") {
    const Value* x = a.Get(0, "value");
    if (x == nullptr) return TypeError(fmt::format("{} expected 1 argument, got 0", name));
    int64_t n = 0;
    for (size_t i = 0; i < ro.size(); ++i) {
      if (ro[i].Equals(*x)) {
        if (name == "index") return Value::Int(static_cast<int64_t>(i));
        ++n;
      }
    }
    if (name == "index")
      return absl::InvalidArgumentError(fmt::format("ValueError: {} is not in list", x->Repr()));
    return Value::Int(n);
  }
  if (name == "copy" && items != nullptr) return Value::List(std::vector<Value>(ro.begin(), ro.end()));
  if (items == nullptr) {
    *found = false;
    return Value();
  }
  if (name == "append") {
    if (a.positional.size() != 1) return TypeError("list.append() takes exactly one argument");
    items->push_back(a.positional[0]);
    return Value::None();
  }
  if (name == "extend") {
    if (a.positional.size() != 1) return TypeError("list.extend() takes exactly one argument");
    FLINKDBT_ASSIGN_OR_RETURN(auto more, r.Iterate(a.positional[0]));
    items->insert(items->end(), more.begin(), more.end());
    return Value::None();
  }
  if (name == "insert") {
    if (a.positional.size() != 2) return TypeError("insert expected 2 arguments");
    int64_t n = static_cast<int64_t>(items->size());
    int64_t i = a.positional[0].AsInt64().value_or(0);
    if (i < 0) i = std::max<int64_t>(0, i + n);
    i = std::min(i, n);
    items->insert(items->begin() + i, a.positional[1]);
    return Value::None();
  }
  if (name == "pop") {
    if (items->empty()) return absl::InvalidArgumentError("IndexError: pop from empty list");
    int64_t n = static_cast<int64_t>(items->size());
    int64_t i = IntArg(a, 0, "index", -1);
    if (i < 0) i += n;
    if (i < 0 || i >= n) return absl::InvalidArgumentError("IndexError: pop index out of range");
    Value v = (*items)[i];
    items->erase(items->begin() + i);
    return v;
  }
  if (name == "remove") {
    const Value* x = a.Get(0, "value");
    if (x == nullptr) return TypeError("remove expected 1 argument");
    for (size_t i = 0; i < items->size(); ++i) {
      if ((*items)[i].Equals(*x)) {
        items->erase(items->begin() + i);
        return Value::None();
      }
    }
    return absl::InvalidArgumentError("ValueError: list.remove(x): x not in list");
  }
  if (name == "reverse") {
    std::reverse(items->begin(), items->end());
    return Value::None();
  }
  if (name == "clear") {
    items->clear();
    return Value::None();
  }
  if (name == "sort") {
    const Value* rev = a.Keyword("reverse");
    bool reverse = rev && rev->Truthy();
    absl::Status err;
    std::stable_sort(items->begin(), items->end(), [&](const Value& x, const Value& y) {
      auto lt = reverse ? LessThan(y, x) : LessThan(x, y);
      if (!lt.ok()) {
        err = lt.status();
        return false;
      }
      return *lt;
    });
    FLINKDBT_RETURN_IF_ERROR(err);
    return Value::None();
  }
  *found = false;
  return Value();
}

Result DictMethod(Renderer& r, const Value& self, std::string_view name, const CallArgs& a, bool* found) {
  *found = true;
  auto* d = Dict(self);
  if (name == "items") {
    std::vector<Value> out;
    for (const auto& [k, v] : d->entries) out.push_back(Value::Tuple({k, v}));
    return Value::List(std::move(out));
  }
  if (name == "keys") {
    std::vector<Value> out;
    for (const auto& [k, v] : d->entries) out.push_back(k);
    return Value::List(std::move(out));
  }
  if (name == "values") {
    std::vector<Value> out;
    for (const auto& [k, v] : d->entries) out.push_back(v);
    return Value::List(std::move(out));
  }
  if (name == "get") {
    const Value* k = a.Get(0, "key");
    if (k == nullptr) return TypeError("get expected at least 1 argument, got 0");
    if (const Value* v = self.Find(*k)) return *v;
    const Value* dflt = a.Get(1, "default");
    return dflt ? *dflt : Value::None();
  }
  if (name == "copy") {
    std::vector<std::pair<Value, Value>> e(d->entries.begin(), d->entries.end());
    return Value::Dict(std::move(e));
  }
  if (name == "update") {
    for (const Value& p : a.positional) {
      if (p.is_mapping()) {
        for (const auto& [k, v] : p.DictItems()) d->Set(k, v);
      } else {
        FLINKDBT_ASSIGN_OR_RETURN(auto pairs, r.Iterate(p));
        for (const Value& kv : pairs) {
          FLINKDBT_ASSIGN_OR_RETURN(auto two, r.Iterate(kv));
          if (two.size() != 2)
            return absl::InvalidArgumentError(
                "ValueError: dictionary update sequence element has wrong length");
          d->Set(two[0], two[1]);
        }
      }
    }
    for (const auto& [k, v] : a.keyword) d->Set(Value::String(k), v);
    return Value::None();
  }
  if (name == "pop") {
    const Value* k = a.Get(0, "key");
    if (k == nullptr) return TypeError("pop expected at least 1 argument, got 0");
    if (const Value* v = self.Find(*k)) {
      Value out = *v;
      d->Erase(*k);
      return out;
    }
    if (const Value* dflt = a.Get(1, "default")) return *dflt;
    return absl::InvalidArgumentError(fmt::format("KeyError: {}", k->Repr()));
  }
  if (name == "popitem") {
    if (d->entries.empty()) return absl::InvalidArgumentError("KeyError: 'popitem(): dictionary is empty'");
    auto kv = d->entries.back();
    d->Erase(kv.first);
    return Value::Tuple({kv.first, kv.second});
  }
  if (name == "setdefault") {
    const Value* k = a.Get(0, "key");
    if (k == nullptr) return TypeError("setdefault expected at least 1 argument, got 0");
    if (const Value* v = self.Find(*k)) return *v;
    const Value* dflt = a.Get(1, "default");
    Value v = dflt ? *dflt : Value::None();
    d->Set(*k, v);
    return v;
  }
  if (name == "clear") {
    d->entries.clear();
    d->index.clear();
    return Value::None();
  }
  *found = false;
  return Value();
}

const absl::flat_hash_set<std::string_view>& StrMethods() {
  static const auto* s = new absl::flat_hash_set<std::string_view>{
      "upper",      "lower",     "casefold",     "strip",        "lstrip",       "rstrip",     "title",
      "capitalize", "swapcase",  "split",        "rsplit",       "splitlines",   "replace",    "startswith",
      "endswith",   "find",      "rfind",        "index",        "rindex",       "count",      "join",
      "format",     "partition", "rpartition",   "isdigit",      "isdecimal",    "isnumeric",  "isalpha",
      "isalnum",    "isspace",   "isidentifier", "islower",      "isupper",      "istitle",    "center",
      "ljust",      "rjust",     "zfill",        "removeprefix", "removesuffix", "expandtabs", "encode"};
  return *s;
}
const absl::flat_hash_set<std::string_view>& ListMethods() {
  static const auto* s = new absl::flat_hash_set<std::string_view>{
      "append", "extend", "insert", "pop", "remove", "reverse", "clear", "sort", "index", "count", "copy"};
  return *s;
}
const absl::flat_hash_set<std::string_view>& DictMethods() {
  static const auto* s = new absl::flat_hash_set<std::string_view>{
      "items", "keys", "values", "get", "copy", "update", "pop", "popitem", "setdefault", "clear"};
  return *s;
}

}  // namespace

uint8_t BuiltinMethodKinds(std::string_view name) {
  uint8_t kinds = 0;
  if (StrMethods().contains(name)) kinds |= kStrMethod;
  if (ListMethods().contains(name)) kinds |= kListMethod;
  if (name == "index" || name == "count") kinds |= kTupleMethod;
  if (DictMethods().contains(name)) kinds |= kDictMethod;
  return kinds;
}

bool HasBuiltinMethod(const Value& obj, std::string_view name) {
  return HasBuiltinMethod(obj, BuiltinMethodKinds(name));
}

absl::StatusOr<Value> CallBuiltinMethod(Renderer& r, const Value& obj, std::string_view name,
                                        const CallArgs& args, bool* found) {
  switch (obj.kind()) {
    case ValueKind::kString:
      return StrMethod(r, obj, name, args, found);
    case ValueKind::kList:
    case ValueKind::kTuple:
      return ListMethod(r, obj, name, args, found);
    case ValueKind::kDict:
      return DictMethod(r, obj, name, args, found);
    default:
      *found = false;
      return Value();
  }
}

}  // namespace flinkdbt::jinja::internal
