// What the commands that read a project share: turning the invocation's flags into the graph layer's
// options, and reporting a library error the way users see it (file:line:col, the line, a caret).
#ifndef FLINKDBT_SRC_RUN_PROJECT_COMMANDS_H_
#define FLINKDBT_SRC_RUN_PROJECT_COMMANDS_H_

#include "absl/status/statusor.h"
#include "flinkdbt/graph/commands.h"
#include "run/command.h"

namespace flinkdbt::run {

absl::StatusOr<graph::InvocationOptions> GraphOptions(CommandContext& ctx);
graph::ListOptions SelectionOptions(const InvocationOptions& options);

// Emits `status` as an error event, with the offending line of the user's file when it has a
// location, and returns the exit code it means (2: the project could not be read or compiled).
int ReportError(CommandContext& ctx, const absl::Status& status);

CommandSpec ParseCommandSpec();
CommandSpec CompileCommandSpec();
CommandSpec ListCommandSpec();

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_PROJECT_COMMANDS_H_
