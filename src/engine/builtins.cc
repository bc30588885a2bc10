// Operators, math, string, conditional and collection built-ins.
#include "engine/builtins.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "absl/strings/escaping.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;
using Args = std::vector<Value>;
using Types = std::vector<DataType>;

bool AnyNullable(const Types& types) {
  for (const auto& t : types)
    if (t.nullable || t.root == TypeRoot::kNull) return true;
  return false;
}
DataType StringType(const Types& types) { return DataType::String(AnyNullable(types)); }
Value Fail(EvalContext& ctx, std::string message) {
  ctx.Fail(absl::InvalidArgumentError(std::move(message)));
  return Value::Null();
}

absl::Status SignatureError(const BExpr& e, const Types& types) {
  std::string list;
  for (size_t i = 0; i < types.size(); ++i) list += (i ? ", " : "") + sql::TypeToString(types[i]);
  return absl::InvalidArgumentError(
      fmt::format("Cannot apply '{}' to arguments of type '{}({})'", e.name, e.name, list));
}
bool IsNullType(const DataType& t) { return t.root == TypeRoot::kNull; }

namespace {

// ---------------------------------------------------------------------------------------------
// Bind helpers

absl::Status Error(std::string msg) { return absl::InvalidArgumentError(std::move(msg)); }

bool Numericish(const DataType& t) { return sql::IsNumeric(t) || IsNullType(t); }
bool Stringish(const DataType& t) { return sql::IsCharacterString(t) || IsNullType(t); }

void CastArg(BExpr& e, size_t i, const DataType& to) {
  if (e.args[i]->type == to) return;
  e.args[i] = MakeCast(std::move(e.args[i]), to);
}

absl::Status BindBool(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Boolean(AnyNullable(t));
  return absl::OkStatus();
}
absl::Status BindBoolNotNull(BExpr& e, const Types&, CallSyntax&) {
  e.type = DataType::Boolean(false);
  return absl::OkStatus();
}
absl::Status BindString(BExpr& e, const Types& t, CallSyntax&) {
  e.type = StringType(t);
  return absl::OkStatus();
}
absl::Status BindStringArgs(BExpr& e, const Types& t, CallSyntax&) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (!Stringish(t[i]) && !sql::IsNumeric(t[i]) && !sql::IsDatetime(t[i]) &&
        t[i].root != TypeRoot::kBoolean)
      return SignatureError(e, t);
    if (!Stringish(t[i])) CastArg(e, i, DataType::String(t[i].nullable));
  }
  e.type = StringType(t);
  return absl::OkStatus();
}
absl::Status BindInt(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Int(AnyNullable(t));
  return absl::OkStatus();
}
absl::Status BindDouble(BExpr& e, const Types& t, CallSyntax&) {
  for (const auto& x : t)
    if (!Numericish(x)) return SignatureError(e, t);
  e.type = DataType::Double(AnyNullable(t));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

bool IsTemporal(const DataType& t) { return sql::IsDatetime(t); }

absl::Status BindArith(BExpr& e, const Types& t, CallSyntax&) {
  const DataType& a = t[0];
  const DataType& b = t[1];
  bool nullable = AnyNullable(t);
  const std::string& op = e.name;
  if ((op == "+" || op == "-") && IsTemporal(a) && sql::IsInterval(b)) {
    e.type = a.WithoutTimeAttribute().WithNullable(nullable);
    return absl::OkStatus();
  }
  if (op == "+" && sql::IsInterval(a) && IsTemporal(b)) {
    std::swap(e.args[0], e.args[1]);
    e.type = b.WithoutTimeAttribute().WithNullable(nullable);
    return absl::OkStatus();
  }
  if ((op == "+" || op == "-") && sql::IsInterval(a) && sql::IsInterval(b)) {
    e.type = a.WithNullable(nullable);
    return absl::OkStatus();
  }
  if ((op == "*" || op == "/") && sql::IsInterval(a) && sql::IsNumeric(b)) {
    e.type = a.WithNullable(nullable);
    return absl::OkStatus();
  }
  if (op == "*" && sql::IsNumeric(a) && sql::IsInterval(b)) {
    std::swap(e.args[0], e.args[1]);
    e.type = b.WithNullable(nullable);
    return absl::OkStatus();
  }
  if (op == "-" && IsTemporal(a) && IsTemporal(b) && a.root == b.root) {
    e.type = DataType::Interval(sql::IntervalResolution::kDayToSecond).WithNullable(nullable);
    return absl::OkStatus();
  }
  DataType x = IsNullType(a) ? b : a;
  DataType y = IsNullType(b) ? a : b;
  // Strings in arithmetic are cast to DOUBLE... Flink rejects them; so do we.
  if (!Numericish(x) || !Numericish(y)) return SignatureError(e, t);
  if (IsNullType(x)) {
    e.type = DataType::Int(true);
    return absl::OkStatus();
  }
  if (sql::IsApproxNumeric(x) || sql::IsApproxNumeric(y)) {
    bool f = x.root == TypeRoot::kFloat && y.root == TypeRoot::kFloat;
    e.type = DataType::Of(f ? TypeRoot::kFloat : TypeRoot::kDouble, nullable);
  } else if (x.root == TypeRoot::kDecimal || y.root == TypeRoot::kDecimal) {
    if (op == "+" || op == "-")
      e.type = sql::DecimalPlusMinus(x, y);
    else if (op == "*")
      e.type = sql::DecimalTimes(x, y);
    else if (op == "/")
      e.type = sql::DecimalDivide(x, y);
    else
      e.type = sql::DecimalMod(x, y);
    e.type = e.type.WithNullable(nullable || op == "/");
    if (op == "%" && sql::IsIntegral(y) && x.root == TypeRoot::kDecimal) e.type = x.WithNullable(nullable);
  } else {
    auto rank = [](TypeRoot r) {
      return r == TypeRoot::kTinyInt ? 1 : r == TypeRoot::kSmallInt ? 2 : r == TypeRoot::kInt ? 3 : 4;
    };
    DataType w = rank(x.root) >= rank(y.root) ? x : y;
    if (op == "%") w = y;
    e.type = w.WithoutTimeAttribute().WithNullable(nullable);
  }
  return absl::OkStatus();
}

double ToDouble(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInt:
      return static_cast<double>(v.int_value());
    case ValueKind::kDouble:
      return v.double_value();
    case ValueKind::kDecimal:
      return v.decimal_value().ToDouble();
    default:
      return 0;
  }
}

Decimal ToDec(const Value& v) {
  if (v.kind() == ValueKind::kInt) return Decimal{v.int_value(), 0};
  if (v.kind() == ValueKind::kDouble) return Decimal::FromDouble(v.double_value(), 18).value_or(Decimal{});
  return v.decimal_value();
}

// Exact a / b with `scale` digits, HALF_UP.
std::optional<Decimal> DivideDecimal(Decimal a, Decimal b, int scale) {
  if (b.unscaled == 0) return std::nullopt;
  // value = (A * 10^sb) / (B * 10^sa)
  Int128 n = a.unscaled, d = b.unscaled;
  if (b.scale > a.scale)
    n *= Pow10(b.scale - a.scale);
  else if (a.scale > b.scale)
    d *= Pow10(a.scale - b.scale);
  bool neg = (n < 0) != (d < 0);
  if (n < 0) n = -n;
  if (d < 0) d = -d;
  Int128 q = n / d, r = n % d;
  for (int i = 0; i < scale; ++i) {
    r *= 10;
    q = q * 10 + r / d;
    r %= d;
  }
  if (r * 2 >= d) ++q;
  return Decimal{neg ? -q : q, scale};
}

Value AddMonths(const Value& ts, int64_t months, bool date) {
  int64_t days =
      date ? ts.millis() : (ts.millis() >= 0 ? ts.millis() / 86400000 : (ts.millis() - 86399999) / 86400000);
  int64_t rem = date ? 0 : ts.millis() - days * 86400000;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t total = y * 12 + (m - 1) + months;
  int64_t ny = total >= 0 ? total / 12 : (total - 11) / 12;
  unsigned nm = static_cast<unsigned>(total - ny * 12) + 1;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned maxd = kDays[nm - 1] + ((nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0)) ? 1 : 0);
  int64_t nd = DaysFromCivil(ny, nm, std::min(d, maxd));
  if (date) return Value::Date(nd);
  int64_t ms = nd * 86400000 + rem;
  return ts.kind() == ValueKind::kTimestampLtz ? Value::TimestampLtz(ms, ts.nanos())
                                               : Value::Timestamp(ms, ts.nanos());
}

Value ArithFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  const std::string& op = e.name;
  const Value& x = a[0];
  const Value& y = a[1];
  // Temporal arithmetic.
  ValueKind xk = x.kind();
  if (xk == ValueKind::kTimestamp || xk == ValueKind::kTimestampLtz || xk == ValueKind::kDate ||
      xk == ValueKind::kTime) {
    if (y.kind() == ValueKind::kIntervalMonths) {
      int64_t m = op == "-" ? -y.int_value() : y.int_value();
      if (xk == ValueKind::kTime) return x;
      return AddMonths(x, m, xk == ValueKind::kDate);
    }
    if (y.kind() == ValueKind::kIntervalMillis) {
      int64_t ms = op == "-" ? -y.int_value() : y.int_value();
      if (xk == ValueKind::kDate) return Value::Date(x.millis() + ms / 86400000);
      if (xk == ValueKind::kTime) {
        int64_t t = (x.millis() + ms) % 86400000;
        if (t < 0) t += 86400000;
        return Value::Time(t, x.nanos());
      }
      return xk == ValueKind::kTimestampLtz ? Value::TimestampLtz(x.millis() + ms, x.nanos())
                                            : Value::Timestamp(x.millis() + ms, x.nanos());
    }
    // temporal - temporal
    int64_t diff = xk == ValueKind::kDate ? (x.millis() - y.millis()) * 86400000 : x.millis() - y.millis();
    return Value::IntervalMillis(diff);
  }
  if (xk == ValueKind::kIntervalMillis || xk == ValueKind::kIntervalMonths) {
    bool months = xk == ValueKind::kIntervalMonths;
    auto make = [&](int64_t v) { return months ? Value::IntervalMonths(v) : Value::IntervalMillis(v); };
    if (y.kind() == xk)
      return make(op == "+" ? x.int_value() + y.int_value() : x.int_value() - y.int_value());
    double f = ToDouble(y);
    if (op == "*") return make(static_cast<int64_t>(std::llround(static_cast<double>(x.int_value()) * f)));
    if (f == 0) return Fail(ctx, "Division by zero");
    return make(static_cast<int64_t>(std::llround(static_cast<double>(x.int_value()) / f)));
  }
  switch (e.type.root) {
    case TypeRoot::kFloat:
    case TypeRoot::kDouble: {
      double p = ToDouble(x), q = ToDouble(y), r;
      if (op == "+")
        r = p + q;
      else if (op == "-")
        r = p - q;
      else if (op == "*")
        r = p * q;
      else if (op == "/")
        r = p / q;
      else
        r = std::fmod(p, q);
      if (e.type.root == TypeRoot::kFloat) r = static_cast<float>(r);
      return Value::Double(r);
    }
    case TypeRoot::kDecimal: {
      Decimal p = ToDec(x), q = ToDec(y);
      int s = e.type.scale;
      Decimal r;
      if (op == "+" || op == "-") {
        int ms = std::max(p.scale, q.scale);
        Int128 u = op == "+" ? p.Rescale(ms).unscaled + q.Rescale(ms).unscaled
                             : p.Rescale(ms).unscaled - q.Rescale(ms).unscaled;
        r = Decimal{u, ms}.Rescale(s);
      } else if (op == "*") {
        r = Decimal{p.unscaled * q.unscaled, p.scale + q.scale}.Rescale(s);
      } else if (op == "/") {
        auto d = DivideDecimal(p, q, s);
        if (!d) return Fail(ctx, "Division by zero");
        r = *d;
      } else {
        int ms = std::max(p.scale, q.scale);
        Int128 qq = q.Rescale(ms).unscaled;
        if (qq == 0) return Fail(ctx, "Division by zero");
        r = Decimal{p.Rescale(ms).unscaled % qq, ms}.Rescale(s);
      }
      if (!Decimal::Fits(r.unscaled, e.type.precision)) return Value::Null();
      return Value::Dec(r);
    }
    default: {
      int64_t p = x.int_value(), q = y.int_value();
      uint64_t up = static_cast<uint64_t>(p), uq = static_cast<uint64_t>(q);
      int64_t r;
      if (op == "+")
        r = static_cast<int64_t>(up + uq);
      else if (op == "-")
        r = static_cast<int64_t>(up - uq);
      else if (op == "*")
        r = static_cast<int64_t>(up * uq);
      else {
        if (q == 0) return Fail(ctx, "Division by zero");
        if (q == -1)
          r = static_cast<int64_t>(0 - up);
        else
          r = op == "/" ? p / q : p % q;
      }
      return Value::Int(WrapTo(e.type.root, r));
    }
  }
}

Value NegateFn(const Args& a, const BExpr& e, EvalContext&) {
  const Value& x = a[0];
  switch (x.kind()) {
    case ValueKind::kInt:
      return Value::Int(WrapTo(e.type.root, static_cast<int64_t>(0 - static_cast<uint64_t>(x.int_value()))));
    case ValueKind::kDouble:
      return Value::Double(-x.double_value());
    case ValueKind::kDecimal: {
      Decimal d = x.decimal_value();
      d.unscaled = -d.unscaled;
      return Value::Dec(d);
    }
    case ValueKind::kIntervalMillis:
      return Value::IntervalMillis(-x.int_value());
    case ValueKind::kIntervalMonths:
      return Value::IntervalMonths(-x.int_value());
    default:
      return x;
  }
}

absl::Status BindNegate(BExpr& e, const Types& t, CallSyntax&) {
  if (!Numericish(t[0]) && !sql::IsInterval(t[0])) return SignatureError(e, t);
  e.type = t[0].WithoutTimeAttribute();
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Comparison and logic

bool Comparable(const DataType& a, const DataType& b) {
  if (IsNullType(a) || IsNullType(b)) return true;
  if (sql::IsNumeric(a) && sql::IsNumeric(b)) return true;
  if (sql::IsCharacterString(a) && sql::IsCharacterString(b)) return true;
  if (sql::IsBinaryString(a) && sql::IsBinaryString(b)) return true;
  if (sql::IsTimestamp(a) && sql::IsTimestamp(b)) return true;
  if (sql::IsInterval(a) && sql::IsInterval(b)) return true;
  return a.root == b.root;
}

absl::Status BindCompare(BExpr& e, const Types& t, CallSyntax&) {
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    for (size_t j = i + 1; j < t.size(); ++j) {
      if (Comparable(t[i], t[j])) continue;
      // A string compared with a number / date / timestamp is cast to the other side's type.
      if (sql::IsCharacterString(t[j]) &&
          (sql::IsNumeric(t[i]) || sql::IsDatetime(t[i]) || t[i].root == TypeRoot::kBoolean)) {
        CastArg(e, j, t[i].WithoutTimeAttribute().WithNullable(true));
        continue;
      }
      if (sql::IsCharacterString(t[i]) &&
          (sql::IsNumeric(t[j]) || sql::IsDatetime(t[j]) || t[j].root == TypeRoot::kBoolean)) {
        CastArg(e, i, t[j].WithoutTimeAttribute().WithNullable(true));
        continue;
      }
      return SignatureError(e, t);
    }
  }
  e.type = DataType::Boolean(AnyNullable(t));
  return absl::OkStatus();
}

// Compares for =/<> with CHAR semantics (trailing blanks are not significant).
int CompareValues(const Value& a, const Value& b) {
  if (a.kind() == ValueKind::kString && b.kind() == ValueKind::kString) {
    std::string_view x = a.string_value(), y = b.string_value();
    while (!x.empty() && x.back() == ' ') x.remove_suffix(1);
    while (!y.empty() && y.back() == ' ') y.remove_suffix(1);
    int c = x.compare(y);
    return c < 0 ? -1 : c > 0;
  }
  return Compare(a, b);
}

Value CompareFn(const Args& a, const BExpr& e, EvalContext&) {
  int c = CompareValues(a[0], a[1]);
  const std::string& op = e.name;
  bool r = op == "="    ? c == 0
           : op == "<>" ? c != 0
           : op == "<"  ? c < 0
           : op == "<=" ? c <= 0
           : op == ">"  ? c > 0
                        : c >= 0;
  return Value::Bool(r);
}

Value DistinctFn(const Args& a, const BExpr&, EvalContext&) {
  if (a[0].is_null() || a[1].is_null()) return Value::Bool(a[0].is_null() != a[1].is_null());
  return Value::Bool(CompareValues(a[0], a[1]) != 0);
}

Value InFn(const Args& a, const BExpr&, EvalContext&) {
  if (a[0].is_null()) return Value::Null();
  bool null = false;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i].is_null()) {
      null = true;
      continue;
    }
    if (CompareValues(a[0], a[i]) == 0) return Value::Bool(true);
  }
  return null ? Value::Null() : Value::Bool(false);
}

Value NotFn(const Args& a, const BExpr&, EvalContext&) { return Value::Bool(!a[0].bool_value()); }
Value IsNullFn(const Args& a, const BExpr&, EvalContext&) { return Value::Bool(a[0].is_null()); }
Value IsTrueFn(const Args& a, const BExpr&, EvalContext&) {
  return Value::Bool(!a[0].is_null() && a[0].bool_value());
}
Value IsFalseFn(const Args& a, const BExpr&, EvalContext&) {
  return Value::Bool(!a[0].is_null() && !a[0].bool_value());
}
absl::Status BindNot(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root != TypeRoot::kBoolean && !IsNullType(t[0])) return SignatureError(e, t);
  e.type = DataType::Boolean(t[0].nullable);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Conditional

absl::Status BindCommon(BExpr& e, const Types& t, CallSyntax&) {
  size_t first = e.name == "IF" ? 1 : 0;
  Types vals(t.begin() + first, t.end());
  auto common = sql::FindCommonType(vals);
  if (!common) return SignatureError(e, t);
  DataType c = common->WithoutTimeAttribute();
  if (c.root == TypeRoot::kChar) {
    bool same = true;
    for (const auto& v : vals) same = same && (v.root != TypeRoot::kChar || v.precision == c.precision);
    if (!same) c = DataType::VarChar(c.precision, c.nullable);
  }
  if (e.name == "COALESCE" || e.name == "IFNULL") {
    bool all_nullable = true;
    for (const auto& v : vals) all_nullable = all_nullable && (v.nullable || IsNullType(v));
    c = c.WithNullable(all_nullable);
  } else if (e.name == "NULLIF") {
    c = t[0].WithNullable(true);
  } else if (e.name == "GREATEST" || e.name == "LEAST") {
    c = c.WithNullable(AnyNullable(vals));
  }
  for (size_t i = first; i < e.args.size(); ++i)
    if (!(e.args[i]->type == c) && e.name != "NULLIF")
      CastArg(e, i, c.WithNullable(e.args[i]->type.nullable || IsNullType(e.args[i]->type)));
  if (e.name == "IF") CastArg(e, 0, e.args[0]->type);
  e.type = c;
  return absl::OkStatus();
}

Value CoalesceFn(const Args& a, const BExpr&, EvalContext&) {
  for (const auto& v : a)
    if (!v.is_null()) return v;
  return Value::Null();
}
Value NullIfFn(const Args& a, const BExpr&, EvalContext&) {
  if (a[0].is_null()) return a[0];
  if (!a[1].is_null() && CompareValues(a[0], a[1]) == 0) return Value::Null();
  return a[0];
}
Value IfFn(const Args& a, const BExpr&, EvalContext&) {
  return (!a[0].is_null() && a[0].bool_value()) ? a[1] : a[2];
}
Value GreatestFn(const Args& a, const BExpr& e, EvalContext&) {
  Value best;
  for (const auto& v : a) {
    if (v.is_null()) return Value::Null();
    if (best.is_null() || (e.name == "GREATEST" ? Compare(v, best) > 0 : Compare(v, best) < 0)) best = v;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Math

absl::Status BindNumericSame(BExpr& e, const Types& t, CallSyntax&) {
  if (!Numericish(t[0])) return SignatureError(e, t);
  e.type = IsNullType(t[0]) ? DataType::Int() : t[0].WithoutTimeAttribute();
  return absl::OkStatus();
}

Value AbsFn(const Args& a, const BExpr&, EvalContext&) {
  const Value& x = a[0];
  if (x.kind() == ValueKind::kInt) return Value::Int(x.int_value() < 0 ? -x.int_value() : x.int_value());
  if (x.kind() == ValueKind::kDouble) return Value::Double(std::fabs(x.double_value()));
  Decimal d = x.decimal_value();
  if (d.unscaled < 0) d.unscaled = -d.unscaled;
  return Value::Dec(d);
}

Value SignFn(const Args& a, const BExpr&, EvalContext&) {
  const Value& x = a[0];
  if (x.kind() == ValueKind::kInt) return Value::Int((x.int_value() > 0) - (x.int_value() < 0));
  if (x.kind() == ValueKind::kDouble) return Value::Double((x.double_value() > 0) - (x.double_value() < 0));
  Decimal d = x.decimal_value();
  return Value::Dec(Decimal{Int128((d.unscaled > 0) - (d.unscaled < 0)) * Pow10(d.scale), d.scale});
}

absl::Status BindFloorCeil(BExpr& e, const Types& t, CallSyntax& syn) {
  if (syn.floor_ceil_to) {
    e.i0 = static_cast<int64_t>(syn.unit);
    e.type = t[0].WithoutTimeAttribute();
    return absl::OkStatus();
  }
  if (!Numericish(t[0])) return SignatureError(e, t);
  e.type = t[0].root == TypeRoot::kDecimal
               ? DataType::Decimal(std::max(1, t[0].precision - t[0].scale + (t[0].scale > 0 ? 1 : 0)), 0,
                                   t[0].nullable)
               : t[0].WithoutTimeAttribute();
  return absl::OkStatus();
}

Value FloorCeilFn(const Args& a, const BExpr& e, EvalContext&) {
  bool ceil = e.name != "FLOOR";
  const Value& x = a[0];
  if (e.i0 != 0) return FloorTemporal(x, static_cast<sql::TimeUnit>(e.i0), ceil);
  if (x.kind() == ValueKind::kInt) return x;
  if (x.kind() == ValueKind::kDouble)
    return Value::Double(ceil ? std::ceil(x.double_value()) : std::floor(x.double_value()));
  Decimal d = x.decimal_value();
  Int128 div = Pow10(d.scale);
  Int128 q = d.unscaled / div, r = d.unscaled % div;
  if (r != 0) {
    if (ceil && d.unscaled > 0) ++q;
    if (!ceil && d.unscaled < 0) --q;
  }
  return Value::Dec(Decimal{q, 0});
}

absl::Status BindRound(BExpr& e, const Types& t, CallSyntax&) {
  if (!Numericish(t[0])) return SignatureError(e, t);
  int digits = 0;
  if (e.args.size() > 1) {
    if (e.args[1]->kind != BExpr::Kind::kConst)
      return Error(fmt::format("{} needs a literal number of digits", e.name));
    digits = static_cast<int>(e.args[1]->value.int_value());
  }
  e.i0 = digits;
  if (t[0].root == TypeRoot::kDecimal) {
    int s = std::max(0, std::min(digits, t[0].scale));
    int p = std::min(38, t[0].precision - t[0].scale + s + 1);
    e.type = DataType::Decimal(std::max(p, 1), s, t[0].nullable);
  } else {
    e.type = t[0].WithoutTimeAttribute();
  }
  return absl::OkStatus();
}

Value RoundFn(const Args& a, const BExpr& e, EvalContext&) {
  const Value& x = a[0];
  int digits = static_cast<int>(e.i0);
  bool trunc = e.name == "TRUNCATE";
  if (x.kind() == ValueKind::kInt) {
    if (digits >= 0) return x;
    int64_t f = 1;
    for (int i = 0; i < -digits; ++i) f *= 10;
    int64_t q = x.int_value() / f, r = x.int_value() % f;
    if (!trunc && (r < 0 ? -r : r) * 2 >= f) q += x.int_value() < 0 ? -1 : 1;
    return Value::Int(q * f);
  }
  if (x.kind() == ValueKind::kDouble) {
    double f = std::pow(10.0, digits);
    double v = x.double_value() * f;
    v = trunc ? std::trunc(v) : std::round(v);
    return Value::Double(v / f);
  }
  Decimal d = x.decimal_value();
  Decimal r;
  if (trunc) {
    int s = std::max(0, digits);
    if (s >= d.scale)
      r = d.Rescale(s);
    else
      r = Decimal{d.unscaled / Pow10(d.scale - s), s};
  } else {
    r = d.Rescale(std::max(0, digits));
  }
  if (digits < 0) {
    Int128 f = Pow10(-digits);
    Int128 q = r.unscaled / f, rem = r.unscaled % f;
    if (!trunc && (rem < 0 ? -rem : rem) * 2 >= f) q += r.unscaled < 0 ? -1 : 1;
    r = Decimal{q * f, 0};
  }
  return Value::Dec(r.Rescale(e.type.root == TypeRoot::kDecimal ? e.type.scale : r.scale));
}

template <double (*F)(double)>
Value Math1(const Args& a, const BExpr&, EvalContext&) {
  return Value::Double(F(ToDouble(a[0])));
}
double Log10(double x) { return std::log10(x); }
double Ln(double x) { return std::log(x); }
double Log2(double x) { return std::log2(x); }
double Exp(double x) { return std::exp(x); }
double Sqrt(double x) { return std::sqrt(x); }
double Sin(double x) { return std::sin(x); }
double Cos(double x) { return std::cos(x); }
double Tan(double x) { return std::tan(x); }
double Asin(double x) { return std::asin(x); }
double Acos(double x) { return std::acos(x); }
double Atan(double x) { return std::atan(x); }
double Cot(double x) { return 1.0 / std::tan(x); }
double Degrees(double x) { return x * 180.0 / M_PI; }
double Radians(double x) { return x * M_PI / 180.0; }
double Sinh(double x) { return std::sinh(x); }
double Cosh(double x) { return std::cosh(x); }
double Tanh(double x) { return std::tanh(x); }

Value PowerFn(const Args& a, const BExpr&, EvalContext&) {
  return Value::Double(std::pow(ToDouble(a[0]), ToDouble(a[1])));
}
Value Atan2Fn(const Args& a, const BExpr&, EvalContext&) {
  return Value::Double(std::atan2(ToDouble(a[0]), ToDouble(a[1])));
}
Value LogFn(const Args& a, const BExpr&, EvalContext&) {
  if (a.size() == 1) return Value::Double(std::log(ToDouble(a[0])));
  return Value::Double(std::log(ToDouble(a[1])) / std::log(ToDouble(a[0])));
}
Value PiFn(const Args&, const BExpr&, EvalContext&) { return Value::Double(M_PI); }
Value EFn(const Args&, const BExpr&, EvalContext&) { return Value::Double(M_E); }
Value ModFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  BExpr copy;
  copy.name = "%";
  copy.type = e.type;
  return ArithFn(a, copy, ctx);
}

// Deterministic per-call pseudo random numbers (seeded by the optional argument).
Value RandFn(const Args& a, const BExpr& e, EvalContext&) {
  auto state = std::static_pointer_cast<uint64_t>(e.cache);
  if (!state) {
    state = std::make_shared<uint64_t>(
        a.empty() || a[0].is_null() ? 0x853c49e6748fea9bULL
                                    : static_cast<uint64_t>(a[0].int_value()) * 0x9E3779B97F4A7C15ULL + 1);
    e.cache = state;
  }
  uint64_t x = (*state += 0x9E3779B97F4A7C15ULL);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  double d = static_cast<double>(x >> 11) / static_cast<double>(1ULL << 53);
  if (e.name == "RAND_INTEGER") {
    int64_t bound = a.back().int_value();
    return Value::Int(bound > 0 ? static_cast<int64_t>(d * static_cast<double>(bound)) : 0);
  }
  return Value::Double(d);
}

// ---------------------------------------------------------------------------------------------
// Strings (UTF-8 aware where Flink counts characters)

std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0)
      n = 4;
    else if (c >= 0xE0)
      n = 3;
    else if (c >= 0xC0)
      n = 2;
    n = std::min(n, s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string Join(const std::vector<std::string_view>& cps, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < cps.size(); ++i) out.append(cps[i]);
  return out;
}

const std::string& S(const Value& v) { return v.string_value(); }

Value ConcatFn(const Args& a, const BExpr&, EvalContext&) {
  std::string out;
  for (const auto& v : a) out += S(v);
  return Value::String(std::move(out));
}
Value ConcatWsFn(const Args& a, const BExpr&, EvalContext&) {
  if (a[0].is_null()) return Value::Null();
  std::string out;
  bool first = true;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i].is_null()) continue;
    if (!first) out += S(a[0]);
    first = false;
    out += S(a[i]);
  }
  return Value::String(std::move(out));
}
Value UpperFn(const Args& a, const BExpr& e, EvalContext&) {
  std::string s = S(a[0]);
  bool up = e.name == "UPPER" || e.name == "UCASE";
  for (char& c : s)
    c = static_cast<char>(up ? std::toupper(static_cast<unsigned char>(c))
                             : std::tolower(static_cast<unsigned char>(c)));
  return Value::String(std::move(s));
}
Value InitCapFn(const Args& a, const BExpr&, EvalContext&) {
  std::string s = S(a[0]);
  bool start = true;
  for (char& c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
      start = false;
    } else {
      start = true;
    }
  }
  return Value::String(std::move(s));
}
Value CharLengthFn(const Args& a, const BExpr&, EvalContext&) {
  return Value::Int(static_cast<int64_t>(CodePoints(S(a[0])).size()));
}
Value SubstringFn(const Args& a, const BExpr&, EvalContext&) {
  auto cps = CodePoints(S(a[0]));
  int64_t n = static_cast<int64_t>(cps.size());
  int64_t start = a[1].int_value();
  int64_t len = a.size() > 2 ? a[2].int_value() : n + 1;
  if (len < 0) return Value::String("");
  int64_t from = start > 0 ? start - 1 : (start < 0 ? std::max<int64_t>(0, n + start) : 0);
  int64_t to = start == 0 ? len - 1 : from + len;
  if (start < 0 && n + start < 0) to = std::max<int64_t>(0, n + start + len);
  from = std::clamp<int64_t>(from, 0, n);
  to = std::clamp<int64_t>(to, from, n);
  return Value::String(Join(cps, from, to));
}
Value LeftRightFn(const Args& a, const BExpr& e, EvalContext&) {
  auto cps = CodePoints(S(a[0]));
  int64_t n = static_cast<int64_t>(cps.size());
  int64_t k = std::clamp<int64_t>(a[1].int_value(), 0, n);
  if (e.name == "LEFT") return Value::String(Join(cps, 0, k));
  return Value::String(Join(cps, n - k, n));
}
std::string TrimChars(std::string_view s, std::string_view chars, bool left, bool right) {
  auto in = [&](char c) { return chars.find(c) != std::string_view::npos; };
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && in(s[b])) ++b;
  if (right)
    while (e > b && in(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}
Value TrimFn(const Args& a, const BExpr& e, EvalContext&) {
  std::string chars = a.size() > 1 ? S(a[1]) : " ";
  bool left = e.name == "LTRIM" || (e.name != "RTRIM" && (e.strs.empty() || e.strs[0] != "TRAILING"));
  bool right = e.name == "RTRIM" || (e.name != "LTRIM" && (e.strs.empty() || e.strs[0] != "LEADING"));
  return Value::String(TrimChars(S(a[0]), chars, left, right));
}
absl::Status BindTrim(BExpr& e, const Types& t, CallSyntax& syn) {
  if (!syn.trim_spec.empty()) e.strs.push_back(syn.trim_spec);
  return BindStringArgs(e, t, syn);
}
Value PadFn(const Args& a, const BExpr& e, EvalContext&) {
  auto cps = CodePoints(S(a[0]));
  int64_t len = a[1].int_value();
  if (len < 0) return Value::Null();
  auto pad = CodePoints(S(a[2]));
  int64_t n = static_cast<int64_t>(cps.size());
  if (len <= n) return Value::String(Join(cps, 0, len));
  if (pad.empty()) return Value::Null();
  std::string fill;
  for (int64_t i = 0; i < len - n; ++i) fill.append(pad[i % pad.size()]);
  return Value::String(e.name == "LPAD" ? fill + S(a[0]) : S(a[0]) + fill);
}
Value ReplaceFn(const Args& a, const BExpr&, EvalContext&) {
  std::string s = S(a[0]);
  const std::string& from = S(a[1]);
  const std::string& to = S(a[2]);
  if (from.empty()) return Value::String(s);
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t f = s.find(from, pos);
    if (f == std::string::npos) break;
    out += s.substr(pos, f - pos) + to;
    pos = f + from.size();
  }
  out += s.substr(pos);
  return Value::String(std::move(out));
}
Value ReverseFn(const Args& a, const BExpr&, EvalContext&) {
  auto cps = CodePoints(S(a[0]));
  std::reverse(cps.begin(), cps.end());
  return Value::String(Join(cps, 0, cps.size()));
}
Value RepeatFn(const Args& a, const BExpr&, EvalContext&) {
  std::string out;
  for (int64_t i = 0; i < a[1].int_value() && out.size() < (1u << 24); ++i) out += S(a[0]);
  return Value::String(std::move(out));
}
Value PositionFn(const Args& a, const BExpr& e, EvalContext&) {
  // POSITION(needle IN haystack) / LOCATE(needle, haystack[, start]) / INSTR(haystack, needle)
  const std::string& needle = e.name == "INSTR" ? S(a[1]) : S(a[0]);
  const std::string& hay = e.name == "INSTR" ? S(a[0]) : S(a[1]);
  size_t start = 0;
  if (e.name == "LOCATE" && a.size() > 2) {
    int64_t st = a[2].int_value();
    if (st < 1) return Value::Int(0);
    auto cps = CodePoints(hay);
    start = Join(cps, 0, st - 1).size();
  }
  size_t f = hay.find(needle, start);
  if (f == std::string::npos) return Value::Int(0);
  return Value::Int(static_cast<int64_t>(CodePoints(std::string_view(hay).substr(0, f)).size()) + 1);
}
Value AsciiFn(const Args& a, const BExpr&, EvalContext&) {
  const std::string& s = S(a[0]);
  return Value::Int(s.empty() ? 0 : static_cast<unsigned char>(s[0]));
}
Value ChrFn(const Args& a, const BExpr&, EvalContext&) {
  int64_t c = a[0].int_value();
  if (c < 0) return Value::Null();
  c %= 256;
  std::string out;
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return Value::String(std::move(out));
}
Value ToBase64Fn(const Args& a, const BExpr&, EvalContext&) {
  std::string out;
  absl::Base64Escape(ToAbsl(S(a[0])), &out);
  return Value::String(out);
}
Value FromBase64Fn(const Args& a, const BExpr&, EvalContext&) {
  std::string out;
  if (!absl::Base64Unescape(ToAbsl(S(a[0])), &out)) return Value::Null();
  return Value::String(out);
}
Value HexFn(const Args& a, const BExpr&, EvalContext&) {
  if (a[0].kind() == ValueKind::kInt)
    return Value::String(fmt::format("{:X}", static_cast<uint64_t>(a[0].int_value())));
  std::string out;
  for (unsigned char c : S(a[0])) out += fmt::format("{:02X}", c);
  return Value::String(out);
}
Value BinFn(const Args& a, const BExpr&, EvalContext&) {
  uint64_t v = static_cast<uint64_t>(a[0].int_value());
  if (v == 0) return Value::String("0");
  std::string out;
  while (v) {
    out.push_back(static_cast<char>('0' + (v & 1)));
    v >>= 1;
  }
  std::reverse(out.begin(), out.end());
  return Value::String(out);
}
Value Md5Fn(const Args& a, const BExpr&, EvalContext&) { return Value::String(Md5Hex(S(a[0]))); }
Value Sha256Fn(const Args& a, const BExpr&, EvalContext&) { return Value::String(Sha256Hex(S(a[0]))); }

const RE2* CachedRegex(const BExpr& e, const std::string& pattern, int slot) {
  struct Cache {
    std::string pattern[2];
    std::unique_ptr<RE2> re[2];
  };
  auto c = std::static_pointer_cast<Cache>(e.cache);
  if (!c) {
    c = std::make_shared<Cache>();
    e.cache = c;
  }
  if (!c->re[slot] || c->pattern[slot] != pattern) {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_dot_nl(true);
    c->re[slot] = std::make_unique<RE2>(pattern, o);
    c->pattern[slot] = pattern;
  }
  return c->re[slot].get();
}

std::string LikeToRegex(const std::string& pat, char escape, bool similar) {
  std::string out = "^(?:";
  for (size_t i = 0; i < pat.size(); ++i) {
    char c = pat[i];
    if (escape && c == escape && i + 1 < pat.size()) {
      out += RE2::QuoteMeta(std::string(1, pat[++i]));
      continue;
    }
    if (c == '%')
      out += ".*";
    else if (c == '_')
      out += ".";
    else if (similar && std::string("|*+?()[]{}").find(c) != std::string::npos)
      out.push_back(c);
    else
      out += RE2::QuoteMeta(std::string(1, c));
  }
  return out + ")$";
}

Value LikeFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  char esc = a.size() > 2 && !S(a[2]).empty() ? S(a[2])[0] : 0;
  const RE2* re = CachedRegex(e, LikeToRegex(S(a[1]), esc, e.name == "SIMILAR TO"), 0);
  if (!re->ok()) return Fail(ctx, fmt::format("Invalid pattern '{}'", S(a[1])));
  return Value::Bool(RE2::FullMatch(S(a[0]), *re));
}
Value RegexpFn(const Args& a, const BExpr& e, EvalContext&) {
  const RE2* re = CachedRegex(e, S(a[1]), 0);
  if (!re->ok()) return Value::Null();
  return Value::Bool(RE2::PartialMatch(S(a[0]), *re));
}
Value RegexpReplaceFn(const Args& a, const BExpr& e, EvalContext&) {
  const RE2* re = CachedRegex(e, S(a[1]), 0);
  if (!re->ok()) return Value::Null();
  std::string s = S(a[0]);
  // Java replacement "$1" -> RE2 "\1".
  std::string rep;
  for (size_t i = 0; i < S(a[2]).size(); ++i) {
    char c = S(a[2])[i];
    if (c == '$' && i + 1 < S(a[2]).size() && std::isdigit(static_cast<unsigned char>(S(a[2])[i + 1])))
      rep += '\\';
    else if (c == '\\')
      rep += '\\';
    else
      rep += c;
  }
  RE2::GlobalReplace(&s, *re, rep);
  return Value::String(s);
}
Value RegexpExtractFn(const Args& a, const BExpr& e, EvalContext&) {
  const RE2* re = CachedRegex(e, S(a[1]), 0);
  if (!re->ok()) return Value::Null();
  int group = a.size() > 2 ? static_cast<int>(a[2].int_value()) : 1;
  if (group < 0 || group > re->NumberOfCapturingGroups()) return Value::Null();
  std::vector<re2::StringPiece> groups(re->NumberOfCapturingGroups() + 1);
  re2::StringPiece in(S(a[0]));
  if (!re->Match(in, 0, in.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())))
    return Value::Null();
  if (groups[group].data() == nullptr) return Value::Null();
  return Value::String(std::string(groups[group].data(), groups[group].size()));
}
Value SplitIndexFn(const Args& a, const BExpr&, EvalContext&) {
  const std::string& s = S(a[0]);
  const std::string& sep = S(a[1]);
  int64_t idx = a[2].int_value();
  if (idx < 0 || sep.empty()) return Value::Null();
  size_t pos = 0;
  for (int64_t i = 0;; ++i) {
    size_t f = s.find(sep, pos);
    if (i == idx) return Value::String(s.substr(pos, f == std::string::npos ? std::string::npos : f - pos));
    if (f == std::string::npos) return Value::Null();
    pos = f + sep.size();
  }
}
Value ParseUrlFn(const Args& a, const BExpr&, EvalContext&) {
  const std::string& url = S(a[0]);
  std::string part = S(a[1]);
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return Value::Null();
  std::string protocol = url.substr(0, scheme_end);
  std::string rest = url.substr(scheme_end + 3);
  std::string ref;
  size_t hash = rest.find('#');
  if (hash != std::string::npos) {
    ref = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  std::string query;
  size_t q = rest.find('?');
  bool has_query = q != std::string::npos;
  if (has_query) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  std::string host = authority;
  std::string userinfo;
  size_t at = host.find('@');
  if (at != std::string::npos) {
    userinfo = host.substr(0, at);
    host = host.substr(at + 1);
  }
  size_t colon = host.find(':');
  if (colon != std::string::npos) host = host.substr(0, colon);
  if (part == "HOST") return Value::String(host);
  if (part == "PATH") return Value::String(path);
  if (part == "QUERY") {
    if (!has_query) return Value::Null();
    if (a.size() < 3) return Value::String(query);
    std::string key = S(a[2]) + "=";
    size_t pos = 0;
    while (pos <= query.size()) {
      size_t amp = query.find('&', pos);
      std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      if (kv.rfind(key, 0) == 0) return Value::String(kv.substr(key.size()));
      if (amp == std::string::npos) break;
      pos = amp + 1;
    }
    return Value::Null();
  }
  if (part == "REF") return hash == std::string::npos ? Value::Null() : Value::String(ref);
  if (part == "PROTOCOL") return Value::String(protocol);
  if (part == "FILE") return Value::String(path + (has_query ? "?" + query : ""));
  if (part == "AUTHORITY") return Value::String(authority);
  if (part == "USERINFO") return at == std::string::npos ? Value::Null() : Value::String(userinfo);
  return Value::Null();
}
Value OverlayFn(const Args& a, const BExpr&, EvalContext&) {
  auto cps = CodePoints(S(a[0]));
  int64_t start = a[2].int_value();
  int64_t len = a.size() > 3 ? a[3].int_value() : static_cast<int64_t>(CodePoints(S(a[1])).size());
  int64_t n = static_cast<int64_t>(cps.size());
  int64_t from = std::clamp<int64_t>(start - 1, 0, n);
  int64_t to = std::clamp<int64_t>(from + len, from, n);
  return Value::String(Join(cps, 0, from) + S(a[1]) + Join(cps, to, n));
}
Value StrToMapFn(const Args& a, const BExpr&, EvalContext&) {
  std::string pair_sep = a.size() > 1 ? S(a[1]) : ",";
  std::string kv_sep = a.size() > 2 ? S(a[2]) : "=";
  std::vector<Value> items;
  const std::string& s = S(a[0]);
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t f = s.find(pair_sep, pos);
    std::string kv = s.substr(pos, f == std::string::npos ? std::string::npos : f - pos);
    size_t k = kv.find(kv_sep);
    items.push_back(Value::String(kv.substr(0, k)));
    items.push_back(k == std::string::npos ? Value::Null() : Value::String(kv.substr(k + kv_sep.size())));
    if (f == std::string::npos) break;
    pos = f + pair_sep.size();
  }
  return Value::Map(std::move(items));
}
Value UuidFn(const Args&, const BExpr& e, EvalContext& ctx) {
  Args none;
  BExpr r;
  r.name = "RAND";
  r.cache = e.cache;
  std::string out;
  for (int i = 0; i < 16; ++i) {
    double d = RandFn(none, r, ctx).double_value();
    out += fmt::format("{:02x}", static_cast<int>(d * 256) & 0xff);
    if (i == 3 || i == 5 || i == 7 || i == 9) out += "-";
  }
  e.cache = r.cache;
  return Value::String(out);
}
absl::Status BindStrToMap(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Map(DataType::String(), DataType::String(), AnyNullable(t));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Collections and rows

absl::Status BindArray(BExpr& e, const Types& t, CallSyntax&) {
  if (t.empty()) return Error("ARRAY needs at least one element");
  auto c = sql::FindCommonType(t);
  if (!c) return SignatureError(e, t);
  DataType el = *c;
  if (el.root == TypeRoot::kChar) el = DataType::VarChar(el.precision, el.nullable);
  for (size_t i = 0; i < e.args.size(); ++i) CastArg(e, i, el.WithNullable(e.args[i]->type.nullable));
  e.type = DataType::Array(el, false);
  return absl::OkStatus();
}
Value ArrayFn(const Args& a, const BExpr&, EvalContext&) { return Value::Array(a); }
absl::Status BindMap(BExpr& e, const Types& t, CallSyntax&) {
  if (t.empty() || t.size() % 2) return Error("MAP needs key/value pairs");
  Types keys, vals;
  for (size_t i = 0; i < t.size(); ++i) (i % 2 ? vals : keys).push_back(t[i]);
  auto k = sql::FindCommonType(keys);
  auto v = sql::FindCommonType(vals);
  if (!k || !v) return SignatureError(e, t);
  e.type = DataType::Map(*k, *v, false);
  return absl::OkStatus();
}
Value MapFn(const Args& a, const BExpr&, EvalContext&) { return Value::Map(a); }
absl::Status BindRow(BExpr& e, const Types& t, CallSyntax&) {
  std::vector<std::string> names;
  for (size_t i = 0; i < t.size(); ++i) names.push_back(fmt::format("EXPR${}", i));
  e.type = DataType::Row(names, t, false);
  return absl::OkStatus();
}
Value RowFn(const Args& a, const BExpr&, EvalContext&) { return Value::Row(a); }
absl::Status BindItem(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root == TypeRoot::kArray)
    e.type = t[0].children[0].WithNullable(true);
  else if (t[0].root == TypeRoot::kMap)
    e.type = t[0].children[1].WithNullable(true);
  else if (t[0].root == TypeRoot::kRow) {
    if (e.args[1]->kind != BExpr::Kind::kConst) return Error("ROW subscripts must be literals");
    int i = static_cast<int>(e.args[1]->value.int_value()) - 1;
    if (i < 0 || i >= static_cast<int>(t[0].children.size())) return Error("ROW subscript out of range");
    e.type = t[0].children[i].WithNullable(true);
  } else
    return SignatureError(e, t);
  return absl::OkStatus();
}
Value ItemFn(const Args& a, const BExpr&, EvalContext&) {
  const auto& items = a[0].items();
  if (a[0].kind() == ValueKind::kMap) {
    for (size_t i = 0; i + 1 < items.size(); i += 2)
      if (Compare(items[i], a[1]) == 0) return items[i + 1];
    return Value::Null();
  }
  int64_t i = a[1].int_value();
  if (i < 1 || i > static_cast<int64_t>(items.size())) return Value::Null();
  return items[i - 1];
}
absl::Status BindField(BExpr& e, const Types& t, CallSyntax&) {
  int i = static_cast<int>(e.args[1]->value.int_value());
  e.type = t[0].children[i].WithNullable(t[0].nullable || t[0].children[i].nullable);
  return absl::OkStatus();
}
Value FieldFn(const Args& a, const BExpr&, EvalContext&) {
  const auto& items = a[0].items();
  int64_t i = a[1].int_value();
  return i < static_cast<int64_t>(items.size()) ? items[i] : Value::Null();
}
Value CardinalityFn(const Args& a, const BExpr&, EvalContext&) {
  size_t n = a[0].items().size();
  return Value::Int(static_cast<int64_t>(a[0].kind() == ValueKind::kMap ? n / 2 : n));
}
absl::Status BindElement(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root != TypeRoot::kArray) return SignatureError(e, t);
  e.type = t[0].children[0].WithNullable(true);
  return absl::OkStatus();
}
Value ElementFn(const Args& a, const BExpr&, EvalContext& ctx) {
  const auto& items = a[0].items();
  if (items.empty()) return Value::Null();
  if (items.size() > 1) return Fail(ctx, "ELEMENT: the array has more than one element");
  return items[0];
}
Value ArrayContainsFn(const Args& a, const BExpr&, EvalContext&) {
  for (const auto& x : a[0].items())
    if (Compare(x, a[1]) == 0) return Value::Bool(true);
  return Value::Bool(false);
}
absl::Status BindMapKeys(BExpr& e, const Types& t, CallSyntax&) {
  if (t[0].root != TypeRoot::kMap) return SignatureError(e, t);
  e.type = DataType::Array(t[0].children[e.name == "MAP_KEYS" ? 0 : 1], t[0].nullable);
  return absl::OkStatus();
}
Value MapKeysFn(const Args& a, const BExpr& e, EvalContext&) {
  std::vector<Value> out;
  const auto& items = a[0].items();
  for (size_t i = e.name == "MAP_KEYS" ? 0 : 1; i < items.size(); i += 2) out.push_back(items[i]);
  return Value::Array(std::move(out));
}
absl::Status BindGrouping(BExpr& e, const Types&, CallSyntax&) {
  e.type = DataType::BigInt(false);
  return absl::OkStatus();
}
Value GroupingFn(const Args& a, const BExpr& e, EvalContext&) {
  // a[0]: bitmask of keys absent from the row's grouping set (bit k = key k).
  int64_t mask = a[0].int_value();
  int64_t out = 0;
  for (const auto& s : e.strs) out = (out << 1) | ((mask >> std::stoi(s)) & 1);
  return Value::Int(out);
}

absl::Status BindIsAlpha(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Boolean(AnyNullable(t));
  return absl::OkStatus();
}
Value IsAlphaFn(const Args& a, const BExpr& e, EvalContext&) {
  const std::string& s = S(a[0]);
  if (e.name == "IS_DECIMAL") return Value::Bool(Decimal::Parse(s).has_value());
  bool digit = e.name == "IS_DIGIT";
  if (s.empty()) return Value::Bool(false);
  for (unsigned char c : s)
    if (digit ? !std::isdigit(c) : !std::isalpha(c)) return Value::Bool(false);
  return Value::Bool(true);
}

absl::Status BindTypeOf(BExpr& e, const Types& t, CallSyntax&) {
  // TYPEOF(input, force_serializable): a TRUE literal asks for the serializable type string.
  bool serializable = false;
  if (e.args.size() > 1) {
    if (e.args[1]->kind != BExpr::Kind::kConst || (t[1].root != TypeRoot::kBoolean && !IsNullType(t[1])))
      return Error("TYPEOF: force_serializable must be a BOOLEAN literal");
    serializable = e.args[1]->value.kind() == ValueKind::kBool && e.args[1]->value.bool_value();
  }
  std::string name = sql::TypeToString(t[0]);
  if (serializable) {
    // LogicalType#asSerializableString spells TIMESTAMP_LTZ(p) out.
    static const RE2 kLtz("TIMESTAMP_LTZ\\((\\d+)\\)");
    RE2::GlobalReplace(&name, kLtz, "TIMESTAMP(\\1) WITH LOCAL TIME ZONE");
  }
  e.strs.push_back(name);
  e.type = DataType::String(false);
  return absl::OkStatus();
}
Value TypeOfFn(const Args&, const BExpr& e, EvalContext&) { return Value::String(e.strs[0]); }

std::vector<Builtin> MakeTable() {
  std::vector<Builtin> t = {
      // name, min, max, strict, deterministic, session, bind, fn
      {"+", 2, 2, true, true, false, BindArith, ArithFn},
      {"-", 2, 2, true, true, false, BindArith, ArithFn},
      {"*", 2, 2, true, true, false, BindArith, ArithFn},
      {"/", 2, 2, true, true, false, BindArith, ArithFn},
      {"%", 2, 2, true, true, false, BindArith, ArithFn},
      {"MOD", 2, 2, true, true, false, BindArith, ModFn},
      {"NEGATE", 1, 1, true, true, false, BindNegate, NegateFn},
      {"=", 2, 2, true, true, false, BindCompare, CompareFn},
      {"<>", 2, 2, true, true, false, BindCompare, CompareFn},
      {"<", 2, 2, true, true, false, BindCompare, CompareFn},
      {"<=", 2, 2, true, true, false, BindCompare, CompareFn},
      {">", 2, 2, true, true, false, BindCompare, CompareFn},
      {">=", 2, 2, true, true, false, BindCompare, CompareFn},
      {"IS DISTINCT FROM", 2, 2, false, true, false, BindCompare, DistinctFn},
      {"IN", 2, -1, false, true, false, BindCompare, InFn},
      {"NOT", 1, 1, true, true, false, BindNot, NotFn},
      {"IS NULL", 1, 1, false, true, false, BindBoolNotNull, IsNullFn},
      {"IS TRUE", 1, 1, false, true, false, BindBoolNotNull, IsTrueFn},
      {"IS FALSE", 1, 1, false, true, false, BindBoolNotNull, IsFalseFn},
      {"COALESCE", 1, -1, false, true, false, BindCommon, CoalesceFn},
      {"IFNULL", 2, 2, false, true, false, BindCommon, CoalesceFn},
      {"NULLIF", 2, 2, false, true, false, BindCommon, NullIfFn},
      {"IF", 3, 3, false, true, false, BindCommon, IfFn},
      {"GREATEST", 1, -1, false, true, false, BindCommon, GreatestFn},
      {"LEAST", 1, -1, false, true, false, BindCommon, GreatestFn},
      {"ABS", 1, 1, true, true, false, BindNumericSame, AbsFn},
      {"SIGN", 1, 1, true, true, false, BindNumericSame, SignFn},
      {"FLOOR", 1, 1, true, true, false, BindFloorCeil, FloorCeilFn},
      {"CEIL", 1, 1, true, true, false, BindFloorCeil, FloorCeilFn},
      {"CEILING", 1, 1, true, true, false, BindFloorCeil, FloorCeilFn},
      {"ROUND", 1, 2, true, true, false, BindRound, RoundFn},
      {"TRUNCATE", 1, 2, true, true, false, BindRound, RoundFn},
      {"POWER", 2, 2, true, true, false, BindDouble, PowerFn},
      {"POW", 2, 2, true, true, false, BindDouble, PowerFn},
      {"SQRT", 1, 1, true, true, false, BindDouble, Math1<Sqrt>},
      {"EXP", 1, 1, true, true, false, BindDouble, Math1<Exp>},
      {"LN", 1, 1, true, true, false, BindDouble, Math1<Ln>},
      {"LOG10", 1, 1, true, true, false, BindDouble, Math1<Log10>},
      {"LOG2", 1, 1, true, true, false, BindDouble, Math1<Log2>},
      {"LOG", 1, 2, true, true, false, BindDouble, LogFn},
      {"SIN", 1, 1, true, true, false, BindDouble, Math1<Sin>},
      {"COS", 1, 1, true, true, false, BindDouble, Math1<Cos>},
      {"TAN", 1, 1, true, true, false, BindDouble, Math1<Tan>},
      {"COT", 1, 1, true, true, false, BindDouble, Math1<Cot>},
      {"ASIN", 1, 1, true, true, false, BindDouble, Math1<Asin>},
      {"ACOS", 1, 1, true, true, false, BindDouble, Math1<Acos>},
      {"ATAN", 1, 1, true, true, false, BindDouble, Math1<Atan>},
      {"ATAN2", 2, 2, true, true, false, BindDouble, Atan2Fn},
      {"SINH", 1, 1, true, true, false, BindDouble, Math1<Sinh>},
      {"COSH", 1, 1, true, true, false, BindDouble, Math1<Cosh>},
      {"TANH", 1, 1, true, true, false, BindDouble, Math1<Tanh>},
      {"DEGREES", 1, 1, true, true, false, BindDouble, Math1<Degrees>},
      {"RADIANS", 1, 1, true, true, false, BindDouble, Math1<Radians>},
      {"PI", 0, 0, true, true, false, BindDouble, PiFn},
      {"E", 0, 0, true, true, false, BindDouble, EFn},
      {"RAND", 0, 1, false, false, false, BindDouble, RandFn},
      {"RAND_INTEGER", 1, 2, false, false, false, BindInt, RandFn},
      {"||", 2, 2, true, true, false, BindStringArgs, ConcatFn},
      {"CONCAT", 1, -1, true, true, false, BindStringArgs, ConcatFn},
      {"CONCAT_WS", 1, -1, false, true, false, BindStringArgs, ConcatWsFn},
      {"UPPER", 1, 1, true, true, false, BindStringArgs, UpperFn},
      {"UCASE", 1, 1, true, true, false, BindStringArgs, UpperFn},
      {"LOWER", 1, 1, true, true, false, BindStringArgs, UpperFn},
      {"LCASE", 1, 1, true, true, false, BindStringArgs, UpperFn},
      {"INITCAP", 1, 1, true, true, false, BindStringArgs, InitCapFn},
      {"CHAR_LENGTH", 1, 1, true, true, false, BindInt, CharLengthFn},
      {"CHARACTER_LENGTH", 1, 1, true, true, false, BindInt, CharLengthFn},
      {"LENGTH", 1, 1, true, true, false, BindInt, CharLengthFn},
      {"SUBSTRING", 2, 3, true, true, false, BindString, SubstringFn},
      {"SUBSTR", 2, 3, true, true, false, BindString, SubstringFn},
      {"LEFT", 2, 2, true, true, false, BindString, LeftRightFn},
      {"RIGHT", 2, 2, true, true, false, BindString, LeftRightFn},
      {"TRIM", 1, 2, true, true, false, BindTrim, TrimFn},
      {"BTRIM", 1, 2, true, true, false, BindTrim, TrimFn},
      {"LTRIM", 1, 2, true, true, false, BindTrim, TrimFn},
      {"RTRIM", 1, 2, true, true, false, BindTrim, TrimFn},
      {"LPAD", 3, 3, true, true, false, BindString, PadFn},
      {"RPAD", 3, 3, true, true, false, BindString, PadFn},
      {"REPLACE", 3, 3, true, true, false, BindStringArgs, ReplaceFn},
      {"REVERSE", 1, 1, true, true, false, BindStringArgs, ReverseFn},
      {"REPEAT", 2, 2, true, true, false, BindString, RepeatFn},
      {"POSITION", 2, 2, true, true, false, BindInt, PositionFn},
      {"LOCATE", 2, 3, true, true, false, BindInt, PositionFn},
      {"INSTR", 2, 2, true, true, false, BindInt, PositionFn},
      {"ASCII", 1, 1, true, true, false, BindInt, AsciiFn},
      {"CHR", 1, 1, true, true, false, BindString, ChrFn},
      {"TO_BASE64", 1, 1, true, true, false, BindStringArgs, ToBase64Fn},
      {"FROM_BASE64", 1, 1, true, true, false, BindStringArgs, FromBase64Fn},
      {"HEX", 1, 1, true, true, false, BindString, HexFn},
      {"BIN", 1, 1, true, true, false, BindString, BinFn},
      {"MD5", 1, 1, true, true, false, BindStringArgs, Md5Fn},
      {"SHA256", 1, 1, true, true, false, BindStringArgs, Sha256Fn},
      {"LIKE", 2, 3, true, true, false, BindBool, LikeFn},
      {"SIMILAR TO", 2, 3, true, true, false, BindBool, LikeFn},
      {"REGEXP", 2, 2, true, true, false, BindBool, RegexpFn},
      {"REGEXP_REPLACE", 3, 3, true, true, false, BindStringArgs, RegexpReplaceFn},
      {"REGEXP_EXTRACT", 2, 3, true, true, false, BindString, RegexpExtractFn},
      {"SPLIT_INDEX", 3, 3, true, true, false, BindString, SplitIndexFn},
      {"PARSE_URL", 2, 3, true, true, false, BindString, ParseUrlFn},
      {"OVERLAY", 3, 4, true, true, false, BindString, OverlayFn},
      {"STR_TO_MAP", 1, 3, true, true, false, BindStrToMap, StrToMapFn},
      {"UUID", 0, 0, false, false, false, BindString, UuidFn},
      {"IS_ALPHA", 1, 1, true, true, false, BindIsAlpha, IsAlphaFn},
      {"IS_DIGIT", 1, 1, true, true, false, BindIsAlpha, IsAlphaFn},
      {"IS_DECIMAL", 1, 1, true, true, false, BindIsAlpha, IsAlphaFn},
      {"ARRAY", 1, -1, false, true, false, BindArray, ArrayFn},
      {"MAP", 2, -1, false, true, false, BindMap, MapFn},
      {"ROW", 1, -1, false, true, false, BindRow, RowFn},
      {"ITEM", 2, 2, true, true, false, BindItem, ItemFn},
      {"$FIELD", 2, 2, true, true, false, BindField, FieldFn},
      {"CARDINALITY", 1, 1, true, true, false, BindInt, CardinalityFn},
      {"ELEMENT", 1, 1, true, true, false, BindElement, ElementFn},
      {"ARRAY_CONTAINS", 2, 2, true, true, false, BindBool, ArrayContainsFn},
      {"MAP_KEYS", 1, 1, true, true, false, BindMapKeys, MapKeysFn},
      {"MAP_VALUES", 1, 1, true, true, false, BindMapKeys, MapKeysFn},
      {"$GROUPING", 1, 1, true, true, false, BindGrouping, GroupingFn},
      {"TYPEOF", 1, 2, false, true, false, BindTypeOf, TypeOfFn},
  };
  AddTemporalBuiltins(&t);
  AddJsonBuiltins(&t);
  AddCollectionBuiltins(&t);
  AddEncodingBuiltins(&t);
  return t;
}

}  // namespace

const Builtin* FindBuiltin(const std::string& name) {
  static const std::map<std::string, Builtin>* const kTable = [] {
    auto* m = new std::map<std::string, Builtin>();
    for (const auto& b : MakeTable()) (*m)[b.name] = b;
    return m;
  }();
  auto it = kTable->find(name);
  return it == kTable->end() ? nullptr : &it->second;
}

std::vector<std::string> BuiltinFunctionNames() {
  std::vector<std::string> out;
  for (const auto& b : MakeTable()) {
    std::string n = b.name;
    if (n.empty() || !std::isalpha(static_cast<unsigned char>(n[0])) || n.find(' ') != std::string::npos)
      continue;
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Value AddValues(const Value& a, const Value& b, const DataType& result) {
  // Fast paths for aggregation (SUM/AVG accumulate through here).
  if (sql::IsIntegral(result) && a.kind() == ValueKind::kInt && b.kind() == ValueKind::kInt)
    return Value::Int(WrapTo(result.root, static_cast<int64_t>(static_cast<uint64_t>(a.int_value()) +
                                                               static_cast<uint64_t>(b.int_value()))));
  if (sql::IsApproxNumeric(result) && a.kind() != ValueKind::kNull && b.kind() != ValueKind::kNull)
    return Value::Double(ToDouble(a) + ToDouble(b));
  if (result.root == TypeRoot::kDecimal && (a.kind() == ValueKind::kDecimal || a.kind() == ValueKind::kInt) &&
      (b.kind() == ValueKind::kDecimal || b.kind() == ValueKind::kInt)) {
    Decimal x = a.decimal_value(), y = b.decimal_value();
    if (x.scale == result.scale && y.scale == result.scale)
      return Value::Dec(Decimal{x.unscaled + y.unscaled, result.scale});
    int ms = std::max(x.scale, y.scale);
    Decimal r = Decimal{x.Rescale(ms).unscaled + y.Rescale(ms).unscaled, ms}.Rescale(result.scale);
    if (!Decimal::Fits(r.unscaled, result.precision)) return Value::Null();
    return Value::Dec(r);
  }
  BExpr e;
  e.name = "+";
  e.type = result;
  EvalContext ctx;
  return ArithFn({a, b}, e, ctx);
}

int64_t WrapTo(TypeRoot r, int64_t v) {
  switch (r) {
    case TypeRoot::kTinyInt:
      return static_cast<int8_t>(v);
    case TypeRoot::kSmallInt:
      return static_cast<int16_t>(v);
    case TypeRoot::kInt:
      return static_cast<int32_t>(v);
    default:
      return v;
  }
}

}  // namespace flinkdbt::engine
