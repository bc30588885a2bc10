// Python str operations over UTF-8 text (private to the jinja layer). Case mapping covers ASCII,
// Latin-1, Latin Extended-A, Greek and Cyrillic, which is what SQL and dbt templates use.
#ifndef FLINKDBT_SRC_JINJA_TEXT_H_
#define FLINKDBT_SRC_JINJA_TEXT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flinkdbt::jinja::text {

char32_t ToLower(char32_t c);
char32_t ToUpper(char32_t c);
bool IsAlpha(char32_t c);
bool IsSpace(char32_t c);
std::string Lower(std::string_view s);
std::string Upper(std::string_view s);
std::string Capitalize(std::string_view s);
std::string SwapCase(std::string_view s);
// str.title(): upper-cases the first letter after every non-letter.
std::string PyTitle(std::string_view s);
// Jinja's |title: words split at whitespace, '-', '(', '{', '[', '<'.
std::string JinjaTitle(std::string_view s);
std::string Center(std::string_view s, int64_t width, std::string_view fill);
// str.strip(chars); nullopt chars strips whitespace.
std::string_view Strip(std::string_view s, const std::optional<std::string>& chars);
std::string_view LStrip(std::string_view s, const std::optional<std::string>& chars);
std::string_view RStrip(std::string_view s, const std::optional<std::string>& chars);
std::string Replace(std::string_view s, std::string_view from, std::string_view to, int64_t count);
// str.split(sep, maxsplit) / rsplit; nullopt sep splits on runs of whitespace.
std::vector<std::string> Split(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit);
std::vector<std::string> RSplit(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit);
std::vector<std::string> SplitLines(std::string_view s, bool keepends);

}  // namespace flinkdbt::jinja::text

#endif  // FLINKDBT_SRC_JINJA_TEXT_H_
