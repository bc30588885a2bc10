// Flink's built-in functions: arity and result types (see functions.h). Sources: the Flink "System
// (Built-in) Functions" page (docs/data/sql_functions.yml) and Confluent's Flink SQL function
// reference; the DECIMAL rules follow LogicalTypeMerging (types.cc).
#include "flinkdbt/sql/functions.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::sql {
namespace {

bool Unknown(const DataType& t) { return t.root == TypeRoot::kRaw; }
bool AnyNullable(const std::vector<DataType>& args) {
  for (const auto& a : args) {
    if (a.nullable) return true;
  }
  return false;
}
TypeResult Ok(DataType t) { return TypeResult{std::move(t), {}}; }
TypeResult Err(std::string message) { return TypeResult{DataType::Of(TypeRoot::kRaw), std::move(message)}; }
DataType Raw() { return DataType::Of(TypeRoot::kRaw); }

std::string Upper(const Expr& call) {
  std::string n =
      call.detail->function_name.parts.empty() ? "" : call.detail->function_name.parts.back().name;
  for (char& c : n) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return n;
}

// Argument family checks: an unknown or NULL-typed argument always passes.
bool NumericOrUnknown(const DataType& t) { return Unknown(t) || t.root == TypeRoot::kNull || IsNumeric(t); }
bool StringOrUnknown(const DataType& t) {
  return Unknown(t) || t.root == TypeRoot::kNull || IsCharacterString(t);
}

TypeResult RequireNumeric(const std::vector<DataType>& args, const Expr& call, size_t index) {
  if (index < args.size() && !NumericOrUnknown(args[index])) {
    return Err(
        fmt::format("{} expects a numeric argument, got {}", Upper(call), TypeToSqlString(args[index])));
  }
  return Ok(Raw());
}

// ---- rules
TypeResult Boolean(const std::vector<DataType>& a, const Expr&) {
  return Ok(DataType::Boolean(AnyNullable(a)));
}
TypeResult BooleanNotNull(const std::vector<DataType>&, const Expr&) { return Ok(DataType::Boolean(false)); }
TypeResult Int(const std::vector<DataType>& a, const Expr&) { return Ok(DataType::Int(AnyNullable(a))); }
TypeResult BigInt(const std::vector<DataType>& a, const Expr&) {
  return Ok(DataType::BigInt(AnyNullable(a)));
}
TypeResult BigIntNotNull(const std::vector<DataType>&, const Expr&) { return Ok(DataType::BigInt(false)); }
TypeResult Double(const std::vector<DataType>& a, const Expr& c) {
  for (size_t i = 0; i < a.size(); ++i) {
    TypeResult r = RequireNumeric(a, c, i);
    if (!r.error.empty()) return r;
  }
  return Ok(DataType::Double(AnyNullable(a)));
}
TypeResult DoubleNotNull(const std::vector<DataType>&, const Expr&) { return Ok(DataType::Double(false)); }
TypeResult String(const std::vector<DataType>& a, const Expr&) {
  return Ok(DataType::String(AnyNullable(a)));
}
TypeResult StringNullable(const std::vector<DataType>&, const Expr&) { return Ok(DataType::String(true)); }
TypeResult StringNotNull(const std::vector<DataType>&, const Expr&) { return Ok(DataType::String(false)); }
TypeResult Bytes(const std::vector<DataType>& a, const Expr&) { return Ok(DataType::Bytes(AnyNullable(a))); }
TypeResult DateNotNull(const std::vector<DataType>&, const Expr&) { return Ok(DataType::Date(false)); }
TypeResult Timestamp3NotNull(const std::vector<DataType>&, const Expr&) {
  return Ok(DataType::Timestamp(3, false));
}
TypeResult Ltz3NotNull(const std::vector<DataType>&, const Expr&) {
  return Ok(DataType::TimestampLtz(3, false));
}
TypeResult Time0NotNull(const std::vector<DataType>&, const Expr&) { return Ok(DataType::Time(0, false)); }
TypeResult Proctime(const std::vector<DataType>&, const Expr&) {
  DataType t = DataType::TimestampLtz(3, false);
  t.time_attribute = TimeAttribute::kProctime;
  return Ok(t);
}
TypeResult Unknown(const std::vector<DataType>&, const Expr&) { return Ok(Raw()); }

// The first argument's type (time attribute dropped), made nullable when any argument is.
TypeResult SameAsFirst(const std::vector<DataType>& a, const Expr&) {
  if (a.empty()) return Ok(Raw());
  DataType t = a[0].WithoutTimeAttribute();
  t.nullable = AnyNullable(a);
  return Ok(t);
}
TypeResult SameAsFirstNumeric(const std::vector<DataType>& a, const Expr& c) {
  TypeResult r = RequireNumeric(a, c, 0);
  if (!r.error.empty()) return r;
  return SameAsFirst(a, c);
}
TypeResult FirstNullable(const std::vector<DataType>& a, const Expr&) {
  if (a.empty()) return Ok(Raw());
  return Ok(a[0].WithoutTimeAttribute().WithNullable(true));
}
TypeResult SameStringAsFirst(const std::vector<DataType>& a, const Expr& c) {
  if (!a.empty() && !StringOrUnknown(a[0])) {
    return Err(fmt::format("{} expects a string argument, got {}", Upper(c), TypeToSqlString(a[0])));
  }
  if (a.empty() || Unknown(a[0]) || a[0].root == TypeRoot::kNull) return Ok(DataType::String(AnyNullable(a)));
  DataType t = a[0].WithoutTimeAttribute();
  t.nullable = AnyNullable(a);
  return Ok(t);
}
TypeResult CommonType(const std::vector<DataType>& a, const Expr& c) {
  for (const auto& t : a) {
    if (Unknown(t)) return Ok(Raw());
  }
  auto common = FindCommonType(a);
  if (!common) return Err(fmt::format("{} arguments have no common type", Upper(c)));
  return Ok(*common);
}

// ---- arithmetic / math
TypeResult Round(const std::vector<DataType>& a, const Expr& c) {
  TypeResult r = RequireNumeric(a, c, 0);
  if (!r.error.empty()) return r;
  if (a.empty() || a[0].root != TypeRoot::kDecimal) return SameAsFirst(a, c);
  int digits = 0;
  if (a.size() > 1 && c.args.size() > 1 && c.args[1]->kind == ExprKind::kLiteral &&
      c.args[1]->literal.kind == LiteralKind::kInteger) {
    digits = std::atoi(c.args[1]->literal.text.c_str());
  }
  // LogicalTypeMerging#findRoundDecimalType.
  const DataType& d = a[0];
  if (digits >= d.scale) return Ok(d.WithoutTimeAttribute().WithNullable(AnyNullable(a)));
  if (digits < 0)
    return Ok(
        DataType::Decimal(std::min(kMaxDecimalPrecision, 1 + d.precision - d.scale), 0, AnyNullable(a)));
  return Ok(DataType::Decimal(std::min(kMaxDecimalPrecision, 1 + d.precision - d.scale + digits), digits,
                              AnyNullable(a)));
}
TypeResult FloorCeil(const std::vector<DataType>& a, const Expr& c) {
  if (a.empty()) return Ok(Raw());
  if (c.detail->syntax == FunctionSyntax::kFloorCeilTo) return SameAsFirst(a, c);
  if (a[0].root == TypeRoot::kDecimal) {
    return Ok(DataType::Decimal(
        std::min(kMaxDecimalPrecision, a[0].precision - a[0].scale + (a[0].scale > 0)), 0, a[0].nullable));
  }
  if (!NumericOrUnknown(a[0]) && !IsDatetime(a[0])) {
    return Err(
        fmt::format("{} expects a numeric or temporal argument, got {}", Upper(c), TypeToSqlString(a[0])));
  }
  return SameAsFirst(a, c);
}

// ---- aggregates
TypeResult Count(const std::vector<DataType>&, const Expr&) { return Ok(DataType::BigInt(false)); }
TypeResult Sum(const std::vector<DataType>& a, const Expr& c) {
  if (a.empty() || Unknown(a[0])) return Ok(Raw());
  if (!IsNumeric(a[0]) && !IsInterval(a[0]) && a[0].root != TypeRoot::kNull) {
    return Err(fmt::format("{} expects a numeric argument, got {}", Upper(c), TypeToSqlString(a[0])));
  }
  if (a[0].root == TypeRoot::kDecimal) return Ok(DecimalSum(a[0]));
  return Ok(a[0].WithoutTimeAttribute().WithNullable(true));
}
TypeResult Avg(const std::vector<DataType>& a, const Expr& c) {
  if (a.empty() || Unknown(a[0])) return Ok(Raw());
  if (!IsNumeric(a[0]) && a[0].root != TypeRoot::kNull) {
    return Err(fmt::format("{} expects a numeric argument, got {}", Upper(c), TypeToSqlString(a[0])));
  }
  if (a[0].root == TypeRoot::kDecimal) return Ok(DecimalAvg(a[0]));
  return Ok(a[0].WithNullable(true));
}
TypeResult MinMax(const std::vector<DataType>& a, const Expr&) {
  if (a.empty()) return Ok(Raw());
  return Ok(a[0].WithoutTimeAttribute().WithNullable(true));
}
TypeResult Collect(const std::vector<DataType>& a, const Expr&) {
  if (a.empty()) return Ok(Raw());
  DataType m = DataType::Of(TypeRoot::kMultiset, false);
  m.children.push_back(a[0].WithoutTimeAttribute());
  return Ok(m);
}
// PERCENTILE(value, percentage[, frequency]): DOUBLE, or ARRAY<DOUBLE> for an array of percentages
// (Flink's PercentileAggFunction).
TypeResult Percentile(const std::vector<DataType>& a, const Expr& c) {
  TypeResult r = RequireNumeric(a, c, 0);
  if (!r.error.empty()) return r;
  if (a.size() > 1 && a[1].root == TypeRoot::kArray) return Ok(DataType::Array(DataType::Double(true), true));
  if (a.size() > 1) {
    r = RequireNumeric(a, c, 1);
    if (!r.error.empty()) return r;
  }
  return Ok(DataType::Double(true));
}
TypeResult ArrayAgg(const std::vector<DataType>& a, const Expr&) {
  if (a.empty()) return Ok(Raw());
  return Ok(DataType::Array(a[0].WithoutTimeAttribute(), true));
}

// ---- temporal
TypeResult ToTimestampLtz(const std::vector<DataType>& a, const Expr& c) {
  int p = 3;
  if (c.args.size() > 1 && c.args[1]->kind == ExprKind::kLiteral &&
      c.args[1]->literal.kind == LiteralKind::kInteger) {
    p = std::atoi(c.args[1]->literal.text.c_str());
    if (p != 0 && p != 3) p = 3;
    p = 3;  // Flink returns TIMESTAMP_LTZ(3) for both epoch seconds (0) and milliseconds (3)
  }
  return Ok(DataType::TimestampLtz(p, AnyNullable(a) || (!a.empty() && IsCharacterString(a[0]))));
}
TypeResult ToTimestamp(const std::vector<DataType>& a, const Expr&) {
  (void)a;
  return Ok(DataType::Timestamp(3, true));
}
TypeResult ToDate(const std::vector<DataType>&, const Expr&) { return Ok(DataType::Date(true)); }
TypeResult TimestampAdd(const std::vector<DataType>& a, const Expr& c) {
  if (a.size() < 2) return Ok(Raw());
  DataType t = a[1].WithoutTimeAttribute();
  if (t.root == TypeRoot::kDate &&
      (c.detail->unit == TimeUnit::kHour || c.detail->unit == TimeUnit::kMinute ||
       c.detail->unit == TimeUnit::kSecond || c.detail->unit == TimeUnit::kMillisecond)) {
    t = DataType::Timestamp(0);
  }
  t.nullable = AnyNullable(a);
  return Ok(t);
}
TypeResult CurrentWatermark(const std::vector<DataType>& a, const Expr&) {
  if (a.empty()) return Ok(Raw());
  return Ok(a[0].WithoutTimeAttribute().WithNullable(true));
}
TypeResult MatchRowtime(const std::vector<DataType>& a, const Expr&) {
  DataType t = a.empty() ? DataType::Timestamp(3, false) : a[0].WithoutTimeAttribute().WithNullable(false);
  t.time_attribute = TimeAttribute::kRowtime;
  return Ok(t);
}

// ---- conditional
TypeResult Coalesce(const std::vector<DataType>& a, const Expr& c) {
  TypeResult r = CommonType(a, c);
  if (!r.error.empty() || Unknown(r.type)) return r;
  bool nullable = true;
  for (const auto& t : a) {
    if (!t.nullable) nullable = false;
  }
  r.type.nullable = nullable;
  return r;
}
TypeResult IfNull(const std::vector<DataType>& a, const Expr& c) {
  TypeResult r = CommonType(a, c);
  if (!r.error.empty() || Unknown(r.type) || a.size() < 2) return r;
  r.type.nullable = a[0].nullable && a[1].nullable;
  return r;
}
TypeResult If(const std::vector<DataType>& a, const Expr& c) {
  if (a.size() != 3) return Ok(Raw());
  if (!Unknown(a[0]) && a[0].root != TypeRoot::kBoolean && a[0].root != TypeRoot::kNull) {
    return Err(fmt::format("IF expects a BOOLEAN condition, got {}", TypeToSqlString(a[0])));
  }
  return CommonType({a[1], a[2]}, c);
}
TypeResult NullIf(const std::vector<DataType>& a, const Expr& c) {
  TypeResult r = CommonType(a, c);
  if (!r.error.empty() || Unknown(r.type) || a.empty()) return r;
  return Ok(a[0].WithoutTimeAttribute().WithNullable(true));
}

// ---- JSON
TypeResult JsonValue(const std::vector<DataType>&, const Expr& c) {
  if (c.detail->has_returning) return Ok(c.detail->cast_type.WithNullable(true));
  return Ok(DataType::String(true));
}
TypeResult JsonString(const std::vector<DataType>& a, const Expr&) {
  return Ok(DataType::String(AnyNullable(a)));
}

// ---- collections
TypeResult Cardinality(const std::vector<DataType>& a, const Expr& c) {
  if (!a.empty() && !Unknown(a[0]) && a[0].root != TypeRoot::kArray && a[0].root != TypeRoot::kMap &&
      a[0].root != TypeRoot::kMultiset && a[0].root != TypeRoot::kNull) {
    return Err(fmt::format("{} expects an ARRAY, MAP or MULTISET, got {}", Upper(c), TypeToSqlString(a[0])));
  }
  return Ok(DataType::Int(AnyNullable(a)));
}
TypeResult Element(const std::vector<DataType>& a, const Expr&) {
  if (a.empty() || a[0].children.empty()) return Ok(Raw());
  return Ok(a[0].children[0].WithNullable(true));
}
TypeResult MapKeys(const std::vector<DataType>& a, const Expr&) {
  if (a.empty() || a[0].root != TypeRoot::kMap) return Ok(Raw());
  return Ok(DataType::Array(a[0].children[0], a[0].nullable));
}
TypeResult MapValues(const std::vector<DataType>& a, const Expr&) {
  if (a.empty() || a[0].root != TypeRoot::kMap) return Ok(Raw());
  return Ok(DataType::Array(a[0].children[1], a[0].nullable));
}
TypeResult SplitArray(const std::vector<DataType>& a, const Expr&) {
  return Ok(DataType::Array(DataType::String(true), AnyNullable(a)));
}
TypeResult StrToMap(const std::vector<DataType>& a, const Expr&) {
  return Ok(DataType::Map(DataType::String(true), DataType::String(true), AnyNullable(a)));
}

using K = FunctionKind;

const std::vector<FunctionInfo>& Table() {
  static const auto* kTable = new std::vector<FunctionInfo>{
      // arithmetic and math
      {"ABS", K::kScalar, 1, 1, SameAsFirstNumeric, "ABS(numeric)"},
      {"MOD", K::kScalar, 2, 2, SameAsFirstNumeric, "MOD(numeric1, numeric2)"},
      {"POWER", K::kScalar, 2, 2, Double, "POWER(numeric1, numeric2)"},
      {"POW", K::kScalar, 2, 2, Double, "POW(numeric1, numeric2)"},
      {"SQRT", K::kScalar, 1, 1, Double, "SQRT(numeric)"},
      {"LN", K::kScalar, 1, 1, Double, "LN(numeric)"},
      {"LOG10", K::kScalar, 1, 1, Double, "LOG10(numeric)"},
      {"LOG2", K::kScalar, 1, 1, Double, "LOG2(numeric)"},
      {"LOG", K::kScalar, 1, 2, Double, "LOG([base,] numeric)"},
      {"EXP", K::kScalar, 1, 1, Double, "EXP(numeric)"},
      {"CEIL", K::kScalar, 1, 1, FloorCeil, "CEIL(numeric) / CEIL(timepoint TO unit)"},
      {"CEILING", K::kScalar, 1, 1, FloorCeil, "CEILING(numeric)"},
      {"FLOOR", K::kScalar, 1, 1, FloorCeil, "FLOOR(numeric) / FLOOR(timepoint TO unit)"},
      {"SIN", K::kScalar, 1, 1, Double, "SIN(numeric)"},
      {"COS", K::kScalar, 1, 1, Double, "COS(numeric)"},
      {"TAN", K::kScalar, 1, 1, Double, "TAN(numeric)"},
      {"COT", K::kScalar, 1, 1, Double, "COT(numeric)"},
      {"ASIN", K::kScalar, 1, 1, Double, "ASIN(numeric)"},
      {"ACOS", K::kScalar, 1, 1, Double, "ACOS(numeric)"},
      {"ATAN", K::kScalar, 1, 1, Double, "ATAN(numeric)"},
      {"ATAN2", K::kScalar, 2, 2, Double, "ATAN2(numeric1, numeric2)"},
      {"SINH", K::kScalar, 1, 1, Double, "SINH(numeric)"},
      {"COSH", K::kScalar, 1, 1, Double, "COSH(numeric)"},
      {"TANH", K::kScalar, 1, 1, Double, "TANH(numeric)"},
      {"DEGREES", K::kScalar, 1, 1, Double, "DEGREES(numeric)"},
      {"RADIANS", K::kScalar, 1, 1, Double, "RADIANS(numeric)"},
      {"SIGN", K::kScalar, 1, 1, SameAsFirstNumeric, "SIGN(numeric)"},
      {"ROUND", K::kScalar, 1, 2, Round, "ROUND(numeric[, int])"},
      {"TRUNCATE", K::kScalar, 1, 2, SameAsFirstNumeric, "TRUNCATE(numeric[, int])"},
      {"PI", K::kScalar, 0, 0, DoubleNotNull, "PI()"},
      {"E", K::kScalar, 0, 0, DoubleNotNull, "E()"},
      {"RAND", K::kScalar, 0, 1, DoubleNotNull, "RAND([seed])"},
      {"RAND_INTEGER", K::kScalar, 1, 2, Int, "RAND_INTEGER([seed,] bound)"},
      {"UUID", K::kScalar, 0, 0, StringNotNull, "UUID()"},
      {"BIN", K::kScalar, 1, 1, String, "BIN(integer)"},
      {"HEX", K::kScalar, 1, 1, String, "HEX(numeric or string)"},
      {"UNHEX", K::kScalar, 1, 1, Bytes, "UNHEX(string)"},
      {"PERCENTILE", K::kAggregate, 2, 3, Percentile, "PERCENTILE(value, percentage[, frequency])"},
      // strings
      {"CHAR_LENGTH", K::kScalar, 1, 1, Int, "CHAR_LENGTH(string)"},
      {"CHARACTER_LENGTH", K::kScalar, 1, 1, Int, "CHARACTER_LENGTH(string)"},
      {"LENGTH", K::kScalar, 1, 1, Int, "LENGTH(string)"},
      {"UPPER", K::kScalar, 1, 1, SameStringAsFirst, "UPPER(string)"},
      {"LOWER", K::kScalar, 1, 1, SameStringAsFirst, "LOWER(string)"},
      {"INITCAP", K::kScalar, 1, 1, SameStringAsFirst, "INITCAP(string)"},
      {"CONCAT", K::kScalar, 1, -1, String, "CONCAT(string1, string2, ...)"},
      {"CONCAT_WS", K::kScalar, 1, -1, String, "CONCAT_WS(separator, string1, string2, ...)"},
      {"SUBSTRING", K::kScalar, 2, 3, String, "SUBSTRING(string FROM start [FOR length])"},
      {"SUBSTR", K::kScalar, 2, 3, String, "SUBSTR(string, start[, length])"},
      {"TRIM", K::kScalar, 1, 2, String, "TRIM([BOTH | LEADING | TRAILING] [chars] FROM string)"},
      {"LTRIM", K::kScalar, 1, 2, String, "LTRIM(string[, chars])"},
      {"RTRIM", K::kScalar, 1, 2, String, "RTRIM(string[, chars])"},
      {"BTRIM", K::kScalar, 1, 2, String, "BTRIM(string[, chars])"},
      {"REPLACE", K::kScalar, 3, 3, String, "REPLACE(string1, string2, string3)"},
      {"TRANSLATE", K::kScalar, 3, 3, String, "TRANSLATE(expr, from, to)"},
      {"REGEXP", K::kScalar, 2, 2, Boolean, "REGEXP(string, regex)"},
      {"REGEXP_EXTRACT", K::kScalar, 2, 3, StringNullable, "REGEXP_EXTRACT(string, regex[, index])"},
      {"REGEXP_EXTRACT_ALL", K::kScalar, 2, 3, SplitArray, "REGEXP_EXTRACT_ALL(string, regex[, index])"},
      {"REGEXP_REPLACE", K::kScalar, 3, 3, String, "REGEXP_REPLACE(string, regex, replacement)"},
      {"REGEXP_COUNT", K::kScalar, 2, 2, Int, "REGEXP_COUNT(string, regex)"},
      {"REGEXP_INSTR", K::kScalar, 2, 2, Int, "REGEXP_INSTR(string, regex)"},
      {"REGEXP_SUBSTR", K::kScalar, 2, 2, StringNullable, "REGEXP_SUBSTR(string, regex)"},
      {"SPLIT_INDEX", K::kScalar, 3, 3, StringNullable, "SPLIT_INDEX(string, delimiter, index)"},
      {"SPLIT", K::kScalar, 2, 2, SplitArray, "SPLIT(string, delimiter)"},
      {"LPAD", K::kScalar, 3, 3, String, "LPAD(string, length, pad)"},
      {"RPAD", K::kScalar, 3, 3, String, "RPAD(string, length, pad)"},
      {"POSITION", K::kScalar, 2, 2, Int, "POSITION(string1 IN string2)"},
      {"LOCATE", K::kScalar, 2, 3, Int, "LOCATE(string1, string2[, start])"},
      {"INSTR", K::kScalar, 2, 2, Int, "INSTR(string1, string2)"},
      {"REPEAT", K::kScalar, 2, 2, String, "REPEAT(string, times)"},
      {"REVERSE", K::kScalar, 1, 1, String, "REVERSE(string)"},
      {"OVERLAY", K::kScalar, 3, 4, String, "OVERLAY(string1 PLACING string2 FROM start [FOR length])"},
      {"ASCII", K::kScalar, 1, 1, Int, "ASCII(string)"},
      {"CHR", K::kScalar, 1, 1, String, "CHR(integer)"},
      {"DECODE", K::kScalar, 2, 2, String, "DECODE(binary, charset)"},
      {"ENCODE", K::kScalar, 2, 2, Bytes, "ENCODE(string, charset)"},
      {"FROM_BASE64", K::kScalar, 1, 1, String, "FROM_BASE64(string)"},
      {"TO_BASE64", K::kScalar, 1, 1, String, "TO_BASE64(string)"},
      {"LEFT", K::kScalar, 2, 2, String, "LEFT(string, length)"},
      {"RIGHT", K::kScalar, 2, 2, String, "RIGHT(string, length)"},
      {"PARSE_URL", K::kScalar, 2, 3, StringNullable, "PARSE_URL(url, part[, key])"},
      {"URL_DECODE", K::kScalar, 1, 1, String, "URL_DECODE(string)"},
      {"URL_ENCODE", K::kScalar, 1, 1, String, "URL_ENCODE(string)"},
      {"MD5", K::kScalar, 1, 1, String, "MD5(string)"},
      {"SHA1", K::kScalar, 1, 1, String, "SHA1(string)"},
      {"SHA224", K::kScalar, 1, 1, String, "SHA224(string)"},
      {"SHA256", K::kScalar, 1, 1, String, "SHA256(string)"},
      {"SHA384", K::kScalar, 1, 1, String, "SHA384(string)"},
      {"SHA512", K::kScalar, 1, 1, String, "SHA512(string)"},
      {"SHA2", K::kScalar, 2, 2, String, "SHA2(string, hashLength)"},
      {"STR_TO_MAP", K::kScalar, 1, 3, StrToMap, "STR_TO_MAP(text[, listDelimiter, keyValueDelimiter])"},
      {"ELT", K::kScalar, 2, -1, StringNullable, "ELT(index, expr1, expr2, ...)"},
      {"PRINTF", K::kScalar, 1, -1, String, "PRINTF(format, args...)"},
      {"IS_ALPHA", K::kScalar, 1, 1, BooleanNotNull, "IS_ALPHA(string)"},
      {"IS_DECIMAL", K::kScalar, 1, 1, BooleanNotNull, "IS_DECIMAL(string)"},
      {"IS_DIGIT", K::kScalar, 1, 1, BooleanNotNull, "IS_DIGIT(string)"},
      {"STARTSWITH", K::kScalar, 2, 2, Boolean, "STARTSWITH(expr, startExpr)"},
      {"ENDSWITH", K::kScalar, 2, 2, Boolean, "ENDSWITH(expr, endExpr)"},
      {"JSON_QUOTE", K::kScalar, 1, 1, String, "JSON_QUOTE(string)"},
      {"JSON_UNQUOTE", K::kScalar, 1, 1, String, "JSON_UNQUOTE(string)"},
      // temporal
      {"CURRENT_DATE", K::kScalar, 0, 0, DateNotNull, "CURRENT_DATE"},
      {"CURRENT_TIME", K::kScalar, 0, 0, Time0NotNull, "CURRENT_TIME"},
      {"LOCALTIME", K::kScalar, 0, 0, Time0NotNull, "LOCALTIME"},
      {"CURRENT_TIMESTAMP", K::kScalar, 0, 0, Ltz3NotNull, "CURRENT_TIMESTAMP"},
      {"LOCALTIMESTAMP", K::kScalar, 0, 0, Timestamp3NotNull, "LOCALTIMESTAMP"},
      {"NOW", K::kScalar, 0, 0, Ltz3NotNull, "NOW()"},
      {"CURRENT_ROW_TIMESTAMP", K::kScalar, 0, 0, Ltz3NotNull, "CURRENT_ROW_TIMESTAMP()"},
      {"PROCTIME", K::kScalar, 0, 0, Proctime, "PROCTIME()"},
      {"DATE_FORMAT", K::kScalar, 2, 2, String, "DATE_FORMAT(timestamp, format)"},
      {"TO_TIMESTAMP", K::kScalar, 1, 2, ToTimestamp, "TO_TIMESTAMP(string[, format])"},
      {"TO_TIMESTAMP_LTZ", K::kScalar, 1, 3, ToTimestampLtz, "TO_TIMESTAMP_LTZ(numeric[, precision])"},
      {"TO_DATE", K::kScalar, 1, 2, ToDate, "TO_DATE(string[, format])"},
      {"UNIX_TIMESTAMP", K::kScalar, 0, 2, BigInt, "UNIX_TIMESTAMP([string[, format]])"},
      {"FROM_UNIXTIME", K::kScalar, 1, 2, String, "FROM_UNIXTIME(numeric[, format])"},
      {"TIMESTAMPADD", K::kScalar, 2, 2, TimestampAdd, "TIMESTAMPADD(unit, interval, timepoint)"},
      {"TIMESTAMPDIFF", K::kScalar, 2, 2, Int, "TIMESTAMPDIFF(unit, timepoint1, timepoint2)"},
      {"EXTRACT", K::kScalar, 1, 1, BigInt, "EXTRACT(unit FROM temporal)"},
      {"YEAR", K::kScalar, 1, 1, BigInt, "YEAR(date)"},
      {"QUARTER", K::kScalar, 1, 1, BigInt, "QUARTER(date)"},
      {"MONTH", K::kScalar, 1, 1, BigInt, "MONTH(date)"},
      {"WEEK", K::kScalar, 1, 1, BigInt, "WEEK(date)"},
      {"DAYOFYEAR", K::kScalar, 1, 1, BigInt, "DAYOFYEAR(date)"},
      {"DAYOFMONTH", K::kScalar, 1, 1, BigInt, "DAYOFMONTH(date)"},
      {"DAYOFWEEK", K::kScalar, 1, 1, BigInt, "DAYOFWEEK(date)"},
      {"HOUR", K::kScalar, 1, 1, BigInt, "HOUR(timestamp)"},
      {"MINUTE", K::kScalar, 1, 1, BigInt, "MINUTE(timestamp)"},
      {"SECOND", K::kScalar, 1, 1, BigInt, "SECOND(timestamp)"},
      {"CONVERT_TZ", K::kScalar, 3, 3, String, "CONVERT_TZ(string, fromZone, toZone)"},
      {"DATEDIFF", K::kScalar, 2, 2, Int, "DATEDIFF(date1, date2)"},
      {"CURRENT_WATERMARK", K::kScalar, 1, 1, CurrentWatermark, "CURRENT_WATERMARK(rowtime)"},
      {"SOURCE_WATERMARK", K::kScalar, 0, 0, Timestamp3NotNull, "SOURCE_WATERMARK()"},
      // conditional
      {"COALESCE", K::kScalar, 1, -1, Coalesce, "COALESCE(value1, value2, ...)"},
      {"IFNULL", K::kScalar, 2, 2, IfNull, "IFNULL(input, null_replacement)"},
      {"NULLIF", K::kScalar, 2, 2, NullIf, "NULLIF(value1, value2)"},
      {"IF", K::kScalar, 3, 3, If, "IF(condition, true_value, false_value)"},
      {"GREATEST", K::kScalar, 1, -1, CommonType, "GREATEST(value1, value2, ...)"},
      {"LEAST", K::kScalar, 1, -1, CommonType, "LEAST(value1, value2, ...)"},
      {"TYPEOF", K::kScalar, 1, 2, StringNotNull, "TYPEOF(input[, force_serializable])"},
      // JSON
      {"JSON_VALUE", K::kScalar, 2, 2, JsonValue,
       "JSON_VALUE(json, path [RETURNING type] [... ON EMPTY] [... ON ERROR])"},
      {"JSON_QUERY", K::kScalar, 2, 2, StringNullable,
       "JSON_QUERY(json, path [wrapper] [... ON EMPTY] [... ON ERROR])"},
      {"JSON_EXISTS", K::kScalar, 2, 2, Boolean, "JSON_EXISTS(json, path [... ON ERROR])"},
      {"JSON_STRING", K::kScalar, 1, 1, JsonString, "JSON_STRING(value)"},
      {"JSON_OBJECT", K::kScalar, 0, -1, StringNotNull,
       "JSON_OBJECT([[KEY] key VALUE value]* [NULL | ABSENT ON NULL])"},
      {"JSON_ARRAY", K::kScalar, 0, -1, StringNotNull, "JSON_ARRAY([value]* [NULL | ABSENT ON NULL])"},
      {"JSON_OBJECTAGG", K::kAggregate, 2, 2, StringNotNull,
       "JSON_OBJECTAGG([KEY] key VALUE value [ON NULL])"},
      {"JSON_ARRAYAGG", K::kAggregate, 1, 1, StringNotNull, "JSON_ARRAYAGG(value [ON NULL])"},
      // collections
      {"CARDINALITY", K::kScalar, 1, 1, Cardinality, "CARDINALITY(array or map)"},
      {"ELEMENT", K::kScalar, 1, 1, Element, "ELEMENT(array)"},
      {"ARRAY_CONTAINS", K::kScalar, 2, 2, Boolean, "ARRAY_CONTAINS(array, value)"},
      {"ARRAY_DISTINCT", K::kScalar, 1, 1, SameAsFirst, "ARRAY_DISTINCT(array)"},
      {"ARRAY_POSITION", K::kScalar, 2, 2, Int, "ARRAY_POSITION(array, value)"},
      {"ARRAY_REMOVE", K::kScalar, 2, 2, SameAsFirst, "ARRAY_REMOVE(array, value)"},
      {"ARRAY_REVERSE", K::kScalar, 1, 1, SameAsFirst, "ARRAY_REVERSE(array)"},
      {"ARRAY_SLICE", K::kScalar, 2, 3, SameAsFirst, "ARRAY_SLICE(array, start[, end])"},
      {"ARRAY_SORT", K::kScalar, 1, 3, SameAsFirst, "ARRAY_SORT(array[, ascending[, nulls_first]])"},
      {"ARRAY_UNION", K::kScalar, 2, 2, SameAsFirst, "ARRAY_UNION(array1, array2)"},
      {"ARRAY_CONCAT", K::kScalar, 1, -1, SameAsFirst, "ARRAY_CONCAT(array1, ...)"},
      {"ARRAY_EXCEPT", K::kScalar, 2, 2, SameAsFirst, "ARRAY_EXCEPT(array1, array2)"},
      {"ARRAY_INTERSECT", K::kScalar, 2, 2, SameAsFirst, "ARRAY_INTERSECT(array1, array2)"},
      {"ARRAY_JOIN", K::kScalar, 2, 3, String, "ARRAY_JOIN(array, delimiter[, nullReplacement])"},
      {"ARRAY_MAX", K::kScalar, 1, 1, Element, "ARRAY_MAX(array)"},
      {"ARRAY_MIN", K::kScalar, 1, 1, Element, "ARRAY_MIN(array)"},
      {"MAP_KEYS", K::kScalar, 1, 1, MapKeys, "MAP_KEYS(map)"},
      {"MAP_VALUES", K::kScalar, 1, 1, MapValues, "MAP_VALUES(map)"},
      {"MAP_ENTRIES", K::kScalar, 1, 1, Unknown, "MAP_ENTRIES(map)"},
      {"MAP_FROM_ARRAYS", K::kScalar, 2, 2, Unknown, "MAP_FROM_ARRAYS(keys, values)"},
      {"MAP_UNION", K::kScalar, 1, -1, SameAsFirst, "MAP_UNION(map1, ...)"},
      // aggregates
      {"COUNT", K::kAggregate, 0, -1, Count, "COUNT([DISTINCT] value | *)"},
      {"SUM", K::kAggregate, 1, 1, Sum, "SUM([DISTINCT] numeric)"},
      {"SUM0", K::kAggregate, 1, 1, Sum, "SUM0(numeric)"},
      {"AVG", K::kAggregate, 1, 1, Avg, "AVG([DISTINCT] numeric)"},
      {"MIN", K::kAggregate, 1, 1, MinMax, "MIN(value)"},
      {"MAX", K::kAggregate, 1, 1, MinMax, "MAX(value)"},
      {"FIRST_VALUE", K::kAggregate, 1, 1, MinMax, "FIRST_VALUE(value)"},
      {"LAST_VALUE", K::kAggregate, 1, 1, MinMax, "LAST_VALUE(value)"},
      {"LISTAGG", K::kAggregate, 1, 2, StringNullable, "LISTAGG(expression[, separator])"},
      {"STDDEV_POP", K::kAggregate, 1, 1, Avg, "STDDEV_POP(numeric)"},
      {"STDDEV_SAMP", K::kAggregate, 1, 1, Avg, "STDDEV_SAMP(numeric)"},
      {"STDDEV", K::kAggregate, 1, 1, Avg, "STDDEV(numeric)"},
      {"VAR_POP", K::kAggregate, 1, 1, Avg, "VAR_POP(numeric)"},
      {"VAR_SAMP", K::kAggregate, 1, 1, Avg, "VAR_SAMP(numeric)"},
      {"VARIANCE", K::kAggregate, 1, 1, Avg, "VARIANCE(numeric)"},
      {"COLLECT", K::kAggregate, 1, 1, Collect, "COLLECT(value)"},
      {"ARRAY_AGG", K::kAggregate, 1, 1, ArrayAgg, "ARRAY_AGG([DISTINCT] value)"},
      {"APPROX_COUNT_DISTINCT", K::kAggregate, 1, -1, BigIntNotNull, "APPROX_COUNT_DISTINCT(value)"},
      {"BIT_AND", K::kAggregate, 1, 1, MinMax, "BIT_AND(integer)"},
      {"BIT_OR", K::kAggregate, 1, 1, MinMax, "BIT_OR(integer)"},
      {"BIT_XOR", K::kAggregate, 1, 1, MinMax, "BIT_XOR(integer)"},
      {"BOOL_AND", K::kAggregate, 1, 1, MinMax, "BOOL_AND(boolean)"},
      {"BOOL_OR", K::kAggregate, 1, 1, MinMax, "BOOL_OR(boolean)"},
      {"GROUPING", K::kScalar, 1, -1, BigIntNotNull, "GROUPING(expr, ...)"},
      {"GROUPING_ID", K::kScalar, 1, -1, BigIntNotNull, "GROUPING_ID(expr, ...)"},
      // ranking and offsets (need OVER)
      {"ROW_NUMBER", K::kWindow, 0, 0, BigIntNotNull, "ROW_NUMBER() OVER (...)"},
      {"RANK", K::kWindow, 0, 0, BigIntNotNull, "RANK() OVER (...)"},
      {"DENSE_RANK", K::kWindow, 0, 0, BigIntNotNull, "DENSE_RANK() OVER (...)"},
      {"PERCENT_RANK", K::kWindow, 0, 0, DoubleNotNull, "PERCENT_RANK() OVER (...)"},
      {"CUME_DIST", K::kWindow, 0, 0, DoubleNotNull, "CUME_DIST() OVER (...)"},
      {"NTILE", K::kWindow, 1, 1, BigIntNotNull, "NTILE(n) OVER (...)"},
      {"LAG", K::kWindow, 1, 3, FirstNullable, "LAG(value[, offset[, default]]) OVER (...)"},
      {"LEAD", K::kWindow, 1, 3, FirstNullable, "LEAD(value[, offset[, default]]) OVER (...)"},
      // MATCH_RECOGNIZE
      {"FIRST", K::kMatch, 1, 2, FirstNullable, "FIRST(variable.field[, n])"},
      {"LAST", K::kMatch, 1, 2, FirstNullable, "LAST(variable.field[, n])"},
      {"PREV", K::kMatch, 1, 2, FirstNullable, "PREV(field[, n])"},
      {"NEXT", K::kMatch, 1, 2, FirstNullable, "NEXT(field[, n])"},
      {"CLASSIFIER", K::kMatch, 0, 0, StringNotNull, "CLASSIFIER()"},
      {"MATCH_NUMBER", K::kMatch, 0, 0, BigIntNotNull, "MATCH_NUMBER()"},
      {"MATCH_ROWTIME", K::kMatch, 0, 1, MatchRowtime, "MATCH_ROWTIME([rowtime])"},
      {"MATCH_PROCTIME", K::kMatch, 0, 0, Proctime, "MATCH_PROCTIME()"},
      // window TVFs (typed by the checker itself)
      {"TUMBLE", K::kTable, 3, 4, Unknown, "TUMBLE(TABLE data, DESCRIPTOR(timecol), size[, offset])"},
      {"HOP", K::kTable, 4, 5, Unknown, "HOP(TABLE data, DESCRIPTOR(timecol), slide, size[, offset])"},
      {"CUMULATE", K::kTable, 4, 5, Unknown,
       "CUMULATE(TABLE data, DESCRIPTOR(timecol), step, size[, offset])"},
      {"SESSION", K::kTable, 3, 3, Unknown,
       "SESSION(TABLE data [PARTITION BY keys], DESCRIPTOR(timecol), gap)"},
  };
  return *kTable;
}

}  // namespace

const FunctionInfo* FindFunction(std::string_view upper_name) {
  static const auto* kIndex = [] {
    auto* m = new absl::flat_hash_map<std::string, const FunctionInfo*>();
    for (const FunctionInfo& f : Table()) (*m)[std::string(f.name)] = &f;
    return m;
  }();
  auto it = kIndex->find(ToAbsl(upper_name));
  return it == kIndex->end() ? nullptr : it->second;
}

const std::vector<FunctionInfo>& AllFunctions() { return Table(); }

}  // namespace flinkdbt::sql
