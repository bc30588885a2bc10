#include "flinkdbt/engine/value.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/hash/hash.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

__extension__ typedef unsigned __int128 UInt128;

// ---------------------------------------------------------------------------------------------
// Decimal

Int128 Pow10(int n) {
  Int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

int DigitCount(Int128 v) {
  if (v < 0) v = -v;
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
  size_t e = text.size();
  while (e > i && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n')) --e;
  text = text.substr(i, e - i);
  if (text.empty()) return std::nullopt;
  bool neg = false;
  size_t p = 0;
  if (text[0] == '+' || text[0] == '-') {
    neg = text[0] == '-';
    p = 1;
  }
  Int128 v = 0;
  int scale = 0;
  bool digits = false, point = false;
  int significant = 0;
  for (; p < text.size(); ++p) {
    char c = text[p];
    if (c >= '0' && c <= '9') {
      digits = true;
      if (v != 0 || c != '0') ++significant;
      if (significant > 38) return std::nullopt;
      v = v * 10 + (c - '0');
      if (point) ++scale;
    } else if (c == '.' && !point) {
      point = true;
    } else if ((c == 'e' || c == 'E') && digits) {
      int exp = 0;
      auto sv = text.substr(p + 1);
      if (!sv.empty() && sv[0] == '+') sv.remove_prefix(1);
      auto [ptr, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), exp);
      if (ec != std::errc() || ptr != sv.data() + sv.size()) return std::nullopt;
      scale -= exp;
      break;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  if (scale < 0) {
    if (DigitCount(v) - scale > 38) return std::nullopt;
    v *= Pow10(-scale);
    scale = 0;
  }
  return Decimal{neg ? -v : v, scale};
}

Decimal Decimal::Rescale(int new_scale) const {
  if (new_scale == scale) return *this;
  if (new_scale > scale) {
    int d = new_scale - scale;
    if (d > 38) d = 38;
    return Decimal{unscaled * Pow10(d), new_scale};
  }
  Int128 div = Pow10(scale - new_scale);
  Int128 q = unscaled / div;
  Int128 r = unscaled % div;
  Int128 abs_r = r < 0 ? -r : r;
  if (abs_r * 2 >= div) q += (unscaled < 0 ? -1 : 1);
  return Decimal{q, new_scale};
}

bool Decimal::Fits(Int128 unscaled, int precision) { return DigitCount(unscaled) <= precision; }

std::string Decimal::ToString() const {
  Int128 v = unscaled;
  bool neg = v < 0;
  if (neg) v = -v;
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  while (static_cast<int>(digits.size()) <= scale) digits.push_back('0');
  std::string out;
  if (neg) out.push_back('-');
  for (int i = static_cast<int>(digits.size()) - 1; i >= 0; --i) {
    out.push_back(digits[i]);
    if (i == scale && scale > 0) out.push_back('.');
  }
  return out;
}

double Decimal::ToDouble() const {
  double d;
  std::string s = ToString();
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

std::optional<Decimal> Decimal::FromDouble(double d, int scale) {
  if (!std::isfinite(d)) return std::nullopt;
  // Go through the shortest decimal representation, as Java's BigDecimal.valueOf does.
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return std::nullopt;
  auto dec = Parse(std::string_view(buf, ptr - buf));
  if (!dec) return std::nullopt;
  return dec->Rescale(scale);
}

// ---------------------------------------------------------------------------------------------
// Value

static_assert(sizeof(Value) == 24, "a Value is its kind, scale/nanos, a 64-bit payload and a heap pointer");

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = ValueKind::kBool;
  v.i_ = b ? 1 : 0;
  return v;
}
Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = ValueKind::kInt;
  v.i_ = i;
  return v;
}
Value Value::Double(double d) {
  Value v;
  v.kind_ = ValueKind::kDouble;
  v.d_ = d;
  return v;
}
Value Value::Dec(Decimal d) {
  Value v;
  v.kind_ = ValueKind::kDecimal;
  v.aux_ = d.scale;
  auto u = static_cast<UInt128>(d.unscaled);
  v.i_ = static_cast<int64_t>(static_cast<uint64_t>(u));
  auto hi = static_cast<int64_t>(static_cast<uint64_t>(u >> 64));
  if (hi != (v.i_ < 0 ? -1 : 0)) {  // beyond 64 bits: the high word lives on the heap
    auto* h = new Heap();
    h->hi = hi;
    v.heap_ = h;
  }
  return v;
}
Decimal Value::decimal_value() const {
  if (kind_ == ValueKind::kInt) return Decimal{i_, 0};
  int64_t hi = heap_ ? heap_->hi : (i_ < 0 ? -1 : 0);
  UInt128 u = (static_cast<UInt128>(static_cast<uint64_t>(hi)) << 64) | static_cast<uint64_t>(i_);
  return Decimal{static_cast<Int128>(u), aux_};
}
Value Value::String(std::string s) {
  Value v;
  v.kind_ = ValueKind::kString;
  auto* h = new Heap();
  h->text = std::move(s);
  v.heap_ = h;
  return v;
}
Value Value::Bytes(std::string s) {
  Value v = String(std::move(s));
  v.kind_ = ValueKind::kBytes;
  return v;
}
Value Value::Date(int64_t days) {
  Value v;
  v.kind_ = ValueKind::kDate;
  v.i_ = days;
  return v;
}
Value Value::Time(int64_t millis_of_day, int32_t nanos) {
  Value v;
  v.kind_ = ValueKind::kTime;
  v.i_ = millis_of_day;
  v.aux_ = nanos;
  return v;
}
Value Value::Timestamp(int64_t millis, int32_t nanos) {
  Value v;
  v.kind_ = ValueKind::kTimestamp;
  v.i_ = millis;
  v.aux_ = nanos;
  return v;
}
Value Value::TimestampLtz(int64_t millis, int32_t nanos) {
  Value v = Timestamp(millis, nanos);
  v.kind_ = ValueKind::kTimestampLtz;
  return v;
}
Value Value::IntervalMonths(int64_t months) {
  Value v;
  v.kind_ = ValueKind::kIntervalMonths;
  v.i_ = months;
  return v;
}
Value Value::IntervalMillis(int64_t millis) {
  Value v;
  v.kind_ = ValueKind::kIntervalMillis;
  v.i_ = millis;
  return v;
}
Value Value::Array(std::vector<Value> items) {
  Value v;
  v.kind_ = ValueKind::kArray;
  auto* h = new Heap();
  h->items = std::move(items);
  v.heap_ = h;
  return v;
}
Value Value::Map(std::vector<Value> items) {
  Value v = Array(std::move(items));
  v.kind_ = ValueKind::kMap;
  return v;
}
Value Value::Row(std::vector<Value> fields) {
  Value v = Array(std::move(fields));
  v.kind_ = ValueKind::kRow;
  return v;
}

const std::string& Value::string_value() const {
  static const std::string* const kEmpty = new std::string();
  return heap_ ? heap_->text : *kEmpty;
}
const std::vector<Value>& Value::items() const {
  static const std::vector<Value>* const kEmpty = new std::vector<Value>();
  return heap_ ? heap_->items : *kEmpty;
}

namespace {

int KindRank(ValueKind k) {
  switch (k) {
    case ValueKind::kInt:
    case ValueKind::kDouble:
    case ValueKind::kDecimal:
      return 2;
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampLtz:
      return 3;
    default:
      return 10 + static_cast<int>(k);
  }
}

template <typename T>
int Cmp3(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareNumbers(const Value& a, const Value& b) {
  if (a.kind() == ValueKind::kInt && b.kind() == ValueKind::kInt) return Cmp3(a.int_value(), b.int_value());
  if (a.kind() == ValueKind::kDouble || b.kind() == ValueKind::kDouble) {
    double x = a.kind() == ValueKind::kDouble ? a.double_value()
               : a.kind() == ValueKind::kInt  ? static_cast<double>(a.int_value())
                                              : a.decimal_value().ToDouble();
    double y = b.kind() == ValueKind::kDouble ? b.double_value()
               : b.kind() == ValueKind::kInt  ? static_cast<double>(b.int_value())
                                              : b.decimal_value().ToDouble();
    if (std::isnan(x) || std::isnan(y)) return Cmp3(std::isnan(x), std::isnan(y));
    return Cmp3(x, y);
  }
  Decimal x = a.decimal_value(), y = b.decimal_value();
  int s = std::max(x.scale, y.scale);
  return Cmp3(x.Rescale(s).unscaled, y.Rescale(s).unscaled);
}

}  // namespace

int Compare(const Value& a, const Value& b) {
  if (a.kind_ == ValueKind::kNull || b.kind_ == ValueKind::kNull) {
    return Cmp3(a.kind_ != ValueKind::kNull, b.kind_ != ValueKind::kNull);
  }
  int ra = KindRank(a.kind_), rb = KindRank(b.kind_);
  if (ra != rb) return Cmp3(ra, rb);
  switch (a.kind_) {
    case ValueKind::kInt:
    case ValueKind::kDouble:
    case ValueKind::kDecimal:
      return CompareNumbers(a, b);
    case ValueKind::kString:
    case ValueKind::kBytes: {
      int c = a.string_value().compare(b.string_value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case ValueKind::kArray:
    case ValueKind::kMap:
    case ValueKind::kRow:
      return CompareRows(a.items(), b.items());
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampLtz:
    case ValueKind::kTime:
      if (a.i_ != b.i_) return Cmp3(a.i_, b.i_);
      return Cmp3(a.aux_, b.aux_);
    default:
      return Cmp3(a.i_, b.i_);
  }
}

size_t Value::Hash() const {
  switch (kind_) {
    case ValueKind::kNull:
      return 0x9e3779b9;
    case ValueKind::kInt:
      return absl::HashOf(static_cast<double>(i_));
    case ValueKind::kDouble:
      return absl::HashOf(d_ == 0 ? 0.0 : d_);
    case ValueKind::kDecimal:
      return absl::HashOf(decimal_value().ToDouble());
    case ValueKind::kString:
    case ValueKind::kBytes:
      return absl::HashOf(string_value());
    case ValueKind::kArray:
    case ValueKind::kMap:
    case ValueKind::kRow:
      return RowHash()(items());
    default:
      return absl::HashOf(i_, aux_);
  }
}

size_t RowHash::operator()(const Row& r) const {
  size_t h = r.size();
  for (const Value& v : r) h = h * 1000003 ^ v.Hash();
  return h;
}
bool RowEq::operator()(const Row& a, const Row& b) const { return CompareRows(a, b) == 0; }

int CompareRows(const Row& a, const Row& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int c = Compare(a[i], b[i]);
    if (c != 0) return c;
  }
  return Cmp3(a.size(), b.size());
}

const char* RowKindShortString(RowKind k) {
  switch (k) {
    case RowKind::kInsert:
      return "+I";
    case RowKind::kUpdateBefore:
      return "-U";
    case RowKind::kUpdateAfter:
      return "+U";
    case RowKind::kDelete:
      return "-D";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Dates and times

namespace {
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }
}  // namespace

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

std::string FormatTime(int64_t millis_of_day, int32_t nanos, int precision) {
  int64_t s = millis_of_day / 1000;
  std::string out = fmt::format("{:02d}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
  if (precision > 0) {
    int64_t frac = (millis_of_day % 1000) * 1000000 + nanos;  // nanoseconds
    std::string f = fmt::format("{:09d}", frac);
    out += "." + f.substr(0, std::min(precision, 9));
  }
  return out;
}

std::string FormatTimestamp(int64_t millis, int32_t nanos, int precision) {
  int64_t days = FloorDiv(millis, 86400000);
  int64_t rem = FloorMod(millis, 86400000);
  return FormatDate(days) + " " + FormatTime(rem, nanos, precision);
}

namespace {
bool ReadInt(std::string_view s, size_t* p, int min_digits, int max_digits, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (*p < s.size() && n < max_digits && s[*p] >= '0' && s[*p] <= '9') {
    v = v * 10 + (s[*p] - '0');
    ++*p;
    ++n;
  }
  *out = v;
  return n >= min_digits;
}
std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
bool ParseTimeAt(std::string_view s, size_t* p, int64_t* millis, int32_t* nanos) {
  int64_t h, mi, sec = 0;
  if (!ReadInt(s, p, 1, 2, &h)) return false;
  if (*p >= s.size() || s[*p] != ':') return false;
  ++*p;
  if (!ReadInt(s, p, 1, 2, &mi)) return false;
  int64_t frac_nanos = 0;
  if (*p < s.size() && s[*p] == ':') {
    ++*p;
    if (!ReadInt(s, p, 1, 2, &sec)) return false;
    if (*p < s.size() && s[*p] == '.') {
      ++*p;
      int n = 0;
      while (*p < s.size() && s[*p] >= '0' && s[*p] <= '9') {
        if (n < 9) frac_nanos = frac_nanos * 10 + (s[*p] - '0');
        ++n;
        ++*p;
      }
      if (n == 0) return false;
      for (int i = std::min(n, 9); i < 9; ++i) frac_nanos *= 10;
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  *millis = (h * 3600 + mi * 60 + sec) * 1000 + frac_nanos / 1000000;
  *nanos = static_cast<int32_t>(frac_nanos % 1000000);
  return true;
}
bool ParseDateAt(std::string_view s, size_t* p, int64_t* days) {
  int64_t y, m, d;
  if (!ReadInt(s, p, 1, 4, &y)) return false;
  if (*p >= s.size() || s[*p] != '-') return false;
  ++*p;
  if (!ReadInt(s, p, 1, 2, &m)) return false;
  if (*p >= s.size() || s[*p] != '-') return false;
  ++*p;
  if (!ReadInt(s, p, 1, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}
}  // namespace

bool ParseDate(std::string_view text, int64_t* days) {
  text = Trim(text);
  size_t p = 0;
  return ParseDateAt(text, &p, days) && p == text.size();
}

bool ParseTime(std::string_view text, int64_t* millis, int32_t* nanos) {
  text = Trim(text);
  size_t p = 0;
  return ParseTimeAt(text, &p, millis, nanos) && p == text.size();
}

bool ParseTimestamp(std::string_view text, int64_t* millis, int32_t* nanos) {
  text = Trim(text);
  size_t p = 0;
  int64_t days;
  if (!ParseDateAt(text, &p, &days)) return false;
  int64_t ms = 0;
  int32_t ns = 0;
  if (p < text.size()) {
    if (text[p] != ' ' && text[p] != 'T') return false;
    ++p;
    if (!ParseTimeAt(text, &p, &ms, &ns)) return false;
    if (p != text.size()) return false;
  }
  *millis = days * 86400000 + ms;
  *nanos = ns;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Formatting

std::string JavaDoubleString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, ptr);
  // sci: [-]D[.DDD]e[+-]XX
  size_t epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::stoi(sci.substr(epos + 1));
  bool neg = mant[0] == '-';
  if (neg) mant = mant.substr(1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits.push_back(c);
  std::string out;
  double ad = std::fabs(d);
  if (ad >= 1e-3 && ad < 1e7) {
    int point = exp + 1;  // digits before the point
    if (point <= 0) {
      out = "0." + std::string(-point, '0') + digits;
    } else if (point >= static_cast<int>(digits.size())) {
      out = digits + std::string(point - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, point) + "." + digits.substr(point);
    }
  } else {
    out =
        digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" + std::to_string(exp);
  }
  return neg ? "-" + out : out;
}

std::string JavaFloatString(float f) {
  if (std::isnan(f)) return "NaN";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, f);
  double d;
  std::from_chars(buf, ptr, d);
  return JavaDoubleString(d);
}

namespace {
std::string IntervalString(const Value& v, const sql::DataType& t) {
  if (v.kind() == ValueKind::kIntervalMonths) {
    int64_t m = v.int_value();
    std::string sign = m < 0 ? "-" : "+";
    if (m < 0) m = -m;
    return fmt::format("{}{}-{:02d}", sign, m / 12, m % 12);
  }
  int64_t ms = v.int_value();
  std::string sign = ms < 0 ? "-" : "+";
  if (ms < 0) ms = -ms;
  int64_t days = ms / 86400000;
  int64_t rem = ms % 86400000;
  (void)t;
  return fmt::format("{}{} {:02d}:{:02d}:{:02d}.{:03d}", sign, days, rem / 3600000, (rem / 60000) % 60,
                     (rem / 1000) % 60, rem % 1000);
}
}  // namespace

std::string FormatValue(const Value& v, const sql::DataType& t, const FormatOptions& options) {
  using sql::TypeRoot;
  if (v.is_null()) return "NULL";
  switch (v.kind()) {
    case ValueKind::kBool:
      return v.bool_value() ? "TRUE" : "FALSE";
    case ValueKind::kInt:
      return std::to_string(v.int_value());
    case ValueKind::kDouble:
      return t.root == TypeRoot::kFloat ? JavaFloatString(static_cast<float>(v.double_value()))
                                        : JavaDoubleString(v.double_value());
    case ValueKind::kDecimal:
      return v.decimal_value().ToString();
    case ValueKind::kString:
      return v.string_value();
    case ValueKind::kBytes: {
      std::string out = "x'";
      for (unsigned char c : v.string_value()) out += fmt::format("{:02x}", c);
      return out + "'";
    }
    case ValueKind::kDate:
      return FormatDate(v.millis());
    case ValueKind::kTime:
      return FormatTime(v.millis(), v.nanos(), t.root == TypeRoot::kTime ? t.precision : 0);
    case ValueKind::kTimestamp:
      return FormatTimestamp(v.millis(), v.nanos(), IsTimestamp(t) ? t.precision : 3);
    case ValueKind::kTimestampLtz:
      // Callers shift LTZ values into the session zone before formatting (see engine).
      return FormatTimestamp(v.millis(), v.nanos(), IsTimestamp(t) ? t.precision : 3);
    case ValueKind::kIntervalMonths:
    case ValueKind::kIntervalMillis:
      return IntervalString(v, t);
    case ValueKind::kArray:
    case ValueKind::kMap:
    case ValueKind::kRow: {
      const auto& items = v.items();
      std::string out;
      auto child = [&](size_t i) -> sql::DataType {
        if (v.kind() == ValueKind::kArray) return t.children.empty() ? sql::DataType{} : t.children[0];
        if (v.kind() == ValueKind::kMap) return t.children.size() < 2 ? sql::DataType{} : t.children[i % 2];
        return i < t.children.size() ? t.children[i] : sql::DataType{};
      };
      if (v.kind() == ValueKind::kMap) {
        out = "{";
        for (size_t i = 0; i + 1 < items.size(); i += 2) {
          if (i) out += ", ";
          out += FormatValue(items[i], child(i), options) + "=" +
                 FormatValue(items[i + 1], child(i + 1), options);
        }
        return out + "}";
      }
      out = v.kind() == ValueKind::kArray ? "[" : "(";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += FormatValue(items[i], child(i), options);
      }
      return out + (v.kind() == ValueKind::kArray ? "]" : ")");
    }
    case ValueKind::kNull:
      break;
  }
  return "NULL";
}

}  // namespace flinkdbt::engine
