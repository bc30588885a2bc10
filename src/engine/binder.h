// Internal: turns the sql layer's AST into an executable plan (plan.h): name resolution against
// the catalog and the query's scopes, types, aggregates, window TVFs, OVER windows, subqueries.
#ifndef FLINKDBT_ENGINE_BINDER_H_
#define FLINKDBT_ENGINE_BINDER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/engine/catalog.h"
#include "flinkdbt/sql/ast.h"

namespace flinkdbt::engine {

struct ScopeColumn {
  std::string qualifier;  // table alias or name
  std::string name;
  sql::DataType type;
  int index = 0;
  bool hidden = false;
  WindowAttr window = WindowAttr::kNone;
};

struct Scope {
  std::vector<ScopeColumn> cols;
  const Scope* parent = nullptr;
};

struct CteDef {
  const sql::Cte* cte = nullptr;
  std::string_view text;
};

class Binder {
 public:
  Binder(Catalog& catalog, std::string_view text, const SessionInfo& session)
      : catalog_(catalog), text_(text), session_(session) {}

  absl::StatusOr<PlanPtr> BindQuery(const sql::Query& q, const Scope* outer);
  // Binds an expression over a plan's columns (computed columns, watermarks, defaults).
  absl::StatusOr<BExprPtr> BindScalar(const sql::Expr& e, const Scope& scope);
  // The relation a catalog object exposes (table scan, or view expansion).
  absl::StatusOr<PlanPtr> BindObject(const std::shared_ptr<CatalogObject>& obj, const sql::Span& span);

  absl::Status Error(const sql::Span& span, std::string_view message) const;
  std::string TextOf(const sql::Span& span) const;

  std::map<std::string, CteDef> ctes;

 private:
  struct AggState;
  struct FromResult {
    PlanPtr plan;
    Scope scope;
  };
  absl::StatusOr<PlanPtr> BindSelect(const sql::Query& q, const Scope* outer);
  absl::StatusOr<FromResult> BindFrom(const sql::TableRef& ref, const Scope* outer);
  absl::StatusOr<FromResult> BindTableFunction(const sql::TableRef& ref, const Scope* outer);
  absl::StatusOr<BExprPtr> Bind(const sql::Expr& e, const Scope& scope, AggState* agg);
  absl::StatusOr<BExprPtr> BindColumnRef(const sql::Expr& e, const Scope& scope);
  absl::StatusOr<BExprPtr> BindFunction(const sql::Expr& e, const Scope& scope, AggState* agg);
  absl::StatusOr<BExprPtr> BindSubqueryExpr(const sql::Expr& e, const Scope& scope, AggState* agg);
  absl::StatusOr<PlanPtr> ApplyOrderLimit(const sql::Query& q, PlanPtr plan, const Scope* outer,
                                          const Scope* select_scope);

  Catalog& catalog_;
  std::string_view text_;
  const SessionInfo& session_;
};

// Normalized source text of an expression (whitespace collapsed), used to match GROUP BY keys.
std::string NormalizeSql(std::string_view text);

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_BINDER_H_
