// Flink's built-in function catalog as the checker uses it: each function's kind (scalar,
// aggregate, window/ranking, table), arity, a signature line for messages, and its result-type
// rule (Flink's semantics from the Flink and Confluent function references: e.g. SUM(INT) is INT,
// SUM(DECIMAL(p, s)) is DECIMAL(38, s), AVG(BIGINT) is BIGINT, COUNT is BIGINT NOT NULL).
//
// The table is immutable static data; lookups are thread-safe. Names are matched upper-case.
#ifndef FLINKDBT_SQL_FUNCTIONS_H_
#define FLINKDBT_SQL_FUNCTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "flinkdbt/sql/ast.h"
#include "flinkdbt/sql/types.h"

namespace flinkdbt::sql {

enum class FunctionKind {
  kScalar,
  kAggregate,  // usable with GROUP BY and OVER
  kWindow,     // ranking / offset functions that need OVER (ROW_NUMBER, RANK, LAG, ...)
  kTable,      // table-valued (window TVFs)
  kMatch,      // MATCH_RECOGNIZE navigation and helpers (FIRST, LAST, PREV, NEXT, CLASSIFIER, ...)
};

// What a result-type rule returns: the type, or a type-mismatch message (`error` non-empty).
struct TypeResult {
  DataType type;
  std::string error;
};

// The argument types (already checked; TypeRoot::kRaw stands for "unknown") and the call itself
// (for literal arguments, units, RETURNING types).
using ResultTypeRule = TypeResult (*)(const std::vector<DataType>& args, const Expr& call);

struct FunctionInfo {
  std::string_view name;
  FunctionKind kind;
  int min_args;
  int max_args;  // -1: variadic
  ResultTypeRule rule;
  std::string_view signature;  // e.g. "SUBSTRING(string FROM start [FOR length])"
};

// The built-in named `upper_name` (upper-case), or nullptr (possibly a user-defined function).
const FunctionInfo* FindFunction(std::string_view upper_name);

// Every built-in, for documentation and tests.
const std::vector<FunctionInfo>& AllFunctions();

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_FUNCTIONS_H_
