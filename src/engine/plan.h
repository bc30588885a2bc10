// Internal: bound expressions and the physical plan the binder (binder.cc) builds from the sql
// layer's AST and the executor (exec.cc) runs. Every plan node consumes and produces a changelog.
#ifndef FLINKDBT_ENGINE_PLAN_H_
#define FLINKDBT_ENGINE_PLAN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "flinkdbt/engine/catalog.h"
#include "flinkdbt/engine/value.h"
#include "flinkdbt/sql/ast.h"
#include "flinkdbt/sql/types.h"

namespace flinkdbt::engine {

struct PlanNode;
struct BExpr;
using BExprPtr = std::unique_ptr<BExpr>;
using PlanPtr = std::shared_ptr<PlanNode>;
struct EvalContext;

using ScalarFn = Value (*)(const std::vector<Value>& args, const BExpr& self, EvalContext& ctx);

// A bound (resolved, typed) expression.
struct BExpr {
  enum class Kind {
    kConst,
    kInput,  // index into the current row
    kOuter,  // depth (1 = enclosing query), index
    kCall,   // fn(args); strict: any NULL argument gives NULL without calling fn
    kAnd,
    kOr,
    kNot,
    kCase,        // args: when0, then0, when1, then1, ..., [else]
    kCast,        // args[0] to `type`; try_cast
    kInSubquery,  // args[0] IN (plan)
    kExists,
    kScalarSubquery,
    kQuantified,  // args[0] op ALL/ANY (plan)
  };
  Kind kind = Kind::kConst;
  sql::DataType type;
  Value value;    // kConst
  int index = 0;  // kInput / kOuter
  int depth = 0;  // kOuter
  std::vector<BExprPtr> args;
  ScalarFn fn = nullptr;
  bool strict = true;
  bool try_cast = false;
  bool negated = false;
  bool has_else = false;
  std::string name;               // function name, operator, json options...
  std::vector<std::string> strs;  // extra string options (JSON behaviours, units)
  int64_t i0 = 0, i1 = 0;         // extra integer options
  PlanPtr subquery;
  bool correlated = false;
  mutable std::shared_ptr<void> cache;  // per-expression cache (compiled regex, uncorrelated subquery result)
};

// Evaluation state shared by all expressions of one statement.
struct SessionInfo {
  std::string time_zone = "UTC";
  int64_t now_millis = 0;
};

class Executor;

struct EvalContext {
  const SessionInfo* session = nullptr;
  Executor* executor = nullptr;
  std::vector<const Row*> outer;  // outer rows, innermost last
  absl::Status error;
  void Fail(absl::Status s) {
    if (error.ok()) error = std::move(s);
  }
};

Value Eval(const BExpr& e, const Row& row, EvalContext& ctx);
// TRUE only (NULL and FALSE filter out).
inline bool EvalPredicate(const BExpr& e, const Row& row, EvalContext& ctx) {
  Value v = Eval(e, row, ctx);
  return v.kind() == ValueKind::kBool && v.bool_value();
}

// Casts `v` of type `from` to `to`; on failure sets ctx.error unless `try_cast` (then NULL).
Value CastValue(const Value& v, const sql::DataType& from, const sql::DataType& to, bool try_cast,
                EvalContext& ctx);

// Window attributes a column can carry (window TVF output columns).
enum class WindowAttr : uint8_t { kNone, kStart, kEnd, kTime };

struct PlanColumn {
  std::string name;
  sql::DataType type;
  bool hidden = false;  // `$rowtime`: resolvable by name, not part of *
  WindowAttr window = WindowAttr::kNone;
};

enum class AggFn {
  kCount,
  kCountStar,
  kSum,
  kSum0,
  kAvg,
  kMin,
  kMax,
  kFirstValue,
  kLastValue,
  kListAgg,
  kStddevPop,
  kStddevSamp,
  kVarPop,
  kVarSamp,
  kCollect,
  kBoolAnd,
  kBoolOr,
  kJsonArrayAgg,
  kJsonObjectAgg,
  kBitAnd,
  kBitOr,
  kBitXor,
  kPercentile
};

struct AggCall {
  AggFn fn = AggFn::kCount;
  std::vector<BExprPtr> args;  // over the aggregate's input
  BExprPtr filter;             // FILTER (WHERE ...)
  bool distinct = false;
  sql::DataType type;  // result type
  std::string separator = ",";
};

enum class WindowKind { kTumble, kHop, kCumulate, kSession };

struct OverCall {
  std::string fn;  // ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD, or an aggregate
  AggFn agg = AggFn::kCount;
  std::vector<BExprPtr> args;
  sql::DataType type;
  std::vector<BExprPtr> partition_by;
  std::vector<BExprPtr> order_by;
  std::vector<bool> descending;
  std::vector<int> nulls;  // 0 default, 1 first, 2 last
  sql::FrameUnit frame_unit = sql::FrameUnit::kNone;
  sql::FrameBoundKind start_kind = sql::FrameBoundKind::kUnboundedPreceding;
  sql::FrameBoundKind end_kind = sql::FrameBoundKind::kCurrentRow;
  int64_t start_offset = 0, end_offset = 0;  // rows, or millis for RANGE
  bool distinct = false;
};

struct PlanNode {
  enum class Kind {
    kValues,   // rows of constant expressions
    kScan,     // a catalog table (its changelog) or a connector
    kProject,  // exprs
    kFilter,   // predicate
    kJoin,
    kAggregate,
    kWindowTvf,
    kOver,  // appends window function columns
    kRank,  // ROW_NUMBER Top-N / dedup (incremental)
    kSetOp,
    kSort,    // ORDER BY / LIMIT / OFFSET over the final table
    kUnnest,  // cross join with UNNEST of an array/map column
    kEmpty,
  };
  Kind kind = Kind::kValues;
  std::vector<PlanColumn> columns;
  std::vector<PlanPtr> inputs;

  // kValues
  std::vector<std::vector<BExprPtr>> rows;
  // kScan
  std::shared_ptr<CatalogObject> table;
  std::vector<BExprPtr> computed;  // one per output column: null = stored column at `scan_index`
  std::vector<int> scan_index;     // physical column index (or -1 for $rowtime / computed)
  // kProject / kFilter / kSort keys
  std::vector<BExprPtr> exprs;
  BExprPtr predicate;
  // kJoin
  sql::JoinType join_type = sql::JoinType::kInner;
  std::vector<BExprPtr> left_keys, right_keys;  // equi-join keys (over each side)
  BExprPtr condition;                           // over the concatenated row
  bool semi = false, anti = false;              // (unused: subqueries evaluate per row)
  bool emit_at_end = false;                     // window/interval join: outer rows at end, insert-only
  bool interval_join = false;                   // time-bounded on both sides' rowtime attributes
  // kAggregate
  std::vector<BExprPtr> group_keys;
  std::vector<std::vector<int>> grouping_sets;  // indices into group_keys; empty = plain GROUP BY
  std::vector<AggCall> aggs;
  bool has_grouping_id = false;  // appends a GROUPING bitmask column (internal)
  // kWindowTvf
  WindowKind window_kind = WindowKind::kTumble;
  int time_column = 0;
  int64_t size = 0, slide = 0, offset = 0;  // millis (slide = hop slide / cumulate step / session gap)
  std::vector<int> partition_columns;
  // kOver
  std::vector<OverCall> overs;
  // kRank
  std::vector<BExprPtr> partition_keys;
  std::vector<BExprPtr> order_keys;
  std::vector<bool> order_desc;
  std::vector<int> order_nulls;
  int64_t rank_limit = -1;  // only ranks <= limit are tracked (-1: all)
  std::string rank_fn = "ROW_NUMBER";
  // kSetOp
  sql::SetOpKind set_op = sql::SetOpKind::kUnion;
  bool set_all = false;
  // kSort
  std::vector<bool> sort_desc;
  std::vector<int> sort_nulls;
  int64_t limit = -1, offset_rows = 0;
  // kUnnest: expr over the input row giving an array/map; with_ordinality
  bool with_ordinality = false;

  // Emits only at end of input (window aggregation / window rank): insert-only output.
  bool window_aligned = false;
};

class Executor {
 public:
  explicit Executor(const SessionInfo* session) : session_(session) {}
  // Runs `plan` to completion; `outer` carries correlated rows for subqueries.
  absl::Status Run(const PlanNode& plan, std::vector<const Row*> outer, std::vector<Change>* out);
  // The final table of a changelog (multiset of rows).
  static std::vector<Row> Materialize(const std::vector<Change>& changes);
  const SessionInfo* session() const { return session_; }

 private:
  const SessionInfo* session_;
};

// Flink's SQL-client timestamp text of an LTZ instant in `zone`.
int64_t UtcOffsetMillis(const std::string& zone, int64_t epoch_millis);
// Epoch millis of a wall-clock local time in `zone`.
int64_t LocalToUtcMillis(const std::string& zone, int64_t local_millis);

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_PLAN_H_
