// Private: the checker's scopes and the Checker class shared by checker.cc (statements),
// checker_query.cc (queries, FROM) and checker_expr.cc (expressions).
#ifndef FLINKDBT_SQL_CHECKER_SCOPE_H_
#define FLINKDBT_SQL_CHECKER_SCOPE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/sql/checker.h"

namespace flinkdbt::sql::internal {

struct ScopeColumn {
  std::string name;
  DataType type;
  bool hidden = false;  // `$rowtime`: resolvable by name, not part of *
};

// One relation of a FROM clause as the query sees it.
struct ScopeRelation {
  std::string qualifier;                // alias, or the table's last name part
  std::vector<std::string> name_parts;  // full name as written (for db.table.column)
  std::vector<ScopeColumn> columns;
  bool open = false;  // columns unknown: every reference resolves to kRaw
  int id = 0;         // identity for GROUP BY matching
  bool is_window_tvf = false;
};

struct Scope {
  std::vector<ScopeRelation> relations;
  const Scope* parent = nullptr;
  bool has_using = false;
  // MATCH_RECOGNIZE: pattern variables that qualify the input relation (relations[0]).
  std::vector<std::string> pattern_variables;
};

// Where an expression sits, which decides what it may contain.
struct ExprContext {
  const Scope* scope = nullptr;
  bool allow_aggregates = false;
  bool in_aggregate = false;
  bool in_match = false;  // MATCH_RECOGNIZE MEASURES / DEFINE
  bool found_aggregate = false;
  // Output columns of the current SELECT (ORDER BY may name them).
  const std::vector<Column>* select_output = nullptr;
};

struct ResolvedColumn {
  int depth = -1;
  int relation = -1;
  int column = -1;
  int fields = 0;
  DataType type;
  bool open = false;
};

class Checker {
 public:
  Checker(const Catalog& catalog, const ValidateOptions& options, ValidationResult* result)
      : catalog_(catalog), options_(options), result_(result) {}

  void CheckStatement(Statement& s);
  bool unchecked() const { return unchecked_; }

  // --- diagnostics
  void Report(Severity severity, DiagnosticCode code, const Span& span, std::string message);
  void Error(DiagnosticCode code, const Span& span, std::string message);
  void Unchecked(const Span& span, std::string reason);

  // --- statements (checker.cc)
  void CheckCreateTable(Statement& s);
  void CheckInsert(Statement& s);
  void LookupRelationForStatement(const ObjectName& name);

  // --- queries (checker_query.cc)
  std::vector<Column> CheckQuery(Query& q, const Scope* outer);
  std::vector<Column> CheckQueryBody(Query& q, const Scope* outer);
  std::vector<Column> CheckSelect(Query& q, const Scope* outer);
  std::vector<Column> CheckValues(Query& q, const Scope* outer);
  std::vector<Column> CheckSetOp(Query& q, const Scope* outer);
  void CheckFrom(TableRef& t, Scope* scope, const Scope* outer, std::vector<Expr*>* deferred);
  ScopeRelation ResolveNamedRelation(const std::vector<Identifier>& name, const Span& span, bool* found);
  void CheckWindowTvf(TableRef& t, Scope* scope, const Scope* outer);
  void CheckUnnest(TableRef& t, Scope* scope);
  void CheckMatchRecognize(TableRef& t, Scope* scope, const Scope* outer);
  void CheckGrouping(Query& q, const Scope& scope, const std::vector<const Expr*>& grouped);
  void ApplyAlias(const TableRef& t, ScopeRelation* rel);

  // --- expressions (checker_expr.cc)
  DataType CheckExpr(Expr& e, ExprContext& ctx);
  DataType CheckExprInner(Expr& e, ExprContext& ctx);
  DataType CheckColumnRef(Expr& e, ExprContext& ctx);
  DataType CheckFunction(Expr& e, ExprContext& ctx);
  DataType CheckBinary(Expr& e, ExprContext& ctx);
  void CheckWindowSpec(WindowSpec& w, ExprContext& ctx);
  void RequireBoolean(const Expr& e, const DataType& t, std::string_view where);
  void RequireComparable(const Expr& e, const DataType& a, const DataType& b);
  bool Resolve(const std::vector<Identifier>& names, const Scope* scope, ResolvedColumn* out,
               std::string* error, bool* ambiguous);
  std::string Suggestion(const std::string& name, const ScopeRelation& rel) const;
  std::string SuggestionInScope(const std::string& name, const Scope* scope) const;
  static bool ScopeIsOpen(const Scope* scope);

  // CTEs visible at this point, innermost last.
  std::vector<absl::flat_hash_map<std::string, std::vector<Column>>> ctes_;

  const Catalog& catalog_;
  const ValidateOptions& options_;
  ValidationResult* result_;
  bool unchecked_ = false;
  int next_relation_id_ = 1;
};

DataType Raw();
bool IsRaw(const DataType& t);

}  // namespace flinkdbt::sql::internal

#endif  // FLINKDBT_SQL_CHECKER_SCOPE_H_
