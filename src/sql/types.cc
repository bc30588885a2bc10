#include "flinkdbt/sql/types.h"

#include <algorithm>

#include "fmt/format.h"

namespace flinkdbt::sql {

DataType DataType::Of(TypeRoot root, bool nullable) {
  DataType t;
  t.root = root;
  t.nullable = nullable;
  return t;
}
DataType DataType::Decimal(int precision, int scale, bool nullable) {
  DataType t = Of(TypeRoot::kDecimal, nullable);
  t.precision = precision;
  t.scale = scale;
  return t;
}
DataType DataType::Char(int length, bool nullable) {
  DataType t = Of(TypeRoot::kChar, nullable);
  t.precision = length;
  return t;
}
DataType DataType::VarChar(int length, bool nullable) {
  DataType t = Of(TypeRoot::kVarChar, nullable);
  t.precision = length;
  return t;
}
DataType DataType::Bytes(bool nullable) {
  DataType t = Of(TypeRoot::kVarBinary, nullable);
  t.precision = kMaxVarCharLength;
  return t;
}
DataType DataType::Time(int precision, bool nullable) {
  DataType t = Of(TypeRoot::kTime, nullable);
  t.precision = precision;
  return t;
}
DataType DataType::Timestamp(int precision, bool nullable) {
  DataType t = Of(TypeRoot::kTimestamp, nullable);
  t.precision = precision;
  return t;
}
DataType DataType::TimestampLtz(int precision, bool nullable) {
  DataType t = Of(TypeRoot::kTimestampLtz, nullable);
  t.precision = precision;
  return t;
}
DataType DataType::Array(DataType element, bool nullable) {
  DataType t = Of(TypeRoot::kArray, nullable);
  t.children.push_back(std::move(element));
  return t;
}
DataType DataType::Map(DataType key, DataType value, bool nullable) {
  DataType t = Of(TypeRoot::kMap, nullable);
  t.children.push_back(std::move(key));
  t.children.push_back(std::move(value));
  return t;
}
DataType DataType::Row(std::vector<std::string> names, std::vector<DataType> fields, bool nullable) {
  DataType t = Of(TypeRoot::kRow, nullable);
  t.field_names = std::move(names);
  t.children = std::move(fields);
  return t;
}
DataType DataType::Interval(IntervalResolution resolution, int precision, int fractional) {
  bool year_month = resolution == IntervalResolution::kYear ||
                    resolution == IntervalResolution::kYearToMonth ||
                    resolution == IntervalResolution::kMonth;
  DataType t = Of(year_month ? TypeRoot::kIntervalYearMonth : TypeRoot::kIntervalDayTime);
  t.interval = resolution;
  t.precision = precision;
  t.scale = year_month ? 0 : fractional;
  return t;
}

bool IsIntegral(const DataType& t) {
  return t.root == TypeRoot::kTinyInt || t.root == TypeRoot::kSmallInt || t.root == TypeRoot::kInt ||
         t.root == TypeRoot::kBigInt;
}
bool IsExactNumeric(const DataType& t) { return IsIntegral(t) || t.root == TypeRoot::kDecimal; }
bool IsApproxNumeric(const DataType& t) { return t.root == TypeRoot::kFloat || t.root == TypeRoot::kDouble; }
bool IsNumeric(const DataType& t) { return IsExactNumeric(t) || IsApproxNumeric(t); }
bool IsCharacterString(const DataType& t) {
  return t.root == TypeRoot::kChar || t.root == TypeRoot::kVarChar;
}
bool IsBinaryString(const DataType& t) {
  return t.root == TypeRoot::kBinary || t.root == TypeRoot::kVarBinary;
}
bool IsTimestamp(const DataType& t) {
  return t.root == TypeRoot::kTimestamp || t.root == TypeRoot::kTimestampLtz;
}
bool IsDatetime(const DataType& t) {
  return IsTimestamp(t) || t.root == TypeRoot::kDate || t.root == TypeRoot::kTime;
}
bool IsInterval(const DataType& t) {
  return t.root == TypeRoot::kIntervalDayTime || t.root == TypeRoot::kIntervalYearMonth;
}
bool IsConstructed(const DataType& t) {
  return t.root == TypeRoot::kArray || t.root == TypeRoot::kMap || t.root == TypeRoot::kMultiset ||
         t.root == TypeRoot::kRow;
}

namespace {

std::string QuoteField(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

std::string IntervalString(const DataType& t) {
  int p = t.precision, f = t.scale;
  switch (t.interval) {
    case IntervalResolution::kYear:
      return fmt::format("INTERVAL YEAR({})", p);
    case IntervalResolution::kYearToMonth:
      return fmt::format("INTERVAL YEAR({}) TO MONTH", p);
    case IntervalResolution::kMonth:
      return "INTERVAL MONTH";
    case IntervalResolution::kDay:
      return fmt::format("INTERVAL DAY({})", p);
    case IntervalResolution::kDayToHour:
      return fmt::format("INTERVAL DAY({}) TO HOUR", p);
    case IntervalResolution::kDayToMinute:
      return fmt::format("INTERVAL DAY({}) TO MINUTE", p);
    case IntervalResolution::kDayToSecond:
      return fmt::format("INTERVAL DAY({}) TO SECOND({})", p, f);
    case IntervalResolution::kHour:
      return "INTERVAL HOUR";
    case IntervalResolution::kHourToMinute:
      return "INTERVAL HOUR TO MINUTE";
    case IntervalResolution::kHourToSecond:
      return fmt::format("INTERVAL HOUR TO SECOND({})", f);
    case IntervalResolution::kMinute:
      return "INTERVAL MINUTE";
    case IntervalResolution::kMinuteToSecond:
      return fmt::format("INTERVAL MINUTE TO SECOND({})", f);
    case IntervalResolution::kSecond:
      return fmt::format("INTERVAL SECOND({})", f);
  }
  return "INTERVAL";
}

std::string Render(const DataType& t, bool with_attribute) {
  std::string s;
  switch (t.root) {
    case TypeRoot::kNull:
      return "NULL";
    case TypeRoot::kBoolean:
      s = "BOOLEAN";
      break;
    case TypeRoot::kTinyInt:
      s = "TINYINT";
      break;
    case TypeRoot::kSmallInt:
      s = "SMALLINT";
      break;
    case TypeRoot::kInt:
      s = "INT";
      break;
    case TypeRoot::kBigInt:
      s = "BIGINT";
      break;
    case TypeRoot::kFloat:
      s = "FLOAT";
      break;
    case TypeRoot::kDouble:
      s = "DOUBLE";
      break;
    case TypeRoot::kDecimal:
      s = fmt::format("DECIMAL({}, {})", t.precision, t.scale);
      break;
    case TypeRoot::kChar:
      s = fmt::format("CHAR({})", t.precision);
      break;
    case TypeRoot::kVarChar:
      s = t.precision == kMaxVarCharLength ? "STRING" : fmt::format("VARCHAR({})", t.precision);
      break;
    case TypeRoot::kBinary:
      s = fmt::format("BINARY({})", t.precision);
      break;
    case TypeRoot::kVarBinary:
      s = t.precision == kMaxVarCharLength ? "BYTES" : fmt::format("VARBINARY({})", t.precision);
      break;
    case TypeRoot::kDate:
      s = "DATE";
      break;
    case TypeRoot::kTime:
      s = fmt::format("TIME({})", t.precision);
      break;
    case TypeRoot::kTimestamp:
      s = fmt::format("TIMESTAMP({})", t.precision);
      break;
    case TypeRoot::kTimestampLtz:
      s = fmt::format("TIMESTAMP_LTZ({})", t.precision);
      break;
    case TypeRoot::kIntervalYearMonth:
    case TypeRoot::kIntervalDayTime:
      s = IntervalString(t);
      break;
    case TypeRoot::kArray:
      s = "ARRAY<" + Render(t.children[0], with_attribute) + ">";
      break;
    case TypeRoot::kMultiset:
      s = "MULTISET<" + Render(t.children[0], with_attribute) + ">";
      break;
    case TypeRoot::kMap:
      s = "MAP<" + Render(t.children[0], with_attribute) + ", " + Render(t.children[1], with_attribute) + ">";
      break;
    case TypeRoot::kRow: {
      s = "ROW<";
      for (size_t i = 0; i < t.children.size(); ++i) {
        if (i) s += ", ";
        s += QuoteField(i < t.field_names.size() ? t.field_names[i] : fmt::format("f{}", i));
        s += " " + Render(t.children[i], with_attribute);
        if (i < t.field_comments.size() && !t.field_comments[i].empty()) {
          std::string c = "'";
          for (char ch : t.field_comments[i]) {
            c += ch;
            if (ch == '\'') c += '\'';
          }
          s += " " + c + "'";
        }
      }
      s += ">";
      break;
    }
    case TypeRoot::kDescriptor:
      s = "DESCRIPTOR";
      break;
    case TypeRoot::kRaw:
      s = t.raw_name.empty() ? "RAW" : t.raw_name;
      break;
  }
  if (!t.nullable) s += " NOT NULL";
  if (with_attribute) {
    if (t.time_attribute == TimeAttribute::kRowtime) s += " *ROWTIME*";
    if (t.time_attribute == TimeAttribute::kProctime) s += " *PROCTIME*";
  }
  return s;
}

int IntegralPrecision(TypeRoot r) {
  switch (r) {
    case TypeRoot::kTinyInt:
      return 3;
    case TypeRoot::kSmallInt:
      return 5;
    case TypeRoot::kInt:
      return 10;
    case TypeRoot::kBigInt:
      return 19;
    default:
      return 0;
  }
}

int IntegralRank(TypeRoot r) {
  switch (r) {
    case TypeRoot::kTinyInt:
      return 1;
    case TypeRoot::kSmallInt:
      return 2;
    case TypeRoot::kInt:
      return 3;
    case TypeRoot::kBigInt:
      return 4;
    default:
      return 0;
  }
}

DataType AdjustPrecisionScale(int precision, int scale, bool nullable) {
  if (precision <= kMaxDecimalPrecision) return DataType::Decimal(std::max(precision, 1), scale, nullable);
  int digits = precision - scale;
  int min_scale = std::min(scale, 6);
  scale = std::max(kMaxDecimalPrecision - digits, min_scale);
  return DataType::Decimal(kMaxDecimalPrecision, scale, nullable);
}

}  // namespace

std::string TypeToString(const DataType& t) { return Render(t, true); }
std::string TypeToSqlString(const DataType& t) { return Render(t, false); }

DataType ToDecimal(const DataType& t) {
  if (t.root == TypeRoot::kDecimal) return t;
  return DataType::Decimal(IntegralPrecision(t.root), 0, t.nullable);
}

DataType DecimalPlusMinus(const DataType& a0, const DataType& b0) {
  DataType a = ToDecimal(a0), b = ToDecimal(b0);
  int scale = std::max(a.scale, b.scale);
  int precision = std::max(a.precision - a.scale, b.precision - b.scale) + scale + 1;
  return AdjustPrecisionScale(precision, scale, a.nullable || b.nullable);
}

DataType DecimalTimes(const DataType& a0, const DataType& b0) {
  DataType a = ToDecimal(a0), b = ToDecimal(b0);
  return AdjustPrecisionScale(a.precision + b.precision + 1, a.scale + b.scale, a.nullable || b.nullable);
}

DataType DecimalDivide(const DataType& a0, const DataType& b0) {
  DataType a = ToDecimal(a0), b = ToDecimal(b0);
  int scale = std::max(6, a.scale + b.precision + 1);
  int precision = a.precision - a.scale + b.scale + scale;
  return AdjustPrecisionScale(precision, scale, a.nullable || b.nullable);
}

DataType DecimalMod(const DataType& a0, const DataType& b0) {
  DataType a = ToDecimal(a0), b = ToDecimal(b0);
  int scale = std::max(a.scale, b.scale);
  int precision = std::min(a.precision - a.scale, b.precision - b.scale) + scale;
  return AdjustPrecisionScale(precision, scale, a.nullable || b.nullable);
}

DataType DecimalSum(const DataType& arg) {
  DataType a = ToDecimal(arg);
  return DataType::Decimal(kMaxDecimalPrecision, a.scale, true);
}

DataType DecimalAvg(const DataType& arg) {
  DataType a = ToDecimal(arg);
  DataType r = DecimalDivide(DataType::Decimal(kMaxDecimalPrecision, a.scale), DataType::Decimal(20, 0));
  r.nullable = true;
  return r;
}

bool SupportsImplicitCast(const DataType& s, const DataType& t) {
  if (s.root == TypeRoot::kNull || s.root == TypeRoot::kRaw || t.root == TypeRoot::kRaw) return true;
  if (s.root == t.root) {
    switch (s.root) {
      case TypeRoot::kDecimal:
        return t.precision - t.scale >= s.precision - s.scale && t.scale >= s.scale;
      case TypeRoot::kChar:
      case TypeRoot::kVarChar:
      case TypeRoot::kBinary:
      case TypeRoot::kVarBinary:
        return t.precision >= s.precision;
      case TypeRoot::kArray:
      case TypeRoot::kMultiset:
      case TypeRoot::kMap:
      case TypeRoot::kRow:
        if (s.children.size() != t.children.size()) return false;
        for (size_t i = 0; i < s.children.size(); ++i) {
          if (!SupportsImplicitCast(s.children[i], t.children[i])) return false;
        }
        return true;
      default:
        return true;
    }
  }
  if (IsIntegral(s)) {
    if (IsIntegral(t)) return IntegralRank(s.root) <= IntegralRank(t.root);
    if (t.root == TypeRoot::kDecimal) return t.precision - t.scale >= IntegralPrecision(s.root);
    return IsApproxNumeric(t);
  }
  if (s.root == TypeRoot::kDecimal) return IsApproxNumeric(t);
  if (s.root == TypeRoot::kFloat) return t.root == TypeRoot::kDouble;
  if (s.root == TypeRoot::kChar) return t.root == TypeRoot::kVarChar && t.precision >= s.precision;
  if (s.root == TypeRoot::kBinary) return t.root == TypeRoot::kVarBinary && t.precision >= s.precision;
  if (s.root == TypeRoot::kDate) return t.root == TypeRoot::kTimestamp || t.root == TypeRoot::kTimestampLtz;
  if (s.root == TypeRoot::kTimestamp) return t.root == TypeRoot::kTimestampLtz;
  if (s.root == TypeRoot::kTimestampLtz) return t.root == TypeRoot::kTimestamp;
  return false;
}

bool SupportsExplicitCast(const DataType& s, const DataType& t) {
  if (SupportsImplicitCast(s, t)) return true;
  if (IsCharacterString(t)) return true;  // everything casts to a string
  if (IsNumeric(s) && IsNumeric(t)) return true;
  if (IsCharacterString(s)) {
    return !IsConstructed(t) || t.root == TypeRoot::kArray || t.root == TypeRoot::kRow ||
           t.root == TypeRoot::kMap;
  }
  if (s.root == TypeRoot::kBoolean) return IsNumeric(t);
  if (IsNumeric(s) && t.root == TypeRoot::kBoolean) return IsExactNumeric(s);
  // Numeric <-> TIMESTAMP/TIMESTAMP_LTZ/TIME casts depend on Flink's version and legacy-cast
  // settings; accept them rather than risk rejecting valid SQL. Numeric <-> DATE is never allowed.
  if (IsNumeric(s) && IsDatetime(t) && t.root != TypeRoot::kDate) return true;
  if (IsDatetime(s) && s.root != TypeRoot::kDate && IsNumeric(t)) return true;
  if (IsBinaryString(s) || IsBinaryString(t)) return IsBinaryString(s) && IsBinaryString(t);
  if (IsDatetime(s) && IsDatetime(t)) {
    if (s.root == TypeRoot::kTime) return t.root == TypeRoot::kTime || IsTimestamp(t);
    if (t.root == TypeRoot::kTime) return IsTimestamp(s) || s.root == TypeRoot::kTime;
    return true;
  }
  if (IsExactNumeric(s) && IsInterval(t)) return true;
  if (IsInterval(s) && IsExactNumeric(t)) return true;
  if (s.root == t.root && IsConstructed(s)) {
    if (s.children.size() != t.children.size()) return false;
    for (size_t i = 0; i < s.children.size(); ++i) {
      if (!SupportsExplicitCast(s.children[i], t.children[i])) return false;
    }
    return true;
  }
  return false;
}

std::optional<DataType> FindCommonType(const std::vector<DataType>& types) {
  std::optional<DataType> acc;
  bool nullable = false;
  for (const DataType& t0 : types) {
    nullable = nullable || t0.nullable;
    if (t0.root == TypeRoot::kNull) continue;
    DataType t = t0.WithoutTimeAttribute();
    if (!acc) {
      acc = t;
      continue;
    }
    DataType& a = *acc;
    if (a.root == TypeRoot::kRaw) continue;
    if (t.root == TypeRoot::kRaw) {
      a = t;
      continue;
    }
    if (IsNumeric(a) && IsNumeric(t)) {
      if (IsApproxNumeric(a) || IsApproxNumeric(t)) {
        a = DataType::Of(a.root == TypeRoot::kFloat && t.root == TypeRoot::kFloat ? TypeRoot::kFloat
                         : (a.root == TypeRoot::kFloat && IsExactNumeric(t)) ||
                                 (t.root == TypeRoot::kFloat && IsExactNumeric(a))
                             ? TypeRoot::kFloat
                             : TypeRoot::kDouble);
      } else if (a.root == TypeRoot::kDecimal || t.root == TypeRoot::kDecimal) {
        DataType x = ToDecimal(a), y = ToDecimal(t);
        int scale = std::max(x.scale, y.scale);
        int digits = std::max(x.precision - x.scale, y.precision - y.scale);
        a = DataType::Decimal(std::min(kMaxDecimalPrecision, digits + scale), scale);
      } else if (IntegralRank(t.root) > IntegralRank(a.root)) {
        a = DataType::Of(t.root);
      }
      continue;
    }
    if (IsCharacterString(a) && IsCharacterString(t)) {
      if (a.root == TypeRoot::kChar && t.root == TypeRoot::kChar && a.precision == t.precision) continue;
      a = DataType::VarChar(std::max(a.precision, t.precision));
      continue;
    }
    if (IsBinaryString(a) && IsBinaryString(t)) {
      if (a.root == TypeRoot::kBinary && t.root == TypeRoot::kBinary && a.precision == t.precision) continue;
      DataType b = DataType::Bytes();
      b.precision = std::max(a.precision, t.precision);
      a = b;
      continue;
    }
    if ((IsTimestamp(a) || a.root == TypeRoot::kDate) && (IsTimestamp(t) || t.root == TypeRoot::kDate)) {
      if (a.root == TypeRoot::kDate && t.root == TypeRoot::kDate) continue;
      TypeRoot r = (a.root == TypeRoot::kTimestampLtz || t.root == TypeRoot::kTimestampLtz)
                       ? TypeRoot::kTimestampLtz
                       : TypeRoot::kTimestamp;
      int p = std::max(IsTimestamp(a) ? a.precision : 0, IsTimestamp(t) ? t.precision : 0);
      a = r == TypeRoot::kTimestamp ? DataType::Timestamp(p) : DataType::TimestampLtz(p);
      continue;
    }
    if (a.root == TypeRoot::kTime && t.root == TypeRoot::kTime) {
      a.precision = std::max(a.precision, t.precision);
      continue;
    }
    if (a.root == t.root && (a.root == TypeRoot::kArray || a.root == TypeRoot::kMultiset ||
                             a.root == TypeRoot::kMap || a.root == TypeRoot::kRow)) {
      if (a.children.size() != t.children.size()) return std::nullopt;
      for (size_t i = 0; i < a.children.size(); ++i) {
        auto c = FindCommonType({a.children[i], t.children[i]});
        if (!c) return std::nullopt;
        a.children[i] = *c;
      }
      continue;
    }
    if (a.root == t.root) {
      if (IsInterval(a)) continue;
      if (a.root == TypeRoot::kBoolean || a.root == TypeRoot::kDate || a.root == TypeRoot::kDescriptor)
        continue;
    }
    if (IsInterval(a) && IsInterval(t) && a.root == t.root) continue;
    return std::nullopt;
  }
  if (!acc) return DataType::Null();
  acc->nullable = nullable;
  return acc;
}

namespace {
DataType Normalized(DataType t) {
  t.nullable = true;
  t.time_attribute = TimeAttribute::kNone;
  t.field_comments.clear();
  for (DataType& c : t.children) c = Normalized(std::move(c));
  return t;
}
}  // namespace

absl::StatusOr<bool> DeclaredTypeMatches(std::string_view declared, const DataType& actual) {
  absl::StatusOr<DataType> d = ParseDataType(declared);
  if (!d.ok()) return d.status();
  return Normalized(*d) == Normalized(actual);
}

}  // namespace flinkdbt::sql
