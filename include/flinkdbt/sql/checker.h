// Name resolution and type checking of Flink SQL against a Catalog, and the single call the
// compile layer makes per model: ValidateModelSql().
//
// The checker resolves relations (catalog tables and views, CTEs, subqueries, window TVFs,
// UNNEST, MATCH_RECOGNIZE), columns (including `$rowtime` and window_start/window_end/window_time),
// derives every expression's Flink type (stored in Expr::type) and every query's output schema
// (Query::output_schema), and reports, each with its position in the SQL text:
//   syntax errors, unknown relations, unknown columns, type mismatches, non-aggregated columns
//   outside GROUP BY, window TVFs on a column without a watermark.
// It never rejects valid Flink SQL it does not understand: such a statement's outcome is
// kUnchecked, with the reason in a note. Thread-safe: checks share nothing but the const Catalog.
#ifndef FLINKDBT_SQL_CHECKER_H_
#define FLINKDBT_SQL_CHECKER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/sql/ast.h"
#include "flinkdbt/sql/catalog.h"

namespace flinkdbt::sql {

enum class Severity { kError, kWarning, kNote };

// Stable identifiers of what went wrong (for tests and tooling).
enum class DiagnosticCode {
  kSyntax,
  kUnknownRelation,
  kUnknownColumn,
  kAmbiguousColumn,
  kTypeMismatch,
  kNotGrouped,
  kNoWatermark,
  kInvalidUsage,
  kUnchecked,  // a note: what the checker could not check
};
const char* DiagnosticCodeName(DiagnosticCode code);

struct Diagnostic {
  Severity severity = Severity::kError;
  DiagnosticCode code = DiagnosticCode::kSyntax;
  std::string message;
  // Position in the SQL text that was checked: byte offsets [offset, end_offset), and the 1-based
  // line and code-point column of `offset`.
  size_t offset = 0;
  size_t end_offset = 0;
  int line = 0;
  int column = 0;
};

enum class CheckOutcome {
  kOk,         // fully checked, no errors
  kError,      // at least one error diagnostic
  kUnchecked,  // no errors found, but some part could not be checked (see the kUnchecked notes)
};

struct ValidateOptions {
  // What an unknown relation is when the catalog says kNotFound: an error (local target, where
  // every relation must exist) or merely unchecked. kUnknown lookups are always unchecked.
  bool unknown_relation_is_error = true;
  // Confluent Cloud: every table (not view) has the system column `$rowtime`
  // (TIMESTAMP_LTZ(3) NOT NULL *ROWTIME*, not part of *). When true, catalog tables that do not
  // list it get it, so models selecting `$rowtime` from project tables are not rejected.
  bool confluent_system_columns = false;
};

struct ValidationResult {
  CheckOutcome outcome = CheckOutcome::kOk;
  std::vector<Diagnostic> diagnostics;
  // The output columns (names and Flink types) of the statement's query: the SELECT of a model,
  // the query of CREATE ... AS / INSERT; empty for statements without one. Columns whose type
  // could not be derived have TypeRoot::kRaw.
  std::vector<Column> schema;
  // The parsed and annotated statement (null after a syntax error); owned by the result and
  // immutable once returned.
  StatementPtr statement;

  bool ok() const { return outcome != CheckOutcome::kError; }
};

// Parses `sql` (exactly one statement, typically a compiled model's SELECT) and checks it against
// `catalog`. Never fails as a call: problems are diagnostics.
ValidationResult ValidateModelSql(std::string_view sql, const Catalog& catalog,
                                  const ValidateOptions& options = {});

// Checks an already parsed statement in place (annotating it); diagnostics as above, with
// positions taken from the tree's spans.
ValidationResult CheckStatement(StatementPtr statement, const Catalog& catalog,
                                const ValidateOptions& options = {});

// The relation a CREATE TABLE / CREATE [TEMPORARY] VIEW / CREATE MATERIALIZED TABLE statement
// defines (columns from its DDL or its checked query; watermark column marked *ROWTIME*), for
// adding to an InMemoryCatalog. `checked` must come from CheckStatement/ValidateModelSql.
std::optional<Relation> RelationFromDdl(const ValidationResult& checked);

// Converts a diagnostic to a Status whose SourceLocation is in the caller's file: `map` turns a
// byte offset in the checked SQL into a location in the user's file (e.g. the model file the SQL
// was compiled from); without it the location is the SQL text's own line and column in `file`.
absl::Status DiagnosticToStatus(const Diagnostic& diagnostic, std::string_view file,
                                const std::function<SourceLocation(size_t offset)>& map = nullptr);

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_CHECKER_H_
