// Name resolution and type checking (see checker.h). Principle: report an error only when the
// construct is understood and certainly wrong; anything not understood becomes a kUnchecked note
// and an unknown (TypeRoot::kRaw) type that accepts every use.
#include "flinkdbt/sql/checker.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/sql/functions.h"
#include "flinkdbt/sql/parser.h"
#include "fmt/format.h"
#include "sql/checker_scope.h"

namespace flinkdbt::sql {

const char* DiagnosticCodeName(DiagnosticCode code) {
  switch (code) {
    case DiagnosticCode::kSyntax:
      return "syntax";
    case DiagnosticCode::kUnknownRelation:
      return "unknown-relation";
    case DiagnosticCode::kUnknownColumn:
      return "unknown-column";
    case DiagnosticCode::kAmbiguousColumn:
      return "ambiguous-column";
    case DiagnosticCode::kTypeMismatch:
      return "type-mismatch";
    case DiagnosticCode::kNotGrouped:
      return "not-grouped";
    case DiagnosticCode::kNoWatermark:
      return "no-watermark";
    case DiagnosticCode::kInvalidUsage:
      return "invalid-usage";
    case DiagnosticCode::kUnchecked:
      return "unchecked";
  }
  return "unknown";
}

namespace internal {

void Checker::Report(Severity severity, DiagnosticCode code, const Span& span, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.code = code;
  d.message = std::move(message);
  d.offset = span.begin;
  d.end_offset = span.end;
  d.line = span.line;
  d.column = span.column;
  result_->diagnostics.push_back(std::move(d));
}

void Checker::Error(DiagnosticCode code, const Span& span, std::string message) {
  Report(Severity::kError, code, span, std::move(message));
}

void Checker::Unchecked(const Span& span, std::string reason) {
  unchecked_ = true;
  // One note per distinct reason keeps the output readable.
  for (const Diagnostic& d : result_->diagnostics) {
    if (d.code == DiagnosticCode::kUnchecked && d.message == reason) return;
  }
  Report(Severity::kNote, DiagnosticCode::kUnchecked, span, std::move(reason));
}

// ---------------------------------------------------------------------------------------------
// Statements

void Checker::CheckStatement(Statement& s) {
  switch (s.kind) {
    case StatementKind::kQuery:
      result_->schema = CheckQuery(*s.query, nullptr);
      return;
    case StatementKind::kCreateView:
    case StatementKind::kCreateMaterializedView:
    case StatementKind::kCreateMaterializedTable: {
      if (!s.query) return;
      std::vector<Column> cols = CheckQuery(*s.query, nullptr);
      if (!s.column_names.empty()) {
        if (s.column_names.size() != cols.size()) {
          Error(DiagnosticCode::kInvalidUsage, s.column_names[0].span,
                fmt::format("the view lists {} column names but its query returns {} columns",
                            s.column_names.size(), cols.size()));
        } else {
          for (size_t i = 0; i < cols.size(); ++i) cols[i].name = s.column_names[i].name;
        }
      }
      result_->schema = std::move(cols);
      return;
    }
    case StatementKind::kCreateTable:
      CheckCreateTable(s);
      return;
    case StatementKind::kInsert:
      CheckInsert(s);
      return;
    case StatementKind::kStatementSet:
      for (auto& st : s.statements) CheckStatement(*st);
      result_->schema.clear();
      return;
    case StatementKind::kExplain:
      if (s.inner) CheckStatement(*s.inner);
      return;
    case StatementKind::kSet:
    case StatementKind::kReset:
    case StatementKind::kUse:
    case StatementKind::kShow:
      if (s.show_what.rfind("CREATE ", 0) == 0) LookupRelationForStatement(s.name);
      return;
    case StatementKind::kDescribe:
      LookupRelationForStatement(s.name);
      return;
    case StatementKind::kDrop:
    case StatementKind::kAlterTable:
    case StatementKind::kAlterView:
    case StatementKind::kAlterMaterializedTable:
    case StatementKind::kCreateFunction:
    case StatementKind::kCreateDatabase:
    case StatementKind::kCreateCatalog:
      Unchecked(s.span, "DDL other than CREATE TABLE/VIEW is checked for syntax only");
      return;
  }
}

void Checker::LookupRelationForStatement(const ObjectName& name) {
  std::vector<std::string> parts;
  for (const auto& p : name.parts) parts.push_back(p.name);
  LookupResult r = catalog_.Lookup(parts);
  if (r.status == LookupStatus::kNotFound && options_.unknown_relation_is_error) {
    Error(DiagnosticCode::kUnknownRelation, name.span,
          fmt::format("table or view {} not found", name.ToString()));
  } else if (r.status != LookupStatus::kFound) {
    Unchecked(name.span,
              fmt::format("relation {} is not known to the catalog; not checked", name.ToString()));
  }
}

void Checker::CheckCreateTable(Statement& s) {
  // Physical and metadata columns first; computed columns and the watermark see them.
  Scope scope;
  ScopeRelation rel;
  rel.qualifier = s.name.parts.empty() ? "" : s.name.parts.back().name;
  rel.id = next_relation_id_++;
  for (const ColumnDef& c : s.columns) {
    if (c.kind != ColumnKind::kComputed) rel.columns.push_back({c.name.name, c.type, false});
  }
  if (s.like) {
    std::vector<std::string> parts;
    for (const auto& p : s.like->source.parts) parts.push_back(p.name);
    LookupResult r = catalog_.Lookup(parts);
    if (r.status == LookupStatus::kFound && r.relation->columns_known) {
      for (const CatalogColumn& c : r.relation->columns) rel.columns.push_back({c.name, c.type, c.hidden});
    } else if (r.status == LookupStatus::kNotFound && options_.unknown_relation_is_error) {
      Error(DiagnosticCode::kUnknownRelation, s.like->source.span,
            fmt::format("table {} in LIKE not found", s.like->source.ToString()));
      rel.open = true;
    } else {
      rel.open = true;
      Unchecked(s.like->source.span, "LIKE source table is not known; columns not checked");
    }
  }
  scope.relations.push_back(rel);
  for (ColumnDef& c : s.columns) {
    if (c.kind != ColumnKind::kComputed) continue;
    ExprContext ctx;
    ctx.scope = &scope;
    DataType t = CheckExpr(*c.expr, ctx);
    if (t.time_attribute == TimeAttribute::kRowtime) t.time_attribute = TimeAttribute::kNone;
    scope.relations[0].columns.push_back({c.name.name, t, false});
  }
  if (s.query) {
    // CREATE TABLE ... AS SELECT: the query's columns are the table's.
    for (const Column& c : CheckQuery(*s.query, nullptr))
      scope.relations[0].columns.push_back({c.name, c.type, false});
  }
  if (s.watermark) {
    for (auto& c : scope.relations[0].columns) {
      if (c.name == s.watermark->column.name && IsTimestamp(c.type))
        c.type.time_attribute = TimeAttribute::kRowtime;
    }
  }
  auto require_column = [&](const Identifier& id, std::string_view what) {
    if (scope.relations[0].open) return;
    for (const auto& c : scope.relations[0].columns) {
      if (c.name == id.name) return;
    }
    Error(DiagnosticCode::kUnknownColumn, id.span,
          fmt::format("{} column '{}' is not a column of the table{}", what, id.name,
                      Suggestion(id.name, scope.relations[0])));
  };
  if (s.watermark) {
    require_column(s.watermark->column, "watermark");
    ExprContext ctx;
    ctx.scope = &scope;
    DataType t = CheckExpr(*s.watermark->expr, ctx);
    if (t.root != TypeRoot::kRaw && !IsTimestamp(t) && t.root != TypeRoot::kNull) {
      Error(DiagnosticCode::kTypeMismatch, s.watermark->expr->span,
            fmt::format("the watermark expression must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), got {}",
                        TypeToSqlString(t)));
    }
  }
  if (s.primary_key) {
    for (const auto& id : s.primary_key->columns) require_column(id, "primary key");
  }
  if (s.distribution) {
    for (const auto& id : s.distribution->columns) require_column(id, "distribution");
  }
  for (const auto& id : s.partitioned_by) require_column(id, "partition");
  if (s.query && s.columns.empty()) {
    for (const auto& c : scope.relations[0].columns) result_->schema.push_back({c.name, c.type});
  } else {
    // DDL order (computed columns were appended to the scope after the others).
    for (const ColumnDef& d : s.columns) {
      for (const auto& c : scope.relations[0].columns) {
        if (c.name == d.name.name) {
          result_->schema.push_back({c.name, c.type});
          break;
        }
      }
    }
    if (s.like) {
      for (const auto& c : scope.relations[0].columns) {
        bool declared = false;
        for (const ColumnDef& d : s.columns) declared = declared || d.name.name == c.name;
        if (!declared && !c.hidden) result_->schema.push_back({c.name, c.type});
      }
    }
  }
}

void Checker::CheckInsert(Statement& s) {
  std::vector<Column> cols = CheckQuery(*s.query, nullptr);
  std::vector<std::string> parts;
  for (const auto& p : s.name.parts) parts.push_back(p.name);
  LookupResult r = catalog_.Lookup(parts);
  if (r.status == LookupStatus::kNotFound && options_.unknown_relation_is_error) {
    Error(DiagnosticCode::kUnknownRelation, s.name.span,
          fmt::format("table {} not found", s.name.ToString()));
  } else if (r.status != LookupStatus::kFound) {
    Unchecked(s.name.span,
              fmt::format("INSERT target {} is not known to the catalog; not checked", s.name.ToString()));
  } else if (r.relation->columns_known && s.column_names.empty()) {
    size_t writable = 0;
    for (const auto& c : r.relation->columns) {
      if (!c.hidden && !c.generated) ++writable;
    }
    if (writable != cols.size()) {
      Error(DiagnosticCode::kTypeMismatch, s.query->span,
            fmt::format("INSERT INTO {}: the query returns {} columns but the table has {} writable columns",
                        s.name.ToString(), cols.size(), writable));
    }
  }
  result_->schema = std::move(cols);
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// Public API

ValidationResult CheckStatement(StatementPtr statement, const Catalog& catalog,
                                const ValidateOptions& options) {
  ValidationResult result;
  internal::Checker checker(catalog, options, &result);
  checker.CheckStatement(*statement);
  result.statement = std::move(statement);
  bool error = false;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity == Severity::kError) error = true;
  }
  result.outcome = error                 ? CheckOutcome::kError
                   : checker.unchecked() ? CheckOutcome::kUnchecked
                                         : CheckOutcome::kOk;
  return result;
}

ValidationResult ValidateModelSql(std::string_view sql, const Catalog& catalog,
                                  const ValidateOptions& options) {
  absl::StatusOr<StatementPtr> parsed = ParseStatement(sql);
  if (!parsed.ok()) {
    ValidationResult result;
    result.outcome = CheckOutcome::kError;
    Diagnostic d;
    d.code = DiagnosticCode::kSyntax;
    std::string msg(parsed.status().message());
    d.message = msg;
    if (auto off = ParseErrorOffset(parsed.status())) {
      d.offset = *off;
      d.end_offset = *off;
    }
    if (auto loc = GetLocation(parsed.status())) {
      d.line = loc->line;
      d.column = loc->column;
    }
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  return CheckStatement(std::move(*parsed), catalog, options);
}

std::optional<Relation> RelationFromDdl(const ValidationResult& checked) {
  if (!checked.statement) return std::nullopt;
  const Statement& s = *checked.statement;
  Relation r;
  if (s.name.parts.empty()) return std::nullopt;
  r.name = s.name.parts.back().name;
  if (s.name.parts.size() >= 2) r.database = s.name.parts[s.name.parts.size() - 2].name;
  if (s.name.parts.size() == 3) r.catalog = s.name.parts[0].name;
  switch (s.kind) {
    case StatementKind::kCreateView:
    case StatementKind::kCreateMaterializedView:
      r.kind = RelationKind::kView;
      break;
    case StatementKind::kCreateMaterializedTable:
      r.kind = RelationKind::kMaterializedTable;
      break;
    case StatementKind::kCreateTable:
      r.kind = RelationKind::kTable;
      break;
    default:
      return std::nullopt;
  }
  for (const Column& c : checked.schema) {
    CatalogColumn cc;
    cc.name = c.name;
    cc.type = c.type;
    if (c.type.root == TypeRoot::kRaw) r.columns_known = false;
    r.columns.push_back(std::move(cc));
  }
  if (s.kind == StatementKind::kCreateTable && !s.query) {
    for (CatalogColumn& cc : r.columns) {
      for (const ColumnDef& d : s.columns) {
        if (d.name.name == cc.name) cc.generated = d.kind == ColumnKind::kComputed || d.is_virtual;
      }
    }
  }
  if (s.watermark) {
    r.watermark_column = s.watermark->column.name;
    for (CatalogColumn& cc : r.columns) {
      if (cc.name == s.watermark->column.name) cc.type.time_attribute = TimeAttribute::kRowtime;
    }
  }
  if (s.primary_key) {
    for (const auto& id : s.primary_key->columns) r.primary_key.push_back(id.name);
  }
  for (const ColumnDef& d : s.columns) {
    if (d.primary_key) r.primary_key.push_back(d.name.name);
  }
  return r;
}

absl::Status DiagnosticToStatus(const Diagnostic& d, std::string_view file,
                                const std::function<SourceLocation(size_t offset)>& map) {
  SourceLocation loc;
  if (map) {
    loc = map(d.offset);
  } else {
    loc.file = std::string(file);
    loc.line = d.line;
    loc.column = d.column;
  }
  if (loc.file.empty()) loc.file = std::string(file);
  absl::Status s = d.severity == Severity::kError ? absl::InvalidArgumentError(d.message)
                                                  : absl::FailedPreconditionError(d.message);
  return WithLocation(s, loc);
}

}  // namespace flinkdbt::sql
