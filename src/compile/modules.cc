#include "compile/modules.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <vector>

#include "absl/hash/hash.h"
#include "flinkdbt/base/civil.h"
#include "flinkdbt/base/status.h"
#include "fmt/format.h"

namespace flinkdbt::compile {
namespace {
using jinja::CallArgs;
using jinja::CallContext;
using JValue = jinja::Value;

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

absl::Status Error(std::string msg) { return absl::InvalidArgumentError(msg); }

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, micro;
};

Civil ToCivil(int64_t micros) {
  int64_t days = micros / kMicrosPerDay;
  int64_t rem = micros % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  Civil c;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  int64_t secs = rem / kMicrosPerSecond;
  c.micro = static_cast<unsigned>(rem % kMicrosPerSecond);
  c.hour = static_cast<unsigned>(secs / 3600);
  c.minute = static_cast<unsigned>(secs / 60 % 60);
  c.second = static_cast<unsigned>(secs % 60);
  return c;
}

bool ValidCivil(int64_t y, int64_t m, int64_t d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]]][Z|+00:00]". Returns false on anything else (or a non-UTC
// offset); *aware is set when an offset or Z is present.
bool ParseIso(std::string_view s, int64_t* micros, bool* aware) {
  auto num = [&](size_t pos, size_t len, int64_t* out) {
    if (pos + len > s.size()) return false;
    int64_t v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, us = 0;
  if (!num(0, 4, &y) || s.size() < 10 || s[4] != '-' || !num(5, 2, &mo) || s[7] != '-' || !num(8, 2, &d))
    return false;
  if (!ValidCivil(y, mo, d)) return false;
  size_t pos = 10;
  *aware = false;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    if (!num(pos + 1, 2, &h) || pos + 3 >= s.size() || s[pos + 3] != ':' || !num(pos + 4, 2, &mi))
      return false;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!num(pos + 1, 2, &sec)) return false;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        size_t b = ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        std::string frac(s.substr(b, pos - b));
        if (frac.empty()) return false;
        frac.resize(6, '0');
        us = std::stoll(frac.substr(0, 6));
      }
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  std::string_view tz = s.substr(pos);
  if (tz == "Z" || tz == "+00:00" || tz == "+0000" || tz == "-00:00") {
    *aware = true;
  } else if (!tz.empty()) {
    return false;
  }
  *micros = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kMicrosPerDay +
            ((h * 60 + mi) * 60 + sec) * kMicrosPerSecond + us;
  return true;
}

// The UTC timezone object (pytz.utc, datetime.timezone.utc).
class UtcObject : public jinja::Object {
 public:
  std::string_view TypeName() const override { return "UTC"; }
  std::string Str() const override { return "UTC"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    if (name == "zone") return JValue::String("UTC");
    if (name == "utcoffset" || name == "tzname") {
      std::string n(name);
      return JValue::Callable(n, [n](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
        return n == "tzname" ? JValue::String("UTC") : JValue::String("0:00:00");
      });
    }
    return std::nullopt;
  }
};

bool IsUtc(const JValue& v) {
  if (v.is_none() || v.is_undefined()) return false;
  if (v.is_object() && dynamic_cast<const UtcObject*>(v.AsObject()) != nullptr) return true;
  return false;
}

JValue Utc() { return JValue::FromObject(std::make_shared<UtcObject>()); }

using jinja::int128;
using jinja::Operator;
using ArithResult = std::optional<absl::StatusOr<JValue>>;

// Python's exception texts ("TypeError: ..."), as the template engine words its own.
absl::Status PyError(std::string_view type, std::string_view msg) {
  return absl::InvalidArgumentError(fmt::format("{}: {}", type, msg));
}

int128 FloorDiv(int128 a, int128 b) {
  int128 q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// Python's datetime._divide_and_round: a / b rounded half to even.
int128 DivideAndRound(int128 a, int128 b) {
  int128 q = FloorDiv(a, b);
  int128 r = (a - q * b) * 2;
  bool greater_than_half = b > 0 ? r > b : r < b;
  if (greater_than_half || (r == b && (q & 1) != 0)) ++q;
  return q;
}

// An exact float as mantissa * 2^exponent (float.as_integer_ratio), or Python's error for NaN/inf.
absl::Status FloatRatio(double f, int64_t* mantissa, int* exponent) {
  if (std::isnan(f)) return PyError("ValueError", "cannot convert NaN to integer ratio");
  if (std::isinf(f)) return PyError("OverflowError", "cannot convert Infinity to integer ratio");
  int e = 0;
  double m = std::frexp(f, &e);
  *mantissa = static_cast<int64_t>(std::ldexp(m, 53));
  *exponent = e - 53;
  while (*mantissa != 0 && (*mantissa & 1) == 0 && *exponent < 0) {
    *mantissa /= 2;
    ++*exponent;
  }
  return absl::OkStatus();
}

int64_t MinDay() {
  static const int64_t d = DaysFromCivil(1, 1, 1);
  return d;
}
int64_t MaxDay() {
  static const int64_t d = DaysFromCivil(9999, 12, 31);
  return d;
}
constexpr int64_t kMaxDeltaDays = 999999999;

absl::Status DateOverflow() { return PyError("OverflowError", "date value out of range"); }

template <typename T>
const T* As(const JValue& v) {
  return v.is_object() ? dynamic_cast<const T*>(v.AsObject()) : nullptr;
}

std::optional<int> Order(int128 a, int128 b) { return a < b ? -1 : (a > b ? 1 : 0); }

// A duration (datetime.timedelta) in microseconds, within Python's range (|days| <= 999999999).
class TimedeltaObject : public jinja::Object {
 public:
  explicit TimedeltaObject(int128 micros) : micros_(micros) {}
  int128 micros() const { return micros_; }
  int64_t days() const { return static_cast<int64_t>(FloorDiv(micros_, kMicrosPerDay)); }
  std::string_view TypeName() const override { return "datetime.timedelta"; }
  std::string Str() const override {
    int64_t days = this->days();
    int64_t rem = static_cast<int64_t>(micros_ - int128(days) * kMicrosPerDay);
    int64_t secs = rem / kMicrosPerSecond, us = rem % kMicrosPerSecond;
    std::string out;
    if (days) out = fmt::format("{} day{}, ", days, days == 1 || days == -1 ? "" : "s");
    out += fmt::format("{}:{:02d}:{:02d}", secs / 3600, secs / 60 % 60, secs % 60);
    if (us) out += fmt::format(".{:06d}", us);
    return out;
  }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    int64_t days = this->days();
    int64_t rem = static_cast<int64_t>(micros_ - int128(days) * kMicrosPerDay);
    if (name == "days") return JValue::Int(days);
    if (name == "seconds") return JValue::Int(rem / kMicrosPerSecond);
    if (name == "microseconds") return JValue::Int(rem % kMicrosPerSecond);
    if (name == "total_seconds") {
      int128 m = micros_;
      return JValue::Callable("total_seconds", [m](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
        return JValue::Float(static_cast<double>(m) / kMicrosPerSecond);
      });
    }
    return std::nullopt;
  }
  ArithResult Arithmetic(Operator op, const JValue& other, bool reflected) const override;
  std::optional<int> CompareTo(const JValue& other) const override {
    if (const auto* o = As<TimedeltaObject>(other)) return Order(micros_, o->micros_);
    return std::nullopt;
  }
  std::optional<size_t> HashValue() const override {
    return absl::HashOf(static_cast<int64_t>(micros_ >> 64), static_cast<uint64_t>(micros_), 't');
  }

 private:
  int128 micros_;
};

// timedelta(microseconds=micros), or Python's OverflowError out of range.
absl::StatusOr<JValue> MakeTimedelta(int128 micros) {
  int128 days = FloorDiv(micros, kMicrosPerDay);
  if (days > kMaxDeltaDays || days < -kMaxDeltaDays) {
    return PyError("OverflowError", fmt::format("days={}; must have magnitude <= {}",
                                                static_cast<int64_t>(days), kMaxDeltaDays));
  }
  return JValue::FromObject(std::make_shared<TimedeltaObject>(micros));
}

// An integer operand (int or bool) as Python sees it in timedelta arithmetic.
std::optional<int128> IntOperand(const JValue& v) {
  if (!v.is_int() && !v.is_bool()) return std::nullopt;
  return v.AsInt128();
}

absl::Status TimedeltaOverflow() {
  return PyError("OverflowError", fmt::format("days must have magnitude <= {}", kMaxDeltaDays));
}

// micros * f rounded half to even (timedelta * float), or micros / f (timedelta / float).
absl::StatusOr<int128> ScaleByFloat(int128 micros, double f, bool divide) {
  int64_t mantissa = 0;
  int exponent = 0;
  FLINKDBT_RETURN_IF_ERROR(FloatRatio(f, &mantissa, &exponent));
  int128 num = micros, den = 1;  // micros * f = micros * mantissa * 2^exponent
  int128 m = mantissa, p = 1;
  if (exponent >= 0) {
    if (exponent > 100) return TimedeltaOverflow();
    p = int128(1) << exponent;
  }
  if (!divide) {
    if (__builtin_mul_overflow(num, m, &num) || __builtin_mul_overflow(num, p, &num))
      return TimedeltaOverflow();
    if (exponent < 0) {
      if (-exponent > 125) return int128(0);  // |num| < 2^121: rounds to zero
      den = int128(1) << -exponent;
    }
  } else {
    if (mantissa == 0) return PyError("ZeroDivisionError", "integer division or modulo by zero");
    // micros / (mantissa * 2^exponent) = micros * 2^-exponent / mantissa
    den = m;
    if (exponent < 0) {
      if (-exponent > 100 || __builtin_mul_overflow(num, int128(1) << -exponent, &num)) {
        return TimedeltaOverflow();
      }
    } else if (__builtin_mul_overflow(den, p, &den)) {
      return int128(0);
    }
  }
  return DivideAndRound(num, den);
}

ArithResult TimedeltaObject::Arithmetic(Operator op, const JValue& other, bool reflected) const {
  const auto* td = As<TimedeltaObject>(other);
  switch (op) {
    case Operator::kAdd:
      if (td) return MakeTimedelta(micros_ + td->micros_);
      return std::nullopt;
    case Operator::kSub:
      if (td) return MakeTimedelta(reflected ? td->micros_ - micros_ : micros_ - td->micros_);
      return std::nullopt;
    case Operator::kMul: {
      if (auto n = IntOperand(other)) {
        int128 out;
        if (__builtin_mul_overflow(micros_, *n, &out)) return absl::StatusOr<JValue>(TimedeltaOverflow());
        return MakeTimedelta(out);
      }
      if (other.is_float()) {
        auto out = ScaleByFloat(micros_, other.AsDouble(), false);
        if (!out.ok()) return absl::StatusOr<JValue>(out.status());
        return MakeTimedelta(*out);
      }
      return std::nullopt;
    }
    case Operator::kDiv:
    case Operator::kFloorDiv:
    case Operator::kMod: {
      if (reflected) return std::nullopt;
      bool floor = op == Operator::kFloorDiv;
      if (td) {
        if (td->micros_ == 0) {
          return absl::StatusOr<JValue>(
              PyError("ZeroDivisionError", op == Operator::kDiv ? "division by zero"
                                           : floor              ? "integer division or modulo by zero"
                                                                : "integer modulo by zero"));
        }
        if (op == Operator::kDiv) {
          return absl::StatusOr<JValue>(
              JValue::Float(static_cast<double>(micros_) / static_cast<double>(td->micros_)));
        }
        int128 q = FloorDiv(micros_, td->micros_);
        if (floor) return absl::StatusOr<JValue>(JValue::Int128(q));
        return MakeTimedelta(micros_ - q * td->micros_);
      }
      if (op == Operator::kMod) return std::nullopt;
      if (auto n = IntOperand(other)) {
        if (*n == 0)
          return absl::StatusOr<JValue>(PyError("ZeroDivisionError", "integer division or modulo by zero"));
        return MakeTimedelta(floor ? FloorDiv(micros_, *n) : DivideAndRound(micros_, *n));
      }
      if (other.is_float() && !floor) {
        auto out = ScaleByFloat(micros_, other.AsDouble(), true);
        if (!out.ok()) return absl::StatusOr<JValue>(out.status());
        return MakeTimedelta(*out);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

JValue MakeDatetime(int64_t micros, bool aware);

// datetime(micros) checked against Python's range (years 1 to 9999).
absl::StatusOr<JValue> MakeDatetimeChecked(int128 micros, bool aware) {
  if (micros < int128(MinDay()) * kMicrosPerDay || micros >= int128(MaxDay() + 1) * kMicrosPerDay) {
    return DateOverflow();
  }
  return MakeDatetime(static_cast<int64_t>(micros), aware);
}

// A date (datetime.date).
class DateObject : public jinja::Object {
 public:
  explicit DateObject(int64_t days) : days_(days) {}
  int64_t days() const { return days_; }
  std::string_view TypeName() const override { return "datetime.date"; }
  std::string Str() const override {
    Civil c = ToCivil(days_ * kMicrosPerDay);
    return fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day);
  }
  std::optional<JValue> GetAttr(std::string_view name) const override;
  ArithResult Arithmetic(Operator op, const JValue& other, bool reflected) const override {
    if (const auto* td = As<TimedeltaObject>(other)) {
      // date ± timedelta uses the timedelta's days only, as Python does.
      if (op == Operator::kAdd) return MakeDate(int128(days_) + td->days());
      if (op == Operator::kSub && !reflected) return MakeDate(int128(days_) - td->days());
      return std::nullopt;
    }
    if (const auto* d = As<DateObject>(other); d && op == Operator::kSub) {
      return MakeTimedelta((reflected ? d->days_ - days_ : days_ - d->days_) * int128(kMicrosPerDay));
    }
    return std::nullopt;
  }
  std::optional<int> CompareTo(const JValue& other) const override {
    if (const auto* o = As<DateObject>(other)) return Order(days_, o->days_);
    return std::nullopt;
  }
  std::optional<std::string> CompareError(const JValue& other) const override;  // after DatetimeObject
  std::optional<size_t> HashValue() const override { return absl::HashOf(days_, 'd'); }

  static absl::StatusOr<JValue> MakeDate(int128 days) {
    if (days < MinDay() || days > MaxDay()) return DateOverflow();
    return JValue::FromObject(std::make_shared<DateObject>(static_cast<int64_t>(days)));
  }

 private:
  int64_t days_;
};

std::string Strftime(int64_t micros, bool aware, std::string_view format) {
  Civil c = ToCivil(micros);
  std::tm tm{};
  tm.tm_year = static_cast<int>(c.year - 1900);
  tm.tm_mon = static_cast<int>(c.month - 1);
  tm.tm_mday = static_cast<int>(c.day);
  tm.tm_hour = static_cast<int>(c.hour);
  tm.tm_min = static_cast<int>(c.minute);
  tm.tm_sec = static_cast<int>(c.second);
  int64_t days = micros >= 0 ? micros / kMicrosPerDay : (micros - kMicrosPerDay + 1) / kMicrosPerDay;
  tm.tm_wday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  tm.tm_yday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1));
  // %f, %z and %Z are Python's, the rest C's.
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    char d = format[++i];
    if (d == 'f') {
      out += fmt::format("{:06d}", c.micro);
    } else if (d == 'z') {
      if (aware) out += "+0000";
    } else if (d == 'Z') {
      if (aware) out += "UTC";
    } else if (d == '%') {
      out += '%';
    } else {
      char spec[3] = {'%', d, 0};
      char buf[128];
      size_t n = std::strftime(buf, sizeof(buf), spec, &tm);
      out.append(buf, n);
    }
  }
  return out;
}

std::string IsoFormat(int64_t micros, bool aware, std::string_view sep) {
  Civil c = ToCivil(micros);
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}:{:02d}", c.year, c.month, c.day, sep,
                                c.hour, c.minute, c.second);
  if (c.micro) out += fmt::format(".{:06d}", c.micro);
  if (aware) out += "+00:00";
  return out;
}

class DatetimeObject : public jinja::Object {
 public:
  DatetimeObject(int64_t micros, bool aware) : micros_(micros), aware_(aware) {}
  std::string_view TypeName() const override { return "datetime.datetime"; }
  std::string Str() const override { return IsoFormat(micros_, aware_, " "); }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    Civil c = ToCivil(micros_);
    if (name == "year") return JValue::Int(c.year);
    if (name == "month") return JValue::Int(c.month);
    if (name == "day") return JValue::Int(c.day);
    if (name == "hour") return JValue::Int(c.hour);
    if (name == "minute") return JValue::Int(c.minute);
    if (name == "second") return JValue::Int(c.second);
    if (name == "microsecond") return JValue::Int(c.micro);
    if (name == "tzinfo") return aware_ ? Utc() : JValue::None();
    int64_t micros = micros_;
    bool aware = aware_;
    auto method = [&](std::string n, auto fn) { return JValue::Callable(std::move(n), fn); };
    if (name == "strftime") {
      return method("strftime", [micros, aware](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* f = a.Get(0, "format");
        if (f == nullptr || !f->is_string()) return Error("strftime() needs a format string");
        return JValue::String(Strftime(micros, aware, f->AsString()));
      });
    }
    if (name == "isoformat") {
      return method("isoformat", [micros, aware](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* sep = a.Get(0, "sep");
        return JValue::String(IsoFormat(micros, aware, sep && sep->is_string() ? sep->AsString() : "T"));
      });
    }
    if (name == "astimezone") {
      return method("astimezone", [micros](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* tz = a.Get(0, "tz");
        if (tz != nullptr && !tz->is_none() && !IsUtc(*tz)) {
          return Error("astimezone(): only UTC is available (modules.pytz.utc)");
        }
        return MakeDatetime(micros, true);
      });
    }
    if (name == "replace") {
      return method("replace", [micros, aware](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        Civil c = ToCivil(micros);
        int64_t f[7] = {c.year, c.month, c.day, c.hour, c.minute, c.second, c.micro};
        static const char* kNames[7] = {"year", "month", "day", "hour", "minute", "second", "microsecond"};
        for (int i = 0; i < 7; ++i) {
          if (const JValue* v = a.Keyword(kNames[i])) {
            auto x = v->AsInt64();
            if (!x) return Error(fmt::format("replace(): {} must be an integer", kNames[i]));
            f[i] = *x;
          }
        }
        bool now_aware = aware;
        if (const JValue* tz = a.Keyword("tzinfo")) {
          if (tz->is_none()) {
            now_aware = false;
          } else if (IsUtc(*tz)) {
            now_aware = true;
          } else {
            return Error("replace(): only UTC is available as tzinfo (modules.pytz.utc)");
          }
        }
        if (!ValidCivil(f[0], f[1], f[2]) || f[3] < 0 || f[3] > 23 || f[4] < 0 || f[4] > 59 || f[5] < 0 ||
            f[5] > 59 || f[6] < 0 || f[6] >= kMicrosPerSecond) {
          return Error("replace(): value out of range");
        }
        int64_t out =
            DaysFromCivil(f[0], static_cast<unsigned>(f[1]), static_cast<unsigned>(f[2])) * kMicrosPerDay +
            ((f[3] * 60 + f[4]) * 60 + f[5]) * kMicrosPerSecond + f[6];
        return MakeDatetime(out, now_aware);
      });
    }
    if (name == "date") {
      return method("date", [micros](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
        int64_t days = micros >= 0 ? micros / kMicrosPerDay : (micros - kMicrosPerDay + 1) / kMicrosPerDay;
        return JValue::FromObject(std::make_shared<DateObject>(days));
      });
    }
    if (name == "timestamp") {
      return method("timestamp", [micros](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
        return JValue::Float(static_cast<double>(micros) / kMicrosPerSecond);
      });
    }
    if (name == "weekday" || name == "isoweekday") {
      bool iso = name == "isoweekday";
      return method(std::string(name),
                    [micros, iso](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
                      int64_t days =
                          micros >= 0 ? micros / kMicrosPerDay : (micros - kMicrosPerDay + 1) / kMicrosPerDay;
                      int64_t monday0 = ((days % 7) + 10) % 7;  // 1970-01-01 was a Thursday (3)
                      return JValue::Int(monday0 + (iso ? 1 : 0));
                    });
    }
    return std::nullopt;
  }

  int64_t micros() const { return micros_; }
  bool aware() const { return aware_; }
  ArithResult Arithmetic(Operator op, const JValue& other, bool reflected) const override {
    if (const auto* td = As<TimedeltaObject>(other)) {
      if (op == Operator::kAdd) return MakeDatetimeChecked(micros_ + td->micros(), aware_);
      if (op == Operator::kSub && !reflected) return MakeDatetimeChecked(micros_ - td->micros(), aware_);
      return std::nullopt;
    }
    if (const auto* d = As<DatetimeObject>(other); d && op == Operator::kSub) {
      if (d->aware_ != aware_) {
        return absl::StatusOr<JValue>(
            PyError("TypeError", "can't subtract offset-naive and offset-aware datetimes"));
      }
      return MakeTimedelta(reflected ? int128(d->micros_) - micros_ : int128(micros_) - d->micros_);
    }
    return std::nullopt;
  }
  // Naive and aware datetimes are not ordered (Python raises TypeError for `<`; `==` is False).
  std::optional<int> CompareTo(const JValue& other) const override {
    const auto* o = As<DatetimeObject>(other);
    if (o == nullptr || o->aware_ != aware_) return std::nullopt;
    return Order(micros_, o->micros_);
  }
  // Python's own wording for the pairs datetime refuses to order.
  std::optional<std::string> CompareError(const JValue& other) const override {
    if (const auto* o = As<DatetimeObject>(other); o != nullptr && o->aware_ != aware_) {
      return "can't compare offset-naive and offset-aware datetimes";
    }
    if (As<DateObject>(other) != nullptr) return "can't compare datetime.datetime to datetime.date";
    return std::nullopt;
  }
  std::optional<size_t> HashValue() const override { return absl::HashOf(micros_, aware_); }

 private:
  int64_t micros_;
  bool aware_;
};

std::optional<std::string> DateObject::CompareError(const JValue& other) const {
  if (As<DatetimeObject>(other) != nullptr) return "can't compare datetime.datetime to datetime.date";
  return std::nullopt;
}

JValue MakeDatetime(int64_t micros, bool aware) {
  return JValue::FromObject(std::make_shared<DatetimeObject>(micros, aware));
}

std::optional<JValue> DateObject::GetAttr(std::string_view name) const {
  Civil c = ToCivil(days_ * kMicrosPerDay);
  if (name == "year") return JValue::Int(c.year);
  if (name == "month") return JValue::Int(c.month);
  if (name == "day") return JValue::Int(c.day);
  int64_t micros = days_ * kMicrosPerDay;
  if (name == "isoformat") {
    std::string s = Str();
    return JValue::Callable("isoformat", [s](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
      return JValue::String(s);
    });
  }
  if (name == "strftime") {
    return JValue::Callable("strftime", [micros](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
      const JValue* f = a.Get(0, "format");
      if (f == nullptr || !f->is_string()) return Error("strftime() needs a format string");
      return JValue::String(Strftime(micros, false, f->AsString()));
    });
  }
  return std::nullopt;
}

// A module: named attributes.
class AttrModule : public jinja::Object {
 public:
  AttrModule(std::string name, std::vector<std::pair<std::string, JValue>> attrs)
      : name_(std::move(name)), attrs_(std::move(attrs)) {}
  std::string_view TypeName() const override { return "module"; }
  std::string Str() const override { return "<module '" + name_ + "'>"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    for (const auto& [k, v] : attrs_) {
      if (k == name) return v;
    }
    return std::nullopt;
  }

 private:
  std::string name_;
  std::vector<std::pair<std::string, JValue>> attrs_;
};

// A callable "class" with class-level attributes (datetime.now, date.today, ...).
class ClassObject : public AttrModule {
 public:
  using Attrs = std::vector<std::pair<std::string, JValue>>;
  ClassObject(std::string name, jinja::NativeFunction ctor, Attrs attrs)
      : AttrModule(name, std::move(attrs)), class_name_(std::move(name)), ctor_(std::move(ctor)) {}
  std::string_view TypeName() const override { return "type"; }
  std::string Str() const override { return "<class 'datetime." + class_name_ + "'>"; }
  absl::StatusOr<JValue> Call(CallContext& ctx, const CallArgs& a) const override { return ctor_(ctx, a); }

 private:
  std::string class_name_;
  jinja::NativeFunction ctor_;
};

absl::StatusOr<int64_t> IntArg(const CallArgs& a, int index, std::string_view name, int64_t def,
                               bool required) {
  const JValue* v = a.Get(index, name);
  if (v == nullptr || v->is_none()) {
    if (required) return Error(fmt::format("missing required argument '{}'", name));
    return def;
  }
  auto x = v->AsInt64();
  if (!x || v->is_float()) return Error(fmt::format("'{}' must be an integer", name));
  return *x;
}

// timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks), normalised exactly as
// CPython's delta_new: integer parts are exact, float fractions are summed and rounded half to even.
absl::StatusOr<JValue> NewTimedelta(const CallArgs& a) {
  static const char* kNames[7] = {"days",    "seconds", "microseconds", "milliseconds",
                                  "minutes", "hours",   "weeks"};
  static const int64_t kFactor[7] = {
      kMicrosPerDay,           kMicrosPerSecond, 1, 1000, 60 * kMicrosPerSecond,
      3600 * kMicrosPerSecond, 7 * kMicrosPerDay};
  if (a.positional.size() > 7) return PyError("TypeError", "timedelta() takes at most 7 arguments");
  for (const auto& [k, _] : a.keyword) {
    if (std::find_if(std::begin(kNames), std::end(kNames), [&](const char* n) { return k == n; }) ==
        std::end(kNames)) {
      return PyError("TypeError", fmt::format("'{}' is an invalid keyword argument for __new__()", k));
    }
  }
  int128 sum = 0;
  double leftover = 0;
  for (int i : {2, 3, 1, 4, 5, 0, 6}) {  // CPython's accumulation order (us, ms, s, min, h, d, w)
    const JValue* v = a.Get(i, kNames[i]);
    if (v == nullptr) continue;
    if (auto n = IntOperand(*v)) {
      int128 prod;
      if (__builtin_mul_overflow(*n, int128(kFactor[i]), &prod) || __builtin_add_overflow(sum, prod, &sum)) {
        return TimedeltaOverflow();
      }
      continue;
    }
    if (!v->is_float()) {
      return PyError("TypeError", fmt::format("unsupported type for timedelta {} component: {}", kNames[i],
                                              v->TypeName()));
    }
    double intpart;
    double frac = std::modf(v->AsDouble(), &intpart);
    if (!std::isfinite(v->AsDouble()) || std::fabs(intpart) > 1e20) return TimedeltaOverflow();
    sum += static_cast<int128>(intpart) * kFactor[i];
    if (frac == 0.0) continue;
    frac = std::modf(static_cast<double>(kFactor[i]) * frac, &intpart);
    sum += static_cast<int128>(intpart);
    leftover += frac;
  }
  if (leftover != 0.0) {
    double whole = std::round(leftover);
    if (std::fabs(whole - leftover) == 0.5) {
      int odd = (sum & 1) != 0 ? 1 : 0;
      whole = 2.0 * std::round((leftover + odd) * 0.5) - odd;
    }
    sum += static_cast<int128>(whole);
  }
  return MakeTimedelta(sum);
}

// datetime.strptime: the C library's directives plus Python's %f (1 to 6 digits of microseconds) and
// %z (UTC offsets only: the result is aware).
absl::StatusOr<JValue> Strptime(std::string_view text, std::string_view format) {
  auto mismatch = [&] {
    return PyError("ValueError", fmt::format("time data '{}' does not match format '{}'", text, format));
  };
  std::string input(text);
  std::tm tm{};
  tm.tm_mday = 1;  // Python's defaults: 1900-01-01 00:00:00
  const char* p = input.c_str();
  int64_t micros = 0;
  bool aware = false;
  std::string segment;
  auto flush = [&]() -> bool {
    if (segment.empty()) return true;
    p = ::strptime(p, segment.c_str(), &tm);
    segment.clear();
    return p != nullptr;
  };
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      segment += format[i];
      continue;
    }
    char d = format[++i];
    if (d != 'f') {
      segment += '%';
      segment += d;
      if (d == 'z') aware = true;
      continue;
    }
    if (!flush()) return mismatch();
    int digits = 0;
    int64_t v = 0;
    while (digits < 6 && *p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0'), ++digits;
    if (digits == 0) return mismatch();
    for (int k = digits; k < 6; ++k) v *= 10;
    micros = v;
  }
  if (!flush()) return mismatch();
  if (*p != '\0') return PyError("ValueError", fmt::format("unconverted data remains: {}", p));
  if (aware && tm.tm_gmtoff != 0) {
    return Error("strptime(): only UTC offsets are available (no timezone database)");
  }
  int64_t year = tm.tm_year + 1900;
  if (!ValidCivil(year, tm.tm_mon + 1, tm.tm_mday))
    return PyError("ValueError", "day is out of range for month");
  micros += DaysFromCivil(year, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday)) *
                kMicrosPerDay +
            ((tm.tm_hour * 60 + tm.tm_min) * 60 + int64_t{tm.tm_sec}) * kMicrosPerSecond;
  return MakeDatetime(micros, aware);
}

JValue DatetimeClass() {
  auto ctor = [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
    static const char* kNames[7] = {"year", "month", "day", "hour", "minute", "second", "microsecond"};
    int64_t f[7];
    for (int i = 0; i < 7; ++i) {
      auto x = IntArg(a, i, kNames[i], 0, i < 3);
      if (!x.ok()) return x.status();
      f[i] = *x;
    }
    if (!ValidCivil(f[0], f[1], f[2]) || f[3] < 0 || f[3] > 23 || f[4] < 0 || f[4] > 59 || f[5] < 0 ||
        f[5] > 59 || f[6] < 0 || f[6] >= kMicrosPerSecond) {
      return Error("datetime(): value out of range");
    }
    const JValue* tz = a.Get(7, "tzinfo");
    if (tz && !tz->is_none() && !IsUtc(*tz)) return Error("datetime(): only UTC is available as tzinfo");
    int64_t micros =
        DaysFromCivil(f[0], static_cast<unsigned>(f[1]), static_cast<unsigned>(f[2])) * kMicrosPerDay +
        ((f[3] * 60 + f[4]) * 60 + f[5]) * kMicrosPerSecond + f[6];
    return MakeDatetime(micros, tz && IsUtc(*tz));
  };
  ClassObject::Attrs attrs;
  attrs.emplace_back("now",
                     JValue::Callable("now", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
                       const JValue* tz = a.Get(0, "tz");
                       if (tz && !tz->is_none() && !IsUtc(*tz)) {
                         return Error("datetime.now(): only UTC is available (modules.pytz.utc)");
                       }
                       // Local time is UTC here (no timezone database): naive now() is UTC wall time.
                       return MakeDatetime(NowMicros(), tz && IsUtc(*tz));
                     }));
  attrs.emplace_back("utcnow",
                     JValue::Callable("utcnow", [](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
                       return MakeDatetime(NowMicros(), false);
                     }));
  attrs.emplace_back(
      "fromisoformat",
      JValue::Callable("fromisoformat", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* s = a.Get(0, "date_string");
        int64_t micros;
        bool aware;
        if (s == nullptr || !s->is_string() || !ParseIso(s->AsString(), &micros, &aware)) {
          return Error("Invalid isoformat string (UTC offsets only)");
        }
        return MakeDatetime(micros, aware);
      }));
  attrs.emplace_back(
      "strptime", JValue::Callable("strptime", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* s = a.Get(0, "date_string");
        const JValue* f = a.Get(1, "format");
        if (s == nullptr || f == nullptr || !s->is_string() || !f->is_string()) {
          return Error("strptime() needs a string and a format");
        }
        return Strptime(s->AsString(), f->AsString());
      }));
  return JValue::FromObject(std::make_shared<ClassObject>("datetime", ctor, std::move(attrs)));
}

JValue DateClass() {
  auto ctor = [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
    int64_t f[3];
    static const char* kNames[3] = {"year", "month", "day"};
    for (int i = 0; i < 3; ++i) {
      auto x = IntArg(a, i, kNames[i], 0, true);
      if (!x.ok()) return x.status();
      f[i] = *x;
    }
    if (!ValidCivil(f[0], f[1], f[2])) return Error("date(): value out of range");
    return JValue::FromObject(std::make_shared<DateObject>(
        DaysFromCivil(f[0], static_cast<unsigned>(f[1]), static_cast<unsigned>(f[2]))));
  };
  ClassObject::Attrs attrs;
  attrs.emplace_back("today",
                     JValue::Callable("today", [](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
                       return JValue::FromObject(std::make_shared<DateObject>(NowMicros() / kMicrosPerDay));
                     }));
  return JValue::FromObject(std::make_shared<ClassObject>("date", ctor, std::move(attrs)));
}

JValue TimedeltaClass() {
  auto ctor = [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> { return NewTimedelta(a); };
  return JValue::FromObject(std::make_shared<ClassObject>("timedelta", ctor, ClassObject::Attrs{}));
}

// itertools: results are materialised lists (dbt templates iterate them once).
absl::StatusOr<std::vector<JValue>> Seq(const JValue* v, std::string_view fn) {
  if (v == nullptr) return Error(fmt::format("{}() needs an iterable", fn));
  if (v->is_sequence()) return std::vector<JValue>(v->Items().begin(), v->Items().end());
  if (v->is_string()) {
    std::vector<JValue> out;
    for (char c : v->AsString()) out.push_back(JValue::String(std::string(1, c)));
    return out;
  }
  if (v->is_dict()) {
    std::vector<JValue> out;
    for (const auto& [k, _] : v->DictItems()) out.push_back(k);
    return out;
  }
  return Error(fmt::format("{}(): argument is not iterable", fn));
}

void Combine(const std::vector<JValue>& pool, size_t r, bool repeat_ok, bool ordered,
             std::vector<size_t>& cur, std::vector<char>& used, size_t start, std::vector<JValue>& out) {
  if (cur.size() == r) {
    std::vector<JValue> t;
    for (size_t i : cur) t.push_back(pool[i]);
    out.push_back(JValue::Tuple(std::move(t)));
    return;
  }
  for (size_t i = ordered ? 0 : start; i < pool.size(); ++i) {
    if (ordered && used[i]) continue;
    cur.push_back(i);
    if (ordered) used[i] = 1;
    Combine(pool, r, repeat_ok, ordered, cur, used, repeat_ok ? i : i + 1, out);
    if (ordered) used[i] = 0;
    cur.pop_back();
  }
}

}  // namespace

JValue DatetimeModule() {
  return JValue::FromObject(std::make_shared<AttrModule>(
      "datetime",
      std::vector<std::pair<std::string, JValue>>{
          {"datetime", DatetimeClass()},
          {"date", DateClass()},
          {"timedelta", TimedeltaClass()},
          {"timezone", JValue::FromObject(std::make_shared<AttrModule>(
                           "timezone", std::vector<std::pair<std::string, JValue>>{{"utc", Utc()}}))},
          {"MINYEAR", JValue::Int(1)},
          {"MAXYEAR", JValue::Int(9999)}}));
}

JValue PytzModule() {
  JValue timezone =
      JValue::Callable("timezone", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* z = a.Get(0, "zone");
        std::string zone = z && z->is_string() ? std::string(z->AsString()) : "";
        if (zone == "UTC" || zone == "utc" || zone == "Etc/UTC" || zone == "GMT") return Utc();
        return Error(fmt::format(
            "pytz.timezone('{}'): only UTC is available in flinkdbt (no timezone database)", zone));
      });
  return JValue::FromObject(std::make_shared<AttrModule>(
      "pytz",
      std::vector<std::pair<std::string, JValue>>{{"utc", Utc()}, {"UTC", Utc()}, {"timezone", timezone}}));
}

JValue ItertoolsModule() {
  std::vector<std::pair<std::string, JValue>> fns;
  fns.emplace_back("chain",
                   JValue::Callable("chain", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
                     std::vector<JValue> out;
                     for (const JValue& x : a.positional) {
                       auto items = Seq(&x, "chain");
                       if (!items.ok()) return items.status();
                       out.insert(out.end(), items->begin(), items->end());
                     }
                     return JValue::List(std::move(out));
                   }));
  fns.emplace_back("product",
                   JValue::Callable("product", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
                     std::vector<std::vector<JValue>> pools;
                     int64_t repeat = 1;
                     if (const JValue* r = a.Keyword("repeat")) repeat = r->AsInt64().value_or(1);
                     for (int64_t k = 0; k < repeat; ++k) {
                       for (const JValue& x : a.positional) {
                         auto items = Seq(&x, "product");
                         if (!items.ok()) return items.status();
                         pools.push_back(std::move(*items));
                       }
                     }
                     std::vector<std::vector<JValue>> acc = {{}};
                     for (const auto& pool : pools) {
                       std::vector<std::vector<JValue>> next;
                       for (const auto& prefix : acc) {
                         for (const JValue& x : pool) {
                           next.push_back(prefix);
                           next.back().push_back(x);
                         }
                       }
                       acc = std::move(next);
                       if (acc.size() > 1000000) return Error("product(): result too large");
                     }
                     std::vector<JValue> out;
                     for (auto& t : acc) out.push_back(JValue::Tuple(std::move(t)));
                     return JValue::List(std::move(out));
                   }));
  for (const char* name : {"combinations", "combinations_with_replacement", "permutations"}) {
    std::string n = name;
    fns.emplace_back(n, JValue::Callable(n, [n](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
                       auto pool = Seq(a.Get(0, "iterable"), n);
                       if (!pool.ok()) return pool.status();
                       const JValue* rv = a.Get(1, "r");
                       size_t r = pool->size();
                       if (rv && !rv->is_none()) {
                         auto x = rv->AsInt64();
                         if (!x || *x < 0) return Error(n + "(): r must be a non-negative integer");
                         r = static_cast<size_t>(*x);
                       } else if (n != "permutations") {
                         return Error(n + "() needs r");
                       }
                       std::vector<JValue> out;
                       std::vector<size_t> cur;
                       std::vector<char> used(pool->size(), 0);
                       if (n == "permutations" && r > pool->size()) return JValue::List({});
                       Combine(*pool, r, n == "combinations_with_replacement", n == "permutations", cur, used,
                               0, out);
                       return JValue::List(std::move(out));
                     }));
  }
  fns.emplace_back("islice",
                   JValue::Callable("islice", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
                     auto items = Seq(a.Get(0, "iterable"), "islice");
                     if (!items.ok()) return items.status();
                     int64_t start = 0, stop = static_cast<int64_t>(items->size()), step = 1;
                     if (a.positional.size() == 2) {
                       if (!a.positional[1].is_none()) stop = a.positional[1].AsInt64().value_or(stop);
                     } else if (a.positional.size() >= 3) {
                       if (!a.positional[1].is_none()) start = a.positional[1].AsInt64().value_or(0);
                       if (!a.positional[2].is_none()) stop = a.positional[2].AsInt64().value_or(stop);
                       if (a.positional.size() >= 4 && !a.positional[3].is_none())
                         step = a.positional[3].AsInt64().value_or(1);
                     }
                     if (start < 0 || stop < 0 || step <= 0)
                       return Error("islice(): indices must be non-negative");
                     std::vector<JValue> out;
                     for (int64_t i = start; i < std::min<int64_t>(stop, items->size()); i += step)
                       out.push_back((*items)[i]);
                     return JValue::List(std::move(out));
                   }));
  fns.emplace_back(
      "zip_longest",
      JValue::Callable("zip_longest", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        std::vector<std::vector<JValue>> seqs;
        size_t n = 0;
        for (const JValue& x : a.positional) {
          auto items = Seq(&x, "zip_longest");
          if (!items.ok()) return items.status();
          n = std::max(n, items->size());
          seqs.push_back(std::move(*items));
        }
        const JValue* fill = a.Keyword("fillvalue");
        std::vector<JValue> out;
        for (size_t i = 0; i < n; ++i) {
          std::vector<JValue> t;
          for (const auto& s : seqs) t.push_back(i < s.size() ? s[i] : (fill ? *fill : JValue::None()));
          out.push_back(JValue::Tuple(std::move(t)));
        }
        return JValue::List(std::move(out));
      }));
  fns.emplace_back("repeat",
                   JValue::Callable("repeat", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
                     const JValue* x = a.Get(0, "object");
                     const JValue* times = a.Get(1, "times");
                     if (x == nullptr || times == nullptr)
                       return Error("repeat() needs an object and times (no infinite iterators)");
                     int64_t t = times->AsInt64().value_or(0);
                     if (t < 0 || t > 1000000) return Error("repeat(): times out of range");
                     return JValue::List(std::vector<JValue>(static_cast<size_t>(t), *x));
                   }));
  return JValue::FromObject(std::make_shared<AttrModule>("itertools", std::move(fns)));
}

JValue MakeUtcDatetime(std::string_view iso) {
  int64_t micros;
  bool aware;
  if (iso.empty() || !ParseIso(iso, &micros, &aware)) micros = NowMicros();
  return MakeDatetime(micros, true);
}

}  // namespace flinkdbt::compile
