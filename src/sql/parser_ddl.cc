// Statements (DDL, DML, SHOW/DESCRIBE/SET/...) and the public entry points of the parser.
#include <cstdlib>

#include "absl/strings/cord.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/sql/parser.h"
#include "fmt/format.h"
#include "sql/parser_impl.h"

namespace flinkdbt::sql {
namespace internal {
namespace {

StatementPtr NewStatement(StatementKind kind) {
  auto s = std::make_unique<Statement>();
  s->kind = kind;
  return s;
}

}  // namespace

std::vector<Property> Parser::ParseProperties() {
  std::vector<Property> props;
  ExpectPunct("(");
  if (Cur().IsPunct(")")) {
    Advance();
    return props;
  }
  do {
    size_t start = Mark();
    Property p;
    if (Cur().kind == TokenKind::kString) {
      p.key = ParseStringValue();
    } else {
      // Unquoted dotted keys (connector = 'kafka', scan.startup.mode = '...').
      ObjectName n = ParseObjectName();
      for (size_t k = 0; k < n.parts.size(); ++k) p.key += (k ? "." : "") + n.parts[k].name;
    }
    ExpectPunct("=");
    if (Cur().kind == TokenKind::kString) {
      p.value = ParseStringValue();
    } else if (Cur().kind == TokenKind::kInteger || Cur().kind == TokenKind::kDecimal || Cur().Is("TRUE") ||
               Cur().Is("FALSE")) {
      p.value = std::string(Cur().text);
      Advance();
    } else {
      FailExpected("a string value");
    }
    p.span = SpanFrom(start);
    props.push_back(std::move(p));
  } while (AcceptPunct(","));
  ExpectPunct(")");
  return props;
}

ColumnDef Parser::ParseColumnDef() {
  size_t start = Mark();
  ColumnDef c;
  c.name = ParseIdentifier();
  if (Accept("AS")) {
    c.kind = ColumnKind::kComputed;
    c.expr = ParseExpr();
  } else {
    c.type = ParseType();
    if (Accept("METADATA")) {
      c.kind = ColumnKind::kMetadata;
      if (Accept("FROM")) c.metadata_key = ParseStringValue();
      if (Accept("VIRTUAL")) c.is_virtual = true;
    }
  }
  if (Cur().Is("PRIMARY") || (Cur().Is("CONSTRAINT") && Peek(2).Is("PRIMARY"))) {
    if (Accept("CONSTRAINT")) ParseIdentifier();
    Expect("PRIMARY");
    Expect("KEY");
    Expect("NOT");
    Expect("ENFORCED");
    c.primary_key = true;
  }
  if (Accept("COMMENT")) c.comment = ParseStringValue();
  if (Accept("FIRST")) {
    c.position = "FIRST";
  } else if (Accept("AFTER")) {
    Identifier col = ParseIdentifier();
    c.position = "AFTER " + (col.quoted ? "`" + col.name + "`" : col.name);
  }
  c.span = SpanFrom(start);
  return c;
}

PrimaryKey Parser::ParsePrimaryKeyConstraint(size_t start) {
  PrimaryKey pk;
  if (Accept("CONSTRAINT")) pk.constraint_name = ParseIdentifier();
  Expect("PRIMARY");
  Expect("KEY");
  pk.columns = ParseIdentifierList();
  if (Accept("NOT")) {
    Expect("ENFORCED");
  } else {
    Fail(Cur(), "Flink supports only PRIMARY KEY ... NOT ENFORCED");
  }
  pk.span = SpanFrom(start);
  return pk;
}

Watermark Parser::ParseWatermark(size_t start) {
  Watermark w;
  Expect("WATERMARK");
  Expect("FOR");
  w.column = ParseIdentifier();
  Expect("AS");
  w.expr = ParseExpr();
  w.span = SpanFrom(start);
  return w;
}

void Parser::ParseTableElement(Statement* s, std::vector<ColumnDef>* columns) {
  size_t start = Mark();
  if (Cur().Is("WATERMARK")) {
    if (s->watermark) Fail(Cur(), "a table has at most one WATERMARK");
    s->watermark = ParseWatermark(start);
  } else if (Cur().Is("PRIMARY") || Cur().Is("CONSTRAINT")) {
    if (s->primary_key) Fail(Cur(), "a table has at most one PRIMARY KEY");
    s->primary_key = ParsePrimaryKeyConstraint(start);
  } else {
    columns->push_back(ParseColumnDef());
  }
}

// Clauses after the column list, in any order: COMMENT, PARTITIONED BY, DISTRIBUTED BY/INTO,
// WITH, LIKE, FRESHNESS/REFRESH_MODE/START_MODE = ... Returns false when none was read.
bool Parser::ParseTableClausesInto(Statement* s) {
  bool any = false;
  while (!failed()) {
    if (Accept("COMMENT")) {
      s->comment = ParseStringValue();
    } else if (Cur().Is("PARTITIONED") && Peek(1).Is("BY")) {
      Advance();
      Advance();
      s->partitioned_by = ParseIdentifierList();
    } else if (Accept("DISTRIBUTED")) {
      Distribution d;
      if (Accept("BY")) {
        if (Cur().kind == TokenKind::kIdent && Peek(1).IsPunct("(") &&
            (Cur().Is("HASH") || Cur().Is("RANGE") || Cur().Is("RANDOM"))) {
          d.algorithm = ToUpper(Cur().text);
          Advance();
        }
        d.columns = ParseIdentifierList();
      } else {
        d.distributed_into_only = true;
      }
      if (Accept("INTO")) {
        d.buckets = ParseIntegerValue();
        Expect("BUCKETS");
      } else if (d.distributed_into_only) {
        FailExpected("BY or INTO after DISTRIBUTED");
      }
      s->distribution = std::move(d);
    } else if (Cur().Is("WITH") && Peek(1).IsPunct("(")) {
      Advance();
      s->options = ParseProperties();
    } else if (Accept("LIKE")) {
      LikeClause like;
      like.source = ParseObjectName();
      if (AcceptPunct("(")) {
        do {
          std::string opt;
          if (Accept("INCLUDING")) {
            opt = "INCLUDING";
          } else if (Accept("EXCLUDING")) {
            opt = "EXCLUDING";
          } else if (Accept("OVERWRITING")) {
            opt = "OVERWRITING";
          } else {
            FailExpected("INCLUDING, EXCLUDING or OVERWRITING");
          }
          if (Cur().kind == TokenKind::kIdent) {
            opt += " " + ToUpper(Cur().text);
            Advance();
          } else {
            FailExpected("a LIKE option (ALL, CONSTRAINTS, DISTRIBUTION, GENERATED, METADATA, OPTIONS, ...)");
          }
          like.options.push_back(std::move(opt));
        } while (!failed() && !Cur().IsPunct(")") && !AtEnd() && (AcceptPunct(",") || true));
        ExpectPunct(")");
      }
      s->like = std::move(like);
    } else if ((Cur().Is("FRESHNESS") || Cur().Is("REFRESH_MODE") || Cur().Is("START_MODE")) &&
               Peek(1).IsPunct("=")) {
      TableClause c;
      c.key = ToUpper(Cur().text);
      Advance();
      Advance();
      if (Cur().kind == TokenKind::kIdent && !Peek(1).IsPunct("(") && !Peek(1).IsPunct(".") &&
          !Cur().Is("INTERVAL")) {
        // A bare mode keyword (REFRESH_MODE = FULL, START_MODE = RESUME_OR_FROM_BEGINNING).
        c.value = std::make_unique<Expr>();
        c.value->kind = ExprKind::kColumnRef;
        c.value->span = TokenSpan(Cur());
        c.value->names.push_back(ParseIdentifier());
      } else {
        c.value = ParseExpr();
      }
      s->table_clauses.push_back(std::move(c));
    } else {
      break;
    }
    any = true;
  }
  return any;
}

void Parser::ParseCreateTableBody(Statement* s) {
  if (Cur().IsPunct("(")) {
    Advance();
    if (!Cur().IsPunct(")")) {
      do {
        ParseTableElement(s, &s->columns);
      } while (AcceptPunct(","));
    }
    ExpectPunct(")");
  }
  ParseTableClausesInto(s);
  if (Accept("AS")) s->query = ParseQuery();
}

StatementPtr Parser::ParseCreate(size_t start) {
  Expect("CREATE");
  bool or_replace = false, or_alter = false, temporary = false, system = false;
  if (Accept("OR")) {
    if (Accept("REPLACE")) {
      or_replace = true;
    } else {
      Expect("ALTER");
      or_alter = true;
    }
  }
  if (Accept("TEMPORARY")) {
    temporary = true;
    if (Accept("SYSTEM")) system = true;
  }
  StatementPtr s;
  auto if_not_exists = [&](Statement* st) {
    if (Cur().Is("IF")) {
      Advance();
      Expect("NOT");
      Expect("EXISTS");
      st->if_not_exists = true;
    }
  };
  if (Accept("TABLE")) {
    s = NewStatement(StatementKind::kCreateTable);
    if_not_exists(s.get());
    s->name = ParseObjectName();
    ParseCreateTableBody(s.get());
  } else if (Accept("VIEW")) {
    s = NewStatement(StatementKind::kCreateView);
    if_not_exists(s.get());
    s->name = ParseObjectName();
    if (Cur().IsPunct("(")) s->column_names = ParseIdentifierList();
    if (Accept("COMMENT")) s->comment = ParseStringValue();
    Expect("AS");
    s->query = ParseQuery();
  } else if (Accept("MATERIALIZED")) {
    bool table = Accept("TABLE");
    if (!table) Expect("VIEW");
    s = NewStatement(table ? StatementKind::kCreateMaterializedTable
                           : StatementKind::kCreateMaterializedView);
    if_not_exists(s.get());
    s->name = ParseObjectName();
    ParseCreateTableBody(s.get());
    if (!s->query) FailExpected("AS <query>");
  } else if (Accept("FUNCTION")) {
    s = NewStatement(StatementKind::kCreateFunction);
    if_not_exists(s.get());
    s->name = ParseObjectName();
    Expect("AS");
    s->function_class = ParseStringValue();
    if (Accept("LANGUAGE")) {
      s->function_language = ToUpper(Cur().text);
      ParseIdentifier();
    }
    if (Accept("USING")) {
      do {
        Expect("JAR");
        s->using_jars.push_back(ParseStringValue());
      } while (AcceptPunct(","));
    }
  } else if (Accept("DATABASE")) {
    s = NewStatement(StatementKind::kCreateDatabase);
    if_not_exists(s.get());
    s->name = ParseObjectName();
    ParseTableClausesInto(s.get());
  } else if (Accept("CATALOG")) {
    s = NewStatement(StatementKind::kCreateCatalog);
    if_not_exists(s.get());
    s->name = ParseObjectName();
    ParseTableClausesInto(s.get());
  } else {
    FailExpected("TABLE, VIEW, MATERIALIZED TABLE, FUNCTION, DATABASE or CATALOG after CREATE");
    return NewStatement(StatementKind::kCreateTable);
  }
  s->or_replace = or_replace;
  s->or_alter = or_alter;
  s->temporary = temporary;
  s->system = system;
  s->span = SpanFrom(start);
  return s;
}

StatementPtr Parser::ParseDrop(size_t start) {
  Expect("DROP");
  auto s = NewStatement(StatementKind::kDrop);
  if (Accept("TEMPORARY")) {
    s->temporary = true;
    if (Accept("SYSTEM")) s->system = true;
  }
  if (Accept("MATERIALIZED")) {
    if (Accept("TABLE")) {
      s->drop_object = "MATERIALIZED TABLE";
    } else {
      Expect("VIEW");
      s->drop_object = "MATERIALIZED VIEW";
    }
  } else {
    for (std::string_view kw : {"TABLE", "VIEW", "FUNCTION", "DATABASE", "CATALOG", "MODEL"}) {
      if (Accept(kw)) {
        s->drop_object = std::string(kw);
        break;
      }
    }
    if (s->drop_object.empty())
      FailExpected("TABLE, VIEW, MATERIALIZED TABLE, FUNCTION, DATABASE or CATALOG");
  }
  if (Accept("IF")) {
    Expect("EXISTS");
    s->if_exists = true;
  }
  s->name = ParseObjectName();
  if (Accept("CASCADE")) {
    s->cascade = true;
  } else if (Accept("RESTRICT")) {
    s->restrict = true;
  }
  s->span = SpanFrom(start);
  return s;
}

StatementPtr Parser::ParseAlter(size_t start) {
  Expect("ALTER");
  StatementPtr s;
  if (Accept("TABLE")) {
    s = NewStatement(StatementKind::kAlterTable);
  } else if (Accept("VIEW")) {
    s = NewStatement(StatementKind::kAlterView);
  } else if (Accept("MATERIALIZED")) {
    Expect("TABLE");
    s = NewStatement(StatementKind::kAlterMaterializedTable);
  } else {
    FailExpected("TABLE, VIEW or MATERIALIZED TABLE after ALTER");
    return NewStatement(StatementKind::kAlterTable);
  }
  if (Accept("IF")) {
    Expect("EXISTS");
    s->if_exists = true;
  }
  s->name = ParseObjectName();
  auto parse_items = [&]() {
    if (AcceptPunct("(")) {
      do {
        ParseTableElement(s.get(), &s->columns);
      } while (AcceptPunct(","));
      ExpectPunct(")");
    } else {
      ParseTableElement(s.get(), &s->columns);
    }
  };
  if (Accept("ADD")) {
    s->alter_action = AlterAction::kAdd;
    if (Cur().Is("DISTRIBUTION")) {
      Advance();
      s->alter_action = AlterAction::kOther;
      s->alter_keyword = "ADD DISTRIBUTION";
      ParseTableClausesInto(s.get());
    } else {
      parse_items();
    }
  } else if (Accept("MODIFY")) {
    s->alter_action = AlterAction::kModify;
    parse_items();
  } else if (Accept("DROP")) {
    if (Accept("PRIMARY")) {
      Expect("KEY");
      s->alter_action = AlterAction::kDropPrimaryKey;
    } else if (Accept("WATERMARK")) {
      s->alter_action = AlterAction::kDropWatermark;
    } else if (Accept("CONSTRAINT")) {
      s->alter_action = AlterAction::kDropConstraint;
      s->drop_columns.push_back(ParseIdentifier());
    } else if (Cur().IsPunct("(")) {
      s->alter_action = AlterAction::kDropColumns;
      s->drop_columns = ParseIdentifierList();
    } else {
      s->alter_action = AlterAction::kDropColumns;
      s->drop_columns.push_back(ParseIdentifier());
    }
  } else if (Accept("SET")) {
    if ((Cur().Is("FRESHNESS") || Cur().Is("REFRESH_MODE")) && Peek(1).IsPunct("=")) {
      s->alter_action = AlterAction::kOther;
      s->alter_keyword = "SET";
      ParseTableClausesInto(s.get());
    } else {
      s->alter_action = AlterAction::kSet;
      s->options = ParseProperties();
    }
  } else if (Accept("RESET")) {
    s->alter_action = AlterAction::kReset;
    ExpectPunct("(");
    do {
      s->reset_keys.push_back(ParseStringValue());
    } while (AcceptPunct(","));
    ExpectPunct(")");
  } else if (Accept("RENAME")) {
    if (Accept("TO")) {
      s->alter_action = AlterAction::kRenameTable;
      s->new_name = ParseObjectName();
    } else {
      s->alter_action = AlterAction::kRenameColumn;
      s->rename_from = ParseIdentifier();
      Expect("TO");
      s->rename_to = ParseIdentifier();
    }
  } else if (Accept("AS")) {
    s->alter_action = AlterAction::kAsQuery;
    s->query = ParseQuery();
  } else if (Cur().Is("SUSPEND") || Cur().Is("RESUME") || Cur().Is("REFRESH")) {
    s->alter_action = AlterAction::kOther;
    s->alter_keyword = ToUpper(Cur().text);
    Advance();
    if (Cur().Is("WITH") && Peek(1).IsPunct("(")) {
      Advance();
      s->options = ParseProperties();
    }
  } else {
    FailExpected("ADD, MODIFY, DROP, SET, RESET, RENAME or AS");
  }
  s->span = SpanFrom(start);
  return s;
}

StatementPtr Parser::ParseInsert(size_t start) {
  Expect("INSERT");
  auto s = NewStatement(StatementKind::kInsert);
  if (Accept("OVERWRITE")) {
    s->overwrite = true;
    Accept("INTO");
  } else {
    Expect("INTO");
  }
  s->name = ParseObjectName();
  ParseHints();
  if (Accept("PARTITION")) s->partition_spec = ParseProperties();
  if (Cur().IsPunct("(") && !StartsQuery(0)) s->column_names = ParseIdentifierList();
  s->query = ParseQuery();
  s->span = SpanFrom(start);
  return s;
}

StatementPtr Parser::ParseShow(size_t start) {
  Expect("SHOW");
  auto s = NewStatement(StatementKind::kShow);
  if (Accept("CREATE")) {
    s->show_what = "CREATE";
    if (Accept("MATERIALIZED")) {
      Expect("TABLE");
      s->show_what += " MATERIALIZED TABLE";
    } else if (Accept("TABLE")) {
      s->show_what += " TABLE";
    } else if (Accept("VIEW")) {
      s->show_what += " VIEW";
    } else if (Accept("FUNCTION")) {
      s->show_what += " FUNCTION";
    } else {
      FailExpected("TABLE, VIEW or MATERIALIZED TABLE after SHOW CREATE");
    }
    s->name = ParseObjectName();
    s->span = SpanFrom(start);
    return s;
  }
  while (Cur().kind == TokenKind::kIdent && !Cur().Is("FROM") && !Cur().Is("IN") && !Cur().Is("LIKE") &&
         !Cur().Is("ILIKE") && !Cur().Is("NOT")) {
    if (!s->show_what.empty()) s->show_what += " ";
    s->show_what += ToUpper(Cur().text);
    Advance();
  }
  if (s->show_what.empty()) FailExpected("what to show (TABLES, VIEWS, DATABASES, CATALOGS, FUNCTIONS, ...)");
  if (Cur().Is("FROM") || Cur().Is("IN")) {
    s->show_from_keyword = ToUpper(Cur().text);
    Advance();
    s->show_from = ParseObjectName();
  }
  if (Accept("NOT")) s->not_like = true;
  if (Accept("LIKE")) {
    s->like_pattern = ParseStringValue();
  } else if (Accept("ILIKE")) {
    s->ilike = true;
    s->like_pattern = ParseStringValue();
  } else if (s->not_like) {
    FailExpected("LIKE after NOT");
  }
  s->span = SpanFrom(start);
  return s;
}

StatementPtr Parser::ParseStatementSet(size_t start, bool execute) {
  auto s = NewStatement(StatementKind::kStatementSet);
  s->execute_keyword = execute;
  if (execute) Expect("EXECUTE");
  Expect("STATEMENT");
  Expect("SET");
  Expect("BEGIN");
  while (!failed() && !Cur().Is("END") && !AtEnd()) {
    size_t st = Mark();
    if (!Cur().Is("INSERT")) {
      FailExpected("INSERT INTO inside a statement set");
      break;
    }
    s->statements.push_back(ParseInsert(st));
    ExpectPunct(";");
  }
  Expect("END");
  s->span = SpanFrom(start);
  return s;
}

StatementPtr Parser::ParseStatement() {
  size_t start = Mark();
  backtrack_budget_ = 64;  // per statement (see parser_impl.h)
  const Token& t = Cur();
  if (StartsQuery()) {
    auto s = NewStatement(StatementKind::kQuery);
    s->query = ParseQuery();
    s->span = SpanFrom(start);
    return s;
  }
  if (t.Is("CREATE")) return ParseCreate(start);
  if (t.Is("DROP")) return ParseDrop(start);
  if (t.Is("ALTER")) return ParseAlter(start);
  if (t.Is("INSERT")) return ParseInsert(start);
  if (t.Is("SHOW")) return ParseShow(start);
  if (t.Is("EXECUTE")) {
    if (Peek(1).Is("STATEMENT")) return ParseStatementSet(start, true);
    Advance();  // EXECUTE INSERT INTO ...
    if (!Cur().Is("INSERT")) FailExpected("STATEMENT SET or INSERT after EXECUTE");
    return ParseInsert(start);
  }
  if (t.Is("BEGIN") && Peek(1).Is("STATEMENT")) {
    Advance();
    auto s = NewStatement(StatementKind::kStatementSet);
    s->execute_keyword = false;
    Expect("STATEMENT");
    Expect("SET");
    ExpectPunct(";");
    while (!failed() && !Cur().Is("END") && !AtEnd()) {
      size_t st = Mark();
      if (!Cur().Is("INSERT")) {
        FailExpected("INSERT INTO inside a statement set");
        break;
      }
      s->statements.push_back(ParseInsert(st));
      ExpectPunct(";");
    }
    Expect("END");
    s->span = SpanFrom(start);
    return s;
  }
  if (t.Is("DESCRIBE") || t.Is("DESC")) {
    Advance();
    auto s = NewStatement(StatementKind::kDescribe);
    if (Accept("EXTENDED")) s->extended = true;
    s->name = ParseObjectName();
    s->span = SpanFrom(start);
    return s;
  }
  if (t.Is("EXPLAIN")) {
    Advance();
    auto s = NewStatement(StatementKind::kExplain);
    if (Cur().Is("PLAN") && Peek(1).Is("FOR")) {
      Advance();
      Advance();
      s->explain_details = "PLAN FOR";
    } else {
      while (Cur().Is("ESTIMATED_COST") || Cur().Is("CHANGELOG_MODE") || Cur().Is("JSON_EXECUTION_PLAN") ||
             Cur().Is("PLAN_ADVICE")) {
        if (!s->explain_details.empty()) s->explain_details += ", ";
        s->explain_details += ToUpper(Cur().text);
        Advance();
        AcceptPunct(",");
      }
    }
    s->inner = ParseStatement();
    s->span = SpanFrom(start);
    return s;
  }
  if (t.Is("SET")) {
    Advance();
    auto s = NewStatement(StatementKind::kSet);
    if (Cur().kind == TokenKind::kString) {
      s->set_key = ParseStringValue();
      ExpectPunct("=");
      s->set_value = ParseStringValue();
    }
    s->span = SpanFrom(start);
    return s;
  }
  if (t.Is("RESET")) {
    Advance();
    auto s = NewStatement(StatementKind::kReset);
    if (Cur().kind == TokenKind::kString) s->set_key = ParseStringValue();
    s->span = SpanFrom(start);
    return s;
  }
  if (t.Is("USE")) {
    Advance();
    auto s = NewStatement(StatementKind::kUse);
    if (Cur().Is("CATALOG") && IsIdentifierToken(Peek(1))) {
      Advance();
      s->use_catalog = true;
    }
    s->name = ParseObjectName();
    s->span = SpanFrom(start);
    return s;
  }
  FailExpected(
      "a statement (SELECT, WITH, VALUES, CREATE, DROP, ALTER, INSERT, EXECUTE, SHOW, DESCRIBE, "
      "EXPLAIN, SET, RESET or USE)");
  return NewStatement(StatementKind::kQuery);
}

Script Parser::ParseScriptBody() {
  Script script;
  while (!failed()) {
    while (AcceptPunct(";")) {
    }
    if (AtEnd()) break;
    script.statements.push_back(ParseStatement());
    if (!AtEnd() && !AcceptPunct(";")) FailExpected("';' or end of input");
  }
  return script;
}

StatementPtr Parser::ParseSingleStatement() {
  while (AcceptPunct(";")) {
  }
  StatementPtr s = ParseStatement();
  while (AcceptPunct(";")) {
  }
  if (!AtEnd()) FailExpected("end of statement");
  return s;
}

QueryPtr Parser::ParseSingleQuery() {
  QueryPtr q = ParseQuery();
  AcceptPunct(";");
  if (!AtEnd()) FailExpected("end of query");
  return q;
}

ExprPtr Parser::ParseSingleExpression() {
  ExprPtr e = ParseExpr();
  if (!AtEnd()) FailExpected("end of expression");
  return e;
}

DataType Parser::ParseSingleType() {
  DataType t = ParseType();
  if (AcceptPunct("*")) {
    if (Accept("ROWTIME")) {
      t.time_attribute = TimeAttribute::kRowtime;
    } else {
      Expect("PROCTIME");
      t.time_attribute = TimeAttribute::kProctime;
    }
    ExpectPunct("*");
  }
  if (!AtEnd()) FailExpected("end of type");
  return t;
}

}  // namespace internal

namespace {

template <typename T, typename F>
absl::StatusOr<T> RunParser(std::string_view sql, F body) {
  // The token vector's capacity is reused across parses on a thread (small statements only, so a
  // large script's tokens are not kept alive). Moved out while in use, so nesting stays safe.
  static thread_local std::vector<Token> spare;
  std::vector<Token> tokens = std::move(spare);
  absl::Status lexed = TokenizeInto(sql, &tokens);
  if (!lexed.ok()) return lexed;
  internal::Parser p(sql, std::move(tokens));
  T result = body(p);
  tokens = p.TakeTokens();
  if (tokens.capacity() <= 4096) spare = std::move(tokens);
  if (!p.status().ok()) return p.status();
  return result;
}

}  // namespace

absl::StatusOr<Script> ParseScript(std::string_view sql) {
  return RunParser<Script>(sql, [](internal::Parser& p) { return p.ParseScriptBody(); });
}

absl::StatusOr<StatementPtr> ParseStatement(std::string_view sql) {
  return RunParser<StatementPtr>(sql, [](internal::Parser& p) { return p.ParseSingleStatement(); });
}

absl::StatusOr<QueryPtr> ParseQuery(std::string_view sql) {
  return RunParser<QueryPtr>(sql, [](internal::Parser& p) { return p.ParseSingleQuery(); });
}

absl::StatusOr<ExprPtr> ParseExpression(std::string_view sql) {
  return RunParser<ExprPtr>(sql, [](internal::Parser& p) { return p.ParseSingleExpression(); });
}

absl::StatusOr<DataType> ParseDataType(std::string_view text) {
  return RunParser<DataType>(text, [](internal::Parser& p) { return p.ParseSingleType(); });
}

std::optional<size_t> ParseErrorOffset(const absl::Status& status) {
  auto payload = status.GetPayload("flinkdbt.sql.offset");
  if (!payload.has_value()) return std::nullopt;
  std::string s(*payload);
  return static_cast<size_t>(std::strtoull(s.c_str(), nullptr, 10));
}

}  // namespace flinkdbt::sql
