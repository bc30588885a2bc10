#include "flinkdbt/project/project.h"

#include "flinkdbt/base/digest.h"
#include "flinkdbt/project/config.h"
#include "flinkdbt/project/version.h"
#include "flinkdbt/project/yaml.h"
#include "gtest/gtest.h"

namespace flinkdbt::project {
namespace {

TEST(YamlTest, TypesScalarsLikePyYaml) {
  auto v = ParseYaml("a: yes\nb: '1'\nc: 1.5\nd: ~\ne: 0x10\nf: hello\ng: 1_000\n", "f.yml");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->Find("a")->is_bool());
  EXPECT_TRUE(v->Find("b")->is_string());
  EXPECT_TRUE(v->Find("b")->quoted());
  EXPECT_DOUBLE_EQ(v->Find("c")->as_double(), 1.5);
  EXPECT_TRUE(v->Find("d")->is_null());
  EXPECT_EQ(v->Find("e")->as_int(), 16);
  EXPECT_EQ(v->Find("f")->as_string(), "hello");
  EXPECT_EQ(v->Find("g")->as_int(), 1000);
  EXPECT_EQ(v->Find("f")->location().ToString(), "f.yml:6:4");
}

TEST(YamlTest, ErrorsNameFileLineColumn) {
  auto v = ParseYaml("a:\n  - b\n c: d\n", "x.yml");
  ASSERT_FALSE(v.ok());
  auto loc = GetLocation(v.status());
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->file, "x.yml");
  EXPECT_GT(loc->line, 0);
}

TEST(ConfigTest, FqnSearchDeeperLevelsWin) {
  auto tree = ParseYaml(
      "+materialized: view\n+tags: [a]\nproj:\n  staging:\n    +materialized: table\n    +tags: b\n"
      "    +meta: {x: 1}\n",
      "t.yml");
  ASSERT_TRUE(tree.ok());
  Value c = NormaliseConfig(ConfigFromTree(*tree, {"proj", "staging", "stg_orders"}));
  EXPECT_EQ(c.Find("materialized")->as_string(), "table");
  ASSERT_EQ(c.Find("tags")->list().size(), 2u);
  EXPECT_EQ(c.Find("tags")->list()[1].as_string(), "b");
  Value other = ConfigFromTree(*tree, {"proj", "marts", "fct"});
  EXPECT_EQ(other.Find("materialized")->as_string(), "view");
}

TEST(ConfigTest, MergeRules) {
  Value base = *ParseYaml("tags: [a]\nmeta: {x: 1, y: 2}\nmaterialized: view\npre-hook: ['h1']\n", "b");
  Value upd = *ParseYaml("tags: [b, a]\nmeta: {y: 3}\nmaterialized: table\npre_hook: 'h2'\n", "u");
  MergeConfig(base, upd);
  EXPECT_EQ(base.Find("tags")->list().size(), 2u);  // append, deduplicated
  EXPECT_EQ(base.Find("meta")->Find("x")->as_int(), 1);
  EXPECT_EQ(base.Find("meta")->Find("y")->as_int(), 3);
  EXPECT_EQ(base.Find("materialized")->as_string(), "table");
  EXPECT_EQ(base.Find("pre-hook")->list().size(), 2u);
}

TEST(ConfigTest, IgnoreUnsupportedConfig) {
  Value c = *ParseYaml("materialized: view\nwith: {a: b}\nignore_unsupported_config: [with]\n", "c");
  EXPECT_TRUE(ValidateMaterializationConfig(c, "m", {}).ok());
  c.Erase("ignore_unsupported_config");
  EXPECT_FALSE(ValidateMaterializationConfig(c, "m", {}).ok());
}

TEST(ProfileTest, ConfluentEndpointAndSecrets) {
  SecretScrubber scrubber;
  auto t = ParseProfile(
      "p:\n  target: dev\n  outputs:\n    dev:\n      type: confluent\n      organization_id: o\n"
      "      environment_id: env-1\n      dbname: lkc\n      global_api_key: GK\n      global_api_secret: "
      "GS3cret\n"
      "      cloud_provider: aws\n      cloud_region: eu-west-1\n      threads: 4\n",
      "profiles.yml", "p", "", std::nullopt, "/tmp/target", nullptr, &scrubber);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->ResolvedEndpoint(), "https://flink.eu-west-1.aws.confluent.cloud");
  EXPECT_EQ(t->threads, 4);
  EXPECT_EQ(t->database, "env-1");
  EXPECT_EQ(t->schema, "lkc");
  EXPECT_EQ(scrubber.Scrub("secret is GS3cret"), "secret is *****");
  std::string ctx = ToJson(t->ToContext());
  EXPECT_EQ(ctx.find("GS3cret"), std::string::npos);
}

TEST(ProfileTest, LocalDefaults) {
  auto t = ParseProfile("p:\n  outputs:\n    default:\n      type: local\n", "profiles.yml", "p", "",
                        std::nullopt, "/proj/target", nullptr, nullptr);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name, "default");
  EXPECT_EQ(t->database, "default_catalog");
  EXPECT_EQ(t->schema, "default_database");
  EXPECT_EQ(t->path, "/proj/target/local");
}

TEST(DigestTest, KnownVectors) {
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Sha256Hex(std::string(100, 'a')),
            "2816597888e4a0d3a36b82b83316ab32680eb8f00f8cd3b904d681246d285a0e");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(VersionTest, SpecifiersAsDbtReadsThem) {
  auto sat = [](const std::string& yaml, std::string_view version) {
    auto v = ParseYaml("v: " + yaml + "\n", "dbt_project.yml");
    EXPECT_TRUE(v.ok()) << v.status();
    auto r = VersionSatisfies(*v->Find("v"), version);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && *r;
  };
  EXPECT_TRUE(sat("'>=1.0.0'", "1.10.23"));
  EXPECT_TRUE(sat("['>=1.3.0', '<2.0.0']", "1.10.23"));
  EXPECT_FALSE(sat("['>=1.3.0', '<1.10.0']", "1.10.23"));
  EXPECT_TRUE(sat("'>=1.10.0,<1.11.0'", "1.10.23"));
  EXPECT_TRUE(sat("'1.10.23'", "1.10.23"));
  EXPECT_FALSE(sat("'1.10.22'", "1.10.23"));
  EXPECT_TRUE(sat("'>1.9'", "1.10.23"));  // missing parts are zero
  EXPECT_FALSE(sat("'>=2.0.0'", "1.10.23"));
  EXPECT_TRUE(sat("'<1.10.0'", "1.10.0-b1"));  // a prerelease sorts before its release
  EXPECT_TRUE(sat("'<=1.10.23'", "1.10.23"));
  auto bad = ParseYaml("v: ['>=x']\n", "dbt_project.yml");
  ASSERT_TRUE(bad.ok());
  auto r = VersionSatisfies(*bad->Find("v"), "1.10.23");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("invalid version specifier '>=x'"), std::string::npos);
}

TEST(VersionTest, CheckNamesPackageRangeAndPolicy) {
  LoadedProject p;
  p.root.config.name = "proj";
  auto v = ParseYaml("r: ['>=1.0.0', '<1.5.0']\n", "dbt_project.yml");
  ASSERT_TRUE(v.ok());
  p.root.config.require_dbt_version = *v->Find("r");
  absl::Status st = CheckRequiredDbtVersion(p);
  ASSERT_FALSE(st.ok());
  std::string msg(st.message());
  EXPECT_NE(msg.find("'proj'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("['>=1.0.0', '<1.5.0']"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1.10.23"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--no-version-check"), std::string::npos) << msg;
  ASSERT_TRUE(GetLocation(st).has_value());
  EXPECT_EQ(GetLocation(st)->ToString(), "dbt_project.yml:1:4");
  EXPECT_TRUE(CheckRequiredDbtVersion(p, "1.4.9").ok());
}

}  // namespace
}  // namespace flinkdbt::project
