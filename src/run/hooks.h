// Hooks: a model's (or seed's) pre-hook/post-hook and the project's on-run-start/on-run-end, as dbt
// runs them. The SQL is rendered with the dbt context (the node's for model hooks, `this` its
// relation; the project's plus `results` for on-run-end) and executed through the statement client:
// DDL completes; a bounded statement is waited for until it has completed; an unbounded one (a
// continuous INSERT a hook starts) is left running. Empty hooks are skipped, as dbt skips them.
#ifndef FLINKDBT_SRC_RUN_HOOKS_H_
#define FLINKDBT_SRC_RUN_HOOKS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "flinkdbt/client/statement_client.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::run {

// The SQL texts of a hook config value: a string, a {sql: ...} mapping, or a list of either.
std::vector<std::string> HookSqls(const project::Value& hooks);

// Executes one rendered hook; whitespace-only SQL does nothing. Returns the statement's name ("" when
// nothing ran).
absl::StatusOr<std::string> ExecuteHook(client::StatementClient& client, std::string_view sql,
                                        std::string_view statement_name_prefix,
                                        const client::ExecuteOptions& options = {});

// dbt's unique_id of a project hook: operation.<project>.<project>-on-run-start-<index>.
std::string ProjectHookId(std::string_view project, std::string_view which, size_t index);

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_HOOKS_H_
