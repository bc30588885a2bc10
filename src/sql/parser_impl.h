// Private: the recursive-descent parser shared by parser_expr.cc (expressions and types),
// parser_query.cc (queries and FROM clauses) and parser_ddl.cc (statements).
//
// Error handling: the first syntax error is recorded and the cursor jumps to the end token, so
// every caller unwinds quickly through loops that need more tokens; every Parse* still returns a
// valid (possibly placeholder) node, so no caller checks for null. The public entry points discard
// the tree when an error was recorded.
#ifndef FLINKDBT_SQL_PARSER_IMPL_H_
#define FLINKDBT_SQL_PARSER_IMPL_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "flinkdbt/sql/ast.h"
#include "sql/lexer.h"

namespace flinkdbt::sql::internal {

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), toks_(std::move(tokens)) {}

  // Entry points.
  Script ParseScriptBody();
  StatementPtr ParseSingleStatement();
  QueryPtr ParseSingleQuery();
  ExprPtr ParseSingleExpression();
  DataType ParseSingleType();

  const absl::Status& status() const { return status_; }
  // Gives the token vector back (for reuse of its capacity) once parsing is done.
  std::vector<Token> TakeTokens() { return std::move(toks_); }

  // --- token helpers
  const Token& Peek(size_t k = 0) const {
    size_t j = i_ + k;
    return j < toks_.size() ? toks_[j] : toks_.back();
  }
  const Token& Cur() const { return Peek(0); }
  bool AtEnd() const { return Cur().kind == TokenKind::kEnd; }
  void Advance() {
    if (i_ + 1 < toks_.size()) ++i_;
  }
  [[gnu::always_inline]] bool Accept(std::string_view kw) {
    if (Cur().Is(kw)) {
      Advance();
      return true;
    }
    return false;
  }
  bool AcceptPunct(std::string_view p) {
    if (Cur().IsPunct(p)) {
      Advance();
      return true;
    }
    return false;
  }
  void Expect(std::string_view kw);
  void ExpectPunct(std::string_view p);
  void Fail(const Token& at, std::string_view message);
  void FailExpected(std::string_view what);
  bool failed() const { return !status_.ok(); }

  Span SpanFrom(size_t start_index) const {
    const Token& s = toks_[std::min(start_index, toks_.size() - 1)];
    uint32_t end = s.begin;
    if (i_ > start_index) end = toks_[i_ - 1].end;
    return Span{s.begin, std::max(end, s.begin), s.line, s.column};
  }
  Span TokenSpan(const Token& t) const { return Span{t.begin, t.end, t.line, t.column}; }
  size_t Mark() const { return i_; }

  // --- identifiers and names
  bool IsIdentifierToken(const Token& t) const;
  bool IsReserved(const Token& t) const;  // words that end an expression / cannot be aliases
  Identifier ParseIdentifier();
  ObjectName ParseObjectName();
  std::vector<Identifier> ParseIdentifierList();  // ( a, b, c )
  std::string ParseStringValue();                 // '...'
  int64_t ParseIntegerValue();

  // --- expressions (parser_expr.cc)
  ExprPtr ParseExpr();
  ExprPtr ParseOr();
  ExprPtr ParseAnd();
  ExprPtr ParseNot();
  ExprPtr ParseIs();
  ExprPtr ParseComparison();
  ExprPtr ParseRangePredicates();
  ExprPtr ParseAdditive();
  ExprPtr ParseMultiplicative();
  ExprPtr ParseUnary();
  ExprPtr ParsePostfix();
  ExprPtr ParsePrimary();
  ExprPtr ParseLiteralOrNameOrCall();
  ExprPtr ParseFunctionCall(ObjectName name, size_t start);
  ExprPtr ParseSpecialCall(const std::string& upper, ObjectName& name, size_t start,
                           bool* handled);  // moves from name when handled
  void ParseJsonTail(Expr* call);
  ExprPtr ParseCase(size_t start);
  ExprPtr ParseCast(size_t start, bool try_cast);
  ExprPtr ParseInterval(size_t start);
  IntervalQualifier ParseIntervalQualifier();
  bool ParseTimeUnit(TimeUnit* unit, bool* plural);
  std::unique_ptr<WindowSpec> ParseWindowSpecBody();  // after '(' ... up to and including ')'
  FrameBound ParseFrameBound();
  std::vector<OrderItem> ParseOrderByList();
  std::vector<ExprPtr> ParseExprList();  // a, b, c (no parens)
  ExprPtr MakeLiteral(LiteralKind kind, std::string text, size_t start);
  DataType ParseType();  // with [NOT] NULL suffix
  DataType ParseTypeNoNullability();

  // --- queries (parser_query.cc)
  QueryPtr ParseQuery();
  QueryPtr ParseSetExpr();
  QueryPtr ParseIntersectTerm();
  QueryPtr ParseQueryPrimary();
  QueryPtr ParseSelect(size_t start);
  QueryPtr ParseValues(size_t start);
  std::vector<Cte> ParseWith();
  void ParseQueryTail(Query* q);
  bool StartsQuery(size_t k = 0) const;
  std::vector<Hint> ParseHints();
  SelectItem ParseSelectItem();
  std::vector<GroupingElement> ParseGroupBy();
  GroupingElement ParseGroupingElement();
  TableRefPtr ParseTableRef();
  TableRefPtr ParseTablePrimary();
  void ParseAlias(TableRef* ref);
  bool AtAlias() const;
  std::unique_ptr<MatchRecognize> ParseMatchRecognize();
  std::string ParsePattern();

  // --- statements (parser_ddl.cc)
  StatementPtr ParseStatement();
  StatementPtr ParseCreate(size_t start);
  void ParseCreateTableBody(Statement* s);
  void ParseTableElement(Statement* s, std::vector<ColumnDef>* columns);
  ColumnDef ParseColumnDef();
  PrimaryKey ParsePrimaryKeyConstraint(size_t start);
  Watermark ParseWatermark(size_t start);
  std::vector<Property> ParseProperties();
  bool ParseTableClausesInto(Statement* s);
  StatementPtr ParseDrop(size_t start);
  StatementPtr ParseAlter(size_t start);
  StatementPtr ParseInsert(size_t start);
  StatementPtr ParseShow(size_t start);
  StatementPtr ParseStatementSet(size_t start, bool execute);

  int depth_ = 0;
  // How many more times "(" in FROM may be re-parsed as a parenthesized join after failing as a
  // subquery, per statement; keeps the retry linear in the input.
  int backtrack_budget_ = 64;

 private:
  std::string_view sql_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  absl::Status status_;
};

// Nesting guard: deep nesting fails cleanly instead of overflowing the stack.
class DepthGuard {
 public:
  explicit DepthGuard(Parser* p) : p_(p) {
    if (++p_->depth_ > kMaxDepth && !p_->failed()) p_->Fail(p_->Cur(), "statement is nested too deeply");
  }
  ~DepthGuard() { --p_->depth_; }
  static constexpr int kMaxDepth = 200;

 private:
  Parser* p_;
};

std::string ToUpper(std::string_view s);

}  // namespace flinkdbt::sql::internal

#endif  // FLINKDBT_SQL_PARSER_IMPL_H_
