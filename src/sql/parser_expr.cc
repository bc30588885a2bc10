// Expressions and data types of the Flink SQL parser (see parser_impl.h).
#include <algorithm>
#include <cstdlib>

#include "absl/container/flat_hash_set.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "sql/parser_impl.h"

namespace flinkdbt::sql::internal {

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

namespace {

// Words that end an expression or a select item: they are never read as an alias.
const absl::flat_hash_set<std::string>& ReservedWords() {
  static const auto* kWords = new absl::flat_hash_set<std::string>{
      "SELECT",     "FROM",        "WHERE",        "GROUP",       "HAVING",
      "ORDER",      "LIMIT",       "OFFSET",       "FETCH",       "UNION",
      "INTERSECT",  "EXCEPT",      "MINUS",        "JOIN",        "INNER",
      "LEFT",       "RIGHT",       "FULL",         "CROSS",       "NATURAL",
      "ON",         "USING",       "AS",           "WINDOW",      "MATCH_RECOGNIZE",
      "FOR",        "AND",         "OR",           "NOT",         "IS",
      "IN",         "LIKE",        "BETWEEN",      "SIMILAR",     "WHEN",
      "THEN",       "ELSE",        "END",          "CASE",        "WITH",
      "VALUES",     "INTO",        "QUALIFY",      "PARTITION",   "MEASURES",
      "DEFINE",     "PATTERN",     "ONE",          "AFTER",       "OVER",
      "FILTER",     "WITHIN",      "ESCAPE",       "DESC",        "ASC",
      "NULLS",      "LATERAL",     "UNNEST",       "ESCAPE",      "RETURNING",
      "DISTINCT",   "ALL",         "BY",           "ROWS",        "RANGE",
      "ORDINALITY", "PRECEDING",   "FOLLOWING",    "TABLE",       "SET",
      "ALTER",      "CREATE",      "DROP",         "INSERT",      "SUBSET",
      "EMPTY",      "ERROR",       "ABSENT",       "DEFAULT",     "WITHOUT",
      "VALUE",      "KEY",         "NULL",         "TRUE",        "FALSE",
      "UNKNOWN",    "TO",          "SYMMETRIC",    "ASYMMETRIC",  "INTERVAL",
      "CAST",       "TRY_CAST",    "EXISTS",       "ARRAY",       "MAP",
      "ROW",        "CURRENT",     "UNBOUNDED",    "PLACING",     "LEADING",
      "TRAILING",   "BOTH",        "COMMENT",      "WATERMARK",   "PRIMARY",
      "CONSTRAINT", "METADATA",    "VIRTUAL",      "DISTRIBUTED", "PARTITIONED",
      "LANGUAGE",   "FRESHNESS",   "REFRESH_MODE", "START_MODE",  "BEGIN",
      "EXECUTE",    "SYSTEM_TIME", "TIMESTAMP",    "DATE",        "TIME",
      "MEMBER",     "SOME",        "ANY"};
  return *kWords;
}

struct UnitName {
  std::string_view name;
  TimeUnit unit;
  bool plural;
};
constexpr UnitName kUnits[] = {
    {"YEAR", TimeUnit::kYear, false},
    {"YEARS", TimeUnit::kYear, true},
    {"QUARTER", TimeUnit::kQuarter, false},
    {"QUARTERS", TimeUnit::kQuarter, true},
    {"MONTH", TimeUnit::kMonth, false},
    {"MONTHS", TimeUnit::kMonth, true},
    {"WEEK", TimeUnit::kWeek, false},
    {"WEEKS", TimeUnit::kWeek, true},
    {"DAY", TimeUnit::kDay, false},
    {"DAYS", TimeUnit::kDay, true},
    {"HOUR", TimeUnit::kHour, false},
    {"HOURS", TimeUnit::kHour, true},
    {"MINUTE", TimeUnit::kMinute, false},
    {"MINUTES", TimeUnit::kMinute, true},
    {"SECOND", TimeUnit::kSecond, false},
    {"SECONDS", TimeUnit::kSecond, true},
    {"MILLISECOND", TimeUnit::kMillisecond, false},
    {"MILLISECONDS", TimeUnit::kMillisecond, true},
    {"MICROSECOND", TimeUnit::kMicrosecond, false},
    {"MICROSECONDS", TimeUnit::kMicrosecond, true},
    {"NANOSECOND", TimeUnit::kNanosecond, false},
    {"NANOSECONDS", TimeUnit::kNanosecond, true},
    {"DOY", TimeUnit::kDoy, false},
    {"DOW", TimeUnit::kDow, false},
    {"ISODOW", TimeUnit::kIsoDow, false},
    {"ISOYEAR", TimeUnit::kIsoYear, false},
    {"EPOCH", TimeUnit::kEpoch, false},
    {"DECADE", TimeUnit::kDecade, false},
    {"CENTURY", TimeUnit::kCentury, false},
    {"MILLENNIUM", TimeUnit::kMillennium, false},
};

ExprPtr NewExpr(ExprKind kind) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  switch (kind) {
    case ExprKind::kFunction:
    case ExprKind::kCast:
    case ExprKind::kInterval:
    case ExprKind::kCase:
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
    case ExprKind::kScalarSubquery:
    case ExprKind::kQuantified:
    case ExprKind::kTableArg:
    case ExprKind::kIsPredicate:
      e->detail = std::make_unique<ExprDetail>();
      break;
    default:
      break;
  }
  return e;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Token helpers

void Parser::Fail(const Token& at_token, std::string_view message) {
  if (!status_.ok()) return;
  Token at = at_token;
  if (at.kind == TokenKind::kEnd && &at_token == &toks_.back() && toks_.size() > 1) {
    // Point just past the last token rather than at whatever whitespace follows it.
    const Token& last = toks_[toks_.size() - 2];
    if (last.text.find('\n') == std::string_view::npos) {
      at.line = last.line;
      at.column = last.column + static_cast<int>(utf8::Length(last.text));
      at.begin = last.end;
    }
  }
  std::string found = at.kind == TokenKind::kEnd ? "end of input" : fmt::format("'{}'", at.text);
  std::string msg = fmt::format("syntax error: {} (found {})", message, found);
  status_ = InvalidInputError(SourceLocation{"", at.line, at.column}, msg);
  status_.SetPayload("flinkdbt.sql.offset", absl::Cord(std::to_string(at.begin)));
  i_ = toks_.size() - 1;  // jump to the end token: every loop unwinds
}

void Parser::FailExpected(std::string_view what) { Fail(Cur(), fmt::format("expected {}", what)); }

void Parser::Expect(std::string_view kw) {
  if (!Accept(kw)) FailExpected(kw);
}

void Parser::ExpectPunct(std::string_view p) {
  if (!AcceptPunct(p)) FailExpected(fmt::format("'{}'", p));
}

bool Parser::IsIdentifierToken(const Token& t) const {
  return t.kind == TokenKind::kQuotedIdent || t.kind == TokenKind::kIdent;
}

bool Parser::IsReserved(const Token& t) const {
  if (t.kind != TokenKind::kIdent || t.text.size() > 20) return false;
  char buf[24];
  for (size_t k = 0; k < t.text.size(); ++k) {
    char c = t.text[k];
    buf[k] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  return ReservedWords().contains(absl::string_view(buf, t.text.size()));
}

Identifier Parser::ParseIdentifier() {
  const Token& t = Cur();
  Identifier id;
  id.span = TokenSpan(t);
  if (t.kind == TokenKind::kQuotedIdent) {
    id.name = DecodeQuotedIdentifier(t.text);
    id.quoted = true;
    Advance();
  } else if (t.kind == TokenKind::kIdent) {
    id.name = std::string(t.text);
    Advance();
  } else {
    FailExpected("an identifier");
  }
  return id;
}

ObjectName Parser::ParseObjectName() {
  size_t start = Mark();
  ObjectName n;
  n.parts.push_back(ParseIdentifier());
  while (Cur().IsPunct(".") && IsIdentifierToken(Peek(1))) {
    Advance();
    n.parts.push_back(ParseIdentifier());
  }
  n.span = SpanFrom(start);
  return n;
}

std::vector<Identifier> Parser::ParseIdentifierList() {
  std::vector<Identifier> ids;
  ExpectPunct("(");
  do {
    ids.push_back(ParseIdentifier());
  } while (AcceptPunct(","));
  ExpectPunct(")");
  return ids;
}

std::string Parser::ParseStringValue() {
  if (Cur().kind != TokenKind::kString) {
    FailExpected("a string literal");
    return {};
  }
  std::string v = DecodeStringLiteral(Cur().text);
  Advance();
  return v;
}

int64_t Parser::ParseIntegerValue() {
  if (Cur().kind != TokenKind::kInteger) {
    FailExpected("an integer");
    return 0;
  }
  std::string digits(Cur().text);
  Advance();
  if (digits.size() > 18) {
    Fail(Cur(), "integer too large");
    return 0;
  }
  return std::strtoll(digits.c_str(), nullptr, 10);
}

bool Parser::ParseTimeUnit(TimeUnit* unit, bool* plural) {
  if (Cur().kind != TokenKind::kIdent) return false;
  for (const UnitName& u : kUnits) {
    if (Cur().Is(u.name)) {
      *unit = u.unit;
      if (plural) *plural = u.plural;
      Advance();
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Expressions

ExprPtr Parser::ParseExpr() {
  DepthGuard guard(this);
  return ParseOr();
}

ExprPtr Parser::ParseOr() {
  size_t start = Mark();
  ExprPtr left = ParseAnd();
  while (Accept("OR")) {
    auto e = NewExpr(ExprKind::kBinary);
    e->op = "OR";
    e->args.reserve(3);
    e->args.push_back(std::move(left));
    e->args.push_back(ParseAnd());
    e->span = SpanFrom(start);
    left = std::move(e);
  }
  return left;
}

ExprPtr Parser::ParseAnd() {
  size_t start = Mark();
  ExprPtr left = ParseNot();
  while (Accept("AND")) {
    auto e = NewExpr(ExprKind::kBinary);
    e->op = "AND";
    e->args.reserve(3);
    e->args.push_back(std::move(left));
    e->args.push_back(ParseNot());
    e->span = SpanFrom(start);
    left = std::move(e);
  }
  return left;
}

ExprPtr Parser::ParseNot() {
  size_t start = Mark();
  if (Cur().Is("NOT") && !Peek(1).Is("EXISTS")) {
    Advance();
    DepthGuard guard(this);
    auto e = NewExpr(ExprKind::kUnary);
    e->op = "NOT";
    e->args.push_back(ParseNot());
    e->span = SpanFrom(start);
    return e;
  }
  return ParseIs();
}

ExprPtr Parser::ParseIs() {
  size_t start = Mark();
  ExprPtr left = ParseComparison();
  while (Cur().Is("IS")) {
    Advance();
    auto e = NewExpr(ExprKind::kIsPredicate);
    e->negated = Accept("NOT");
    if (Accept("NULL")) {
      e->is_test = IsTest::kNull;
    } else if (Accept("TRUE")) {
      e->is_test = IsTest::kTrue;
    } else if (Accept("FALSE")) {
      e->is_test = IsTest::kFalse;
    } else if (Accept("UNKNOWN")) {
      e->is_test = IsTest::kUnknown;
    } else if (Accept("DISTINCT")) {
      Expect("FROM");
      e->is_test = IsTest::kDistinctFrom;
      e->args.reserve(3);
      e->args.push_back(std::move(left));
      e->args.push_back(ParseComparison());
      e->span = SpanFrom(start);
      left = std::move(e);
      continue;
    } else if (Accept("JSON")) {
      e->is_test = IsTest::kJson;
      for (std::string_view t : {"VALUE", "SCALAR", "ARRAY", "OBJECT"}) {
        if (Accept(t)) {
          e->detail->json_type = std::string(t);
          break;
        }
      }
    } else {
      FailExpected("NULL, TRUE, FALSE, UNKNOWN, DISTINCT FROM or JSON after IS");
    }
    e->args.reserve(3);
    e->args.push_back(std::move(left));
    e->span = SpanFrom(start);
    left = std::move(e);
  }
  return left;
}

ExprPtr Parser::ParseComparison() {
  size_t start = Mark();
  ExprPtr left = ParseRangePredicates();
  while (true) {
    const Token& t = Cur();
    if (t.kind != TokenKind::kPunct) break;
    std::string_view op = t.text;
    if (op != "=" && op != "<>" && op != "!=" && op != "<" && op != "<=" && op != ">" && op != ">=") break;
    Advance();
    if ((Cur().Is("ALL") || Cur().Is("ANY") || Cur().Is("SOME")) && Peek(1).IsPunct("(")) {
      auto e = NewExpr(ExprKind::kQuantified);
      e->op = std::string(op);
      e->detail->quantifier = Cur().Is("ALL")   ? Quantifier::kAll
                              : Cur().Is("ANY") ? Quantifier::kAny
                                                : Quantifier::kSome;
      Advance();
      ExpectPunct("(");
      e->args.reserve(3);
      e->args.push_back(std::move(left));
      e->detail->subquery = ParseQuery();
      ExpectPunct(")");
      e->span = SpanFrom(start);
      left = std::move(e);
      continue;
    }
    auto e = NewExpr(ExprKind::kBinary);
    e->op = std::string(op);
    e->args.reserve(3);
    e->args.push_back(std::move(left));
    e->args.push_back(ParseRangePredicates());
    e->span = SpanFrom(start);
    left = std::move(e);
  }
  return left;
}

ExprPtr Parser::ParseRangePredicates() {
  size_t start = Mark();
  ExprPtr left = ParseAdditive();
  while (true) {
    size_t save = Mark();
    bool negated = false;
    if (Cur().Is("NOT") &&
        (Peek(1).Is("BETWEEN") || Peek(1).Is("IN") || Peek(1).Is("LIKE") || Peek(1).Is("SIMILAR"))) {
      negated = true;
      Advance();
    }
    if (Accept("BETWEEN")) {
      auto e = NewExpr(ExprKind::kBetween);
      e->negated = negated;
      if (Accept("SYMMETRIC")) {
        e->symmetric = true;
      } else if (Accept("ASYMMETRIC")) {
        e->asymmetric = true;
      }
      e->args.reserve(3);
      e->args.push_back(std::move(left));
      e->args.push_back(ParseAdditive());
      Expect("AND");
      e->args.push_back(ParseAdditive());
      e->span = SpanFrom(start);
      left = std::move(e);
    } else if (Accept("IN")) {
      ExpectPunct("(");
      if (StartsQuery()) {
        auto e = NewExpr(ExprKind::kInSubquery);
        e->negated = negated;
        e->args.reserve(3);
        e->args.push_back(std::move(left));
        e->detail->subquery = ParseQuery();
        ExpectPunct(")");
        e->span = SpanFrom(start);
        left = std::move(e);
      } else {
        auto e = NewExpr(ExprKind::kInList);
        e->negated = negated;
        e->args.reserve(3);
        e->args.push_back(std::move(left));
        do {
          e->args.push_back(ParseExpr());
        } while (AcceptPunct(","));
        ExpectPunct(")");
        e->span = SpanFrom(start);
        left = std::move(e);
      }
    } else if (Cur().Is("LIKE") || (Cur().Is("SIMILAR") && Peek(1).Is("TO"))) {
      auto e = NewExpr(ExprKind::kLike);
      e->negated = negated;
      if (Accept("SIMILAR")) {
        Expect("TO");
        e->similar = true;
      } else {
        Advance();
      }
      e->args.reserve(3);
      e->args.push_back(std::move(left));
      e->args.push_back(ParseAdditive());
      if (Accept("ESCAPE")) e->args.push_back(ParseAdditive());
      e->span = SpanFrom(start);
      left = std::move(e);
    } else {
      i_ = save;
      break;
    }
  }
  return left;
}

ExprPtr Parser::ParseAdditive() {
  size_t start = Mark();
  ExprPtr left = ParseMultiplicative();
  while (Cur().IsPunct("+") || Cur().IsPunct("-")) {
    auto e = NewExpr(ExprKind::kBinary);
    e->op = std::string(Cur().text);
    Advance();
    e->args.reserve(3);
    e->args.push_back(std::move(left));
    e->args.push_back(ParseMultiplicative());
    e->span = SpanFrom(start);
    left = std::move(e);
  }
  return left;
}

ExprPtr Parser::ParseMultiplicative() {
  size_t start = Mark();
  ExprPtr left = ParseUnary();
  while (Cur().IsPunct("*") || Cur().IsPunct("/") || Cur().IsPunct("%") || Cur().IsPunct("||")) {
    auto e = NewExpr(ExprKind::kBinary);
    e->op = std::string(Cur().text);
    Advance();
    e->args.reserve(3);
    e->args.push_back(std::move(left));
    e->args.push_back(ParseUnary());
    e->span = SpanFrom(start);
    left = std::move(e);
  }
  return left;
}

ExprPtr Parser::ParseUnary() {
  size_t start = Mark();
  if (Cur().IsPunct("-") || Cur().IsPunct("+")) {
    std::string op(Cur().text);
    Advance();
    DepthGuard guard(this);
    auto e = NewExpr(ExprKind::kUnary);
    e->op = op;
    e->args.push_back(ParseUnary());
    e->span = SpanFrom(start);
    return e;
  }
  return ParsePostfix();
}

ExprPtr Parser::ParsePostfix() {
  size_t start = Mark();
  ExprPtr e = ParsePrimary();
  while (true) {
    if (AcceptPunct("[")) {
      auto s = NewExpr(ExprKind::kSubscript);
      s->args.push_back(std::move(e));
      s->args.push_back(ParseExpr());
      ExpectPunct("]");
      s->span = SpanFrom(start);
      e = std::move(s);
    } else if (Cur().IsPunct(".") && IsIdentifierToken(Peek(1)) &&
               (e->kind != ExprKind::kColumnRef || toks_[i_ - 1].IsPunct(")"))) {
      Advance();
      auto f = NewExpr(ExprKind::kFieldAccess);
      f->args.push_back(std::move(e));
      f->names.push_back(ParseIdentifier());
      f->span = SpanFrom(start);
      e = std::move(f);
    } else {
      break;
    }
  }
  return e;
}

ExprPtr Parser::MakeLiteral(LiteralKind kind, std::string text, size_t start) {
  auto e = NewExpr(ExprKind::kLiteral);
  e->literal.kind = kind;
  e->literal.text = std::move(text);
  e->span = SpanFrom(start);
  return e;
}

ExprPtr Parser::ParsePrimary() {
  size_t start = Mark();
  const Token& t = Cur();
  switch (t.kind) {
    case TokenKind::kInteger:
      Advance();
      return MakeLiteral(LiteralKind::kInteger, std::string(t.text), start);
    case TokenKind::kDecimal:
      Advance();
      return MakeLiteral(LiteralKind::kDecimal, std::string(t.text), start);
    case TokenKind::kApprox:
      Advance();
      return MakeLiteral(LiteralKind::kDouble, std::string(t.text), start);
    case TokenKind::kString: {
      std::string v = DecodeStringLiteral(t.text);
      Advance();
      // Adjacent literals concatenate ('a' 'b'), as in the SQL standard.
      while (Cur().kind == TokenKind::kString && Cur().line > toks_[i_ - 1].line) {
        v += DecodeStringLiteral(Cur().text);
        Advance();
      }
      return MakeLiteral(LiteralKind::kString, std::move(v), start);
    }
    case TokenKind::kUnicodeString: {
      std::string v = DecodeStringLiteral(t.text);
      Advance();
      return MakeLiteral(LiteralKind::kString, std::move(v), start);
    }
    case TokenKind::kBinaryString: {
      std::string v = DecodeStringLiteral(t.text);
      Advance();
      return MakeLiteral(LiteralKind::kBinary, std::move(v), start);
    }
    case TokenKind::kParam: {
      Advance();
      auto e = NewExpr(ExprKind::kParameter);
      e->span = SpanFrom(start);
      return e;
    }
    case TokenKind::kPunct:
      if (t.IsPunct("(")) {
        DepthGuard guard(this);
        Advance();
        if (StartsQuery()) {
          auto e = NewExpr(ExprKind::kScalarSubquery);
          e->detail->subquery = ParseQuery();
          ExpectPunct(")");
          e->span = SpanFrom(start);
          return e;
        }
        ExprPtr first = ParseExpr();
        if (Cur().IsPunct(",")) {
          auto row = NewExpr(ExprKind::kRow);
          row->implicit_row = true;
          row->args.push_back(std::move(first));
          while (AcceptPunct(",")) row->args.push_back(ParseExpr());
          ExpectPunct(")");
          row->span = SpanFrom(start);
          return row;
        }
        ExpectPunct(")");
        return first;
      }
      break;
    case TokenKind::kIdent:
    case TokenKind::kQuotedIdent:
      return ParseLiteralOrNameOrCall();
    default:
      break;
  }
  FailExpected("an expression");
  return MakeLiteral(LiteralKind::kNull, "", start);
}

namespace {
// Words that can never start an expression (unless called as a function, like LEFT(s, 2)).
bool NeverAnExpression(const Token& t) {
  static constexpr std::string_view kWords[] = {
      "SELECT", "FROM",  "WHERE", "GROUP", "HAVING", "ORDER",  "LIMIT",   "OFFSET", "UNION",  "INTERSECT",
      "EXCEPT", "MINUS", "JOIN",  "INNER", "CROSS",  "FULL",   "NATURAL", "ON",     "USING",  "WHEN",
      "THEN",   "ELSE",  "END",   "AND",   "OR",     "BY",     "AS",      "WITH",   "WINDOW", "BETWEEN",
      "LIKE",   "IS",    "IN",    "FETCH", "INTO",   "ESCAPE", "OVER",    "FILTER", "QUALIFY"};
  for (std::string_view w : kWords) {
    if (t.Is(w)) return true;
  }
  return false;
}
}  // namespace

ExprPtr Parser::ParseLiteralOrNameOrCall() {
  size_t start = Mark();
  const Token& t = Cur();
  if (t.kind == TokenKind::kIdent && t.keyword && NeverAnExpression(t) && !Peek(1).IsPunct("(")) {
    FailExpected("an expression");
    return MakeLiteral(LiteralKind::kNull, "", start);
  }
  if (t.kind == TokenKind::kIdent && t.keyword) {
    // Keyword-led forms.
    if (t.Is("NULL")) {
      Advance();
      return MakeLiteral(LiteralKind::kNull, "", start);
    }
    if (t.Is("TRUE")) {
      Advance();
      return MakeLiteral(LiteralKind::kTrue, "", start);
    }
    if (t.Is("FALSE")) {
      Advance();
      return MakeLiteral(LiteralKind::kFalse, "", start);
    }
    if (t.Is("UNKNOWN")) {
      Advance();
      return MakeLiteral(LiteralKind::kUnknown, "", start);
    }
    if ((t.Is("DATE") || t.Is("TIME") || t.Is("TIMESTAMP") || t.Is("TIMESTAMP_LTZ")) &&
        Peek(1).kind == TokenKind::kString) {
      LiteralKind k = t.Is("DATE")        ? LiteralKind::kDate
                      : t.Is("TIME")      ? LiteralKind::kTime
                      : t.Is("TIMESTAMP") ? LiteralKind::kTimestamp
                                          : LiteralKind::kTimestampLtz;
      Advance();
      std::string v = ParseStringValue();
      return MakeLiteral(k, std::move(v), start);
    }
    if (t.Is("TIMESTAMP") && Peek(1).Is("WITH") && Peek(2).Is("LOCAL") && Peek(3).Is("TIME") &&
        Peek(4).Is("ZONE") && Peek(5).kind == TokenKind::kString) {
      for (int k = 0; k < 5; ++k) Advance();
      std::string v = ParseStringValue();
      return MakeLiteral(LiteralKind::kTimestampLtz, std::move(v), start);
    }
    if (t.Is("INTERVAL")) return ParseInterval(start);
    if (t.Is("CASE")) return ParseCase(start);
    if (t.Is("CAST") && Peek(1).IsPunct("(")) return ParseCast(start, false);
    if (t.Is("TRY_CAST") && Peek(1).IsPunct("(")) return ParseCast(start, true);
    if (t.Is("EXISTS") && Peek(1).IsPunct("(")) {
      Advance();
      Advance();
      DepthGuard guard(this);
      auto e = NewExpr(ExprKind::kExists);
      e->detail->subquery = ParseQuery();
      ExpectPunct(")");
      e->span = SpanFrom(start);
      return e;
    }
    if (t.Is("NOT") && Peek(1).Is("EXISTS")) {
      Advance();
      auto e = NewExpr(ExprKind::kUnary);
      e->op = "NOT";
      e->args.push_back(ParseLiteralOrNameOrCall());
      e->span = SpanFrom(start);
      return e;
    }
    if ((t.Is("ARRAY") || t.Is("MAP")) && Peek(1).IsPunct("[")) {
      bool is_map = t.Is("MAP");
      Advance();
      Advance();
      DepthGuard guard(this);
      auto e = NewExpr(is_map ? ExprKind::kMap : ExprKind::kArray);
      if (!Cur().IsPunct("]")) e->args = ParseExprList();
      ExpectPunct("]");
      e->span = SpanFrom(start);
      return e;
    }
    if (t.Is("ROW") && Peek(1).IsPunct("(")) {
      Advance();
      Advance();
      DepthGuard guard(this);
      auto e = NewExpr(ExprKind::kRow);
      if (!Cur().IsPunct(")")) e->args = ParseExprList();
      ExpectPunct(")");
      e->span = SpanFrom(start);
      return e;
    }
    if (t.Is("DESCRIPTOR") && Peek(1).IsPunct("(")) {
      Advance();
      auto e = NewExpr(ExprKind::kDescriptor);
      e->names = ParseIdentifierList();
      e->span = SpanFrom(start);
      return e;
    }
    if (t.Is("TABLE") && IsIdentifierToken(Peek(1))) {
      Advance();
      auto e = NewExpr(ExprKind::kTableArg);
      ObjectName n = ParseObjectName();
      e->names = std::move(n.parts);
      if (Accept("PARTITION")) {
        Expect("BY");
        if (Cur().IsPunct("(")) {
          Advance();
          e->args = ParseExprList();
          ExpectPunct(")");
        } else {
          e->args.push_back(ParseAdditive());
        }
      }
      if (Cur().Is("ORDER") && Peek(1).Is("BY")) {
        Advance();
        Advance();
        e->detail->table_order_by = ParseOrderByList();
      }
      e->span = SpanFrom(start);
      return e;
    }
    if ((t.Is("RUNNING") || t.Is("FINAL")) && Peek(1).kind == TokenKind::kIdent && Peek(2).IsPunct("(")) {
      std::string prefix = ToUpper(t.text);
      Advance();
      ExprPtr call = ParseLiteralOrNameOrCall();
      call->detail->prefix = prefix;
      call->span = SpanFrom(start);
      return call;
    }
    static constexpr std::string_view kNiladic[] = {
        "CURRENT_TIMESTAMP", "CURRENT_DATE",          "CURRENT_TIME",    "LOCALTIME",        "LOCALTIMESTAMP",
        "CURRENT_USER",      "CURRENT_ROW_TIMESTAMP", "CURRENT_CATALOG", "CURRENT_DATABASE", "NOW",
        "PROCTIME"};
    if (!Peek(1).IsPunct("(") && !Peek(1).IsPunct(".")) {
      for (std::string_view n : kNiladic) {
        if (t.Is(n) && n != "NOW" && n != "PROCTIME" && n != "CURRENT_ROW_TIMESTAMP") {
          Advance();
          auto e = NewExpr(ExprKind::kFunction);
          e->detail->syntax = FunctionSyntax::kNiladic;
          Identifier id;
          id.name = std::string(n);
          id.span = TokenSpan(t);
          e->detail->function_name.parts.push_back(std::move(id));
          e->span = SpanFrom(start);
          return e;
        }
      }
    }
  }
  // A name: a.b.c, possibly a call or t.*
  ObjectName name;
  name.parts.reserve(2);
  name.parts.push_back(ParseIdentifier());
  while (Cur().IsPunct(".")) {
    if (IsIdentifierToken(Peek(1))) {
      Advance();
      name.parts.push_back(ParseIdentifier());
    } else if (Peek(1).IsPunct("*")) {
      Advance();
      Advance();
      auto e = NewExpr(ExprKind::kStar);
      e->names = std::move(name.parts);
      e->span = SpanFrom(start);
      return e;
    } else {
      break;
    }
  }
  name.span = SpanFrom(start);
  if (Cur().IsPunct("(")) return ParseFunctionCall(std::move(name), start);
  auto e = NewExpr(ExprKind::kColumnRef);
  e->names = std::move(name.parts);
  e->span = SpanFrom(start);
  return e;
}

std::vector<ExprPtr> Parser::ParseExprList() {
  std::vector<ExprPtr> out;
  do {
    out.push_back(ParseExpr());
  } while (AcceptPunct(","));
  return out;
}

ExprPtr Parser::ParseFunctionCall(ObjectName name, size_t start) {
  DepthGuard guard(this);
  std::string upper = name.parts.size() == 1 && !name.parts[0].quoted ? ToUpper(name.parts[0].name) : "";
  bool handled = false;
  ExprPtr special = ParseSpecialCall(upper, name, start, &handled);
  if (handled) return special;
  ExpectPunct("(");
  auto e = NewExpr(ExprKind::kFunction);
  e->detail->function_name = std::move(name);
  if (Accept("DISTINCT")) {
    e->detail->distinct = true;
  } else if (Cur().Is("ALL") && !Peek(1).IsPunct(")") && !Peek(1).IsPunct(",")) {
    Advance();
    e->detail->all_qualifier = true;
  }
  if (Cur().IsPunct("*")) {  // COUNT(*): the only place `*` is an argument
    Advance();
    e->detail->star_arg = true;
  } else if (!Cur().IsPunct(")")) {
    e->args.reserve(4);
    bool named = false;
    do {
      if (IsIdentifierToken(Cur()) && Peek(1).IsPunct("=>")) {
        named = true;
        e->detail->arg_names.resize(e->args.size());
        e->detail->arg_names.push_back(ParseIdentifier().name);
        Advance();
      } else if (named) {
        e->detail->arg_names.emplace_back();
      }
      e->args.push_back(ParseExpr());
    } while (AcceptPunct(","));
  }
  ExpectPunct(")");
  if (Cur().Is("WITHIN") && Peek(1).Is("GROUP")) {
    Advance();
    Advance();
    ExpectPunct("(");
    Expect("ORDER");
    Expect("BY");
    e->detail->within_group = ParseOrderByList();
    ExpectPunct(")");
  }
  if (Cur().Is("FILTER") && Peek(1).IsPunct("(")) {
    Advance();
    Advance();
    Expect("WHERE");
    e->detail->filter = ParseExpr();
    ExpectPunct(")");
  }
  if (Accept("OVER")) {
    if (AcceptPunct("(")) {
      e->detail->over = ParseWindowSpecBody();
    } else {
      e->detail->over = std::make_unique<WindowSpec>();
      e->detail->over->parenthesized = false;
      e->detail->over->reference = ParseIdentifier();
    }
  }
  e->span = SpanFrom(start);
  return e;
}

ExprPtr Parser::ParseSpecialCall(const std::string& upper_name, ObjectName& name, size_t start,
                                 bool* handled) {
  const std::string_view upper = upper_name;  // compares with literals without strlen
  // Only names starting with these letters have their own call syntax.
  bool initial = false;
  switch (upper.empty() ? ' ' : upper[0]) {
    case 'C':
    case 'E':
    case 'F':
    case 'J':
    case 'O':
    case 'P':
    case 'S':
    case 'T':
      initial = true;
      break;
    default:
      break;
  }
  // Exactly the names the branches below handle: other calls allocate nothing here.
  static constexpr std::string_view kSpecialNames[] = {
      "EXTRACT",     "POSITION",    "TRIM",         "SUBSTRING",      "OVERLAY",      "FLOOR",
      "CEIL",        "CEILING",     "TIMESTAMPADD", "TIMESTAMPDIFF",  "JSON_VALUE",   "JSON_QUERY",
      "JSON_EXISTS", "JSON_OBJECT", "JSON_ARRAY",   "JSON_OBJECTAGG", "JSON_ARRAYAGG"};
  if (upper.size() < 4 || !initial ||
      std::find(std::begin(kSpecialNames), std::end(kSpecialNames), upper) == std::end(kSpecialNames)) {
    *handled = false;
    return nullptr;
  }
  *handled = true;
  auto e = NewExpr(ExprKind::kFunction);
  if (upper == "EXTRACT") {
    e->detail->syntax = FunctionSyntax::kExtract;
    e->detail->function_name = std::move(name);
    ExpectPunct("(");
    if (!ParseTimeUnit(&e->detail->unit, nullptr)) FailExpected("a time unit");
    Expect("FROM");
    e->args.push_back(ParseExpr());
    ExpectPunct(")");
  } else if (upper == "POSITION" && !Peek(1).IsPunct(")")) {
    // POSITION(a IN b): parse the needle below IN precedence.
    e->detail->syntax = FunctionSyntax::kPosition;
    e->detail->function_name = std::move(name);
    ExpectPunct("(");
    e->args.push_back(ParseAdditive());
    if (Accept("IN")) {
      e->args.push_back(ParseExpr());
    } else {
      e->detail->syntax = FunctionSyntax::kPlain;
      while (AcceptPunct(",")) e->args.push_back(ParseExpr());
    }
    ExpectPunct(")");
  } else if (upper == "TRIM") {
    e->detail->syntax = FunctionSyntax::kTrim;
    e->detail->function_name = std::move(name);
    ExpectPunct("(");
    for (std::string_view spec : {"BOTH", "LEADING", "TRAILING"}) {
      if (Accept(spec)) {
        e->detail->trim_spec = std::string(spec);
        break;
      }
    }
    ExprPtr chars;
    ExprPtr value;
    if (Accept("FROM")) {
      e->detail->trim_has_from = true;
      value = ParseExpr();
    } else {
      ExprPtr first = ParseExpr();
      if (Accept("FROM")) {
        e->detail->trim_has_from = true;
        chars = std::move(first);
        value = ParseExpr();
      } else {
        value = std::move(first);
      }
    }
    e->args.push_back(std::move(value));
    if (chars) e->args.push_back(std::move(chars));
    ExpectPunct(")");
  } else if (upper == "SUBSTRING" || upper == "OVERLAY") {
    e->detail->function_name = std::move(name);
    ExpectPunct("(");
    e->args.push_back(ParseExpr());
    if (upper == "OVERLAY") {
      e->detail->syntax = FunctionSyntax::kOverlay;
      Expect("PLACING");
      e->args.push_back(ParseExpr());
      Expect("FROM");
      e->args.push_back(ParseExpr());
      if (Accept("FOR")) e->args.push_back(ParseExpr());
    } else if (Accept("FROM")) {
      e->detail->syntax = FunctionSyntax::kSubstring;
      e->args.push_back(ParseExpr());
      if (Accept("FOR")) e->args.push_back(ParseExpr());
    } else {
      while (AcceptPunct(",")) e->args.push_back(ParseExpr());
    }
    ExpectPunct(")");
  } else if ((upper == "FLOOR" || upper == "CEIL" || upper == "CEILING")) {
    e->detail->function_name = std::move(name);
    ExpectPunct("(");
    e->args.push_back(ParseExpr());
    if (Accept("TO")) {
      e->detail->syntax = FunctionSyntax::kFloorCeilTo;
      if (!ParseTimeUnit(&e->detail->unit, nullptr)) FailExpected("a time unit");
    }
    ExpectPunct(")");
  } else if (upper == "TIMESTAMPADD" || upper == "TIMESTAMPDIFF") {
    e->detail->syntax = FunctionSyntax::kUnitFirst;
    e->detail->function_name = std::move(name);
    ExpectPunct("(");
    if (!ParseTimeUnit(&e->detail->unit, nullptr)) FailExpected("a time unit");
    while (AcceptPunct(",")) e->args.push_back(ParseExpr());
    ExpectPunct(")");
  } else if (upper == "JSON_VALUE" || upper == "JSON_QUERY" || upper == "JSON_EXISTS" ||
             upper == "JSON_OBJECT" || upper == "JSON_ARRAY" || upper == "JSON_OBJECTAGG" ||
             upper == "JSON_ARRAYAGG") {
    e->detail->syntax = FunctionSyntax::kJson;
    e->detail->function_name = std::move(name);
    ExpectPunct("(");
    bool object = upper == "JSON_OBJECT" || upper == "JSON_OBJECTAGG";
    e->detail->json_pairs = object;
    auto at_behavior = [&]() {
      return Cur().Is("NULL") || Cur().Is("ABSENT") || Cur().Is("RETURNING") || Cur().Is("WITH") ||
             Cur().Is("WITHOUT") || Cur().Is("ERROR") || Cur().Is("EMPTY") || Cur().Is("DEFAULT") ||
             Cur().Is("TRUE") || Cur().Is("FALSE") || Cur().Is("UNKNOWN");
    };
    if (!Cur().IsPunct(")") && !(at_behavior() && Peek(1).Is("ON"))) {
      do {
        if (object) {
          bool key_kw = Accept("KEY");
          e->detail->json_key_keyword.push_back(key_kw);
          e->args.push_back(ParseAdditive());
          Expect("VALUE");
          e->args.push_back(ParseExpr());
        } else {
          e->args.push_back(ParseExpr());
        }
      } while (AcceptPunct(","));
    }
    ParseJsonTail(e.get());
    ExpectPunct(")");
    if (upper == "JSON_OBJECTAGG" || upper == "JSON_ARRAYAGG") {
      if (Cur().Is("FILTER") && Peek(1).IsPunct("(")) {
        Advance();
        Advance();
        Expect("WHERE");
        e->detail->filter = ParseExpr();
        ExpectPunct(")");
      }
      if (Accept("OVER")) {
        ExpectPunct("(");
        e->detail->over = ParseWindowSpecBody();
      }
    }
  } else {
    *handled = false;
    return nullptr;
  }
  e->span = SpanFrom(start);
  return e;
}

void Parser::ParseJsonTail(Expr* call) {
  while (!failed() && !Cur().IsPunct(")") && !AtEnd()) {
    if (Accept("RETURNING")) {
      call->detail->cast_type = ParseType();
      call->detail->has_returning = true;
      continue;
    }
    if (Cur().Is("WITHOUT") || (Cur().Is("WITH") && !Peek(1).Is("ORDINALITY"))) {
      std::string w = ToUpper(Cur().text);
      Advance();
      for (std::string_view kw : {"CONDITIONAL", "UNCONDITIONAL", "ARRAY"}) {
        if (Accept(kw)) w += " " + std::string(kw);
      }
      if (Accept("ARRAY")) w += " ARRAY";
      Expect("WRAPPER");
      w += " WRAPPER";
      call->detail->json_wrapper = w;
      continue;
    }
    JsonBehavior b;
    if (Accept("DEFAULT")) {
      b.keyword = "DEFAULT";
      b.default_value = ParseAdditive();
    } else if (Accept("EMPTY")) {
      if (Accept("ARRAY")) {
        b.keyword = "EMPTY ARRAY";
      } else if (Accept("OBJECT")) {
        b.keyword = "EMPTY OBJECT";
      } else {
        FailExpected("ARRAY or OBJECT after EMPTY");
      }
    } else {
      bool found = false;
      for (std::string_view kw : {"NULL", "ERROR", "TRUE", "FALSE", "UNKNOWN", "ABSENT"}) {
        if (Accept(kw)) {
          b.keyword = std::string(kw);
          found = true;
          break;
        }
      }
      if (!found) {
        FailExpected("')' or a JSON ON EMPTY / ON ERROR / ON NULL clause");
        return;
      }
    }
    Expect("ON");
    for (std::string_view kw : {"EMPTY", "ERROR", "NULL"}) {
      if (Accept(kw)) {
        b.target = std::string(kw);
        break;
      }
    }
    if (b.target.empty()) FailExpected("EMPTY, ERROR or NULL after ON");
    call->detail->json_behaviors.push_back(std::move(b));
  }
}

ExprPtr Parser::ParseCase(size_t start) {
  Advance();  // CASE
  DepthGuard guard(this);
  auto e = NewExpr(ExprKind::kCase);
  if (Cur().Is("END")) FailExpected("WHEN");
  if (!Cur().Is("WHEN")) {
    e->args.push_back(ParseExpr());
  } else {
    e->args.push_back(nullptr);
  }
  if (!Cur().Is("WHEN")) FailExpected("WHEN");
  while (Accept("WHEN")) {
    e->args.push_back(ParseExpr());
    Expect("THEN");
    e->args.push_back(ParseExpr());
  }
  if (Accept("ELSE")) e->detail->else_expr = ParseExpr();
  Expect("END");
  e->span = SpanFrom(start);
  return e;
}

ExprPtr Parser::ParseCast(size_t start, bool try_cast) {
  Advance();
  Advance();
  DepthGuard guard(this);
  auto e = NewExpr(ExprKind::kCast);
  e->try_cast = try_cast;
  e->args.push_back(ParseExpr());
  Expect("AS");
  e->detail->cast_type = ParseType();
  ExpectPunct(")");
  e->span = SpanFrom(start);
  return e;
}

IntervalQualifier Parser::ParseIntervalQualifier() {
  IntervalQualifier q;
  bool plural = false;
  if (!ParseTimeUnit(&q.start, &plural)) {
    FailExpected("an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, ...)");
    return q;
  }
  q.plural = plural;
  if (AcceptPunct("(")) {
    q.start_precision = static_cast<int>(ParseIntegerValue());
    if (q.start == TimeUnit::kSecond && AcceptPunct(","))
      q.fractional_precision = static_cast<int>(ParseIntegerValue());
    ExpectPunct(")");
  }
  if (Accept("TO")) {
    if (!ParseTimeUnit(&q.end, nullptr)) FailExpected("an interval unit after TO");
    if (q.end == TimeUnit::kSecond && AcceptPunct("(")) {
      q.fractional_precision = static_cast<int>(ParseIntegerValue());
      ExpectPunct(")");
    }
  }
  return q;
}

ExprPtr Parser::ParseInterval(size_t start) {
  Advance();  // INTERVAL
  auto e = NewExpr(ExprKind::kInterval);
  if (AcceptPunct("-")) {
    e->negated = true;
  } else {
    AcceptPunct("+");
  }
  if (Cur().kind == TokenKind::kString) {
    e->literal.kind = LiteralKind::kString;
    e->literal.text = ParseStringValue();
  } else if (Cur().kind == TokenKind::kInteger || Cur().kind == TokenKind::kDecimal) {
    e->literal.kind = LiteralKind::kInteger;  // INTERVAL 5 SECOND (unquoted, accepted by Flink)
    e->literal.text = std::string(Cur().text);
    Advance();
  } else {
    FailExpected("an interval value such as '5'");
  }
  e->detail->interval = ParseIntervalQualifier();
  e->span = SpanFrom(start);
  return e;
}

FrameBound Parser::ParseFrameBound() {
  FrameBound b;
  if (Accept("UNBOUNDED")) {
    if (Accept("PRECEDING")) {
      b.kind = FrameBoundKind::kUnboundedPreceding;
    } else {
      Expect("FOLLOWING");
      b.kind = FrameBoundKind::kUnboundedFollowing;
    }
  } else if (Accept("CURRENT")) {
    Expect("ROW");
    b.kind = FrameBoundKind::kCurrentRow;
  } else {
    b.offset = ParseAdditive();
    if (Accept("PRECEDING")) {
      b.kind = FrameBoundKind::kPreceding;
    } else {
      Expect("FOLLOWING");
      b.kind = FrameBoundKind::kFollowing;
    }
  }
  return b;
}

std::unique_ptr<WindowSpec> Parser::ParseWindowSpecBody() {
  size_t start = Mark() - 1;
  auto w = std::make_unique<WindowSpec>();
  if (IsIdentifierToken(Cur()) && !Cur().Is("PARTITION") && !Cur().Is("ORDER") && !Cur().Is("ROWS") &&
      !Cur().Is("RANGE")) {
    w->reference = ParseIdentifier();
  }
  if (Accept("PARTITION")) {
    Expect("BY");
    w->partition_by = ParseExprList();
  }
  if (Accept("ORDER")) {
    Expect("BY");
    w->order_by = ParseOrderByList();
  }
  if (Cur().Is("ROWS") || Cur().Is("RANGE")) {
    w->frame_unit = Cur().Is("ROWS") ? FrameUnit::kRows : FrameUnit::kRange;
    Advance();
    if (Accept("BETWEEN")) {
      w->frame_between = true;
      w->frame_start = ParseFrameBound();
      Expect("AND");
      w->frame_end = ParseFrameBound();
    } else {
      w->frame_start = ParseFrameBound();
    }
  }
  ExpectPunct(")");
  w->span = SpanFrom(start);
  return w;
}

std::vector<OrderItem> Parser::ParseOrderByList() {
  std::vector<OrderItem> items;
  do {
    size_t start = Mark();
    OrderItem item;
    item.expr = ParseExpr();
    if (Accept("ASC")) {
      item.explicit_direction = true;
    } else if (Accept("DESC")) {
      item.explicit_direction = true;
      item.descending = true;
    }
    if (Accept("NULLS")) {
      if (Accept("FIRST")) {
        item.nulls = 1;
      } else {
        Expect("LAST");
        item.nulls = 2;
      }
    }
    item.span = SpanFrom(start);
    items.push_back(std::move(item));
  } while (AcceptPunct(","));
  return items;
}

// ---------------------------------------------------------------------------------------------
// Types

DataType Parser::ParseType() {
  DataType t = ParseTypeNoNullability();
  // Postfix collection forms: INT ARRAY, STRING MULTISET.
  while (Cur().Is("ARRAY") || Cur().Is("MULTISET")) {
    bool array = Cur().Is("ARRAY");
    Advance();
    t = array ? DataType::Array(std::move(t))
              : DataType{TypeRoot::kMultiset,  true,           0,  0,  IntervalResolution::kSecond,
                         TimeAttribute::kNone, {std::move(t)}, {}, {}, {}};
  }
  if (Cur().Is("NOT") && Peek(1).Is("NULL")) {
    Advance();
    Advance();
    t.nullable = false;
  } else if (Cur().Is("NULL")) {
    Advance();
    t.nullable = true;
  }
  return t;
}

DataType Parser::ParseTypeNoNullability() {
  DepthGuard guard(this);
  const Token& t = Cur();
  if (t.kind != TokenKind::kIdent) {
    FailExpected("a data type");
    return DataType::Null();
  }
  const std::string upper_name = ToUpper(t.text);
  const std::string_view name = upper_name;  // compares with literals without strlen
  const Token type_token = t;
  Advance();
  auto opt_len = [&](int def) -> int {
    if (AcceptPunct("(")) {
      int64_t v = ParseIntegerValue();
      ExpectPunct(")");
      if (v < 0 || v > kMaxVarCharLength) Fail(type_token, "length out of range");
      return static_cast<int>(v);
    }
    return def;
  };
  if (name == "CHAR" || name == "CHARACTER") {
    if (Accept("VARYING")) return DataType::VarChar(opt_len(kMaxVarCharLength));
    return DataType::Char(opt_len(1));
  }
  if (name == "VARCHAR") return DataType::VarChar(opt_len(kMaxVarCharLength));
  if (name == "STRING") return DataType::String();
  if (name == "BOOLEAN") return DataType::Boolean();
  if (name == "BINARY") {
    if (Accept("VARYING")) {
      DataType d = DataType::Bytes();
      d.precision = opt_len(kMaxVarCharLength);
      return d;
    }
    DataType d = DataType::Of(TypeRoot::kBinary);
    d.precision = opt_len(1);
    return d;
  }
  if (name == "VARBINARY") {
    DataType d = DataType::Bytes();
    d.precision = opt_len(kMaxVarCharLength);
    return d;
  }
  if (name == "BYTES") return DataType::Bytes();
  if (name == "DECIMAL" || name == "DEC" || name == "NUMERIC") {
    int p = 10, s = 0;
    if (AcceptPunct("(")) {
      p = static_cast<int>(ParseIntegerValue());
      if (AcceptPunct(",")) s = static_cast<int>(ParseIntegerValue());
      ExpectPunct(")");
    }
    if (p < 1 || p > kMaxDecimalPrecision || s < 0 || s > p) {
      Fail(type_token,
           fmt::format("invalid DECIMAL({}, {}): precision must be 1..38 and scale 0..precision", p, s));
    }
    return DataType::Decimal(p, s);
  }
  if (name == "TINYINT") return DataType::Of(TypeRoot::kTinyInt);
  if (name == "SMALLINT") return DataType::Of(TypeRoot::kSmallInt);
  if (name == "INT" || name == "INTEGER") return DataType::Int();
  if (name == "BIGINT") return DataType::BigInt();
  if (name == "FLOAT" || name == "REAL") return DataType::Of(TypeRoot::kFloat);
  if (name == "DOUBLE") {
    Accept("PRECISION");
    return DataType::Double();
  }
  if (name == "DATE") return DataType::Date();
  if (name == "TIME") {
    int p = opt_len(0);
    if (Cur().Is("WITHOUT")) {
      Advance();
      Expect("TIME");
      Expect("ZONE");
    }
    return DataType::Time(p);
  }
  if (name == "TIMESTAMP") {
    int p = opt_len(6);
    if (Cur().Is("WITHOUT")) {
      Advance();
      Expect("TIME");
      Expect("ZONE");
    } else if (Cur().Is("WITH") && Peek(1).Is("LOCAL")) {
      Advance();
      Advance();
      Expect("TIME");
      Expect("ZONE");
      return DataType::TimestampLtz(p);
    }
    return DataType::Timestamp(p);
  }
  if (name == "TIMESTAMP_LTZ") return DataType::TimestampLtz(opt_len(6));
  if (name == "INTERVAL") {
    IntervalQualifier q = ParseIntervalQualifier();
    auto res = [&]() -> IntervalResolution {
      using U = TimeUnit;
      switch (q.start) {
        case U::kYear:
          return q.end == U::kMonth ? IntervalResolution::kYearToMonth : IntervalResolution::kYear;
        case U::kMonth:
          return IntervalResolution::kMonth;
        case U::kDay:
          return q.end == U::kHour     ? IntervalResolution::kDayToHour
                 : q.end == U::kMinute ? IntervalResolution::kDayToMinute
                 : q.end == U::kSecond ? IntervalResolution::kDayToSecond
                                       : IntervalResolution::kDay;
        case U::kHour:
          return q.end == U::kMinute   ? IntervalResolution::kHourToMinute
                 : q.end == U::kSecond ? IntervalResolution::kHourToSecond
                                       : IntervalResolution::kHour;
        case U::kMinute:
          return q.end == U::kSecond ? IntervalResolution::kMinuteToSecond : IntervalResolution::kMinute;
        default:
          return IntervalResolution::kSecond;
      }
    }();
    return DataType::Interval(
        res, q.start_precision >= 0 ? q.start_precision : (q.start == TimeUnit::kSecond ? 6 : 2),
        q.fractional_precision >= 0 ? q.fractional_precision : 6);
  }
  if (name == "ARRAY" || name == "MULTISET") {
    ExpectPunct("<");
    DataType elem = ParseType();
    ExpectPunct(">");
    if (name == "ARRAY") return DataType::Array(std::move(elem));
    DataType m = DataType::Of(TypeRoot::kMultiset);
    m.children.push_back(std::move(elem));
    return m;
  }
  if (name == "MAP") {
    ExpectPunct("<");
    DataType k = ParseType();
    ExpectPunct(",");
    DataType v = ParseType();
    ExpectPunct(">");
    return DataType::Map(std::move(k), std::move(v));
  }
  if (name == "ROW") {
    std::string close;
    if (AcceptPunct("<")) {
      close = ">";
    } else if (AcceptPunct("(")) {
      close = ")";
    } else {
      FailExpected("'<' or '(' after ROW");
      return DataType::Null();
    }
    std::vector<std::string> names;
    std::vector<DataType> fields;
    std::vector<std::string> comments;
    bool any_comment = false;
    if (!Cur().IsPunct(close)) {
      do {
        names.push_back(ParseIdentifier().name);
        fields.push_back(ParseType());
        if (Cur().kind == TokenKind::kString) {
          comments.push_back(ParseStringValue());
          any_comment = true;
        } else {
          comments.emplace_back();
        }
      } while (AcceptPunct(","));
    }
    ExpectPunct(close);
    DataType r = DataType::Row(std::move(names), std::move(fields));
    if (any_comment) r.field_comments = std::move(comments);
    return r;
  }
  if (name == "RAW") {
    DataType r = DataType::Of(TypeRoot::kRaw);
    r.raw_name = "RAW";
    if (AcceptPunct("(")) {
      r.raw_name += "(";
      bool first = true;
      while (Cur().kind == TokenKind::kString) {
        if (!first) r.raw_name += ", ";
        r.raw_name += std::string(Cur().text);
        Advance();
        first = false;
        if (!AcceptPunct(",")) break;
      }
      ExpectPunct(")");
      r.raw_name += ")";
    }
    return r;
  }
  if (name == "NULL") return DataType::Null();
  Fail(t, fmt::format("unknown data type '{}'", t.text));
  return DataType::Null();
}

}  // namespace flinkdbt::sql::internal
