// Tests of the output source map (RenderOptions::source_map): which output bytes come from which
// source bytes of the rendered template.
#include <string>
#include <vector>

#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/jinja/value.h"
#include "gtest/gtest.h"

namespace flinkdbt::jinja {
namespace {

struct Mapped {
  std::string out;
  std::vector<SourceMapEntry> map;
};

// Renders `src` with a source map and checks the invariants every map must satisfy: increasing
// non-empty chunks, literal chunks equal to their source bytes, expression chunks pointing at a tag.
Mapped RenderMapped(const Environment& env, const std::string& src, const Value& ctx = Value()) {
  Mapped m;
  auto t = env.Parse(src, "model.sql");
  EXPECT_TRUE(t.ok()) << FormatError(t.status());
  if (!t.ok()) return m;
  RenderOptions opts;
  m.map.push_back(SourceMapEntry{99, 99, true});  // stale content is cleared
  opts.source_map = &m.map;
  auto r = env.Render(**t, ctx, opts);
  EXPECT_TRUE(r.ok()) << FormatError(r.status());
  if (!r.ok()) return m;
  m.out = *r;
  // Same output without a map.
  auto plain = env.Render(**t, ctx);
  EXPECT_TRUE(plain.ok());
  if (plain.ok()) {
    EXPECT_EQ(*plain, m.out);
  }
  const std::string& source = (*t)->source();
  for (size_t i = 0; i < m.map.size(); ++i) {
    const SourceMapEntry& e = m.map[i];
    size_t end = i + 1 < m.map.size() ? m.map[i + 1].output_offset : m.out.size();
    EXPECT_LT(e.output_offset, end) << "entry " << i << " is empty or out of order";
    EXPECT_LE(end, m.out.size());
    if (e.literal) {
      EXPECT_EQ(m.out.substr(e.output_offset, end - e.output_offset),
                source.substr(e.source_offset, end - e.output_offset))
          << "entry " << i;
    } else {
      std::string tag = source.substr(e.source_offset, 2);
      EXPECT_TRUE(tag == "{{" || tag == "{%") << "entry " << i << " points at '" << tag << "'";
    }
  }
  return m;
}

Value Ctx(std::vector<std::pair<std::string, Value>> items) {
  std::vector<std::pair<Value, Value>> kv;
  for (auto& [k, v] : items) kv.emplace_back(Value::String(k), std::move(v));
  return Value::Dict(std::move(kv));
}

std::string Describe(const std::vector<SourceMapEntry>& map) {
  std::string s;
  for (const auto& e : map) {
    s += (e.literal ? "L" : "E") + std::to_string(e.output_offset) + ":" + std::to_string(e.source_offset) +
         " ";
  }
  return s;
}

TEST(SourceMapTest, LiteralTextAndExpressions) {
  Environment env;
  std::string src = "select {{ col }} from t";
  Mapped m = RenderMapped(env, src, Ctx({{"col", Value::String("id")}}));
  EXPECT_EQ(m.out, "select id from t");
  EXPECT_EQ(Describe(m.map), "L0:0 E7:7 L9:16 ");
}

TEST(SourceMapTest, ExpressionsWithoutOutputGetNoEntry) {
  Environment env;
  Mapped m = RenderMapped(env, "a{{ '' }}{{ none_such }}b", Value());
  EXPECT_EQ(m.out, "ab");
  EXPECT_EQ(Describe(m.map), "L0:0 L1:24 ");
}

TEST(SourceMapTest, ForAndIfBodiesAreTheTemplatesOwnText) {
  Environment env;
  std::string src = "{% for c in cols %}{% if not loop.first %}, {% endif %}{{ c }}{% endfor %}\n";
  Mapped m = RenderMapped(
      env, src, Ctx({{"cols", Value::List({Value::String("a"), Value::String("b"), Value::String("c")})}}));
  EXPECT_EQ(m.out, "a, b, c");
  size_t comma = src.find(", ");
  size_t expr = src.find("{{ c }}");
  std::string want = "E0:" + std::to_string(expr) + " L1:" + std::to_string(comma) +
                     " E3:" + std::to_string(expr) + " L4:" + std::to_string(comma) +
                     " E6:" + std::to_string(expr) + " ";
  EXPECT_EQ(Describe(m.map), want);
}

TEST(SourceMapTest, ForElseAndNestedBodies) {
  Environment env;
  std::string src = "[{% for x in [] %}x{% else %}empty{% endfor %}]{% with y = 2 %}({{ y }}){% endwith %}";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "[empty](2)");
  EXPECT_EQ(Describe(m.map),
            "L0:0 L1:" + std::to_string(src.find("empty")) + " L6:" + std::to_string(src.find("]{% with")) +
                " L7:" + std::to_string(src.find("(")) + " E8:" + std::to_string(src.find("{{ y")) +
                " L9:" + std::to_string(src.find(")")) + " ");
}

TEST(SourceMapTest, WhitespaceControlMovesLiteralStarts) {
  Environment env;
  std::string src = "select\n  {%- if true -%}\n   x   \n  {%- endif %}\n{{- 1 -}}  ;";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "selectx1;");
  EXPECT_EQ(Describe(m.map), "L0:0 L6:" + std::to_string(src.find('x')) +
                                 " E7:" + std::to_string(src.find("{{-")) +
                                 " L8:" + std::to_string(src.find(';')) + " ");
}

TEST(SourceMapTest, TrimBlocksAndLstripBlocks) {
  EnvironmentOptions o;
  o.trim_blocks = true;
  o.lstrip_blocks = true;
  Environment env(o);
  std::string src = "a\n  {% if true %}\n  b\n  {% endif %}\nc";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "a\n  b\nc");
  EXPECT_EQ(Describe(m.map),
            "L0:0 L2:" + std::to_string(src.find("  b")) + " L6:" + std::to_string(src.rfind('c')) + " ");
}

TEST(SourceMapTest, MacroCallsAreAttributedToTheCallingTag) {
  Environment env;
  std::string src =
      "{% macro col(name, alias) %}\n  {{ name }} as {{ alias }}{% endmacro %}"
      "{% macro wrap() %}<{{ caller() }}>{% endmacro %}"
      "select{{ col('a', 'b') }} from {% call wrap() %}in{% endcall %}!";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "select\n  a as b from <in>!");
  EXPECT_EQ(Describe(m.map),
            "L0:" + std::to_string(src.find("select")) + " E6:" + std::to_string(src.find("{{ col(")) +
                " L15:" + std::to_string(src.find(" from")) + " E21:" + std::to_string(src.find("{% call")) +
                " L25:" + std::to_string(src.find('!')) + " ");
}

TEST(SourceMapTest, MacroBodiesRunInsideConditionsRecordNothing) {
  Environment env;
  std::string src = "{% macro m() %}text{% endmacro %}{% if m() %}y{% endif %}{% for c in m() %}{% endfor %}";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "y");
  EXPECT_EQ(Describe(m.map), "L0:" + std::to_string(src.find("y{")) + " ");
}

TEST(SourceMapTest, SetBlocksAndStatementsWithoutOutput) {
  Environment env;
  std::string src = "{% set v %}captured{% endset %}{% set w = 1 %}{% do [].append(1) %}<{{ v }}>";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "<captured>");
  EXPECT_EQ(Describe(m.map), "L0:" + std::to_string(src.find('<')) +
                                 " E1:" + std::to_string(src.find("{{ v")) +
                                 " L9:" + std::to_string(src.find('>')) + " ");
}

TEST(SourceMapTest, FilterBlocksIncludesAndImports) {
  Environment env;
  env.SetLoader(std::make_shared<MemoryLoader>(std::vector<std::pair<std::string, std::string>>{
      {"inc.sql", "included {{ 1 + 1 }}"}, {"lib.sql", "{% macro f() %}F{% endmacro %}ignored"}}));
  std::string src =
      "{% import 'lib.sql' as lib %}{% filter upper %}abc{% endfilter %};"
      "{%- include 'inc.sql' %};{{ lib.f() }}";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "ABC;included 2;F");
  EXPECT_EQ(Describe(m.map),
            "E0:" + std::to_string(src.find("{% filter")) + " L3:" + std::to_string(src.find(';')) +
                " E4:" + std::to_string(src.find("{%- include")) + " L14:" + std::to_string(src.rfind(';')) +
                " E15:" + std::to_string(src.find("{{ lib")) + " ");
}

TEST(SourceMapTest, ExtendsAttributesTheLayoutToTheTag) {
  Environment env;
  env.SetLoader(std::make_shared<MemoryLoader>(std::vector<std::pair<std::string, std::string>>{
      {"base.sql", "head {% block b %}default{% endblock %} tail"}}));
  std::string src = "{% extends 'base.sql' %}ignored{% block b %}mine{% endblock %}";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "head mine tail");
  EXPECT_EQ(Describe(m.map), "E0:0 ");
}

TEST(SourceMapTest, BlocksWithoutExtendsAreTheTemplatesOwnText) {
  Environment env;
  std::string src = "a{% block b %}b{{ 1 }}{% endblock %}c";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "ab1c");
  EXPECT_EQ(Describe(m.map), "L0:0 L1:" + std::to_string(src.find("b{{")) +
                                 " E2:" + std::to_string(src.find("{{")) +
                                 " L3:" + std::to_string(src.rfind('c')) + " ");
}

TEST(SourceMapTest, BreakAndContinueInLoops) {
  Environment env;
  std::string src =
      "{% for i in range(5) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}"
      "{% endif %}{{ i }},{% endfor %}.";
  Mapped m = RenderMapped(env, src);
  EXPECT_EQ(m.out, "0,2,.");
  size_t e = src.find("{{ i }}");
  size_t c = src.find(",{%");
  EXPECT_EQ(Describe(m.map), "E0:" + std::to_string(e) + " L1:" + std::to_string(c) +
                                 " E2:" + std::to_string(e) + " L3:" + std::to_string(c) +
                                 " L4:" + std::to_string(src.rfind('.')) + " ");
}

TEST(SourceMapTest, ErrorsLeaveTheRenderFailing) {
  Environment env;
  auto t = env.Parse("a{{ 1 / 0 }}b", "x.sql");
  ASSERT_TRUE(t.ok());
  std::vector<SourceMapEntry> map;
  RenderOptions opts;
  opts.source_map = &map;
  EXPECT_FALSE(env.Render(**t, Value(), opts).ok());
  // A later render with the same options starts from an empty map.
  auto ok = env.Parse("xy", "y.sql");
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(env.Render(**ok, Value(), opts).ok());
  EXPECT_EQ(Describe(map), "L0:0 ");
}

TEST(SourceMapTest, ModulesAndCallsDoNotRecord) {
  Environment env;
  auto t = env.Parse("{% macro m() %}x{% endmacro %}top", "lib.sql");
  ASSERT_TRUE(t.ok());
  std::vector<SourceMapEntry> map;
  RenderOptions opts;
  opts.source_map = &map;
  auto mod = env.MakeModule(*t, Value::Dict(), opts);
  ASSERT_TRUE(mod.ok());
  EXPECT_TRUE(map.empty());
  auto r = env.Call(*mod->exports.Find("m"), {}, {}, opts);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(map.empty());
}

}  // namespace
}  // namespace flinkdbt::jinja
