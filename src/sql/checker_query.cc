// Queries and FROM clauses of the checker (see checker_scope.h).
#include <algorithm>

#include "flinkdbt/sql/functions.h"
#include "flinkdbt/sql/printer.h"
#include "fmt/format.h"
#include "sql/checker_scope.h"

namespace flinkdbt::sql::internal {
namespace {

std::string UpperName(const std::string& s) {
  std::string u = s;
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return u;
}

// The name Flink gives an unaliased select item: a column reference's (last) name, a field
// access's field, otherwise EXPR$<ordinal>.
std::string DeriveName(const Expr& e, size_t ordinal) {
  if (e.kind == ExprKind::kColumnRef && !e.names.empty()) return e.names.back().name;
  if (e.kind == ExprKind::kFieldAccess && !e.names.empty()) return e.names.back().name;
  return fmt::format("EXPR${}", ordinal);
}

bool IsAggregateCall(const Expr& e) {
  if (e.kind != ExprKind::kFunction || e.detail->over || e.detail->function_name.parts.size() != 1)
    return false;
  const FunctionInfo* f = FindFunction(UpperName(e.detail->function_name.parts[0].name));
  return f != nullptr && f->kind == FunctionKind::kAggregate;
}

}  // namespace

std::vector<Column> Checker::CheckQuery(Query& q, const Scope* outer) {
  bool pushed = false;
  if (!q.with.empty()) {
    ctes_.emplace_back();
    pushed = true;
    for (Cte& cte : q.with) {
      std::vector<Column> cols = CheckQuery(*cte.query, outer);
      if (!cte.columns.empty()) {
        if (cte.columns.size() != cols.size()) {
          Error(DiagnosticCode::kInvalidUsage, cte.span,
                fmt::format("WITH {} lists {} column names but its query returns {} columns", cte.name.name,
                            cte.columns.size(), cols.size()));
        } else {
          for (size_t i = 0; i < cols.size(); ++i) cols[i].name = cte.columns[i].name;
        }
      }
      ctes_.back()[cte.name.name] = std::move(cols);
    }
  }
  std::vector<Column> out = CheckQueryBody(q, outer);
  if (pushed) ctes_.pop_back();
  q.output_schema = out;
  return out;
}

std::vector<Column> Checker::CheckQueryBody(Query& q, const Scope* outer) {
  std::vector<Column> out;
  switch (q.kind) {
    case QueryKind::kSelect:
      out = CheckSelect(q, outer);
      break;
    case QueryKind::kValues:
      out = CheckValues(q, outer);
      break;
    case QueryKind::kSetOp:
      out = CheckSetOp(q, outer);
      break;
  }
  if (q.kind != QueryKind::kSelect) {
    // ORDER BY over a set operation / VALUES names output columns.
    Scope scope;
    ScopeRelation rel;
    rel.id = next_relation_id_++;
    for (const Column& c : out) rel.columns.push_back({c.name, c.type, false});
    scope.relations.push_back(std::move(rel));
    scope.parent = outer;
    for (OrderItem& o : q.order_by) {
      ExprContext ctx;
      ctx.scope = &scope;
      CheckExpr(*o.expr, ctx);
    }
  }
  ExprContext ctx;
  Scope empty;
  empty.parent = outer;
  ctx.scope = &empty;
  for (Expr* e : {q.limit.get(), q.offset.get()}) {
    if (!e) continue;
    DataType t = CheckExpr(*e, ctx);
    if (!IsRaw(t) && !IsIntegral(t) && t.root != TypeRoot::kNull) {
      Error(DiagnosticCode::kTypeMismatch, e->span,
            fmt::format("LIMIT/OFFSET must be an integer, got {}", TypeToSqlString(t)));
    }
  }
  return out;
}

std::vector<Column> Checker::CheckValues(Query& q, const Scope* outer) {
  Scope empty;
  empty.parent = outer;
  size_t width = q.rows.empty() ? 0 : q.rows[0].size();
  std::vector<std::vector<DataType>> column_types(width);
  for (auto& row : q.rows) {
    if (row.size() != width) {
      Error(DiagnosticCode::kInvalidUsage, row.empty() ? q.span : row[0]->span,
            fmt::format("VALUES rows must all have {} values, this one has {}", width, row.size()));
      continue;
    }
    for (size_t i = 0; i < row.size(); ++i) {
      ExprContext ctx;
      ctx.scope = &empty;
      column_types[i].push_back(CheckExpr(*row[i], ctx));
    }
  }
  std::vector<Column> out;
  for (size_t i = 0; i < width; ++i) {
    bool raw = false;
    for (const auto& t : column_types[i]) raw = raw || IsRaw(t);
    std::optional<DataType> common = raw ? std::optional<DataType>(Raw()) : FindCommonType(column_types[i]);
    if (!common) {
      Error(DiagnosticCode::kTypeMismatch, q.span,
            fmt::format("VALUES column {} has no common type across its rows", i + 1));
      common = Raw();
    }
    out.push_back({fmt::format("EXPR${}", i), *common});
  }
  return out;
}

std::vector<Column> Checker::CheckSetOp(Query& q, const Scope* outer) {
  std::vector<Column> left = CheckQuery(*q.left, outer);
  std::vector<Column> right = CheckQuery(*q.right, outer);
  const char* op = q.set_op == SetOpKind::kUnion       ? "UNION"
                   : q.set_op == SetOpKind::kIntersect ? "INTERSECT"
                                                       : "EXCEPT";
  if (left.size() != right.size()) {
    Error(DiagnosticCode::kTypeMismatch, q.right->span,
          fmt::format("{}: the left query returns {} columns but the right query returns {}", op, left.size(),
                      right.size()));
    return left;
  }
  std::vector<Column> out;
  for (size_t i = 0; i < left.size(); ++i) {
    if (IsRaw(left[i].type) || IsRaw(right[i].type)) {
      out.push_back({left[i].name, Raw()});
      continue;
    }
    auto common = FindCommonType({left[i].type, right[i].type});
    if (!common) {
      Error(DiagnosticCode::kTypeMismatch, q.right->span,
            fmt::format("{}: column {} ('{}') is {} on the left but {} on the right", op, i + 1, left[i].name,
                        TypeToSqlString(left[i].type), TypeToSqlString(right[i].type)));
      common = Raw();
    }
    out.push_back({left[i].name, *common});
  }
  return out;
}

void Checker::ApplyAlias(const TableRef& t, ScopeRelation* rel) {
  if (t.alias) rel->qualifier = t.alias->name;
  if (t.column_aliases.empty()) return;
  if (rel->open) {
    rel->columns.clear();
    for (const auto& id : t.column_aliases) rel->columns.push_back({id.name, Raw(), false});
    return;
  }
  std::vector<ScopeColumn*> visible;
  for (auto& c : rel->columns) {
    if (!c.hidden) visible.push_back(&c);
  }
  if (visible.size() != t.column_aliases.size()) {
    Error(DiagnosticCode::kInvalidUsage, t.column_aliases[0].span,
          fmt::format("{} column aliases given for a relation with {} columns", t.column_aliases.size(),
                      visible.size()));
    return;
  }
  for (size_t i = 0; i < visible.size(); ++i) visible[i]->name = t.column_aliases[i].name;
}

ScopeRelation Checker::ResolveNamedRelation(const std::vector<Identifier>& name, const Span& span,
                                            bool* found) {
  ScopeRelation rel;
  rel.id = next_relation_id_++;
  for (const auto& p : name) rel.name_parts.push_back(p.name);
  rel.qualifier = name.empty() ? "" : name.back().name;
  *found = false;
  if (name.size() == 1) {
    for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
      auto c = it->find(name[0].name);
      if (c != it->end()) {
        for (const Column& col : c->second) rel.columns.push_back({col.name, col.type, false});
        *found = true;
        return rel;
      }
    }
  }
  LookupResult r = catalog_.Lookup(rel.name_parts);
  std::string printed;
  for (size_t i = 0; i < name.size(); ++i) {
    printed += (i ? "." : "") + (name[i].quoted ? QuoteIdentifier(name[i].name) : name[i].name);
  }
  if (r.status == LookupStatus::kFound) {
    *found = true;
    if (!r.relation->columns_known) {
      rel.open = true;
      Unchecked(span,
                fmt::format("the columns of {} are not known; references to it are not checked", printed));
    }
    for (const CatalogColumn& c : r.relation->columns) rel.columns.push_back({c.name, c.type, c.hidden});
    if (options_.confluent_system_columns && r.relation->kind != RelationKind::kView &&
        r.relation->FindColumn("$rowtime") == nullptr) {
      DataType rowtime = DataType::TimestampLtz(3, false);
      rowtime.time_attribute = TimeAttribute::kRowtime;
      rel.columns.push_back({"$rowtime", rowtime, true});
    }
    return rel;
  }
  rel.open = true;
  if (r.status == LookupStatus::kNotFound && options_.unknown_relation_is_error) {
    Error(DiagnosticCode::kUnknownRelation, span, fmt::format("table or view {} not found", printed));
  } else {
    Unchecked(span,
              fmt::format("relation {} is not known here; it and its columns are not checked", printed));
  }
  return rel;
}

void Checker::CheckFrom(TableRef& t, Scope* scope, const Scope* outer, std::vector<Expr*>* deferred) {
  switch (t.kind) {
    case TableRefKind::kNamed: {
      bool found = false;
      ScopeRelation rel = ResolveNamedRelation(t.name.parts, t.name.span, &found);
      ApplyAlias(t, &rel);
      if (t.system_time) deferred->push_back(t.system_time.get());
      scope->relations.push_back(std::move(rel));
      break;
    }
    case TableRefKind::kSubquery: {
      // LATERAL subqueries see the relations to their left.
      std::vector<Column> cols = CheckQuery(*t.subquery, t.lateral ? scope : outer);
      ScopeRelation rel;
      rel.id = next_relation_id_++;
      for (const Column& c : cols) rel.columns.push_back({c.name, c.type, false});
      ApplyAlias(t, &rel);
      scope->relations.push_back(std::move(rel));
      break;
    }
    case TableRefKind::kJoin: {
      CheckFrom(*t.left, scope, outer, deferred);
      size_t left_end = scope->relations.size();
      CheckFrom(*t.right, scope, outer, deferred);
      auto make_nullable = [&](size_t from, size_t to) {
        for (size_t i = from; i < to; ++i) {
          for (auto& c : scope->relations[i].columns) c.type.nullable = true;
        }
      };
      if (t.join_type == JoinType::kLeft || t.join_type == JoinType::kFull) {
        make_nullable(left_end, scope->relations.size());
      }
      if (t.join_type == JoinType::kRight || t.join_type == JoinType::kFull) make_nullable(0, left_end);
      if (t.on) {
        ExprContext ctx;
        ctx.scope = scope;
        DataType ty = CheckExpr(*t.on, ctx);
        RequireBoolean(*t.on, ty, "the join condition (ON)");
      }
      if (!t.using_columns.empty()) {
        scope->has_using = true;
        for (const Identifier& id : t.using_columns) {
          for (size_t side = 0; side < 2; ++side) {
            size_t from = side == 0 ? 0 : left_end, to = side == 0 ? left_end : scope->relations.size();
            bool found = false, open = false;
            for (size_t i = from; i < to; ++i) {
              open = open || scope->relations[i].open;
              for (const auto& c : scope->relations[i].columns) found = found || c.name == id.name;
            }
            if (!found && !open) {
              Error(DiagnosticCode::kUnknownColumn, id.span,
                    fmt::format("column '{}' in USING is not a column of the {} side of the join", id.name,
                                side == 0 ? "left" : "right"));
            }
          }
        }
      }
      if (t.natural) scope->has_using = true;
      break;
    }
    case TableRefKind::kTableFunction:
      CheckWindowTvf(t, scope, outer);
      break;
    case TableRefKind::kUnnest:
      CheckUnnest(t, scope);
      break;
    case TableRefKind::kMatchRecognize:
      CheckMatchRecognize(t, scope, outer);
      break;
  }
}

void Checker::CheckWindowTvf(TableRef& t, Scope* scope, const Scope* outer) {
  (void)outer;
  Expr& call = *t.call;
  std::string fn =
      call.detail->function_name.parts.size() == 1 ? UpperName(call.detail->function_name.parts[0].name) : "";
  bool is_window = fn == "TUMBLE" || fn == "HOP" || fn == "CUMULATE" || fn == "SESSION";
  if (!is_window) {
    // A user-defined table function: check its arguments, trust its column aliases.
    ExprContext ctx;
    ctx.scope = scope;
    for (auto& a : call.args) CheckExpr(*a, ctx);
    Unchecked(call.span, fmt::format("table function {} is not a built-in; its columns are not checked",
                                     call.detail->function_name.ToString()));
    ScopeRelation rel;
    rel.id = next_relation_id_++;
    rel.open = true;
    ApplyAlias(t, &rel);
    scope->relations.push_back(std::move(rel));
    return;
  }
  // Arguments by position or by name (DATA, TIMECOL, SIZE, SLIDE, STEP, GAP, OFFSET).
  Expr* data = nullptr;
  Expr* timecol = nullptr;
  std::vector<Expr*> intervals;
  for (size_t i = 0; i < call.args.size(); ++i) {
    std::string name = i < call.detail->arg_names.size() ? UpperName(call.detail->arg_names[i]) : "";
    Expr* a = call.args[i].get();
    if (name == "DATA" || (name.empty() && a->kind == ExprKind::kTableArg && !data)) {
      data = a;
    } else if (name == "TIMECOL" || (name.empty() && a->kind == ExprKind::kDescriptor && !timecol)) {
      timecol = a;
    } else {
      intervals.push_back(a);
    }
  }
  const FunctionInfo* info = FindFunction(fn);
  size_t n = call.args.size();
  if (info && (static_cast<int>(n) < info->min_args || static_cast<int>(n) > info->max_args)) {
    Error(DiagnosticCode::kInvalidUsage, call.span,
          fmt::format("{} takes {} to {} arguments, got {}: {}", fn, info->min_args, info->max_args, n,
                      info->signature));
  }
  ScopeRelation rel;
  rel.id = next_relation_id_++;
  rel.is_window_tvf = true;
  if (!data || data->kind != ExprKind::kTableArg) {
    Error(DiagnosticCode::kInvalidUsage, call.span,
          fmt::format("the first argument of {} must be TABLE <name>", fn));
    rel.open = true;
  } else {
    bool found = false;
    Span name_span = data->names.front().span;
    name_span.end = data->names.back().span.end;
    ScopeRelation input = ResolveNamedRelation(data->names, name_span, &found);
    rel.columns = input.columns;
    rel.open = input.open;
    rel.name_parts = input.name_parts;
    rel.qualifier = input.qualifier;
    Scope input_scope;
    input_scope.relations.push_back(input);
    for (auto& k : data->args) {
      ExprContext ctx;
      ctx.scope = &input_scope;
      CheckExpr(*k, ctx);
    }
    for (auto& o : data->detail->table_order_by) {
      ExprContext ctx;
      ctx.scope = &input_scope;
      CheckExpr(*o.expr, ctx);
    }
  }
  DataType window_time = DataType::Timestamp(3, false);
  window_time.time_attribute = TimeAttribute::kRowtime;
  if (!timecol || timecol->kind != ExprKind::kDescriptor || timecol->names.size() != 1) {
    Error(DiagnosticCode::kInvalidUsage, call.span,
          fmt::format("{} needs DESCRIPTOR(<time attribute column>) as its second argument", fn));
  } else if (!rel.open) {
    const Identifier& col = timecol->names[0];
    const ScopeColumn* found = nullptr;
    for (const auto& c : rel.columns) {
      if (c.name == col.name) found = &c;
    }
    if (!found) {
      Error(DiagnosticCode::kUnknownColumn, col.span,
            fmt::format("column '{}' in DESCRIPTOR is not a column of {}{}", col.name, rel.qualifier,
                        Suggestion(col.name, rel)));
    } else if (IsRaw(found->type)) {
      Unchecked(col.span, "the window time column's type is not known");
    } else if (!IsTimestamp(found->type)) {
      Error(DiagnosticCode::kTypeMismatch, col.span,
            fmt::format("the time column of {} must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), but '{}' is {}", fn,
                        col.name, TypeToSqlString(found->type)));
    } else if (found->type.time_attribute == TimeAttribute::kNone) {
      Error(
          DiagnosticCode::kNoWatermark, col.span,
          fmt::format("window function {} needs a time attribute, but column '{}' of {} has no watermark "
                      "(declare WATERMARK FOR {} AS ... on the table, or use a column that has one, such as "
                      "`$rowtime`)",
                      fn, col.name, rel.qualifier, col.name));
    } else {
      window_time = found->type.WithNullable(false);
      window_time.precision = 3;
      if (found->type.time_attribute == TimeAttribute::kProctime)
        window_time = found->type.WithNullable(false);
    }
  }
  for (Expr* iv : intervals) {
    ExprContext ctx;
    Scope empty;
    ctx.scope = &empty;
    DataType ty = CheckExpr(*iv, ctx);
    if (!IsRaw(ty) && ty.root != TypeRoot::kIntervalDayTime) {
      Error(DiagnosticCode::kTypeMismatch, iv->span,
            fmt::format(
                "{} window sizes and offsets must be day-time intervals such as INTERVAL '10' MINUTE, got {}",
                fn, TypeToSqlString(ty)));
    }
  }
  call.type = Raw();
  call.checked = true;
  if (!rel.open) {
    rel.columns.push_back({"window_start", DataType::Timestamp(3, false), false});
    rel.columns.push_back({"window_end", DataType::Timestamp(3, false), false});
    rel.columns.push_back({"window_time", window_time, false});
  }
  ApplyAlias(t, &rel);
  if (!t.alias) rel.qualifier.clear();
  scope->relations.push_back(std::move(rel));
}

void Checker::CheckUnnest(TableRef& t, Scope* scope) {
  ScopeRelation rel;
  rel.id = next_relation_id_++;
  for (auto& a : t.call->args) {
    ExprContext ctx;
    ctx.scope = scope;
    DataType ty = CheckExpr(*a, ctx);
    if (IsRaw(ty)) {
      rel.open = true;
    } else if (ty.root == TypeRoot::kArray || ty.root == TypeRoot::kMultiset) {
      const DataType& elem = ty.children[0];
      if (elem.root == TypeRoot::kRow) {
        for (size_t i = 0; i < elem.children.size(); ++i) {
          rel.columns.push_back({elem.field_names[i], elem.children[i], false});
        }
      } else {
        rel.columns.push_back({fmt::format("EXPR${}", rel.columns.size()), elem, false});
      }
    } else if (ty.root == TypeRoot::kMap) {
      rel.columns.push_back({"KEY", ty.children[0], false});
      rel.columns.push_back({"VALUE", ty.children[1], false});
    } else {
      Error(DiagnosticCode::kTypeMismatch, a->span,
            fmt::format("UNNEST expects an ARRAY, MAP or MULTISET, got {}", TypeToSqlString(ty)));
      rel.open = true;
    }
  }
  if (t.with_ordinality && !rel.open) rel.columns.push_back({"ORDINALITY", DataType::Int(false), false});
  ApplyAlias(t, &rel);
  scope->relations.push_back(std::move(rel));
}

void Checker::CheckMatchRecognize(TableRef& t, Scope* scope, const Scope* outer) {
  Scope input;
  input.parent = outer;
  std::vector<Expr*> deferred;
  CheckFrom(*t.left, &input, outer, &deferred);
  MatchRecognize& m = *t.match;
  // Pattern variables qualify the input's columns: A.price.
  std::string word;
  for (char c : m.pattern + " ") {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$') {
      word += c;
    } else {
      if (!word.empty() && !(word[0] >= '0' && word[0] <= '9')) input.pattern_variables.push_back(word);
      word.clear();
    }
  }
  ExprContext base;
  base.scope = &input;
  base.in_match = true;
  base.allow_aggregates = true;
  std::vector<Column> out;
  for (auto& p : m.partition_by) {
    ExprContext ctx = base;
    ctx.allow_aggregates = false;
    DataType ty = CheckExpr(*p, ctx);
    out.push_back({DeriveName(*p, out.size()), ty});
  }
  for (auto& o : m.order_by) {
    ExprContext ctx = base;
    CheckExpr(*o.expr, ctx);
  }
  if (m.rows_per_match == "ALL ROWS PER MATCH") {
    out.clear();
    for (const auto& r : input.relations) {
      for (const auto& c : r.columns) {
        if (!c.hidden) out.push_back({c.name, c.type});
      }
    }
  }
  for (auto& d : m.define) {
    ExprContext ctx = base;
    DataType ty = CheckExpr(*d.second, ctx);
    RequireBoolean(*d.second, ty, "a DEFINE condition");
  }
  for (auto& meas : m.measures) {
    ExprContext ctx = base;
    DataType ty = CheckExpr(*meas.expr, ctx);
    out.push_back({meas.alias->name, ty});
  }
  if (m.within) {
    ExprContext ctx = base;
    CheckExpr(*m.within, ctx);
  }
  ScopeRelation rel;
  rel.id = next_relation_id_++;
  bool open = false;
  for (const auto& r : input.relations) open = open || r.open;
  rel.open = open && m.rows_per_match == "ALL ROWS PER MATCH";
  for (const Column& c : out) rel.columns.push_back({c.name, c.type, false});
  ApplyAlias(t, &rel);
  scope->relations.push_back(std::move(rel));
}

std::vector<Column> Checker::CheckSelect(Query& q, const Scope* outer) {
  Select& s = *q.select;
  Scope scope;
  scope.parent = outer;
  std::vector<Expr*> deferred;
  if (s.from) CheckFrom(*s.from, &scope, outer, &deferred);
  for (Expr* e : deferred) {
    ExprContext ctx;
    ctx.scope = &scope;
    CheckExpr(*e, ctx);
  }
  if (s.where) {
    ExprContext ctx;
    ctx.scope = &scope;
    DataType t = CheckExpr(*s.where, ctx);
    RequireBoolean(*s.where, t, "WHERE");
  }
  // GROUP BY expressions (flattened out of GROUPING SETS / ROLLUP / CUBE).
  std::vector<const Expr*> grouped;
  bool group_alias_issue = false;
  std::function<void(GroupingElement&)> walk_group = [&](GroupingElement& g) {
    if (g.kind == GroupingKind::kExpr) {
      ExprContext ctx;
      ctx.scope = &scope;
      if (g.expr->kind == ExprKind::kRow && g.expr->implicit_row) {
        for (auto& a : g.expr->args) {
          CheckExpr(*a, ctx);
          grouped.push_back(a.get());
        }
      } else {
        size_t before = result_->diagnostics.size();
        CheckExpr(*g.expr, ctx);
        // GROUP BY may name a select alias in some dialects; never reject that here.
        if (result_->diagnostics.size() > before && g.expr->kind == ExprKind::kColumnRef &&
            g.expr->names.size() == 1 && result_->diagnostics.back().code == DiagnosticCode::kUnknownColumn) {
          for (const SelectItem& item : s.items) {
            if (item.alias && item.alias->name == g.expr->names[0].name) {
              result_->diagnostics.pop_back();
              Unchecked(g.expr->span, "GROUP BY refers to a select alias; grouping not checked");
              group_alias_issue = true;
            }
          }
        }
        grouped.push_back(g.expr.get());
      }
    }
    for (auto& c : g.children) walk_group(c);
  };
  size_t notes_before = result_->diagnostics.size();
  for (auto& g : s.group_by) walk_group(g);
  for (size_t k = notes_before; k < result_->diagnostics.size(); ++k) {
    // A GROUP BY the checker does not fully understand (legacy TUMBLE(...) group windows, UDFs)
    // disables the grouping check rather than risking a false "not grouped" error.
    if (result_->diagnostics[k].code == DiagnosticCode::kUnchecked) group_alias_issue = true;
  }

  // Select list.
  std::vector<Column> out;
  std::vector<bool> window_time_column;  // parallel to out: a window TVF's window_time
  bool found_aggregate = false;
  for (size_t i = 0; i < s.items.size(); ++i) {
    SelectItem& item = s.items[i];
    if (item.expr->kind == ExprKind::kStar) {
      const Expr& star = *item.expr;
      bool matched = false;
      for (size_t r = 0; r < scope.relations.size(); ++r) {
        const ScopeRelation& rel = scope.relations[r];
        if (!star.names.empty() && rel.qualifier != star.names.back().name) continue;
        matched = true;
        if (rel.open) {
          Unchecked(star.span, "* over a relation whose columns are not known; output columns not derived");
          continue;
        }
        for (const auto& c : rel.columns) {
          if (c.hidden) continue;
          out.push_back({c.name, c.type});
          window_time_column.push_back(rel.is_window_tvf && c.name == "window_time");
        }
      }
      if (!star.names.empty() && !matched) {
        Error(DiagnosticCode::kUnknownRelation, star.span,
              fmt::format("'{}' in {}.* is not a table or alias of this query", star.names.back().name,
                          star.names.back().name));
      }
      if (star.names.empty() && scope.relations.empty()) {
        Error(DiagnosticCode::kInvalidUsage, star.span, "SELECT * needs a FROM clause");
      }
      item.expr->type = Raw();
      item.expr->checked = true;
      continue;
    }
    ExprContext ctx;
    ctx.scope = &scope;
    ctx.allow_aggregates = true;
    DataType t = CheckExpr(*item.expr, ctx);
    found_aggregate = found_aggregate || ctx.found_aggregate;
    out.push_back({item.alias ? item.alias->name : DeriveName(*item.expr, i), t});
    const Expr& x = *item.expr;
    window_time_column.push_back(x.kind == ExprKind::kColumnRef && x.ref_depth == 0 && x.ref_relation >= 0 &&
                                 x.ref_fields == 0 && scope.relations[x.ref_relation].is_window_tvf &&
                                 scope.relations[x.ref_relation].columns[x.ref_column].name == "window_time");
  }
  if (s.having) {
    ExprContext ctx;
    ctx.scope = &scope;
    ctx.allow_aggregates = true;
    DataType t = CheckExpr(*s.having, ctx);
    found_aggregate = found_aggregate || ctx.found_aggregate;
    RequireBoolean(*s.having, t, "HAVING");
  }
  for (auto& w : s.windows) {
    ExprContext ctx;
    ctx.scope = &scope;
    CheckWindowSpec(w.spec, ctx);
  }
  if (s.qualify) {
    ExprContext ctx;
    ctx.scope = &scope;
    ctx.allow_aggregates = true;
    CheckExpr(*s.qualify, ctx);
  }
  for (OrderItem& o : q.order_by) {
    ExprContext ctx;
    ctx.scope = &scope;
    ctx.allow_aggregates = true;
    ctx.select_output = &out;
    CheckExpr(*o.expr, ctx);
  }
  if ((!s.group_by.empty() || found_aggregate) && !group_alias_issue) CheckGrouping(q, scope, grouped);
  // Aggregation materializes time attributes, except window_time of a window aggregation.
  if (!s.group_by.empty() || found_aggregate) {
    for (size_t i = 0; i < out.size(); ++i) {
      if (!window_time_column[i]) out[i].type.time_attribute = TimeAttribute::kNone;
    }
  }
  return out;
}

// Every column reference outside an aggregate in the select list and HAVING of an aggregated
// query must be grouped (or be part of a grouped expression).
void Checker::CheckGrouping(Query& q, const Scope& scope, const std::vector<const Expr*>& grouped) {
  Select& s = *q.select;
  std::vector<std::string> grouped_dumps;
  for (const Expr* g : grouped) grouped_dumps.push_back(Dump(*g));
  auto is_grouped_column = [&](const Expr& e) {
    for (const Expr* g : grouped) {
      if (g->kind == ExprKind::kColumnRef && g->ref_relation == e.ref_relation &&
          g->ref_column == e.ref_column && g->ref_depth == e.ref_depth && g->ref_fields == e.ref_fields &&
          e.ref_relation >= 0) {
        return true;
      }
    }
    return false;
  };
  auto grouped_window_bounds = [&](int relation) {
    for (const Expr* g : grouped) {
      if (g->kind == ExprKind::kColumnRef && g->ref_relation == relation && g->ref_depth == 0 &&
          (g->names.back().name == "window_start" || g->names.back().name == "window_end")) {
        return true;
      }
    }
    return false;
  };
  std::function<void(const Expr&)> walk = [&](const Expr& e) {
    if (!grouped_dumps.empty()) {
      std::string d = Dump(e);
      for (const auto& g : grouped_dumps) {
        if (g == d) return;
      }
    }
    if (IsAggregateCall(e)) return;
    if (e.kind == ExprKind::kFunction &&
        (e.detail->function_name.parts.size() != 1 ||
         FindFunction(UpperName(e.detail->function_name.parts[0].name)) == nullptr)) {
      return;  // a user-defined function may be an aggregate: its arguments are not checked here
    }
    switch (e.kind) {
      case ExprKind::kColumnRef: {
        if (e.ref_relation < 0 || e.ref_depth != 0) return;  // unresolved or outer reference
        if (is_grouped_column(e)) return;
        const ScopeRelation& rel = scope.relations[e.ref_relation];
        if (rel.open) return;
        const std::string& col = rel.columns[e.ref_column].name;
        if (col == "window_time" && rel.is_window_tvf && grouped_window_bounds(e.ref_relation)) return;
        Error(DiagnosticCode::kNotGrouped, e.span,
              fmt::format(
                  "column '{}' is neither in GROUP BY nor inside an aggregate function; add it to GROUP BY "
                  "or aggregate it (e.g. MAX({}))",
                  col, col));
        return;
      }
      case ExprKind::kScalarSubquery:
      case ExprKind::kExists:
      case ExprKind::kInSubquery:
        if (e.kind == ExprKind::kInSubquery) walk(*e.args[0]);
        return;
      default:
        break;
    }
    for (const auto& a : e.args) {
      if (a) walk(*a);
    }
    if (e.detail && e.detail->else_expr) walk(*e.detail->else_expr);
    if (e.detail && e.detail->over) {
      for (const auto& p : e.detail->over->partition_by) walk(*p);
      for (const auto& o : e.detail->over->order_by) walk(*o.expr);
    }
  };
  for (const SelectItem& item : s.items) {
    if (item.expr->kind != ExprKind::kStar) walk(*item.expr);
  }
  if (s.having) walk(*s.having);
}

}  // namespace flinkdbt::sql::internal
