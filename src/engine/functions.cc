// The built-in scalar functions and operators: binding (type rules) and evaluation, with Flink's
// NULL handling (strict functions return NULL on any NULL argument) and exact DECIMAL arithmetic.
#include "engine/functions.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "engine/builtins.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;

BExprPtr MakeConst(Value v, DataType t) {
  auto e = std::make_unique<BExpr>();
  e->kind = BExpr::Kind::kConst;
  e->value = std::move(v);
  e->type = std::move(t);
  return e;
}

BExprPtr MakeInput(int index, DataType t) {
  auto e = std::make_unique<BExpr>();
  e->kind = BExpr::Kind::kInput;
  e->index = index;
  e->type = std::move(t);
  return e;
}

BExprPtr MakeCast(BExprPtr arg, DataType to, bool try_cast) {
  if (arg->kind == BExpr::Kind::kConst && arg->value.is_null()) {
    arg->type = to.WithNullable(true);
    return arg;
  }
  auto e = std::make_unique<BExpr>();
  e->kind = BExpr::Kind::kCast;
  e->type = std::move(to);
  e->try_cast = try_cast;
  e->args.push_back(std::move(arg));
  return e;
}

// ---------------------------------------------------------------------------------------------
// Literals

absl::StatusOr<BExprPtr> BindLiteral(const sql::Literal& lit) {
  switch (lit.kind) {
    case sql::LiteralKind::kNull:
      return MakeConst(Value::Null(), DataType::Null());
    case sql::LiteralKind::kTrue:
      return MakeConst(Value::Bool(true), DataType::Boolean(false));
    case sql::LiteralKind::kFalse:
      return MakeConst(Value::Bool(false), DataType::Boolean(false));
    case sql::LiteralKind::kUnknown:
      return MakeConst(Value::Null(), DataType::Boolean());
    case sql::LiteralKind::kInteger: {
      auto d = Decimal::Parse(lit.text);
      if (!d) return absl::InvalidArgumentError(fmt::format("invalid number '{}'", lit.text));
      if (d->unscaled >= std::numeric_limits<int32_t>::min() &&
          d->unscaled <= std::numeric_limits<int32_t>::max())
        return MakeConst(Value::Int(static_cast<int64_t>(d->unscaled)), DataType::Int(false));
      if (d->unscaled >= std::numeric_limits<int64_t>::min() &&
          d->unscaled <= std::numeric_limits<int64_t>::max())
        return MakeConst(Value::Int(static_cast<int64_t>(d->unscaled)), DataType::BigInt(false));
      return MakeConst(Value::Dec(*d), DataType::Decimal(DigitCount(d->unscaled), 0, false));
    }
    case sql::LiteralKind::kDecimal: {
      auto d = Decimal::Parse(lit.text);
      if (!d) return absl::InvalidArgumentError(fmt::format("invalid number '{}'", lit.text));
      int p = std::max(DigitCount(d->unscaled), d->scale);
      if (d->unscaled == 0) p = std::max(1, d->scale);
      return MakeConst(Value::Dec(*d), DataType::Decimal(std::max(p, 1), d->scale, false));
    }
    case sql::LiteralKind::kDouble:
      return MakeConst(Value::Double(std::strtod(lit.text.c_str(), nullptr)), DataType::Double(false));
    case sql::LiteralKind::kString: {
      size_t n = 0;
      for (unsigned char c : lit.text) n += (c & 0xC0) != 0x80;
      return MakeConst(Value::String(lit.text),
                       DataType::Char(static_cast<int>(std::max<size_t>(n, 1)), false));
    }
    case sql::LiteralKind::kBinary: {
      std::string bytes;
      for (size_t i = 0; i + 1 < lit.text.size(); i += 2)
        bytes.push_back(static_cast<char>(std::stoi(lit.text.substr(i, 2), nullptr, 16)));
      return MakeConst(Value::Bytes(bytes), DataType{TypeRoot::kBinary, false,
                                                     static_cast<int>(std::max<size_t>(bytes.size(), 1))});
    }
    case sql::LiteralKind::kDate: {
      int64_t days;
      if (!ParseDate(lit.text, &days))
        return absl::InvalidArgumentError(fmt::format("Illegal DATE literal '{}'", lit.text));
      return MakeConst(Value::Date(days), DataType::Date(false));
    }
    case sql::LiteralKind::kTime: {
      int64_t ms;
      int32_t ns;
      if (!ParseTime(lit.text, &ms, &ns))
        return absl::InvalidArgumentError(fmt::format("Illegal TIME literal '{}'", lit.text));
      size_t dot = lit.text.find('.');
      int p = dot == std::string::npos ? 0 : static_cast<int>(lit.text.size() - dot - 1);
      return MakeConst(Value::Time(ms, ns), DataType::Time(std::min(p, 9), false));
    }
    case sql::LiteralKind::kTimestamp:
    case sql::LiteralKind::kTimestampLtz: {
      int64_t ms;
      int32_t ns;
      if (!ParseTimestamp(lit.text, &ms, &ns))
        return absl::InvalidArgumentError(fmt::format("Illegal TIMESTAMP literal '{}'", lit.text));
      size_t dot = lit.text.find('.');
      std::string trimmed = lit.text;
      while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
      int p = dot == std::string::npos ? 0 : static_cast<int>(trimmed.size() - dot - 1);
      p = std::min(p, 9);
      if (lit.kind == sql::LiteralKind::kTimestampLtz)
        return MakeConst(Value::TimestampLtz(ms, ns), DataType::TimestampLtz(p, false));  // read as UTC
      return MakeConst(Value::Timestamp(ms, ns), DataType::Timestamp(p, false));
    }
  }
  return absl::InvalidArgumentError("unsupported literal");
}

absl::StatusOr<BExprPtr> BindIntervalLiteral(const sql::Expr& e) {
  static const sql::ExprDetail* const kEmpty = new sql::ExprDetail();
  auto D = [](const sql::Expr& x) -> const sql::ExprDetail& { return x.detail ? *x.detail : *kEmpty; };
  using sql::TimeUnit;
  const auto& q = D(e).interval;
  std::string text = e.literal.text;
  bool neg = e.negated;
  size_t p = 0;
  while (p < text.size() && text[p] == ' ') ++p;
  if (p < text.size() && (text[p] == '-' || text[p] == '+')) {
    if (text[p] == '-') neg = !neg;
    ++p;
  }
  text = text.substr(p);
  // Split the value into numeric fields.
  std::vector<double> fields;
  std::string cur;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '.') {
      cur.push_back(c);
    } else if (!cur.empty()) {
      fields.push_back(std::stod(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) fields.push_back(std::stod(cur));
  if (fields.empty())
    return absl::InvalidArgumentError(fmt::format("Illegal interval literal '{}'", e.literal.text));
  if (q.start == TimeUnit::kYear || q.start == TimeUnit::kMonth || q.start == TimeUnit::kQuarter) {
    int64_t months = 0;
    if (q.start == TimeUnit::kYear) {
      months = static_cast<int64_t>(fields[0]) * 12;
      if (q.end == TimeUnit::kMonth && fields.size() > 1) months += static_cast<int64_t>(fields[1]);
    } else if (q.start == TimeUnit::kQuarter) {
      months = static_cast<int64_t>(fields[0]) * 3;
    } else {
      months = static_cast<int64_t>(fields[0]);
    }
    DataType t = DataType::Interval(q.end == TimeUnit::kMonth    ? sql::IntervalResolution::kYearToMonth
                                    : q.start == TimeUnit::kYear ? sql::IntervalResolution::kYear
                                                                 : sql::IntervalResolution::kMonth);
    t.nullable = false;
    return MakeConst(Value::IntervalMonths(neg ? -months : months), t);
  }
  // Day-time: fields map onto the units from start to end.
  static const TimeUnit kOrder[] = {TimeUnit::kDay, TimeUnit::kHour, TimeUnit::kMinute, TimeUnit::kSecond};
  int si = -1, ei = -1;
  for (int i = 0; i < 4; ++i) {
    if (kOrder[i] == q.start) si = i;
    if (kOrder[i] == q.end) ei = i;
  }
  double ms = 0;
  if (si < 0) {
    ms = fields[0] * UnitMillis(q.start);
  } else {
    if (ei < 0) ei = si;
    for (int i = si, f = 0; i <= ei && f < static_cast<int>(fields.size()); ++i, ++f) {
      if (kOrder[i] == TimeUnit::kSecond && f + 1 < static_cast<int>(fields.size()) &&
          text.find('.') != std::string::npos) {
        // "ss.fff" was split at the dot by the number scan above only when written with a space
      }
      ms += fields[f] * UnitMillis(kOrder[i]);
    }
  }
  int64_t v = static_cast<int64_t>(std::llround(ms));
  DataType t = DataType::Interval(sql::IntervalResolution::kDayToSecond);
  t.nullable = false;
  return MakeConst(Value::IntervalMillis(neg ? -v : v), t);
}

// ---------------------------------------------------------------------------------------------
// Aggregates

std::optional<AggFn> AggregateFunction(const std::string& n) {
  static const std::map<std::string, AggFn>* const kAggs =
      new std::map<std::string, AggFn>{{"COUNT", AggFn::kCount},
                                       {"SUM", AggFn::kSum},
                                       {"SUM0", AggFn::kSum0},
                                       {"$SUM0", AggFn::kSum0},
                                       {"AVG", AggFn::kAvg},
                                       {"MIN", AggFn::kMin},
                                       {"MAX", AggFn::kMax},
                                       {"FIRST_VALUE", AggFn::kFirstValue},
                                       {"LAST_VALUE", AggFn::kLastValue},
                                       {"LISTAGG", AggFn::kListAgg},
                                       {"STDDEV_POP", AggFn::kStddevPop},
                                       {"STDDEV_SAMP", AggFn::kStddevSamp},
                                       {"STDDEV", AggFn::kStddevSamp},
                                       {"VAR_POP", AggFn::kVarPop},
                                       {"VAR_SAMP", AggFn::kVarSamp},
                                       {"VARIANCE", AggFn::kVarSamp},
                                       {"COLLECT", AggFn::kCollect},
                                       {"ARRAY_AGG", AggFn::kCollect},
                                       {"BOOL_AND", AggFn::kBoolAnd},
                                       {"BOOL_OR", AggFn::kBoolOr},
                                       {"EVERY", AggFn::kBoolAnd},
                                       {"JSON_ARRAYAGG", AggFn::kJsonArrayAgg},
                                       {"JSON_OBJECTAGG", AggFn::kJsonObjectAgg},
                                       {"BIT_AND", AggFn::kBitAnd},
                                       {"BIT_OR", AggFn::kBitOr},
                                       {"BIT_XOR", AggFn::kBitXor},
                                       {"APPROX_COUNT_DISTINCT", AggFn::kCount},
                                       {"PERCENTILE", AggFn::kPercentile}};
  auto it = kAggs->find(n);
  if (it == kAggs->end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<DataType> AggregateResultType(AggFn fn, const std::vector<DataType>& args) {
  auto need = [&](size_t n) -> absl::Status {
    if (args.size() < n) return absl::InvalidArgumentError("aggregate function needs an argument");
    return absl::OkStatus();
  };
  switch (fn) {
    case AggFn::kCount:
    case AggFn::kCountStar:
      return DataType::BigInt(false);
    case AggFn::kSum:
    case AggFn::kSum0: {
      FLINKDBT_RETURN_IF_ERROR(need(1));
      const DataType& a = args[0];
      if (!sql::IsNumeric(a))
        return absl::InvalidArgumentError(fmt::format("SUM does not accept {}", sql::TypeToString(a)));
      DataType t = a.root == TypeRoot::kDecimal ? sql::DecimalSum(a) : a.WithoutTimeAttribute();
      return t.WithNullable(fn == AggFn::kSum);
    }
    case AggFn::kAvg: {
      FLINKDBT_RETURN_IF_ERROR(need(1));
      const DataType& a = args[0];
      if (!sql::IsNumeric(a))
        return absl::InvalidArgumentError(fmt::format("AVG does not accept {}", sql::TypeToString(a)));
      DataType t = a.root == TypeRoot::kDecimal ? sql::DecimalAvg(a) : a;
      return t.WithNullable(true);
    }
    case AggFn::kMin:
    case AggFn::kMax:
    case AggFn::kFirstValue:
    case AggFn::kLastValue:
      FLINKDBT_RETURN_IF_ERROR(need(1));
      return args[0].WithNullable(true).WithoutTimeAttribute();
    case AggFn::kListAgg:
      return DataType::String(true);
    case AggFn::kStddevPop:
    case AggFn::kStddevSamp:
    case AggFn::kVarPop:
    case AggFn::kVarSamp:
      FLINKDBT_RETURN_IF_ERROR(need(1));
      if (args[0].root == TypeRoot::kDecimal) return sql::DecimalAvg(args[0]).WithNullable(true);
      return args[0].WithNullable(true);
    case AggFn::kCollect:
      FLINKDBT_RETURN_IF_ERROR(need(1));
      return DataType::Array(args[0], false);
    case AggFn::kBoolAnd:
    case AggFn::kBoolOr:
      return DataType::Boolean(true);
    case AggFn::kJsonArrayAgg:
    case AggFn::kJsonObjectAgg:
      return DataType::String(false);
    case AggFn::kBitAnd:
    case AggFn::kBitOr:
    case AggFn::kBitXor:
      FLINKDBT_RETURN_IF_ERROR(need(1));
      if (!sql::IsIntegral(args[0]))
        return absl::InvalidArgumentError("BIT_AND/BIT_OR/BIT_XOR need an integral argument");
      return args[0].WithNullable(true).WithoutTimeAttribute();
    case AggFn::kPercentile: {
      // Flink's PercentileAggFunction: PERCENTILE(numeric, DOUBLE | ARRAY<DOUBLE>[, integral]).
      if (args.size() < 2 || args.size() > 3)
        return absl::InvalidArgumentError("PERCENTILE expects (value, percentage[, frequency])");
      if (!sql::IsNumeric(args[0]) && args[0].root != TypeRoot::kNull)
        return absl::InvalidArgumentError(
            fmt::format("PERCENTILE expects a numeric value, got {}", sql::TypeToString(args[0])));
      bool multi = args[1].root == TypeRoot::kArray;
      const DataType& p = multi ? args[1].children[0] : args[1];
      if (!sql::IsNumeric(p))
        return absl::InvalidArgumentError(
            fmt::format("PERCENTILE expects a numeric percentage or an array of them, got {}",
                        sql::TypeToString(args[1])));
      if (args.size() == 3 && !sql::IsIntegral(args[2]) && args[2].root != TypeRoot::kNull)
        return absl::InvalidArgumentError(
            fmt::format("PERCENTILE expects an integral frequency, got {}", sql::TypeToString(args[2])));
      return multi ? DataType::Array(DataType::Double(true), true) : DataType::Double(true);
    }
  }
  return absl::InvalidArgumentError("unknown aggregate");
}

// ---------------------------------------------------------------------------------------------
// Binding calls

absl::StatusOr<BExprPtr> BindCall(const std::string& name, std::vector<BExprPtr> args, CallSyntax syntax) {
  const Builtin* b = FindBuiltin(name);
  if (!b)
    return absl::InvalidArgumentError(fmt::format("No match found for function signature {}(...)", name));
  if (static_cast<int>(args.size()) < b->min_args ||
      (b->max_args >= 0 && static_cast<int>(args.size()) > b->max_args)) {
    return absl::InvalidArgumentError(fmt::format(
        "Invalid number of arguments to function '{}'. Was expecting {}{} arguments", name, b->min_args,
        b->max_args == b->min_args ? ""
        : b->max_args < 0          ? " or more"
                                   : fmt::format(" to {}", b->max_args)));
  }
  auto e = std::make_unique<BExpr>();
  e->kind = BExpr::Kind::kCall;
  e->name = name;
  e->fn = b->fn;
  e->strict = b->strict;
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type);
  e->args = std::move(args);
  absl::Status s = b->bind(*e, types, syntax);
  if (!s.ok()) return s;
  // Constant folding for deterministic calls over constants.
  bool all_const = b->deterministic;
  for (const auto& a : e->args) all_const = all_const && a->kind == BExpr::Kind::kConst;
  if (all_const && name != "$GROUPING" && name != "JSON_OBJECT" && name != "JSON_ARRAY" &&
      name != "JSON_QUERY") {
    EvalContext ctx;
    SessionInfo session;
    ctx.session = &session;
    Row empty;
    Value v = Eval(*e, empty, ctx);
    if (ctx.error.ok() && !b->session_dependent) return MakeConst(v, e->type);
  }
  return BExprPtr(std::move(e));
}

}  // namespace flinkdbt::engine
