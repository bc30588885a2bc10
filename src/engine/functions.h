// Internal: the engine's function catalog. Binds a call by name (built-in scalar functions and
// operators) to a typed BExpr with its evaluator, and describes the aggregate functions.
#ifndef FLINKDBT_ENGINE_FUNCTIONS_H_
#define FLINKDBT_ENGINE_FUNCTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan.h"

namespace flinkdbt::engine {

BExprPtr MakeConst(Value v, sql::DataType t);
BExprPtr MakeInput(int index, sql::DataType t);
BExprPtr MakeCast(BExprPtr arg, sql::DataType to, bool try_cast = false);

// Extra syntax a call carries (units, trim spec, JSON clauses) for functions that need it.
struct CallSyntax {
  sql::TimeUnit unit = sql::TimeUnit::kNone;
  std::string trim_spec;
  bool floor_ceil_to = false;
  std::string json_wrapper;
  std::vector<std::string> json_behaviors;  // "<KEYWORD> ON <TARGET>"
  std::vector<BExprPtr> json_defaults;      // parallel to json_behaviors (null when not DEFAULT)
  bool has_returning = false;
  sql::DataType returning;
  std::string json_type;  // IS JSON <type>
};

// Binds `name` (upper-case) applied to `args`; errors name the function and argument types.
absl::StatusOr<BExprPtr> BindCall(const std::string& name, std::vector<BExprPtr> args, CallSyntax syntax);

std::optional<AggFn> AggregateFunction(const std::string& upper_name);
absl::StatusOr<sql::DataType> AggregateResultType(AggFn fn, const std::vector<sql::DataType>& args);

// Literal -> constant.
absl::StatusOr<BExprPtr> BindLiteral(const sql::Literal& lit);
absl::StatusOr<BExprPtr> BindIntervalLiteral(const sql::Expr& e);

// Arithmetic on values of the given types (used by aggregates too).
Value AddValues(const Value& a, const Value& b, const sql::DataType& result);

// Timezone conversions.
int64_t UtcOffsetMillis(const std::string& zone, int64_t epoch_millis);

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_FUNCTIONS_H_
