#include "sql/lexer.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "flinkdbt/base/status.h"
#include "fmt/format.h"

namespace flinkdbt::sql {
namespace {

// Calcite (and so Flink) counts '$' as a letter: `$rowtime` may be written without backticks.
constexpr bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}
constexpr bool IsIdentPart(unsigned char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }
inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  absl::Status Run(std::vector<Token>* out) {
    std::vector<Token>& tokens = *out;
    tokens.clear();
    tokens.reserve(sql_.size() / 4 + 2);
    while (true) {
      absl::Status s = SkipSpaceAndComments();
      if (!s.ok()) return s;
      // Built in place: copying a freshly written Token into the vector stalls on store forwarding.
      Token& t = tokens.emplace_back();
      t.begin = static_cast<uint32_t>(pos_);
      t.line = line_;
      t.column = Column();
      if (pos_ >= sql_.size()) {
        t.kind = TokenKind::kEnd;
        t.end = t.begin;
        return absl::OkStatus();
      }
      s = Next(&t);
      if (!s.ok()) return s;
      t.end = static_cast<uint32_t>(pos_);
      t.text = sql_.substr(t.begin, t.end - t.begin);
    }
  }

 private:
  int Column() const { return static_cast<int>(pos_ - line_start_) + 1 - continuation_bytes_; }

  absl::Status Error(size_t at, int line, int column, std::string_view message) {
    SourceLocation loc{"", line, column};
    absl::Status s = InvalidInputError(loc, fmt::format("syntax error: {}", message));
    s.SetPayload("flinkdbt.sql.offset", absl::Cord(std::to_string(at)));
    return s;
  }

  // Advances over one byte, tracking lines and code-point columns.
  inline void Advance() {
    unsigned char c = static_cast<unsigned char>(sql_[pos_]);
    ++pos_;
    if (c == '\n') {
      ++line_;
      line_start_ = pos_;
      continuation_bytes_ = 0;
    } else if ((c & 0xC0) == 0x80) {
      ++continuation_bytes_;
    }
  }

  absl::Status SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      char c = sql_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n' || c == '\f' || c == '\v') {
        Advance();
      } else if (c == '-' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '-') {
        while (pos_ < sql_.size() && sql_[pos_] != '\n') Advance();
      } else if (c == '/' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '*' &&
                 !(pos_ + 2 < sql_.size() && sql_[pos_ + 2] == '+')) {
        int line = line_, col = Column();
        size_t start = pos_;
        Advance();
        Advance();
        bool closed = false;
        while (pos_ < sql_.size()) {
          if (sql_[pos_] == '*' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '/') {
            Advance();
            Advance();
            closed = true;
            break;
          }
          Advance();
        }
        if (!closed) return Error(start, line, col, "unterminated comment");
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status Quoted(Token* t, char quote, TokenKind kind, std::string_view what) {
    Advance();  // opening quote
    while (pos_ < sql_.size()) {
      if (sql_[pos_] == quote) {
        if (pos_ + 1 < sql_.size() && sql_[pos_ + 1] == quote) {
          Advance();
          Advance();
          continue;
        }
        Advance();
        t->kind = kind;
        return absl::OkStatus();
      }
      Advance();
    }
    return Error(t->begin, t->line, t->column, fmt::format("unterminated {}", what));
  }

  absl::Status Next(Token* t) {
    unsigned char c = static_cast<unsigned char>(sql_[pos_]);
    if ((c == 'x' || c == 'X') && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '\'') {
      Advance();
      return Quoted(t, '\'', TokenKind::kBinaryString, "binary string literal");
    }
    if ((c == 'u' || c == 'U') && pos_ + 2 < sql_.size() && sql_[pos_ + 1] == '&' && sql_[pos_ + 2] == '\'') {
      Advance();
      Advance();
      return Quoted(t, '\'', TokenKind::kUnicodeString, "string literal");
    }
    if ((c == 'n' || c == 'N') && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '\'') {
      Advance();  // N'national' strings are plain strings in Flink
      absl::Status s = Quoted(t, '\'', TokenKind::kString, "string literal");
      return s;
    }
    if (IsIdentStart(c)) {
      // Identifiers hold no newlines: scan in a tight loop, then account for multi-byte characters.
      static constexpr std::array<bool, 256> kPart = [] {
        std::array<bool, 256> t{};
        for (int ch = 0; ch < 256; ++ch) t[ch] = IsIdentPart(static_cast<unsigned char>(ch));
        return t;
      }();
      size_t end = pos_;
      unsigned char high = 0;
      const unsigned char* bytes = reinterpret_cast<const unsigned char*>(sql_.data());
      while (end < sql_.size() && kPart[bytes[end]]) high |= bytes[end++];
      if (high & 0x80) {
        for (size_t k = pos_; k < end; ++k) continuation_bytes_ += (bytes[k] & 0xC0) == 0x80;
      }
      pos_ = end;
      t->kind = TokenKind::kIdent;
      t->keyword = IsParserKeyword(sql_.substr(t->begin, pos_ - t->begin), &t->upper8);
      return absl::OkStatus();
    }
    if (IsDigit(c) || (c == '.' && pos_ + 1 < sql_.size() && IsDigit(sql_[pos_ + 1]))) {
      bool point = false, exp = false;
      while (pos_ < sql_.size() && IsDigit(sql_[pos_])) Advance();
      if (pos_ < sql_.size() && sql_[pos_] == '.') {
        point = true;
        Advance();
        while (pos_ < sql_.size() && IsDigit(sql_[pos_])) Advance();
      }
      if (pos_ < sql_.size() && (sql_[pos_] == 'e' || sql_[pos_] == 'E')) {
        size_t save = pos_;
        size_t p = pos_ + 1;
        if (p < sql_.size() && (sql_[p] == '+' || sql_[p] == '-')) ++p;
        if (p < sql_.size() && IsDigit(sql_[p])) {
          exp = true;
          while (pos_ < p) Advance();
          while (pos_ < sql_.size() && IsDigit(sql_[pos_])) Advance();
        } else {
          pos_ = save;
        }
      }
      if (pos_ < sql_.size() && IsIdentStart(static_cast<unsigned char>(sql_[pos_])) && !exp) {
        // 10MINUTES and the like are not numbers; let the parser complain about the word.
      }
      t->kind = exp ? TokenKind::kApprox : point ? TokenKind::kDecimal : TokenKind::kInteger;
      return absl::OkStatus();
    }
    switch (c) {
      case '\'':
        return Quoted(t, '\'', TokenKind::kString, "string literal");
      case '`':
        return Quoted(t, '`', TokenKind::kQuotedIdent, "quoted identifier");
      case '"':
        return Error(t->begin, t->line, t->column,
                     "double-quoted identifiers are not Flink SQL; quote identifiers with backticks (`name`) "
                     "and strings with single quotes");
      case '/':
        if (pos_ + 2 < sql_.size() && sql_[pos_ + 1] == '*' && sql_[pos_ + 2] == '+') {
          Advance();
          Advance();
          Advance();
          while (pos_ < sql_.size()) {
            if (sql_[pos_] == '*' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '/') {
              Advance();
              Advance();
              t->kind = TokenKind::kHint;
              return absl::OkStatus();
            }
            Advance();
          }
          return Error(t->begin, t->line, t->column, "unterminated hint comment");
        }
        break;
      case '?':
        Advance();
        t->kind = TokenKind::kParam;
        return absl::OkStatus();
      default:
        break;
    }
    // Operators: longest match first (<> <= >= != || => ::).
    if (pos_ + 1 < sql_.size()) {
      char d = sql_[pos_ + 1];
      bool two = (c == '<' && (d == '>' || d == '=')) || (c == '>' && d == '=') || (c == '!' && d == '=') ||
                 (c == '|' && d == '|') || (c == '=' && d == '>') || (c == ':' && d == ':');
      if (two) {
        pos_ += 2;
        t->kind = TokenKind::kPunct;
        return absl::OkStatus();
      }
    }
    static constexpr std::array<bool, 256> kOne = [] {
      std::array<bool, 256> t{};
      for (char ch : std::string_view("+-*/%=<>()[],.;:{}^|&~")) t[static_cast<unsigned char>(ch)] = true;
      return t;
    }();
    if (kOne[c]) {
      Advance();
      t->kind = TokenKind::kPunct;
      return absl::OkStatus();
    }
    return Error(t->begin, t->line, t->column,
                 fmt::format("unexpected character '{}'", static_cast<char>(c)));
  }

  std::string_view sql_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  int continuation_bytes_ = 0;
};

// Every upper-case word the parser passes to Token::Is/Accept/Expect (parser_expr.cc,
// parser_query.cc, parser_ddl.cc); tests/sql/parser_test.cc checks the list stays complete.
const absl::flat_hash_set<std::string>& Keywords() {
  static const auto* kWords = new absl::flat_hash_set<std::string>{"ABSENT",
                                                                   "ADD",
                                                                   "AFTER",
                                                                   "ALL",
                                                                   "ALTER",
                                                                   "AND",
                                                                   "ANY",
                                                                   "ARRAY",
                                                                   "AS",
                                                                   "ASC",
                                                                   "ASYMMETRIC",
                                                                   "BEGIN",
                                                                   "BETWEEN",
                                                                   "BIGINT",
                                                                   "BINARY",
                                                                   "BOOLEAN",
                                                                   "BOTH",
                                                                   "BUCKETS",
                                                                   "BY",
                                                                   "BYTES",
                                                                   "CASCADE",
                                                                   "CASE",
                                                                   "CAST",
                                                                   "CATALOG",
                                                                   "CEIL",
                                                                   "CEILING",
                                                                   "CENTURY",
                                                                   "CHANGELOG_MODE",
                                                                   "CHAR",
                                                                   "CHARACTER",
                                                                   "COMMENT",
                                                                   "CONDITIONAL",
                                                                   "CONSTRAINT",
                                                                   "CREATE",
                                                                   "CROSS",
                                                                   "CUBE",
                                                                   "CURRENT",
                                                                   "CURRENT_CATALOG",
                                                                   "CURRENT_DATABASE",
                                                                   "CURRENT_DATE",
                                                                   "CURRENT_ROW_TIMESTAMP",
                                                                   "CURRENT_TIME",
                                                                   "CURRENT_TIMESTAMP",
                                                                   "CURRENT_USER",
                                                                   "DATABASE",
                                                                   "DATE",
                                                                   "DAY",
                                                                   "DAYS",
                                                                   "DEC",
                                                                   "DECADE",
                                                                   "DECIMAL",
                                                                   "DEFAULT",
                                                                   "DEFINE",
                                                                   "DESC",
                                                                   "DESCRIBE",
                                                                   "DESCRIPTOR",
                                                                   "DISTINCT",
                                                                   "DISTRIBUTED",
                                                                   "DISTRIBUTION",
                                                                   "DOUBLE",
                                                                   "DOW",
                                                                   "DOY",
                                                                   "DROP",
                                                                   "ELSE",
                                                                   "EMPTY",
                                                                   "END",
                                                                   "ENFORCED",
                                                                   "EPOCH",
                                                                   "ERROR",
                                                                   "ESCAPE",
                                                                   "ESTIMATED_COST",
                                                                   "EXCEPT",
                                                                   "EXCLUDING",
                                                                   "EXECUTE",
                                                                   "EXISTS",
                                                                   "EXPLAIN",
                                                                   "EXTENDED",
                                                                   "EXTRACT",
                                                                   "FALSE",
                                                                   "FETCH",
                                                                   "FILTER",
                                                                   "FINAL",
                                                                   "FIRST",
                                                                   "FLOAT",
                                                                   "FLOOR",
                                                                   "FOLLOWING",
                                                                   "FOR",
                                                                   "FRESHNESS",
                                                                   "FROM",
                                                                   "FULL",
                                                                   "FUNCTION",
                                                                   "GROUP",
                                                                   "GROUPING",
                                                                   "HASH",
                                                                   "HAVING",
                                                                   "HOUR",
                                                                   "HOURS",
                                                                   "IF",
                                                                   "ILIKE",
                                                                   "IN",
                                                                   "INCLUDING",
                                                                   "INNER",
                                                                   "INSERT",
                                                                   "INT",
                                                                   "INTEGER",
                                                                   "INTERSECT",
                                                                   "INTERVAL",
                                                                   "INTO",
                                                                   "IS",
                                                                   "ISODOW",
                                                                   "ISOYEAR",
                                                                   "JAR",
                                                                   "JOIN",
                                                                   "JSON",
                                                                   "JSON_ARRAY",
                                                                   "JSON_ARRAYAGG",
                                                                   "JSON_EXECUTION_PLAN",
                                                                   "JSON_EXISTS",
                                                                   "JSON_OBJECT",
                                                                   "JSON_OBJECTAGG",
                                                                   "JSON_QUERY",
                                                                   "JSON_VALUE",
                                                                   "KEY",
                                                                   "LANGUAGE",
                                                                   "LAST",
                                                                   "LATERAL",
                                                                   "LEADING",
                                                                   "LEFT",
                                                                   "LIKE",
                                                                   "LIMIT",
                                                                   "LOCAL",
                                                                   "LOCALTIME",
                                                                   "LOCALTIMESTAMP",
                                                                   "MAP",
                                                                   "MATCH",
                                                                   "MATCH_RECOGNIZE",
                                                                   "MATERIALIZED",
                                                                   "MEASURES",
                                                                   "MEMBER",
                                                                   "METADATA",
                                                                   "MICROSECOND",
                                                                   "MICROSECONDS",
                                                                   "MILLENNIUM",
                                                                   "MILLISECOND",
                                                                   "MILLISECONDS",
                                                                   "MINUS",
                                                                   "MINUTE",
                                                                   "MINUTES",
                                                                   "MODEL",
                                                                   "MODIFY",
                                                                   "MONTH",
                                                                   "MONTHS",
                                                                   "MULTISET",
                                                                   "NANOSECOND",
                                                                   "NANOSECONDS",
                                                                   "NATURAL",
                                                                   "NEXT",
                                                                   "NOT",
                                                                   "NOW",
                                                                   "NULL",
                                                                   "NULLS",
                                                                   "NUMERIC",
                                                                   "OBJECT",
                                                                   "OF",
                                                                   "OFFSET",
                                                                   "ON",
                                                                   "ONE",
                                                                   "ONLY",
                                                                   "OR",
                                                                   "ORDER",
                                                                   "ORDINALITY",
                                                                   "OUTER",
                                                                   "OVER",
                                                                   "OVERLAY",
                                                                   "OVERWRITE",
                                                                   "OVERWRITING",
                                                                   "PARTITION",
                                                                   "PARTITIONED",
                                                                   "PAST",
                                                                   "PATTERN",
                                                                   "PER",
                                                                   "PLACING",
                                                                   "PLAN",
                                                                   "PLAN_ADVICE",
                                                                   "POSITION",
                                                                   "PRECEDING",
                                                                   "PRECISION",
                                                                   "PRIMARY",
                                                                   "PROCTIME",
                                                                   "QUALIFY",
                                                                   "QUARTER",
                                                                   "QUARTERS",
                                                                   "RANDOM",
                                                                   "RANGE",
                                                                   "RAW",
                                                                   "REAL",
                                                                   "REFRESH",
                                                                   "REFRESH_MODE",
                                                                   "RENAME",
                                                                   "REPLACE",
                                                                   "RESET",
                                                                   "RESTRICT",
                                                                   "RESUME",
                                                                   "RETURNING",
                                                                   "RIGHT",
                                                                   "ROLLUP",
                                                                   "ROW",
                                                                   "ROWS",
                                                                   "ROWTIME",
                                                                   "RUNNING",
                                                                   "SCALAR",
                                                                   "SECOND",
                                                                   "SECONDS",
                                                                   "SELECT",
                                                                   "SET",
                                                                   "SETS",
                                                                   "SHOW",
                                                                   "SIMILAR",
                                                                   "SKIP",
                                                                   "SMALLINT",
                                                                   "SOME",
                                                                   "START_MODE",
                                                                   "STATEMENT",
                                                                   "STRING",
                                                                   "SUBSET",
                                                                   "SUBSTRING",
                                                                   "SUSPEND",
                                                                   "SYMMETRIC",
                                                                   "SYSTEM",
                                                                   "SYSTEM_TIME",
                                                                   "TABLE",
                                                                   "TEMPORARY",
                                                                   "THEN",
                                                                   "TIME",
                                                                   "TIMESTAMP",
                                                                   "TIMESTAMPADD",
                                                                   "TIMESTAMPDIFF",
                                                                   "TIMESTAMP_LTZ",
                                                                   "TINYINT",
                                                                   "TO",
                                                                   "TRAILING",
                                                                   "TRIM",
                                                                   "TRUE",
                                                                   "TRY_CAST",
                                                                   "UNBOUNDED",
                                                                   "UNCONDITIONAL",
                                                                   "UNION",
                                                                   "UNKNOWN",
                                                                   "UNNEST",
                                                                   "USE",
                                                                   "USING",
                                                                   "VALUE",
                                                                   "VALUES",
                                                                   "VARBINARY",
                                                                   "VARCHAR",
                                                                   "VARYING",
                                                                   "VIEW",
                                                                   "VIRTUAL",
                                                                   "WATERMARK",
                                                                   "WEEK",
                                                                   "WEEKS",
                                                                   "WHEN",
                                                                   "WHERE",
                                                                   "WINDOW",
                                                                   "WITH",
                                                                   "WITHIN",
                                                                   "WITHOUT",
                                                                   "WRAPPER",
                                                                   "YEAR",
                                                                   "YEARS",
                                                                   "ZONE"};
  return *kWords;
}

}  // namespace

bool IsParserKeyword(std::string_view word) {
  uint64_t upper8;
  return IsParserKeyword(word, &upper8);
}

bool IsParserKeyword(std::string_view word, uint64_t* upper8) {
  if (word.empty() || word.size() > 24) return false;
  // Most identifiers are not keywords: a (length, first letter) table rules them out cheaply.
  // Bit (last letter) of shapes[length][first letter]; '_' and digits map to bit 26.
  static const auto* kShapes = [] {
    auto* shapes = new std::array<std::array<uint32_t, 26>, 25>{};
    for (const std::string& k : Keywords()) {
      char last = k.back();
      int bit = (last >= 'A' && last <= 'Z') ? last - 'A' : 26;
      (*shapes)[k.size()][k[0] - 'A'] |= 1u << bit;
    }
    return shapes;
  }();
  char first = word[0];
  if (first >= 'a' && first <= 'z') first = static_cast<char>(first - 32);
  if (first < 'A' || first > 'Z') return false;
  char last = word.back();
  if (last >= 'a' && last <= 'z') last = static_cast<char>(last - 32);
  int last_bit = (last >= 'A' && last <= 'Z') ? last - 'A' : 26;
  if (!((*kShapes)[word.size()][first - 'A'] & (1u << last_bit))) return false;
  // Open addressing over the upper-cased word with an FNV-1a hash: cheaper than a general set.
  static constexpr size_t kSlots = 1024;
  static const auto* kTable = [] {
    auto* table = new std::array<std::string_view, kSlots>{};
    for (const std::string& k : Keywords()) {
      uint32_t h = 2166136261u;
      for (char ch : k) h = (h ^ static_cast<unsigned char>(ch)) * 16777619u;
      size_t slot = h & (kSlots - 1);
      while (!(*table)[slot].empty()) slot = (slot + 1) & (kSlots - 1);
      (*table)[slot] = k;  // points into the never-destroyed Keywords() set
    }
    return table;
  }();
  char buf[24];
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < word.size(); ++i) {
    char ch = word[i];
    buf[i] = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
    h = (h ^ static_cast<unsigned char>(buf[i])) * 16777619u;
  }
  std::string_view upper(buf, word.size());
  for (size_t slot = h & (kSlots - 1);; slot = (slot + 1) & (kSlots - 1)) {
    std::string_view k = (*kTable)[slot];
    if (k.empty()) return false;
    if (k == upper) {
      *upper8 = Token::Pack8(upper);
      return true;
    }
  }
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view sql) {
  if (sql.size() >= 0xFFFFFFF0u) return absl::InvalidArgumentError("SQL text too large");
  std::vector<Token> tokens;
  FLINKDBT_RETURN_IF_ERROR(TokenizeInto(sql, &tokens));
  return tokens;
}

absl::Status TokenizeInto(std::string_view sql, std::vector<Token>* tokens) {
  if (sql.size() >= 0xFFFFFFF0u) return absl::InvalidArgumentError("SQL text too large");
  return Lexer(sql).Run(tokens);
}

std::string DecodeStringLiteral(std::string_view text) {
  size_t open = text.find('\'');
  std::string out;
  if (open == std::string_view::npos || text.size() < open + 2) return out;
  std::string_view body = text.substr(open + 1, text.size() - open - 2);
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    out.push_back(body[i]);
    if (body[i] == '\'' && i + 1 < body.size() && body[i + 1] == '\'') ++i;
  }
  return out;
}

std::string DecodeQuotedIdentifier(std::string_view text) {
  std::string out;
  if (text.size() < 2) return out;
  std::string_view body = text.substr(1, text.size() - 2);
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    out.push_back(body[i]);
    if (body[i] == '`' && i + 1 < body.size() && body[i + 1] == '`') ++i;
  }
  return out;
}

}  // namespace flinkdbt::sql
