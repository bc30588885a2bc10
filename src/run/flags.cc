#include "run/flags.h"

#include <functional>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "yaml-cpp/yaml.h"

namespace flinkdbt::run {
namespace {

const std::map<std::string, LogFormat>& LogFormats() {
  static const auto* formats = new std::map<std::string, LogFormat>{
      {"text", LogFormat::kText}, {"default", LogFormat::kText}, {"json", LogFormat::kJson},
      {"debug", LogFormat::kDebug}};
  return *formats;
}

const std::map<std::string, EventLevel>& LogLevels() {
  static const auto* levels = new std::map<std::string, EventLevel>{
      {"debug", EventLevel::kDebug}, {"info", EventLevel::kInfo}, {"warn", EventLevel::kWarn},
      {"error", EventLevel::kError}, {"none", EventLevel::kNone}};
  return *levels;
}

// Booleans in DBT_* variables, as click reads them.
std::optional<bool> ParseBool(std::string_view text) {
  std::string v = absl::AsciiStrToLower(ToAbsl(text));
  if (v == "1" || v == "true" || v == "t" || v == "yes" || v == "y" || v == "on") return true;
  if (v == "0" || v == "false" || v == "f" || v == "no" || v == "n" || v == "off" || v.empty()) return false;
  return std::nullopt;
}

// An environment variable that stands in for a flag not given on the command line.
struct EnvBinding {
  const char* flag;  // the long flag, e.g. "--target"
  const char* env;   // e.g. "DBT_TARGET"
  std::function<absl::Status(const std::string& value, InvocationOptions& options)> apply;
};

absl::Status BoolBinding(const char* env, const std::string& value, bool& out, bool invert = false) {
  std::optional<bool> b = ParseBool(value);
  if (!b.has_value()) {
    return absl::InvalidArgumentError(
        fmt::format("{}={}: expected a boolean (true/false, 1/0, yes/no)", env, value));
  }
  out = invert ? !*b : *b;
  return absl::OkStatus();
}

const std::vector<EnvBinding>& EnvBindings() {
  using O = InvocationOptions;
  using S = absl::Status;
  static const auto* bindings = new std::vector<EnvBinding>{
      {"--project-dir", "DBT_PROJECT_DIR", [](const std::string& v, O& o) { o.project_dir = v; return S(); }},
      {"--profiles-dir", "DBT_PROFILES_DIR", [](const std::string& v, O& o) { o.profiles_dir = v; return S(); }},
      {"--target", "DBT_TARGET", [](const std::string& v, O& o) { o.target = v; return S(); }},
      {"--profile", "DBT_PROFILE", [](const std::string& v, O& o) { o.profile = v; return S(); }},
      {"--target-path", "DBT_TARGET_PATH", [](const std::string& v, O& o) { o.target_path = v; return S(); }},
      {"--threads", "DBT_THREADS",
       [](const std::string& v, O& o) {
         int n = 0;
         if (!absl::SimpleAtoi(ToAbsl(v), &n)) {
           return absl::InvalidArgumentError(fmt::format("DBT_THREADS={}: expected a whole number", v));
         }
         o.threads = n;
         return S();
       }},
      {"--selector", "DBT_SELECTOR", [](const std::string& v, O& o) { o.selector = v; return S(); }},
      {"--indirect-selection", "DBT_INDIRECT_SELECTION",
       [](const std::string& v, O& o) { o.indirect_selection = v; return S(); }},
      {"--full-refresh", "DBT_FULL_REFRESH",
       [](const std::string& v, O& o) { return BoolBinding("DBT_FULL_REFRESH", v, o.full_refresh); }},
      {"--store-failures", "DBT_STORE_FAILURES",
       [](const std::string& v, O& o) { return BoolBinding("DBT_STORE_FAILURES", v, o.store_failures); }},
      {"--fail-fast", "DBT_FAIL_FAST",
       [](const std::string& v, O& o) { return BoolBinding("DBT_FAIL_FAST", v, o.fail_fast); }},
      {"--state", "DBT_STATE", [](const std::string& v, O& o) { o.state = v; return S(); }},
      {"--defer", "DBT_DEFER", [](const std::string& v, O& o) { return BoolBinding("DBT_DEFER", v, o.defer); }},
      {"--favor-state", "DBT_FAVOR_STATE",
       [](const std::string& v, O& o) { return BoolBinding("DBT_FAVOR_STATE", v, o.favor_state); }},
      {"--log-format", "DBT_LOG_FORMAT",
       [](const std::string& v, O& o) {
         std::optional<LogFormat> f = ParseLogFormat(v);
         if (!f) return absl::InvalidArgumentError(fmt::format("DBT_LOG_FORMAT={}: expected text, json or debug", v));
         o.log_format = *f;
         return S();
       }},
      {"--log-level", "DBT_LOG_LEVEL",
       [](const std::string& v, O& o) {
         std::optional<EventLevel> l = ParseEventLevel(v);
         if (!l) {
           return absl::InvalidArgumentError(
               fmt::format("DBT_LOG_LEVEL={}: expected debug, info, warn, error or none", v));
         }
         o.log_level = *l;
         return S();
       }},
      {"--quiet", "DBT_QUIET", [](const std::string& v, O& o) { return BoolBinding("DBT_QUIET", v, o.quiet); }},
      {"--write-json", "DBT_WRITE_JSON",
       [](const std::string& v, O& o) { return BoolBinding("DBT_WRITE_JSON", v, o.write_json); }},
  };
  return *bindings;
}

// True when `flag` was given on the command line of `app` (the root or the selected command).
bool GivenOn(const CLI::App* app, const std::string& flag) {
  if (app == nullptr) return false;
  const CLI::Option* opt = app->get_option_no_throw(flag);
  return opt != nullptr && opt->count() > 0;
}

bool Registered(const CLI::App* app, const std::string& flag) {
  return app != nullptr && app->get_option_no_throw(flag) != nullptr;
}

}  // namespace

void AddLoggingFlags(CLI::App& app, InvocationOptions& options) {
  app.add_option("--log-format", options.log_format,
                 "How log lines look on the console: text (dbt's lines), json (one object per line) or debug")
      ->transform(CLI::CheckedTransformer(LogFormats(), CLI::ignore_case))
      ->option_text("text|json|debug [DBT_LOG_FORMAT]");
  app.add_option("--log-level", options.log_level, "The least important events shown on the console")
      ->transform(CLI::CheckedTransformer(LogLevels(), CLI::ignore_case))
      ->option_text("debug|info|warn|error|none [DBT_LOG_LEVEL]");
  app.add_flag("-q,--quiet", options.quiet, "Show only errors on the console [DBT_QUIET]");
  app.add_flag("--write-json,!--no-write-json", options.write_json,
               "Write (or not) target/manifest.json and run_results.json [DBT_WRITE_JSON]");
}

void AddProjectFlags(CLI::App& app, InvocationOptions& options) {
  app.add_option("--project-dir", options.project_dir,
                 "The folder holding dbt_project.yml (default: the nearest one above the current folder) "
                 "[DBT_PROJECT_DIR]");
  app.add_option("--profiles-dir", options.profiles_dir,
                 "The folder holding profiles.yml (default: ./profiles.yml if present, else ~/.dbt) "
                 "[DBT_PROFILES_DIR]");
  app.add_option("-t,--target", options.target, "The profile target to use [DBT_TARGET]");
  app.add_option("--profile", options.profile, "The profile to use, instead of the project's [DBT_PROFILE]");
  app.add_option("--target-path", options.target_path,
                 "Where artifacts and compiled SQL are written (default: target) [DBT_TARGET_PATH]");
  app.add_option("--vars", options.vars_yaml, "Project variables as a YAML mapping, e.g. '{key: value}'");
  app.add_option("--threads", options.threads, "How many nodes run at once [DBT_THREADS]");
  // Unset unless given (then DBT_VERSION_CHECK decides, else on).
  app.add_flag_callback(
      "--version-check", [&options] { options.version_check = true; },
      "Check the project's require-dbt-version against the dbt version flinkdbt implements "
      "[DBT_VERSION_CHECK]");
  app.add_flag_callback(
      "--no-version-check", [&options] { options.version_check = false; },
      "Skip the require-dbt-version check");
}

void AddSelectionFlags(CLI::App& app, InvocationOptions& options) {
  app.add_option("-s,--select,-m,--models", options.select, "Nodes to include (dbt's selection syntax)")
      ->expected(1, -1);
  app.add_option("--exclude", options.exclude, "Nodes to leave out")->expected(1, -1);
  app.add_option("--selector", options.selector, "A named selector of selectors.yml [DBT_SELECTOR]");
  app.add_option("--resource-type,--resource-types", options.resource_types,
                 "Only these resource types (model, test, unit_test, seed, source, ...)")
      ->expected(1, -1);
  app.add_option("--indirect-selection", options.indirect_selection,
                 "How tests of selected nodes are selected: eager, cautious, buildable or empty "
                 "[DBT_INDIRECT_SELECTION]")
      ->check(CLI::IsMember({"eager", "cautious", "buildable", "empty"}));
}

void AddExecutionFlags(CLI::App& app, InvocationOptions& options) {
  app.add_flag("-f,--full-refresh", options.full_refresh,
               "Drop and recreate stateful relations (streaming tables, sources, materialized tables) "
               "[DBT_FULL_REFRESH]");
  app.add_flag("-x,--fail-fast", options.fail_fast, "Stop at the first failure [DBT_FAIL_FAST]");
  app.add_flag("--store-failures", options.store_failures,
               "Data tests store their failing rows in a table unless their config says otherwise "
               "[DBT_STORE_FAILURES]");
}

void AddValidationFlags(CLI::App& app, InvocationOptions& options) {
  app.add_flag("--validate,!--no-validate", options.validate,
               "Parse and check every selected model's Flink SQL before anything is written or submitted "
               "(--no-validate: for SQL the checker does not understand yet)");
}

void AddStateFlags(CLI::App& app, InvocationOptions& options) {
  app.add_option("--state", options.state, "A folder with the artifacts of an earlier run [DBT_STATE]");
  app.add_flag("--defer,!--no-defer", options.defer,
               "Resolve refs to unselected nodes from --state [DBT_DEFER]");
  app.add_flag("--favor-state", options.favor_state,
               "With --defer, prefer --state's relations even for selected nodes [DBT_FAVOR_STATE]");
}

absl::Status ApplyEnvironmentAndValidate(const CLI::App& root, const CLI::App* command,
                                         const std::map<std::string, std::string>& env,
                                         InvocationOptions& options) {
  for (const EnvBinding& b : EnvBindings()) {
    // A variable applies only to flags the chosen command (or the root) accepts.
    if (!Registered(&root, b.flag) && !Registered(command, b.flag)) continue;
    if (GivenOn(&root, b.flag) || GivenOn(command, b.flag)) continue;
    if (std::string_view(b.flag) == "--write-json" &&
        (GivenOn(&root, "--no-write-json") || GivenOn(command, "--no-write-json"))) {
      continue;
    }
    auto it = env.find(b.env);
    if (it == env.end()) continue;
    absl::Status s = b.apply(it->second, options);
    if (!s.ok()) return s;
  }
  if (options.threads.has_value() && *options.threads < 1) {
    return absl::InvalidArgumentError(
        fmt::format("--threads {}: the number of threads must be at least 1", *options.threads));
  }
  if (!options.vars_yaml.empty()) {
    YAML::Node vars;
    try {
      vars = YAML::Load(options.vars_yaml);
    } catch (const YAML::Exception& e) {
      return absl::InvalidArgumentError(fmt::format(
          "--vars: not valid YAML at line {}, column {}: {}. Give a mapping, e.g. --vars '{{key: value}}'",
          e.mark.line + 1, e.mark.column + 1, e.msg));
    }
    if (!vars.IsNull() && !vars.IsMap()) {
      return absl::InvalidArgumentError(
          "--vars: expected a YAML mapping of variable names to values, e.g. --vars '{key: value}'");
    }
  }
  return absl::OkStatus();
}

}  // namespace flinkdbt::run
