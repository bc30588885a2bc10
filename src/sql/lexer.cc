#include "sql/lexer.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "flinkdbt/base/status.h"
#include "fmt/format.h"

namespace flinkdbt::sql {
namespace {

// Calcite (and so Flink) counts '$' as a letter: `$rowtime` may be written without backticks.
inline bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}
inline bool IsIdentPart(unsigned char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }
inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    tokens.reserve(sql_.size() / 4 + 2);
    while (true) {
      absl::Status s = SkipSpaceAndComments();
      if (!s.ok()) return s;
      Token t;
      t.begin = static_cast<uint32_t>(pos_);
      t.line = line_;
      t.column = Column();
      if (pos_ >= sql_.size()) {
        t.kind = TokenKind::kEnd;
        t.end = t.begin;
        tokens.push_back(t);
        return tokens;
      }
      s = Next(&t);
      if (!s.ok()) return s;
      t.end = static_cast<uint32_t>(pos_);
      t.text = sql_.substr(t.begin, t.end - t.begin);
      tokens.push_back(t);
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
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
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
      while (pos_ < sql_.size() && IsIdentPart(static_cast<unsigned char>(sql_[pos_]))) Advance();
      t->kind = TokenKind::kIdent;
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
    // Operators: longest match first.
    static constexpr std::string_view kTwo[] = {"<>", "<=", ">=", "!=", "||", "=>", "::"};
    if (pos_ + 1 < sql_.size()) {
      std::string_view two = sql_.substr(pos_, 2);
      for (std::string_view op : kTwo) {
        if (two == op) {
          Advance();
          Advance();
          t->kind = TokenKind::kPunct;
          return absl::OkStatus();
        }
      }
    }
    static constexpr std::string_view kOne = "+-*/%=<>()[],.;:{}^|&~";
    if (kOne.find(static_cast<char>(c)) != std::string_view::npos) {
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

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view sql) {
  if (sql.size() >= 0xFFFFFFF0u) return absl::InvalidArgumentError("SQL text too large");
  return Lexer(sql).Run();
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
