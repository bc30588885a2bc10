// Python operator semantics over Values: arithmetic, ordering, membership, slicing and
// printf-style formatting.
#include <cmath>
#include <limits>

#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "jinja/render.h"

namespace flinkdbt::jinja::internal {
namespace {

absl::Status TypeError(std::string msg) { return absl::InvalidArgumentError("TypeError: " + msg); }

const char* OpSymbol(BinOp op) {
  switch (op) {
    case BinOp::kAdd:
      return "+";
    case BinOp::kSub:
      return "-";
    case BinOp::kMul:
      return "*";
    case BinOp::kDiv:
      return "/";
    case BinOp::kFloorDiv:
      return "//";
    case BinOp::kMod:
      return "%";
    case BinOp::kPow:
      return "** or pow()";
  }
  return "?";
}

absl::Status Unsupported(BinOp op, const Value& a, const Value& b) {
  return TypeError(fmt::format("unsupported operand type(s) for {}: '{}' and '{}'", OpSymbol(op),
                               a.TypeName(), b.TypeName()));
}

absl::Status Overflow() {
  return absl::InvalidArgumentError("OverflowError: integer too large (over 100000 bits)");
}

constexpr size_t kMaxBits = 100000;

absl::StatusOr<Value> BigOp(BinOp op, const BigInt& x, const BigInt& y) {
  switch (op) {
    case BinOp::kAdd:
      return IntFromBig(BigInt::Add(x, y));
    case BinOp::kSub:
      return IntFromBig(BigInt::Sub(x, y));
    case BinOp::kMul:
      if (x.bits() + y.bits() > kMaxBits) return Overflow();
      return IntFromBig(BigInt::Mul(x, y));
    case BinOp::kDiv:
      if (y.is_zero()) return absl::InvalidArgumentError("ZeroDivisionError: division by zero");
      return Value::Float(x.ToDouble() / y.ToDouble());
    case BinOp::kFloorDiv:
    case BinOp::kMod: {
      if (y.is_zero()) {
        return absl::InvalidArgumentError(op == BinOp::kMod
                                              ? "ZeroDivisionError: integer modulo by zero"
                                              : "ZeroDivisionError: integer division or modulo by zero");
      }
      BigInt q, r;
      BigInt::DivMod(x, y, &q, &r);
      return IntFromBig(op == BinOp::kMod ? r : q);
    }
    case BinOp::kPow: {
      if (y.neg) return Value::Float(std::pow(x.ToDouble(), y.ToDouble()));
      auto e128 = y.To128();
      if (!e128 || (*e128 > 1 && x.bits() > 1 &&
                    x.bits() * static_cast<size_t>(std::min<int128>(*e128, kMaxBits + 1)) > kMaxBits)) {
        if (x.is_zero() || (x.bits() == 1 && x.mag.size() == 1)) {
          // 0**n, 1**n, (-1)**n stay small.
        } else {
          return Overflow();
        }
      }
      BigInt result = BigInt::From128(1), base = x;
      int128 e = e128.value_or(0);
      if (!e128) {  // huge exponent of 0, 1 or -1
        bool odd = !y.mag.empty() && (y.mag[0] & 1);
        if (x.is_zero()) return Value::Int(0);
        return Value::Int(x.neg && odd ? -1 : 1);
      }
      while (e > 0) {
        if (e & 1) result = BigInt::Mul(result, base);
        e >>= 1;
        if (e > 0) base = BigInt::Mul(base, base);
      }
      return IntFromBig(std::move(result));
    }
  }
  return Overflow();
}

double PyFloorMod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  if (m == 0) m = std::copysign(0.0, b);
  return m;
}

absl::StatusOr<Value> IntOp(BinOp op, int128 x, int128 y) {
  int128 r;
  switch (op) {
    case BinOp::kAdd:
      if (__builtin_add_overflow(x, y, &r)) return BigOp(op, BigInt::From128(x), BigInt::From128(y));
      return Value::Int128(r);
    case BinOp::kSub:
      if (__builtin_sub_overflow(x, y, &r)) return BigOp(op, BigInt::From128(x), BigInt::From128(y));
      return Value::Int128(r);
    case BinOp::kMul:
      if (__builtin_mul_overflow(x, y, &r)) return BigOp(op, BigInt::From128(x), BigInt::From128(y));
      return Value::Int128(r);
    case BinOp::kDiv:
      if (y == 0) return absl::InvalidArgumentError("ZeroDivisionError: division by zero");
      return Value::Float(static_cast<double>(x) / static_cast<double>(y));
    case BinOp::kFloorDiv: {
      if (y == 0) return absl::InvalidArgumentError("ZeroDivisionError: integer division or modulo by zero");
      int128 q = x / y;
      if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
      return Value::Int128(q);
    }
    case BinOp::kMod: {
      if (y == 0) return absl::InvalidArgumentError("ZeroDivisionError: integer modulo by zero");
      int128 m = x % y;
      if (m != 0 && ((m < 0) != (y < 0))) m += y;
      return Value::Int128(m);
    }
    case BinOp::kPow: {
      if (y < 0) {
        if (x == 0) {
          return absl::InvalidArgumentError("ZeroDivisionError: 0.0 cannot be raised to a negative power");
        }
        return Value::Float(std::pow(static_cast<double>(x), static_cast<double>(y)));
      }
      int128 result = 1, base = x;
      int128 e = y;
      while (e > 0) {
        if (e & 1) {
          if (__builtin_mul_overflow(result, base, &result))
            return BigOp(op, BigInt::From128(x), BigInt::From128(y));
        }
        e >>= 1;
        if (e > 0 && __builtin_mul_overflow(base, base, &base))
          return BigOp(op, BigInt::From128(x), BigInt::From128(y));
      }
      return Value::Int128(result);
    }
  }
  return Overflow();
}

absl::StatusOr<Value> FloatOp(BinOp op, double x, double y) {
  switch (op) {
    case BinOp::kAdd:
      return Value::Float(x + y);
    case BinOp::kSub:
      return Value::Float(x - y);
    case BinOp::kMul:
      return Value::Float(x * y);
    case BinOp::kDiv:
      if (y == 0) return absl::InvalidArgumentError("ZeroDivisionError: float division by zero");
      return Value::Float(x / y);
    case BinOp::kFloorDiv:
      if (y == 0) return absl::InvalidArgumentError("ZeroDivisionError: float floor division by zero");
      return Value::Float(std::floor(x / y));
    case BinOp::kMod:
      if (y == 0) return absl::InvalidArgumentError("ZeroDivisionError: float modulo");
      return Value::Float(PyFloorMod(x, y));
    case BinOp::kPow:
      if (x == 0 && y < 0) {
        return absl::InvalidArgumentError("ZeroDivisionError: 0.0 cannot be raised to a negative power");
      }
      return Value::Float(std::pow(x, y));
  }
  return Value::Float(0);
}

absl::StatusOr<Value> Repeat(const Value& seq, const Value& count) {
  int64_t n = std::max<int64_t>(0, count.AsInt64().value_or(0));
  if (seq.is_string()) {
    std::string out;
    std::string_view s = seq.AsString();
    if (n > 0 && s.size() * n > (1u << 28))
      return absl::InvalidArgumentError("MemoryError: result too large");
    out.reserve(s.size() * n);
    for (int64_t i = 0; i < n; ++i) out.append(s);
    return Value::String(std::move(out));
  }
  auto items = seq.Items();
  if (n > 0 && items.size() * n > (1u << 26))
    return absl::InvalidArgumentError("MemoryError: result too large");
  std::vector<Value> out;
  out.reserve(items.size() * n);
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), items.begin(), items.end());
  return seq.is_list() ? Value::List(std::move(out)) : Value::Tuple(std::move(out));
}

bool IsIntLike(const Value& v) { return v.is_int() || v.is_bool(); }

}  // namespace

absl::StatusOr<Value> BinaryOp(BinOp op, const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return FloatOp(op, a.AsDouble(), b.AsDouble());
    auto x = a.AsInt128();
    auto y = b.AsInt128();
    if (!x || !y) return BigOp(op, ToBig(a), ToBig(b));
    if (op == BinOp::kFloorDiv && *y == -1 && *x == std::numeric_limits<int128>::min()) {
      return BigOp(op, ToBig(a), ToBig(b));
    }
    return IntOp(op, *x, *y);
  }
  if (a.is_object() || b.is_object()) {
    if (const Object* o = a.AsObject(); a.is_object() && o != nullptr) {
      if (auto r = o->Arithmetic(static_cast<Operator>(op), b, false)) return *std::move(r);
    }
    if (const Object* o = b.AsObject(); b.is_object() && o != nullptr) {
      if (auto r = o->Arithmetic(static_cast<Operator>(op), a, true)) return *std::move(r);
    }
  }
  switch (op) {
    case BinOp::kAdd:
      if (a.is_string() && b.is_string()) {
        std::string s;
        s.reserve(a.AsString().size() + b.AsString().size());
        s.append(a.AsString());
        s.append(b.AsString());
        return Value::String(std::move(s));
      }
      if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
        std::vector<Value> out(a.Items().begin(), a.Items().end());
        out.insert(out.end(), b.Items().begin(), b.Items().end());
        return a.is_list() ? Value::List(std::move(out)) : Value::Tuple(std::move(out));
      }
      if (a.is_string() || a.is_list() || a.is_tuple()) {
        return TypeError(fmt::format("can only concatenate {} (not \"{}\") to {}", a.TypeName(), b.TypeName(),
                                     a.TypeName()));
      }
      return Unsupported(op, a, b);
    case BinOp::kMul: {
      bool a_seq = a.is_string() || a.is_sequence();
      bool b_seq = b.is_string() || b.is_sequence();
      if (a_seq && IsIntLike(b)) return Repeat(a, b);
      if (b_seq && IsIntLike(a)) return Repeat(b, a);
      if (a_seq || b_seq) {
        return TypeError(fmt::format("can't multiply sequence by non-int of type '{}'",
                                     a_seq ? b.TypeName() : a.TypeName()));
      }
      return Unsupported(op, a, b);
    }
    case BinOp::kMod:
      if (a.is_string()) return PercentFormat(a, b);
      return Unsupported(op, a, b);
    default:
      return Unsupported(op, a, b);
  }
}

std::optional<std::string> ObjectCompareError(const Value& a, const Value& b) {
  for (const Value* v : {&a, &b}) {
    const Object* o = v->AsObject();
    if (o == nullptr) continue;
    if (auto m = o->CompareError(v == &a ? b : a)) return m;
  }
  return std::nullopt;
}

absl::StatusOr<bool> LessThan(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.AsDouble() < b.AsDouble();
    auto x = a.AsInt128(), y = b.AsInt128();
    if (x && y) return *x < *y;
    return BigInt::Compare(ToBig(a), ToBig(b)) < 0;
  }
  if (a.is_string() && b.is_string()) return a.AsString() < b.AsString();
  if (const Object* o = a.AsObject(); a.is_object() && o != nullptr) {
    if (auto c = o->CompareTo(b)) return *c < 0;
  }
  if (const Object* o = b.AsObject(); b.is_object() && o != nullptr) {
    if (auto c = o->CompareTo(a)) return *c > 0;
  }
  if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
    auto x = a.Items(), y = b.Items();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (x[i].Equals(y[i])) continue;
      return LessThan(x[i], y[i]);
    }
    return x.size() < y.size();
  }
  if (auto m = ObjectCompareError(a, b)) return TypeError(*m);
  return TypeError(
      fmt::format("'<' not supported between instances of '{}' and '{}'", a.TypeName(), b.TypeName()));
}

absl::StatusOr<bool> Contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case ValueKind::kString:
      if (!item.is_string()) {
        return TypeError(
            fmt::format("'in <string>' requires string as left operand, not {}", item.TypeName()));
      }
      return container.AsString().find(item.AsString()) != std::string_view::npos;
    case ValueKind::kList:
    case ValueKind::kTuple:
      if (item.is_string()) {  // a str equals only a str
        std::string_view s = Str(item)->str;
        for (const Value& v : List(container)->items) {  // tuples share ListObject's layout
          if (v.is_string() && SameText(Str(v)->str, s)) return true;
        }
        return false;
      }
      for (const Value& v : container.Items()) {
        if (v.Equals(item)) return true;
      }
      return false;
    case ValueKind::kDict:
    case ValueKind::kNamespace:
      return container.Find(item) != nullptr;
    case ValueKind::kUndefined:
      return false;
    case ValueKind::kObject: {
      auto items = container.AsObject()->Iterate();
      if (items) {
        for (const Value& v : *items) {
          if (v.Equals(item)) return true;
        }
        return false;
      }
      break;
    }
    default:
      break;
  }
  return TypeError(fmt::format("argument of type '{}' is not iterable", container.TypeName()));
}

std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else {
      utf8::Decode(s, &i);
    }
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

absl::StatusOr<Value> SliceValue(const Value& v, const Value& start, const Value& stop, const Value& step) {
  auto as_index = [](const Value& x, std::optional<int64_t>* out) -> absl::Status {
    if (x.is_undefined() || x.is_none()) return absl::OkStatus();
    if (!x.is_int() && !x.is_bool()) {
      return TypeError("slice indices must be integers or None or have an __index__ method");
    }
    *out = x.AsInt64().value_or(0);
    return absl::OkStatus();
  };
  std::optional<int64_t> a, b, c;
  FLINKDBT_RETURN_IF_ERROR(as_index(start, &a));
  FLINKDBT_RETURN_IF_ERROR(as_index(stop, &b));
  FLINKDBT_RETURN_IF_ERROR(as_index(step, &c));
  int64_t st = c.value_or(1);
  if (st == 0) return absl::InvalidArgumentError("ValueError: slice step cannot be zero");
  std::vector<std::string_view> cps;
  int64_t len;
  if (v.is_string()) {
    cps = CodePoints(v.AsString());
    len = static_cast<int64_t>(cps.size());
  } else if (v.is_sequence()) {
    len = static_cast<int64_t>(v.Items().size());
  } else {
    return TypeError(fmt::format("'{}' object is not subscriptable", v.TypeName()));
  }
  int64_t lo, hi;
  if (st > 0) {
    lo = a ? (*a < 0 ? std::max<int64_t>(0, *a + len) : std::min(*a, len)) : 0;
    hi = b ? (*b < 0 ? std::max<int64_t>(0, *b + len) : std::min(*b, len)) : len;
  } else {
    lo = a ? (*a < 0 ? std::max<int64_t>(-1, *a + len) : std::min(*a, len - 1)) : len - 1;
    hi = b ? (*b < 0 ? std::max<int64_t>(-1, *b + len) : std::min(*b, len - 1)) : -1;
  }
  std::vector<int64_t> idx;
  if (st > 0) {
    for (int64_t i = lo; i < hi; i += st) idx.push_back(i);
  } else {
    for (int64_t i = lo; i > hi; i += st) idx.push_back(i);
  }
  if (v.is_string()) {
    std::string out;
    for (int64_t i : idx) out.append(cps[i]);
    return Value::String(std::move(out));
  }
  std::vector<Value> out;
  auto items = v.Items();
  for (int64_t i : idx) out.push_back(items[i]);
  return v.is_list() ? Value::List(std::move(out)) : Value::Tuple(std::move(out));
}

namespace {
// A %-format width or precision: Python's ValueError beyond its size limit, and (like the other
// padding widths here) a MemoryError for widths no template means, instead of a giant allocation.
absl::StatusOr<size_t> FormatSize(const std::string& digits, std::string_view what) {
  uint64_t n = 0;
  for (char c : digits) {
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > (uint64_t{1} << 40)) break;
  }
  if (n > (uint64_t{1} << 40)) return absl::InvalidArgumentError(fmt::format("ValueError: {} too big", what));
  if (n > (uint64_t{1} << 24))
    return absl::InvalidArgumentError(fmt::format("MemoryError: {} too large", what));
  return static_cast<size_t>(n);
}
}  // namespace

absl::StatusOr<Value> PercentFormat(const Value& fmt_value, const Value& args) {
  std::string_view f = fmt_value.AsString();
  std::vector<Value> positional;
  const Value* mapping = nullptr;
  if (args.is_tuple()) {
    positional.assign(args.Items().begin(), args.Items().end());
  } else if (args.is_mapping()) {
    mapping = &args;
    positional.push_back(args);
  } else {
    positional.push_back(args);
  }
  size_t next = 0;
  bool used_mapping = false;
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out.push_back(f[i]);
      continue;
    }
    if (++i >= f.size()) return absl::InvalidArgumentError("ValueError: incomplete format");
    if (f[i] == '%') {
      out.push_back('%');
      continue;
    }
    const Value* arg = nullptr;
    Value keyed;
    if (f[i] == '(') {
      size_t close = f.find(')', i);
      if (close == std::string_view::npos || mapping == nullptr) {
        return TypeError("format requires a mapping");
      }
      const Value* v = mapping->Find(f.substr(i + 1, close - i - 1));
      if (v == nullptr) {
        return absl::InvalidArgumentError(fmt::format("KeyError: '{}'", f.substr(i + 1, close - i - 1)));
      }
      keyed = *v;
      arg = &keyed;
      used_mapping = true;
      i = close + 1;
    }
    std::string flags;
    while (i < f.size() && std::string_view("-+ #0").find(f[i]) != std::string_view::npos) flags += f[i++];
    std::string width;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) width += f[i++];
    std::string prec;
    bool has_prec = false;
    if (i < f.size() && f[i] == '.') {
      has_prec = true;
      ++i;
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) prec += f[i++];
    }
    if (i >= f.size()) return absl::InvalidArgumentError("ValueError: incomplete format");
    FLINKDBT_ASSIGN_OR_RETURN(size_t w, FormatSize(width, "width"));
    FLINKDBT_ASSIGN_OR_RETURN(size_t precision, FormatSize(prec, "precision"));
    char conv = f[i];
    if (arg == nullptr) {
      if (next >= positional.size()) return TypeError("not enough arguments for format string");
      arg = &positional[next++];
    }
    std::string body;
    switch (conv) {
      case 's':
        body = arg->Str();
        if (has_prec) body = body.substr(0, precision);
        break;
      case 'r':
      case 'a':
        body = arg->Repr();
        break;
      case 'd':
      case 'i':
      case 'u': {
        if (!arg->is_number()) {
          return TypeError(
              fmt::format("%{} format: a real number is required, not {}", conv, arg->TypeName()));
        }
        if (arg->is_float() && std::isnan(arg->AsDouble())) {
          return absl::InvalidArgumentError("ValueError: cannot convert float NaN to integer");
        }
        if (arg->is_float() && std::isinf(arg->AsDouble())) {
          return absl::InvalidArgumentError("OverflowError: cannot convert float infinity to integer");
        }
        Value iv = arg->is_float() ? IntFromDouble(arg->AsDouble()) : *arg;
        if (iv.is_bool()) iv = Value::Int(iv.AsBool());
        body = iv.Str();
        if (flags.find('+') != std::string::npos && body[0] != '-') body = "+" + body;
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (!arg->is_number()) {
          return TypeError(fmt::format("must be real number, not {}", arg->TypeName()));
        }
        int p = has_prec ? static_cast<int>(precision) : 6;
        std::string spec =
            fmt::format("{{:{}.{}{}}}", flags.find('+') != std::string::npos ? "+" : "", p, conv);
        body = fmt::format(fmt::runtime(spec), arg->AsDouble());
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        auto iv = arg->AsInt64();
        if (!iv) return TypeError(fmt::format("%{} format: an integer is required", conv));
        std::string spec = fmt::format("{{:{}{}}}", flags.find('#') != std::string::npos ? "#" : "", conv);
        body = fmt::format(fmt::runtime(spec), *iv);
        break;
      }
      case 'c':
        if (arg->is_string()) {
          body = std::string(arg->AsString());
        } else {
          utf8::Append(&body, static_cast<char32_t>(arg->AsInt64().value_or(0)));
        }
        break;
      default:
        return absl::InvalidArgumentError(fmt::format("ValueError: unsupported format character '{}'", conv));
    }
    size_t len = utf8::Length(body);
    if (len < w) {
      if (flags.find('-') != std::string::npos) {
        body.append(w - len, ' ');
      } else if (flags.find('0') != std::string::npos && conv != 's' && conv != 'r') {
        size_t sign = (!body.empty() && (body[0] == '-' || body[0] == '+')) ? 1 : 0;
        body.insert(sign, w - len, '0');
      } else {
        body.insert(0, w - len, ' ');
      }
    }
    out += body;
  }
  if (!used_mapping && mapping == nullptr && next < positional.size()) {
    return TypeError("not all arguments converted during string formatting");
  }
  return Value::String(std::move(out));
}

}  // namespace flinkdbt::jinja::internal
