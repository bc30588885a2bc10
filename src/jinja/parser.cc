// Lexer and recursive-descent parser for Jinja2 templates, following jinja2/lexer.py and
// jinja2/parser.py (3.1) closely so that whitespace handling and precedence match byte for byte.
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "jinja/ast.h"
#include "jinja/render.h"

namespace flinkdbt::jinja::internal {
namespace {

enum class Tok : uint8_t {
  kData,
  kVarBegin,
  kVarEnd,
  kBlockBegin,
  kBlockEnd,
  kName,
  kString,
  kInt,
  kFloat,
  kOp,
  kEof
};

struct Token {
  Tok type;
  uint32_t offset;
  uint32_t end;
  std::string_view text;  // names, operators, numbers, data
  std::string str;        // unescaped string literal
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

// Python's str.splitlines() + "\n".join(): every line break becomes "\n"; the trailing newline is
// dropped unless keep_trailing_newline.
std::string NormalizeNewlines(std::string_view src, bool keep_trailing_newline) {
  std::string out;
  out.reserve(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    char c = src[i];
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out.push_back('\n');
      if (i + 1 < src.size() && src[i + 1] == '\n') ++i;
    } else if (c == '\v' || c == '\f' || (u >= 0x1c && u <= 0x1e)) {
      out.push_back('\n');
    } else if (u == 0xC2 && i + 1 < src.size() && static_cast<unsigned char>(src[i + 1]) == 0x85) {
      out.push_back('\n');
      ++i;
    } else if (u == 0xE2 && i + 2 < src.size() && static_cast<unsigned char>(src[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(src[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(src[i + 2]) == 0xA9)) {
      out.push_back('\n');
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  if (!keep_trailing_newline && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class Lexer {
 public:
  Lexer(const TemplateImpl& impl, const EnvironmentOptions& opts)
      : impl_(impl), src_(impl.source), opts_(opts) {}

  absl::Status Run(std::vector<Token>* out) {
    out_ = out;
    size_t pos = 0;
    bool strip_next = false;  // previous tag ended with '-'
    while (pos <= src_.size()) {
      size_t tag = FindTag(pos);
      std::string_view text = src_.substr(pos, (tag == std::string_view::npos ? src_.size() : tag) - pos);
      size_t text_start = pos;
      if (strip_next) {
        size_t k = 0;
        while (k < text.size() && IsSpace(text[k])) ++k;
        text.remove_prefix(k);
        text_start += k;
        strip_next = false;
      }
      if (tag == std::string_view::npos) {
        Emit(Tok::kData, text_start, text);
        break;
      }
      char kind = src_[tag + 1];
      char mod = tag + 2 < src_.size() ? src_[tag + 2] : 0;
      bool raw = kind == '%' && IsRawBegin(tag);
      if (mod == '-') {
        while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
      } else if (mod != '+' && opts_.lstrip_blocks && (kind == '%' || kind == '#')) {
        size_t nl = text.rfind('\n');
        size_t l_pos = nl == std::string_view::npos ? 0 : nl + 1;
        bool line_start = nl != std::string_view::npos || text_start == 0 || src_[text_start - 1] == '\n';
        if (line_start) {
          bool all_ws = true;
          for (size_t k = l_pos; k < text.size(); ++k) {
            if (text[k] != ' ' && text[k] != '\t') all_ws = false;
          }
          if (all_ws) text = text.substr(0, l_pos);
        }
      }
      Emit(Tok::kData, text_start, text);
      if (raw) {
        FLINKDBT_RETURN_IF_ERROR(LexRaw(tag, &pos, &strip_next));
        continue;
      }
      size_t p = tag + 2;
      if (mod == '-' || mod == '+') ++p;
      if (kind == '#') {
        size_t endc = src_.find("#}", p);
        if (endc == std::string_view::npos) return Error(tag, "Missing end of comment tag");
        pos = endc + 2;
        if (endc > p && src_[endc - 1] == '-') {
          strip_next = true;
        } else if (opts_.trim_blocks && pos < src_.size() && src_[pos] == '\n') {
          ++pos;
        }
        continue;
      }
      bool is_var = kind == '{';
      Emit(is_var ? Tok::kVarBegin : Tok::kBlockBegin, tag, src_.substr(tag, p - tag));
      FLINKDBT_RETURN_IF_ERROR(LexTag(p, is_var, &pos, &strip_next));
    }
    Emit(Tok::kEof, static_cast<uint32_t>(src_.size()), "");
    return absl::OkStatus();
  }

 private:
  size_t FindTag(size_t pos) const {
    while (true) {
      size_t b = src_.find('{', pos);
      if (b == std::string_view::npos || b + 1 >= src_.size()) return std::string_view::npos;
      char c = src_[b + 1];
      if (c == '{' || c == '%' || c == '#') return b;
      pos = b + 1;
    }
  }

  // Matches `{%[-+]?\s*raw\s*[-+]?%}` at `tag`.
  bool IsRawBegin(size_t tag, size_t* end = nullptr) const { return MatchWordTag(tag, "raw", end); }
  bool MatchWordTag(size_t tag, std::string_view word, size_t* end) const {
    size_t p = tag + 2;
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
    while (p < src_.size() && IsSpace(src_[p])) ++p;
    if (src_.substr(p, word.size()) != word) return false;
    p += word.size();
    if (p < src_.size() && IsNameChar(src_[p])) return false;
    while (p < src_.size() && IsSpace(src_[p])) ++p;
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
    if (src_.substr(p, 2) != "%}") return false;
    if (end) *end = p + 2;
    return true;
  }

  absl::Status LexRaw(size_t tag, size_t* pos, bool* strip_next) {
    size_t begin_end = 0;
    MatchWordTag(tag, "raw", &begin_end);
    bool strip_start = src_[begin_end - 3] == '-';
    size_t search = begin_end;
    while (true) {
      size_t t = src_.find("{%", search);
      if (t == std::string_view::npos) return Error(tag, "Missing end of raw directive");
      size_t end = 0;
      if (MatchWordTag(t, "endraw", &end)) {
        std::string_view body = src_.substr(begin_end, t - begin_end);
        size_t body_start = begin_end;
        if (strip_start) {
          size_t k = 0;
          while (k < body.size() && IsSpace(body[k])) ++k;
          body.remove_prefix(k);
          body_start += k;
        }
        if (t + 2 < src_.size() && src_[t + 2] == '-') {
          while (!body.empty() && IsSpace(body.back())) body.remove_suffix(1);
        }
        Emit(Tok::kData, body_start, body);
        *pos = end;
        if (src_[end - 3] == '-') {
          *strip_next = true;
        } else if (opts_.trim_blocks && src_[end - 3] != '+' && end < src_.size() && src_[end] == '\n') {
          ++*pos;
        }
        return absl::OkStatus();
      }
      search = t + 2;
    }
  }

  absl::Status LexTag(size_t p, bool is_var, size_t* pos, bool* strip_next) {
    int depth = 0;
    while (true) {
      while (p < src_.size() && IsSpace(src_[p])) ++p;
      if (p >= src_.size()) return Error(p, "unexpected end of template");
      if (depth == 0) {
        std::string_view rest = src_.substr(p);
        if (is_var) {
          if (rest.starts_with("-}}") || rest.starts_with("}}")) {
            bool minus = rest[0] == '-';
            size_t end = p + (minus ? 3 : 2);
            Emit(Tok::kVarEnd, p, src_.substr(p, end - p));
            *pos = end;
            *strip_next = minus;
            return absl::OkStatus();
          }
        } else if (rest.starts_with("-%}") || rest.starts_with("+%}") || rest.starts_with("%}")) {
          char m = rest[0];
          size_t end = p + (m == '%' ? 2 : 3);
          Emit(Tok::kBlockEnd, p, src_.substr(p, end - p));
          *pos = end;
          if (m == '-') {
            *strip_next = true;
          } else if (m != '+' && opts_.trim_blocks && end < src_.size() && src_[end] == '\n') {
            ++*pos;
          }
          return absl::OkStatus();
        }
      }
      char c = src_[p];
      if (IsDigit(c)) {
        FLINKDBT_RETURN_IF_ERROR(LexNumber(&p));
        continue;
      }
      if (IsNameStart(c)) {
        size_t s = p;
        while (p < src_.size() && IsNameChar(src_[p])) ++p;
        Emit(Tok::kName, s, src_.substr(s, p - s));
        continue;
      }
      if (c == '\'' || c == '"') {
        size_t s = p;
        std::string value;
        size_t q = p + 1;
        bool closed = false;
        while (q < src_.size()) {
          if (src_[q] == '\\' && q + 1 < src_.size()) {
            q += 2;
            continue;
          }
          if (src_[q] == c) {
            closed = true;
            break;
          }
          ++q;
        }
        if (!closed) return Error(s, fmt::format("unexpected char '{}' at {}", c, s));
        Unescape(src_.substr(s + 1, q - s - 1), &value);
        Emit(Tok::kString, s, src_.substr(s, q + 1 - s));
        out_->back().str = std::move(value);
        p = q + 1;
        continue;
      }
      static constexpr std::string_view kTwo[] = {"//", "**", "==", "!=", ">=", "<="};
      bool matched = false;
      for (std::string_view op : kTwo) {
        if (src_.substr(p, 2) == op) {
          Emit(Tok::kOp, p, src_.substr(p, 2));
          p += 2;
          matched = true;
          break;
        }
      }
      if (matched) continue;
      if (std::strchr("+-/*%~[](){}<>=.:|,;", c) != nullptr && c != 0) {
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') {
          if (depth == 0) return Error(p, fmt::format("unexpected '{}'", c));
          --depth;
        }
        Emit(Tok::kOp, p, src_.substr(p, 1));
        ++p;
        continue;
      }
      std::string shown;
      size_t cp_pos = p;
      utf8::Append(&shown, utf8::Decode(src_, &cp_pos));
      return Error(p, fmt::format("unexpected char '{}' at {}", shown, p));
    }
  }

  absl::Status LexNumber(size_t* pp) {
    size_t p = *pp;
    size_t s = p;
    auto digits = [&](size_t q) -> size_t {  // (\d+_)*\d+ ; returns end or npos
      if (q >= src_.size() || !IsDigit(src_[q])) return std::string_view::npos;
      while (true) {
        while (q < src_.size() && IsDigit(src_[q])) ++q;
        if (q + 1 < src_.size() && src_[q] == '_' && IsDigit(src_[q + 1])) {
          ++q;
          continue;
        }
        return q;
      }
    };
    bool after_dot = s > 0 && src_[s - 1] == '.';
    size_t int_end = digits(p);
    if (!after_dot) {
      // Float: digits (.digits)? e[+-]?digits | digits .digits
      size_t q = int_end;
      size_t frac_end = std::string_view::npos;
      if (q < src_.size() && src_[q] == '.') frac_end = digits(q + 1);
      size_t r = frac_end != std::string_view::npos ? frac_end : q;
      size_t exp_end = std::string_view::npos;
      if (r < src_.size() && (src_[r] == 'e' || src_[r] == 'E')) {
        size_t e = r + 1;
        if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
        exp_end = digits(e);
      }
      size_t end = exp_end != std::string_view::npos ? exp_end : frac_end;
      if (end != std::string_view::npos) {
        Emit(Tok::kFloat, s, src_.substr(s, end - s));
        *pp = end;
        return absl::OkStatus();
      }
    }
    // Integers: 0b/0o/0x prefixes, [1-9](_?\d)*, 0(_?0)*
    if (src_[p] == '0' && p + 1 < src_.size() &&
        (src_[p + 1] == 'x' || src_[p + 1] == 'X' || src_[p + 1] == 'o' || src_[p + 1] == 'O' ||
         src_[p + 1] == 'b' || src_[p + 1] == 'B')) {
      char base = static_cast<char>(src_[p + 1] | 0x20);
      size_t q = p + 2;
      auto ok = [&](char ch) {
        if (base == 'x') return IsDigit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (base == 'o') return ch >= '0' && ch <= '7';
        return ch == '0' || ch == '1';
      };
      size_t e = q;
      while (e < src_.size()) {
        if (ok(src_[e])) {
          ++e;
        } else if (src_[e] == '_' && e + 1 < src_.size() && ok(src_[e + 1])) {
          e += 2;
        } else {
          break;
        }
      }
      if (e > q) {
        Emit(Tok::kInt, s, src_.substr(s, e - s));
        *pp = e;
        return absl::OkStatus();
      }
    }
    size_t e = p + 1;
    if (src_[p] == '0') {
      while (e < src_.size()) {
        if (src_[e] == '0') {
          ++e;
        } else if (src_[e] == '_' && e + 1 < src_.size() && src_[e + 1] == '0') {
          e += 2;
        } else {
          break;
        }
      }
    } else {
      e = int_end;
    }
    Emit(Tok::kInt, s, src_.substr(s, e - s));
    *pp = e;
    return absl::OkStatus();
  }

  // Python "unicode-escape" decoding of a string literal's body.
  static void Unescape(std::string_view in, std::string* out) {
    for (size_t i = 0; i < in.size(); ++i) {
      char c = in[i];
      if (c != '\\' || i + 1 >= in.size()) {
        out->push_back(c);
        continue;
      }
      char e = in[++i];
      auto hex = [&](int n) -> bool {
        uint32_t v = 0;
        for (int k = 1; k <= n; ++k) {
          if (i + k >= in.size()) return false;
          char h = in[i + k];
          v <<= 4;
          if (IsDigit(h)) {
            v |= h - '0';
          } else if (h >= 'a' && h <= 'f') {
            v |= h - 'a' + 10;
          } else if (h >= 'A' && h <= 'F') {
            v |= h - 'A' + 10;
          } else {
            return false;
          }
        }
        utf8::Append(out, v);
        i += n;
        return true;
      };
      switch (e) {
        case '\n':
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '\'':
          out->push_back('\'');
          break;
        case '"':
          out->push_back('"');
          break;
        case 'a':
          out->push_back('\a');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'v':
          out->push_back('\v');
          break;
        case 'x':
          if (!hex(2)) {
            out->push_back('\\');
            out->push_back(e);
          }
          break;
        case 'u':
          if (!hex(4)) {
            out->push_back('\\');
            out->push_back(e);
          }
          break;
        case 'U':
          if (!hex(8)) {
            out->push_back('\\');
            out->push_back(e);
          }
          break;
        default:
          if (e >= '0' && e <= '7') {
            uint32_t v = e - '0';
            for (int k = 0; k < 2 && i + 1 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '7'; ++k) {
              v = v * 8 + (in[++i] - '0');
            }
            utf8::Append(out, v);
          } else {
            out->push_back('\\');
            out->push_back(e);
          }
      }
    }
  }

  void Emit(Tok type, size_t offset, std::string_view text) {
    if (type == Tok::kData && text.empty()) return;
    Token t;
    t.type = type;
    t.offset = static_cast<uint32_t>(offset);
    t.end = static_cast<uint32_t>(offset + text.size());
    t.text = text;
    out_->push_back(std::move(t));
  }

  absl::Status Error(size_t offset, std::string_view msg) const {
    return MakeError(absl::StatusCode::kInvalidArgument, impl_, static_cast<uint32_t>(offset),
                     fmt::format("TemplateSyntaxError: {}", msg));
  }

  const TemplateImpl& impl_;
  std::string_view src_;
  const EnvironmentOptions& opts_;
  std::vector<Token>* out_ = nullptr;
};

std::string Describe(const Token& t) {
  switch (t.type) {
    case Tok::kVarEnd:
      return "end of print statement";
    case Tok::kBlockEnd:
      return "end of statement block";
    case Tok::kEof:
      return "end of template";
    case Tok::kVarBegin:
      return "begin of print statement";
    case Tok::kBlockBegin:
      return "begin of statement block";
    case Tok::kString:
      return "string";
    default:
      return std::string(t.text);
  }
}

class Parser {
 public:
  Parser(const Environment& env, TemplateImpl* impl, std::vector<Token> tokens)
      : env_(env), impl_(impl), toks_(std::move(tokens)) {}

  absl::Status Run() {
    std::vector<Node*> body;
    FLINKDBT_RETURN_IF_ERROR(Subparse({}, &body));
    if (cur().type != Tok::kEof) {
      return Fail(cur(), fmt::format("Encountered unknown tag '{}'.", cur().text));
    }
    impl_->body = std::move(body);
    return absl::OkStatus();
  }

 private:
  // ---- token helpers
  const Token& cur() const { return toks_[pos_]; }
  const Token& peek(size_t n = 1) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
  void next() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  bool IsOp(std::string_view op) const { return cur().type == Tok::kOp && cur().text == op; }
  bool IsName(std::string_view n) const { return cur().type == Tok::kName && cur().text == n; }
  bool SkipOp(std::string_view op) {
    if (IsOp(op)) {
      next();
      return true;
    }
    return false;
  }
  bool SkipName(std::string_view n) {
    if (IsName(n)) {
      next();
      return true;
    }
    return false;
  }
  absl::Status Fail(const Token& t, std::string_view msg) const {
    return MakeError(absl::StatusCode::kInvalidArgument, *impl_, t.offset,
                     fmt::format("TemplateSyntaxError: {}", msg));
  }
  absl::Status Expected(std::string_view what) const {
    return Fail(cur(), fmt::format("expected token '{}', got '{}'", what, Describe(cur())));
  }
  absl::Status ExpectOp(std::string_view op) {
    if (!SkipOp(op)) return Expected(op);
    return absl::OkStatus();
  }
  absl::Status ExpectName(std::string_view n) {
    if (!SkipName(n)) return Expected(n);
    return absl::OkStatus();
  }
  absl::Status ExpectBlockEnd() {
    if (cur().type != Tok::kBlockEnd) return Expected("end of statement block");
    next();
    return absl::OkStatus();
  }
  absl::StatusOr<std::string_view> ExpectInternedIdent() {
    if (cur().type != Tok::kName) return Expected("name");
    std::string_view s = impl_->Intern(cur().text);
    next();
    return s;
  }
  absl::StatusOr<std::string> ExpectIdent() {
    if (cur().type != Tok::kName) return Expected("name");
    std::string s(cur().text);
    next();
    return s;
  }
  Node* New(NodeKind k, const Token& t) { return impl_->New(k, t.offset); }

  void NoteName(std::string_view name) {
    if (!refs_.empty()) refs_.back().insert(std::string(name));
  }
  void PushRefs() { refs_.emplace_back(); }
  absl::flat_hash_set<std::string> PopRefs() {
    absl::flat_hash_set<std::string> s = std::move(refs_.back());
    refs_.pop_back();
    if (!refs_.empty()) refs_.back().insert(s.begin(), s.end());
    return s;
  }

  // ---- statements
  absl::Status Subparse(std::initializer_list<std::string_view> ends, std::vector<Node*>* body) {
    while (cur().type != Tok::kEof) {
      const Token& t = cur();
      if (t.type == Tok::kData) {
        Node* n = New(NodeKind::kText, t);
        n->value = Value::String(t.text);
        body->push_back(n);
        next();
      } else if (t.type == Tok::kVarBegin) {
        next();
        Node* n = New(NodeKind::kPrint, t);
        FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseTuple(false, true, {}, false));
        if (cur().type != Tok::kVarEnd) return Expected("end of print statement");
        next();
        body->push_back(n);
      } else if (t.type == Tok::kBlockBegin) {
        next();
        if (cur().type == Tok::kName) {
          for (std::string_view e : ends) {
            if (cur().text == e) return absl::OkStatus();
          }
        }
        uint32_t tag_offset = t.offset;
        FLINKDBT_ASSIGN_OR_RETURN(Node * n, ParseStatement());
        if (n != nullptr) {
          n->tag_offset = tag_offset;
          body->push_back(n);
        }
      } else {
        return Fail(t, "internal lexer error");
      }
    }
    if (ends.size() > 0) {
      std::string list;
      for (std::string_view e : ends) list += fmt::format("{}'{}'", list.empty() ? "" : " or ", e);
      return Fail(cur(), fmt::format("Unexpected end of template. Jinja was looking for the following "
                                     "tags: {}.",
                                     list));
    }
    return absl::OkStatus();
  }

  // Parses statements until one of `ends`; leaves the end tag's name as the current token.
  absl::Status ParseBody(std::initializer_list<std::string_view> ends, std::vector<Node*>* body,
                         bool drop_needle) {
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    FLINKDBT_RETURN_IF_ERROR(Subparse(ends, body));
    if (drop_needle) next();
    return absl::OkStatus();
  }

  absl::StatusOr<Node*> ParseStatement() {
    const Token& t = cur();
    NestGuard guard(&nesting_);
    if (nesting_ > kMaxNesting) return Fail(t, "statements nested too deeply");
    if (t.type != Tok::kName) return Fail(t, "tag name expected");
    std::string_view kw = t.text;
    if (kw == "for") return ParseFor();
    if (kw == "if") return ParseIf();
    if (kw == "set") return ParseSet();
    if (kw == "macro") return ParseMacro();
    if (kw == "call") return ParseCallBlock();
    if (kw == "filter") return ParseFilterBlock();
    if (kw == "include") return ParseInclude();
    if (kw == "import") return ParseImport();
    if (kw == "from") return ParseFrom();
    if (kw == "extends") return ParseExtends();
    if (kw == "block") return ParseBlock();
    if (kw == "with") return ParseWith();
    if (kw == "autoescape") return ParseAutoescape();
    if (kw == "do") {
      next();
      Node* n = New(NodeKind::kDo, t);
      FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseTuple(false, true, {}, false));
      FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
      return n;
    }
    if (kw == "break" || kw == "continue") {
      if (loop_depth_ == 0) {
        return Fail(t, fmt::format("SyntaxError: '{}' {}", kw,
                                   kw == "break" ? "outside loop" : "not properly in loop"));
      }
      Node* n = New(kw == "break" ? NodeKind::kBreak : NodeKind::kContinue, t);
      next();
      FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
      return n;
    }
    for (size_t i = 0; i < env_.block_tags().size(); ++i) {
      if (env_.block_tags()[i].tag == kw) return ParseCustomBlock(env_.block_tags()[i]);
    }
    return Fail(t, fmt::format("Encountered unknown tag '{}'.", kw));
  }

  absl::StatusOr<Node*> ParseFor() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kFor, t);
    n->name = impl_->Intern("loop");  // frames compare interned names by pointer first
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseAssignTarget(true, false, {"in"}, false));
    FLINKDBT_RETURN_IF_ERROR(ExpectName("in"));
    FLINKDBT_ASSIGN_OR_RETURN(n->b, ParseTuple(false, false, {"recursive"}, false));
    if (SkipName("if")) {
      FLINKDBT_ASSIGN_OR_RETURN(n->c, ParseExpression(true));
    }
    n->flag = SkipName("recursive");
    int saved_soft = soft_;
    soft_ = 0;
    ++loop_depth_;
    PushRefs();
    absl::Status st = ParseBody({"endfor", "else"}, &n->body, false);
    --loop_depth_;
    auto refs = PopRefs();
    n->flag2 = refs.contains("loop") || n->flag;
    if (n->c != nullptr) {
      // The filter condition may also mention loop variables only; it never sees `loop`.
    }
    FLINKDBT_RETURN_IF_ERROR(st);
    if (SkipName("else")) {
      FLINKDBT_RETURN_IF_ERROR(ParseBody({"endfor"}, &n->else_body, true));
    } else {
      next();
    }
    soft_ = saved_soft;
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Node*> ParseIf() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kIf, t);
    ++soft_;
    Node* node = n;
    while (true) {
      FLINKDBT_ASSIGN_OR_RETURN(node->a, ParseTuple(false, true, {}, false));
      FLINKDBT_RETURN_IF_ERROR(ParseBody({"elif", "else", "endif"}, &node->body, false));
      if (SkipName("elif")) {
        Node* e = New(NodeKind::kIf, toks_[pos_ - 1]);
        node->else_body.push_back(e);
        node = e;
        continue;
      }
      if (SkipName("else")) {
        FLINKDBT_RETURN_IF_ERROR(ParseBody({"endif"}, &node->else_body, true));
      } else {
        next();
      }
      break;
    }
    --soft_;
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Node*> ParseSet() {
    const Token& t = cur();
    next();
    FLINKDBT_ASSIGN_OR_RETURN(Node * target, ParseAssignTarget(true, false, {}, true));
    if (SkipOp("=")) {
      Node* n = New(NodeKind::kSet, t);
      n->a = target;
      FLINKDBT_ASSIGN_OR_RETURN(n->b, ParseTuple(false, true, {}, false));
      FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
      return n;
    }
    Node* n = New(NodeKind::kSetBlock, t);
    n->a = target;
    if (IsOp("|")) {
      FLINKDBT_ASSIGN_OR_RETURN(n->c, ParseFilter(nullptr, false));
    }
    FLINKDBT_RETURN_IF_ERROR(ParseBody({"endset"}, &n->body, true));
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::Status ParseSignature(Node* n) {
    FLINKDBT_RETURN_IF_ERROR(ExpectOp("("));
    while (!IsOp(")")) {
      if (!n->params.empty()) FLINKDBT_RETURN_IF_ERROR(ExpectOp(","));
      if (IsOp(")")) break;
      FLINKDBT_ASSIGN_OR_RETURN(std::string name, ExpectIdent());
      Node* def = nullptr;
      if (SkipOp("=")) {
        FLINKDBT_ASSIGN_OR_RETURN(def, ParseExpression(true));
      } else if (!n->defaults.empty() && n->defaults.back() != nullptr) {
        return Fail(cur(), "non-default argument follows default argument");
      }
      n->params.push_back(impl_->Intern(name));
      n->defaults.push_back(def);
    }
    next();
    return absl::OkStatus();
  }

  absl::Status ParseMacroBody(Node* n, std::string_view end) {
    int saved_soft = soft_;
    int saved_loop = loop_depth_;
    soft_ = 0;
    loop_depth_ = 0;
    ++macro_depth_;
    PushRefs();
    absl::Status st = ParseBody({end}, &n->body, true);
    auto refs = PopRefs();
    --macro_depth_;
    soft_ = saved_soft;
    loop_depth_ = saved_loop;
    FLINKDBT_RETURN_IF_ERROR(st);
    n->has_varargs = refs.contains("varargs");
    n->has_kwargs = refs.contains("kwargs");
    n->has_caller = refs.contains("caller");
    return absl::OkStatus();
  }

  absl::StatusOr<Node*> ParseMacro() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kMacro, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->name, ExpectInternedIdent());
    FLINKDBT_RETURN_IF_ERROR(ParseSignature(n));
    FLINKDBT_RETURN_IF_ERROR(ParseMacroBody(n, "endmacro"));
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    if (macro_depth_ == 0 && block_depth_ == 0 && top_level()) {
      SourceLocation loc = impl_->Location(n->offset);
      impl_->macros.push_back(MacroInfo{std::string(n->name),
                                        std::vector<std::string>(n->params.begin(), n->params.end()),
                                        loc.line, loc.column});
    }
    return n;
  }

  bool top_level() const { return loop_depth_ == 0 && soft_ == 0; }

  absl::StatusOr<Node*> ParseCallBlock() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kCallBlock, t);
    if (IsOp("(")) {
      FLINKDBT_RETURN_IF_ERROR(ParseSignature(n));
    }
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseExpression(true));
    if (n->a->kind != NodeKind::kCall) return Fail(t, "expected call");
    FLINKDBT_RETURN_IF_ERROR(ParseMacroBody(n, "endcall"));
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Node*> ParseFilterBlock() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kFilterBlock, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseFilter(nullptr, true));
    FLINKDBT_RETURN_IF_ERROR(ParseBody({"endfilter"}, &n->body, true));
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Node*> ParseAutoescape() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kAutoescape, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseExpression(true));
    FLINKDBT_RETURN_IF_ERROR(ParseBody({"endautoescape"}, &n->body, true));
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  // [with context | without context]; returns true when consumed.
  bool ParseContext(Node* n, bool dflt) {
    n->flag2 = dflt;
    if ((IsName("with") || IsName("without")) && peek().type == Tok::kName && peek().text == "context") {
      n->flag2 = cur().text == "with";
      next();
      next();
      return true;
    }
    return false;
  }

  absl::StatusOr<Node*> ParseInclude() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kInclude, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseExpression(true));
    if (IsName("ignore") && peek().type == Tok::kName && peek().text == "missing") {
      next();
      next();
      n->flag = true;
    }
    ParseContext(n, true);
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Node*> ParseImport() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kImport, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseExpression(true));
    FLINKDBT_RETURN_IF_ERROR(ExpectName("as"));
    FLINKDBT_ASSIGN_OR_RETURN(n->name, ExpectInternedIdent());
    ParseContext(n, false);
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Node*> ParseFrom() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kFromImport, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseExpression(true));
    FLINKDBT_RETURN_IF_ERROR(ExpectName("import"));
    n->flag2 = false;
    while (true) {
      if (!n->imports.empty()) {
        if (!SkipOp(",")) break;
      }
      if (cur().type == Tok::kName) {
        if (ParseContext(n, false)) break;
        std::string name(cur().text);
        if (name.starts_with("_")) return Fail(cur(), "names starting with an underline can not be imported");
        next();
        std::string alias = name;
        if (SkipName("as")) {
          FLINKDBT_ASSIGN_OR_RETURN(alias, ExpectIdent());
        }
        n->imports.emplace_back(name, alias);
        if (ParseContext(n, false) || !IsOp(",")) break;
      } else {
        return Expected("name");
      }
    }
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Node*> ParseExtends() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kExtends, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseExpression(true));
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    impl_->has_extends = true;
    return n;
  }

  absl::StatusOr<Node*> ParseBlock() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kBlock, t);
    FLINKDBT_ASSIGN_OR_RETURN(n->name, ExpectInternedIdent());
    if (impl_->blocks.contains(ToAbsl(n->name))) {
      return Fail(t, fmt::format("TemplateAssertionError: block '{}' defined twice", n->name));
    }
    n->flag = SkipName("scoped");
    n->flag2 = SkipName("required");
    int saved_soft = soft_, saved_loop = loop_depth_;
    soft_ = 0;
    loop_depth_ = 0;
    ++block_depth_;
    absl::Status st = ParseBody({"endblock"}, &n->body, true);
    --block_depth_;
    soft_ = saved_soft;
    loop_depth_ = saved_loop;
    FLINKDBT_RETURN_IF_ERROR(st);
    if (n->flag2) {
      for (Node* b : n->body) {
        if (b->kind != NodeKind::kText)
          return Fail(t, "Required blocks can only contain comments or whitespace");
        for (char c : b->value.AsString()) {
          if (!IsSpace(c)) return Fail(t, "Required blocks can only contain comments or whitespace");
        }
      }
    }
    if (cur().type == Tok::kName) {
      if (cur().text != n->name) {
        return Fail(cur(), fmt::format("mismatching name in endblock: '{}'", cur().text));
      }
      next();
    }
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    impl_->blocks[std::string(n->name)] = n;
    return n;
  }

  absl::StatusOr<Node*> ParseWith() {
    const Token& t = cur();
    next();
    Node* n = New(NodeKind::kWith, t);
    while (cur().type != Tok::kBlockEnd) {
      if (!n->args.empty()) FLINKDBT_RETURN_IF_ERROR(ExpectOp(","));
      FLINKDBT_ASSIGN_OR_RETURN(Node * target, ParseAssignTarget(false, false, {}, false));
      FLINKDBT_RETURN_IF_ERROR(ExpectOp("="));
      FLINKDBT_ASSIGN_OR_RETURN(Node * value, ParseExpression(true));
      n->args.push_back(target);
      n->defaults.push_back(value);
    }
    FLINKDBT_RETURN_IF_ERROR(ParseBody({"endwith"}, &n->body, true));
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    return n;
  }

  absl::StatusOr<Value> ConstValue(const Node* n) {
    switch (n->kind) {
      case NodeKind::kConst:
        return n->value;
      case NodeKind::kName:
        return Value::String(n->name);
      case NodeKind::kList:
      case NodeKind::kTuple: {
        std::vector<Value> items;
        for (const Node* c : n->args) {
          FLINKDBT_ASSIGN_OR_RETURN(Value v, ConstValue(c));
          items.push_back(std::move(v));
        }
        return n->kind == NodeKind::kList ? Value::List(std::move(items)) : Value::Tuple(std::move(items));
      }
      case NodeKind::kDict: {
        std::vector<std::pair<Value, Value>> items;
        for (size_t i = 0; i + 1 < n->args.size(); i += 2) {
          FLINKDBT_ASSIGN_OR_RETURN(Value k, ConstValue(n->args[i]));
          FLINKDBT_ASSIGN_OR_RETURN(Value v, ConstValue(n->args[i + 1]));
          items.emplace_back(std::move(k), std::move(v));
        }
        return Value::Dict(std::move(items));
      }
      default:
        return MakeError(absl::StatusCode::kInvalidArgument, *impl_, n->offset,
                         "TemplateSyntaxError: block tag arguments must be names or literals");
    }
  }

  absl::StatusOr<Node*> ParseCustomBlock(const BlockTag& tag) {
    const Token& t = cur();
    next();
    BlockDefinition def;
    def.tag = tag.tag;
    FLINKDBT_ASSIGN_OR_RETURN(def.name, ExpectIdent());
    Node* macro = New(NodeKind::kMacro, t);
    if (tag.allow_params && IsOp("(")) {
      FLINKDBT_RETURN_IF_ERROR(ParseSignature(macro));
    }
    while (SkipOp(",")) {
      if (cur().type == Tok::kName && peek().type == Tok::kOp && peek().text == "=") {
        std::string key(cur().text);
        next();
        next();
        FLINKDBT_ASSIGN_OR_RETURN(Node * e, ParseExpression(true));
        FLINKDBT_ASSIGN_OR_RETURN(Value v, ConstValue(e));
        def.kwargs.emplace_back(std::move(key), std::move(v));
      } else {
        FLINKDBT_ASSIGN_OR_RETURN(Node * e, ParseExpression(true));
        FLINKDBT_ASSIGN_OR_RETURN(Value v, ConstValue(e));
        def.args.push_back(v.Str());
      }
    }
    def.params.assign(macro->params.begin(), macro->params.end());
    uint32_t body_start = cur().end;
    std::string end = "end" + tag.tag;
    FLINKDBT_RETURN_IF_ERROR(ParseMacroBody(macro, end));
    uint32_t body_end = toks_[pos_ - 2].offset;  // the end tag's block-begin token
    FLINKDBT_RETURN_IF_ERROR(ExpectBlockEnd());
    if (body_end >= body_start) def.body_source = impl_->source.substr(body_start, body_end - body_start);
    def.macro_name = tag.macro_name ? tag.macro_name(def) : fmt::format("{}_{}", tag.tag, def.name);
    macro->name = impl_->Intern(def.macro_name);
    SourceLocation loc = impl_->Location(t.offset);
    def.line = loc.line;
    def.column = loc.column;
    Node* n = New(NodeKind::kCustomBlock, t);
    n->a = macro;
    n->block_index = static_cast<int>(impl_->block_defs.size());
    impl_->block_defs.push_back(std::move(def));
    return n;
  }

  // ---- assignment targets
  absl::StatusOr<Node*> ParseAssignTarget(bool with_tuple, bool name_only,
                                          std::initializer_list<std::string_view> extra_end,
                                          bool with_namespace) {
    Node* target;
    if (with_namespace && cur().type == Tok::kName && peek().type == Tok::kOp && peek().text == ".") {
      const Token& t = cur();
      Node* obj = New(NodeKind::kName, t);
      obj->name = impl_->Intern(t.text);
      next();
      next();
      target = New(NodeKind::kGetAttr, t);
      target->a = obj;
      FLINKDBT_ASSIGN_OR_RETURN(target->name, ExpectInternedIdent());
      return target;
    }
    if (name_only) {
      const Token& t = cur();
      target = New(NodeKind::kName, t);
      FLINKDBT_ASSIGN_OR_RETURN(target->name, ExpectInternedIdent());
      return target;
    }
    if (with_tuple) {
      FLINKDBT_ASSIGN_OR_RETURN(target, ParseTuple(true, true, extra_end, false));
    } else {
      FLINKDBT_ASSIGN_OR_RETURN(target, ParsePrimary());
    }
    FLINKDBT_RETURN_IF_ERROR(CheckAssignable(target));
    return target;
  }

  absl::Status CheckAssignable(const Node* n) {
    if (n->kind == NodeKind::kName) {
      if (n->name == "true" || n->name == "false" || n->name == "none" || n->name == "True" ||
          n->name == "False" || n->name == "None") {
        return Fail(cur(), fmt::format("can't assign to '{}'", n->name));
      }
      return absl::OkStatus();
    }
    if (n->kind == NodeKind::kTuple) {
      for (const Node* c : n->args) FLINKDBT_RETURN_IF_ERROR(CheckAssignable(c));
      return absl::OkStatus();
    }
    return MakeError(absl::StatusCode::kInvalidArgument, *impl_, n->offset,
                     "TemplateSyntaxError: can't assign to this expression");
  }

  // ---- expressions
  bool IsTupleEnd(std::initializer_list<std::string_view> extra_end) const {
    Tok ty = cur().type;
    if (ty == Tok::kVarEnd || ty == Tok::kBlockEnd || ty == Tok::kEof) return true;
    if (IsOp(")")) return true;
    if (ty == Tok::kName) {
      for (std::string_view e : extra_end) {
        if (cur().text == e) return true;
      }
    }
    return false;
  }

  absl::StatusOr<Node*> ParseTuple(bool simplified, bool with_condexpr,
                                   std::initializer_list<std::string_view> extra_end, bool explicit_parens) {
    const Token& t = cur();
    std::vector<Node*> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) FLINKDBT_RETURN_IF_ERROR(ExpectOp(","));
      if (IsTupleEnd(extra_end)) break;
      Node* e;
      if (simplified) {
        FLINKDBT_ASSIGN_OR_RETURN(e, ParsePrimary());
      } else {
        FLINKDBT_ASSIGN_OR_RETURN(e, ParseExpression(with_condexpr));
      }
      items.push_back(e);
      if (IsOp(",")) {
        is_tuple = true;
      } else {
        break;
      }
    }
    if (!is_tuple) {
      if (!items.empty()) return items[0];
      if (!explicit_parens) {
        return Fail(cur(), fmt::format("Expected an expression, got '{}'", Describe(cur())));
      }
    }
    Node* n = New(NodeKind::kTuple, t);
    n->args = std::move(items);
    return FoldConstContainer(n);
  }

  // A tuple of constants is itself a constant (tuples are immutable; lists are not folded).
  Node* FoldConstContainer(Node* n) {
    std::vector<Value> items;
    for (const Node* c : n->args) {
      if (c->kind != NodeKind::kConst) return n;
      items.push_back(c->value);
    }
    n->kind = NodeKind::kConst;
    n->value = Value::Tuple(std::move(items));
    return n;
  }

  absl::StatusOr<Node*> ParseExpression(bool with_condexpr) {
    if (with_condexpr) return ParseCondExpr();
    return ParseOr();
  }

  absl::StatusOr<Node*> ParseCondExpr() {
    NestGuard guard(&nesting_);
    if (nesting_ > kMaxNesting) return Fail(cur(), "expression nested too deeply");
    FLINKDBT_ASSIGN_OR_RETURN(Node * expr1, ParseOr());
    while (IsName("if")) {
      const Token& t = cur();
      next();
      ++soft_;
      Node* n = New(NodeKind::kCondExpr, t);
      n->a = expr1;
      auto b = ParseOr();
      if (!b.ok()) return b;
      n->b = *b;
      if (SkipName("else")) {
        auto c = ParseCondExpr();
        if (!c.ok()) return c;
        n->c = *c;
      }
      --soft_;
      expr1 = n;
    }
    return expr1;
  }

  absl::StatusOr<Node*> ParseOr() {
    FLINKDBT_ASSIGN_OR_RETURN(Node * left, ParseAnd());
    while (IsName("or")) {
      const Token& t = cur();
      next();
      Node* n = New(NodeKind::kOr, t);
      n->a = left;
      FLINKDBT_ASSIGN_OR_RETURN(n->b, ParseAnd());
      left = n;
    }
    return left;
  }

  absl::StatusOr<Node*> ParseAnd() {
    FLINKDBT_ASSIGN_OR_RETURN(Node * left, ParseNot());
    while (IsName("and")) {
      const Token& t = cur();
      next();
      Node* n = New(NodeKind::kAnd, t);
      n->a = left;
      FLINKDBT_ASSIGN_OR_RETURN(n->b, ParseNot());
      left = n;
    }
    return left;
  }

  absl::StatusOr<Node*> ParseNot() {
    NestGuard guard(&nesting_);
    if (nesting_ > kMaxNesting) return Fail(cur(), "expression nested too deeply");
    if (IsName("not")) {
      const Token& t = cur();
      next();
      Node* n = New(NodeKind::kNot, t);
      FLINKDBT_ASSIGN_OR_RETURN(n->a, ParseNot());
      return n;
    }
    return ParseCompare();
  }

  absl::StatusOr<Node*> ParseCompare() {
    const Token& t = cur();
    FLINKDBT_ASSIGN_OR_RETURN(Node * expr, ParseMath1());
    Node* cmp = nullptr;
    while (true) {
      CmpOp op;
      if (cur().type == Tok::kOp && cur().text == "==") {
        op = CmpOp::kEq;
      } else if (IsOp("!=")) {
        op = CmpOp::kNe;
      } else if (IsOp("<")) {
        op = CmpOp::kLt;
      } else if (IsOp("<=")) {
        op = CmpOp::kLe;
      } else if (IsOp(">")) {
        op = CmpOp::kGt;
      } else if (IsOp(">=")) {
        op = CmpOp::kGe;
      } else if (IsName("in")) {
        op = CmpOp::kIn;
      } else if (IsName("not") && peek().type == Tok::kName && peek().text == "in") {
        next();
        op = CmpOp::kNotIn;
      } else {
        break;
      }
      next();
      if (cmp == nullptr) {
        cmp = New(NodeKind::kCompare, t);
        cmp->a = expr;
      }
      cmp->ops.push_back(static_cast<uint8_t>(op));
      FLINKDBT_ASSIGN_OR_RETURN(Node * rhs, ParseMath1());
      cmp->args.push_back(rhs);
    }
    return cmp != nullptr ? cmp : expr;
  }

  absl::StatusOr<Node*> ParseMath1() {
    FLINKDBT_ASSIGN_OR_RETURN(Node * left, ParseConcat());
    while (IsOp("+") || IsOp("-")) {
      const Token& t = cur();
      BinOp op = t.text == "+" ? BinOp::kAdd : BinOp::kSub;
      next();
      Node* n = New(NodeKind::kBinary, t);
      n->op = static_cast<uint8_t>(op);
      n->a = left;
      FLINKDBT_ASSIGN_OR_RETURN(n->b, ParseConcat());
      left = n;
    }
    return left;
  }

  absl::StatusOr<Node*> ParseConcat() {
    const Token& t = cur();
    FLINKDBT_ASSIGN_OR_RETURN(Node * first, ParseMath2());
    if (!IsOp("~")) return first;
    Node* n = New(NodeKind::kConcat, t);
    n->args.push_back(first);
    while (SkipOp("~")) {
      FLINKDBT_ASSIGN_OR_RETURN(Node * e, ParseMath2());
      n->args.push_back(e);
    }
    return n;
  }

  absl::StatusOr<Node*> ParseMath2() {
    FLINKDBT_ASSIGN_OR_RETURN(Node * left, ParsePow());
    while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) {
      const Token& t = cur();
      BinOp op = t.text == "*"    ? BinOp::kMul
                 : t.text == "/"  ? BinOp::kDiv
                 : t.text == "//" ? BinOp::kFloorDiv
                                  : BinOp::kMod;
      next();
      Node* n = New(NodeKind::kBinary, t);
      n->op = static_cast<uint8_t>(op);
      n->a = left;
      FLINKDBT_ASSIGN_OR_RETURN(n->b, ParsePow());
      left = n;
    }
    return left;
  }

  absl::StatusOr<Node*> ParsePow() {
    FLINKDBT_ASSIGN_OR_RETURN(Node * left, ParseUnary(true));
    while (IsOp("**")) {
      const Token& t = cur();
      next();
      Node* n = New(NodeKind::kBinary, t);
      n->op = static_cast<uint8_t>(BinOp::kPow);
      n->a = left;
      FLINKDBT_ASSIGN_OR_RETURN(n->b, ParseUnary(true));
      left = n;
    }
    return left;
  }

  // Nesting bound for expressions and statements: keeps the recursive parser and evaluator far
  // from the end of the stack on hostile input.
  static constexpr int kMaxNesting = 200;
  struct NestGuard {
    explicit NestGuard(int* d) : depth(d) { ++*depth; }
    ~NestGuard() { --*depth; }
    int* depth;
  };

  absl::StatusOr<Node*> ParseUnary(bool with_filter) {
    const Token& t = cur();
    NestGuard guard(&nesting_);
    if (nesting_ > kMaxNesting) return Fail(t, "expression nested too deeply");
    Node* node;
    if (IsOp("-") || IsOp("+")) {
      node = New(t.text == "-" ? NodeKind::kNeg : NodeKind::kPos, t);
      next();
      FLINKDBT_ASSIGN_OR_RETURN(node->a, ParseUnary(false));
    } else {
      FLINKDBT_ASSIGN_OR_RETURN(node, ParsePrimary());
    }
    FLINKDBT_ASSIGN_OR_RETURN(node, ParsePostfix(node));
    if (with_filter) {
      FLINKDBT_ASSIGN_OR_RETURN(node, ParseFilterExpr(node));
    }
    return node;
  }

  absl::StatusOr<Node*> ParsePrimary() {
    const Token& t = cur();
    switch (t.type) {
      case Tok::kName: {
        std::string_view s = t.text;
        Node* n;
        if (s == "true" || s == "True" || s == "false" || s == "False") {
          n = New(NodeKind::kConst, t);
          n->value = Value::Bool(s[0] == 't' || s[0] == 'T');
        } else if (s == "none" || s == "None") {
          n = New(NodeKind::kConst, t);
          n->value = Value::None();
        } else {
          n = New(NodeKind::kName, t);
          n->name = impl_->Intern(s);
          NoteName(n->name);
        }
        next();
        return n;
      }
      case Tok::kString: {
        Node* n = New(NodeKind::kConst, t);
        std::string s = t.str;
        next();
        while (cur().type == Tok::kString) {
          s += cur().str;
          next();
        }
        n->value = Value::String(std::move(s));
        return n;
      }
      case Tok::kInt: {
        Node* n = New(NodeKind::kConst, t);
        std::string_view txt = t.text;
        if (txt.size() > 2 && txt[0] == '0' && (txt[1] | 0x20) != '0' && !IsDigit(txt[1])) {
          int base = (txt[1] | 0x20) == 'x' ? 16 : (txt[1] | 0x20) == 'o' ? 8 : 2;
          uint128 v = 0;
          for (char c : txt.substr(2)) {
            if (c == '_') continue;
            int d = IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
            v = v * base + d;
          }
          n->value = Value::Int128(static_cast<int128>(v));
        } else {
          auto v = Value::ParseInt(txt);
          n->value = v ? *v : Value::Int(0);
        }
        next();
        return n;
      }
      case Tok::kFloat: {
        Node* n = New(NodeKind::kConst, t);
        std::string clean;
        for (char c : t.text) {
          if (c != '_') clean.push_back(c);
        }
        n->value = Value::Float(std::strtod(clean.c_str(), nullptr));
        next();
        return n;
      }
      case Tok::kOp: {
        if (t.text == "(") {
          next();
          FLINKDBT_ASSIGN_OR_RETURN(Node * n, ParseTuple(false, true, {}, true));
          FLINKDBT_RETURN_IF_ERROR(ExpectOp(")"));
          return n;
        }
        if (t.text == "[") {
          next();
          Node* n = New(NodeKind::kList, t);
          while (!IsOp("]")) {
            if (!n->args.empty()) FLINKDBT_RETURN_IF_ERROR(ExpectOp(","));
            if (IsOp("]")) break;
            FLINKDBT_ASSIGN_OR_RETURN(Node * e, ParseExpression(true));
            n->args.push_back(e);
          }
          next();
          return n;
        }
        if (t.text == "{") {
          next();
          Node* n = New(NodeKind::kDict, t);
          while (!IsOp("}")) {
            if (!n->args.empty()) FLINKDBT_RETURN_IF_ERROR(ExpectOp(","));
            if (IsOp("}")) break;
            FLINKDBT_ASSIGN_OR_RETURN(Node * k, ParseExpression(true));
            FLINKDBT_RETURN_IF_ERROR(ExpectOp(":"));
            FLINKDBT_ASSIGN_OR_RETURN(Node * v, ParseExpression(true));
            n->args.push_back(k);
            n->args.push_back(v);
          }
          next();
          return n;
        }
        break;
      }
      default:
        break;
    }
    return Fail(t, fmt::format("unexpected '{}'", Describe(t)));
  }

  absl::StatusOr<Node*> ParsePostfix(Node* node) {
    while (true) {
      if (IsOp(".") || IsOp("[")) {
        FLINKDBT_ASSIGN_OR_RETURN(node, ParseSubscript(node));
      } else if (IsOp("(")) {
        FLINKDBT_ASSIGN_OR_RETURN(node, ParseCall(node));
      } else {
        return node;
      }
    }
  }

  absl::StatusOr<Node*> ParseFilterExpr(Node* node) {
    while (true) {
      if (IsOp("|")) {
        FLINKDBT_ASSIGN_OR_RETURN(node, ParseFilter(node, false));
      } else if (IsName("is")) {
        FLINKDBT_ASSIGN_OR_RETURN(node, ParseTest(node));
      } else if (IsOp("(")) {
        FLINKDBT_ASSIGN_OR_RETURN(node, ParseCall(node));
      } else {
        return node;
      }
    }
  }

  absl::StatusOr<Node*> ParseSubscript(Node* node) {
    const Token& t = cur();
    if (SkipOp(".")) {
      const Token& a = cur();
      if (a.type == Tok::kName) {
        Node* n = New(NodeKind::kGetAttr, t);
        n->a = node;
        n->name = impl_->Intern(a.text);
        n->maybe_method = BuiltinMethodKinds(n->name);
        if (node->kind == NodeKind::kName && node->name == "loop") n->op = LoopAttributeCode(n->name);
        next();
        return n;
      }
      if (a.type == Tok::kInt) {
        Node* n = New(NodeKind::kGetItem, t);
        n->a = node;
        FLINKDBT_ASSIGN_OR_RETURN(n->b, ParsePrimary());
        return n;
      }
      return Expected("name or number");
    }
    next();  // [
    // As Jinja2: `a[x, y]` subscripts with a tuple, `a[]` with the empty tuple, and no trailing
    // comma is allowed.
    std::vector<Node*> items;
    while (!IsOp("]")) {
      if (!items.empty()) FLINKDBT_RETURN_IF_ERROR(ExpectOp(","));
      FLINKDBT_ASSIGN_OR_RETURN(Node * e, ParseSubscribed());
      items.push_back(e);
    }
    FLINKDBT_RETURN_IF_ERROR(ExpectOp("]"));
    Node* arg;
    if (items.size() == 1) {
      arg = items[0];
    } else {
      // A slice inside a tuple subscript only works in Jinja2 when the whole subscript is folded
      // as a constant (it then yields undefined); otherwise its generated Python does not compile.
      bool has_slice = false;
      for (const Node* e : items) has_slice |= e->kind == NodeKind::kSlice;
      if (has_slice && node->kind != NodeKind::kConst && node->kind != NodeKind::kList &&
          node->kind != NodeKind::kTuple && node->kind != NodeKind::kDict) {
        return Fail(t, "invalid syntax: a slice inside a tuple subscript");
      }
      arg = New(NodeKind::kTuple, t);
      arg->args = std::move(items);
    }
    if (arg->kind == NodeKind::kSlice) {
      arg->a = node;
      return arg;
    }
    Node* n = New(NodeKind::kGetItem, t);
    n->a = node;
    n->b = arg;
    return n;
  }

  absl::StatusOr<Node*> ParseSubscribed() {
    const Token& t = cur();
    Node* start = nullptr;
    if (!IsOp(":")) {
      FLINKDBT_ASSIGN_OR_RETURN(start, ParseExpression(true));
      if (!IsOp(":")) return start;
    }
    next();  // :
    Node* n = New(NodeKind::kSlice, t);
    n->b = start;
    if (!IsOp("]") && !IsOp(",") && !IsOp(":")) {
      FLINKDBT_ASSIGN_OR_RETURN(n->c, ParseExpression(true));
    }
    if (SkipOp(":")) {
      if (!IsOp("]") && !IsOp(",")) {
        FLINKDBT_ASSIGN_OR_RETURN(n->d, ParseExpression(true));
      }
    }
    return n;
  }

  absl::Status ParseCallArgs(Node* n) {
    FLINKDBT_RETURN_IF_ERROR(ExpectOp("("));
    bool first = true;
    while (!IsOp(")")) {
      if (!first) {
        FLINKDBT_RETURN_IF_ERROR(ExpectOp(","));
        if (IsOp(")")) break;
      }
      first = false;
      if (IsOp("*")) {
        next();
        FLINKDBT_ASSIGN_OR_RETURN(n->c, ParseExpression(true));
      } else if (IsOp("**")) {
        next();
        FLINKDBT_ASSIGN_OR_RETURN(n->d, ParseExpression(true));
      } else if (cur().type == Tok::kName && peek().type == Tok::kOp && peek().text == "=") {
        std::string key(cur().text);
        next();
        next();
        FLINKDBT_ASSIGN_OR_RETURN(Node * v, ParseExpression(true));
        n->kwargs.emplace_back(std::move(key), v);
      } else {
        if (!n->kwargs.empty() || n->c != nullptr || n->d != nullptr) {
          return Fail(cur(), "invalid syntax for function call expression");
        }
        FLINKDBT_ASSIGN_OR_RETURN(Node * v, ParseExpression(true));
        n->args.push_back(v);
      }
    }
    next();
    return absl::OkStatus();
  }

  absl::StatusOr<Node*> ParseCall(Node* callee) {
    const Token& t = cur();
    Node* n = New(NodeKind::kCall, t);
    n->a = callee;
    FLINKDBT_RETURN_IF_ERROR(ParseCallArgs(n));
    return n;
  }

  absl::StatusOr<std::string> ParseDottedName() {
    FLINKDBT_ASSIGN_OR_RETURN(std::string name, ExpectIdent());
    while (IsOp(".")) {
      next();
      FLINKDBT_ASSIGN_OR_RETURN(std::string part, ExpectIdent());
      name += "." + part;
    }
    return name;
  }

  absl::StatusOr<Node*> ParseFilter(Node* node, bool start_inline) {
    while (IsOp("|") || start_inline) {
      if (!start_inline) next();
      start_inline = false;
      const Token& t = cur();
      Node* n = New(NodeKind::kFilter, t);
      FLINKDBT_ASSIGN_OR_RETURN(std::string dotted, ParseDottedName());
      n->name = impl_->Intern(dotted);
      n->a = node;
      if (IsOp("(")) FLINKDBT_RETURN_IF_ERROR(ParseCallArgs(n));
      n->filter = FindFilter(n->name);
      if (n->filter == nullptr && soft_ == 0) {
        return MakeError(absl::StatusCode::kInvalidArgument, *impl_, t.offset,
                         fmt::format("TemplateAssertionError: No filter named '{}'.", n->name));
      }
      node = n;
    }
    return node;
  }

  absl::StatusOr<Node*> ParseTest(Node* node) {
    const Token& is_tok = cur();
    next();  // is
    bool negated = SkipName("not");
    Node* n = New(NodeKind::kTest, is_tok);
    n->flag = negated;
    n->a = node;
    FLINKDBT_ASSIGN_OR_RETURN(std::string dotted, ParseDottedName());
    n->name = impl_->Intern(dotted);
    if (IsOp("(")) {
      FLINKDBT_RETURN_IF_ERROR(ParseCallArgs(n));
    } else {
      Tok ty = cur().type;
      bool arg = ty == Tok::kName || ty == Tok::kString || ty == Tok::kInt || ty == Tok::kFloat ||
                 IsOp("(") || IsOp("[") || IsOp("{");
      if (ty == Tok::kName && (cur().text == "else" || cur().text == "or" || cur().text == "and")) {
        arg = false;
      }
      if (arg) {
        if (IsName("is")) return Fail(cur(), "You cannot chain multiple tests with is");
        FLINKDBT_ASSIGN_OR_RETURN(Node * a, ParsePrimary());
        FLINKDBT_ASSIGN_OR_RETURN(a, ParsePostfix(a));
        n->args.push_back(a);
      }
    }
    n->test = FindTest(n->name);
    if (n->test == nullptr && soft_ == 0) {
      return MakeError(absl::StatusCode::kInvalidArgument, *impl_, n->offset,
                       fmt::format("TemplateAssertionError: No test named '{}'.", n->name));
    }
    return n;
  }

  const Environment& env_;
  TemplateImpl* impl_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int soft_ = 0;
  int loop_depth_ = 0;
  int macro_depth_ = 0;
  int block_depth_ = 0;
  int nesting_ = 0;
  std::vector<absl::flat_hash_set<std::string>> refs_;
};

}  // namespace

absl::Status ParseTemplate(const Environment& env, TemplateImpl* impl) {
  impl->source = NormalizeNewlines(impl->source, env.options().keep_trailing_newline);
  std::vector<Token> tokens;
  tokens.reserve(impl->source.size() / 4 + 8);
  Lexer lexer(*impl, env.options());
  FLINKDBT_RETURN_IF_ERROR(lexer.Run(&tokens));
  Parser parser(env, impl, std::move(tokens));
  FLINKDBT_RETURN_IF_ERROR(parser.Run());
  // Names looked up in dicts at render time carry their hash, computed once here.
  for (Node& n : impl->arena) {
    if (!n.name.empty()) n.name_hash = internal::ValueHasher()(n.name);
  }
  return absl::OkStatus();
}

}  // namespace flinkdbt::jinja::internal
