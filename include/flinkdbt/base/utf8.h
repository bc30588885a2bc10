// UTF-8 decoding and encoding shared by the JSON writer, the template engine and the SQL lexer.
// Decoding is strict (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF); each
// malformed sequence decodes as one U+FFFD and advances past the bytes that could not start a
// valid sequence, the way Python's "replace" error handler does. Pure functions, thread-safe.
#ifndef FLINKDBT_BASE_UTF8_H_
#define FLINKDBT_BASE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace flinkdbt::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point starting at text[*pos] and advances *pos past it. Returns kReplacement
// (and sets *valid to false when given) for a malformed sequence. *pos must be < text.size().
char32_t Decode(std::string_view text, size_t* pos, bool* valid = nullptr);

// Appends the UTF-8 encoding of `cp` (kReplacement for surrogates or values above U+10FFFF).
void Append(std::string* out, char32_t cp);

// True when `text` is well-formed UTF-8.
bool IsValid(std::string_view text);

// Number of code points in `text` (each malformed sequence counts as one).
size_t Length(std::string_view text);

}  // namespace flinkdbt::utf8

#endif  // FLINKDBT_BASE_UTF8_H_
