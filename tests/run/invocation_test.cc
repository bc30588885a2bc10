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
    dir_ = fs::temp_directory_path() /
           ("flinkdbt_invocation_" + std::to_string(getpid()) + "_" +
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
