// Dump(): a canonical S-expression of every syntactic field of a tree, written independently of
// the printer so that the round-trip tests catch fields the printer drops.
#include "flinkdbt/sql/ast.h"
#include "fmt/format.h"

namespace flinkdbt::sql {
namespace {

class Dumper {
 public:
  std::string out;

  void Open(std::string_view tag) {
    out += '(';
    out += tag;
  }
  void Close() { out += ')'; }
  void Str(std::string_view s) {
    out += " \"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  void Int(int64_t v) { out += fmt::format(" {}", v); }
  void Flag(std::string_view name, bool v) {
    if (v) {
      out += ' ';
      out += name;
    }
  }
  void Id(const Identifier& id) { Str(id.quoted ? "`" + id.name : id.name); }
  void Ids(std::string_view tag, const std::vector<Identifier>& ids) {
    Open(tag);
    for (const auto& id : ids) Id(id);
    Close();
  }
  void Name(const ObjectName& n) { Ids("name", n.parts); }
  void Type(const DataType& t) { Str(TypeToString(t)); }

  void OptE(const ExprPtr& e) {
    if (e) {
      E(*e);
    } else {
      out += " nil";
    }
  }
  void Es(std::string_view tag, const std::vector<ExprPtr>& es) {
    Open(tag);
    for (const auto& e : es) OptE(e);
    Close();
  }
  void Order(const std::vector<OrderItem>& items) {
    Open("order");
    for (const auto& o : items) {
      Open("item");
      E(*o.expr);
      Flag("desc", o.descending);
      Flag("explicit", o.explicit_direction);
      Int(o.nulls);
      Close();
    }
    Close();
  }
  void Bound(const FrameBound& b) {
    Open("bound");
    Int(static_cast<int>(b.kind));
    OptE(b.offset);
    Close();
  }
  void Window(const WindowSpec& w) {
    Open("window");
    if (w.reference) Id(*w.reference);
    Flag("parens", w.parenthesized);
    Es("partition", w.partition_by);
    Order(w.order_by);
    Int(static_cast<int>(w.frame_unit));
    Flag("between", w.frame_between);
    if (w.frame_unit != FrameUnit::kNone) {
      Bound(w.frame_start);
      if (w.frame_between) Bound(w.frame_end);
    }
    Close();
  }

  void E(const Expr& e) {
    Open("e");
    Int(static_cast<int>(e.kind));
    switch (e.kind) {
      case ExprKind::kLiteral:
      case ExprKind::kInterval:
        Int(static_cast<int>(e.literal.kind));
        Str(e.literal.text);
        break;
      default:
        break;
    }
    if (!e.names.empty()) Ids("names", e.names);
    if (!e.op.empty()) Str(e.op);
    if (!e.args.empty()) Es("args", e.args);
    Flag("neg", e.negated);
    Flag("sym", e.symmetric);
    Flag("asym", e.asymmetric);
    Flag("similar", e.similar);
    Flag("try", e.try_cast);
    Flag("implicit_row", e.implicit_row);
    if (e.kind == ExprKind::kIsPredicate) {
      Int(static_cast<int>(e.is_test));
      Str(e.detail->json_type);
    }
    if (e.kind == ExprKind::kQuantified) Int(static_cast<int>(e.detail->quantifier));
    if (e.detail && e.detail->subquery) Q(*e.detail->subquery);
    if (e.detail && e.detail->else_expr) {
      Open("else");
      E(*e.detail->else_expr);
      Close();
    }
    if (e.detail && (e.kind == ExprKind::kCast || e.detail->has_returning)) Type(e.detail->cast_type);
    if (e.kind == ExprKind::kInterval) {
      const IntervalQualifier& q = e.detail->interval;
      out += fmt::format(" (q {} {} {} {} {})", static_cast<int>(q.start), q.start_precision,
                         static_cast<int>(q.end), q.fractional_precision, q.plural);
    }
    if (e.kind == ExprKind::kFunction) {
      Name(e.detail->function_name);
      Int(static_cast<int>(e.detail->syntax));
      Flag("distinct", e.detail->distinct);
      Flag("all", e.detail->all_qualifier);
      Flag("star", e.detail->star_arg);
      for (const auto& n : e.detail->arg_names) Str(n);
      Int(static_cast<int>(e.detail->unit));
      Str(e.detail->trim_spec);
      Flag("trim_from", e.detail->trim_has_from);
      if (e.detail->filter) {
        Open("filter");
        E(*e.detail->filter);
        Close();
      }
      if (!e.detail->within_group.empty()) Order(e.detail->within_group);
      if (e.detail->over) Window(*e.detail->over);
      Str(e.detail->prefix);
      Flag("pairs", e.detail->json_pairs);
      for (bool k : e.detail->json_key_keyword) Int(k);
      Str(e.detail->json_wrapper);
      for (const auto& b : e.detail->json_behaviors) {
        Open("json");
        Str(b.keyword);
        Str(b.target);
        OptE(b.default_value);
        Close();
      }
    }
    if (e.detail && !e.detail->table_order_by.empty()) Order(e.detail->table_order_by);
    Close();
  }

  void Grouping(const GroupingElement& g) {
    Open("g");
    Int(static_cast<int>(g.kind));
    OptE(g.expr);
    for (const auto& c : g.children) Grouping(c);
    Close();
  }

  void Item(const SelectItem& i) {
    Open("item");
    E(*i.expr);
    if (i.alias) Id(*i.alias);
    Close();
  }

  void Q(const Query& q) {
    Open("q");
    Int(static_cast<int>(q.kind));
    for (const Cte& c : q.with) {
      Open("cte");
      Id(c.name);
      Ids("cols", c.columns);
      Q(*c.query);
      Close();
    }
    switch (q.kind) {
      case QueryKind::kSelect: {
        const Select& s = *q.select;
        for (const Hint& h : s.hints) Str(h.text);
        Flag("distinct", s.distinct);
        Flag("all", s.all);
        for (const auto& i : s.items) Item(i);
        if (s.from) T(*s.from);
        Open("where");
        OptE(s.where);
        Close();
        for (const auto& g : s.group_by) Grouping(g);
        Open("having");
        OptE(s.having);
        Close();
        for (const auto& w : s.windows) {
          Id(w.name);
          Window(w.spec);
        }
        OptE(s.qualify);
        break;
      }
      case QueryKind::kSetOp:
        Int(static_cast<int>(q.set_op));
        Flag("all", q.set_all);
        Flag("distinct", q.set_distinct);
        Q(*q.left);
        Q(*q.right);
        break;
      case QueryKind::kValues:
        Flag("row", q.values_row_keyword);
        for (const auto& r : q.rows) Es("row", r);
        break;
    }
    Order(q.order_by);
    OptE(q.limit);
    OptE(q.offset);
    Flag("fetch", q.fetch);
    Close();
  }

  void T(const TableRef& t) {
    Open("t");
    Int(static_cast<int>(t.kind));
    if (t.alias) Id(*t.alias);
    Ids("cols", t.column_aliases);
    switch (t.kind) {
      case TableRefKind::kNamed:
        Name(t.name);
        for (const Hint& h : t.hints) Str(h.text);
        OptE(t.system_time);
        break;
      case TableRefKind::kSubquery:
        Flag("lateral", t.lateral);
        Q(*t.subquery);
        break;
      case TableRefKind::kJoin:
        Int(static_cast<int>(t.join_type));
        Flag("natural", t.natural);
        Flag("outer", t.outer_keyword);
        T(*t.left);
        T(*t.right);
        OptE(t.on);
        Ids("using", t.using_columns);
        break;
      case TableRefKind::kTableFunction:
      case TableRefKind::kUnnest:
        Flag("lateral", t.lateral);
        Flag("ordinality", t.with_ordinality);
        E(*t.call);
        break;
      case TableRefKind::kMatchRecognize: {
        T(*t.left);
        const MatchRecognize& m = *t.match;
        Es("partition", m.partition_by);
        Order(m.order_by);
        for (const auto& i : m.measures) Item(i);
        Str(m.rows_per_match);
        Int(static_cast<int>(m.skip));
        if (m.skip == AfterMatchSkip::kToFirst || m.skip == AfterMatchSkip::kToLast) Id(m.skip_to);
        Str(m.pattern);
        OptE(m.within);
        for (const auto& d : m.define) {
          Id(d.first);
          E(*d.second);
        }
        break;
      }
    }
    Close();
  }

  void Props(const std::vector<Property>& ps) {
    Open("props");
    for (const auto& p : ps) {
      Str(p.key);
      Str(p.value);
    }
    Close();
  }

  void Col(const ColumnDef& c) {
    Open("col");
    Int(static_cast<int>(c.kind));
    Id(c.name);
    if (c.kind != ColumnKind::kComputed) Type(c.type);
    OptE(c.expr);
    if (c.metadata_key) Str(*c.metadata_key);
    Flag("virtual", c.is_virtual);
    Flag("pk", c.primary_key);
    if (c.comment) Str(*c.comment);
    Str(c.position);
    Close();
  }

  void S(const Statement& s) {
    Open("s");
    Int(static_cast<int>(s.kind));
    if (s.query) Q(*s.query);
    Name(s.name);
    Flag("or_replace", s.or_replace);
    Flag("or_alter", s.or_alter);
    Flag("temporary", s.temporary);
    Flag("system", s.system);
    Flag("if_not_exists", s.if_not_exists);
    Flag("if_exists", s.if_exists);
    for (const auto& c : s.columns) Col(c);
    Ids("column_names", s.column_names);
    if (s.primary_key) {
      Open("pk");
      if (s.primary_key->constraint_name) Id(*s.primary_key->constraint_name);
      Ids("cols", s.primary_key->columns);
      Close();
    }
    if (s.watermark) {
      Open("wm");
      Id(s.watermark->column);
      E(*s.watermark->expr);
      Close();
    }
    if (s.comment) Str(*s.comment);
    Ids("partitioned", s.partitioned_by);
    if (s.distribution) {
      Open("dist");
      Str(s.distribution->algorithm);
      Ids("cols", s.distribution->columns);
      Int(s.distribution->buckets.value_or(-1));
      Flag("into_only", s.distribution->distributed_into_only);
      Close();
    }
    Props(s.options);
    if (s.like) {
      Open("like");
      Name(s.like->source);
      for (const auto& o : s.like->options) Str(o);
      Close();
    }
    for (const auto& c : s.table_clauses) {
      Str(c.key);
      E(*c.value);
    }
    Str(s.drop_object);
    Flag("cascade", s.cascade);
    Flag("restrict", s.restrict);
    Str(s.function_class);
    Str(s.function_language);
    for (const auto& j : s.using_jars) Str(j);
    if (s.kind == StatementKind::kAlterTable || s.kind == StatementKind::kAlterView ||
        s.kind == StatementKind::kAlterMaterializedTable) {
      Int(static_cast<int>(s.alter_action));
      Ids("drop", s.drop_columns);
      Id(s.rename_from);
      Id(s.rename_to);
      Name(s.new_name);
      for (const auto& k : s.reset_keys) Str(k);
      Str(s.alter_keyword);
    }
    Flag("overwrite", s.overwrite);
    Props(s.partition_spec);
    for (const auto& st : s.statements) S(*st);
    Flag("execute", s.execute_keyword);
    Str(s.show_what);
    if (s.show_from) {
      Str(s.show_from_keyword);
      Name(*s.show_from);
    }
    if (s.like_pattern) Str(*s.like_pattern);
    Flag("not_like", s.not_like);
    Flag("ilike", s.ilike);
    Flag("extended", s.extended);
    Str(s.explain_details);
    if (s.inner) S(*s.inner);
    if (s.set_key) Str(*s.set_key);
    if (s.set_value) Str(*s.set_value);
    Flag("use_catalog", s.use_catalog);
    Close();
  }
};

}  // namespace

std::string Dump(const Statement& s) {
  Dumper d;
  d.S(s);
  return std::move(d.out);
}
std::string Dump(const Query& q) {
  Dumper d;
  d.Q(q);
  return std::move(d.out);
}
std::string Dump(const Expr& e) {
  Dumper d;
  d.E(e);
  return std::move(d.out);
}

}  // namespace flinkdbt::sql
