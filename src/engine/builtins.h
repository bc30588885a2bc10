// Internal: the table of built-in scalar functions and operators (builtins.cc, temporal.cc,
// json.cc). Each entry has an arity, a bind step (argument checks, result type, implicit casts)
// and an evaluator.
#ifndef FLINKDBT_ENGINE_BUILTINS_H_
#define FLINKDBT_ENGINE_BUILTINS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/functions.h"

namespace flinkdbt::engine {

using BindFn = absl::Status (*)(BExpr& e, const std::vector<sql::DataType>& types, CallSyntax& syntax);

struct Builtin {
  const char* name;
  int min_args;
  int max_args;  // -1: variadic
  bool strict;   // NULL argument -> NULL result without calling fn
  bool deterministic;
  bool session_dependent;  // reads the session time zone or clock: never constant-folded
  BindFn bind;
  ScalarFn fn;
};

const Builtin* FindBuiltin(const std::string& name);
// Names of the built-in scalar functions (operators excluded), sorted.
std::vector<std::string> BuiltinFunctionNames();
void AddTemporalBuiltins(std::vector<Builtin>* out);
void AddJsonBuiltins(std::vector<Builtin>* out);
void AddCollectionBuiltins(std::vector<Builtin>* out);
void AddEncodingBuiltins(std::vector<Builtin>* out);  // encoding.cc: SHA*, ENCODE/DECODE, PRINTF

// Helpers shared by the builtin files.
bool AnyNullable(const std::vector<sql::DataType>& types);
sql::DataType StringType(const std::vector<sql::DataType>& types);
Value Fail(EvalContext& ctx, std::string message);
// "Cannot apply 'F' to arguments of type 'F(T1, T2)'" (Flink's wording for a bad signature).
absl::Status SignatureError(const BExpr& e, const std::vector<sql::DataType>& types);
bool IsNullType(const sql::DataType& t);
std::string ValueToCastString(const Value& v, const sql::DataType& from, const SessionInfo* session);
// Epoch millis of a TIMESTAMP / TIMESTAMP_LTZ value's wall clock in the session zone.
int64_t LocalMillis(const Value& v, const EvalContext& ctx);
// A SQL value serialized as JSON (JSON_STRING, JSON_OBJECT, JSON_ARRAY, JSON_*AGG).
std::string ValueToJson(const Value& v, const sql::DataType& t, const EvalContext& ctx);
// FLOOR/CEIL(temporal TO unit).
Value FloorTemporal(const Value& x, sql::TimeUnit unit, bool ceil);
// Milliseconds in one WEEK, DAY, HOUR, MINUTE, SECOND or MILLISECOND (0 for month-based units).
int64_t UnitMillis(sql::TimeUnit u);
// `v` wrapped to the width of TINYINT, SMALLINT or INT as Java's integer overflow does (BIGINT as is).
int64_t WrapTo(sql::TypeRoot r, int64_t v);

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_BUILTINS_H_
