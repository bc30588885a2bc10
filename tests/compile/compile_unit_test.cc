#include "flinkdbt/compile/context.h"
#include "flinkdbt/compile/parser.h"
#include "flinkdbt/project/project.h"
#include "flinkdbt/project/value.h"
#include "gtest/gtest.h"

namespace flinkdbt::compile {
namespace {

TEST(StaticExtractTest, ReadsRefSourceConfig) {
  auto cap = StaticExtract(
      "{{ config(materialized='table', tags=['a'], with={'k': 'v'}) }}\n"
      "select * from {{ ref('a') }} join {{ ref('pkg', 'b', v=2) }} join {{ source('s', 't') }}",
      "m.sql");
  ASSERT_TRUE(cap.has_value());
  ASSERT_EQ(cap->refs.size(), 2u);
  EXPECT_EQ(cap->refs[1].package, "pkg");
  EXPECT_EQ(cap->refs[1].version.as_int(), 2);
  EXPECT_EQ(cap->refs[0].location.ToString(), "m.sql:2:15");
  ASSERT_EQ(cap->sources.size(), 1u);
  EXPECT_EQ(cap->config_call.Find("materialized")->as_string(), "table");
  EXPECT_EQ(cap->config_call.Find("with")->Find("k")->as_string(), "v");
}

TEST(StaticExtractTest, DeclinesAnythingElse) {
  EXPECT_FALSE(StaticExtract("{% if x %}a{% endif %}", "m.sql").has_value());
  EXPECT_FALSE(StaticExtract("{{ var('x') }}", "m.sql").has_value());
  EXPECT_FALSE(StaticExtract("{{ ref(name) }}", "m.sql").has_value());
  EXPECT_TRUE(StaticExtract("{# a comment #} select 1", "m.sql").has_value());
}

TEST(InjectCtesTest, AddsOrExtendsWith) {
  std::vector<std::pair<std::string, std::string>> ctes = {{"__dbt__cte__a", "select 1"}};
  EXPECT_EQ(InjectCtes("select * from __dbt__cte__a", ctes),
            "with __dbt__cte__a as (\nselect 1\n)\nselect * from __dbt__cte__a");
  EXPECT_EQ(InjectCtes("  -- c\nWITH x as (select 2) select * from x", ctes),
            "  -- c\nwith __dbt__cte__a as (\nselect 1\n), x as (select 2) select * from x");
  EXPECT_EQ(InjectCtes("within", {}), "within");
}

TEST(ScanMacrosTest, FindsBlocksWithTheirText) {
  auto m = ScanMacros(
      "{% macro a(x) %}{{ x }}{% endmacro %}\n{%- test t(model) -%}select 1{%- endtest %}\n"
      "{% materialization view, adapter='confluent' %}x{% endmaterialization %}",
      "macros/m.sql", false);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[0].name, "a");
  EXPECT_EQ((*m)[0].sql, "{% macro a(x) %}{{ x }}{% endmacro %}");
  EXPECT_EQ((*m)[1].name, "test_t");
  EXPECT_EQ((*m)[2].name, "materialization_view_confluent");
}

TEST(ConfigRendererTest, SecretEnvVarsOnlyInProfilesAndScrubbed) {
  SecretScrubber scrubber;
  project::Environment env = {{"DBT_ENV_SECRET_PW", "hunter2"}, {"PLAIN", "p"}};
  auto renderer = MakeConfigRenderer(env, Value::MakeMap(), &scrubber);
  Value text = Value::String("{{ env_var('DBT_ENV_SECRET_PW') }}");
  text.set_location(SourceLocation{"profiles.yml", 3, 9});
  auto in_profile = renderer->Render(text, project::RenderScope::kProfile, nullptr);
  ASSERT_TRUE(in_profile.ok()) << in_profile.status();
  EXPECT_EQ(in_profile->as_string(), "hunter2");
  EXPECT_EQ(scrubber.Scrub("password hunter2"), "password *****");
  text.set_location(SourceLocation{"dbt_project.yml", 4, 7});
  auto in_project = renderer->Render(text, project::RenderScope::kProject, nullptr);
  ASSERT_FALSE(in_project.ok());
  EXPECT_EQ(in_project.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(in_project.status().message()).find("Secret env vars are allowed only"),
            std::string::npos);
  EXPECT_EQ(GetLocation(in_project.status())->ToString(), "dbt_project.yml:4:7");
  auto missing =
      renderer->Render(Value::String("{{ env_var('NOPE') }}"), project::RenderScope::kProfile, nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(missing.status().message()).find("Env var required but not provided: 'NOPE'"),
            std::string::npos);
  auto dflt = renderer->Render(Value::String("{{ env_var('NOPE', 'd') }}-{{ env_var('PLAIN') }}"),
                               project::RenderScope::kProject, nullptr);
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(dflt->as_string(), "d-p");
}

// --defer without --favor-state: a ref renders the state manifest's relation when the node's own
// relation does not exist, which the compiler asks the statement client (once per node).
class FakeRunner : public StatementRunner {
 public:
  absl::StatusOr<QueryResult> Execute(std::string_view, bool) override { return QueryResult{}; }
  absl::StatusOr<std::optional<RelationInfo>> GetRelation(std::string_view database, std::string_view schema,
                                                          std::string_view identifier) override {
    asked.push_back(std::string(identifier));
    if (identifier == "present")
      return RelationInfo{std::string(database), std::string(schema), "present", "view"};
    return std::optional<RelationInfo>();
  }
  absl::StatusOr<std::vector<ColumnInfo>> GetColumns(const RelationInfo&) override {
    return std::vector<ColumnInfo>{};
  }
  std::vector<std::string> asked;
};

TEST(DeferTest, MissingOwnRelationUsesStateThroughTheStatementClient) {
  auto project = std::make_shared<project::LoadedProject>();
  project->root.config.name = "p";
  project->root.is_root = true;
  auto manifest = std::make_shared<Manifest>();
  for (const char* name : {"missing", "present"}) {
    auto n = std::make_unique<Node>();
    n->name = n->alias = name;
    n->package_name = "p";
    n->unique_id = std::string("model.p.") + name;
    n->database = "cat";
    n->schema = "db";
    n->config.Set("materialized", Value::String("view"));
    ASSERT_TRUE(manifest->AddNode(std::move(n)).ok());
  }
  auto child = std::make_unique<Node>();
  child->name = child->alias = "child";
  child->package_name = "p";
  child->unique_id = "model.p.child";
  child->original_file_path = "models/child.sql";
  child->config.Set("materialized", Value::String("view"));
  child->depends_on_nodes = {"model.p.missing", "model.p.present"};
  child->raw_code = "select * from {{ ref('missing') }} join {{ ref('present') }} join {{ ref('missing') }}";
  ASSERT_TRUE(manifest->AddNode(std::move(child)).ok());
  auto state = project::ParseJson(
      R"({"nodes": {"model.p.missing": {"database": "prod", "schema": "s", "alias": "missing",
                                        "relation_name": "`prod`.`s`.`missing`"},
                    "model.p.present": {"database": "prod", "schema": "s", "alias": "present",
                                        "relation_name": "`prod`.`s`.`present`"}}})",
      "state/manifest.json");
  ASSERT_TRUE(state.ok()) << state.status();
  FakeRunner runner;
  CompileOptions options;
  options.runner = &runner;
  auto compiler = Compiler::Create(project, options);
  ASSERT_TRUE(compiler.ok()) << compiler.status();
  (*compiler)->SetManifest(manifest);
  (*compiler)->SetDefer(std::make_shared<const Value>(*state), /*favor_state=*/false, {"model.p.child"});
  ASSERT_TRUE((*compiler)->CompileNode(*manifest->MutableNode("model.p.child")).ok());
  EXPECT_EQ(manifest->FindNode("model.p.child")->compiled_code,
            "select * from `prod`.`s`.`missing` join `cat`.`db`.`present` join `prod`.`s`.`missing`");
  EXPECT_EQ(runner.asked, (std::vector<std::string>{"missing", "present"}));
}

}  // namespace
}  // namespace flinkdbt::compile
