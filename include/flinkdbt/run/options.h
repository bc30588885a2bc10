// InvocationOptions: the flags and DBT_* environment variables of one invocation, resolved (flag beats
// environment beats default), as dbt users type them. Commands read only what concerns them. Plain
// data; copyable.
#ifndef FLINKDBT_RUN_OPTIONS_H_
#define FLINKDBT_RUN_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "flinkdbt/run/events.h"

namespace flinkdbt::run {

struct InvocationOptions {
  std::string command;             // "init", "parse", "run", ...
  std::string invocation_command;  // the command line as typed ("flinkdbt run -s x")

  // Project and profile (--project-dir/DBT_PROJECT_DIR, --profiles-dir/DBT_PROFILES_DIR, ...).
  std::optional<std::string> project_dir;
  std::optional<std::string> profiles_dir;
  std::optional<std::string> target;
  std::optional<std::string> profile;
  std::optional<std::string> target_path;
  std::string vars_yaml;  // --vars, a YAML mapping; "" when not given
  std::optional<int> threads;

  // Selection.
  std::vector<std::string> select;
  std::vector<std::string> exclude;
  std::optional<std::string> selector;
  std::vector<std::string> resource_types;
  std::optional<std::string> indirect_selection;

  // Execution.
  bool full_refresh = false;
  bool fail_fast = false;
  // --no-validate: skip the sql layer's check of the compiled models (for SQL it does not understand).
  bool validate = true;
  // --store-failures: data tests whose config leaves store_failures unset store their failing rows.
  bool store_failures = false;
  // --version-check/--no-version-check: the require-dbt-version check (unset: DBT_VERSION_CHECK, else on).
  std::optional<bool> version_check;

  // State.
  std::optional<std::string> state;
  bool defer = false;
  bool favor_state = false;

  // Logging.
  LogFormat log_format = LogFormat::kText;
  EventLevel log_level = EventLevel::kInfo;
  bool quiet = false;
  bool write_json = true;

  // Command arguments.
  std::string project_name;               // init NAME
  std::optional<std::string> inline_sql;  // compile/show --inline
  std::string output = "selector";        // ls --output (show: "text")
  int limit = 5;                          // show --limit
  std::vector<std::string> output_keys;   // ls --output-keys
};

}  // namespace flinkdbt::run

#endif  // FLINKDBT_RUN_OPTIONS_H_
