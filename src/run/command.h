// What a command implementation receives, and the table of commands the CLI frame offers. Private to
// the run layer: the public entry point is Invoke() (flinkdbt/run/invocation.h).
#ifndef FLINKDBT_SRC_RUN_COMMAND_H_
#define FLINKDBT_SRC_RUN_COMMAND_H_

#include <functional>
#include <string>
#include <string_view>

#include "flinkdbt/base/secrets.h"
#include "flinkdbt/run/events.h"
#include "flinkdbt/run/invocation.h"
#include "flinkdbt/run/options.h"

namespace CLI {
class App;
}

namespace flinkdbt::run {

struct CommandContext {
  const InvocationOptions& options;
  const InvocationIo& io;
  EventLogger& log;
  SecretScrubber& secrets;
  InvocationResult& result;
  // An absolute path: `path` resolved against the invocation's working directory.
  std::string Resolve(std::string_view path) const;
  // The value of environment variable `name` in the invocation's environment, or "".
  std::string Env(std::string_view name) const;
};

// One command of the CLI: its name, help, the flags it accepts and what it does. `run` returns the
// exit code (kExitSuccess, kExitFailure or kExitError).
struct CommandSpec {
  std::string name;
  std::vector<std::string> aliases;
  std::string help;
  std::function<void(CLI::App& sub, InvocationOptions& options)> add_flags;
  std::function<int(CommandContext& ctx)> run;
  bool uses_project = true;  // logs go to <project>/logs/flinkdbt.log
};

// Every command this build offers, in the order `flinkdbt --help` lists them.
const std::vector<CommandSpec>& Commands();

// The command specs, one function per command file.
CommandSpec InitCommand();
CommandSpec RunCommandSpec();
CommandSpec TestCommandSpec();
CommandSpec BuildCommandSpec();
CommandSpec RetryCommandSpec();
CommandSpec SeedCommandSpec();
CommandSpec ShowCommandSpec();
CommandSpec DebugCommandSpec();

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_COMMAND_H_
