#include "engine/binder.h"

#include <algorithm>
#include <set>

#include "engine/functions.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/sql/parser.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::Expr;
using sql::ExprKind;
using sql::TypeRoot;

namespace {

const sql::ExprDetail& D(const sql::Expr& e) {
  static const sql::ExprDetail* const kEmpty = new sql::ExprDetail();
  return e.detail ? *e.detail : *kEmpty;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return out;
}

PlanPtr NewNode(PlanNode::Kind kind) {
  auto p = std::make_shared<PlanNode>();
  p->kind = kind;
  return p;
}

Scope ScopeOf(const PlanNode& plan, const std::string& qualifier) {
  Scope s;
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    const auto& c = plan.columns[i];
    s.cols.push_back(ScopeColumn{qualifier, c.name, c.type, static_cast<int>(i), c.hidden, c.window});
  }
  return s;
}

// A projection that renames/reorders; keeps window attributes of passed-through columns.
PlanPtr Rename(PlanPtr input, const std::vector<std::string>& names) {
  auto p = NewNode(PlanNode::Kind::kProject);
  for (size_t i = 0; i < input->columns.size(); ++i) {
    PlanColumn c = input->columns[i];
    if (i < names.size()) c.name = names[i];
    p->exprs.push_back(MakeInput(static_cast<int>(i), c.type));
    p->columns.push_back(c);
  }
  p->inputs.push_back(std::move(input));
  return p;
}

bool IsRankFunction(const std::string& n) { return n == "ROW_NUMBER" || n == "RANK" || n == "DENSE_RANK"; }

int64_t IntervalMillis(const BExpr& e) { return e.value.int_value(); }

// Which join sides' rowtime attributes an expression reads: 1 left, 2 right, 3 both.
int RowtimeSides(const BExpr& e, const std::vector<PlanColumn>& cols, int lw) {
  if (e.kind == BExpr::Kind::kInput)
    return cols[e.index].type.time_attribute == sql::TimeAttribute::kRowtime ? (e.index < lw ? 1 : 2) : 0;
  int sides = 0;
  for (const auto& a : e.args)
    if (a) sides |= RowtimeSides(*a, cols, lw);
  return sides;
}

// Flink's interval join (IntervalJoinUtil): the non-equi conditions bound the left rowtime from
// below and from above by expressions of the right rowtime (e.g. `l.ts BETWEEN r.ts - INTERVAL
// '1' HOUR AND r.ts`).
bool IsIntervalJoin(const std::vector<BExprPtr>& conjuncts, const std::vector<PlanColumn>& cols, int lw) {
  bool lower = false, upper = false;
  for (const auto& c : conjuncts) {
    if (c->kind != BExpr::Kind::kCall || c->args.size() != 2) continue;
    bool less = c->name == "<" || c->name == "<=";
    bool greater = c->name == ">" || c->name == ">=";
    if (!less && !greater) continue;
    int a = RowtimeSides(*c->args[0], cols, lw), b = RowtimeSides(*c->args[1], cols, lw);
    if (a == 1 && b == 2) {
      (less ? upper : lower) = true;  // left < right + x: the left row's upper bound
    } else if (a == 2 && b == 1) {
      (less ? lower : upper) = true;
    }
  }
  return lower && upper;
}

}  // namespace

std::string NormalizeSql(std::string_view text) {
  std::string out;
  bool space = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      out.push_back(c);
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '`' || c == '"') {
      quote = c;
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  }
  return out;
}

absl::Status Binder::Error(const sql::Span& span, std::string_view message) const {
  SourceLocation loc;
  loc.line = span.line;
  loc.column = span.column;
  return InvalidInputError(loc, message);
}

std::string Binder::TextOf(const sql::Span& span) const {
  if (span.end <= span.begin || span.end > text_.size()) return "";
  return std::string(text_.substr(span.begin, span.end - span.begin));
}

// State of the SELECT being bound: the aggregation (if any) and the OVER calls collected.
struct Binder::AggState {
  bool active = false;           // expressions bind against the aggregate's output
  const Scope* input = nullptr;  // the FROM scope
  std::vector<std::string> key_texts;
  std::vector<int> key_input_index;  // key that is a plain column of the input, else -1
  std::vector<std::string> agg_texts;
  std::vector<DataType> key_types, agg_types;
  std::vector<WindowAttr> key_windows;
  int grouping_column = -1;  // index of the grouping-set bitmask in the aggregate output
  std::vector<std::vector<int>> grouping_sets;
  // OVER calls
  bool allow_over = false;
  int base_width = 0;  // columns before the OVER columns
  std::vector<OverCall>* overs = nullptr;
  std::vector<std::string> over_texts;
};

// ---------------------------------------------------------------------------------------------
// Queries

absl::StatusOr<PlanPtr> Binder::BindQuery(const sql::Query& q, const Scope* outer) {
  for (const auto& cte : q.with) ctes[cte.name.name] = CteDef{&cte, text_};
  switch (q.kind) {
    case sql::QueryKind::kSelect:
      return BindSelect(q, outer);
    case sql::QueryKind::kValues: {
      auto p = NewNode(PlanNode::Kind::kValues);
      if (q.rows.empty()) return Error(q.span, "VALUES needs at least one row");
      size_t width = q.rows[0].size();
      Scope empty;
      empty.parent = outer;
      std::vector<std::vector<DataType>> types(width);
      for (const auto& row : q.rows) {
        if (row.size() != width) return Error(q.span, "VALUES rows have different numbers of columns");
        std::vector<BExprPtr> bound;
        for (size_t i = 0; i < width; ++i) {
          FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*row[i], empty, nullptr));
          types[i].push_back(b->type);
          bound.push_back(std::move(b));
        }
        p->rows.push_back(std::move(bound));
      }
      for (size_t i = 0; i < width; ++i) {
        auto common = sql::FindCommonType(types[i]);
        if (!common) return Error(q.span, fmt::format("VALUES column {} has no common type", i + 1));
        DataType t = *common;
        if (t.root == TypeRoot::kChar) {
          bool same = true;
          for (const auto& x : types[i])
            same = same && (x.root != TypeRoot::kChar || x.precision == t.precision);
          if (!same) t = DataType::VarChar(t.precision, t.nullable);
        }
        for (auto& row : p->rows) {
          if (!(row[i]->type == t)) row[i] = MakeCast(std::move(row[i]), t);
        }
        p->columns.push_back(PlanColumn{fmt::format("EXPR${}", i), t});
      }
      return ApplyOrderLimit(q, p, outer, nullptr);
    }
    case sql::QueryKind::kSetOp: {
      FLINKDBT_ASSIGN_OR_RETURN(PlanPtr left, BindQuery(*q.left, outer));
      FLINKDBT_ASSIGN_OR_RETURN(PlanPtr right, BindQuery(*q.right, outer));
      if (left->columns.size() != right->columns.size())
        return Error(q.span, fmt::format("Set operation has mismatched column counts: {} and {}",
                                         left->columns.size(), right->columns.size()));
      auto p = NewNode(PlanNode::Kind::kSetOp);
      p->set_op = q.set_op;
      p->set_all = q.set_all;
      bool cast_left = false, cast_right = false;
      for (size_t i = 0; i < left->columns.size(); ++i) {
        auto common = sql::FindCommonType({left->columns[i].type, right->columns[i].type});
        if (!common)
          return Error(q.span, fmt::format("Set operation column '{}' has incompatible types {} and {}",
                                           left->columns[i].name, sql::TypeToString(left->columns[i].type),
                                           sql::TypeToString(right->columns[i].type)));
        DataType t = common->WithoutTimeAttribute();
        if (t.root == TypeRoot::kChar && left->columns[i].type.precision != right->columns[i].type.precision)
          t = DataType::VarChar(t.precision, t.nullable);
        cast_left |= !(left->columns[i].type == t);
        cast_right |= !(right->columns[i].type == t);
        p->columns.push_back(PlanColumn{left->columns[i].name, t});
      }
      auto cast_side = [&](PlanPtr side) {
        auto proj = NewNode(PlanNode::Kind::kProject);
        for (size_t i = 0; i < side->columns.size(); ++i) {
          auto in = MakeInput(static_cast<int>(i), side->columns[i].type);
          proj->exprs.push_back(side->columns[i].type == p->columns[i].type
                                    ? std::move(in)
                                    : MakeCast(std::move(in), p->columns[i].type));
          proj->columns.push_back(p->columns[i]);
        }
        proj->inputs.push_back(side);
        return proj;
      };
      p->inputs.push_back(cast_left ? cast_side(left) : left);
      p->inputs.push_back(cast_right ? cast_side(right) : right);
      return ApplyOrderLimit(q, p, outer, nullptr);
    }
  }
  return Error(q.span, "unsupported query");
}

absl::StatusOr<PlanPtr> Binder::ApplyOrderLimit(const sql::Query& q, PlanPtr plan, const Scope* outer,
                                                const Scope* select_scope) {
  if (q.order_by.empty() && !q.limit && !q.offset) return plan;
  auto p = NewNode(PlanNode::Kind::kSort);
  p->columns = plan->columns;
  Scope scope = select_scope ? *select_scope : ScopeOf(*plan, "");
  scope.parent = outer;
  for (const auto& item : q.order_by) {
    BExprPtr key;
    if (item.expr->kind == ExprKind::kLiteral && item.expr->literal.kind == sql::LiteralKind::kInteger) {
      int64_t n = std::stoll(item.expr->literal.text);
      if (n < 1 || n > static_cast<int64_t>(plan->columns.size()))
        return Error(item.expr->span, fmt::format("ORDER BY position {} is not in the select list", n));
      key = MakeInput(static_cast<int>(n - 1), plan->columns[n - 1].type);
    } else {
      FLINKDBT_ASSIGN_OR_RETURN(key, Bind(*item.expr, scope, nullptr));
    }
    p->exprs.push_back(std::move(key));
    p->sort_desc.push_back(item.descending);
    p->sort_nulls.push_back(item.nulls);
  }
  Scope empty;
  auto const_int = [&](const sql::Expr* e, int64_t* out) -> absl::Status {
    if (!e) return absl::OkStatus();
    FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*e, empty, nullptr));
    if (b->kind != BExpr::Kind::kConst || b->value.kind() != ValueKind::kInt)
      return Error(e->span, "LIMIT and OFFSET need an integer literal");
    *out = b->value.int_value();
    return absl::OkStatus();
  };
  FLINKDBT_RETURN_IF_ERROR(const_int(q.limit.get(), &p->limit));
  FLINKDBT_RETURN_IF_ERROR(const_int(q.offset.get(), &p->offset_rows));
  p->inputs.push_back(std::move(plan));
  return p;
}

namespace {

// Collects aggregate calls (not under OVER, not inside subqueries) of an expression tree.
void CollectAggregates(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kFunction && !D(e).over && !D(e).function_name.parts.empty()) {
    std::string n = Upper(D(e).function_name.parts.back().name);
    if (AggregateFunction(n) && D(e).function_name.parts.size() == 1) {
      out->push_back(&e);
      return;
    }
  }
  for (const auto& a : e.args)
    if (a) CollectAggregates(*a, out);
  if (D(e).else_expr) CollectAggregates(*D(e).else_expr, out);
}

bool ContainsOver(const Expr& e) {
  if (e.kind == ExprKind::kFunction && D(e).over) return true;
  for (const auto& a : e.args)
    if (a && ContainsOver(*a)) return true;
  return D(e).else_expr && ContainsOver(*D(e).else_expr);
}

bool ReadsInformationSchema(const PlanNode& p) {
  if (p.kind == PlanNode::Kind::kScan) return p.table && p.table->database == "INFORMATION_SCHEMA";
  for (const auto& in : p.inputs)
    if (ReadsInformationSchema(*in)) return true;
  return false;
}

// Top-N: `WHERE rn <= N` (or `< N`, `= 1`) over a ROW_NUMBER column lets the Rank node keep only
// the first N rows of each partition.
void PushRankLimit(const BExpr& pred, const PlanPtr& input) {
  std::vector<const BExpr*> conj;
  std::vector<const BExpr*> stack{&pred};
  while (!stack.empty()) {
    const BExpr* e = stack.back();
    stack.pop_back();
    if (e->kind == BExpr::Kind::kAnd) {
      for (const auto& a : e->args) stack.push_back(a.get());
    } else {
      conj.push_back(e);
    }
  }
  for (const BExpr* e : conj) {
    if (e->kind != BExpr::Kind::kCall || e->args.size() != 2) continue;
    if (e->name != "<=" && e->name != "<" && e->name != "=") continue;
    const BExpr* col = e->args[0].get();
    const BExpr* lit = e->args[1].get();
    if (col->kind != BExpr::Kind::kInput || lit->kind != BExpr::Kind::kConst ||
        lit->value.kind() != ValueKind::kInt)
      continue;
    int64_t n = lit->value.int_value();
    if (e->name == "<") n -= 1;
    if (e->name == "=" && n != 1) continue;
    int idx = col->index;
    PlanNode* node = input.get();
    while (node && (node->kind == PlanNode::Kind::kProject || node->kind == PlanNode::Kind::kFilter)) {
      if (node->kind == PlanNode::Kind::kProject) {
        if (idx >= static_cast<int>(node->exprs.size()) || node->exprs[idx]->kind != BExpr::Kind::kInput) {
          node = nullptr;
          break;
        }
        idx = node->exprs[idx]->index;
      }
      node = node->inputs[0].get();
    }
    if (node && node->kind == PlanNode::Kind::kRank && idx == static_cast<int>(node->columns.size()) - 1 &&
        (node->rank_limit < 0 || n < node->rank_limit))
      node->rank_limit = std::max<int64_t>(n, 0);
  }
}

}  // namespace

absl::StatusOr<PlanPtr> Binder::BindSelect(const sql::Query& q, const Scope* outer) {
  const sql::Select& s = *q.select;
  // FROM
  FromResult from;
  if (s.from) {
    FLINKDBT_ASSIGN_OR_RETURN(from, BindFrom(*s.from, outer));
  } else {
    from.plan = NewNode(PlanNode::Kind::kValues);
    from.plan->rows.emplace_back();
  }
  from.scope.parent = outer;
  PlanPtr plan = from.plan;

  // WHERE
  if (s.where) {
    FLINKDBT_ASSIGN_OR_RETURN(auto pred, Bind(*s.where, from.scope, nullptr));
    if (pred->type.root != TypeRoot::kBoolean && pred->type.root != TypeRoot::kNull)
      return Error(s.where->span, "WHERE clause must be a BOOLEAN expression");
    PushRankLimit(*pred, plan);
    auto f = NewNode(PlanNode::Kind::kFilter);
    f->columns = plan->columns;
    f->predicate = std::move(pred);
    f->inputs.push_back(plan);
    plan = f;
  }

  // Aggregation
  std::vector<const Expr*> agg_exprs;
  for (const auto& item : s.items) CollectAggregates(*item.expr, &agg_exprs);
  if (s.having) CollectAggregates(*s.having, &agg_exprs);
  for (const auto& o : q.order_by) CollectAggregates(*o.expr, &agg_exprs);
  bool grouped = !s.group_by.empty() || !agg_exprs.empty() || s.having;

  AggState agg;
  std::vector<OverCall> overs;
  Scope current = from.scope;
  if (grouped) {
    agg.input = &from.scope;
    auto a = NewNode(PlanNode::Kind::kAggregate);
    // Group keys and grouping sets.
    std::vector<std::vector<int>> sets;
    std::function<absl::StatusOr<int>(const Expr&)> key_index = [&](const Expr& e) -> absl::StatusOr<int> {
      std::string t = NormalizeSql(TextOf(e.span));
      for (size_t i = 0; i < agg.key_texts.size(); ++i)
        if (agg.key_texts[i] == t) return static_cast<int>(i);
      FLINKDBT_ASSIGN_OR_RETURN(auto k, Bind(e, from.scope, nullptr));
      agg.key_texts.push_back(t);
      agg.key_input_index.push_back(k->kind == BExpr::Kind::kInput ? k->index : -1);
      agg.key_types.push_back(k->type);
      WindowAttr w = WindowAttr::kNone;
      if (k->kind == BExpr::Kind::kInput) w = plan->columns[k->index].window;
      agg.key_windows.push_back(w);
      a->group_keys.push_back(std::move(k));
      return static_cast<int>(agg.key_texts.size() - 1);
    };
    auto exprs_of = [&](const sql::GroupingElement& g, std::vector<int>* out) -> absl::Status {
      if (g.kind == sql::GroupingKind::kEmpty) return absl::OkStatus();
      if (g.kind == sql::GroupingKind::kExpr && g.expr && g.expr->kind == ExprKind::kRow &&
          g.expr->implicit_row) {
        for (const auto& x : g.expr->args) {
          FLINKDBT_ASSIGN_OR_RETURN(int k, key_index(*x));
          out->push_back(k);
        }
        return absl::OkStatus();
      }
      if (g.kind == sql::GroupingKind::kExpr) {
        FLINKDBT_ASSIGN_OR_RETURN(int k, key_index(*g.expr));
        out->push_back(k);
        return absl::OkStatus();
      }
      for (const auto& c : g.children) {
        if (c.kind == sql::GroupingKind::kExpr && c.expr && c.expr->kind == ExprKind::kRow &&
            c.expr->implicit_row) {
          for (const auto& x : c.expr->args) {
            FLINKDBT_ASSIGN_OR_RETURN(int k, key_index(*x));
            out->push_back(k);
          }
        } else if (c.kind == sql::GroupingKind::kExpr) {
          FLINKDBT_ASSIGN_OR_RETURN(int k, key_index(*c.expr));
          out->push_back(k);
        }
      }
      return absl::OkStatus();
    };
    // Each GROUP BY element contributes a list of alternative sets; the cross product is taken.
    std::vector<std::vector<int>> product = {{}};
    bool has_sets = false;
    for (const auto& g : s.group_by) {
      std::vector<std::vector<int>> alternatives;
      if (g.kind == sql::GroupingKind::kExpr || g.kind == sql::GroupingKind::kEmpty) {
        std::vector<int> one;
        FLINKDBT_RETURN_IF_ERROR(exprs_of(g, &one));
        alternatives.push_back(one);
      } else {
        has_sets = true;
        std::vector<std::vector<int>> members;
        for (const auto& c : g.children) {
          std::vector<int> m;
          if (g.kind == sql::GroupingKind::kGroupingSets && c.kind != sql::GroupingKind::kExpr &&
              c.kind != sql::GroupingKind::kEmpty) {
            // nested ROLLUP/CUBE inside GROUPING SETS: flatten its members as one set each
            FLINKDBT_RETURN_IF_ERROR(exprs_of(c, &m));
          } else {
            FLINKDBT_RETURN_IF_ERROR(exprs_of(c, &m));
          }
          members.push_back(m);
        }
        if (g.kind == sql::GroupingKind::kGroupingSets) {
          alternatives = members;
        } else if (g.kind == sql::GroupingKind::kRollup) {
          for (size_t n = members.size() + 1; n-- > 0;) {
            std::vector<int> set;
            for (size_t i = 0; i < n; ++i) set.insert(set.end(), members[i].begin(), members[i].end());
            alternatives.push_back(set);
          }
        } else {  // CUBE
          size_t m = members.size();
          for (size_t mask = (1u << m); mask-- > 0;) {
            std::vector<int> set;
            for (size_t i = 0; i < m; ++i)
              if (mask & (1u << (m - 1 - i))) set.insert(set.end(), members[i].begin(), members[i].end());
            alternatives.push_back(set);
          }
        }
      }
      std::vector<std::vector<int>> next;
      for (const auto& p : product)
        for (const auto& alt : alternatives) {
          auto c = p;
          c.insert(c.end(), alt.begin(), alt.end());
          next.push_back(c);
        }
      product = std::move(next);
    }
    if (has_sets) a->grouping_sets = product;
    agg.grouping_sets = a->grouping_sets;
    // Aggregate calls.
    for (const Expr* e : agg_exprs) {
      std::string t = NormalizeSql(TextOf(e->span));
      if (std::find(agg.agg_texts.begin(), agg.agg_texts.end(), t) != agg.agg_texts.end()) continue;
      std::string name = Upper(D(*e).function_name.parts.back().name);
      AggCall call;
      call.fn = *AggregateFunction(name);
      call.distinct = D(*e).distinct || name == "APPROX_COUNT_DISTINCT";
      std::vector<DataType> arg_types;
      if (D(*e).star_arg) {
        call.fn = AggFn::kCountStar;
      } else {
        for (const auto& arg : e->args) {
          FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*arg, from.scope, nullptr));
          arg_types.push_back(b->type);
          call.args.push_back(std::move(b));
        }
        if (call.fn == AggFn::kCount && call.args.empty()) call.fn = AggFn::kCountStar;
      }
      if (call.fn == AggFn::kListAgg && call.args.size() > 1) {
        if (call.args[1]->kind != BExpr::Kind::kConst)
          return Error(e->span, "LISTAGG separator must be a literal");
        call.separator = call.args[1]->value.string_value();
        call.args.resize(1);
      }
      if (D(*e).filter) {
        FLINKDBT_ASSIGN_OR_RETURN(call.filter, Bind(*D(*e).filter, from.scope, nullptr));
      }
      auto rt = AggregateResultType(call.fn, arg_types);
      if (!rt.ok()) return Error(e->span, ToStd(rt.status().message()));
      call.type = *rt;
      agg.agg_texts.push_back(t);
      agg.agg_types.push_back(call.type);
      a->aggs.push_back(std::move(call));
    }
    // Output columns: keys, [grouping id], aggregates.
    for (size_t i = 0; i < a->group_keys.size(); ++i) {
      DataType t = agg.key_types[i];
      if (has_sets) t = t.WithNullable(true);
      a->columns.push_back(PlanColumn{agg.key_texts[i], t.WithoutTimeAttribute(), false, agg.key_windows[i]});
    }
    if (has_sets) {
      agg.grouping_column = static_cast<int>(a->columns.size());
      a->has_grouping_id = true;
      a->columns.push_back(PlanColumn{"$g", DataType::BigInt(false)});
    }
    for (size_t i = 0; i < a->aggs.size(); ++i)
      a->columns.push_back(PlanColumn{agg.agg_texts[i], a->aggs[i].type});
    bool has_start = false, has_end = false;
    for (auto w : agg.key_windows) {
      has_start |= w == WindowAttr::kStart;
      has_end |= w == WindowAttr::kEnd;
    }
    a->window_aligned = has_start && has_end;
    a->inputs.push_back(plan);
    plan = a;
    agg.active = true;
    current = ScopeOf(*plan, "");
    for (auto& c : current.cols) c.hidden = true;  // only reachable through key/agg matching
    current.parent = outer;
    if (s.having) {
      FLINKDBT_ASSIGN_OR_RETURN(auto pred, Bind(*s.having, current, &agg));
      auto f = NewNode(PlanNode::Kind::kFilter);
      f->columns = plan->columns;
      f->predicate = std::move(pred);
      f->inputs.push_back(plan);
      plan = f;
    }
  }

  // Select list (collecting OVER calls).
  bool any_over = false;
  for (const auto& item : s.items) any_over |= ContainsOver(*item.expr);
  agg.allow_over = any_over;
  agg.base_width = static_cast<int>(plan->columns.size());
  agg.overs = &overs;
  AggState* ctx = (grouped || any_over) ? &agg : nullptr;

  auto proj = NewNode(PlanNode::Kind::kProject);
  for (const auto& item : s.items) {
    if (item.expr->kind == ExprKind::kStar) {
      if (grouped) return Error(item.expr->span, "SELECT * is not allowed with GROUP BY");
      std::string qual = item.expr->names.empty() ? "" : item.expr->names.back().name;
      bool found = false;
      for (const auto& c : from.scope.cols) {
        if (c.hidden) continue;
        if (!qual.empty() && c.qualifier != qual) continue;
        found = true;
        proj->exprs.push_back(MakeInput(c.index, c.type));
        proj->columns.push_back(PlanColumn{c.name, c.type, false, c.window});
      }
      if (!found && !qual.empty())
        return Error(item.expr->span, fmt::format("Unknown table '{}' in '{}.*'", qual, qual));
      continue;
    }
    FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*item.expr, current, ctx));
    std::string name;
    if (item.alias) {
      name = item.alias->name;
    } else if (item.expr->kind == ExprKind::kColumnRef) {
      name = item.expr->names.back().name;
    } else {
      name = TextOf(item.expr->span);
    }
    WindowAttr w = WindowAttr::kNone;
    if (b->kind == BExpr::Kind::kInput && b->index < static_cast<int>(plan->columns.size()))
      w = plan->columns[b->index].window;
    if (grouped && b->kind == BExpr::Kind::kInput && b->index < static_cast<int>(agg.key_windows.size()))
      w = agg.key_windows[b->index];
    proj->columns.push_back(PlanColumn{name, b->type, false, w});
    proj->exprs.push_back(std::move(b));
  }

  // OVER windows: a Rank node for ROW_NUMBER/RANK/DENSE_RANK only, else an Over node.
  if (!overs.empty()) {
    bool all_rank = true;
    for (const auto& o : overs) all_rank &= IsRankFunction(o.fn);
    if (all_rank && overs.size() == 1) {
      auto r = NewNode(PlanNode::Kind::kRank);
      r->columns = plan->columns;
      r->columns.push_back(PlanColumn{overs[0].fn, overs[0].type});
      r->rank_fn = overs[0].fn;
      bool has_start = false, has_end = false;
      for (const auto& k : overs[0].partition_by) {
        if (k->kind == BExpr::Kind::kInput) {
          has_start |= plan->columns[k->index].window == WindowAttr::kStart;
          has_end |= plan->columns[k->index].window == WindowAttr::kEnd;
        }
      }
      r->window_aligned = has_start && has_end;
      r->partition_keys = std::move(overs[0].partition_by);
      r->order_keys = std::move(overs[0].order_by);
      r->order_desc = overs[0].descending;
      r->order_nulls = overs[0].nulls;
      r->inputs.push_back(plan);
      plan = r;
    } else {
      auto o = NewNode(PlanNode::Kind::kOver);
      o->columns = plan->columns;
      for (auto& call : overs) o->columns.push_back(PlanColumn{call.fn, call.type});
      o->overs = std::move(overs);
      o->inputs.push_back(plan);
      plan = o;
    }
  }
  proj->inputs.push_back(plan);
  PlanPtr result = proj;

  if (s.qualify) {
    return Error(s.qualify->span, "QUALIFY is not supported by the local engine");
  }

  if (s.distinct) {
    auto d = NewNode(PlanNode::Kind::kAggregate);
    for (size_t i = 0; i < result->columns.size(); ++i)
      d->group_keys.push_back(MakeInput(static_cast<int>(i), result->columns[i].type));
    d->columns = result->columns;
    d->inputs.push_back(result);
    result = d;
  }

  // ORDER BY may name select aliases, or input columns that are not selected.
  if (!q.order_by.empty()) {
    Scope out = ScopeOf(*result, "");
    out.parent = outer;
    std::vector<BExprPtr> keys;
    bool ok = true;
    for (const auto& item : q.order_by) {
      if (item.expr->kind == ExprKind::kLiteral && item.expr->literal.kind == sql::LiteralKind::kInteger) {
        keys.push_back(nullptr);
        continue;
      }
      auto k = Bind(*item.expr, out, nullptr);
      if (!k.ok()) {
        ok = false;
        break;
      }
      keys.push_back(std::move(*k));
    }
    if (!ok && !s.distinct) {
      // Bind against the pre-projection relation; append the keys as extra columns.
      size_t visible = proj->columns.size();
      std::vector<int> key_cols;
      for (const auto& item : q.order_by) {
        if (item.expr->kind == ExprKind::kLiteral && item.expr->literal.kind == sql::LiteralKind::kInteger) {
          key_cols.push_back(static_cast<int>(std::stoll(item.expr->literal.text)) - 1);
          continue;
        }
        auto byname = Bind(*item.expr, out, nullptr);
        if (byname.ok() && (*byname)->kind == BExpr::Kind::kInput) {
          key_cols.push_back((*byname)->index);
          continue;
        }
        FLINKDBT_ASSIGN_OR_RETURN(auto k, Bind(*item.expr, current, ctx));
        proj->columns.push_back(PlanColumn{"$order", k->type, true});
        proj->exprs.push_back(std::move(k));
        key_cols.push_back(static_cast<int>(proj->columns.size() - 1));
      }
      auto sort = NewNode(PlanNode::Kind::kSort);
      sort->columns = proj->columns;
      for (size_t i = 0; i < key_cols.size(); ++i) {
        sort->exprs.push_back(MakeInput(key_cols[i], proj->columns[key_cols[i]].type));
        sort->sort_desc.push_back(q.order_by[i].descending);
        sort->sort_nulls.push_back(q.order_by[i].nulls);
      }
      Scope empty;
      if (q.limit) {
        FLINKDBT_ASSIGN_OR_RETURN(auto l, Bind(*q.limit, empty, nullptr));
        sort->limit = l->value.int_value();
      }
      if (q.offset) {
        FLINKDBT_ASSIGN_OR_RETURN(auto o, Bind(*q.offset, empty, nullptr));
        sort->offset_rows = o->value.int_value();
      }
      sort->inputs.push_back(result);
      auto trim = NewNode(PlanNode::Kind::kProject);
      for (size_t i = 0; i < visible; ++i) {
        trim->exprs.push_back(MakeInput(static_cast<int>(i), proj->columns[i].type));
        trim->columns.push_back(proj->columns[i]);
      }
      trim->inputs.push_back(sort);
      return PlanPtr(trim);
    }
  }
  Scope out = ScopeOf(*result, "");
  return ApplyOrderLimit(q, result, outer, &out);
}

// ---------------------------------------------------------------------------------------------
// FROM

absl::StatusOr<PlanPtr> Binder::BindObject(const std::shared_ptr<CatalogObject>& obj, const sql::Span& span) {
  if (obj->kind == ObjectKind::kTable) {
    auto p = NewNode(PlanNode::Kind::kScan);
    p->table = obj;
    std::vector<int> physical = obj->PhysicalColumns();
    Scope phys;
    for (size_t i = 0; i < physical.size(); ++i) {
      const auto& c = obj->columns[physical[i]];
      phys.cols.push_back(ScopeColumn{"", c.name, c.type, static_cast<int>(i)});
    }
    phys.cols.push_back(ScopeColumn{"", "$rowtime", DataType::TimestampLtz(3, false),
                                    static_cast<int>(physical.size()), true});
    int phys_i = 0;
    std::string rowtime_col = obj->watermark ? obj->watermark->column : "$rowtime";
    for (const auto& c : obj->columns) {
      DataType t = c.type;
      if (c.name == rowtime_col) t.time_attribute = sql::TimeAttribute::kRowtime;
      if (c.kind == ColumnKind::kPhysical) {
        p->scan_index.push_back(phys_i++);
        p->computed.push_back(nullptr);
      } else if (c.kind == ColumnKind::kComputed) {
        auto e = sql::ParseExpression(c.expr_sql);
        if (!e.ok())
          return Error(span, fmt::format("computed column '{}': {}", c.name, ToStd(e.status().message())));
        Binder sub(catalog_, c.expr_sql, session_);
        FLINKDBT_ASSIGN_OR_RETURN(auto b, sub.BindScalar(**e, phys));
        p->scan_index.push_back(-1);
        p->computed.push_back(std::move(b));
      } else {
        p->scan_index.push_back(c.metadata_key == "timestamp" || c.metadata_key == "$rowtime"
                                    ? static_cast<int>(physical.size())
                                    : -2);
        p->computed.push_back(nullptr);
      }
      p->columns.push_back(PlanColumn{c.name, t});
    }
    DataType rt = DataType::TimestampLtz(3, false);
    if (rowtime_col == "$rowtime") rt.time_attribute = sql::TimeAttribute::kRowtime;
    p->scan_index.push_back(static_cast<int>(physical.size()));
    p->computed.push_back(nullptr);
    p->columns.push_back(PlanColumn{"$rowtime", rt, true});
    return PlanPtr(p);
  }
  // Views, materialized views and materialized tables are expanded from their query, so they
  // always reflect their inputs' current data.
  auto q = sql::ParseQuery(obj->query_sql);
  if (!q.ok())
    return Error(span, fmt::format("view '{}' does not parse: {}", obj->name, ToStd(q.status().message())));
  Binder sub(catalog_, obj->query_sql, session_);
  FLINKDBT_ASSIGN_OR_RETURN(PlanPtr plan, sub.BindQuery(**q, nullptr));
  std::vector<std::string> names;
  for (const auto& c : obj->columns) names.push_back(c.name);
  return Rename(plan, names);
}

absl::StatusOr<Binder::FromResult> Binder::BindFrom(const sql::TableRef& ref, const Scope* outer) {
  FromResult r;
  std::string qualifier;
  switch (ref.kind) {
    case sql::TableRefKind::kNamed: {
      std::vector<std::string> parts;
      for (const auto& p : ref.name.parts) parts.push_back(p.name);
      qualifier = parts.back();
      if (parts.size() == 1 && ctes.count(parts[0])) {
        const CteDef& def = ctes[parts[0]];
        Binder sub(catalog_, def.text, session_);
        sub.ctes = ctes;
        sub.ctes.erase(parts[0]);
        FLINKDBT_ASSIGN_OR_RETURN(r.plan, sub.BindQuery(*def.cte->query, outer));
        if (!def.cte->columns.empty()) {
          std::vector<std::string> names;
          for (const auto& c : def.cte->columns) names.push_back(c.name);
          r.plan = Rename(r.plan, names);
        }
      } else {
        auto qualified = catalog_.Qualify(parts);
        if (!qualified.ok()) return Error(ref.name.span, ToStd(qualified.status().message()));
        auto obj = catalog_.Find(*qualified);
        if (!obj) {
          return Error(ref.name.span,
                       fmt::format("Table (or view) '{}' does not exist, may be on a different "
                                   "cluster or database, or you might not have permissions to access it.",
                                   fmt::join(parts, ".")));
        }
        FLINKDBT_ASSIGN_OR_RETURN(r.plan, BindObject(obj, ref.name.span));
      }
      if (ref.system_time) {
        // FOR SYSTEM_TIME AS OF: bounded runs read the table's final version.
      }
      break;
    }
    case sql::TableRefKind::kSubquery: {
      FLINKDBT_ASSIGN_OR_RETURN(r.plan, BindQuery(*ref.subquery, outer));
      break;
    }
    case sql::TableRefKind::kTableFunction:
      return BindTableFunction(ref, outer);
    case sql::TableRefKind::kUnnest:
      return Error(ref.span, "UNNEST must be joined to the table it unnests (CROSS JOIN UNNEST(...))");
    case sql::TableRefKind::kMatchRecognize:
      return Error(ref.span, "MATCH_RECOGNIZE is not supported by the local engine");
    case sql::TableRefKind::kJoin: {
      FLINKDBT_ASSIGN_OR_RETURN(FromResult left, BindFrom(*ref.left, outer));
      if (ref.right->kind == sql::TableRefKind::kUnnest) {
        // Correlated UNNEST over the left side's row.
        Scope ls = left.scope;
        ls.parent = outer;
        auto u = NewNode(PlanNode::Kind::kUnnest);
        u->columns = left.plan->columns;
        if (ref.right->call->args.size() != 1) return Error(ref.right->span, "UNNEST takes one argument");
        FLINKDBT_ASSIGN_OR_RETURN(auto arr, Bind(*ref.right->call->args[0], ls, nullptr));
        std::vector<DataType> elem;
        if (arr->type.root == TypeRoot::kArray || arr->type.root == TypeRoot::kMultiset) {
          const DataType& et = arr->type.children[0];
          if (et.root == TypeRoot::kRow)
            elem = et.children;
          else
            elem.push_back(et);
        } else if (arr->type.root == TypeRoot::kMap) {
          elem = arr->type.children;
        } else {
          return Error(ref.right->span, "UNNEST needs an ARRAY, MAP or MULTISET");
        }
        if (ref.right->with_ordinality) elem.push_back(DataType::Int(false));
        std::string uq = ref.right->alias ? ref.right->alias->name : "";
        Scope s = left.scope;
        for (size_t i = 0; i < elem.size(); ++i) {
          std::string name = i < ref.right->column_aliases.size() ? ref.right->column_aliases[i].name
                                                                  : fmt::format("EXPR${}", i);
          u->columns.push_back(PlanColumn{name, elem[i]});
          s.cols.push_back(ScopeColumn{uq, name, elem[i], static_cast<int>(u->columns.size() - 1)});
        }
        u->with_ordinality = ref.right->with_ordinality;
        u->exprs.push_back(std::move(arr));
        u->inputs.push_back(left.plan);
        r.plan = u;
        r.scope = s;
        return r;
      }
      FLINKDBT_ASSIGN_OR_RETURN(FromResult right, BindFrom(*ref.right, outer));
      if (ReadsInformationSchema(*left.plan) || ReadsInformationSchema(*right.plan))
        return Error(ref.span,
                     "INFORMATION_SCHEMA views cannot be joined (Confluent Cloud supports only simple "
                     "queries on them)");
      auto j = NewNode(PlanNode::Kind::kJoin);
      j->join_type = ref.join_type == sql::JoinType::kComma ? sql::JoinType::kCross : ref.join_type;
      int lw = static_cast<int>(left.plan->columns.size());
      j->columns = left.plan->columns;
      for (auto c : right.plan->columns) {
        if (j->join_type == sql::JoinType::kLeft || j->join_type == sql::JoinType::kFull)
          c.type = c.type.WithNullable(true);
        j->columns.push_back(c);
      }
      if (j->join_type == sql::JoinType::kRight || j->join_type == sql::JoinType::kFull)
        for (int i = 0; i < lw; ++i) j->columns[i].type = j->columns[i].type.WithNullable(true);
      // A join's output keeps time attributes only for inner/interval joins; drop them otherwise.
      Scope s = left.scope;
      for (auto c : right.scope.cols) {
        c.index += lw;
        s.cols.push_back(c);
      }
      s.parent = outer;
      std::vector<BExprPtr> conjuncts;
      if (ref.on) {
        FLINKDBT_ASSIGN_OR_RETURN(auto on, Bind(*ref.on, s, nullptr));
        // Split AND-ed equalities between the two sides into hash keys.
        std::vector<BExprPtr> stack;
        stack.push_back(std::move(on));
        while (!stack.empty()) {
          BExprPtr e = std::move(stack.back());
          stack.pop_back();
          if (e->kind == BExpr::Kind::kAnd) {
            for (auto& a : e->args) stack.push_back(std::move(a));
            continue;
          }
          conjuncts.push_back(std::move(e));
        }
      }
      for (const auto& u : ref.using_columns) {
        int li = -1, ri = -1;
        for (const auto& c : left.scope.cols)
          if (c.name == u.name) li = c.index;
        for (const auto& c : right.scope.cols)
          if (c.name == u.name) ri = c.index + lw;
        if (li < 0 || ri < 0)
          return Error(u.span, fmt::format("Column '{}' in USING clause not found on both sides", u.name));
        std::vector<BExprPtr> args;
        args.push_back(MakeInput(li, j->columns[li].type));
        args.push_back(MakeInput(ri, j->columns[ri].type));
        FLINKDBT_ASSIGN_OR_RETURN(auto eq, BindCall("=", std::move(args), {}));
        conjuncts.push_back(std::move(eq));
        for (auto& c : s.cols)
          if (c.index == ri) c.hidden = true;
      }
      std::vector<BExprPtr> rest;
      bool win_start = false, win_end = false;
      for (auto& c : conjuncts) {
        if (c->kind == BExpr::Kind::kCall && c->name == "=" && c->args[0]->kind == BExpr::Kind::kInput &&
            c->args[1]->kind == BExpr::Kind::kInput) {
          int a = c->args[0]->index, b = c->args[1]->index;
          if ((a < lw) != (b < lw)) {
            if (a >= lw) std::swap(a, b);
            auto wa = j->columns[a].window;
            win_start |= wa == WindowAttr::kStart && j->columns[b].window == WindowAttr::kStart;
            win_end |= wa == WindowAttr::kEnd && j->columns[b].window == WindowAttr::kEnd;
            j->left_keys.push_back(MakeInput(a, j->columns[a].type));
            j->right_keys.push_back(MakeInput(b - lw, j->columns[b].type));
            continue;
          }
        }
        rest.push_back(std::move(c));
      }
      // Window joins and interval joins are insert-only: a row without a match is emitted NULL-padded
      // once the watermark passes its window / interval (at the end of bounded input), never
      // emitted first and retracted later.
      bool rowtime_key = false;  // `l.ts = r.ts` bounds both ways
      for (size_t k = 0; k < j->left_keys.size(); ++k) {
        int li = j->left_keys[k]->index, ri = j->right_keys[k]->index + lw;
        rowtime_key |= j->columns[li].type.time_attribute == sql::TimeAttribute::kRowtime &&
                       j->columns[ri].type.time_attribute == sql::TimeAttribute::kRowtime;
      }
      j->interval_join = !(win_start && win_end) && (rowtime_key || IsIntervalJoin(rest, j->columns, lw));
      j->emit_at_end = (win_start && win_end) || j->interval_join;
      if (!(win_start && win_end)) {
        for (auto& c : j->columns) {
          if (c.window == WindowAttr::kStart || c.window == WindowAttr::kEnd) c.window = WindowAttr::kNone;
        }
      }
      if (!rest.empty()) {
        BExprPtr cond = std::move(rest[0]);
        for (size_t i = 1; i < rest.size(); ++i) {
          auto a = std::make_unique<BExpr>();
          a->kind = BExpr::Kind::kAnd;
          a->type = DataType::Boolean();
          a->args.push_back(std::move(cond));
          a->args.push_back(std::move(rest[i]));
          cond = std::move(a);
        }
        j->condition = std::move(cond);
      }
      j->inputs.push_back(left.plan);
      j->inputs.push_back(right.plan);
      r.plan = j;
      r.scope = s;
      return r;
    }
  }
  if (ref.alias) qualifier = ref.alias->name;
  if (!ref.column_aliases.empty()) {
    std::vector<std::string> names;
    for (const auto& c : ref.column_aliases) names.push_back(c.name);
    size_t visible = 0;
    for (const auto& c : r.plan->columns) visible += !c.hidden;
    if (names.size() != visible)
      return Error(ref.span,
                   fmt::format("List of column aliases must have same degree as table; table has {} "
                               "columns, whereas alias list has {} columns",
                               visible, names.size()));
    r.plan = Rename(r.plan, names);
  }
  r.scope = ScopeOf(*r.plan, qualifier);
  return r;
}

absl::StatusOr<Binder::FromResult> Binder::BindTableFunction(const sql::TableRef& ref, const Scope* outer) {
  const Expr& call = *ref.call;
  std::string name =
      D(call).function_name.parts.empty() ? "" : Upper(D(call).function_name.parts.back().name);
  WindowKind kind;
  if (name == "TUMBLE")
    kind = WindowKind::kTumble;
  else if (name == "HOP")
    kind = WindowKind::kHop;
  else if (name == "CUMULATE")
    kind = WindowKind::kCumulate;
  else if (name == "SESSION")
    kind = WindowKind::kSession;
  else
    return Error(call.span, fmt::format("No match found for table function '{}'", name));
  // Arguments by position or by name (DATA, TIMECOL, SIZE, SLIDE, STEP, GAP, OFFSET).
  const Expr* data = nullptr;
  const Expr* timecol = nullptr;
  std::vector<const Expr*> intervals;
  std::map<std::string, const Expr*> named;
  for (size_t i = 0; i < call.args.size(); ++i) {
    const Expr* a = call.args[i].get();
    if (i < D(call).arg_names.size() && !D(call).arg_names[i].empty()) {
      named[Upper(D(call).arg_names[i])] = a;
      continue;
    }
    if (a->kind == ExprKind::kTableArg)
      data = a;
    else if (a->kind == ExprKind::kDescriptor)
      timecol = a;
    else
      intervals.push_back(a);
  }
  if (named.count("DATA")) data = named["DATA"];
  if (named.count("TIMECOL")) timecol = named["TIMECOL"];
  auto take = [&](const char* key) -> const Expr* {
    if (named.count(key)) return named[key];
    return nullptr;
  };
  if (!data || !timecol)
    return Error(call.span, fmt::format("{} needs TABLE <name> and DESCRIPTOR(<time column>)", name));
  // Interval arguments in positional order per kind.
  std::vector<const Expr*> ordered;
  if (kind == WindowKind::kTumble)
    ordered = {take("SIZE"), take("OFFSET")};
  else if (kind == WindowKind::kHop)
    ordered = {take("SLIDE"), take("SIZE"), take("OFFSET")};
  else if (kind == WindowKind::kCumulate)
    ordered = {take("STEP"), take("SIZE"), take("OFFSET")};
  else
    ordered = {take("GAP")};
  size_t pos = 0;
  for (auto& o : ordered)
    if (!o && pos < intervals.size()) o = intervals[pos++];
  Scope empty;
  auto interval_of = [&](const Expr* e, int64_t* out) -> absl::Status {
    if (!e) return absl::OkStatus();
    FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*e, empty, nullptr));
    if (b->kind != BExpr::Kind::kConst || b->value.kind() != ValueKind::kIntervalMillis)
      return Error(e->span,
                   "window size, slide, step, gap and offset must be INTERVAL DAY TO SECOND literals");
    *out = IntervalMillis(*b);
    return absl::OkStatus();
  };
  auto p = NewNode(PlanNode::Kind::kWindowTvf);
  p->window_kind = kind;
  if (kind == WindowKind::kTumble) {
    FLINKDBT_RETURN_IF_ERROR(interval_of(ordered[0], &p->size));
    FLINKDBT_RETURN_IF_ERROR(interval_of(ordered[1], &p->offset));
  } else if (kind == WindowKind::kSession) {
    FLINKDBT_RETURN_IF_ERROR(interval_of(ordered[0], &p->slide));
  } else {
    FLINKDBT_RETURN_IF_ERROR(interval_of(ordered[0], &p->slide));
    FLINKDBT_RETURN_IF_ERROR(interval_of(ordered[1], &p->size));
    FLINKDBT_RETURN_IF_ERROR(interval_of(ordered[2], &p->offset));
  }
  if (kind != WindowKind::kSession && p->size <= 0)
    return Error(call.span, fmt::format("{} needs a positive window size", name));
  if ((kind == WindowKind::kHop || kind == WindowKind::kCumulate || kind == WindowKind::kSession) &&
      p->slide <= 0)
    return Error(call.span, fmt::format("{} needs a positive slide/step/gap", name));
  if (kind == WindowKind::kCumulate && p->size % p->slide != 0)
    return Error(call.span, "CUMULATE window size must be an integral multiple of the step");
  // The input relation.
  sql::TableRef named_ref;
  named_ref.kind = sql::TableRefKind::kNamed;
  for (const auto& n : data->names) named_ref.name.parts.push_back(n);
  named_ref.name.span = data->span;
  named_ref.span = data->span;
  FLINKDBT_ASSIGN_OR_RETURN(FromResult in, BindFrom(named_ref, outer));
  if (timecol->names.size() != 1) return Error(timecol->span, "DESCRIPTOR needs exactly one time column");
  int tcol = -1;
  for (const auto& c : in.scope.cols)
    if (c.name == timecol->names[0].name) tcol = c.index;
  if (tcol < 0)
    return Error(timecol->span, fmt::format("Column '{}' not found in table '{}'", timecol->names[0].name,
                                            data->names.back().name));
  const DataType& tt = in.plan->columns[tcol].type;
  if (!sql::IsTimestamp(tt))
    return Error(timecol->span,
                 fmt::format("The window function requires the timecol is a time attribute type, but is {}.",
                             sql::TypeToString(tt)));
  p->time_column = tcol;
  for (const auto& pe : data->args) {
    if (pe->kind != ExprKind::kColumnRef)
      return Error(pe->span, "PARTITION BY of a window TVF takes columns");
    int idx = -1;
    for (const auto& c : in.scope.cols)
      if (c.name == pe->names.back().name) idx = c.index;
    if (idx < 0) return Error(pe->span, fmt::format("Column '{}' not found", pe->names.back().name));
    p->partition_columns.push_back(idx);
  }
  p->columns = in.plan->columns;
  for (auto& c : p->columns) {
    if (c.window != WindowAttr::kNone) c.window = WindowAttr::kNone;
    c.type = c.type.WithoutTimeAttribute();
  }
  bool ltz = tt.root == TypeRoot::kTimestampLtz;
  DataType wt = ltz ? DataType::TimestampLtz(3, false) : DataType::Timestamp(3, false);
  DataType rt = wt;
  rt.time_attribute = sql::TimeAttribute::kRowtime;
  p->columns.push_back(PlanColumn{"window_start", wt, false, WindowAttr::kStart});
  p->columns.push_back(PlanColumn{"window_end", wt, false, WindowAttr::kEnd});
  p->columns.push_back(PlanColumn{"window_time", rt, false, WindowAttr::kTime});
  p->inputs.push_back(in.plan);
  FromResult r;
  r.plan = p;
  std::string qualifier = ref.alias ? ref.alias->name : data->names.back().name;
  r.scope = ScopeOf(*p, qualifier);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Expressions

absl::StatusOr<BExprPtr> Binder::BindScalar(const sql::Expr& e, const Scope& scope) {
  return Bind(e, scope, nullptr);
}

absl::StatusOr<BExprPtr> Binder::BindColumnRef(const Expr& e, const Scope& scope) {
  const auto& names = e.names;
  int depth = 0;
  for (const Scope* s = &scope; s; s = s->parent, ++depth) {
    const ScopeColumn* found = nullptr;
    size_t consumed = 0;
    int matches = 0;
    // qualifier.column
    if (names.size() >= 2) {
      for (const auto& c : s->cols) {
        if (c.qualifier == names[0].name && c.name == names[1].name) {
          if (!found) found = &c;
          ++matches;
        }
      }
      if (found) consumed = 2;
    }
    if (!found) {
      for (const auto& c : s->cols) {
        if (c.name == names[0].name && (!c.hidden || c.name == "$rowtime" || true)) {
          if (found && found->hidden == c.hidden && !c.hidden) ++matches;
          if (!found || (found->hidden && !c.hidden)) found = &c;
          if (matches == 0) matches = 1;
        }
      }
      if (found) consumed = 1;
    }
    if (!found) continue;
    if (matches > 1 && consumed == 1)
      return Error(e.span, fmt::format("Column '{}' is ambiguous", names[0].name));
    BExprPtr b;
    if (depth == 0) {
      b = MakeInput(found->index, found->type);
    } else {
      b = std::make_unique<BExpr>();
      b->kind = BExpr::Kind::kOuter;
      b->depth = depth;
      b->index = found->index;
      b->type = found->type;
    }
    // Remaining parts: nested ROW field access.
    for (size_t i = consumed; i < names.size(); ++i) {
      const DataType& t = b->type;
      if (t.root != TypeRoot::kRow)
        return Error(e.span, fmt::format("Column '{}' is not a ROW; cannot access field '{}'",
                                         names[i - 1].name, names[i].name));
      int idx = -1;
      for (size_t f = 0; f < t.field_names.size(); ++f)
        if (t.field_names[f] == names[i].name) idx = static_cast<int>(f);
      if (idx < 0) return Error(e.span, fmt::format("Unknown field '{}'", names[i].name));
      std::vector<BExprPtr> args;
      args.push_back(std::move(b));
      args.push_back(MakeConst(Value::Int(idx), DataType::Int(false)));
      FLINKDBT_ASSIGN_OR_RETURN(b, BindCall("$FIELD", std::move(args), {}));
    }
    return b;
  }
  std::string full;
  for (size_t i = 0; i < names.size(); ++i) full += (i ? "." : "") + names[i].name;
  return Error(e.span, fmt::format("Column '{}' not found in any table", full));
}

absl::StatusOr<BExprPtr> Binder::Bind(const Expr& e, const Scope& scope, AggState* agg) {
  if (agg && agg->active) {
    std::string t = NormalizeSql(TextOf(e.span));
    for (size_t i = 0; i < agg->key_texts.size(); ++i)
      if (agg->key_texts[i] == t)
        return MakeInput(static_cast<int>(i),
                         agg->grouping_sets.empty()
                             ? agg->key_types[i].WithoutTimeAttribute()
                             : agg->key_types[i].WithNullable(true).WithoutTimeAttribute());
    if (e.kind == ExprKind::kFunction && !D(e).over) {
      for (size_t i = 0; i < agg->agg_texts.size(); ++i)
        if (agg->agg_texts[i] == t) {
          int base = static_cast<int>(agg->key_texts.size()) + (agg->grouping_column >= 0 ? 1 : 0);
          return MakeInput(base + static_cast<int>(i), agg->agg_types[i]);
        }
    }
    if (e.kind == ExprKind::kColumnRef) {
      auto in = BindColumnRef(e, *agg->input);
      if (in.ok() && (*in)->kind == BExpr::Kind::kInput) {
        for (size_t i = 0; i < agg->key_input_index.size(); ++i)
          if (agg->key_input_index[i] == (*in)->index)
            return MakeInput(static_cast<int>(i), agg->key_types[i].WithoutTimeAttribute());
        return Error(e.span, fmt::format("Expression '{}' is not being grouped", TextOf(e.span)));
      }
      if (in.ok()) return in;  // outer reference
      return in.status();
    }
  }
  switch (e.kind) {
    case ExprKind::kLiteral: {
      auto r = BindLiteral(e.literal);
      if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
      return r;
    }
    case ExprKind::kInterval: {
      auto r = BindIntervalLiteral(e);
      if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
      return r;
    }
    case ExprKind::kColumnRef:
      return BindColumnRef(e, scope);
    case ExprKind::kStar:
      return Error(e.span, "'*' is not allowed here");
    case ExprKind::kParameter:
      return Error(e.span, "Parameters (?) are not supported");
    case ExprKind::kUnary: {
      FLINKDBT_ASSIGN_OR_RETURN(auto a, Bind(*e.args[0], scope, agg));
      std::string op = Upper(e.op);
      if (op == "+") return a;
      std::vector<BExprPtr> args;
      args.push_back(std::move(a));
      auto r = BindCall(op == "NOT" ? "NOT" : "NEGATE", std::move(args), {});
      if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
      return r;
    }
    case ExprKind::kBinary: {
      FLINKDBT_ASSIGN_OR_RETURN(auto a, Bind(*e.args[0], scope, agg));
      FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*e.args[1], scope, agg));
      std::string op = Upper(e.op);
      if (op == "!=") op = "<>";
      if (op == "AND" || op == "OR") {
        for (const auto* x : {&a, &b})
          if ((*x)->type.root != TypeRoot::kBoolean && (*x)->type.root != TypeRoot::kNull)
            return Error(e.span, fmt::format("Cannot apply '{}' to arguments of type {}", op,
                                             sql::TypeToString((*x)->type)));
        auto x = std::make_unique<BExpr>();
        x->kind = op == "AND" ? BExpr::Kind::kAnd : BExpr::Kind::kOr;
        x->type = DataType::Boolean(a->type.nullable || b->type.nullable);
        x->args.push_back(std::move(a));
        x->args.push_back(std::move(b));
        return BExprPtr(std::move(x));
      }
      std::vector<BExprPtr> args;
      args.push_back(std::move(a));
      args.push_back(std::move(b));
      auto r = BindCall(op, std::move(args), {});
      if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
      return r;
    }
    case ExprKind::kIsPredicate: {
      std::vector<BExprPtr> args;
      for (const auto& a : e.args) {
        FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*a, scope, agg));
        args.push_back(std::move(b));
      }
      std::string name;
      CallSyntax syn;
      switch (e.is_test) {
        case sql::IsTest::kNull:
          name = "IS NULL";
          break;
        case sql::IsTest::kTrue:
          name = "IS TRUE";
          break;
        case sql::IsTest::kFalse:
          name = "IS FALSE";
          break;
        case sql::IsTest::kUnknown:
          name = "IS NULL";
          break;
        case sql::IsTest::kDistinctFrom:
          name = "IS DISTINCT FROM";
          break;
        case sql::IsTest::kJson:
          name = "IS JSON";
          syn.json_type = D(e).json_type;
          break;
      }
      auto r = BindCall(name, std::move(args), std::move(syn));
      if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
      BExprPtr out = std::move(*r);
      if (e.negated) {
        std::vector<BExprPtr> n;
        n.push_back(std::move(out));
        FLINKDBT_ASSIGN_OR_RETURN(out, BindCall("NOT", std::move(n), {}));
      }
      return out;
    }
    case ExprKind::kBetween: {
      auto cmp = [&](const char* op, const Expr& x, const Expr& y) -> absl::StatusOr<BExprPtr> {
        FLINKDBT_ASSIGN_OR_RETURN(auto a, Bind(x, scope, agg));
        FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(y, scope, agg));
        std::vector<BExprPtr> args;
        args.push_back(std::move(a));
        args.push_back(std::move(b));
        auto r = BindCall(op, std::move(args), {});
        if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
        return r;
      };
      auto both = [&](const Expr& lo, const Expr& hi) -> absl::StatusOr<BExprPtr> {
        FLINKDBT_ASSIGN_OR_RETURN(auto a, cmp(">=", *e.args[0], lo));
        FLINKDBT_ASSIGN_OR_RETURN(auto b, cmp("<=", *e.args[0], hi));
        auto x = std::make_unique<BExpr>();
        x->kind = BExpr::Kind::kAnd;
        x->type = DataType::Boolean();
        x->args.push_back(std::move(a));
        x->args.push_back(std::move(b));
        return x;
      };
      FLINKDBT_ASSIGN_OR_RETURN(BExprPtr out, both(*e.args[1], *e.args[2]));
      if (e.symmetric) {
        FLINKDBT_ASSIGN_OR_RETURN(auto rev, both(*e.args[2], *e.args[1]));
        auto x = std::make_unique<BExpr>();
        x->kind = BExpr::Kind::kOr;
        x->type = DataType::Boolean();
        x->args.push_back(std::move(out));
        x->args.push_back(std::move(rev));
        out = std::move(x);
      }
      if (e.negated) {
        auto x = std::make_unique<BExpr>();
        x->kind = BExpr::Kind::kNot;
        x->type = DataType::Boolean();
        x->args.push_back(std::move(out));
        out = std::move(x);
      }
      return out;
    }
    case ExprKind::kInList:
    case ExprKind::kLike:
    case ExprKind::kArray:
    case ExprKind::kMap:
    case ExprKind::kRow:
    case ExprKind::kSubscript: {
      std::vector<BExprPtr> args;
      for (const auto& a : e.args) {
        FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*a, scope, agg));
        args.push_back(std::move(b));
      }
      std::string name = e.kind == ExprKind::kInList  ? "IN"
                         : e.kind == ExprKind::kLike  ? (e.similar ? "SIMILAR TO" : "LIKE")
                         : e.kind == ExprKind::kArray ? "ARRAY"
                         : e.kind == ExprKind::kMap   ? "MAP"
                         : e.kind == ExprKind::kRow   ? "ROW"
                                                      : "ITEM";
      auto r = BindCall(name, std::move(args), {});
      if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
      BExprPtr out = std::move(*r);
      if (e.negated) {
        std::vector<BExprPtr> n;
        n.push_back(std::move(out));
        FLINKDBT_ASSIGN_OR_RETURN(out, BindCall("NOT", std::move(n), {}));
      }
      return out;
    }
    case ExprKind::kFieldAccess: {
      FLINKDBT_ASSIGN_OR_RETURN(auto base, Bind(*e.args[0], scope, agg));
      if (base->type.root != TypeRoot::kRow) return Error(e.span, "field access needs a ROW value");
      int idx = -1;
      for (size_t f = 0; f < base->type.field_names.size(); ++f)
        if (base->type.field_names[f] == e.names[0].name) idx = static_cast<int>(f);
      if (idx < 0) return Error(e.span, fmt::format("Unknown field '{}'", e.names[0].name));
      std::vector<BExprPtr> args;
      args.push_back(std::move(base));
      args.push_back(MakeConst(Value::Int(idx), DataType::Int(false)));
      return BindCall("$FIELD", std::move(args), {});
    }
    case ExprKind::kCase: {
      std::vector<BExprPtr> whens, thens;
      BExprPtr operand;
      if (e.args[0]) {
        FLINKDBT_ASSIGN_OR_RETURN(operand, Bind(*e.args[0], scope, agg));
      }
      std::vector<DataType> types;
      for (size_t i = 1; i + 1 < e.args.size(); i += 2) {
        FLINKDBT_ASSIGN_OR_RETURN(auto w, Bind(*e.args[i], scope, agg));
        if (operand) {
          FLINKDBT_ASSIGN_OR_RETURN(auto op2, Bind(*e.args[0], scope, agg));
          std::vector<BExprPtr> args;
          args.push_back(std::move(op2));
          args.push_back(std::move(w));
          auto eq = BindCall("=", std::move(args), {});
          if (!eq.ok()) return Error(e.args[i]->span, ToStd(eq.status().message()));
          w = std::move(*eq);
        }
        FLINKDBT_ASSIGN_OR_RETURN(auto t, Bind(*e.args[i + 1], scope, agg));
        types.push_back(t->type);
        whens.push_back(std::move(w));
        thens.push_back(std::move(t));
      }
      BExprPtr els;
      if (D(e).else_expr) {
        FLINKDBT_ASSIGN_OR_RETURN(els, Bind(*D(e).else_expr, scope, agg));
        types.push_back(els->type);
      }
      auto common = sql::FindCommonType(types);
      if (!common) return Error(e.span, "CASE branches have no common type");
      DataType t = common->WithoutTimeAttribute();
      if (t.root == TypeRoot::kChar) t = DataType::VarChar(t.precision, t.nullable);
      if (!D(e).else_expr) t = t.WithNullable(true);
      auto c = std::make_unique<BExpr>();
      c->kind = BExpr::Kind::kCase;
      c->type = t;
      for (size_t i = 0; i < whens.size(); ++i) {
        c->args.push_back(std::move(whens[i]));
        c->args.push_back(thens[i]->type == t ? std::move(thens[i]) : MakeCast(std::move(thens[i]), t));
      }
      if (els) {
        c->has_else = true;
        c->args.push_back(els->type == t ? std::move(els) : MakeCast(std::move(els), t));
      }
      return BExprPtr(std::move(c));
    }
    case ExprKind::kCast: {
      FLINKDBT_ASSIGN_OR_RETURN(auto a, Bind(*e.args[0], scope, agg));
      DataType to = D(e).cast_type;
      if (a->type.root != TypeRoot::kNull && !sql::SupportsExplicitCast(a->type, to) &&
          !(sql::IsCharacterString(a->type) || sql::IsCharacterString(to)))
        return Error(e.span, fmt::format("Cast function cannot convert value of type {} to type {}",
                                         sql::TypeToString(a->type), sql::TypeToString(to)));
      if (e.try_cast)
        to = to.WithNullable(true);
      else
        to = to.WithNullable(a->type.nullable || !to.nullable ? to.nullable : a->type.nullable);
      if (!D(e).cast_type.nullable) to = to.WithNullable(false);
      return MakeCast(std::move(a), to, e.try_cast);
    }
    case ExprKind::kFunction:
      return BindFunction(e, scope, agg);
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
    case ExprKind::kScalarSubquery:
    case ExprKind::kQuantified:
      return BindSubqueryExpr(e, scope, agg);
    case ExprKind::kDescriptor:
    case ExprKind::kTableArg:
      return Error(e.span, "DESCRIPTOR and TABLE arguments are only allowed in window table functions");
  }
  return Error(e.span, "unsupported expression");
}

absl::StatusOr<BExprPtr> Binder::BindSubqueryExpr(const Expr& e, const Scope& scope, AggState* agg) {
  auto b = std::make_unique<BExpr>();
  b->negated = e.negated;
  if (e.kind == ExprKind::kInSubquery || e.kind == ExprKind::kQuantified) {
    FLINKDBT_ASSIGN_OR_RETURN(auto v, Bind(*e.args[0], scope, agg));
    b->args.push_back(std::move(v));
  }
  Binder sub(catalog_, text_, session_);
  sub.ctes = ctes;
  FLINKDBT_ASSIGN_OR_RETURN(b->subquery, sub.BindQuery(*D(e).subquery, &scope));
  b->correlated = true;
  b->type = DataType::Boolean();
  switch (e.kind) {
    case ExprKind::kInSubquery:
      b->kind = BExpr::Kind::kInSubquery;
      if (b->subquery->columns.size() != 1) return Error(e.span, "IN subquery must return one column");
      break;
    case ExprKind::kExists:
      b->kind = BExpr::Kind::kExists;
      b->type = DataType::Boolean(false);
      break;
    case ExprKind::kScalarSubquery:
      b->kind = BExpr::Kind::kScalarSubquery;
      if (b->subquery->columns.size() != 1) return Error(e.span, "Scalar subquery must return one column");
      b->type = b->subquery->columns[0].type.WithNullable(true);
      break;
    default:
      b->kind = BExpr::Kind::kQuantified;
      b->name = e.op == "!=" ? "<>" : e.op;
      b->i0 = D(e).quantifier == sql::Quantifier::kAll ? 1 : 0;
      break;
  }
  return BExprPtr(std::move(b));
}

absl::StatusOr<BExprPtr> Binder::BindFunction(const Expr& e, const Scope& scope, AggState* agg) {
  std::string name = D(e).function_name.parts.empty() ? "" : Upper(D(e).function_name.parts.back().name);
  if (D(e).function_name.parts.size() > 1)
    return Error(e.span, fmt::format("No match found for function signature {}",
                                     D(e).function_name.parts.back().name));
  if (D(e).over) {
    if (!agg || !agg->allow_over) return Error(e.span, "OVER windows are only allowed in the SELECT list");
    std::string t = NormalizeSql(TextOf(e.span));
    for (size_t i = 0; i < agg->over_texts.size(); ++i)
      if (agg->over_texts[i] == t)
        return MakeInput(agg->base_width + static_cast<int>(i), (*agg->overs)[i].type);
    const sql::WindowSpec& w = *D(e).over;
    if (w.reference) return Error(e.span, "named windows (OVER w) are not supported by the local engine");
    OverCall call;
    call.fn = name;
    AggState post = *agg;
    post.allow_over = false;
    AggState* inner = agg->active ? &post : nullptr;
    for (const auto& p : w.partition_by) {
      FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*p, scope, inner));
      call.partition_by.push_back(std::move(b));
    }
    for (const auto& o : w.order_by) {
      FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*o.expr, scope, inner));
      call.order_by.push_back(std::move(b));
      call.descending.push_back(o.descending);
      call.nulls.push_back(o.nulls);
    }
    std::vector<DataType> arg_types;
    for (const auto& a : e.args) {
      FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*a, scope, inner));
      arg_types.push_back(b->type);
      call.args.push_back(std::move(b));
    }
    if (IsRankFunction(name)) {
      if (call.order_by.empty())
        return Error(e.span, fmt::format("{} requires an ORDER BY in its OVER clause", name));
      call.type = DataType::BigInt(false);
    } else if (name == "PERCENT_RANK" || name == "CUME_DIST" || name == "NTILE") {
      if (call.order_by.empty())
        return Error(e.span, fmt::format("{} requires an ORDER BY in its OVER clause", name));
      call.type = name == "NTILE" ? DataType::Int(false) : DataType::Double(false);
    } else if (name == "LAG" || name == "LEAD") {
      if (call.args.empty()) return Error(e.span, fmt::format("{} needs an argument", name));
      call.type = call.args[0]->type.WithNullable(true);
    } else if (auto fn = AggregateFunction(name)) {
      call.agg = *fn;
      if (D(e).star_arg || (call.agg == AggFn::kCount && call.args.empty())) call.agg = AggFn::kCountStar;
      auto rt = AggregateResultType(call.agg, arg_types);
      if (!rt.ok()) return Error(e.span, ToStd(rt.status().message()));
      call.type = *rt;
      call.distinct = D(e).distinct;
    } else {
      return Error(e.span, fmt::format("Function '{}' cannot be used with OVER", name));
    }
    call.frame_unit = w.frame_unit;
    if (w.frame_unit != sql::FrameUnit::kNone) {
      auto bound_offset = [&](const sql::FrameBound& fb, int64_t* out) -> absl::Status {
        if (!fb.offset) return absl::OkStatus();
        Scope empty;
        FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*fb.offset, empty, nullptr));
        if (b->kind != BExpr::Kind::kConst) return Error(e.span, "window frame offsets must be literals");
        *out = b->value.int_value();
        return absl::OkStatus();
      };
      call.start_kind = w.frame_start.kind;
      FLINKDBT_RETURN_IF_ERROR(bound_offset(w.frame_start, &call.start_offset));
      if (w.frame_between) {
        call.end_kind = w.frame_end.kind;
        FLINKDBT_RETURN_IF_ERROR(bound_offset(w.frame_end, &call.end_offset));
      }
    } else if (call.order_by.empty()) {
      call.end_kind = sql::FrameBoundKind::kUnboundedFollowing;
    } else {
      call.frame_unit = sql::FrameUnit::kRange;
    }
    agg->over_texts.push_back(t);
    agg->overs->push_back(std::move(call));
    return MakeInput(agg->base_width + static_cast<int>(agg->overs->size() - 1), agg->overs->back().type);
  }
  if (AggregateFunction(name)) {
    return Error(e.span, fmt::format("Aggregate function {} is not allowed here", name));
  }
  if (name == "GROUPING" || name == "GROUPING_ID") {
    if (!agg || !agg->active) return Error(e.span, fmt::format("{} needs a GROUP BY", name));
    std::vector<int> bits;
    for (const auto& a : e.args) {
      std::string t = NormalizeSql(TextOf(a->span));
      int idx = -1;
      for (size_t i = 0; i < agg->key_texts.size(); ++i)
        if (agg->key_texts[i] == t) idx = static_cast<int>(i);
      if (idx < 0) return Error(a->span, fmt::format("Argument of {} must be a grouping expression", name));
      bits.push_back(idx);
    }
    auto b = std::make_unique<BExpr>();
    b->kind = BExpr::Kind::kCall;
    b->name = "$GROUPING";
    b->type = DataType::BigInt(false);
    for (int k : bits) b->strs.push_back(std::to_string(k));
    if (agg->grouping_column >= 0) {
      b->args.push_back(MakeInput(agg->grouping_column, DataType::BigInt(false)));
    } else {
      b->args.push_back(MakeConst(Value::Int(0), DataType::BigInt(false)));
    }
    std::vector<BExprPtr> args;
    args.push_back(std::move(b->args[0]));
    CallSyntax syn;
    auto r = BindCall("$GROUPING", std::move(args), std::move(syn));
    if (!r.ok()) return r.status();
    (*r)->strs = b->strs;
    return r;
  }
  CallSyntax syn;
  syn.unit = D(e).unit;
  syn.trim_spec = D(e).trim_spec;
  syn.floor_ceil_to = D(e).syntax == sql::FunctionSyntax::kFloorCeilTo;
  syn.json_wrapper = D(e).json_wrapper;
  syn.has_returning = D(e).has_returning;
  syn.returning = D(e).cast_type;
  for (const auto& jb : D(e).json_behaviors) {
    syn.json_behaviors.push_back(jb.keyword + " ON " + jb.target);
    if (jb.default_value) {
      FLINKDBT_ASSIGN_OR_RETURN(auto d, Bind(*jb.default_value, scope, agg));
      syn.json_defaults.push_back(std::move(d));
    } else {
      syn.json_defaults.push_back(nullptr);
    }
  }
  std::vector<BExprPtr> args;
  for (const auto& a : e.args) {
    FLINKDBT_ASSIGN_OR_RETURN(auto b, Bind(*a, scope, agg));
    args.push_back(std::move(b));
  }
  if (D(e).syntax == sql::FunctionSyntax::kTrim && D(e).trim_has_from && args.size() == 1) {
    args.push_back(MakeConst(Value::String(" "), DataType::Char(1, false)));
  }
  if (D(e).syntax == sql::FunctionSyntax::kTrim && syn.trim_spec.empty()) syn.trim_spec = "BOTH";
  if (name == "CURRENT_CATALOG")
    return MakeConst(Value::String(catalog_.current_catalog), DataType::String(false));
  if (name == "CURRENT_DATABASE")
    return MakeConst(Value::String(catalog_.current_database), DataType::String(false));
  auto r = BindCall(name, std::move(args), std::move(syn));
  if (!r.ok()) return Error(e.span, ToStd(r.status().message()));
  return r;
}

}  // namespace flinkdbt::engine
