#include "flinkdbt/run/invocation.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "flinkdbt/version.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;

struct Captured {
  std::string out, err;
  InvocationResult result;
};

class InvocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flinkdbt_invocation_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Captured Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    Captured c;
    InvocationIo io;
    io.out = [&](std::string_view t) { c.out += t; };
    io.err = [&](std::string_view t) { c.err += t; };
    io.env = std::move(env);
    io.cwd = dir_.string();
    c.result = Invoke(args, io);
    return c;
  }

  fs::path dir_;
};

TEST_F(InvocationTest, VersionNamesTargets) {
  Captured c = Run({"--version"});
  EXPECT_EQ(c.result.exit_code, kExitSuccess);
  EXPECT_EQ(c.out.rfind(std::string("flinkdbt ") + FLINKDBT_VERSION_STRING + "\n", 0), 0u) << c.out;
  EXPECT_NE(c.out.find("confluent"), std::string::npos);
  EXPECT_NE(c.out.find("local"), std::string::npos);
}

TEST_F(InvocationTest, HelpListsOnlyWorkingCommands) {
  Captured c = Run({"--help"});
  EXPECT_EQ(c.result.exit_code, kExitSuccess);
  EXPECT_NE(c.out.find("init"), std::string::npos);
  Captured sub = Run({"init", "--help"});
  EXPECT_EQ(sub.result.exit_code, kExitSuccess);
  EXPECT_NE(sub.out.find("NAME"), std::string::npos);
  Captured none = Run({});
  EXPECT_EQ(none.result.exit_code, kExitSuccess);
  EXPECT_NE(none.out.find("Usage"), std::string::npos);
}

TEST_F(InvocationTest, UsageErrorsExitTwo) {
  Captured unknown = Run({"--frobnicate"});
  EXPECT_EQ(unknown.result.exit_code, kExitError);
  EXPECT_NE(unknown.err.find("--frobnicate"), std::string::npos);
  Captured cmd = Run({"frobnicate"});
  EXPECT_EQ(cmd.result.exit_code, kExitError);
  Captured missing = Run({"init"});
  EXPECT_EQ(missing.result.exit_code, kExitError);
  EXPECT_NE(missing.err.find("NAME"), std::string::npos) << missing.err;
  Captured bad_env = Run({"init", "x"}, {{"DBT_LOG_FORMAT", "xml"}});
  EXPECT_EQ(bad_env.result.exit_code, kExitError);
  EXPECT_NE(bad_env.err.find("DBT_LOG_FORMAT=xml"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(InvocationTest, InitScaffoldsTheWalkthroughLayout) {
  Captured c = Run({"init", "my_flink_project"});
  ASSERT_EQ(c.result.exit_code, kExitSuccess) << c.out << c.err;
  fs::path p = dir_ / "my_flink_project";
  for (const char* f : {"dbt_project.yml", "profiles.yml", "packages.yml", "models/staging/stg_orders.sql",
                        "models/intermediates/int_order_totals.sql", "models/marts/fct_revenue.sql",
                        "tests/assert_positive_prices.sql"}) {
    EXPECT_TRUE(fs::is_regular_file(p / f)) << f;
  }
  EXPECT_TRUE(fs::is_directory(p / "macros"));
  std::ifstream profiles(p / "profiles.yml");
  std::string text((std::istreambuf_iterator<char>(profiles)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("my_flink_project:\n  target: local"), std::string::npos) << text;
  EXPECT_NE(text.find("# confluent:"), std::string::npos);
  EXPECT_NE(text.find("env_var('CONFLUENT_FLINK_API_KEY')"), std::string::npos);
  EXPECT_NE(text.find("env_var('CONFLUENT_FLINK_API_SECRET')"), std::string::npos);
  std::ifstream project(p / "dbt_project.yml");
  std::string project_text((std::istreambuf_iterator<char>(project)), std::istreambuf_iterator<char>());
  EXPECT_NE(project_text.find("name: 'my_flink_project'"), std::string::npos);
  // No staging folder is left behind.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(InvocationTest, InitRefusesExistingFolderAndBadNames) {
  fs::create_directories(dir_ / "demo");
  std::ofstream(dir_ / "demo" / "keep.txt") << "mine";
  Captured c = Run({"init", "demo"});
  EXPECT_EQ(c.result.exit_code, kExitError);
  EXPECT_NE(c.out.find("already exists"), std::string::npos) << c.out;
  EXPECT_TRUE(fs::exists(dir_ / "demo" / "keep.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "demo" / "dbt_project.yml"));

  Captured bad = Run({"init", "my-project"});
  EXPECT_EQ(bad.result.exit_code, kExitError);
  EXPECT_NE(bad.out.find("not a valid project name"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "my-project"));
}

TEST_F(InvocationTest, JsonLogFormatAndQuiet) {
  Captured json = Run({"--log-format", "json", "init", "a"});
  ASSERT_EQ(json.result.exit_code, kExitSuccess);
  EXPECT_EQ(json.out.rfind("{\"data\":", 0), 0u) << json.out;
  Captured quiet = Run({"init", "b", "--quiet"});
  ASSERT_EQ(quiet.result.exit_code, kExitSuccess);
  EXPECT_EQ(quiet.out, "");
}

TEST_F(InvocationTest, EventCallbackSeesEveryEventWithSecretsRedacted) {
  std::vector<std::string> events;
  InvocationIo io;
  io.cwd = dir_.string();
  io.env = {{"DBT_ENV_SECRET_TOKEN", "hunter2hunter2"}};
  io.on_event = [&](std::string_view json) { events.emplace_back(json); };
  InvocationResult r = Invoke({"init", "hunter2hunter2"}, io);
  EXPECT_EQ(r.exit_code, kExitSuccess);
  ASSERT_GE(events.size(), 2u);
  for (const std::string& e : events) EXPECT_EQ(e.find("hunter2hunter2"), std::string::npos) << e;
}

}  // namespace
}  // namespace flinkdbt::run

namespace flinkdbt::run {
namespace {

TEST_F(InvocationTest, InitThenListCompileAndParseTheNewProject) {
  ASSERT_EQ(Run({"init", "demo"}).result.exit_code, kExitSuccess);
  std::string project = (dir_ / "demo").string();
  Captured ls = Run({"ls", "--project-dir", project, "--profiles-dir", project, "-s", "+fct_revenue"});
  ASSERT_EQ(ls.result.exit_code, kExitSuccess) << ls.out << ls.err;
  EXPECT_NE(ls.out.find("\ndemo.marts.fct_revenue\n"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("\ndemo.staging.stg_orders\n"), std::string::npos) << ls.out;
  EXPECT_EQ(ls.out.find("int_order_totals"), std::string::npos) << ls.out;

  Captured names = Run({"list", "--project-dir", project, "--profiles-dir", project, "--resource-type",
                        "model", "--output", "name"});
  ASSERT_EQ(names.result.exit_code, kExitSuccess) << names.out;
  EXPECT_NE(names.out.find("\nint_order_totals\n"), std::string::npos) << names.out;

  Captured compiled = Run({"compile", "--project-dir", project, "--profiles-dir", project, "-s",
                           "fct_revenue", "--resource-type", "model"});
  ASSERT_EQ(compiled.result.exit_code, kExitSuccess) << compiled.out;
  EXPECT_NE(compiled.out.find("TUMBLE(TABLE `default_catalog`.`default_database`.`stg_orders`"),
            std::string::npos)
      << compiled.out;
  EXPECT_TRUE(
      fs::exists(dir_ / "demo" / "target" / "compiled" / "demo" / "models" / "marts" / "fct_revenue.sql"));

  Captured inline_sql = Run({"compile", "--project-dir", project, "--profiles-dir", project, "--inline",
                             "select * from {{ ref('stg_orders') }}"});
  ASSERT_EQ(inline_sql.result.exit_code, kExitSuccess) << inline_sql.out;
  EXPECT_NE(inline_sql.out.find("select * from `default_catalog`.`default_database`.`stg_orders`"),
            std::string::npos)
      << inline_sql.out;

  Captured parse = Run({"parse", "--project-dir", project, "--profiles-dir", project});
  ASSERT_EQ(parse.result.exit_code, kExitSuccess) << parse.out;
  EXPECT_TRUE(fs::exists(dir_ / "demo" / "target" / "manifest.json"));
  // Every command logs to the project's logs/flinkdbt.log.
  EXPECT_TRUE(fs::exists(dir_ / "demo" / "logs" / "flinkdbt.log"));
}

TEST_F(InvocationTest, BrokenProjectFileIsExitTwoWithLocation) {
  ASSERT_EQ(Run({"init", "broken"}).result.exit_code, kExitSuccess);
  std::ofstream(dir_ / "broken" / "models" / "staging" / "schema.yml")
      << "version: 2\nmodels:\n  - name: [oops\n";
  std::string project = (dir_ / "broken").string();
  Captured c = Run({"parse", "--project-dir", project, "--profiles-dir", project});
  EXPECT_EQ(c.result.exit_code, kExitError);
  EXPECT_NE(c.out.find("schema.yml:"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("error:"), std::string::npos) << c.out;
  EXPECT_FALSE(fs::exists(dir_ / "broken" / "target" / "manifest.json"));

  std::ofstream(dir_ / "broken" / "models" / "staging" / "schema.yml") << "version: 2\n";
  std::ofstream(dir_ / "broken" / "models" / "marts" / "fct_revenue.sql")
      << "select * from {{ ref('nope') }}\n";
  Captured unknown = Run({"compile", "--project-dir", project, "--profiles-dir", project});
  EXPECT_EQ(unknown.result.exit_code, kExitError);
  EXPECT_NE(unknown.out.find("nope"), std::string::npos) << unknown.out;
}

// dbt's `flags`, `invocation_args_dict` and `selected_resources` reach the Jinja context, and
// --no-version-check skips the require-dbt-version check.
TEST_F(InvocationTest, FlagsInvocationArgsAndVersionCheck) {
  fs::path p = dir_ / "proj";
  fs::create_directories(p / "models");
  std::ofstream(p / "dbt_project.yml") << "name: 'flagsctx'\nversion: '1.0.0'\nconfig-version: 2\n"
                                          "profile: 'flagsctx'\nrequire-dbt-version: '>=99.0.0'\n";
  std::ofstream(p / "profiles.yml")
      << "flagsctx:\n  target: local\n  outputs:\n    local:\n      type: local\n";
  std::ofstream(p / "models" / "m.sql")
      << "SELECT '{{ flags.WHICH }}' AS which, {{ flags.FULL_REFRESH }} AS fr,\n"
         "  '{{ invocation_args_dict.which }}|{{ invocation_args_dict.select | join(',') }}|"
         "{{ invocation_args_dict.vars.k }}' AS args,\n"
         "  '{{ selected_resources | join(',') }}' AS sel\n";
  std::vector<std::string> base = {"compile", "--project-dir", p.string(), "--profiles-dir", p.string(), "-s",
                                   "m",       "--vars",        "{k: v1}"};
  Captured refused = Run(base);
  EXPECT_EQ(refused.result.exit_code, kExitError) << refused.out << refused.err;
  EXPECT_NE((refused.out + refused.err).find("99.0.0"), std::string::npos) << refused.out << refused.err;

  std::vector<std::string> args = base;
  args.push_back("--no-version-check");
  Captured ok = Run(args);
  ASSERT_EQ(ok.result.exit_code, kExitSuccess) << ok.out << ok.err;
  std::ifstream in(p / "target" / "compiled" / "flagsctx" / "models" / "m.sql");
  std::string compiled((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(compiled.find("'compile' AS which, False AS fr"), std::string::npos) << compiled;
  EXPECT_NE(compiled.find("'compile|m|v1' AS args"), std::string::npos) << compiled;
  EXPECT_NE(compiled.find("'model.flagsctx.m' AS sel"), std::string::npos) << compiled;

  Captured env_off = Run(base, {{"DBT_VERSION_CHECK", "false"}});
  EXPECT_EQ(env_off.result.exit_code, kExitSuccess) << env_off.out << env_off.err;
}

}  // namespace
}  // namespace flinkdbt::run
