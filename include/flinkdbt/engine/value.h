// Runtime values of the embedded engine: one Value per Flink SQL value (NULL, BOOLEAN, the
// integral types, FLOAT/DOUBLE, exact DECIMAL, strings, bytes, DATE, TIME, TIMESTAMP(p),
// TIMESTAMP_LTZ(p), both INTERVAL kinds, ARRAY, MAP, ROW). A Value carries no type of its own
// beyond its physical kind; the column's sql::DataType says how to print and compare it.
//
// DECIMAL is exact: an __int128 unscaled value plus a scale (precision <= 38), never a double.
// Timestamps are epoch milliseconds plus nanoseconds within the millisecond (Flink's
// TimestampData); TIMESTAMP_LTZ holds the instant, TIMESTAMP the wall-clock fields read as UTC.
// Values are immutable once built and cheap to copy (strings and nested values are shared).
#ifndef FLINKDBT_ENGINE_VALUE_H_
#define FLINKDBT_ENGINE_VALUE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flinkdbt/base/civil.h"
#include "flinkdbt/sql/types.h"

namespace flinkdbt::engine {

__extension__ typedef __int128 Int128;

// An exact decimal number: unscaled * 10^-scale.
struct Decimal {
  Int128 unscaled = 0;
  int scale = 0;

  // Parses "12.50", "-3", "1e3" exactly; nullopt when not a number.
  static std::optional<Decimal> Parse(std::string_view text);
  // Rescales with HALF_UP rounding (Flink's DecimalData rounding).
  Decimal Rescale(int new_scale) const;
  // Whether the value fits DECIMAL(precision, scale) after rescaling.
  static bool Fits(Int128 unscaled, int precision);
  std::string ToString() const;
  double ToDouble() const;
  static std::optional<Decimal> FromDouble(double d, int scale);
};

// Number of decimal digits of |v| (0 has 1 digit).
int DigitCount(Int128 v);
Int128 Pow10(int n);

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,     // TINYINT..BIGINT
  kDouble,  // FLOAT, DOUBLE
  kDecimal,
  kString,          // CHAR, VARCHAR
  kBytes,           // BINARY, VARBINARY
  kDate,            // days since 1970-01-01
  kTime,            // milliseconds of the day (+ nanos in `nanos`)
  kTimestamp,       // epoch millis + nanos of milli; TIMESTAMP (wall clock as UTC)
  kTimestampLtz,    // epoch millis + nanos of milli; an instant
  kIntervalMonths,  // INTERVAL YEAR TO MONTH: months
  kIntervalMillis,  // INTERVAL DAY TO SECOND: milliseconds
  kArray,
  kMap,  // items alternate key, value
  kRow,
};

// 24 bytes: kind, scale/nanos, one 64-bit payload and one pointer to a shared, reference-counted
// heap part (strings, bytes, nested values, and the high word of a DECIMAL beyond 64 bits).
class Value {
 public:
  Value() = default;
  Value(const Value& o) : kind_(o.kind_), aux_(o.aux_), i_(o.i_), heap_(o.heap_) {
    if (heap_) heap_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Value(Value&& o) noexcept : kind_(o.kind_), aux_(o.aux_), i_(o.i_), heap_(o.heap_) { o.heap_ = nullptr; }
  Value& operator=(const Value& o) {
    Value tmp(o);
    Swap(tmp);
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    Value tmp(std::move(o));
    Swap(tmp);
    return *this;
  }
  ~Value() {
    if (heap_ && heap_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete heap_;
  }

  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Double(double d);
  static Value Dec(Decimal d);
  static Value String(std::string s);
  static Value Bytes(std::string s);
  static Value Date(int64_t days);
  static Value Time(int64_t millis_of_day, int32_t nanos = 0);
  static Value Timestamp(int64_t millis, int32_t nanos = 0);
  static Value TimestampLtz(int64_t millis, int32_t nanos = 0);
  static Value IntervalMonths(int64_t months);
  static Value IntervalMillis(int64_t millis);
  static Value Array(std::vector<Value> items);
  static Value Map(std::vector<Value> alternating_items);
  static Value Row(std::vector<Value> fields);

  ValueKind kind() const { return kind_; }
  bool is_null() const { return kind_ == ValueKind::kNull; }
  bool bool_value() const { return i_ != 0; }
  int64_t int_value() const { return i_; }
  double double_value() const { return d_; }
  Decimal decimal_value() const;
  const std::string& string_value() const;  // kString, kBytes
  int64_t millis() const { return i_; }     // date days, time/timestamp millis, intervals
  int32_t nanos() const { return aux_; }    // nanos within the millisecond
  const std::vector<Value>& items() const;  // kArray, kMap, kRow

  // A total order used for sorting, grouping and MIN/MAX: NULL first, then by kind, then value
  // (numbers compare across int/double/decimal numerically).
  friend int Compare(const Value& a, const Value& b);
  friend bool operator==(const Value& a, const Value& b) { return Compare(a, b) == 0; }
  friend bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }
  size_t Hash() const;

 private:
  struct Heap {
    mutable std::atomic<int32_t> refs{1};
    int64_t hi = 0;  // a DECIMAL's high word when it does not fit 64 bits
    std::string text;
    std::vector<Value> items;
  };
  void Swap(Value& o) noexcept {
    std::swap(kind_, o.kind_);
    std::swap(aux_, o.aux_);
    std::swap(i_, o.i_);
    std::swap(heap_, o.heap_);
  }
  ValueKind kind_ = ValueKind::kNull;
  int32_t aux_ = 0;  // decimal scale or nanos
  union {
    int64_t i_ = 0;
    double d_;
  };
  const Heap* heap_ = nullptr;
};

using Row = std::vector<Value>;

struct RowHash {
  size_t operator()(const Row& r) const;
};
struct RowEq {
  bool operator()(const Row& a, const Row& b) const;
};
int CompareRows(const Row& a, const Row& b);

// Flink's change kinds.
enum class RowKind : uint8_t { kInsert, kUpdateBefore, kUpdateAfter, kDelete };
const char* RowKindShortString(RowKind k);  // "+I", "-U", "+U", "-D"
inline bool IsAccumulate(RowKind k) { return k == RowKind::kInsert || k == RowKind::kUpdateAfter; }

struct Change {
  RowKind kind = RowKind::kInsert;
  Row row;
};

// Formatting options for values as Flink's SQL client prints them.
struct FormatOptions {
  std::string time_zone = "UTC";  // for TIMESTAMP_LTZ
  bool quote_strings_in_nested = false;
};

// Prints `v` of type `t` as Flink's SQL client (tableau mode) does: NULL, TRUE/FALSE, DECIMAL with
// its scale, TIMESTAMP(3) "2020-04-15 08:05:00.000", DOUBLE as Java prints it, ARRAY "[1, 2]",
// MAP "{a=1}", ROW "(1, a)".
std::string FormatValue(const Value& v, const sql::DataType& t, const FormatOptions& options = {});

// Java's Double.toString / Float.toString.
std::string JavaDoubleString(double d);
std::string JavaFloatString(float f);

// Date/time helpers (proleptic Gregorian, UTC arithmetic).
using ::flinkdbt::CivilFromDays;
using ::flinkdbt::DaysFromCivil;
std::string FormatDate(int64_t days);
std::string FormatTime(int64_t millis_of_day, int32_t nanos, int precision);
// "yyyy-MM-dd HH:mm:ss[.fff]" with `precision` fractional digits.
std::string FormatTimestamp(int64_t millis, int32_t nanos, int precision);
// Parses "yyyy-MM-dd[ HH:mm[:ss[.fffffffff]]]" (also with 'T'); returns millis + nanos.
bool ParseTimestamp(std::string_view text, int64_t* millis, int32_t* nanos);
bool ParseDate(std::string_view text, int64_t* days);
bool ParseTime(std::string_view text, int64_t* millis, int32_t* nanos);

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_VALUE_H_
