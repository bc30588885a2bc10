#include "run/flags.h"

#include <gtest/gtest.h>

#include "CLI/CLI.hpp"

namespace flinkdbt::run {
namespace {

// Parses `args` as `flinkdbt <cmd> args...` where <cmd> takes every flag group, then applies `env`.
struct Parsed {
  InvocationOptions options;
  absl::Status status;
  std::string parse_error;
};

Parsed Parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  Parsed p;
  CLI::App app("test", "flinkdbt");
  app.fallthrough();
  AddLoggingFlags(app, p.options);
  CLI::App* cmd = app.add_subcommand("run", "");
  cmd->fallthrough();
  AddProjectFlags(*cmd, p.options);
  AddSelectionFlags(*cmd, p.options);
  AddExecutionFlags(*cmd, p.options);
  AddStateFlags(*cmd, p.options);
  args.insert(args.begin(), "run");
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    p.parse_error = e.what();
    return p;
  }
  p.status = ApplyEnvironmentAndValidate(app, cmd, env, p.options);
  return p;
}

TEST(FlagsTest, DbtFlagsAndShortForms) {
  Parsed p = Parse({"-s", "stg_orders+", "tag:nightly", "--select", "fct_revenue", "-m", "x", "--exclude", "a", "b",
                    "-t", "prod", "--profile", "p", "--project-dir", "proj", "--profiles-dir", "profs", "--threads",
                    "4", "-f", "-x", "--state", "prev", "--defer", "--favor-state", "--target-path", "out",
                    "--vars", "{a: 1, b: [x]}", "--selector", "nightly", "--resource-type", "model",
                    "--indirect-selection", "cautious"});
  ASSERT_TRUE(p.parse_error.empty()) << p.parse_error;
  ASSERT_TRUE(p.status.ok()) << p.status;
  const InvocationOptions& o = p.options;
  EXPECT_EQ(o.select, (std::vector<std::string>{"stg_orders+", "tag:nightly", "fct_revenue", "x"}));
  EXPECT_EQ(o.exclude, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.target, "prod");
  EXPECT_EQ(o.profile, "p");
  EXPECT_EQ(o.project_dir, "proj");
  EXPECT_EQ(o.profiles_dir, "profs");
  EXPECT_EQ(o.threads, 4);
  EXPECT_TRUE(o.full_refresh);
  EXPECT_TRUE(o.fail_fast);
  EXPECT_EQ(o.state, "prev");
  EXPECT_TRUE(o.defer);
  EXPECT_TRUE(o.favor_state);
  EXPECT_EQ(o.target_path, "out");
  EXPECT_EQ(o.vars_yaml, "{a: 1, b: [x]}");
  EXPECT_EQ(o.selector, "nightly");
  EXPECT_EQ(o.resource_types, (std::vector<std::string>{"model"}));
  EXPECT_EQ(o.indirect_selection, "cautious");
}

TEST(FlagsTest, LoggingFlagsWorkAfterTheCommand) {
  Parsed p = Parse({"--log-format", "json", "--log-level", "debug", "-q", "--no-write-json"});
  ASSERT_TRUE(p.parse_error.empty()) << p.parse_error;
  EXPECT_EQ(p.options.log_format, LogFormat::kJson);
  EXPECT_EQ(p.options.log_level, EventLevel::kDebug);
  EXPECT_TRUE(p.options.quiet);
  EXPECT_FALSE(p.options.write_json);
}

TEST(FlagsTest, EnvironmentFillsWhatFlagsDoNotGive) {
  std::map<std::string, std::string> env{{"DBT_TARGET", "staging"},     {"DBT_PROFILES_DIR", "/p"},
                                         {"DBT_FULL_REFRESH", "true"},  {"DBT_LOG_FORMAT", "json"},
                                         {"DBT_WRITE_JSON", "false"},   {"DBT_STATE", "/s"},
                                         {"DBT_THREADS", "8"},          {"DBT_QUIET", "1"},
                                         {"DBT_PROJECT_DIR", "/proj"}};
  Parsed p = Parse({"--target", "prod"}, env);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.options.target, "prod");  // the flag wins
  EXPECT_EQ(p.options.profiles_dir, "/p");
  EXPECT_TRUE(p.options.full_refresh);
  EXPECT_EQ(p.options.log_format, LogFormat::kJson);
  EXPECT_FALSE(p.options.write_json);
  EXPECT_EQ(p.options.state, "/s");
  EXPECT_EQ(p.options.threads, 8);
  EXPECT_TRUE(p.options.quiet);
  EXPECT_EQ(p.options.project_dir, "/proj");

  Parsed flag_wins = Parse({"--write-json"}, {{"DBT_WRITE_JSON", "false"}});
  EXPECT_TRUE(flag_wins.options.write_json);
}

TEST(FlagsTest, BadValuesAreUsageErrors) {
  EXPECT_FALSE(Parse({"--log-format", "xml"}).parse_error.empty());
  EXPECT_FALSE(Parse({"--indirect-selection", "sometimes"}).parse_error.empty());
  EXPECT_FALSE(Parse({"--threads", "many"}).parse_error.empty());
  EXPECT_FALSE(Parse({"--no-such-flag"}).parse_error.empty());

  Parsed zero = Parse({"--threads", "0"});
  EXPECT_EQ(zero.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(zero.status.message().find("at least 1"), absl::string_view::npos);

  Parsed bad_yaml = Parse({"--vars", "{a: [1, 2"});
  EXPECT_EQ(bad_yaml.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_yaml.status.message().find("--vars: not valid YAML at line 1"), absl::string_view::npos)
      << bad_yaml.status;

  Parsed not_map = Parse({"--vars", "[1, 2]"});
  EXPECT_NE(not_map.status.message().find("expected a YAML mapping"), absl::string_view::npos);

  Parsed bad_env = Parse({}, {{"DBT_FAIL_FAST", "perhaps"}});
  EXPECT_NE(bad_env.status.message().find("DBT_FAIL_FAST=perhaps"), absl::string_view::npos);
  Parsed bad_level = Parse({}, {{"DBT_LOG_LEVEL", "loud"}});
  EXPECT_NE(bad_level.status.message().find("DBT_LOG_LEVEL=loud"), absl::string_view::npos);
}

}  // namespace
}  // namespace flinkdbt::run
