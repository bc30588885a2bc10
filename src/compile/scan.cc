// Lexical scans that need no template engine: macro blocks of macro files, docs blocks, and dbt's
// static extraction of ref/source/config from simple models.
#include <cctype>

#include "flinkdbt/compile/parser.h"
#include "flinkdbt/project/config.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"

namespace flinkdbt::compile {
namespace {

struct Tag {
  size_t begin = 0;  // offset of "{%"
  size_t end = 0;    // offset just past "%}"
  std::string word;  // first word inside
  std::string rest;  // text after the first word
};

// Reads the next `{% ... %}` tag at or after `pos`, skipping `{# #}` comments and `{% raw %}` blocks.
bool NextTag(std::string_view text, size_t& pos, Tag* tag) {
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos || open + 1 >= text.size()) return false;
    char next = text[open + 1];
    if (next == '#') {
      size_t close = text.find("#}", open + 2);
      if (close == std::string_view::npos) return false;
      pos = close + 2;
      continue;
    }
    if (next != '%') {
      pos = open + 1;
      continue;
    }
    size_t close = text.find("%}", open + 2);
    if (close == std::string_view::npos) return false;
    std::string_view inner = text.substr(open + 2, close - open - 2);
    if (!inner.empty() && (inner.front() == '-' || inner.front() == '+')) inner.remove_prefix(1);
    if (!inner.empty() && inner.back() == '-') inner.remove_suffix(1);
    size_t i = 0;
    while (i < inner.size() && std::isspace(static_cast<unsigned char>(inner[i]))) ++i;
    size_t w = i;
    while (w < inner.size() && (std::isalnum(static_cast<unsigned char>(inner[w])) || inner[w] == '_')) ++w;
    tag->begin = open;
    tag->end = close + 2;
    tag->word = std::string(inner.substr(i, w - i));
    tag->rest = std::string(inner.substr(w));
    pos = close + 2;
    if (tag->word == "raw") {
      size_t endraw = text.find("endraw", pos);
      if (endraw == std::string_view::npos) return false;
      size_t after = text.find("%}", endraw);
      pos = after == std::string_view::npos ? text.size() : after + 2;
      continue;
    }
    return true;
  }
  return false;
}

std::string FirstName(const std::string& rest) {
  size_t i = 0;
  while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i]))) ++i;
  size_t b = i;
  while (i < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[i])) || rest[i] == '_')) ++i;
  return rest.substr(b, i - b);
}

}  // namespace

absl::StatusOr<std::vector<MacroSource>> ScanMacros(std::string_view text, const std::string& file,
                                                    bool generic_test_file) {
  std::vector<MacroSource> out;
  size_t pos = 0;
  Tag tag;
  while (NextTag(text, pos, &tag)) {
    const std::string& w = tag.word;
    bool is_macro = w == "macro";
    bool is_test = w == "test" || w == "data_test";
    bool is_mat = w == "materialization";
    if (!is_macro && !is_test && !is_mat) {
      if (w == "docs" || w == "snapshot" || w.empty()) continue;
      if (generic_test_file || true) {
        // Top-level statements outside blocks are not allowed in macro files, but dbt only rejects
        // unknown *block* tags; plain tags such as {% set %} at top level are ignored.
        continue;
      }
    }
    SourceLocation loc = LocationOfOffset(text, tag.begin, file);
    std::string name = FirstName(tag.rest);
    if (name.empty()) return project::ErrorAt(loc, fmt::format("'{}' block without a name", w));
    std::string end_word = "end" + w;
    Tag end;
    size_t p = pos;
    bool found = false;
    while (NextTag(text, p, &end)) {
      if (end.word == end_word) {
        found = true;
        break;
      }
      if (end.word == w) {
        return project::ErrorAt(
            LocationOfOffset(text, end.begin, file),
            fmt::format("'{}' blocks cannot be nested (missing {{% {} %}} for '{}'?)", w, end_word, name));
      }
    }
    if (!found) {
      return project::ErrorAt(
          loc, fmt::format("'{}' block '{}' is never closed: missing {{% {} %}}", w, name, end_word));
    }
    MacroSource m;
    if (is_test) {
      m.name = "test_" + name;
    } else if (is_mat) {
      // {% materialization name, adapter='x' %} or {% materialization name, default %}
      std::string adapter = "default";
      size_t a = tag.rest.find("adapter");
      if (a != std::string::npos) {
        size_t q = tag.rest.find_first_of("'\"", a);
        if (q != std::string::npos) {
          size_t q2 = tag.rest.find(tag.rest[q], q + 1);
          if (q2 != std::string::npos) adapter = tag.rest.substr(q + 1, q2 - q - 1);
        }
      }
      m.name = "materialization_" + name + "_" + adapter;
    } else {
      m.name = name;
    }
    m.sql = std::string(text.substr(tag.begin, end.end - tag.begin));
    m.line = loc.line;
    m.column = loc.column;
    out.push_back(std::move(m));
    pos = end.end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Static extraction (dbt-extractor's subset): the template may contain only text, comments and
// `{{ ref(...) }}`, `{{ source(...) }}`, `{{ config(...) }}` with literal arguments.

namespace {

class LiteralParser {
 public:
  explicit LiteralParser(std::string_view s) : s_(s) {}
  void Ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Eat(char c) {
    Ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    Ws();
    return i_ >= s_.size();
  }
  std::string Ident() {
    Ws();
    size_t b = i_;
    if (i_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
      ++i_;
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) ++i_;
    }
    return std::string(s_.substr(b, i_ - b));
  }
  size_t pos() const { return i_; }
  void set_pos(size_t p) { i_ = p; }

  std::optional<Value> Literal(int depth = 0) {
    if (depth > 20) return std::nullopt;
    Ws();
    if (i_ >= s_.size()) return std::nullopt;
    char c = s_[i_];
    if (c == '\'' || c == '"') {
      ++i_;
      std::string out;
      while (i_ < s_.size() && s_[i_] != c) {
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
          char e = s_[i_ + 1];
          out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          i_ += 2;
          continue;
        }
        out += s_[i_++];
      }
      if (i_ >= s_.size()) return std::nullopt;
      ++i_;
      return Value::String(std::move(out));
    }
    if (c == '[' || c == '(') {
      char close = c == '[' ? ']' : ')';
      ++i_;
      Value list = Value::MakeList();
      if (Eat(close)) return list;
      while (true) {
        auto item = Literal(depth + 1);
        if (!item) return std::nullopt;
        list.Push(std::move(*item));
        if (Eat(',')) {
          if (Eat(close)) return list;
          continue;
        }
        if (Eat(close)) return list;
        return std::nullopt;
      }
    }
    if (c == '{') {
      ++i_;
      Value map = Value::MakeMap();
      if (Eat('}')) return map;
      while (true) {
        auto key = Literal(depth + 1);
        if (!key || !key->is_string()) return std::nullopt;
        if (!Eat(':')) return std::nullopt;
        auto val = Literal(depth + 1);
        if (!val) return std::nullopt;
        map.Set(key->as_string(), std::move(*val));
        if (Eat(',')) {
          if (Eat('}')) return map;
          continue;
        }
        if (Eat('}')) return map;
        return std::nullopt;
      }
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      size_t b = i_++;
      bool dbl = false;
      while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) {
        if (s_[i_] == '.') dbl = true;
        ++i_;
      }
      std::string num(s_.substr(b, i_ - b));
      if (num == "-") return std::nullopt;
      if (dbl) return Value::Double(std::strtod(num.c_str(), nullptr));
      return Value::Int(std::strtoll(num.c_str(), nullptr, 10));
    }
    std::string id = Ident();
    if (id == "True" || id == "true") return Value::Bool(true);
    if (id == "False" || id == "false") return Value::Bool(false);
    if (id == "None" || id == "none") return Value::Null();
    return std::nullopt;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// Parses `name(args)` where args are literals and key=literal pairs.
bool ParseCall(std::string_view expr, std::string* fn, std::vector<Value>* args,
               std::vector<std::pair<std::string, Value>>* kwargs) {
  LiteralParser p(expr);
  *fn = p.Ident();
  if (fn->empty() || !p.Eat('(')) return false;
  if (p.Eat(')')) return p.AtEnd();
  while (true) {
    size_t save = p.pos();
    std::string key = p.Ident();
    if (!key.empty() && p.Eat('=')) {
      auto v = p.Literal();
      if (!v) return false;
      kwargs->emplace_back(key, std::move(*v));
    } else {
      p.set_pos(save);
      if (!kwargs->empty()) return false;
      auto v = p.Literal();
      if (!v) return false;
      args->push_back(std::move(*v));
    }
    if (p.Eat(',')) {
      if (p.Eat(')')) return p.AtEnd();
      continue;
    }
    if (p.Eat(')')) return p.AtEnd();
    return false;
  }
}

}  // namespace

std::optional<ParseCapture> StaticExtract(std::string_view raw, const std::string& file) {
  ParseCapture cap;
  size_t pos = 0;
  while (true) {
    size_t open = raw.find('{', pos);
    if (open == std::string_view::npos || open + 1 >= raw.size()) break;
    char next = raw[open + 1];
    if (next == '%') return std::nullopt;
    if (next == '#') {
      size_t close = raw.find("#}", open + 2);
      if (close == std::string_view::npos) return std::nullopt;
      pos = close + 2;
      continue;
    }
    if (next != '{') {
      pos = open + 1;
      continue;
    }
    size_t close = raw.find("}}", open + 2);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view expr = raw.substr(open + 2, close - open - 2);
    if (!expr.empty() && expr.front() == '-') expr.remove_prefix(1);
    if (!expr.empty() && expr.back() == '-') expr.remove_suffix(1);
    std::string fn;
    std::vector<Value> args;
    std::vector<std::pair<std::string, Value>> kwargs;
    if (!ParseCall(expr, &fn, &args, &kwargs)) return std::nullopt;
    SourceLocation loc = LocationOfOffset(raw, open, file);
    if (fn == "ref") {
      RefCall r;
      r.location = loc;
      for (const Value& a : args) {
        if (!a.is_string()) return std::nullopt;
      }
      if (args.size() == 1) {
        r.name = args[0].as_string();
      } else if (args.size() == 2) {
        r.package = args[0].as_string();
        r.name = args[1].as_string();
      } else {
        return std::nullopt;
      }
      for (const auto& [k, v] : kwargs) {
        if (k == "v" || k == "version") {
          r.version = v;
        } else {
          return std::nullopt;
        }
      }
      cap.refs.push_back(std::move(r));
    } else if (fn == "source") {
      if (args.size() != 2 || !kwargs.empty() || !args[0].is_string() || !args[1].is_string())
        return std::nullopt;
      cap.sources.push_back(SourceCall{args[0].as_string(), args[1].as_string(), loc});
    } else if (fn == "config") {
      if (!args.empty()) {
        if (args.size() != 1 || !args[0].is_map() || !kwargs.empty()) return std::nullopt;
        for (const auto& [k, v] : args[0].map()) cap.config_call.Set(k, v);
      }
      for (auto& [k, v] : kwargs) {
        Value lv = v;
        lv.set_location(loc);
        Value one = Value::MakeMap();
        one.Set(k, std::move(lv));
        project::MergeConfig(cap.config_call, one);
      }
    } else {
      return std::nullopt;
    }
    pos = close + 2;
  }
  return cap;
}

}  // namespace flinkdbt::compile
