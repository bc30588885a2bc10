// Temporal built-ins: EXTRACT and its shorthands, CURRENT_TIMESTAMP & co, DATE_FORMAT,
// TO_TIMESTAMP(_LTZ), TO_DATE, FROM_UNIXTIME, UNIX_TIMESTAMP, TIMESTAMPADD/DIFF, CONVERT_TZ,
// FLOOR/CEIL ... TO unit. Java SimpleDateFormat patterns for parsing and formatting.
#include <cmath>
#include <limits>

#include "engine/builtins.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TimeUnit;
using sql::TypeRoot;
using Args = std::vector<Value>;
using Types = std::vector<DataType>;

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Fields {
  int64_t year;
  unsigned month, day;
  int64_t hour, minute, second, millis;
  int32_t nanos;
  int64_t days;  // since epoch
};

Fields Split(int64_t local_millis, int32_t nanos) {
  Fields f;
  f.days = FloorDiv(local_millis, 86400000);
  int64_t rem = local_millis - f.days * 86400000;
  CivilFromDays(f.days, &f.year, &f.month, &f.day);
  f.hour = rem / 3600000;
  f.minute = (rem / 60000) % 60;
  f.second = (rem / 1000) % 60;
  f.millis = rem % 1000;
  f.nanos = nanos;
  return f;
}

}  // namespace

int64_t LocalMillis(const Value& v, const EvalContext& ctx) {
  switch (v.kind()) {
    case ValueKind::kDate:
      return v.millis() * 86400000;
    case ValueKind::kTimestampLtz:
      return v.millis() + UtcOffsetMillis(ctx.session ? ctx.session->time_zone : "UTC", v.millis());
    default:
      return v.millis();
  }
}

namespace {

// Java's SimpleDateFormat subset: y M d H h m s S a E X Z and quoted text.
std::string FormatJava(const std::string& pattern, int64_t local_millis, int32_t nanos,
                       int64_t offset_millis) {
  Fields f = Split(local_millis, nanos);
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == c) ++n;
    if (c == '\'') {
      size_t end = pattern.find('\'', i + 1);
      if (end == std::string::npos) end = pattern.size();
      out += end == i + 1 ? "'" : pattern.substr(i + 1, end - i - 1);
      i = end + 1;
      continue;
    }
    auto num = [&](int64_t v) { out += fmt::format("{:0{}d}", v, static_cast<int>(n)); };
    switch (c) {
      case 'y':
        if (n == 2)
          out += fmt::format("{:02d}", f.year % 100);
        else
          num(f.year);
        break;
      case 'M':
        num(f.month);
        break;
      case 'd':
        num(f.day);
        break;
      case 'H':
        num(f.hour);
        break;
      case 'h':
        num(f.hour % 12 == 0 ? 12 : f.hour % 12);
        break;
      case 'm':
        num(f.minute);
        break;
      case 's':
        num(f.second);
        break;
      case 'S': {
        std::string frac = fmt::format("{:03d}{:06d}", f.millis, f.nanos);
        out += n <= 9 ? frac.substr(0, n) : frac;
        break;
      }
      case 'a':
        out += f.hour < 12 ? "AM" : "PM";
        break;
      case 'E': {
        static const char* kDays[] = {"Thursday", "Friday",  "Saturday", "Sunday",
                                      "Monday",   "Tuesday", "Wednesday"};
        std::string d = kDays[((f.days % 7) + 7) % 7];
        out += n >= 4 ? d : d.substr(0, 3);
        break;
      }
      case 'X':
      case 'Z': {
        int64_t m = offset_millis / 60000;
        if (c == 'X' && m == 0) {
          out += "Z";
        } else {
          out += m < 0 ? "-" : "+";
          m = m < 0 ? -m : m;
          out += fmt::format("{:02d}{}{:02d}", m / 60, n >= 3 && c == 'X' ? ":" : "", m % 60);
        }
        break;
      }
      default:
        out.append(n, c);
    }
    i += n;
  }
  return out;
}

// Parses `text` with a Java pattern; trailing text is ignored (as SimpleDateFormat.parse does).
// Returns local millis, and whether an offset was parsed (in *offset_millis).
bool ParseJava(const std::string& pattern, const std::string& text, int64_t* local_millis, int32_t* nanos,
               bool* has_offset, int64_t* offset_millis) {
  int64_t y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, frac_ns = 0;
  bool pm = false, has_ampm = false;
  *has_offset = false;
  size_t p = 0;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    size_t n = 1;
    while (i + n < pattern.size() && pattern[i + n] == c) ++n;
    if (c == '\'') {
      size_t end = pattern.find('\'', i + 1);
      if (end == std::string::npos) end = pattern.size();
      std::string lit = end == i + 1 ? "'" : pattern.substr(i + 1, end - i - 1);
      if (text.compare(p, lit.size(), lit) != 0) return false;
      p += lit.size();
      i = end + 1;
      continue;
    }
    auto read = [&](size_t max_digits, int64_t* out) {
      size_t start = p;
      int64_t v = 0;
      bool neg = false;
      if (c == 'y' && p < text.size() && text[p] == '-') {
        neg = true;
        ++p;
      }
      while (p < text.size() && p - start < max_digits && std::isdigit(static_cast<unsigned char>(text[p])))
        v = v * 10 + (text[p++] - '0');
      *out = neg ? -v : v;
      return p > start;
    };
    bool adjacent = i + n < pattern.size() && std::isalpha(static_cast<unsigned char>(pattern[i + n]));
    size_t maxd = adjacent ? n : 18;
    switch (c) {
      case 'y':
        if (!read(adjacent ? n : 9, &y)) return false;
        break;
      case 'M':
        if (!read(maxd, &mo)) return false;
        break;
      case 'd':
        if (!read(maxd, &d)) return false;
        break;
      case 'H':
      case 'h':
        if (!read(maxd, &h)) return false;
        break;
      case 'm':
        if (!read(maxd, &mi)) return false;
        break;
      case 's':
        if (!read(maxd, &s)) return false;
        break;
      case 'S': {
        size_t start = p;
        int64_t v = 0;
        while (p < text.size() && p - start < maxd && std::isdigit(static_cast<unsigned char>(text[p])))
          v = v * 10 + (text[p++] - '0');
        if (p == start) return false;
        // SimpleDateFormat reads S as a count of milliseconds.
        frac_ns = v * 1000000;
        break;
      }
      case 'a':
        has_ampm = true;
        if (text.compare(p, 2, "PM") == 0 || text.compare(p, 2, "pm") == 0)
          pm = true;
        else if (text.compare(p, 2, "AM") != 0 && text.compare(p, 2, "am") != 0)
          return false;
        p += 2;
        break;
      case 'X':
      case 'Z': {
        if (p < text.size() && text[p] == 'Z') {
          ++p;
          *has_offset = true;
          *offset_millis = 0;
          break;
        }
        if (p >= text.size() || (text[p] != '+' && text[p] != '-')) return false;
        bool neg = text[p++] == '-';
        int64_t hh = 0, mm = 0;
        size_t st = p;
        while (p < text.size() && p - st < 2 && std::isdigit(static_cast<unsigned char>(text[p])))
          hh = hh * 10 + (text[p++] - '0');
        if (p - st != 2) return false;
        if (p < text.size() && text[p] == ':') ++p;
        st = p;
        while (p < text.size() && p - st < 2 && std::isdigit(static_cast<unsigned char>(text[p])))
          mm = mm * 10 + (text[p++] - '0');
        *has_offset = true;
        *offset_millis = (neg ? -1 : 1) * (hh * 60 + mm) * 60000;
        break;
      }
      default:
        for (size_t k = 0; k < n; ++k) {
          if (p >= text.size() || text[p] != c) return false;
          ++p;
        }
    }
    i += n;
  }
  if (has_ampm && pm && h < 12) h += 12;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return false;
  *local_millis = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400000 +
                  ((h * 60 + mi) * 60 + s) * 1000 + frac_ns / 1000000;
  *nanos = static_cast<int32_t>(frac_ns % 1000000);
  return true;
}

// ---------------------------------------------------------------------------------------------

absl::Status BindExtract(BExpr& e, const Types& t, CallSyntax& syn) {
  e.i0 = static_cast<int64_t>(syn.unit);
  e.type = DataType::BigInt(AnyNullable(t));
  if (!sql::IsDatetime(t[0]) && !sql::IsInterval(t[0]) && t[0].root != TypeRoot::kNull)
    return absl::InvalidArgumentError(fmt::format("Cannot apply 'EXTRACT' to {}", sql::TypeToString(t[0])));
  return absl::OkStatus();
}

int64_t IsoWeek(int64_t days) {
  // ISO 8601 week number.
  int64_t dow = ((days + 3) % 7 + 7) % 7;  // Monday = 0
  int64_t thursday = days - dow + 3;
  int64_t y;
  unsigned m, d;
  CivilFromDays(thursday, &y, &m, &d);
  int64_t jan1 = DaysFromCivil(y, 1, 1);
  return (thursday - jan1) / 7 + 1;
}

int64_t ExtractUnit(const Value& v, TimeUnit unit, const EvalContext& ctx) {
  if (v.kind() == ValueKind::kIntervalMonths) {
    if (unit == TimeUnit::kYear) return v.int_value() / 12;
    if (unit == TimeUnit::kMonth) return v.int_value() % 12;
    return 0;
  }
  if (v.kind() == ValueKind::kIntervalMillis) {
    int64_t ms = v.int_value();
    switch (unit) {
      case TimeUnit::kDay:
        return ms / 86400000;
      case TimeUnit::kHour:
        return (ms / 3600000) % 24;
      case TimeUnit::kMinute:
        return (ms / 60000) % 60;
      case TimeUnit::kSecond:
        return (ms / 1000) % 60;
      case TimeUnit::kMillisecond:
        return ms % 60000;
      default:
        return 0;
    }
  }
  int64_t local = v.kind() == ValueKind::kTime ? v.millis() : LocalMillis(v, ctx);
  Fields f = Split(local, v.nanos());
  switch (unit) {
    case TimeUnit::kYear:
      return f.year;
    case TimeUnit::kQuarter:
      return (f.month - 1) / 3 + 1;
    case TimeUnit::kMonth:
      return f.month;
    case TimeUnit::kWeek:
      return IsoWeek(f.days);
    case TimeUnit::kDay:
      return f.day;
    case TimeUnit::kHour:
      return f.hour;
    case TimeUnit::kMinute:
      return f.minute;
    case TimeUnit::kSecond:
      return f.second;
    case TimeUnit::kMillisecond:
      return f.second * 1000 + f.millis;
    case TimeUnit::kMicrosecond:
      return (f.second * 1000 + f.millis) * 1000 + f.nanos / 1000;
    case TimeUnit::kNanosecond:
      return (f.second * 1000 + f.millis) * 1000000 + f.nanos;
    case TimeUnit::kDoy:
      return f.days - DaysFromCivil(f.year, 1, 1) + 1;
    case TimeUnit::kDow:
      return ((f.days + 4) % 7 + 7) % 7 + 1;  // Sunday = 1
    case TimeUnit::kIsoDow:
      return ((f.days + 3) % 7 + 7) % 7 + 1;  // Monday = 1
    case TimeUnit::kEpoch:
      return FloorDiv(v.kind() == ValueKind::kDate ? v.millis() * 86400000 : v.millis(), 1000);
    case TimeUnit::kDecade:
      return FloorDiv(f.year, 10);
    case TimeUnit::kCentury:
      return f.year > 0 ? (f.year + 99) / 100 : -((99 - f.year) / 100);
    case TimeUnit::kMillennium:
      return f.year > 0 ? (f.year + 999) / 1000 : -((999 - f.year) / 1000);
    case TimeUnit::kIsoYear: {
      int64_t dow = ((f.days + 3) % 7 + 7) % 7;
      int64_t y;
      unsigned m, d;
      CivilFromDays(f.days - dow + 3, &y, &m, &d);
      return y;
    }
    default:
      return 0;
  }
}

Value ExtractFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  return Value::Int(ExtractUnit(a[0], static_cast<TimeUnit>(e.i0), ctx));
}

template <TimeUnit U>
absl::Status BindUnit(BExpr& e, const Types& t, CallSyntax& syn) {
  syn.unit = U;
  return BindExtract(e, t, syn);
}

absl::Status BindNowTs(BExpr& e, const Types&, CallSyntax&) {
  if (e.name == "LOCALTIMESTAMP")
    e.type = DataType::Timestamp(3, false);
  else if (e.name == "CURRENT_DATE")
    e.type = DataType::Date(false);
  else if (e.name == "CURRENT_TIME" || e.name == "LOCALTIME")
    e.type = DataType::Time(0, false);
  else
    e.type = DataType::TimestampLtz(3, false);
  if (e.name == "PROCTIME") e.type.time_attribute = sql::TimeAttribute::kProctime;
  return absl::OkStatus();
}
Value NowFn(const Args&, const BExpr& e, EvalContext& ctx) {
  int64_t now = ctx.session ? ctx.session->now_millis : 0;
  int64_t local = now + UtcOffsetMillis(ctx.session ? ctx.session->time_zone : "UTC", now);
  if (e.name == "LOCALTIMESTAMP") return Value::Timestamp(local);
  if (e.name == "CURRENT_DATE") return Value::Date(FloorDiv(local, 86400000));
  if (e.name == "CURRENT_TIME" || e.name == "LOCALTIME")
    return Value::Time(local - FloorDiv(local, 86400000) * 86400000);
  return Value::TimestampLtz(now);
}

absl::Status BindDateFormat(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::String(AnyNullable(t));
  return absl::OkStatus();
}
Value DateFormatFn(const Args& a, const BExpr&, EvalContext& ctx) {
  int64_t local, ns = a[0].nanos();
  if (a[0].kind() == ValueKind::kString) {
    int64_t ms;
    int32_t n;
    if (!ParseTimestamp(a[0].string_value(), &ms, &n)) return Value::Null();
    local = ms;
    ns = n;
  } else {
    local = LocalMillis(a[0], ctx);
  }
  std::string tz = ctx.session ? ctx.session->time_zone : "UTC";
  return Value::String(
      FormatJava(a[1].string_value(), local, static_cast<int32_t>(ns), UtcOffsetMillis(tz, local)));
}

absl::Status BindToTimestamp(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::Timestamp(3, true);
  (void)t;
  return absl::OkStatus();
}
Value ToTimestampFn(const Args& a, const BExpr&, EvalContext&) {
  std::string fmt = a.size() > 1 ? a[1].string_value() : "yyyy-MM-dd HH:mm:ss";
  int64_t ms;
  int32_t ns;
  bool has_off;
  int64_t off;
  if (a.size() == 1) {
    if (ParseTimestamp(a[0].string_value(), &ms, &ns)) return Value::Timestamp(ms, ns - ns % 1000000);
    return Value::Null();
  }
  if (!ParseJava(fmt, a[0].string_value(), &ms, &ns, &has_off, &off)) return Value::Null();
  if (has_off) ms -= off;
  return Value::Timestamp(ms);
}

absl::Status BindToTimestampLtz(BExpr& e, const Types& t, CallSyntax&) {
  int p = 3;
  if (e.args.size() > 1 && sql::IsIntegral(t[1]) && e.args[1]->kind == BExpr::Kind::kConst) {
    p = static_cast<int>(e.args[1]->value.int_value());
    if (p != 0 && p != 3) return absl::InvalidArgumentError("TO_TIMESTAMP_LTZ precision must be 0 or 3");
  }
  e.i0 = p;
  e.type = DataType::TimestampLtz(3, AnyNullable(t) || sql::IsCharacterString(t[0]));
  return absl::OkStatus();
}
Value ToTimestampLtzFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  if (a[0].kind() == ValueKind::kString) {
    std::string fmt =
        a.size() > 1 && a[1].kind() == ValueKind::kString ? a[1].string_value() : "yyyy-MM-dd HH:mm:ss.SSS";
    std::string tz = a.size() > 2 ? a[2].string_value() : (ctx.session ? ctx.session->time_zone : "UTC");
    int64_t ms;
    int32_t ns;
    bool has_off;
    int64_t off;
    if (!ParseJava(fmt, a[0].string_value(), &ms, &ns, &has_off, &off)) {
      if (!ParseTimestamp(a[0].string_value(), &ms, &ns)) return Value::Null();
      has_off = false;
    }
    return Value::TimestampLtz(has_off ? ms - off : LocalToUtcMillis(tz, ms));
  }
  if (a[0].kind() == ValueKind::kDouble) {
    double v = a[0].double_value() * (e.i0 == 0 ? 1000.0 : 1.0);
    return Value::TimestampLtz(static_cast<int64_t>(std::floor(v)));
  }
  if (a[0].kind() == ValueKind::kDecimal) {
    Decimal d = a[0].decimal_value();
    if (e.i0 == 0) d = Decimal{d.unscaled * 1000, d.scale};
    return Value::TimestampLtz(static_cast<int64_t>(d.unscaled / Pow10(d.scale)));
  }
  int64_t v = a[0].int_value();
  return Value::TimestampLtz(e.i0 == 0 ? v * 1000 : v);
}

absl::Status BindToDate(BExpr& e, const Types&, CallSyntax&) {
  e.type = DataType::Date(true);
  return absl::OkStatus();
}
Value ToDateFn(const Args& a, const BExpr&, EvalContext&) {
  std::string fmt = a.size() > 1 ? a[1].string_value() : "yyyy-MM-dd";
  int64_t ms;
  int32_t ns;
  bool has_off;
  int64_t off;
  if (!ParseJava(fmt, a[0].string_value(), &ms, &ns, &has_off, &off)) return Value::Null();
  return Value::Date(FloorDiv(ms, 86400000));
}

Value FromUnixtimeFn(const Args& a, const BExpr&, EvalContext& ctx) {
  std::string fmt = a.size() > 1 ? a[1].string_value() : "yyyy-MM-dd HH:mm:ss";
  std::string tz = ctx.session ? ctx.session->time_zone : "UTC";
  int64_t ms = a[0].int_value() * 1000;
  int64_t off = UtcOffsetMillis(tz, ms);
  return Value::String(FormatJava(fmt, ms + off, 0, off));
}

Value UnixTimestampFn(const Args& a, const BExpr&, EvalContext& ctx) {
  std::string tz = ctx.session ? ctx.session->time_zone : "UTC";
  if (a.empty()) return Value::Int(FloorDiv(ctx.session ? ctx.session->now_millis : 0, 1000));
  std::string fmt = a.size() > 1 ? a[1].string_value() : "yyyy-MM-dd HH:mm:ss";
  int64_t ms;
  int32_t ns;
  bool has_off;
  int64_t off;
  if (!ParseJava(fmt, a[0].string_value(), &ms, &ns, &has_off, &off))
    return Value::Int(std::numeric_limits<int64_t>::min());
  int64_t utc = has_off ? ms - off : LocalToUtcMillis(tz, ms);
  return Value::Int(FloorDiv(utc, 1000));
}

absl::Status BindTimestampAdd(BExpr& e, const Types& t, CallSyntax& syn) {
  e.i0 = static_cast<int64_t>(syn.unit);
  if (e.name == "TIMESTAMPADD") {
    if (t.size() != 2 || !sql::IsDatetime(t[1]))
      return absl::InvalidArgumentError("TIMESTAMPADD(unit, count, datetime)");
    e.type = t[1].WithoutTimeAttribute().WithNullable(AnyNullable(t));
  } else {
    if (t.size() != 2) return absl::InvalidArgumentError("TIMESTAMPDIFF(unit, datetime1, datetime2)");
    e.type = DataType::Int(AnyNullable(t));
  }
  return absl::OkStatus();
}

int64_t UnitMonths(TimeUnit u) {
  switch (u) {
    case TimeUnit::kYear:
      return 12;
    case TimeUnit::kQuarter:
      return 3;
    case TimeUnit::kMonth:
      return 1;
    default:
      return 0;
  }
}

Value AddInterval(const Value& ts, int64_t count, TimeUnit unit, EvalContext& ctx);

Value TimestampAddFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  return AddInterval(a[1], a[0].int_value(), static_cast<TimeUnit>(e.i0), ctx);
}

Value AddInterval(const Value& ts, int64_t count, TimeUnit unit, EvalContext& ctx) {
  std::vector<Value> args{ts, UnitMonths(unit) ? Value::IntervalMonths(count * UnitMonths(unit))
                                               : Value::IntervalMillis(count * UnitMillis(unit))};
  BExpr plus;
  plus.name = "+";
  const Builtin* b = FindBuiltin("+");
  plus.type = DataType::Timestamp(3);
  return b->fn(args, plus, ctx);
}

Value TimestampDiffFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  TimeUnit unit = static_cast<TimeUnit>(e.i0);
  int64_t x = LocalMillis(a[0], ctx), y = LocalMillis(a[1], ctx);
  if (UnitMonths(unit)) {
    Fields fx = Split(x, 0), fy = Split(y, 0);
    int64_t months = (fy.year - fx.year) * 12 + (static_cast<int64_t>(fy.month) - fx.month);
    int64_t rx = x - DaysFromCivil(fx.year, fx.month, 1) * 86400000;
    int64_t ry = y - DaysFromCivil(fy.year, fy.month, 1) * 86400000;
    if (months > 0 && ry < rx) --months;
    if (months < 0 && ry > rx) ++months;
    return Value::Int(months / UnitMonths(unit));
  }
  int64_t um = UnitMillis(unit);
  if (um == 0) return Value::Null();
  return Value::Int((y - x) / um);
}

absl::Status BindConvertTz(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::String(AnyNullable(t));
  return absl::OkStatus();
}
Value ConvertTzFn(const Args& a, const BExpr&, EvalContext&) {
  int64_t ms;
  int32_t ns;
  if (!ParseTimestamp(a[0].string_value(), &ms, &ns)) return Value::Null();
  int64_t utc = LocalToUtcMillis(a[1].string_value(), ms);
  int64_t local = utc + UtcOffsetMillis(a[2].string_value(), utc);
  return Value::String(FormatTimestamp(local, 0, 0));
}

absl::Status BindSourceWatermark(BExpr& e, const Types&, CallSyntax&) {
  e.type = DataType::TimestampLtz(3, true);
  return absl::OkStatus();
}
Value NullFn(const Args&, const BExpr&, EvalContext&) { return Value::Null(); }

absl::Status BindCurrentWatermark(BExpr& e, const Types& t, CallSyntax&) {
  e.type = t[0].WithoutTimeAttribute().WithNullable(true);
  return absl::OkStatus();
}

}  // namespace

Value FloorTemporal(const Value& x, TimeUnit unit, bool ceil) {
  bool date = x.kind() == ValueKind::kDate;
  int64_t ms = date ? x.millis() * 86400000 : x.millis();
  int64_t floored;
  if (UnitMonths(unit) || unit == TimeUnit::kYear) {
    Fields f = Split(ms, 0);
    int64_t months = UnitMonths(unit);
    int64_t m0 = ((f.month - 1) / months) * months;
    floored = DaysFromCivil(f.year, static_cast<unsigned>(m0 + 1), 1) * 86400000;
    if (ceil && floored != ms) {
      int64_t total = f.year * 12 + m0 + months;
      floored = DaysFromCivil(total / 12, static_cast<unsigned>(total % 12 + 1), 1) * 86400000;
    }
  } else if (unit == TimeUnit::kWeek) {
    int64_t days = FloorDiv(ms, 86400000);
    int64_t dow = ((days + 4) % 7 + 7) % 7;  // Sunday = 0
    floored = (days - dow) * 86400000;
    if (ceil && floored != ms) floored += 7 * 86400000LL;
  } else {
    int64_t u = UnitMillis(unit);
    if (u == 0) return x;
    floored = FloorDiv(ms, u) * u;
    if (ceil && (floored != ms || x.nanos() != 0)) floored += u;
  }
  if (date) return Value::Date(FloorDiv(floored, 86400000));
  return x.kind() == ValueKind::kTimestampLtz ? Value::TimestampLtz(floored) : Value::Timestamp(floored);
}

void AddTemporalBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> t = {
      {"EXTRACT", 1, 1, true, true, true, BindExtract, ExtractFn},
      {"YEAR", 1, 1, true, true, true, BindUnit<TimeUnit::kYear>, ExtractFn},
      {"QUARTER", 1, 1, true, true, true, BindUnit<TimeUnit::kQuarter>, ExtractFn},
      {"MONTH", 1, 1, true, true, true, BindUnit<TimeUnit::kMonth>, ExtractFn},
      {"WEEK", 1, 1, true, true, true, BindUnit<TimeUnit::kWeek>, ExtractFn},
      {"DAYOFYEAR", 1, 1, true, true, true, BindUnit<TimeUnit::kDoy>, ExtractFn},
      {"DAYOFMONTH", 1, 1, true, true, true, BindUnit<TimeUnit::kDay>, ExtractFn},
      {"DAYOFWEEK", 1, 1, true, true, true, BindUnit<TimeUnit::kDow>, ExtractFn},
      {"HOUR", 1, 1, true, true, true, BindUnit<TimeUnit::kHour>, ExtractFn},
      {"MINUTE", 1, 1, true, true, true, BindUnit<TimeUnit::kMinute>, ExtractFn},
      {"SECOND", 1, 1, true, true, true, BindUnit<TimeUnit::kSecond>, ExtractFn},
      {"CURRENT_TIMESTAMP", 0, 0, true, false, true, BindNowTs, NowFn},
      {"NOW", 0, 0, true, false, true, BindNowTs, NowFn},
      {"LOCALTIMESTAMP", 0, 0, true, false, true, BindNowTs, NowFn},
      {"CURRENT_DATE", 0, 0, true, false, true, BindNowTs, NowFn},
      {"CURRENT_TIME", 0, 0, true, false, true, BindNowTs, NowFn},
      {"LOCALTIME", 0, 0, true, false, true, BindNowTs, NowFn},
      {"CURRENT_ROW_TIMESTAMP", 0, 0, true, false, true, BindNowTs, NowFn},
      {"PROCTIME", 0, 0, true, false, true, BindNowTs, NowFn},
      {"DATE_FORMAT", 2, 2, true, true, true, BindDateFormat, DateFormatFn},
      {"TO_TIMESTAMP", 1, 2, true, true, false, BindToTimestamp, ToTimestampFn},
      {"TO_TIMESTAMP_LTZ", 1, 3, true, true, true, BindToTimestampLtz, ToTimestampLtzFn},
      {"TO_DATE", 1, 2, true, true, false, BindToDate, ToDateFn},
      {"FROM_UNIXTIME", 1, 2, true, true, true, BindDateFormat, FromUnixtimeFn},
      {"UNIX_TIMESTAMP", 0, 2, true, false, true, BindDateFormat, UnixTimestampFn},
      {"TIMESTAMPADD", 2, 2, true, true, true, BindTimestampAdd, TimestampAddFn},
      {"TIMESTAMPDIFF", 2, 2, true, true, true, BindTimestampAdd, TimestampDiffFn},
      {"CONVERT_TZ", 3, 3, true, true, false, BindConvertTz, ConvertTzFn},
      {"SOURCE_WATERMARK", 0, 0, false, false, false, BindSourceWatermark, NullFn},
      {"CURRENT_WATERMARK", 1, 1, false, false, false, BindCurrentWatermark, NullFn},
  };
  // UNIX_TIMESTAMP returns BIGINT.
  for (auto& b : t)
    if (std::string(b.name) == "UNIX_TIMESTAMP")
      b.bind = [](BExpr& e, const Types&, CallSyntax&) {
        e.type = DataType::BigInt(e.args.empty() ? false : true);
        return absl::OkStatus();
      };
  out->insert(out->end(), t.begin(), t.end());
}

int64_t UnitMillis(TimeUnit u) {
  switch (u) {
    case TimeUnit::kWeek:
      return 7 * 86400000LL;
    case TimeUnit::kDay:
      return 86400000;
    case TimeUnit::kHour:
      return 3600000;
    case TimeUnit::kMinute:
      return 60000;
    case TimeUnit::kSecond:
      return 1000;
    case TimeUnit::kMillisecond:
      return 1;
    default:
      return 0;
  }
}

}  // namespace flinkdbt::engine
