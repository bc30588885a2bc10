// Flink's logical type system as the SQL front end sees it: type roots, parameters (length,
// precision, scale), nullability, nested types (ARRAY, MAP, MULTISET, ROW) and time attributes
// (*ROWTIME* / *PROCTIME*), with Flink's printed form, its DECIMAL precision/scale derivation and
// its implicit and explicit cast rules (LogicalTypeCasts, LogicalTypeMerging).
//
// DataType is a plain value (copyable, comparable); all functions here are pure and thread-safe.
#ifndef FLINKDBT_SQL_TYPES_H_
#define FLINKDBT_SQL_TYPES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace flinkdbt::sql {

enum class TypeRoot {
  kNull,  // the type of an untyped NULL literal
  kBoolean,
  kTinyInt,
  kSmallInt,
  kInt,
  kBigInt,
  kFloat,
  kDouble,
  kDecimal,
  kChar,
  kVarChar,
  kBinary,
  kVarBinary,
  kDate,
  kTime,
  kTimestamp,     // TIMESTAMP(p) WITHOUT TIME ZONE
  kTimestampLtz,  // TIMESTAMP_LTZ(p) = TIMESTAMP(p) WITH LOCAL TIME ZONE
  kIntervalYearMonth,
  kIntervalDayTime,
  kArray,
  kMap,
  kMultiset,
  kRow,
  kDescriptor,  // the DESCRIPTOR(...) argument of a window TVF (not a value type)
  kRaw,         // RAW / unknown types a catalog reports; checked as "anything goes"
};

enum class TimeAttribute { kNone, kRowtime, kProctime };

// Interval qualifiers as Flink prints them ("INTERVAL DAY(2) TO SECOND(3)").
enum class IntervalResolution {
  kYear,
  kYearToMonth,
  kMonth,
  kDay,
  kDayToHour,
  kDayToMinute,
  kDayToSecond,
  kHour,
  kHourToMinute,
  kHourToSecond,
  kMinute,
  kMinuteToSecond,
  kSecond,
};

inline constexpr int kMaxVarCharLength = 2147483647;
inline constexpr int kMaxDecimalPrecision = 38;

struct DataType {
  TypeRoot root = TypeRoot::kNull;
  bool nullable = true;
  // CHAR/VARCHAR/BINARY/VARBINARY length; DECIMAL precision; TIME/TIMESTAMP/LTZ fractional
  // precision; INTERVAL year or day precision.
  int precision = 0;
  // DECIMAL scale; INTERVAL fractional-second precision.
  int scale = 0;
  IntervalResolution interval = IntervalResolution::kSecond;
  TimeAttribute time_attribute = TimeAttribute::kNone;
  // ARRAY/MULTISET: [element]; MAP: [key, value]; ROW: the fields.
  std::vector<DataType> children;
  std::vector<std::string> field_names;     // ROW only, parallel to children
  std::vector<std::string> field_comments;  // ROW only, may be empty
  std::string raw_name;                     // kRaw: the name as given

  friend bool operator==(const DataType&, const DataType&) = default;

  // Constructors for the common types (nullable unless said otherwise).
  static DataType Null() { return DataType{}; }
  static DataType Of(TypeRoot root, bool nullable = true);
  static DataType Boolean(bool nullable = true) { return Of(TypeRoot::kBoolean, nullable); }
  static DataType Int(bool nullable = true) { return Of(TypeRoot::kInt, nullable); }
  static DataType BigInt(bool nullable = true) { return Of(TypeRoot::kBigInt, nullable); }
  static DataType Double(bool nullable = true) { return Of(TypeRoot::kDouble, nullable); }
  static DataType Decimal(int precision, int scale, bool nullable = true);
  static DataType Char(int length, bool nullable = true);
  static DataType VarChar(int length, bool nullable = true);
  static DataType String(bool nullable = true) { return VarChar(kMaxVarCharLength, nullable); }
  static DataType Bytes(bool nullable = true);
  static DataType Date(bool nullable = true) { return Of(TypeRoot::kDate, nullable); }
  static DataType Time(int precision = 0, bool nullable = true);
  static DataType Timestamp(int precision = 6, bool nullable = true);
  static DataType TimestampLtz(int precision = 6, bool nullable = true);
  static DataType Array(DataType element, bool nullable = true);
  static DataType Map(DataType key, DataType value, bool nullable = true);
  static DataType Row(std::vector<std::string> names, std::vector<DataType> fields, bool nullable = true);
  static DataType Interval(IntervalResolution resolution, int precision = 2, int fractional = 6);

  DataType WithNullable(bool n) const {
    DataType t = *this;
    t.nullable = n;
    return t;
  }
  DataType WithoutTimeAttribute() const {
    DataType t = *this;
    t.time_attribute = TimeAttribute::kNone;
    return t;
  }
};

// Families used by cast rules and function signatures.
bool IsIntegral(const DataType& t);       // TINYINT..BIGINT
bool IsExactNumeric(const DataType& t);   // integral or DECIMAL
bool IsApproxNumeric(const DataType& t);  // FLOAT, DOUBLE
bool IsNumeric(const DataType& t);
bool IsCharacterString(const DataType& t);  // CHAR, VARCHAR
bool IsBinaryString(const DataType& t);
bool IsTimestamp(const DataType& t);  // TIMESTAMP or TIMESTAMP_LTZ
bool IsDatetime(const DataType& t);   // DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ
bool IsInterval(const DataType& t);
bool IsConstructed(const DataType& t);  // ARRAY, MAP, MULTISET, ROW

// Flink's printed form (LogicalType#asSummaryString): "INT NOT NULL", "DECIMAL(10, 2)",
// "STRING", "TIMESTAMP(3) *ROWTIME*", "ROW<`a` INT, `b` STRING>", "ARRAY<INT>", "MAP<STRING, INT>".
std::string TypeToString(const DataType& t);
// The same without the time attribute marker, as DDL and CAST need it.
std::string TypeToSqlString(const DataType& t);

// Parses a type as written in DDL or CAST: "DECIMAL(10, 2)", "TIMESTAMP(3) NOT NULL",
// "ROW<a INT, b STRING>", "TIMESTAMP_LTZ(3)", "TIMESTAMP(3) *ROWTIME*", "VARCHAR", "INTEGER".
absl::StatusOr<DataType> ParseDataType(std::string_view text);

// Rules from Flink's LogicalTypeCasts: whether `source` may be cast to `target` implicitly
// (e.g. for function arguments, set operations, INSERT) or explicitly (CAST).
bool SupportsImplicitCast(const DataType& source, const DataType& target);
bool SupportsExplicitCast(const DataType& source, const DataType& target);

// The common type of `types` as LogicalTypeMerging#findCommonType derives it (used by CASE,
// COALESCE, UNION, IN, VALUES rows); nullopt when there is none. Nullability: nullable if any is.
std::optional<DataType> FindCommonType(const std::vector<DataType>& types);

// Flink's DECIMAL derivation (LogicalTypeMerging): result types of + - * / % on two DECIMALs
// and of SUM and AVG over a DECIMAL. Integral operands are first mapped to DECIMAL(p, 0) of their
// width (TINYINT 3, SMALLINT 5, INT 10, BIGINT 19).
DataType DecimalPlusMinus(const DataType& a, const DataType& b);
DataType DecimalTimes(const DataType& a, const DataType& b);
DataType DecimalDivide(const DataType& a, const DataType& b);
DataType DecimalMod(const DataType& a, const DataType& b);
DataType DecimalSum(const DataType& arg);
DataType DecimalAvg(const DataType& arg);
// The DECIMAL(p, 0) an integral type widens to; DECIMAL stays as is.
DataType ToDecimal(const DataType& t);

// For schema.yml `data_type` declarations: whether `declared` (e.g. "decimal(10,2)", "string",
// "timestamp_ltz(3)") names the same type as the derived `actual`, ignoring nullability and time
// attributes (a declared "TIMESTAMP(3)" matches a derived "TIMESTAMP(3) *ROWTIME*"). A declaration
// that does not parse as a Flink type returns its parse error.
absl::StatusOr<bool> DeclaredTypeMatches(std::string_view declared, const DataType& actual);

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_TYPES_H_
