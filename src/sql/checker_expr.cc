// Expressions of the checker: name resolution and Flink's typing rules (see checker_scope.h).
#include <algorithm>
#include <cstdlib>

#include "flinkdbt/base/utf8.h"
#include "flinkdbt/sql/functions.h"
#include "flinkdbt/sql/printer.h"
#include "fmt/format.h"
#include "sql/checker_scope.h"

namespace flinkdbt::sql::internal {

DataType Raw() { return DataType::Of(TypeRoot::kRaw); }
bool IsRaw(const DataType& t) { return t.root == TypeRoot::kRaw; }

namespace {

std::string UpperName(const std::string& s) {
  std::string u = s;
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return u;
}

int EditDistance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int FractionDigits(const std::string& text) {
  size_t dot = text.find('.');
  if (dot == std::string::npos) return 0;
  int n = 0;
  for (size_t i = dot + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) ++n;
  return std::min(n, 9);
}

DataType LiteralType(const Literal& l) {
  switch (l.kind) {
    case LiteralKind::kNull:
      return DataType::Null();
    case LiteralKind::kTrue:
    case LiteralKind::kFalse:
      return DataType::Boolean(false);
    case LiteralKind::kUnknown:
      return DataType::Boolean(true);
    case LiteralKind::kInteger: {
      std::string digits = l.text;
      size_t nz = digits.find_first_not_of('0');
      size_t len = nz == std::string::npos ? 1 : digits.size() - nz;
      if (len <= 9 || (len == 10 && digits.substr(nz) <= "2147483647")) return DataType::Int(false);
      if (len <= 18 || (len == 19 && digits.substr(nz) <= "9223372036854775807"))
        return DataType::BigInt(false);
      if (len <= static_cast<size_t>(kMaxDecimalPrecision)) {
        return DataType::Decimal(static_cast<int>(len), 0, false);
      }
      return DataType::Double(false);
    }
    case LiteralKind::kDecimal: {
      size_t dot = l.text.find('.');
      std::string ip = l.text.substr(0, dot);
      std::string fp = dot == std::string::npos ? "" : l.text.substr(dot + 1);
      size_t nz = ip.find_first_not_of('0');
      int int_digits = nz == std::string::npos ? 0 : static_cast<int>(ip.size() - nz);
      int scale = static_cast<int>(fp.size());
      int precision = std::max(1, int_digits + scale);
      if (precision > kMaxDecimalPrecision) return DataType::Double(false);
      return DataType::Decimal(precision, scale, false);
    }
    case LiteralKind::kDouble:
      return DataType::Double(false);
    case LiteralKind::kString:
      return DataType::Char(static_cast<int>(utf8::Length(l.text)), false);
    case LiteralKind::kBinary: {
      DataType t = DataType::Of(TypeRoot::kBinary, false);
      t.precision = static_cast<int>(l.text.size() / 2);
      return t;
    }
    case LiteralKind::kDate:
      return DataType::Date(false);
    case LiteralKind::kTime:
      return DataType::Time(FractionDigits(l.text), false);
    case LiteralKind::kTimestamp:
      return DataType::Timestamp(FractionDigits(l.text), false);
    case LiteralKind::kTimestampLtz:
      return DataType::TimestampLtz(FractionDigits(l.text), false);
  }
  return Raw();
}

DataType IntervalType(const IntervalQualifier& q) {
  using U = TimeUnit;
  IntervalResolution r = IntervalResolution::kSecond;
  switch (q.start) {
    case U::kYear:
      r = q.end == U::kMonth ? IntervalResolution::kYearToMonth : IntervalResolution::kYear;
      break;
    case U::kQuarter:
    case U::kMonth:
      r = IntervalResolution::kMonth;
      break;
    case U::kWeek:
    case U::kDay:
      r = q.end == U::kHour     ? IntervalResolution::kDayToHour
          : q.end == U::kMinute ? IntervalResolution::kDayToMinute
          : q.end == U::kSecond ? IntervalResolution::kDayToSecond
                                : IntervalResolution::kDay;
      break;
    case U::kHour:
      r = q.end == U::kMinute   ? IntervalResolution::kHourToMinute
          : q.end == U::kSecond ? IntervalResolution::kHourToSecond
                                : IntervalResolution::kHour;
      break;
    case U::kMinute:
      r = q.end == U::kSecond ? IntervalResolution::kMinuteToSecond : IntervalResolution::kMinute;
      break;
    default:
      r = IntervalResolution::kSecond;
      break;
  }
  DataType t = DataType::Interval(r, q.start_precision >= 0 ? q.start_precision : 2,
                                  q.fractional_precision >= 0 ? q.fractional_precision : 6);
  t.nullable = false;
  return t;
}

enum class Family { kUnknown, kNull, kNumeric, kString, kBoolean, kDatetime, kInterval, kBinary, kOther };
Family FamilyOf(const DataType& t) {
  if (IsRaw(t)) return Family::kUnknown;
  if (t.root == TypeRoot::kNull) return Family::kNull;
  if (IsNumeric(t)) return Family::kNumeric;
  if (IsCharacterString(t)) return Family::kString;
  if (t.root == TypeRoot::kBoolean) return Family::kBoolean;
  if (IsDatetime(t)) return Family::kDatetime;
  if (IsInterval(t)) return Family::kInterval;
  if (IsBinaryString(t)) return Family::kBinary;
  return Family::kOther;
}

// Result of + - * / % on two numerics (Flink: integral stays integral, DECIMAL per
// LogicalTypeMerging, anything with FLOAT/DOUBLE is approximate).
DataType NumericResult(const std::string& op, const DataType& a, const DataType& b) {
  bool nullable = a.nullable || b.nullable;
  if (IsApproxNumeric(a) || IsApproxNumeric(b)) {
    bool flt = (a.root == TypeRoot::kFloat || !IsApproxNumeric(a)) &&
               (b.root == TypeRoot::kFloat || !IsApproxNumeric(b));
    return DataType::Of(flt ? TypeRoot::kFloat : TypeRoot::kDouble, nullable);
  }
  if (a.root == TypeRoot::kDecimal || b.root == TypeRoot::kDecimal) {
    DataType r = op == "*"   ? DecimalTimes(a, b)
                 : op == "/" ? DecimalDivide(a, b)
                 : op == "%" ? DecimalMod(a, b)
                             : DecimalPlusMinus(a, b);
    r.nullable = nullable;
    return r;
  }
  auto rank = [](TypeRoot r) {
    return r == TypeRoot::kTinyInt ? 1 : r == TypeRoot::kSmallInt ? 2 : r == TypeRoot::kInt ? 3 : 4;
  };
  TypeRoot root = rank(a.root) >= rank(b.root) ? a.root : b.root;
  if (op == "%") root = b.root;
  return DataType::Of(root, nullable);
}

}  // namespace

bool Checker::ScopeIsOpen(const Scope* scope) {
  for (const Scope* s = scope; s; s = s->parent) {
    for (const auto& r : s->relations) {
      if (r.open) return true;
    }
  }
  return false;
}

std::string Checker::Suggestion(const std::string& name, const ScopeRelation& rel) const {
  std::string best;
  int best_d = 3;
  for (const auto& c : rel.columns) {
    int d = EditDistance(name, c.name);
    if (d < best_d && d <= static_cast<int>(std::max<size_t>(1, name.size() / 3))) {
      best_d = d;
      best = c.name;
    }
  }
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

std::string Checker::SuggestionInScope(const std::string& name, const Scope* scope) const {
  for (const Scope* s = scope; s; s = s->parent) {
    for (const auto& r : s->relations) {
      std::string sug = Suggestion(name, r);
      if (!sug.empty()) return sug;
    }
  }
  return "";
}

bool Checker::Resolve(const std::vector<Identifier>& names, const Scope* scope, ResolvedColumn* out,
                      std::string* error, bool* ambiguous) {
  *ambiguous = false;
  auto field_path = [&](DataType t, size_t from) -> bool {
    for (size_t k = from; k < names.size(); ++k) {
      if (IsRaw(t)) return true;
      if (t.root != TypeRoot::kRow) {
        *error = fmt::format("'{}' is not a field: '{}' is {}, not a ROW", names[k].name, names[k - 1].name,
                             TypeToSqlString(t));
        return false;
      }
      bool found = false;
      for (size_t f = 0; f < t.field_names.size(); ++f) {
        if (t.field_names[f] == names[k].name) {
          bool nullable = t.nullable;
          t = t.children[f];
          t.nullable = t.nullable || nullable;
          found = true;
          break;
        }
      }
      if (!found) {
        *error = fmt::format("ROW '{}' has no field '{}'", names[k - 1].name, names[k].name);
        return false;
      }
    }
    out->type = t;
    return true;
  };
  int depth = 0;
  for (const Scope* s = scope; s; s = s->parent, ++depth) {
    // table.column[.field...]  (also pattern variables in MATCH_RECOGNIZE)
    if (names.size() >= 2) {
      bool is_pattern_var = std::find(s->pattern_variables.begin(), s->pattern_variables.end(),
                                      names[0].name) != s->pattern_variables.end();
      for (size_t r = 0; r < s->relations.size(); ++r) {
        const ScopeRelation& rel = s->relations[r];
        if (rel.qualifier != names[0].name && !(is_pattern_var)) continue;
        if (rel.open) {
          out->open = true;
          out->type = Raw();
          return true;
        }
        for (size_t c = 0; c < rel.columns.size(); ++c) {
          if (rel.columns[c].name != names[1].name) continue;
          out->depth = depth;
          out->relation = static_cast<int>(r);
          out->column = static_cast<int>(c);
          out->fields = static_cast<int>(names.size() - 2);
          return field_path(rel.columns[c].type, 2);
        }
        if (!is_pattern_var) {
          *error = fmt::format("column '{}' not found in {}{}", names[1].name, rel.qualifier,
                               Suggestion(names[1].name, rel));
          return false;
        }
      }
    }
    // column[.field...]
    int matches = 0;
    bool open = false;
    for (size_t r = 0; r < s->relations.size(); ++r) {
      const ScopeRelation& rel = s->relations[r];
      open = open || rel.open;
      for (size_t c = 0; c < rel.columns.size(); ++c) {
        if (rel.columns[c].name != names[0].name) continue;
        if (matches++ == 0) {
          out->depth = depth;
          out->relation = static_cast<int>(r);
          out->column = static_cast<int>(c);
          out->fields = static_cast<int>(names.size() - 1);
        }
        break;
      }
    }
    if (matches > 1 && !s->has_using) {
      *ambiguous = true;
      *error = fmt::format(
          "column '{}' is ambiguous: more than one table of the FROM clause has it; qualify it "
          "with a table name or alias",
          names[0].name);
      return false;
    }
    if (matches >= 1) {
      return field_path(s->relations[out->relation].columns[out->column].type, 1);
    }
    if (open) {
      out->open = true;
      out->type = Raw();
      return true;
    }
  }
  *error = names.size() >= 2 ? fmt::format(
                                   "column '{}' not found (no table or alias '{}' in scope, and no column "
                                   "'{}'){}",
                                   names[0].name + "." + names[1].name, names[0].name, names[0].name,
                                   SuggestionInScope(names[0].name, scope))
                             : fmt::format("column '{}' not found{}", names[0].name,
                                           SuggestionInScope(names[0].name, scope));
  return false;
}

DataType Checker::CheckColumnRef(Expr& e, ExprContext& ctx) {
  if (ctx.select_output && e.names.size() == 1) {
    for (const Column& c : *ctx.select_output) {
      if (c.name == e.names[0].name) return c.type;
    }
  }
  ResolvedColumn rc;
  std::string error;
  bool ambiguous = false;
  if (Resolve(e.names, ctx.scope, &rc, &error, &ambiguous)) {
    e.ref_depth = rc.depth;
    e.ref_relation = rc.relation;
    e.ref_column = rc.column;
    e.ref_fields = rc.fields;
    if (rc.open) Unchecked(e.span, "a column of a relation whose columns are not known is not checked");
    return rc.type;
  }
  Error(ambiguous ? DiagnosticCode::kAmbiguousColumn : DiagnosticCode::kUnknownColumn, e.span, error);
  return Raw();
}

void Checker::RequireBoolean(const Expr& e, const DataType& t, std::string_view where) {
  Family f = FamilyOf(t);
  if (f == Family::kUnknown || f == Family::kNull || f == Family::kBoolean || f == Family::kString) return;
  Error(DiagnosticCode::kTypeMismatch, e.span,
        fmt::format("{} must be a BOOLEAN condition, but this expression is {}", where, TypeToSqlString(t)));
}

void Checker::RequireComparable(const Expr& e, const DataType& a, const DataType& b) {
  Family fa = FamilyOf(a), fb = FamilyOf(b);
  if (fa == fb || fa == Family::kUnknown || fb == Family::kUnknown || fa == Family::kNull ||
      fb == Family::kNull || fa == Family::kString || fb == Family::kString || fa == Family::kOther ||
      fb == Family::kOther) {
    return;
  }
  Error(DiagnosticCode::kTypeMismatch, e.span,
        fmt::format("cannot compare {} with {}", TypeToSqlString(a), TypeToSqlString(b)));
}

DataType Checker::CheckExpr(Expr& e, ExprContext& ctx) {
  DataType t = CheckExprInner(e, ctx);
  e.type = t;
  e.checked = true;
  return t;
}

void Checker::CheckWindowSpec(WindowSpec& w, ExprContext& ctx) {
  ExprContext inner = ctx;
  inner.allow_aggregates = ctx.allow_aggregates;
  for (auto& p : w.partition_by) CheckExpr(*p, inner);
  for (auto& o : w.order_by) CheckExpr(*o.expr, inner);
  for (FrameBound* b : {&w.frame_start, &w.frame_end}) {
    if (b->offset) CheckExpr(*b->offset, inner);
  }
}

DataType Checker::CheckBinary(Expr& e, ExprContext& ctx) {
  DataType a = CheckExpr(*e.args[0], ctx);
  DataType b = CheckExpr(*e.args[1], ctx);
  const std::string& op = e.op;
  bool nullable = a.nullable || b.nullable;
  if (op == "AND" || op == "OR") {
    RequireBoolean(*e.args[0], a, fmt::format("the operand of {}", op));
    RequireBoolean(*e.args[1], b, fmt::format("the operand of {}", op));
    return DataType::Boolean(nullable);
  }
  if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    RequireComparable(e, a, b);
    return DataType::Boolean(nullable);
  }
  if (IsRaw(a) || IsRaw(b)) return Raw();
  if (op == "||") {
    if (IsCharacterString(a) && IsCharacterString(b)) {
      int len = static_cast<int>(std::min<int64_t>(int64_t{a.precision} + b.precision, kMaxVarCharLength));
      if (a.root == TypeRoot::kChar && b.root == TypeRoot::kChar) return DataType::Char(len, nullable);
      return DataType::VarChar(len, nullable);
    }
    return DataType::String(nullable);
  }
  Family fa = FamilyOf(a), fb = FamilyOf(b);
  if (fa == Family::kNull || fb == Family::kNull) {
    DataType other = fa == Family::kNull ? b : a;
    return other.root == TypeRoot::kNull ? DataType::Null() : other.WithoutTimeAttribute().WithNullable(true);
  }
  if (fa == Family::kNumeric && fb == Family::kNumeric) return NumericResult(op, a, b);
  if ((op == "+" || op == "-") && fa == Family::kDatetime && fb == Family::kInterval) {
    return a.WithoutTimeAttribute().WithNullable(nullable);
  }
  if (op == "+" && fa == Family::kInterval && fb == Family::kDatetime)
    return b.WithoutTimeAttribute().WithNullable(nullable);
  if ((op == "+" || op == "-") && fa == Family::kInterval && fb == Family::kInterval)
    return a.WithNullable(nullable);
  if ((op == "*" || op == "/") && fa == Family::kInterval && fb == Family::kNumeric)
    return a.WithNullable(nullable);
  if (op == "*" && fa == Family::kNumeric && fb == Family::kInterval) return b.WithNullable(nullable);
  if (fa == Family::kString || fb == Family::kString) {
    Unchecked(e.span, "arithmetic on a character string relies on implicit casts; not checked");
    return Raw();
  }
  if (op == "-" && fa == Family::kDatetime && fb == Family::kDatetime) {
    Unchecked(e.span, "subtracting temporal values; not checked");
    return Raw();
  }
  Error(DiagnosticCode::kTypeMismatch, e.span,
        fmt::format("cannot apply '{}' to {} and {}", op, TypeToSqlString(a), TypeToSqlString(b)));
  return Raw();
}

DataType Checker::CheckFunction(Expr& e, ExprContext& ctx) {
  std::string name =
      e.detail->function_name.parts.size() == 1 ? UpperName(e.detail->function_name.parts[0].name) : "";
  const FunctionInfo* f = name.empty() ? nullptr : FindFunction(name);
  bool aggregate = f && f->kind == FunctionKind::kAggregate;
  if (aggregate && !e.detail->over) {
    if (ctx.in_aggregate) {
      Error(DiagnosticCode::kInvalidUsage, e.span,
            fmt::format("aggregate function {} cannot be nested in another", name));
    } else if (!ctx.allow_aggregates) {
      Error(DiagnosticCode::kInvalidUsage, e.span,
            fmt::format("aggregate function {} is not allowed here (use it in SELECT or HAVING)", name));
    }
    ctx.found_aggregate = true;
  }
  if (f && f->kind == FunctionKind::kWindow && !e.detail->over) {
    Error(DiagnosticCode::kInvalidUsage, e.span,
          fmt::format("{} needs an OVER clause: {}", name, f->signature));
  }
  // Arguments.
  ExprContext arg_ctx = ctx;
  if (aggregate && !e.detail->over) {
    arg_ctx.in_aggregate = true;
    arg_ctx.allow_aggregates = false;
  }
  std::vector<DataType> arg_types;
  for (auto& a : e.args) {
    if (a->kind == ExprKind::kStar) {
      a->type = Raw();
      a->checked = true;
      arg_types.push_back(Raw());
      continue;
    }
    arg_types.push_back(CheckExpr(*a, arg_ctx));
  }
  for (auto& b : e.detail->json_behaviors) {
    if (b.default_value) CheckExpr(*b.default_value, arg_ctx);
  }
  if (e.detail->filter) {
    ExprContext fctx = ctx;
    fctx.allow_aggregates = false;
    DataType t = CheckExpr(*e.detail->filter, fctx);
    RequireBoolean(*e.detail->filter, t, "FILTER (WHERE ...)");
  }
  for (auto& o : e.detail->within_group) CheckExpr(*o.expr, arg_ctx);
  if (e.detail->over) {
    ExprContext octx = ctx;
    octx.allow_aggregates = ctx.allow_aggregates;
    CheckWindowSpec(*e.detail->over, octx);
  }
  if (!f) {
    if (e.detail->function_name.parts.size() > 1 || !name.empty()) {
      Unchecked(e.span,
                fmt::format("function {} is not a Flink built-in (a user-defined function?); its result is "
                            "not checked",
                            e.detail->function_name.ToString()));
    }
    return Raw();
  }
  if (f->kind == FunctionKind::kMatch && !ctx.in_match) {
    Unchecked(e.span, fmt::format("{} outside MATCH_RECOGNIZE is not checked", name));
    return Raw();
  }
  if (f->kind == FunctionKind::kTable) {
    Unchecked(e.span, fmt::format("{} used as a scalar function (legacy group window) is not checked", name));
    return Raw();
  }
  int n = static_cast<int>(e.args.size());
  if (e.detail->star_arg && name != "COUNT") {
    Error(DiagnosticCode::kInvalidUsage, e.span, "* is only allowed in the select list and in COUNT(*)");
    return Raw();
  }
  if (e.detail->star_arg) n = 0;
  if (n < f->min_args || (f->max_args >= 0 && n > f->max_args)) {
    std::string expected = f->max_args < 0              ? fmt::format("at least {}", f->min_args)
                           : f->min_args == f->max_args ? fmt::format("{}", f->min_args)
                                                        : fmt::format("{} to {}", f->min_args, f->max_args);
    Error(DiagnosticCode::kInvalidUsage, e.span,
          fmt::format("{} takes {} argument{}, got {}: {}", name, expected, expected == "1" ? "" : "s", n,
                      f->signature));
    return Raw();
  }
  TypeResult r = f->rule(arg_types, e);
  if (!r.error.empty()) {
    Error(DiagnosticCode::kTypeMismatch, e.span, r.error);
    return Raw();
  }
  return r.type;
}

DataType Checker::CheckExprInner(Expr& e, ExprContext& ctx) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return LiteralType(e.literal);
    case ExprKind::kColumnRef:
      return CheckColumnRef(e, ctx);
    case ExprKind::kStar:
      Error(DiagnosticCode::kInvalidUsage, e.span, "* is only allowed in the select list and in COUNT(*)");
      return Raw();
    case ExprKind::kUnary: {
      DataType t = CheckExpr(*e.args[0], ctx);
      if (e.op == "NOT") {
        RequireBoolean(*e.args[0], t, "the operand of NOT");
        return DataType::Boolean(t.nullable);
      }
      if (!IsRaw(t) && !IsNumeric(t) && !IsInterval(t) && t.root != TypeRoot::kNull) {
        if (IsCharacterString(t)) {
          Unchecked(e.span, "unary minus on a character string; not checked");
          return Raw();
        }
        Error(DiagnosticCode::kTypeMismatch, e.span,
              fmt::format("cannot apply unary '{}' to {}", e.op, TypeToSqlString(t)));
        return Raw();
      }
      return t.WithoutTimeAttribute();
    }
    case ExprKind::kBinary:
      return CheckBinary(e, ctx);
    case ExprKind::kIsPredicate: {
      DataType a = CheckExpr(*e.args[0], ctx);
      if (e.is_test == IsTest::kDistinctFrom) {
        DataType b = CheckExpr(*e.args[1], ctx);
        RequireComparable(e, a, b);
      } else if (e.is_test == IsTest::kTrue || e.is_test == IsTest::kFalse || e.is_test == IsTest::kUnknown) {
        RequireBoolean(*e.args[0], a, "the operand of IS TRUE/FALSE/UNKNOWN");
      }
      return DataType::Boolean(false);
    }
    case ExprKind::kBetween: {
      DataType v = CheckExpr(*e.args[0], ctx);
      DataType lo = CheckExpr(*e.args[1], ctx);
      DataType hi = CheckExpr(*e.args[2], ctx);
      RequireComparable(e, v, lo);
      RequireComparable(e, v, hi);
      return DataType::Boolean(v.nullable || lo.nullable || hi.nullable);
    }
    case ExprKind::kInList: {
      DataType v = CheckExpr(*e.args[0], ctx);
      bool nullable = v.nullable;
      for (size_t i = 1; i < e.args.size(); ++i) {
        DataType t = CheckExpr(*e.args[i], ctx);
        RequireComparable(*e.args[i], v, t);
        nullable = nullable || t.nullable;
      }
      return DataType::Boolean(nullable);
    }
    case ExprKind::kInSubquery: {
      DataType v = CheckExpr(*e.args[0], ctx);
      std::vector<Column> cols = CheckQuery(*e.detail->subquery, ctx.scope);
      if (cols.size() == 1) {
        RequireComparable(e, v, cols[0].type);
      } else if (e.args[0]->kind != ExprKind::kRow) {
        Error(DiagnosticCode::kInvalidUsage, e.detail->subquery->span,
              fmt::format("the subquery of IN must return one column, it returns {}", cols.size()));
      }
      return DataType::Boolean(true);
    }
    case ExprKind::kExists:
      CheckQuery(*e.detail->subquery, ctx.scope);
      return DataType::Boolean(false);
    case ExprKind::kScalarSubquery: {
      std::vector<Column> cols = CheckQuery(*e.detail->subquery, ctx.scope);
      if (cols.size() != 1) {
        Error(DiagnosticCode::kInvalidUsage, e.span,
              fmt::format("a scalar subquery must return one column, this one returns {}", cols.size()));
        return Raw();
      }
      return cols[0].type.WithoutTimeAttribute().WithNullable(true);
    }
    case ExprKind::kQuantified: {
      DataType v = CheckExpr(*e.args[0], ctx);
      std::vector<Column> cols = CheckQuery(*e.detail->subquery, ctx.scope);
      if (cols.size() == 1) RequireComparable(e, v, cols[0].type);
      return DataType::Boolean(true);
    }
    case ExprKind::kLike: {
      bool nullable = false;
      for (auto& a : e.args) nullable = CheckExpr(*a, ctx).nullable || nullable;
      return DataType::Boolean(nullable);
    }
    case ExprKind::kCase: {
      std::vector<DataType> results;
      DataType operand;
      if (e.args[0]) operand = CheckExpr(*e.args[0], ctx);
      for (size_t i = 1; i + 1 < e.args.size(); i += 2) {
        DataType cond = CheckExpr(*e.args[i], ctx);
        if (e.args[0]) {
          RequireComparable(*e.args[i], operand, cond);
        } else {
          RequireBoolean(*e.args[i], cond, "a CASE WHEN condition");
        }
        results.push_back(CheckExpr(*e.args[i + 1], ctx));
      }
      if (e.detail->else_expr) {
        results.push_back(CheckExpr(*e.detail->else_expr, ctx));
      } else {
        results.push_back(DataType::Null());
      }
      for (const auto& t : results) {
        if (IsRaw(t)) return Raw();
      }
      auto common = FindCommonType(results);
      if (!common) {
        Error(DiagnosticCode::kTypeMismatch, e.span, "the THEN/ELSE branches of CASE have no common type");
        return Raw();
      }
      return *common;
    }
    case ExprKind::kCast: {
      DataType src = CheckExpr(*e.args[0], ctx);
      DataType target = e.detail->cast_type;
      if (!IsRaw(src) && !SupportsExplicitCast(src, target)) {
        Error(DiagnosticCode::kTypeMismatch, e.span,
              fmt::format("cannot {} {} to {}", e.try_cast ? "TRY_CAST" : "CAST", TypeToSqlString(src),
                          TypeToSqlString(target)));
      }
      target.nullable = e.try_cast || src.nullable || IsRaw(src);
      return target;
    }
    case ExprKind::kFunction:
      return CheckFunction(e, ctx);
    case ExprKind::kInterval:
      return IntervalType(e.detail->interval);
    case ExprKind::kArray: {
      std::vector<DataType> ts;
      for (auto& a : e.args) ts.push_back(CheckExpr(*a, ctx));
      for (const auto& t : ts) {
        if (IsRaw(t)) return DataType::Array(Raw(), false);
      }
      auto common = FindCommonType(ts);
      if (!common) {
        Error(DiagnosticCode::kTypeMismatch, e.span, "the elements of ARRAY[...] have no common type");
        return Raw();
      }
      return DataType::Array(*common, false);
    }
    case ExprKind::kMap: {
      std::vector<DataType> keys, values;
      for (size_t i = 0; i < e.args.size(); ++i)
        (i % 2 ? values : keys).push_back(CheckExpr(*e.args[i], ctx));
      if (e.args.size() % 2 != 0) {
        Error(DiagnosticCode::kInvalidUsage, e.span,
              "MAP[...] needs an even number of arguments (key, value, ...)");
        return Raw();
      }
      auto k = FindCommonType(keys);
      auto v = FindCommonType(values);
      if (!k || !v) return Raw();
      return DataType::Map(*k, *v, false);
    }
    case ExprKind::kRow: {
      std::vector<std::string> names;
      std::vector<DataType> fields;
      for (size_t i = 0; i < e.args.size(); ++i) {
        fields.push_back(CheckExpr(*e.args[i], ctx));
        names.push_back(fmt::format("EXPR${}", i));
      }
      return DataType::Row(std::move(names), std::move(fields), false);
    }
    case ExprKind::kSubscript: {
      DataType base = CheckExpr(*e.args[0], ctx);
      CheckExpr(*e.args[1], ctx);
      if (base.root == TypeRoot::kArray) return base.children[0].WithNullable(true);
      if (base.root == TypeRoot::kMap) return base.children[1].WithNullable(true);
      if (IsRaw(base) || base.root == TypeRoot::kRow) return Raw();
      Error(DiagnosticCode::kTypeMismatch, e.span,
            fmt::format("[...] applies to ARRAY and MAP values, not {}", TypeToSqlString(base)));
      return Raw();
    }
    case ExprKind::kFieldAccess: {
      DataType base = CheckExpr(*e.args[0], ctx);
      if (IsRaw(base)) return Raw();
      if (base.root != TypeRoot::kRow) {
        Error(DiagnosticCode::kTypeMismatch, e.span,
              fmt::format("'.{}' applies to ROW values, not {}", e.names[0].name, TypeToSqlString(base)));
        return Raw();
      }
      for (size_t i = 0; i < base.field_names.size(); ++i) {
        if (base.field_names[i] == e.names[0].name)
          return base.children[i].WithNullable(base.nullable || base.children[i].nullable);
      }
      Error(DiagnosticCode::kUnknownColumn, e.span,
            fmt::format("the ROW has no field '{}'", e.names[0].name));
      return Raw();
    }
    case ExprKind::kDescriptor:
    case ExprKind::kTableArg:
      Unchecked(e.span, "DESCRIPTOR/TABLE arguments outside a window function are not checked");
      return Raw();
    case ExprKind::kParameter:
      Unchecked(e.span, "statement parameters (?) are not checked");
      return Raw();
  }
  return Raw();
}

}  // namespace flinkdbt::sql::internal
