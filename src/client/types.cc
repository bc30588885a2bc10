#include "flinkdbt/client/types.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "flinkdbt/base/civil.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::client {
namespace {

struct TypeName {
  std::string_view name;
  TypeRoot root;
};

constexpr std::array<TypeName, 41> kTypeNames = {{
    {"CHAR", TypeRoot::kChar},
    {"VARCHAR", TypeRoot::kVarchar},
    {"STRING", TypeRoot::kVarchar},
    {"BOOLEAN", TypeRoot::kBoolean},
    {"BINARY", TypeRoot::kBinary},
    {"VARBINARY", TypeRoot::kVarbinary},
    {"BYTES", TypeRoot::kVarbinary},
    {"DECIMAL", TypeRoot::kDecimal},
    {"DEC", TypeRoot::kDecimal},
    {"NUMERIC", TypeRoot::kDecimal},
    {"TINYINT", TypeRoot::kTinyint},
    {"SMALLINT", TypeRoot::kSmallint},
    {"INTEGER", TypeRoot::kInteger},
    {"INT", TypeRoot::kInteger},
    {"BIGINT", TypeRoot::kBigint},
    {"FLOAT", TypeRoot::kFloat},
    {"DOUBLE", TypeRoot::kDouble},
    {"DOUBLE PRECISION", TypeRoot::kDouble},
    {"DATE", TypeRoot::kDate},
    {"TIME", TypeRoot::kTime},
    {"TIME_WITHOUT_TIME_ZONE", TypeRoot::kTime},
    {"TIMESTAMP", TypeRoot::kTimestamp},
    {"TIMESTAMP_WITHOUT_TIME_ZONE", TypeRoot::kTimestamp},
    {"TIMESTAMP_WITH_TIME_ZONE", TypeRoot::kTimestampTz},
    {"TIMESTAMP_WITH_LOCAL_TIME_ZONE", TypeRoot::kTimestampLtz},
    {"TIMESTAMP_LTZ", TypeRoot::kTimestampLtz},
    {"INTERVAL_YEAR_MONTH", TypeRoot::kIntervalYearMonth},
    {"INTERVAL_DAY_TIME", TypeRoot::kIntervalDayTime},
    {"ARRAY", TypeRoot::kArray},
    {"MULTISET", TypeRoot::kMultiset},
    {"MAP", TypeRoot::kMap},
    {"ROW", TypeRoot::kRow},
    {"STRUCTURED_TYPE", TypeRoot::kStructured},
    {"NULL", TypeRoot::kNull},
    {"RAW", TypeRoot::kRaw},
    {"SYMBOL", TypeRoot::kRaw},
    {"DESCRIPTOR", TypeRoot::kRaw},
    {"VARIANT", TypeRoot::kRaw},
    {"DISTINCT_TYPE", TypeRoot::kRaw},
    {"UNRESOLVED", TypeRoot::kRaw},
    {"INTERVAL", TypeRoot::kIntervalDayTime},
}};

std::string_view SqlName(const DataType& t) {
  switch (t.root) {
    case TypeRoot::kTime:
      return "TIME";
    case TypeRoot::kTimestamp:
      return "TIMESTAMP";
    case TypeRoot::kTimestampTz:
      return "TIMESTAMP WITH TIME ZONE";
    case TypeRoot::kTimestampLtz:
      return "TIMESTAMP_LTZ";
    case TypeRoot::kIntervalYearMonth:
      return "INTERVAL YEAR TO MONTH";
    case TypeRoot::kIntervalDayTime:
      return "INTERVAL DAY TO SECOND";
    default:
      return t.type;
  }
}

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

// Fractional seconds with 3 digits minimum, more when the value needs them (Flink prints
// TIMESTAMP(3) values with 3 digits).
std::string FormatFraction(int64_t nanos) {
  if (nanos == 0) return "";
  std::string digits = fmt::format("{:09d}", nanos);
  while (digits.size() > 3 && digits.back() == '0') digits.pop_back();
  return "." + digits;
}

std::string FormatTimeOfDay(int64_t nanos_of_day) {
  const int64_t secs = nanos_of_day / 1000000000;
  return fmt::format("{:02d}:{:02d}:{:02d}{}", secs / 3600, (secs / 60) % 60, secs % 60,
                     FormatFraction(nanos_of_day % 1000000000));
}

}  // namespace

TypeRoot TypeRootFromName(std::string_view name) {
  std::string upper = absl::AsciiStrToUpper(ToAbsl(name));
  for (const TypeName& t : kTypeNames) {
    if (t.name == upper) return t.root;
  }
  return TypeRoot::kRaw;
}

DataType DataType::Of(std::string_view type_name, bool nullable) {
  DataType t;
  t.type = std::string(type_name);
  t.root = TypeRootFromName(type_name);
  t.nullable = nullable;
  return t;
}

std::string DataType::ToSql() const {
  std::string out;
  switch (root) {
    case TypeRoot::kChar:
    case TypeRoot::kVarchar:
    case TypeRoot::kBinary:
    case TypeRoot::kVarbinary:
      out = length ? fmt::format("{}({})", type, *length) : type;
      break;
    case TypeRoot::kDecimal:
      out = fmt::format("DECIMAL({}, {})", precision.value_or(10), scale.value_or(0));
      break;
    case TypeRoot::kTime:
    case TypeRoot::kTimestamp:
    case TypeRoot::kTimestampLtz:
      out = precision ? fmt::format("{}({})", SqlName(*this), *precision) : std::string(SqlName(*this));
      break;
    case TypeRoot::kArray:
    case TypeRoot::kMultiset:
      out = fmt::format("{}<{}>", type, element_type ? element_type->ToSql() : "?");
      break;
    case TypeRoot::kMap:
      out = fmt::format("MAP<{}, {}>", key_type ? key_type->ToSql() : "?",
                        value_type ? value_type->ToSql() : "?");
      break;
    case TypeRoot::kRow:
    case TypeRoot::kStructured: {
      out = "ROW<";
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ", ";
        out += fmt::format("`{}` {}", fields[i].name, fields[i].type.ToSql());
      }
      out += ">";
      break;
    }
    default:
      out = std::string(SqlName(*this));
  }
  if (!nullable) out += " NOT NULL";
  return out;
}

Value Value::Bool(bool v) {
  Value x;
  x.kind = Kind::kBool;
  x.bool_value = v;
  return x;
}
Value Value::Int(int64_t v) {
  Value x;
  x.kind = Kind::kInt;
  x.int_value = v;
  return x;
}
Value Value::Double(double v) {
  Value x;
  x.kind = Kind::kDouble;
  x.double_value = v;
  return x;
}
Value Value::String(std::string v) {
  Value x;
  x.kind = Kind::kString;
  x.text = std::move(v);
  return x;
}
Value Value::Decimal(std::string canonical) {
  Value x;
  x.kind = Kind::kDecimal;
  x.text = std::move(canonical);
  return x;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.bool_value == b.bool_value;
    case Value::Kind::kDouble:
      return a.double_value == b.double_value || (std::isnan(a.double_value) && std::isnan(b.double_value));
    case Value::Kind::kInt:
    case Value::Kind::kDate:
    case Value::Kind::kTime:
    case Value::Kind::kIntervalYearMonth:
    case Value::Kind::kIntervalDayTime:
    case Value::Kind::kTimestamp:
    case Value::Kind::kTimestampLtz:
      return a.int_value == b.int_value && a.nanos == b.nanos;
    case Value::Kind::kDecimal:
    case Value::Kind::kString:
    case Value::Kind::kBytes:
    case Value::Kind::kRaw:
      return a.text == b.text;
    default:
      return a.items == b.items;
  }
}

std::string Value::ToString() const {
  switch (kind) {
    case Kind::kNull:
      return "NULL";
    case Kind::kBool:
      return bool_value ? "TRUE" : "FALSE";
    case Kind::kInt:
      return std::to_string(int_value);
    case Kind::kDouble:
      return FormatDoubleShortest(double_value);
    case Kind::kDecimal:
    case Kind::kString:
    case Kind::kRaw:
      return text;
    case Kind::kBytes: {
      std::string out = "x'";
      for (unsigned char c : text) out += fmt::format("{:02x}", c);
      return out + "'";
    }
    case Kind::kDate:
      return FormatDate(int_value);
    case Kind::kTime:
      return FormatTimeOfDay(int_value);
    case Kind::kTimestamp:
    case Kind::kTimestampLtz: {
      int64_t days = int_value >= 0 ? int_value / 86400 : -((-int_value + 86399) / 86400);
      int64_t secs = int_value - days * 86400;
      return FormatDate(days) + " " + FormatTimeOfDay(secs * 1000000000 + nanos);
    }
    case Kind::kIntervalYearMonth: {
      int64_t m = int_value < 0 ? -int_value : int_value;
      return fmt::format("{}{}-{:02d}", int_value < 0 ? '-' : '+', m / 12, m % 12);
    }
    case Kind::kIntervalDayTime: {
      int64_t ms = int_value < 0 ? -int_value : int_value;
      int64_t s = ms / 1000;
      return fmt::format("{}{} {:02d}:{:02d}:{:02d}.{:03d}", int_value < 0 ? '-' : '+', s / 86400,
                         (s / 3600) % 24, (s / 60) % 60, s % 60, ms % 1000);
    }
    case Kind::kArray:
    case Kind::kMultiset:
    case Kind::kMap:
    case Kind::kRow: {
      std::string out = kind == Kind::kArray ? "[" : kind == Kind::kRow ? "(" : "{";
      if (kind == Kind::kArray || kind == Kind::kRow) {
        for (size_t i = 0; i < items.size(); ++i) {
          if (i) out += ", ";
          out += items[i].ToString();
        }
      } else {
        for (size_t i = 0; i + 1 < items.size(); i += 2) {
          if (i) out += ", ";
          out += items[i].ToString() + "=" + items[i + 1].ToString();
        }
      }
      out += kind == Kind::kArray ? "]" : kind == Kind::kRow ? ")" : "}";
      return out;
    }
  }
  return "";
}

std::string_view RowOpShortString(RowOp op) {
  switch (op) {
    case RowOp::kInsert:
      return "+I";
    case RowOp::kUpdateBefore:
      return "-U";
    case RowOp::kUpdateAfter:
      return "+U";
    case RowOp::kDelete:
      return "-D";
  }
  return "?";
}

namespace {
constexpr std::array<std::pair<Phase, std::string_view>, 9> kPhases = {{
    {Phase::kPending, "PENDING"},
    {Phase::kRunning, "RUNNING"},
    {Phase::kCompleted, "COMPLETED"},
    {Phase::kDeleting, "DELETING"},
    {Phase::kFailing, "FAILING"},
    {Phase::kFailed, "FAILED"},
    {Phase::kStopping, "STOPPING"},
    {Phase::kStopped, "STOPPED"},
    {Phase::kDegraded, "DEGRADED"},
}};
}  // namespace

std::string_view PhaseName(Phase phase) {
  for (const auto& [p, name] : kPhases) {
    if (p == phase) return name;
  }
  return "UNKNOWN";
}

Phase PhaseFromName(std::string_view name) {
  for (const auto& [p, n] : kPhases) {
    if (n == name) return p;
  }
  return Phase::kUnknown;
}

bool IsTerminal(Phase phase) {
  return phase == Phase::kCompleted || phase == Phase::kStopped || phase == Phase::kFailed;
}

std::string_view ExecutionModeName(ExecutionMode mode) {
  switch (mode) {
    case ExecutionMode::kStreamingQuery:
      return "streaming_query";
    case ExecutionMode::kStreamingDdl:
      return "streaming_ddl";
    case ExecutionMode::kSnapshot:
      return "snapshot";
    case ExecutionMode::kSnapshotDdl:
      return "snapshot_ddl";
  }
  return "";
}

std::optional<ExecutionMode> ExecutionModeFromName(std::string_view name) {
  for (ExecutionMode m : {ExecutionMode::kStreamingQuery, ExecutionMode::kStreamingDdl,
                          ExecutionMode::kSnapshot, ExecutionMode::kSnapshotDdl}) {
    if (ExecutionModeName(m) == name) return m;
  }
  return std::nullopt;
}

}  // namespace flinkdbt::client
