// Queries and FROM clauses of the Flink SQL parser (see parser_impl.h).
#include "fmt/format.h"
#include "sql/parser_impl.h"

namespace flinkdbt::sql::internal {

bool Parser::StartsQuery(size_t k) const {
  const Token& t = Peek(k);
  if (t.Is("SELECT") || t.Is("WITH") || t.Is("VALUES")) return true;
  if (t.IsPunct("(")) {
    // ((SELECT ...) UNION ...): look through nested parentheses.
    size_t j = k;
    while (Peek(j).IsPunct("(")) ++j;
    const Token& u = Peek(j);
    return u.Is("SELECT") || u.Is("WITH") || u.Is("VALUES");
  }
  return false;
}

std::vector<Cte> Parser::ParseWith() {
  std::vector<Cte> ctes;
  Expect("WITH");
  do {
    size_t start = Mark();
    Cte cte;
    cte.name = ParseIdentifier();
    if (Cur().IsPunct("(")) cte.columns = ParseIdentifierList();
    Expect("AS");
    ExpectPunct("(");
    cte.query = ParseQuery();
    ExpectPunct(")");
    cte.span = SpanFrom(start);
    ctes.push_back(std::move(cte));
  } while (AcceptPunct(","));
  return ctes;
}

QueryPtr Parser::ParseQuery() {
  DepthGuard guard(this);
  size_t start = Mark();
  std::vector<Cte> with;
  if (Cur().Is("WITH")) with = ParseWith();
  QueryPtr q = ParseSetExpr();
  if (!with.empty()) {
    if (!q->with.empty()) {
      Fail(Cur(), "a parenthesized WITH query cannot take another WITH clause");
    }
    q->with = std::move(with);
  }
  ParseQueryTail(q.get());
  q->span = SpanFrom(start);
  return q;
}

void Parser::ParseQueryTail(Query* q) {
  bool has_tail = !q->order_by.empty() || q->limit || q->offset;
  if (Cur().Is("ORDER") && Peek(1).Is("BY")) {
    if (has_tail) Fail(Cur(), "this query already has ORDER BY/LIMIT inside its parentheses");
    Advance();
    Advance();
    q->order_by = ParseOrderByList();
  }
  if (Accept("LIMIT")) {
    if (has_tail) Fail(Cur(), "this query already has ORDER BY/LIMIT inside its parentheses");
    q->limit = ParseAdditive();
  }
  if (Accept("OFFSET")) {
    q->offset = ParseAdditive();
    if (!Accept("ROWS")) Accept("ROW");
  }
  if (Accept("FETCH")) {
    if (!Accept("FIRST")) Expect("NEXT");
    q->fetch = true;
    q->limit = ParseAdditive();
    if (!Accept("ROWS")) Expect("ROW");
    Expect("ONLY");
  }
}

QueryPtr Parser::ParseSetExpr() {
  size_t start = Mark();
  QueryPtr left = ParseIntersectTerm();
  while (Cur().Is("UNION") || Cur().Is("EXCEPT") || Cur().Is("MINUS")) {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kSetOp;
    q->set_op = Cur().Is("UNION") ? SetOpKind::kUnion : SetOpKind::kExcept;
    Advance();
    if (Accept("ALL")) {
      q->set_all = true;
    } else if (Accept("DISTINCT")) {
      q->set_distinct = true;
    }
    q->left = std::move(left);
    q->right = ParseIntersectTerm();
    q->span = SpanFrom(start);
    left = std::move(q);
  }
  return left;
}

QueryPtr Parser::ParseIntersectTerm() {
  size_t start = Mark();
  QueryPtr left = ParseQueryPrimary();
  while (Cur().Is("INTERSECT")) {
    Advance();
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kSetOp;
    q->set_op = SetOpKind::kIntersect;
    if (Accept("ALL")) {
      q->set_all = true;
    } else if (Accept("DISTINCT")) {
      q->set_distinct = true;
    }
    q->left = std::move(left);
    q->right = ParseQueryPrimary();
    q->span = SpanFrom(start);
    left = std::move(q);
  }
  return left;
}

QueryPtr Parser::ParseQueryPrimary() {
  size_t start = Mark();
  if (Cur().Is("SELECT")) return ParseSelect(start);
  if (Cur().Is("VALUES")) return ParseValues(start);
  if (Cur().IsPunct("(")) {
    Advance();
    QueryPtr q = ParseQuery();
    ExpectPunct(")");
    return q;
  }
  if (Cur().Is("WITH")) return ParseQuery();
  FailExpected("SELECT, VALUES, WITH or '('");
  auto q = std::make_unique<Query>();
  q->select = std::make_unique<Select>();
  return q;
}

QueryPtr Parser::ParseValues(size_t start) {
  Expect("VALUES");
  auto q = std::make_unique<Query>();
  q->kind = QueryKind::kValues;
  do {
    bool row_kw = Accept("ROW");
    if (row_kw) q->values_row_keyword = true;
    std::vector<ExprPtr> row;
    if (AcceptPunct("(")) {
      DepthGuard guard(this);
      row = ParseExprList();
      ExpectPunct(")");
    } else {
      row.push_back(ParseExpr());
    }
    q->rows.push_back(std::move(row));
  } while (AcceptPunct(","));
  q->span = SpanFrom(start);
  return q;
}

std::vector<Hint> Parser::ParseHints() {
  std::vector<Hint> hints;
  while (Cur().kind == TokenKind::kHint) {
    std::string_view body = Cur().text.substr(3, Cur().text.size() - 5);
    while (!body.empty() &&
           (body.front() == ' ' || body.front() == '\n' || body.front() == '\t' || body.front() == '\r'))
      body.remove_prefix(1);
    while (!body.empty() &&
           (body.back() == ' ' || body.back() == '\n' || body.back() == '\t' || body.back() == '\r'))
      body.remove_suffix(1);
    Hint h;
    h.text = std::string(body);
    h.span = TokenSpan(Cur());
    hints.push_back(std::move(h));
    Advance();
  }
  return hints;
}

SelectItem Parser::ParseSelectItem() {
  size_t start = Mark();
  SelectItem item;
  if (Cur().IsPunct("*")) {  // `*` is a select item (and COUNT(*)'s argument), never an expression
    Advance();
    item.expr = std::make_unique<Expr>();
    item.expr->kind = ExprKind::kStar;
    item.expr->span = SpanFrom(start);
    item.span = item.expr->span;
    return item;
  }
  item.expr = ParseExpr();
  if (item.expr->kind == ExprKind::kStar) {
    item.span = SpanFrom(start);
    return item;
  }
  if (Accept("AS")) {
    item.explicit_as = true;
    item.alias = ParseIdentifier();
  } else if (Cur().kind == TokenKind::kQuotedIdent ||
             (Cur().kind == TokenKind::kIdent && !IsReserved(Cur()))) {
    item.alias = ParseIdentifier();
  }
  item.span = SpanFrom(start);
  return item;
}

GroupingElement Parser::ParseGroupingElement() {
  size_t start = Mark();
  GroupingElement g;
  if ((Cur().Is("GROUPING") && Peek(1).Is("SETS")) || Cur().Is("ROLLUP") || Cur().Is("CUBE")) {
    if (Cur().Is("GROUPING")) {
      Advance();
      g.kind = GroupingKind::kGroupingSets;
    } else {
      g.kind = Cur().Is("ROLLUP") ? GroupingKind::kRollup : GroupingKind::kCube;
    }
    Advance();
    ExpectPunct("(");
    DepthGuard guard(this);
    if (!Cur().IsPunct(")")) {
      do {
        g.children.push_back(ParseGroupingElement());
      } while (AcceptPunct(","));
    }
    ExpectPunct(")");
  } else if (Cur().IsPunct("(") && Peek(1).IsPunct(")")) {
    Advance();
    Advance();
    g.kind = GroupingKind::kEmpty;
  } else {
    g.expr = ParseExpr();
  }
  g.span = SpanFrom(start);
  return g;
}

std::vector<GroupingElement> Parser::ParseGroupBy() {
  std::vector<GroupingElement> out;
  do {
    out.push_back(ParseGroupingElement());
  } while (AcceptPunct(","));
  return out;
}

QueryPtr Parser::ParseSelect(size_t start) {
  Expect("SELECT");
  auto q = std::make_unique<Query>();
  q->kind = QueryKind::kSelect;
  q->select = std::make_unique<Select>();
  Select* s = q->select.get();
  s->hints = ParseHints();
  if (Accept("DISTINCT")) {
    s->distinct = true;
  } else if (Accept("ALL")) {
    s->all = true;
  }
  do {
    s->items.push_back(ParseSelectItem());
  } while (AcceptPunct(","));
  if (Accept("FROM")) s->from = ParseTableRef();
  if (Accept("WHERE")) s->where = ParseExpr();
  if (Cur().Is("GROUP") && Peek(1).Is("BY")) {
    Advance();
    Advance();
    s->group_by = ParseGroupBy();
  }
  if (Accept("HAVING")) s->having = ParseExpr();
  if (Accept("WINDOW")) {
    do {
      NamedWindow w;
      w.name = ParseIdentifier();
      Expect("AS");
      ExpectPunct("(");
      w.spec = std::move(*ParseWindowSpecBody());
      s->windows.push_back(std::move(w));
    } while (AcceptPunct(","));
  }
  if (Accept("QUALIFY")) s->qualify = ParseExpr();
  q->span = SpanFrom(start);
  return q;
}

bool Parser::AtAlias() const {
  const Token& t = Cur();
  if (t.Is("AS")) return true;
  if (t.kind == TokenKind::kQuotedIdent) return true;
  return t.kind == TokenKind::kIdent && !IsReserved(t);
}

void Parser::ParseAlias(TableRef* ref) {
  if (!AtAlias()) return;
  if (Accept("AS")) ref->explicit_as = true;
  ref->alias = ParseIdentifier();
  if (Cur().IsPunct("(") && IsIdentifierToken(Peek(1))) ref->column_aliases = ParseIdentifierList();
}

TableRefPtr Parser::ParseTableRef() {
  DepthGuard guard(this);
  size_t start = Mark();
  TableRefPtr left = ParseTablePrimary();
  while (!failed()) {
    auto j = std::make_unique<TableRef>();
    j->kind = TableRefKind::kJoin;
    if (AcceptPunct(",")) {
      j->join_type = JoinType::kComma;
      j->left = std::move(left);
      j->right = ParseTablePrimary();
      j->span = SpanFrom(start);
      left = std::move(j);
      continue;
    }
    size_t save = Mark();
    if (Accept("NATURAL")) j->natural = true;
    if (Accept("INNER")) {
      j->join_type = JoinType::kInner;
    } else if (Accept("LEFT")) {
      j->join_type = JoinType::kLeft;
      j->outer_keyword = Accept("OUTER");
    } else if (Accept("RIGHT")) {
      j->join_type = JoinType::kRight;
      j->outer_keyword = Accept("OUTER");
    } else if (Accept("FULL")) {
      j->join_type = JoinType::kFull;
      j->outer_keyword = Accept("OUTER");
    } else if (Accept("CROSS")) {
      j->join_type = JoinType::kCross;
    } else if (!Cur().Is("JOIN")) {
      i_ = save;
      break;
    }
    Expect("JOIN");
    j->left = std::move(left);
    j->right = ParseTablePrimary();
    if (j->join_type != JoinType::kCross) {
      if (Accept("ON")) {
        j->on = ParseExpr();
      } else if (Accept("USING")) {
        j->using_columns = ParseIdentifierList();
      } else if (!j->natural) {
        FailExpected("ON or USING after JOIN");
      }
    }
    j->span = SpanFrom(start);
    left = std::move(j);
  }
  return left;
}

TableRefPtr Parser::ParseTablePrimary() {
  DepthGuard guard(this);
  size_t start = Mark();
  auto ref = std::make_unique<TableRef>();
  bool lateral = Accept("LATERAL");
  if (Cur().Is("TABLE") && Peek(1).IsPunct("(")) {
    Advance();
    Advance();
    ref->kind = TableRefKind::kTableFunction;
    ref->lateral = lateral;
    size_t call_start = Mark();
    ObjectName fn = ParseObjectName();
    ref->call = ParseFunctionCall(std::move(fn), call_start);
    ExpectPunct(")");
  } else if (Cur().Is("UNNEST") && Peek(1).IsPunct("(")) {
    Advance();
    Advance();
    ref->kind = TableRefKind::kUnnest;
    ref->call = std::make_unique<Expr>();
    ref->call->kind = ExprKind::kFunction;
    ref->call->detail = std::make_unique<ExprDetail>();
    Identifier id;
    id.name = "UNNEST";
    ref->call->detail->function_name.parts.push_back(id);
    ref->call->args = ParseExprList();
    ExpectPunct(")");
    if (Cur().Is("WITH") && Peek(1).Is("ORDINALITY")) {
      Advance();
      Advance();
      ref->with_ordinality = true;
    }
  } else if (Cur().IsPunct("(")) {
    bool parsed_query = false;
    if (StartsQuery(1) && (!Peek(1).IsPunct("(") || backtrack_budget_ <= 0)) {
      Advance();
      ref->kind = TableRefKind::kSubquery;
      ref->lateral = lateral;
      ref->subquery = ParseQuery();
      ExpectPunct(")");
      parsed_query = true;
    } else if (StartsQuery(1)) {
      --backtrack_budget_;  // bounded: nested "((((" cannot make the retries exponential
      // "(SELECT ...)" is a subquery, but "((SELECT ...) x JOIN ...)" a parenthesized join: try the
      // subquery first and fall back, keeping the first error if both fail.
      size_t save = Mark();
      Advance();
      QueryPtr q = ParseQuery();
      if (!failed() && Cur().IsPunct(")")) {
        Advance();
        ref->kind = TableRefKind::kSubquery;
        ref->lateral = lateral;
        ref->subquery = std::move(q);
        parsed_query = true;
      } else {
        if (!failed()) FailExpected("')'");
        absl::Status first = status_;
        status_ = absl::OkStatus();
        i_ = save;
        Advance();
        TableRefPtr inner = ParseTableRef();
        ExpectPunct(")");
        if (failed()) {
          status_ = first;
          return ref;
        }
        inner->span = SpanFrom(start);
        if (inner->kind == TableRefKind::kJoin) return inner;
        ref = std::move(inner);
        parsed_query = true;
      }
    }
    if (parsed_query) {
    } else {
      Advance();
      TableRefPtr inner = ParseTableRef();
      ExpectPunct(")");
      inner->span = SpanFrom(start);
      if (inner->kind == TableRefKind::kJoin) return inner;
      ref = std::move(inner);
    }
  } else if (lateral) {
    FailExpected("TABLE(...) or a subquery after LATERAL");
    return ref;
  } else {
    ref->kind = TableRefKind::kNamed;
    ref->name = ParseObjectName();
    ref->hints = ParseHints();
    if (Cur().Is("FOR") && Peek(1).Is("SYSTEM_TIME")) {
      Advance();
      Advance();
      Expect("AS");
      Expect("OF");
      ref->system_time = ParseAdditive();
    }
  }
  ParseAlias(ref.get());
  if (Cur().Is("MATCH_RECOGNIZE")) {
    Advance();
    auto m = std::make_unique<TableRef>();
    m->kind = TableRefKind::kMatchRecognize;
    m->left = std::move(ref);
    m->match = ParseMatchRecognize();
    ParseAlias(m.get());
    m->span = SpanFrom(start);
    return m;
  }
  ref->span = SpanFrom(start);
  return ref;
}

std::string Parser::ParsePattern() {
  // PATTERN ( ... ): variables, quantifiers (* + ? {n,m} and reluctant ?), alternation and
  // grouping, normalized to single spaces between elements.
  ExpectPunct("(");
  std::string out;
  int depth = 1;
  bool need_space = false;
  while (!failed() && !AtEnd()) {
    const Token& t = Cur();
    if (t.IsPunct("(")) {
      if (need_space) out += ' ';
      out += '(';
      need_space = false;
      ++depth;
    } else if (t.IsPunct(")")) {
      if (--depth == 0) {
        Advance();
        return out;
      }
      out += ')';
      need_space = true;
    } else if (t.IsPunct("|")) {
      out += " |";
      need_space = true;
    } else if (t.IsPunct("*") || t.IsPunct("+") || t.IsPunct("?") || t.kind == TokenKind::kParam) {
      out += t.text;
      need_space = true;
    } else if (t.IsPunct("{")) {
      out += '{';
      Advance();
      while (!AtEnd() && !Cur().IsPunct("}")) {
        if (Cur().kind != TokenKind::kInteger && !Cur().IsPunct(",") && !Cur().IsPunct("-")) {
          FailExpected("a pattern quantifier {n}, {n,}, {n,m}");
          return out;
        }
        out += Cur().text;
        Advance();
      }
      ExpectPunct("}");
      out += '}';
      need_space = true;
      continue;
    } else if (IsIdentifierToken(t)) {
      if (need_space) out += ' ';
      out += t.kind == TokenKind::kQuotedIdent ? std::string(t.text) : std::string(t.text);
      need_space = true;
    } else {
      FailExpected("a pattern variable");
      return out;
    }
    Advance();
  }
  FailExpected("')' closing PATTERN");
  return out;
}

std::unique_ptr<MatchRecognize> Parser::ParseMatchRecognize() {
  auto m = std::make_unique<MatchRecognize>();
  ExpectPunct("(");
  if (Accept("PARTITION")) {
    Expect("BY");
    m->partition_by = ParseExprList();
  }
  if (Accept("ORDER")) {
    Expect("BY");
    m->order_by = ParseOrderByList();
  }
  if (Accept("MEASURES")) {
    do {
      size_t start = Mark();
      SelectItem item;
      item.expr = ParseExpr();
      Expect("AS");
      item.explicit_as = true;
      item.alias = ParseIdentifier();
      item.span = SpanFrom(start);
      m->measures.push_back(std::move(item));
    } while (AcceptPunct(","));
  }
  if (Cur().Is("ONE") || Cur().Is("ALL")) {
    bool one = Cur().Is("ONE");
    Advance();
    if (!one) Expect("ROWS");
    if (one) Expect("ROW");
    Expect("PER");
    Expect("MATCH");
    m->rows_per_match = one ? "ONE ROW PER MATCH" : "ALL ROWS PER MATCH";
  }
  if (Accept("AFTER")) {
    Expect("MATCH");
    Expect("SKIP");
    if (Accept("PAST")) {
      Expect("LAST");
      Expect("ROW");
      m->skip = AfterMatchSkip::kPastLastRow;
    } else {
      Expect("TO");
      if (Accept("NEXT")) {
        Expect("ROW");
        m->skip = AfterMatchSkip::kToNextRow;
      } else if (Accept("FIRST")) {
        m->skip = AfterMatchSkip::kToFirst;
        m->skip_to = ParseIdentifier();
      } else if (Accept("LAST")) {
        m->skip = AfterMatchSkip::kToLast;
        m->skip_to = ParseIdentifier();
      } else {
        m->skip = AfterMatchSkip::kToLast;  // SKIP TO var means SKIP TO LAST var
        m->skip_to = ParseIdentifier();
      }
    }
  }
  Expect("PATTERN");
  m->pattern = ParsePattern();
  if (Accept("WITHIN")) m->within = ParseAdditive();
  if (Accept("DEFINE")) {
    do {
      Identifier var = ParseIdentifier();
      Expect("AS");
      m->define.emplace_back(std::move(var), ParseExpr());
    } while (AcceptPunct(","));
  }
  ExpectPunct(")");
  return m;
}

}  // namespace flinkdbt::sql::internal
