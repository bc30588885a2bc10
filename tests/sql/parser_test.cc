// Parser, printer and lexer behaviour that the corpus does not show directly: spans, error
// offsets, scripts, comments and hints, canonical printing, robustness against deep nesting.
#include "flinkdbt/sql/parser.h"

#include <string>

#include "flinkdbt/base/status.h"
#include "flinkdbt/sql/printer.h"
#include "gtest/gtest.h"
#include "sql/lexer.h"
#include "sql_test_util.h"

namespace flinkdbt::sql {
namespace {

TEST(Lexer, TracksLinesCodePointColumnsAndOffsets) {
  auto toks = Tokenize("SELECT 'é',\n  `$rowtime` -- c\n/*+ OPTIONS('a'='b') */ x");
  ASSERT_TRUE(toks.ok());
  ASSERT_EQ(toks->size(), 7u);
  EXPECT_EQ((*toks)[1].kind, TokenKind::kString);
  EXPECT_EQ((*toks)[2].text, ",");
  EXPECT_EQ((*toks)[2].column, 11);  // 'é' is 4 bytes, 3 code points
  EXPECT_EQ((*toks)[3].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ((*toks)[3].line, 2);
  EXPECT_EQ((*toks)[3].column, 3);
  EXPECT_EQ((*toks)[4].kind, TokenKind::kHint);
  EXPECT_EQ((*toks)[4].line, 3);
  EXPECT_EQ((*toks)[5].text, "x");
  EXPECT_EQ((*toks)[6].kind, TokenKind::kEnd);
  EXPECT_EQ(DecodeQuotedIdentifier("`a``b`"), "a`b");
  EXPECT_EQ(DecodeStringLiteral("'it''s'"), "it's");
}

TEST(Lexer, NumbersAndOperators) {
  auto toks = Tokenize("1 1.5 .5 1e3 2E-2 <> != <= >= || => x'0F'");
  ASSERT_TRUE(toks.ok());
  std::vector<TokenKind> kinds;
  for (const auto& t : *toks) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{TokenKind::kInteger, TokenKind::kDecimal, TokenKind::kDecimal,
                                           TokenKind::kApprox, TokenKind::kApprox, TokenKind::kPunct,
                                           TokenKind::kPunct, TokenKind::kPunct, TokenKind::kPunct,
                                           TokenKind::kPunct, TokenKind::kPunct, TokenKind::kBinaryString,
                                           TokenKind::kEnd}));
}

TEST(Parser, SpansCoverNodes) {
  std::string sql = "SELECT a + 1 AS b\nFROM db.t WHERE c IN (1, 2)";
  auto st = ParseStatement(sql);
  ASSERT_TRUE(st.ok()) << st.status();
  const Select& s = *(*st)->query->select;
  const Expr& plus = *s.items[0].expr;
  EXPECT_EQ(sql.substr(plus.span.begin, plus.span.end - plus.span.begin), "a + 1");
  EXPECT_EQ(plus.span.line, 1);
  EXPECT_EQ(plus.span.column, 8);
  const TableRef& from = *s.from;
  EXPECT_EQ(from.name.ToString(), "db.t");
  EXPECT_EQ(from.span.line, 2);
  EXPECT_EQ(from.span.column, 6);
  const Expr& in = *s.where;
  EXPECT_EQ(sql.substr(in.span.begin, in.span.end - in.span.begin), "c IN (1, 2)");
  EXPECT_EQ(in.kind, ExprKind::kInList);
}

TEST(Parser, SyntaxErrorsCarryLocationAndOffset) {
  std::string sql = "SELECT a\nFROM t\nWHERE a = = 1";
  auto st = ParseStatement(sql);
  ASSERT_FALSE(st.ok());
  auto loc = GetLocation(st.status());
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->line, 3);
  EXPECT_EQ(loc->column, 11);
  auto off = ParseErrorOffset(st.status());
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(sql.substr(*off, 1), "=");
  EXPECT_NE(std::string(st.status().message()).find("expected an expression"), std::string::npos);
  // Formatted the way users see it.
  absl::Status located = WithLocation(st.status(), SourceLocation{"models/m.sql", loc->line, loc->column});
  std::string shown = FormatDiagnostic(located, sql);
  EXPECT_NE(shown.find("models/m.sql:3:11: error: syntax error"), std::string::npos) << shown;
}

TEST(Parser, ScriptsSplitOnSemicolons) {
  auto script = ParseScript("SET 'a' = 'b';\nSELECT 1;; CREATE VIEW v AS SELECT 2;\n");
  ASSERT_TRUE(script.ok()) << script.status();
  ASSERT_EQ(script->statements.size(), 3u);
  EXPECT_EQ(script->statements[0]->kind, StatementKind::kSet);
  EXPECT_EQ(script->statements[2]->kind, StatementKind::kCreateView);
  EXPECT_EQ(ToSql(*script), "SET 'a' = 'b';\nSELECT 1;\nCREATE VIEW v AS SELECT 2");
  EXPECT_FALSE(ParseStatement("SELECT 1; SELECT 2").ok());
  EXPECT_TRUE(ParseStatement("SELECT 1;").ok());
}

TEST(Parser, BeginStatementSetSpansScriptStatements) {
  auto script = ParseScript("BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT 2;\nEND;");
  ASSERT_TRUE(script.ok()) << script.status();
  ASSERT_EQ(script->statements.size(), 1u);
  EXPECT_EQ(script->statements[0]->statements.size(), 2u);
}

TEST(Parser, HintsAndCommentsAreKeptOrSkipped) {
  auto st = ParseStatement(
      "SELECT /*+ STATE_TTL('t' = '1d') */ -- trailing\n a /* inline */ FROM t /*+ OPTIONS('k'='v') */");
  ASSERT_TRUE(st.ok()) << st.status();
  const Select& s = *(*st)->query->select;
  ASSERT_EQ(s.hints.size(), 1u);
  EXPECT_EQ(s.hints[0].text, "STATE_TTL('t' = '1d')");
  ASSERT_EQ(s.from->hints.size(), 1u);
  EXPECT_EQ(s.from->hints[0].text, "OPTIONS('k'='v')");
  EXPECT_EQ(ToSql(**st), "SELECT /*+ STATE_TTL('t' = '1d') */ a FROM t /*+ OPTIONS('k'='v') */");
}

TEST(Printer, CanonicalFormAndPrecedence) {
  auto print = [](const std::string& sql) {
    auto st = ParseStatement(sql);
    return st.ok() ? ToSql(**st) : std::string(st.status().message());
  };
  EXPECT_EQ(print("select a+b*c, (a+b)*c, a-(b-c), a-b-c from t"),
            "SELECT a + b * c, (a + b) * c, a - (b - c), a - b - c FROM t");
  EXPECT_EQ(print("select * from t where not (a or b) and c"), "SELECT * FROM t WHERE NOT (a OR b) AND c");
  EXPECT_EQ(print("select - -1, -(-a), -(a + 1), -+a"), "SELECT - -1, - -a, -(a + 1), - +a");
  EXPECT_EQ(print("select cast(x as varchar), cast(y as decimal(10,2) not null)"),
            "SELECT CAST(x AS STRING), CAST(y AS DECIMAL(10, 2) NOT NULL)");
  EXPECT_EQ(print("select `$rowtime`, `a``b` from `my table`"), "SELECT `$rowtime`, `a``b` FROM `my table`");
  EXPECT_EQ(print("select 'it''s'"), "SELECT 'it''s'");
  EXPECT_EQ(print("(select 1) union all (select 2 order by 1)"), "SELECT 1 UNION ALL (SELECT 2 ORDER BY 1)");
  EXPECT_EQ(print("select 1 union select 2 intersect select 3"),
            "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3");
  EXPECT_EQ(print("(select 1 union select 2) intersect select 3"),
            "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
  EXPECT_EQ(print("select a from t fetch first 3 rows only"), "SELECT a FROM t FETCH FIRST 3 ROWS ONLY");
  EXPECT_EQ(print("select interval '1' day, interval '2' minutes, interval '1 10' day to hour"),
            "SELECT INTERVAL '1' DAY, INTERVAL '2' MINUTES, INTERVAL '1 10' DAY TO HOUR");
  EXPECT_EQ(print("select x from a join (b join c on b.k = c.k) on a.k = b.k"),
            "SELECT x FROM a JOIN (b JOIN c ON b.k = c.k) ON a.k = b.k");
  EXPECT_EQ(print("select (r).f, r.f.g, arr[1].x from t"), "SELECT (r).f, r.f.g, arr[1].x FROM t");
}

TEST(Printer, RoundTripsTrickyInputs) {
  for (const char* sql : {
           "SELECT a NOT BETWEEN SYMMETRIC 1 AND 2, b NOT LIKE 'x%' ESCAPE '!', c IS NOT DISTINCT FROM d",
           "SELECT x = ANY (SELECT y FROM u), NOT EXISTS (SELECT 1), (SELECT MAX(y) FROM u)",
           "SELECT TRIM(LEADING 'x' FROM s), TRIM(s), POSITION('a' IN s), SUBSTRING(s FROM 1 FOR 2)",
           "SELECT EXTRACT(DOW FROM d), FLOOR(ts TO HOUR), TIMESTAMPDIFF(SECOND, a, b), OVERLAY(s PLACING "
           "'x' FROM 1)",
           "SELECT JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY ERROR ON ERROR)",
           "SELECT JSON_QUERY(j, '$' WITHOUT ARRAY WRAPPER NULL ON EMPTY EMPTY OBJECT ON ERROR)",
           "SELECT COUNT(DISTINCT a) FILTER (WHERE b > 1) OVER (PARTITION BY c ORDER BY d ROWS 2 PRECEDING)",
           "SELECT ARRAY[1, 2][1], MAP['a', 1]['a'], ROW(1, 'x'), (1, 2)",
           "SELECT TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-01', TIME '10:00:00', X'FF', 1.5e10",
           "SELECT TIMESTAMP WITH LOCAL TIME ZONE '2024-01-01 00:00:00'",
           "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01 00:00:00' AS x",
           "SELECT * FROM a LEFT JOIN LATERAL TABLE(f(a.x)) AS t(y) ON TRUE",
           "SELECT CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END, CASE WHEN y THEN 1 ELSE 2 END",
           "CREATE TABLE t (a INT NOT NULL COMMENT 'c', b AS a + 1, c TIMESTAMP_LTZ(3) METADATA FROM "
           "'timestamp' "
           "VIRTUAL, PRIMARY KEY (a) NOT ENFORCED, WATERMARK FOR c AS c - INTERVAL '1' SECOND) COMMENT 't' "
           "DISTRIBUTED BY HASH(a) INTO 4 BUCKETS WITH ('k' = 'v')",
       }) {
    EXPECT_EQ(testing::RoundTrip(sql), "") << sql;
  }
}

TEST(Parser, DeepNestingFailsCleanly) {
  std::string deep(5000, '(');
  deep = "SELECT " + deep + "1" + std::string(5000, ')');
  auto st = ParseStatement(deep);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(std::string(st.status().message()).find("nested too deeply"), std::string::npos);
  std::string nots = "SELECT ";
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  nots += "TRUE";
  EXPECT_FALSE(ParseStatement(nots).ok());
  // Nested parentheses in FROM are retried as parenthesized joins a bounded number of times (an
  // unbounded retry made this input exponential).
  std::string from_parens = "SELECT * FROM " + std::string(150, '(') + "SELECT 1) x) x) x";
  EXPECT_FALSE(ParseStatement(from_parens).ok());
  std::string moderate = "SELECT " + std::string(50, '(') + "1" + std::string(50, ')');
  EXPECT_TRUE(ParseStatement(moderate).ok());
}

TEST(Parser, ExpressionAndQueryEntryPoints) {
  auto e = ParseExpression("a.b.c + 1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->args[0]->names.size(), 3u);
  auto q = ParseQuery("WITH x AS (SELECT 1) SELECT * FROM x");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->with.size(), 1u);
  EXPECT_FALSE(ParseExpression("a +").ok());
}

}  // namespace
}  // namespace flinkdbt::sql

namespace flinkdbt::sql {
namespace {

// The lexer flags keywords from a fixed list so Token::Is can skip ordinary identifiers; every
// upper-case word the parser tests must be on that list, or the parser would never see it.
TEST(Lexer, KeywordListCoversEveryWordTheParserTests) {
  int checked = 0;
  for (const char* file : {"parser_expr.cc", "parser_query.cc", "parser_ddl.cc"}) {
    std::string text = testing::ReadFile(std::string(FLINKDBT_SOURCE_DIR "/src/sql/") + file);
    ASSERT_FALSE(text.empty()) << file;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '"' || i + 1 >= text.size() || !(text[i + 1] >= 'A' && text[i + 1] <= 'Z')) continue;
      size_t j = i + 1;
      while (j < text.size() &&
             ((text[j] >= 'A' && text[j] <= 'Z') || text[j] == '_' || (text[j] >= '0' && text[j] <= '9')))
        ++j;
      if (j < text.size() && text[j] == '"') {
        std::string word = text.substr(i + 1, j - i - 1);
        EXPECT_TRUE(IsParserKeyword(word)) << word << " (" << file << ")";
        ++checked;
      }
      i = j;
    }
  }
  EXPECT_GT(checked, 200);
  EXPECT_TRUE(IsParserKeyword("select"));
  EXPECT_FALSE(IsParserKeyword("order_id"));
}

}  // namespace
}  // namespace flinkdbt::sql

namespace flinkdbt::sql {
namespace {

// Inputs the fuzzer found; each once broke the round trip or crashed.
TEST(FuzzRegressions, RoundTrip) {
  for (const char* sql : {
           "SHOW CREATEDECIMA VIEW SEL FROM examples.marketplxamv_src",
           "VALUES ((1).ustT, RU, c(1), ustT, RU, c)",
           "SELECT (1.5).a, ('x').b, (CAST(r AS ROW<a INT>)).a, (ARRAY[1]).x, f(x).y.z",
           "SELECT customer_id, "
           "++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++"
           "+++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++st",
       }) {
    EXPECT_EQ(testing::RoundTrip(sql), "") << sql;
  }
}

}  // namespace
}  // namespace flinkdbt::sql
