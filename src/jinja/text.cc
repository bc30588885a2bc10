#include "jinja/text.h"

#include <algorithm>

#include "flinkdbt/base/utf8.h"

namespace flinkdbt::jinja::text {
namespace {

template <typename F>
std::string MapCodePoints(std::string_view s, F f) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(f(static_cast<char32_t>(b))));
      ++i;
      continue;
    }
    size_t start = i;
    bool valid = true;
    char32_t cp = utf8::Decode(s, &i, &valid);
    if (!valid) {
      out.append(s.substr(start, i - start));
      continue;
    }
    utf8::Append(&out, f(cp));
  }
  return out;
}

std::vector<char32_t> Decode(std::string_view s) {
  std::vector<char32_t> out;
  size_t i = 0;
  while (i < s.size()) out.push_back(utf8::Decode(s, &i));
  return out;
}

std::string Encode(const std::vector<char32_t>& cps) {
  std::string out;
  for (char32_t c : cps) utf8::Append(&out, c);
  return out;
}

bool InChars(char32_t c, const std::optional<std::string>& chars) {
  if (!chars) return IsSpace(c);
  size_t i = 0;
  while (i < chars->size()) {
    if (utf8::Decode(*chars, &i) == c) return true;
  }
  return false;
}

}  // namespace

char32_t ToLower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

char32_t ToUpper(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 0) ? c - 1 : c;
    return (c % 2 == 1) ? c - 1 : c;
  }
  if (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

bool IsAlpha(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return ToLower(c) != ToUpper(c) || (c >= 0xAA && c != 0xD7 && c != 0xF7 && c > 0xBF);
}

bool IsSpace(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

namespace {
// ASCII text (what SQL identifiers and types are) maps byte by byte.
bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}
}  // namespace

std::string Lower(std::string_view s) {
  if (IsAscii(s)) {
    std::string out(s);
    for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    return out;
  }
  return MapCodePoints(s, ToLower);
}
std::string Upper(std::string_view s) {
  if (IsAscii(s)) {
    std::string out(s);
    for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    return out;
  }
  std::string out = MapCodePoints(s, ToUpper);
  if (out.find("\xC3\x9F") == std::string::npos) return out;
  std::string fixed;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out.compare(i, 2, "\xC3\x9F") == 0) {  // ß upper-cases to "SS"
      fixed += "SS";
      ++i;
    } else {
      fixed.push_back(out[i]);
    }
  }
  return fixed;
}
std::string SwapCase(std::string_view s) {
  return MapCodePoints(s, [](char32_t c) { return ToLower(c) != c ? ToLower(c) : ToUpper(c); });
}

std::string Capitalize(std::string_view s) {
  auto cps = Decode(s);
  for (size_t i = 0; i < cps.size(); ++i) cps[i] = i == 0 ? ToUpper(cps[i]) : ToLower(cps[i]);
  return Encode(cps);
}

std::string PyTitle(std::string_view s) {
  auto cps = Decode(s);
  bool prev_cased = false;
  for (char32_t& c : cps) {
    bool cased = IsAlpha(c);
    if (cased) {
      c = prev_cased ? ToLower(c) : ToUpper(c);
    }
    prev_cased = cased;
  }
  return Encode(cps);
}

std::string JinjaTitle(std::string_view s) {
  auto cps = Decode(s);
  auto is_sep = [](char32_t c) {
    return IsSpace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
  };
  bool word_start = true;
  for (char32_t& c : cps) {
    if (is_sep(c)) {
      word_start = true;
      continue;
    }
    c = word_start ? ToUpper(c) : ToLower(c);
    word_start = false;
  }
  return Encode(cps);
}

std::string Center(std::string_view s, int64_t width, std::string_view fill) {
  int64_t len = static_cast<int64_t>(utf8::Length(s));
  if (width <= len) return std::string(s);
  int64_t marg = width - len;
  int64_t left = marg / 2 + (marg & width & 1);
  std::string out;
  for (int64_t i = 0; i < left; ++i) out.append(fill);
  out.append(s);
  for (int64_t i = 0; i < marg - left; ++i) out.append(fill);
  return out;
}

std::string_view LStrip(std::string_view s, const std::optional<std::string>& chars) {
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    char32_t c = utf8::Decode(s, &j);
    if (!InChars(c, chars)) break;
    i = j;
  }
  return s.substr(i);
}

std::string_view RStrip(std::string_view s, const std::optional<std::string>& chars) {
  auto cps = Decode(s);
  size_t end = s.size();
  while (!cps.empty() && InChars(cps.back(), chars)) {
    std::string enc;
    utf8::Append(&enc, cps.back());
    end -= enc.size();
    cps.pop_back();
  }
  return s.substr(0, end);
}

std::string_view Strip(std::string_view s, const std::optional<std::string>& chars) {
  return RStrip(LStrip(s, chars), chars);
}

std::string Replace(std::string_view s, std::string_view from, std::string_view to, int64_t count) {
  std::string out;
  if (from.empty()) {
    // Python inserts `to` between every code point (and at both ends).
    int64_t n = 0;
    size_t i = 0;
    if (count != 0) {
      out.append(to);
      ++n;
    }
    while (i < s.size()) {
      size_t start = i;
      utf8::Decode(s, &i);
      out.append(s.substr(start, i - start));
      if (count < 0 || n < count) {
        if (i < s.size() || true) {
          out.append(to);
          ++n;
        }
      }
    }
    return out;
  }
  size_t pos = 0;
  int64_t n = 0;
  while (count < 0 || n < count) {
    size_t p = s.find(from, pos);
    if (p == std::string_view::npos) break;
    out.append(s.substr(pos, p - pos));
    out.append(to);
    pos = p + from.size();
    ++n;
  }
  out.append(s.substr(pos));
  return out;
}

std::vector<std::string> Split(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit) {
  std::vector<std::string> out;
  if (sep) {
    size_t pos = 0;
    int64_t n = 0;
    while (maxsplit < 0 || n < maxsplit) {
      size_t p = s.find(*sep, pos);
      if (p == std::string_view::npos) break;
      out.emplace_back(s.substr(pos, p - pos));
      pos = p + sep->size();
      ++n;
    }
    out.emplace_back(s.substr(pos));
    return out;
  }
  auto cps = Decode(s);
  size_t i = 0;
  int64_t n = 0;
  while (i < cps.size()) {
    while (i < cps.size() && IsSpace(cps[i])) ++i;
    if (i >= cps.size()) break;
    if (maxsplit >= 0 && n >= maxsplit) {
      std::vector<char32_t> rest(cps.begin() + i, cps.end());
      out.push_back(Encode(rest));
      return out;
    }
    size_t j = i;
    while (j < cps.size() && !IsSpace(cps[j])) ++j;
    out.push_back(Encode(std::vector<char32_t>(cps.begin() + i, cps.begin() + j)));
    ++n;
    i = j;
  }
  return out;
}

std::vector<std::string> RSplit(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit) {
  if (maxsplit < 0) return Split(s, sep, maxsplit);
  std::vector<std::string> out;
  if (sep) {
    size_t end = s.size();
    int64_t n = 0;
    while (n < maxsplit) {
      if (end < sep->size()) break;
      size_t p = s.rfind(*sep, end - sep->size());
      if (p == std::string_view::npos) break;
      out.emplace_back(s.substr(p + sep->size(), end - p - sep->size()));
      end = p;
      ++n;
    }
    out.emplace_back(s.substr(0, end));
    std::reverse(out.begin(), out.end());
    return out;
  }
  auto cps = Decode(s);
  int64_t i = static_cast<int64_t>(cps.size()) - 1;
  int64_t n = 0;
  while (i >= 0) {
    while (i >= 0 && IsSpace(cps[i])) --i;
    if (i < 0) break;
    if (n >= maxsplit) {
      out.push_back(Encode(std::vector<char32_t>(cps.begin(), cps.begin() + i + 1)));
      break;
    }
    int64_t j = i;
    while (j >= 0 && !IsSpace(cps[j])) --j;
    out.push_back(Encode(std::vector<char32_t>(cps.begin() + j + 1, cps.begin() + i + 1)));
    ++n;
    i = j;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> SplitLines(std::string_view s, bool keepends) {
  std::vector<std::string> out;
  size_t start = 0, i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n' || c == '\r') {
      size_t end = i;
      size_t next = i + 1;
      if (c == '\r' && next < s.size() && s[next] == '\n') ++next;
      out.emplace_back(s.substr(start, (keepends ? next : end) - start));
      start = i = next;
      continue;
    }
    ++i;
  }
  if (start < s.size()) out.emplace_back(s.substr(start));
  return out;
}

}  // namespace flinkdbt::jinja::text
