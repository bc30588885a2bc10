#include "flinkdbt/sql/printer.h"

#include "fmt/format.h"

namespace flinkdbt::sql {

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  out += '`';
  return out;
}

std::string QuoteString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

const char* TimeUnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNone:
      return "";
    case TimeUnit::kYear:
      return "YEAR";
    case TimeUnit::kQuarter:
      return "QUARTER";
    case TimeUnit::kMonth:
      return "MONTH";
    case TimeUnit::kWeek:
      return "WEEK";
    case TimeUnit::kDay:
      return "DAY";
    case TimeUnit::kHour:
      return "HOUR";
    case TimeUnit::kMinute:
      return "MINUTE";
    case TimeUnit::kSecond:
      return "SECOND";
    case TimeUnit::kMillisecond:
      return "MILLISECOND";
    case TimeUnit::kMicrosecond:
      return "MICROSECOND";
    case TimeUnit::kNanosecond:
      return "NANOSECOND";
    case TimeUnit::kDoy:
      return "DOY";
    case TimeUnit::kDow:
      return "DOW";
    case TimeUnit::kIsoDow:
      return "ISODOW";
    case TimeUnit::kIsoYear:
      return "ISOYEAR";
    case TimeUnit::kEpoch:
      return "EPOCH";
    case TimeUnit::kDecade:
      return "DECADE";
    case TimeUnit::kCentury:
      return "CENTURY";
    case TimeUnit::kMillennium:
      return "MILLENNIUM";
  }
  return "";
}

std::string ObjectName::ToString() const {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += parts[i].quoted ? QuoteIdentifier(parts[i].name) : parts[i].name;
  }
  return out;
}

namespace {

class Printer {
 public:
  std::string out;

  void Id(const Identifier& id) { out += id.quoted ? QuoteIdentifier(id.name) : id.name; }
  void Name(const ObjectName& n) { out += n.ToString(); }
  void Ids(const std::vector<Identifier>& ids) {
    out += '(';
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) out += ", ";
      Id(ids[i]);
    }
    out += ')';
  }

  static int Precedence(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kBinary:
        if (e.op == "OR") return 1;
        if (e.op == "AND") return 2;
        if (e.op == "+" || e.op == "-") return 7;
        if (e.op == "*" || e.op == "/" || e.op == "%" || e.op == "||") return 8;
        return 5;
      case ExprKind::kUnary:
        return e.op == "NOT" ? 3 : 9;
      case ExprKind::kIsPredicate:
        return 4;
      case ExprKind::kQuantified:
        return 5;
      case ExprKind::kBetween:
      case ExprKind::kInList:
      case ExprKind::kInSubquery:
      case ExprKind::kLike:
        return 6;
      default:
        return 10;
    }
  }

  void E(const Expr& e, int min_prec) {
    if (Precedence(e) < min_prec) {
      out += '(';
      Expr0(e);
      out += ')';
    } else {
      Expr0(e);
    }
  }

  void List(const std::vector<ExprPtr>& xs, size_t from = 0) {
    for (size_t i = from; i < xs.size(); ++i) {
      if (i > from) out += ", ";
      E(*xs[i], 0);
    }
  }

  void Literal0(const Literal& l) {
    switch (l.kind) {
      case LiteralKind::kNull:
        out += "NULL";
        break;
      case LiteralKind::kTrue:
        out += "TRUE";
        break;
      case LiteralKind::kFalse:
        out += "FALSE";
        break;
      case LiteralKind::kUnknown:
        out += "UNKNOWN";
        break;
      case LiteralKind::kInteger:
      case LiteralKind::kDecimal:
      case LiteralKind::kDouble:
        out += l.text;
        break;
      case LiteralKind::kString:
        out += QuoteString(l.text);
        break;
      case LiteralKind::kBinary:
        out += "X" + QuoteString(l.text);
        break;
      case LiteralKind::kDate:
        out += "DATE " + QuoteString(l.text);
        break;
      case LiteralKind::kTime:
        out += "TIME " + QuoteString(l.text);
        break;
      case LiteralKind::kTimestamp:
        out += "TIMESTAMP " + QuoteString(l.text);
        break;
      case LiteralKind::kTimestampLtz:
        out += "TIMESTAMP_LTZ " + QuoteString(l.text);
        break;
    }
  }

  void Qualifier(const IntervalQualifier& q) {
    out += TimeUnitName(q.start);
    if (q.plural) out += 'S';
    if (q.start_precision >= 0) {
      out += fmt::format("({}", q.start_precision);
      if (q.start == TimeUnit::kSecond && q.fractional_precision >= 0)
        out += fmt::format(", {}", q.fractional_precision);
      out += ')';
    }
    if (q.end != TimeUnit::kNone) {
      out += " TO ";
      out += TimeUnitName(q.end);
      if (q.end == TimeUnit::kSecond && q.fractional_precision >= 0)
        out += fmt::format("({})", q.fractional_precision);
    }
  }

  void Order(const std::vector<OrderItem>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      E(*items[i].expr, 0);
      if (items[i].explicit_direction) out += items[i].descending ? " DESC" : " ASC";
      if (items[i].nulls == 1) out += " NULLS FIRST";
      if (items[i].nulls == 2) out += " NULLS LAST";
    }
  }

  void Bound(const FrameBound& b) {
    switch (b.kind) {
      case FrameBoundKind::kUnboundedPreceding:
        out += "UNBOUNDED PRECEDING";
        break;
      case FrameBoundKind::kUnboundedFollowing:
        out += "UNBOUNDED FOLLOWING";
        break;
      case FrameBoundKind::kCurrentRow:
        out += "CURRENT ROW";
        break;
      case FrameBoundKind::kPreceding:
        E(*b.offset, 7);
        out += " PRECEDING";
        break;
      case FrameBoundKind::kFollowing:
        E(*b.offset, 7);
        out += " FOLLOWING";
        break;
    }
  }

  void Window(const WindowSpec& w) {
    if (!w.parenthesized) {
      Id(*w.reference);
      return;
    }
    out += '(';
    bool sp = false;
    auto space = [&]() {
      if (sp) out += ' ';
      sp = true;
    };
    if (w.reference) {
      space();
      Id(*w.reference);
    }
    if (!w.partition_by.empty()) {
      space();
      out += "PARTITION BY ";
      List(w.partition_by);
    }
    if (!w.order_by.empty()) {
      space();
      out += "ORDER BY ";
      Order(w.order_by);
    }
    if (w.frame_unit != FrameUnit::kNone) {
      space();
      out += w.frame_unit == FrameUnit::kRows ? "ROWS " : "RANGE ";
      if (w.frame_between) {
        out += "BETWEEN ";
        Bound(w.frame_start);
        out += " AND ";
        Bound(w.frame_end);
      } else {
        Bound(w.frame_start);
      }
    }
    out += ')';
  }

  void Function(const Expr& e) {
    if (!e.detail->prefix.empty()) out += e.detail->prefix + " ";
    Name(e.detail->function_name);
    switch (e.detail->syntax) {
      case FunctionSyntax::kNiladic:
        return;
      case FunctionSyntax::kExtract:
        out += fmt::format("({} FROM ", TimeUnitName(e.detail->unit));
        E(*e.args[0], 0);
        out += ')';
        return;
      case FunctionSyntax::kPosition:
        out += '(';
        E(*e.args[0], 7);
        out += " IN ";
        E(*e.args[1], 0);
        out += ')';
        return;
      case FunctionSyntax::kTrim:
        out += '(';
        if (!e.detail->trim_spec.empty()) out += e.detail->trim_spec + " ";
        if (e.args.size() > 1) {
          E(*e.args[1], 0);
          out += ' ';
        }
        if (e.detail->trim_has_from) out += "FROM ";
        E(*e.args[0], 0);
        out += ')';
        return;
      case FunctionSyntax::kSubstring:
        out += '(';
        E(*e.args[0], 0);
        out += " FROM ";
        E(*e.args[1], 0);
        if (e.args.size() > 2) {
          out += " FOR ";
          E(*e.args[2], 0);
        }
        out += ')';
        return;
      case FunctionSyntax::kOverlay:
        out += '(';
        E(*e.args[0], 0);
        out += " PLACING ";
        E(*e.args[1], 0);
        out += " FROM ";
        E(*e.args[2], 0);
        if (e.args.size() > 3) {
          out += " FOR ";
          E(*e.args[3], 0);
        }
        out += ')';
        return;
      case FunctionSyntax::kFloorCeilTo:
        out += '(';
        E(*e.args[0], 0);
        out += fmt::format(" TO {})", TimeUnitName(e.detail->unit));
        return;
      case FunctionSyntax::kUnitFirst:
        out += fmt::format("({}", TimeUnitName(e.detail->unit));
        for (const auto& a : e.args) {
          out += ", ";
          E(*a, 0);
        }
        out += ')';
        return;
      case FunctionSyntax::kJson: {
        out += '(';
        bool first = true;
        if (e.detail->json_pairs) {
          for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
            if (!first) out += ", ";
            first = false;
            if (i / 2 < e.detail->json_key_keyword.size() && e.detail->json_key_keyword[i / 2]) out += "KEY ";
            E(*e.args[i], 7);
            out += " VALUE ";
            E(*e.args[i + 1], 0);
          }
        } else {
          for (const auto& a : e.args) {
            if (!first) out += ", ";
            first = false;
            E(*a, 0);
          }
        }
        if (e.detail->has_returning) {
          out += first ? "RETURNING " : " RETURNING ";
          out += TypeToSqlString(e.detail->cast_type);
          first = false;
        }
        if (!e.detail->json_wrapper.empty()) {
          out += first ? "" : " ";
          out += e.detail->json_wrapper;
          first = false;
        }
        for (const JsonBehavior& b : e.detail->json_behaviors) {
          out += first ? "" : " ";
          first = false;
          if (b.keyword == "DEFAULT") {
            out += "DEFAULT ";
            E(*b.default_value, 7);
          } else {
            out += b.keyword;
          }
          out += " ON " + b.target;
        }
        out += ')';
        break;
      }
      case FunctionSyntax::kPlain: {
        out += '(';
        if (e.detail->distinct) out += "DISTINCT ";
        if (e.detail->all_qualifier) out += "ALL ";
        if (e.detail->star_arg) {
          out += '*';
        } else {
          for (size_t i = 0; i < e.args.size(); ++i) {
            if (i) out += ", ";
            if (i < e.detail->arg_names.size() && !e.detail->arg_names[i].empty())
              out += e.detail->arg_names[i] + " => ";
            E(*e.args[i], 0);
          }
        }
        out += ')';
        break;
      }
    }
    if (!e.detail->within_group.empty()) {
      out += " WITHIN GROUP (ORDER BY ";
      Order(e.detail->within_group);
      out += ')';
    }
    if (e.detail->filter) {
      out += " FILTER (WHERE ";
      E(*e.detail->filter, 0);
      out += ')';
    }
    if (e.detail->over) {
      out += " OVER ";
      Window(*e.detail->over);
    }
  }

  void Expr0(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        Literal0(e.literal);
        return;
      case ExprKind::kColumnRef:
        for (size_t i = 0; i < e.names.size(); ++i) {
          if (i) out += '.';
          Id(e.names[i]);
        }
        return;
      case ExprKind::kStar:
        for (const auto& n : e.names) {
          Id(n);
          out += '.';
        }
        out += '*';
        return;
      case ExprKind::kUnary:
        if (e.op == "NOT") {
          out += "NOT ";
          E(*e.args[0], 3);
        } else {
          // "- -x", not "--x" (a comment) and not "-(-x)" (parentheses would deepen nesting).
          out += e.op;
          if (e.args[0]->kind == ExprKind::kUnary && e.args[0]->op != "NOT") out += ' ';
          E(*e.args[0], 9);
        }
        return;
      case ExprKind::kBinary: {
        int p = Precedence(e);
        E(*e.args[0], p);
        out += ' ' + e.op + ' ';
        E(*e.args[1], p + 1);
        return;
      }
      case ExprKind::kIsPredicate:
        E(*e.args[0], 4);
        out += e.negated ? " IS NOT " : " IS ";
        switch (e.is_test) {
          case IsTest::kNull:
            out += "NULL";
            break;
          case IsTest::kTrue:
            out += "TRUE";
            break;
          case IsTest::kFalse:
            out += "FALSE";
            break;
          case IsTest::kUnknown:
            out += "UNKNOWN";
            break;
          case IsTest::kDistinctFrom:
            out += "DISTINCT FROM ";
            E(*e.args[1], 5);
            break;
          case IsTest::kJson:
            out += "JSON";
            if (!e.detail->json_type.empty()) out += " " + e.detail->json_type;
            break;
        }
        return;
      case ExprKind::kBetween:
        E(*e.args[0], 7);
        out += e.negated ? " NOT BETWEEN " : " BETWEEN ";
        if (e.symmetric) out += "SYMMETRIC ";
        if (e.asymmetric) out += "ASYMMETRIC ";
        E(*e.args[1], 7);
        out += " AND ";
        E(*e.args[2], 7);
        return;
      case ExprKind::kInList:
        E(*e.args[0], 7);
        out += e.negated ? " NOT IN (" : " IN (";
        List(e.args, 1);
        out += ')';
        return;
      case ExprKind::kInSubquery:
        E(*e.args[0], 7);
        out += e.negated ? " NOT IN (" : " IN (";
        Q(*e.detail->subquery);
        out += ')';
        return;
      case ExprKind::kExists:
        out += "EXISTS (";
        Q(*e.detail->subquery);
        out += ')';
        return;
      case ExprKind::kScalarSubquery:
        out += '(';
        Q(*e.detail->subquery);
        out += ')';
        return;
      case ExprKind::kQuantified:
        E(*e.args[0], 5);
        out += ' ' + e.op + ' ';
        out += e.detail->quantifier == Quantifier::kAll   ? "ALL ("
               : e.detail->quantifier == Quantifier::kAny ? "ANY ("
                                                          : "SOME (";
        Q(*e.detail->subquery);
        out += ')';
        return;
      case ExprKind::kLike:
        E(*e.args[0], 7);
        out += e.negated ? " NOT" : "";
        out += e.similar ? " SIMILAR TO " : " LIKE ";
        E(*e.args[1], 7);
        if (e.args.size() > 2) {
          out += " ESCAPE ";
          E(*e.args[2], 7);
        }
        return;
      case ExprKind::kCase:
        out += "CASE";
        if (e.args[0]) {
          out += ' ';
          E(*e.args[0], 0);
        }
        for (size_t i = 1; i + 1 < e.args.size(); i += 2) {
          out += " WHEN ";
          E(*e.args[i], 0);
          out += " THEN ";
          E(*e.args[i + 1], 0);
        }
        if (e.detail->else_expr) {
          out += " ELSE ";
          E(*e.detail->else_expr, 0);
        }
        out += " END";
        return;
      case ExprKind::kCast:
        out += e.try_cast ? "TRY_CAST(" : "CAST(";
        E(*e.args[0], 0);
        out += " AS " + TypeToSqlString(e.detail->cast_type) + ")";
        return;
      case ExprKind::kFunction:
        Function(e);
        return;
      case ExprKind::kInterval:
        out += "INTERVAL ";
        if (e.negated) out += '-';
        out += e.literal.kind == LiteralKind::kString ? QuoteString(e.literal.text) : e.literal.text;
        out += ' ';
        Qualifier(e.detail->interval);
        return;
      case ExprKind::kArray:
        out += "ARRAY[";
        List(e.args);
        out += ']';
        return;
      case ExprKind::kMap:
        out += "MAP[";
        List(e.args);
        out += ']';
        return;
      case ExprKind::kRow:
        out += e.implicit_row ? "(" : "ROW(";
        List(e.args);
        out += ')';
        return;
      case ExprKind::kSubscript:
        E(*e.args[0], 10);
        out += '[';
        E(*e.args[1], 0);
        out += ']';
        return;
      case ExprKind::kFieldAccess:
        // Only calls, subscripts and field accesses can take ".field" without parentheses: "(1).f"
        // must not print as "1.f" (a number), nor "(a).f" as "a.f" (a qualified name).
        if (e.args[0]->kind != ExprKind::kFunction && e.args[0]->kind != ExprKind::kSubscript &&
            e.args[0]->kind != ExprKind::kFieldAccess) {
          out += '(';
          E(*e.args[0], 0);
          out += ')';
        } else {
          E(*e.args[0], 10);
        }
        out += '.';
        Id(e.names[0]);
        return;
      case ExprKind::kDescriptor:
        out += "DESCRIPTOR";
        Ids(e.names);
        return;
      case ExprKind::kTableArg:
        out += "TABLE ";
        for (size_t i = 0; i < e.names.size(); ++i) {
          if (i) out += '.';
          Id(e.names[i]);
        }
        if (!e.args.empty()) {
          out += " PARTITION BY ";
          if (e.args.size() == 1) {
            E(*e.args[0], 7);
          } else {
            out += '(';
            List(e.args);
            out += ')';
          }
        }
        if (!e.detail->table_order_by.empty()) {
          out += " ORDER BY ";
          Order(e.detail->table_order_by);
        }
        return;
      case ExprKind::kParameter:
        out += '?';
        return;
    }
  }

  // ---- queries
  static bool HasTail(const Query& q) {
    return !q.with.empty() || !q.order_by.empty() || q.limit || q.offset;
  }

  static int SetPrecedence(const Query& q) {
    if (q.kind != QueryKind::kSetOp) return 3;
    return q.set_op == SetOpKind::kIntersect ? 2 : 1;
  }

  void SetOperand(const Query& q, int min_prec) {
    if (HasTail(q) || SetPrecedence(q) < min_prec) {
      out += '(';
      Q(q);
      out += ')';
    } else {
      Q(q);
    }
  }

  void Q(const Query& q) {
    if (!q.with.empty()) {
      out += "WITH ";
      for (size_t i = 0; i < q.with.size(); ++i) {
        if (i) out += ", ";
        Id(q.with[i].name);
        if (!q.with[i].columns.empty()) {
          out += ' ';
          Ids(q.with[i].columns);
        }
        out += " AS (";
        Q(*q.with[i].query);
        out += ')';
      }
      out += ' ';
    }
    switch (q.kind) {
      case QueryKind::kSelect:
        Sel(*q.select);
        break;
      case QueryKind::kSetOp: {
        int p = SetPrecedence(q);
        SetOperand(*q.left, p);
        out += q.set_op == SetOpKind::kUnion       ? " UNION "
               : q.set_op == SetOpKind::kIntersect ? " INTERSECT "
                                                   : " EXCEPT ";
        if (q.set_all) out += "ALL ";
        if (q.set_distinct) out += "DISTINCT ";
        SetOperand(*q.right, p + 1);
        break;
      }
      case QueryKind::kValues:
        out += "VALUES ";
        for (size_t i = 0; i < q.rows.size(); ++i) {
          if (i) out += ", ";
          out += q.values_row_keyword ? "ROW(" : "(";
          List(q.rows[i]);
          out += ')';
        }
        break;
    }
    if (!q.order_by.empty()) {
      out += " ORDER BY ";
      Order(q.order_by);
    }
    if (q.limit && !q.fetch) {
      out += " LIMIT ";
      E(*q.limit, 7);
    }
    if (q.offset) {
      out += " OFFSET ";
      E(*q.offset, 7);
    }
    if (q.fetch) {
      out += " FETCH FIRST ";
      E(*q.limit, 7);
      out += " ROWS ONLY";
    }
  }

  void Hints(const std::vector<Hint>& hints) {
    for (const Hint& h : hints) out += " /*+ " + h.text + " */";
  }

  void Grouping(const GroupingElement& g) {
    switch (g.kind) {
      case GroupingKind::kExpr:
        E(*g.expr, 0);
        return;
      case GroupingKind::kEmpty:
        out += "()";
        return;
      case GroupingKind::kGroupingSets:
        out += "GROUPING SETS (";
        break;
      case GroupingKind::kRollup:
        out += "ROLLUP (";
        break;
      case GroupingKind::kCube:
        out += "CUBE (";
        break;
    }
    for (size_t i = 0; i < g.children.size(); ++i) {
      if (i) out += ", ";
      Grouping(g.children[i]);
    }
    out += ')';
  }

  void Item(const SelectItem& item) {
    E(*item.expr, 0);
    if (item.alias) {
      out += " AS ";
      Id(*item.alias);
    }
  }

  void Sel(const Select& s) {
    out += "SELECT";
    Hints(s.hints);
    if (s.distinct) out += " DISTINCT";
    if (s.all) out += " ALL";
    out += ' ';
    for (size_t i = 0; i < s.items.size(); ++i) {
      if (i) out += ", ";
      Item(s.items[i]);
    }
    if (s.from) {
      out += " FROM ";
      T(*s.from);
    }
    if (s.where) {
      out += " WHERE ";
      E(*s.where, 0);
    }
    if (!s.group_by.empty()) {
      out += " GROUP BY ";
      for (size_t i = 0; i < s.group_by.size(); ++i) {
        if (i) out += ", ";
        Grouping(s.group_by[i]);
      }
    }
    if (s.having) {
      out += " HAVING ";
      E(*s.having, 0);
    }
    if (!s.windows.empty()) {
      out += " WINDOW ";
      for (size_t i = 0; i < s.windows.size(); ++i) {
        if (i) out += ", ";
        Id(s.windows[i].name);
        out += " AS ";
        Window(s.windows[i].spec);
      }
    }
    if (s.qualify) {
      out += " QUALIFY ";
      E(*s.qualify, 0);
    }
  }

  void Alias(const TableRef& t) {
    if (!t.alias) return;
    out += " AS ";
    Id(*t.alias);
    if (!t.column_aliases.empty()) {
      out += ' ';
      Ids(t.column_aliases);
    }
  }

  void T(const TableRef& t) {
    switch (t.kind) {
      case TableRefKind::kNamed:
        Name(t.name);
        Hints(t.hints);
        if (t.system_time) {
          out += " FOR SYSTEM_TIME AS OF ";
          E(*t.system_time, 7);
        }
        break;
      case TableRefKind::kSubquery:
        if (t.lateral) out += "LATERAL ";
        out += '(';
        Q(*t.subquery);
        out += ')';
        break;
      case TableRefKind::kJoin: {
        T(*t.left);
        if (t.join_type == JoinType::kComma) {
          out += ", ";
        } else {
          out += ' ';
          if (t.natural) out += "NATURAL ";
          switch (t.join_type) {
            case JoinType::kInner:
              break;
            case JoinType::kLeft:
              out += t.outer_keyword ? "LEFT OUTER " : "LEFT ";
              break;
            case JoinType::kRight:
              out += t.outer_keyword ? "RIGHT OUTER " : "RIGHT ";
              break;
            case JoinType::kFull:
              out += t.outer_keyword ? "FULL OUTER " : "FULL ";
              break;
            case JoinType::kCross:
              out += "CROSS ";
              break;
            case JoinType::kComma:
              break;
          }
          out += "JOIN ";
        }
        if (t.right->kind == TableRefKind::kJoin) {
          out += '(';
          T(*t.right);
          out += ')';
        } else {
          T(*t.right);
        }
        if (t.on) {
          out += " ON ";
          E(*t.on, 0);
        } else if (!t.using_columns.empty()) {
          out += " USING ";
          Ids(t.using_columns);
        }
        return;
      }
      case TableRefKind::kTableFunction:
        if (t.lateral) out += "LATERAL ";
        out += "TABLE(";
        E(*t.call, 0);
        out += ')';
        break;
      case TableRefKind::kUnnest:
        out += "UNNEST(";
        List(t.call->args);
        out += ')';
        if (t.with_ordinality) out += " WITH ORDINALITY";
        break;
      case TableRefKind::kMatchRecognize: {
        T(*t.left);
        const MatchRecognize& m = *t.match;
        out += " MATCH_RECOGNIZE (";
        bool sp = false;
        auto space = [&]() {
          if (sp) out += ' ';
          sp = true;
        };
        if (!m.partition_by.empty()) {
          space();
          out += "PARTITION BY ";
          List(m.partition_by);
        }
        if (!m.order_by.empty()) {
          space();
          out += "ORDER BY ";
          Order(m.order_by);
        }
        if (!m.measures.empty()) {
          space();
          out += "MEASURES ";
          for (size_t i = 0; i < m.measures.size(); ++i) {
            if (i) out += ", ";
            Item(m.measures[i]);
          }
        }
        if (!m.rows_per_match.empty()) {
          space();
          out += m.rows_per_match;
        }
        if (m.skip != AfterMatchSkip::kDefault) {
          space();
          out += "AFTER MATCH SKIP ";
          switch (m.skip) {
            case AfterMatchSkip::kPastLastRow:
              out += "PAST LAST ROW";
              break;
            case AfterMatchSkip::kToNextRow:
              out += "TO NEXT ROW";
              break;
            case AfterMatchSkip::kToFirst:
              out += "TO FIRST ";
              Id(m.skip_to);
              break;
            case AfterMatchSkip::kToLast:
              out += "TO LAST ";
              Id(m.skip_to);
              break;
            case AfterMatchSkip::kDefault:
              break;
          }
        }
        space();
        out += "PATTERN (" + m.pattern + ")";
        if (m.within) {
          out += " WITHIN ";
          E(*m.within, 7);
        }
        if (!m.define.empty()) {
          out += " DEFINE ";
          for (size_t i = 0; i < m.define.size(); ++i) {
            if (i) out += ", ";
            Id(m.define[i].first);
            out += " AS ";
            E(*m.define[i].second, 0);
          }
        }
        out += ')';
        break;
      }
    }
    Alias(t);
  }

  // ---- statements
  void Props(const std::vector<Property>& props) {
    out += '(';
    for (size_t i = 0; i < props.size(); ++i) {
      if (i) out += ", ";
      out += QuoteString(props[i].key) + " = " + QuoteString(props[i].value);
    }
    out += ')';
  }

  void Column(const ColumnDef& c) {
    Id(c.name);
    switch (c.kind) {
      case ColumnKind::kComputed:
        out += " AS ";
        E(*c.expr, 0);
        break;
      case ColumnKind::kPhysical:
        out += " " + TypeToSqlString(c.type);
        break;
      case ColumnKind::kMetadata:
        out += " " + TypeToSqlString(c.type) + " METADATA";
        if (c.metadata_key) out += " FROM " + QuoteString(*c.metadata_key);
        if (c.is_virtual) out += " VIRTUAL";
        break;
    }
    if (c.primary_key) out += " PRIMARY KEY NOT ENFORCED";
    if (c.comment) out += " COMMENT " + QuoteString(*c.comment);
    if (!c.position.empty()) out += " " + c.position;
  }

  void TableElements(const Statement& s) {
    bool first = true;
    for (const ColumnDef& c : s.columns) {
      out += first ? "" : ", ";
      first = false;
      Column(c);
    }
    if (s.primary_key) {
      out += first ? "" : ", ";
      first = false;
      if (s.primary_key->constraint_name) {
        out += "CONSTRAINT ";
        Id(*s.primary_key->constraint_name);
        out += ' ';
      }
      out += "PRIMARY KEY ";
      Ids(s.primary_key->columns);
      out += " NOT ENFORCED";
    }
    if (s.watermark) {
      out += first ? "" : ", ";
      out += "WATERMARK FOR ";
      Id(s.watermark->column);
      out += " AS ";
      E(*s.watermark->expr, 0);
    }
  }

  void TableClauses(const Statement& s) {
    if (s.comment) out += " COMMENT " + QuoteString(*s.comment);
    if (s.distribution) {
      const Distribution& d = *s.distribution;
      out += " DISTRIBUTED";
      if (!d.distributed_into_only) {
        out += " BY ";
        if (!d.algorithm.empty()) out += d.algorithm;
        Ids(d.columns);
      }
      if (d.buckets) out += fmt::format(" INTO {} BUCKETS", *d.buckets);
    }
    if (!s.partitioned_by.empty()) {
      out += " PARTITIONED BY ";
      Ids(s.partitioned_by);
    }
    if (!s.options.empty()) {
      out += " WITH ";
      Props(s.options);
    }
    if (s.like) {
      out += " LIKE ";
      Name(s.like->source);
      if (!s.like->options.empty()) {
        out += " (";
        for (size_t i = 0; i < s.like->options.size(); ++i) {
          if (i) out += ", ";
          out += s.like->options[i];
        }
        out += ')';
      }
    }
    for (const TableClause& c : s.table_clauses) {
      out += " " + c.key + " = ";
      E(*c.value, 0);
    }
  }

  void S(const Statement& s) {
    switch (s.kind) {
      case StatementKind::kQuery:
        Q(*s.query);
        return;
      case StatementKind::kCreateTable:
      case StatementKind::kCreateMaterializedTable:
      case StatementKind::kCreateMaterializedView:
      case StatementKind::kCreateView:
      case StatementKind::kCreateFunction:
      case StatementKind::kCreateDatabase:
      case StatementKind::kCreateCatalog: {
        out += "CREATE ";
        if (s.or_replace) out += "OR REPLACE ";
        if (s.or_alter) out += "OR ALTER ";
        if (s.temporary) out += "TEMPORARY ";
        if (s.system) out += "SYSTEM ";
        switch (s.kind) {
          case StatementKind::kCreateTable:
            out += "TABLE ";
            break;
          case StatementKind::kCreateMaterializedTable:
            out += "MATERIALIZED TABLE ";
            break;
          case StatementKind::kCreateMaterializedView:
            out += "MATERIALIZED VIEW ";
            break;
          case StatementKind::kCreateView:
            out += "VIEW ";
            break;
          case StatementKind::kCreateFunction:
            out += "FUNCTION ";
            break;
          case StatementKind::kCreateDatabase:
            out += "DATABASE ";
            break;
          default:
            out += "CATALOG ";
            break;
        }
        if (s.if_not_exists) out += "IF NOT EXISTS ";
        Name(s.name);
        if (s.kind == StatementKind::kCreateView) {
          if (!s.column_names.empty()) {
            out += ' ';
            Ids(s.column_names);
          }
          if (s.comment) out += " COMMENT " + QuoteString(*s.comment);
          out += " AS ";
          Q(*s.query);
          return;
        }
        if (s.kind == StatementKind::kCreateFunction) {
          out += " AS " + QuoteString(s.function_class);
          if (!s.function_language.empty()) out += " LANGUAGE " + s.function_language;
          if (!s.using_jars.empty()) {
            out += " USING ";
            for (size_t i = 0; i < s.using_jars.size(); ++i) {
              if (i) out += ", ";
              out += "JAR " + QuoteString(s.using_jars[i]);
            }
          }
          return;
        }
        if (!s.columns.empty() || s.primary_key || s.watermark) {
          out += " (";
          TableElements(s);
          out += ')';
        }
        TableClauses(s);
        if (s.query) {
          out += " AS ";
          Q(*s.query);
        }
        return;
      }
      case StatementKind::kDrop:
        out += "DROP ";
        if (s.temporary) out += "TEMPORARY ";
        if (s.system) out += "SYSTEM ";
        out += s.drop_object + " ";
        if (s.if_exists) out += "IF EXISTS ";
        Name(s.name);
        if (s.cascade) out += " CASCADE";
        if (s.restrict) out += " RESTRICT";
        return;
      case StatementKind::kAlterTable:
      case StatementKind::kAlterView:
      case StatementKind::kAlterMaterializedTable: {
        out += s.kind == StatementKind::kAlterTable  ? "ALTER TABLE "
               : s.kind == StatementKind::kAlterView ? "ALTER VIEW "
                                                     : "ALTER MATERIALIZED TABLE ";
        if (s.if_exists) out += "IF EXISTS ";
        Name(s.name);
        switch (s.alter_action) {
          case AlterAction::kAdd:
          case AlterAction::kModify:
            out += s.alter_action == AlterAction::kAdd ? " ADD (" : " MODIFY (";
            TableElements(s);
            out += ')';
            return;
          case AlterAction::kDropColumns:
            out += " DROP ";
            Ids(s.drop_columns);
            return;
          case AlterAction::kDropPrimaryKey:
            out += " DROP PRIMARY KEY";
            return;
          case AlterAction::kDropWatermark:
            out += " DROP WATERMARK";
            return;
          case AlterAction::kDropConstraint:
            out += " DROP CONSTRAINT ";
            Id(s.drop_columns[0]);
            return;
          case AlterAction::kSet:
            out += " SET ";
            Props(s.options);
            return;
          case AlterAction::kReset:
            out += " RESET (";
            for (size_t i = 0; i < s.reset_keys.size(); ++i) {
              if (i) out += ", ";
              out += QuoteString(s.reset_keys[i]);
            }
            out += ')';
            return;
          case AlterAction::kRenameTable:
            out += " RENAME TO ";
            Name(s.new_name);
            return;
          case AlterAction::kRenameColumn:
            out += " RENAME ";
            Id(s.rename_from);
            out += " TO ";
            Id(s.rename_to);
            return;
          case AlterAction::kAsQuery:
            out += " AS ";
            Q(*s.query);
            return;
          case AlterAction::kOther:
            out += " " + s.alter_keyword;
            if (s.alter_keyword == "SET" || s.alter_keyword == "ADD DISTRIBUTION") {
              TableClauses(s);
            } else if (!s.options.empty()) {
              out += " WITH ";
              Props(s.options);
            }
            return;
        }
        return;
      }
      case StatementKind::kInsert:
        out += s.overwrite ? "INSERT OVERWRITE " : "INSERT INTO ";
        Name(s.name);
        if (!s.partition_spec.empty()) {
          out += " PARTITION ";
          Props(s.partition_spec);
        }
        if (!s.column_names.empty()) {
          out += ' ';
          Ids(s.column_names);
        }
        out += ' ';
        Q(*s.query);
        return;
      case StatementKind::kStatementSet:
        out += s.execute_keyword ? "EXECUTE STATEMENT SET BEGIN " : "BEGIN STATEMENT SET; ";
        for (const auto& st : s.statements) {
          S(*st);
          out += "; ";
        }
        out += "END";
        return;
      case StatementKind::kShow:
        out += "SHOW " + s.show_what;
        if (s.show_what.rfind("CREATE ", 0) == 0) {
          out += ' ';
          Name(s.name);
          return;
        }
        if (s.show_from) {
          out += " " + s.show_from_keyword + " ";
          Name(*s.show_from);
        }
        if (s.like_pattern) {
          out += s.not_like ? " NOT" : "";
          out += s.ilike ? " ILIKE " : " LIKE ";
          out += QuoteString(*s.like_pattern);
        }
        return;
      case StatementKind::kDescribe:
        out += s.extended ? "DESCRIBE EXTENDED " : "DESCRIBE ";
        Name(s.name);
        return;
      case StatementKind::kExplain:
        out += "EXPLAIN ";
        if (!s.explain_details.empty()) out += s.explain_details + " ";
        S(*s.inner);
        return;
      case StatementKind::kSet:
        out += "SET";
        if (s.set_key) out += " " + QuoteString(*s.set_key) + " = " + QuoteString(*s.set_value);
        return;
      case StatementKind::kReset:
        out += "RESET";
        if (s.set_key) out += " " + QuoteString(*s.set_key);
        return;
      case StatementKind::kUse:
        out += s.use_catalog ? "USE CATALOG " : "USE ";
        Name(s.name);
        return;
    }
  }
};

}  // namespace

std::string ToSql(const Statement& statement) {
  Printer p;
  p.S(statement);
  return std::move(p.out);
}
std::string ToSql(const Query& query) {
  Printer p;
  p.Q(query);
  return std::move(p.out);
}
std::string ToSql(const Expr& expr) {
  Printer p;
  p.E(expr, 0);
  return std::move(p.out);
}
std::string ToSql(const Script& script) {
  std::string out;
  for (size_t i = 0; i < script.statements.size(); ++i) {
    if (i) out += ";\n";
    out += ToSql(*script.statements[i]);
  }
  return out;
}

}  // namespace flinkdbt::sql
