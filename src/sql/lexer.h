// The Flink SQL lexer: turns text into tokens with byte offsets, 1-based lines and code-point
// columns. Keywords are not distinguished here (Flink keywords are case-insensitive identifiers to
// the lexer); the parser asks Token::Is("SELECT"). Hints (/*+ ... */) are tokens; other comments
// are skipped. Pure and thread-safe.
#ifndef FLINKDBT_SQL_LEXER_H_
#define FLINKDBT_SQL_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace flinkdbt::sql {

enum class TokenKind : uint8_t {
  kEnd,
  kIdent,          // word (keyword or plain identifier)
  kQuotedIdent,    // `...`
  kString,         // '...'
  kUnicodeString,  // U&'...'
  kBinaryString,   // X'...'
  kInteger,        // 123
  kDecimal,        // 1.5, .5, 1.
  kApprox,         // 1e3, 1.5E-2
  kPunct,          // operators and punctuation (text in the source)
  kHint,           // /*+ ... */
  kParam,          // ?
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t begin = 0;
  uint32_t end = 0;
  int line = 1;
  int column = 1;
  std::string_view text;  // the token as written
  // For kIdent: the word is one of the parser's keywords (any case). Lets Is() reject ordinary
  // identifiers (column and table names) without comparing.
  bool keyword = false;
  // For keywords: the first (up to) 8 bytes upper-cased, packed by Pack8. Is() compares a keyword
  // with one integer comparison (the literal's Pack8 folds to a constant) plus the bytes past 8.
  uint64_t upper8 = 0;

  static constexpr uint64_t Pack8(std::string_view s) {
    uint64_t v = 0;
    for (size_t i = 0; i < s.size() && i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    return v;
  }

  // Case-insensitive comparison with an upper-case keyword (kIdent only).
  [[gnu::always_inline]] bool Is(std::string_view upper_keyword) const {
    if (!keyword || text.size() != upper_keyword.size() || upper8 != Pack8(upper_keyword)) return false;
    for (size_t i = 8; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (c != upper_keyword[i]) return false;
    }
    return true;
  }
  bool IsPunct(std::string_view p) const {
    if (kind != TokenKind::kPunct || text.size() != p.size()) return false;
    return text[0] == p[0] && (p.size() == 1 || text[1] == p[1]);
  }
};

// Tokenizes all of `sql`; the last token is kEnd. Errors (unterminated string, comment or
// identifier; unexpected character) carry the position in their message and a SourceLocation.
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view sql);
// Same, into *tokens (cleared first; its capacity is reused).
absl::Status TokenizeInto(std::string_view sql, std::vector<Token>* tokens);

// Whether `word` (any case) is one of the words the parser tests tokens against.
bool IsParserKeyword(std::string_view word);
// Same, and on true sets *upper8 to Token::Pack8 of the upper-cased word.
bool IsParserKeyword(std::string_view word, uint64_t* upper8);

// Decodes a string literal token's value ('it''s' -> it's).
std::string DecodeStringLiteral(std::string_view token_text);
// Decodes a backtick identifier token (`a``b` -> a`b).
std::string DecodeQuotedIdentifier(std::string_view token_text);

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_LEXER_H_
