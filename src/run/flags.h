// The flags dbt users type, grouped as dbt groups them, registered on a CLI11 (sub)command, and their
// DBT_* environment variables applied after parsing (flag beats environment beats default).
// The environment comes from the invocation (InvocationIo::env), never from the process, so library
// callers control it.
#ifndef FLINKDBT_SRC_RUN_FLAGS_H_
#define FLINKDBT_SRC_RUN_FLAGS_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "flinkdbt/run/options.h"

namespace CLI {
class App;
}

namespace flinkdbt::run {

// Logging flags, registered on the root app (and reachable after the command name too):
// --log-format, --log-level, --quiet/-q, --no-write-json.
void AddLoggingFlags(CLI::App& app, InvocationOptions& options);
// --project-dir, --profiles-dir, --target/-t, --profile, --target-path, --vars, --threads.
void AddProjectFlags(CLI::App& app, InvocationOptions& options);
// --select/-s (alias --models/-m), --exclude, --selector, --resource-type(s), --indirect-selection.
void AddSelectionFlags(CLI::App& app, InvocationOptions& options);
// --full-refresh/-f, --fail-fast/-x.
void AddExecutionFlags(CLI::App& app, InvocationOptions& options);
// --validate/--no-validate: check every selected model with the sql layer before anything is written
// or submitted (on by default).
void AddValidationFlags(CLI::App& app, InvocationOptions& options);
// --state, --defer/--no-defer, --favor-state.
void AddStateFlags(CLI::App& app, InvocationOptions& options);

// Fills every option not given on the command line from its DBT_* variable in `env`, then checks the
// values (log format and level names, --vars a YAML mapping, threads > 0). An error names the flag or
// variable and what is accepted.
// `command` is the subcommand that was selected (null when none was).
absl::Status ApplyEnvironmentAndValidate(const CLI::App& root, const CLI::App* command,
                                         const std::map<std::string, std::string>& env,
                                         InvocationOptions& options);

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_FLAGS_H_
