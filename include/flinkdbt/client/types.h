// The statement client's data model: Flink data types as the sql/v1 API describes them
// (`DataType`), typed result values (`Value`), changelog rows, and the Statement resource with its
// spec and status. Plain value types: copyable, immutable once built, safe to share across threads
// for reading.
#ifndef FLINKDBT_CLIENT_TYPES_H_
#define FLINKDBT_CLIENT_TYPES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flinkdbt::client {

// The logical type roots of Flink's type system, as named by `DataType.type` on the wire.
enum class TypeRoot {
  kChar,
  kVarchar,
  kBoolean,
  kBinary,
  kVarbinary,
  kDecimal,
  kTinyint,
  kSmallint,
  kInteger,
  kBigint,
  kFloat,
  kDouble,
  kDate,
  kTime,
  kTimestamp,     // TIMESTAMP_WITHOUT_TIME_ZONE
  kTimestampTz,   // TIMESTAMP_WITH_TIME_ZONE
  kTimestampLtz,  // TIMESTAMP_WITH_LOCAL_TIME_ZONE
  kIntervalYearMonth,
  kIntervalDayTime,
  kArray,
  kMultiset,
  kMap,
  kRow,
  kStructured,  // STRUCTURED_TYPE: encoded positionally like ROW
  kNull,
  kRaw,  // RAW and any type this client does not know: kept as text
};

// Maps a wire type name ("INTEGER", "TIMESTAMP_WITH_LOCAL_TIME_ZONE", also the SQL spellings
// "INT", "STRING", "BYTES", "TIMESTAMP_LTZ", ...) to its root; unknown names map to kRaw.
TypeRoot TypeRootFromName(std::string_view name);

struct RowField;

// A Flink data type (`DataType` in the OpenAPI file). Recursive through element/key/value types
// and row fields.
struct DataType {
  std::string type;  // the wire name, kept verbatim
  TypeRoot root = TypeRoot::kRaw;
  bool nullable = true;
  std::optional<int> length;
  std::optional<int> precision;
  std::optional<int> scale;
  std::optional<int> fractional_precision;
  std::string resolution;
  std::string class_name;
  std::shared_ptr<const DataType> element_type;  // ARRAY, MULTISET
  std::shared_ptr<const DataType> key_type;      // MAP
  std::shared_ptr<const DataType> value_type;    // MAP
  std::vector<RowField> fields;                  // ROW, STRUCTURED_TYPE

  // The SQL spelling, e.g. "DECIMAL(10, 2) NOT NULL", "ARRAY<INT>", "ROW<`a` INT, `b` STRING>".
  std::string ToSql() const;

  static DataType Of(std::string_view type_name, bool nullable = true);
};

struct RowField {
  std::string name;
  DataType type;
  std::string description;
};

struct Column {
  std::string name;
  DataType type;
};

// A typed result value. Exact types are kept exactly: DECIMAL as its decimal text (never a double),
// BINARY as raw bytes, temporal values as integers since the epoch plus nanoseconds.
struct Value {
  enum class Kind {
    kNull,
    kBool,
    kInt,                // TINYINT..BIGINT: int_value
    kDouble,             // FLOAT, DOUBLE: double_value
    kDecimal,            // text: canonical decimal with exactly `scale` fractional digits
    kString,             // CHAR, VARCHAR: text
    kBytes,              // BINARY, VARBINARY: text holds the raw bytes
    kDate,               // int_value: days since 1970-01-01
    kTime,               // int_value: nanoseconds since midnight
    kTimestamp,          // int_value: seconds since the epoch (of the wall clock), nanos
    kTimestampLtz,       // as kTimestamp (TIMESTAMP_LTZ / WITH TIME ZONE, as printed by the server)
    kIntervalYearMonth,  // int_value: months
    kIntervalDayTime,    // int_value: milliseconds
    kArray,              // items
    kMap,                // items: key0, value0, key1, value1, ...
    kMultiset,           // items: element0, count0 (kInt), element1, count1, ...
    kRow,                // items: one per field
    kRaw,                // text: the server's text of a type this client does not know
  };
  Kind kind = Kind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  int32_t nanos = 0;
  double double_value = 0;
  std::string text;
  std::vector<Value> items;

  bool is_null() const { return kind == Kind::kNull; }
  // Flink's printed form: "NULL", "TRUE", "12.50", "2024-01-02 03:04:05.123", "[1, 2]",
  // "{a=1}", "(1, x)", "x'0a1b'", "+1-06", "+2 03:04:05.000".
  std::string ToString() const;

  static Value Null() { return Value{}; }
  static Value Bool(bool v);
  static Value Int(int64_t v);
  static Value Double(double v);
  static Value String(std::string v);
  static Value Decimal(std::string canonical);

  friend bool operator==(const Value& a, const Value& b);
};

// The changelog kind of a result row; the numbers are the wire's `op` codes.
enum class RowOp { kInsert = 0, kUpdateBefore = 1, kUpdateAfter = 2, kDelete = 3 };
std::string_view RowOpShortString(RowOp op);  // "+I", "-U", "+U", "-D"

struct ResultRow {
  RowOp op = RowOp::kInsert;
  std::vector<Value> values;
};

// One page of `GET .../results`.
struct ResultPage {
  std::vector<ResultRow> rows;
  std::string next_url;    // metadata.next verbatim ("" at the end of a bounded result)
  std::string next_token;  // the page_token query parameter of next_url
  bool has_next() const { return !next_url.empty(); }
};

enum class Phase {
  kUnknown,
  kPending,
  kRunning,
  kCompleted,
  kDeleting,
  kFailing,
  kFailed,
  kStopping,
  kStopped,
  kDegraded,
};
std::string_view PhaseName(Phase phase);
Phase PhaseFromName(std::string_view name);  // unknown names (the enum is extensible) -> kUnknown
// COMPLETED, STOPPED and FAILED: the statement will not change any more on its own.
bool IsTerminal(Phase phase);

// How a statement is run, as dbt-confluent's `execution_mode` setting names it.
enum class ExecutionMode { kStreamingQuery, kStreamingDdl, kSnapshot, kSnapshotDdl };
std::string_view ExecutionModeName(ExecutionMode mode);
std::optional<ExecutionMode> ExecutionModeFromName(std::string_view name);
inline bool IsSnapshotMode(ExecutionMode m) {
  return m == ExecutionMode::kSnapshot || m == ExecutionMode::kSnapshotDdl;
}

struct StatementTraits {
  std::string sql_kind;
  bool is_bounded = false;
  bool is_append_only = false;
  std::vector<int> upsert_columns;
  std::vector<Column> schema;
  std::vector<std::string> connection_refs;
};

struct StatementException {
  std::string name;
  std::string message;
  std::string timestamp;
};

// The `sql.v1.Statement` resource, the parts a client reads or writes back.
struct Statement {
  std::string name;
  std::string organization_id;
  std::string environment_id;
  // metadata
  std::string self;
  std::string uid;
  std::string resource_version;
  std::string created_at;
  std::string updated_at;
  std::map<std::string, std::string> labels;
  // spec
  std::string sql;
  std::map<std::string, std::string> properties;
  std::string compute_pool_id;
  std::string principal;
  bool stopped = false;
  // status
  Phase phase = Phase::kUnknown;
  std::string phase_name;  // verbatim, for phases this client does not know
  std::string detail;
  std::string scaling_state;  // status.scaling_status.scaling_state, e.g. "POOL_EXHAUSTED"
  // status.traits, with status.result_schema as the schema when traits carries none.
  std::optional<StatementTraits> traits;
};

}  // namespace flinkdbt::client

#endif  // FLINKDBT_CLIENT_TYPES_H_
