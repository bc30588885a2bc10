// Expression evaluation (Eval), CAST, and time zone conversions.
#include <cmath>
#include <limits>

#include "absl/time/time.h"
#include "engine/builtins.h"
#include "engine/functions.h"
#include "engine/plan.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;

// ---------------------------------------------------------------------------------------------
// Time zones

namespace {
absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone tz;
  if (name == "UTC" || name.empty() || !absl::LoadTimeZone(name, &tz)) return absl::UTCTimeZone();
  return tz;
}
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

int64_t UtcOffsetMillis(const std::string& zone, int64_t epoch_millis) {
  if (zone == "UTC" || zone.empty()) return 0;
  absl::TimeZone tz = Zone(zone);
  auto info = tz.At(absl::FromUnixMillis(epoch_millis));
  return static_cast<int64_t>(info.offset) * 1000;
}

int64_t LocalToUtcMillis(const std::string& zone, int64_t local_millis) {
  if (zone == "UTC" || zone.empty()) return local_millis;
  absl::TimeZone tz = Zone(zone);
  int64_t secs = FloorDiv(local_millis, 1000);
  int64_t ms = local_millis - secs * 1000;
  int64_t days = FloorDiv(secs, 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  absl::CivilSecond cs(y, m, d, rem / 3600, (rem / 60) % 60, rem % 60);
  absl::Time t = tz.At(cs).pre;
  return absl::ToUnixSeconds(t) * 1000 + ms;
}

// ---------------------------------------------------------------------------------------------
// CAST

namespace {

Value CastError(EvalContext& ctx, bool try_cast, const Value& v, const DataType& from, const DataType& to) {
  if (!try_cast) {
    FormatOptions o;
    ctx.Fail(
        absl::InvalidArgumentError(fmt::format("Cannot cast '{}' of type {} to {}", FormatValue(v, from, o),
                                               sql::TypeToString(from), sql::TypeToString(to))));
  }
  return Value::Null();
}

bool IntRange(const DataType& t, int64_t v) {
  switch (t.root) {
    case TypeRoot::kTinyInt:
      return v >= -128 && v <= 127;
    case TypeRoot::kSmallInt:
      return v >= -32768 && v <= 32767;
    case TypeRoot::kInt:
      return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    default:
      return true;
  }
}

std::string TrimSpaces(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Utf8Prefix(const std::string& s, size_t chars) {
  size_t n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == chars) break;
      ++n;
    }
  }
  return s.substr(0, i);
}

}  // namespace

std::string ValueToCastString(const Value& v, const DataType& from, const SessionInfo* session) {
  FormatOptions o;
  switch (v.kind()) {
    case ValueKind::kTimestampLtz: {
      int64_t off = session ? UtcOffsetMillis(session->time_zone, v.millis()) : 0;
      return FormatTimestamp(v.millis() + off, v.nanos(), IsTimestamp(from) ? from.precision : 3);
    }
    case ValueKind::kTimestamp:
      return FormatTimestamp(v.millis(), v.nanos(), IsTimestamp(from) ? from.precision : 3);
    case ValueKind::kBytes:
      return v.string_value();
    default:
      return FormatValue(v, from, o);
  }
}

Value CastValue(const Value& v, const DataType& from, const DataType& to, bool try_cast, EvalContext& ctx) {
  if (v.is_null()) return v;
  const SessionInfo* session = ctx.session;
  std::string zone = session ? session->time_zone : "UTC";
  switch (to.root) {
    case TypeRoot::kBoolean:
      if (v.kind() == ValueKind::kBool) return v;
      if (v.kind() == ValueKind::kString) {
        std::string s = TrimSpaces(v.string_value());
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s == "true" || s == "t" || s == "yes" || s == "y" || s == "1") return Value::Bool(true);
        if (s == "false" || s == "f" || s == "no" || s == "n" || s == "0") return Value::Bool(false);
        return CastError(ctx, try_cast, v, from, to);
      }
      if (v.kind() == ValueKind::kInt) return Value::Bool(v.int_value() != 0);
      if (v.kind() == ValueKind::kDecimal) return Value::Bool(v.decimal_value().unscaled != 0);
      if (v.kind() == ValueKind::kDouble) return Value::Bool(v.double_value() != 0);
      return CastError(ctx, try_cast, v, from, to);
    case TypeRoot::kTinyInt:
    case TypeRoot::kSmallInt:
    case TypeRoot::kInt:
    case TypeRoot::kBigInt: {
      int64_t out;
      switch (v.kind()) {
        case ValueKind::kInt:
          out = v.int_value();
          break;
        case ValueKind::kBool:
          out = v.bool_value() ? 1 : 0;
          break;
        case ValueKind::kDouble: {
          double d = v.double_value();
          if (std::isnan(d)) return CastError(ctx, try_cast, v, from, to);
          out = static_cast<int64_t>(std::trunc(std::clamp(d, -9.2e18, 9.2e18)));
          return Value::Int(WrapTo(to.root, out));
        }
        case ValueKind::kDecimal: {
          Decimal dd = v.decimal_value();
          Int128 q = dd.unscaled / Pow10(dd.scale);
          out = static_cast<int64_t>(q);
          return Value::Int(WrapTo(to.root, out));
        }
        case ValueKind::kString: {
          std::string s = TrimSpaces(v.string_value());
          auto dec = Decimal::Parse(s);
          if (!dec || s.find_first_of(".eE") != std::string::npos)
            return CastError(ctx, try_cast, v, from, to);
          Int128 u = dec->unscaled;
          if (u > std::numeric_limits<int64_t>::max() || u < std::numeric_limits<int64_t>::min())
            return CastError(ctx, try_cast, v, from, to);
          out = static_cast<int64_t>(u);
          if (!IntRange(to, out)) return CastError(ctx, try_cast, v, from, to);
          break;
        }
        case ValueKind::kIntervalMonths:
        case ValueKind::kIntervalMillis:
          out = v.int_value();
          break;
        case ValueKind::kTimestamp:
        case ValueKind::kTimestampLtz:
          out = FloorDiv(v.millis(), 1000);
          break;
        default:
          return CastError(ctx, try_cast, v, from, to);
      }
      return Value::Int(WrapTo(to.root, out));
    }
    case TypeRoot::kFloat:
    case TypeRoot::kDouble: {
      double d;
      switch (v.kind()) {
        case ValueKind::kInt:
          d = static_cast<double>(v.int_value());
          break;
        case ValueKind::kDouble:
          d = v.double_value();
          break;
        case ValueKind::kDecimal:
          d = v.decimal_value().ToDouble();
          break;
        case ValueKind::kBool:
          d = v.bool_value() ? 1 : 0;
          break;
        case ValueKind::kString: {
          std::string s = TrimSpaces(v.string_value());
          char* end = nullptr;
          d = std::strtod(s.c_str(), &end);
          if (s.empty() || end != s.c_str() + s.size()) {
            if (s == "NaN")
              d = std::nan("");
            else if (s == "Infinity")
              d = INFINITY;
            else if (s == "-Infinity")
              d = -INFINITY;
            else
              return CastError(ctx, try_cast, v, from, to);
          }
          break;
        }
        default:
          return CastError(ctx, try_cast, v, from, to);
      }
      if (to.root == TypeRoot::kFloat) d = static_cast<float>(d);
      return Value::Double(d);
    }
    case TypeRoot::kDecimal: {
      std::optional<Decimal> dec;
      switch (v.kind()) {
        case ValueKind::kInt:
          dec = Decimal{v.int_value(), 0};
          break;
        case ValueKind::kDecimal:
          dec = v.decimal_value();
          break;
        case ValueKind::kDouble:
          dec = Decimal::FromDouble(v.double_value(), to.scale);
          break;
        case ValueKind::kBool:
          dec = Decimal{v.bool_value() ? 1 : 0, 0};
          break;
        case ValueKind::kString:
          dec = Decimal::Parse(v.string_value());
          break;
        default:
          break;
      }
      if (!dec) return CastError(ctx, try_cast, v, from, to);
      Decimal r = dec->Rescale(to.scale);
      if (!Decimal::Fits(r.unscaled, to.precision)) {
        // Flink returns NULL when the value does not fit the target precision.
        return Value::Null();
      }
      return Value::Dec(r);
    }
    case TypeRoot::kChar:
    case TypeRoot::kVarChar: {
      std::string s;
      if (v.kind() == ValueKind::kString)
        s = v.string_value();
      else
        s = ValueToCastString(v, from, session);
      if (to.root == TypeRoot::kChar) {
        size_t n = Utf8Length(s);
        if (n > static_cast<size_t>(to.precision))
          s = Utf8Prefix(s, to.precision);
        else
          s += std::string(to.precision - n, ' ');
      } else if (to.precision < sql::kMaxVarCharLength && Utf8Length(s) > static_cast<size_t>(to.precision)) {
        s = Utf8Prefix(s, to.precision);
      }
      return Value::String(std::move(s));
    }
    case TypeRoot::kBinary:
    case TypeRoot::kVarBinary:
      if (v.kind() == ValueKind::kString || v.kind() == ValueKind::kBytes)
        return Value::Bytes(v.string_value());
      return CastError(ctx, try_cast, v, from, to);
    case TypeRoot::kDate: {
      switch (v.kind()) {
        case ValueKind::kDate:
          return v;
        case ValueKind::kTimestamp:
          return Value::Date(FloorDiv(v.millis(), 86400000));
        case ValueKind::kTimestampLtz:
          return Value::Date(FloorDiv(v.millis() + UtcOffsetMillis(zone, v.millis()), 86400000));
        case ValueKind::kString: {
          int64_t days, ms;
          int32_t ns;
          if (ParseDate(v.string_value(), &days)) return Value::Date(days);
          if (ParseTimestamp(v.string_value(), &ms, &ns)) return Value::Date(FloorDiv(ms, 86400000));
          return CastError(ctx, try_cast, v, from, to);
        }
        default:
          return CastError(ctx, try_cast, v, from, to);
      }
    }
    case TypeRoot::kTime: {
      switch (v.kind()) {
        case ValueKind::kTime:
          return v;
        case ValueKind::kTimestamp:
          return Value::Time(v.millis() - FloorDiv(v.millis(), 86400000) * 86400000);
        case ValueKind::kString: {
          int64_t ms;
          int32_t ns;
          if (ParseTime(v.string_value(), &ms, &ns)) return Value::Time(ms, ns);
          return CastError(ctx, try_cast, v, from, to);
        }
        default:
          return CastError(ctx, try_cast, v, from, to);
      }
    }
    case TypeRoot::kTimestamp:
    case TypeRoot::kTimestampLtz: {
      bool ltz = to.root == TypeRoot::kTimestampLtz;
      int64_t ms;
      int32_t ns = 0;
      switch (v.kind()) {
        case ValueKind::kTimestamp:
          ms = v.millis();
          ns = v.nanos();
          if (ltz) ms = LocalToUtcMillis(zone, ms);
          break;
        case ValueKind::kTimestampLtz:
          ms = v.millis();
          ns = v.nanos();
          if (!ltz) ms += UtcOffsetMillis(zone, ms);
          break;
        case ValueKind::kDate:
          ms = v.millis() * 86400000;
          if (ltz) ms = LocalToUtcMillis(zone, ms);
          break;
        case ValueKind::kString:
          if (!ParseTimestamp(v.string_value(), &ms, &ns)) return CastError(ctx, try_cast, v, from, to);
          if (ltz) ms = LocalToUtcMillis(zone, ms);
          break;
        case ValueKind::kInt:
          ms = v.int_value() * 1000;
          break;
        default:
          return CastError(ctx, try_cast, v, from, to);
      }
      // Truncate to the target precision.
      int p = to.precision;
      if (p < 3) {
        int64_t unit = p == 0 ? 1000 : (p == 1 ? 100 : 10);
        ms = FloorDiv(ms, unit) * unit;
        ns = 0;
      } else if (p < 9) {
        int64_t unit = 1;
        for (int i = p; i < 9; ++i) unit *= 10;
        ns = static_cast<int32_t>((ns / unit) * unit);
      }
      return ltz ? Value::TimestampLtz(ms, ns) : Value::Timestamp(ms, ns);
    }
    case TypeRoot::kIntervalYearMonth:
    case TypeRoot::kIntervalDayTime:
      if (v.kind() == ValueKind::kIntervalMonths || v.kind() == ValueKind::kIntervalMillis) return v;
      return CastError(ctx, try_cast, v, from, to);
    case TypeRoot::kArray:
    case TypeRoot::kMultiset: {
      if (v.kind() != ValueKind::kArray) return CastError(ctx, try_cast, v, from, to);
      std::vector<Value> out;
      const DataType& ef = from.children.empty() ? from : from.children[0];
      for (const auto& x : v.items()) out.push_back(CastValue(x, ef, to.children[0], try_cast, ctx));
      return Value::Array(std::move(out));
    }
    case TypeRoot::kMap: {
      if (v.kind() != ValueKind::kMap) return CastError(ctx, try_cast, v, from, to);
      std::vector<Value> out;
      const auto& items = v.items();
      for (size_t i = 0; i < items.size(); ++i) {
        const DataType& f = from.children.size() == 2 ? from.children[i % 2] : from;
        out.push_back(CastValue(items[i], f, to.children[i % 2], try_cast, ctx));
      }
      return Value::Map(std::move(out));
    }
    case TypeRoot::kRow: {
      if (v.kind() != ValueKind::kRow || v.items().size() != to.children.size())
        return CastError(ctx, try_cast, v, from, to);
      std::vector<Value> out;
      for (size_t i = 0; i < v.items().size(); ++i) {
        const DataType& f = i < from.children.size() ? from.children[i] : from;
        out.push_back(CastValue(v.items()[i], f, to.children[i], try_cast, ctx));
      }
      return Value::Row(std::move(out));
    }
    default:
      return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Eval

namespace {

// Three-valued IN over a materialized column.
Value InRows(const Value& needle, const std::vector<Row>& rows) {
  if (needle.is_null()) return rows.empty() ? Value::Bool(false) : Value::Null();
  bool saw_null = false;
  for (const auto& r : rows) {
    if (r[0].is_null()) {
      saw_null = true;
      continue;
    }
    if (Compare(r[0], needle) == 0) return Value::Bool(true);
  }
  return saw_null ? Value::Null() : Value::Bool(false);
}

const std::vector<Row>* SubqueryRows(const BExpr& e, const Row& row, EvalContext& ctx,
                                     std::vector<Row>* scratch) {
  if (!e.correlated && e.cache) return static_cast<const std::vector<Row>*>(e.cache.get());
  std::vector<const Row*> outer = ctx.outer;
  outer.push_back(&row);
  std::vector<Change> changes;
  absl::Status s = ctx.executor->Run(*e.subquery, outer, &changes);
  if (!s.ok()) {
    ctx.Fail(s);
    scratch->clear();
    return scratch;
  }
  *scratch = Executor::Materialize(changes);
  return scratch;
}

}  // namespace

Value Eval(const BExpr& e, const Row& row, EvalContext& ctx) {
  switch (e.kind) {
    case BExpr::Kind::kConst:
      return e.value;
    case BExpr::Kind::kInput:
      return row[e.index];
    case BExpr::Kind::kOuter: {
      size_t n = ctx.outer.size();
      if (e.depth < 1 || static_cast<size_t>(e.depth) > n) return Value::Null();
      return (*ctx.outer[n - e.depth])[e.index];
    }
    case BExpr::Kind::kCall: {
      std::vector<Value> args;
      args.reserve(e.args.size());
      for (const auto& a : e.args) {
        args.push_back(Eval(*a, row, ctx));
        if (e.strict && args.back().is_null()) return Value::Null();
      }
      return e.fn(args, e, ctx);
    }
    case BExpr::Kind::kAnd: {
      bool null = false;
      for (const auto& a : e.args) {
        Value v = Eval(*a, row, ctx);
        if (v.is_null())
          null = true;
        else if (!v.bool_value())
          return Value::Bool(false);
      }
      return null ? Value::Null() : Value::Bool(true);
    }
    case BExpr::Kind::kOr: {
      bool null = false;
      for (const auto& a : e.args) {
        Value v = Eval(*a, row, ctx);
        if (v.is_null())
          null = true;
        else if (v.bool_value())
          return Value::Bool(true);
      }
      return null ? Value::Null() : Value::Bool(false);
    }
    case BExpr::Kind::kNot: {
      Value v = Eval(*e.args[0], row, ctx);
      return v.is_null() ? v : Value::Bool(!v.bool_value());
    }
    case BExpr::Kind::kCase: {
      size_t pairs = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) {
        Value w = Eval(*e.args[2 * i], row, ctx);
        if (w.kind() == ValueKind::kBool && w.bool_value()) return Eval(*e.args[2 * i + 1], row, ctx);
      }
      return e.has_else ? Eval(*e.args.back(), row, ctx) : Value::Null();
    }
    case BExpr::Kind::kCast: {
      Value v = Eval(*e.args[0], row, ctx);
      return CastValue(v, e.args[0]->type, e.type, e.try_cast, ctx);
    }
    case BExpr::Kind::kInSubquery: {
      Value needle = Eval(*e.args[0], row, ctx);
      std::vector<Row> scratch;
      const auto* rows = SubqueryRows(e, row, ctx, &scratch);
      Value r = InRows(needle, *rows);
      if (e.negated && !r.is_null()) r = Value::Bool(!r.bool_value());
      return r;
    }
    case BExpr::Kind::kExists: {
      std::vector<Row> scratch;
      const auto* rows = SubqueryRows(e, row, ctx, &scratch);
      return Value::Bool(!rows->empty());
    }
    case BExpr::Kind::kScalarSubquery: {
      std::vector<Row> scratch;
      const auto* rows = SubqueryRows(e, row, ctx, &scratch);
      if (rows->empty()) return Value::Null();
      if (rows->size() > 1) {
        ctx.Fail(absl::InvalidArgumentError("Scalar subquery returned more than one row"));
        return Value::Null();
      }
      return (*rows)[0][0];
    }
    case BExpr::Kind::kQuantified: {
      Value needle = Eval(*e.args[0], row, ctx);
      std::vector<Row> scratch;
      const auto* rows = SubqueryRows(e, row, ctx, &scratch);
      bool all = e.i0 == 1;
      bool saw_null = needle.is_null();
      for (const auto& r : *rows) {
        if (r[0].is_null() || needle.is_null()) {
          saw_null = true;
          continue;
        }
        int c = Compare(needle, r[0]);
        bool t = e.name == "="    ? c == 0
                 : e.name == "<>" ? c != 0
                 : e.name == "<"  ? c < 0
                 : e.name == "<=" ? c <= 0
                 : e.name == ">"  ? c > 0
                                  : c >= 0;
        if (all && !t) return Value::Bool(false);
        if (!all && t) return Value::Bool(true);
      }
      if (rows->empty()) return Value::Bool(all);
      if (saw_null) return Value::Null();
      return Value::Bool(all);
    }
  }
  return Value::Null();
}

}  // namespace flinkdbt::engine
