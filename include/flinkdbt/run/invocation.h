// Invoke: run one flinkdbt command from an argv, exactly as the `flinkdbt` executable takes it — the
// library's equivalent of dbt's programmatic `dbtRunner().invoke(args)`. The executable, the C ABI
// and the bindings all come through here, so every surface parses flags, reports errors and exits
// the same way.
//
// Invocations share no state: several may run at once on different threads, each with its own
// InvocationIo.
#ifndef FLINKDBT_RUN_INVOCATION_H_
#define FLINKDBT_RUN_INVOCATION_H_

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace flinkdbt::run {

// dbt's exit codes.
inline constexpr int kExitSuccess = 0;  // everything passed (warnings included)
inline constexpr int kExitFailure = 1;  // a node failed, errored or was skipped
inline constexpr int kExitError = 2;    // usage, parse or compile error: nothing ran
// Interrupted (Ctrl-C or a cancel call): dbt reports a KeyboardInterrupt as an unhandled exception, 2.
inline constexpr int kExitCancelled = 2;

// Where an invocation reads its environment and writes its output.
struct InvocationIo {
  std::function<void(std::string_view)> out;  // what dbt prints on stdout
  std::function<void(std::string_view)> err;  // usage errors
  // The environment variables the invocation sees (DBT_TARGET, env_var() lookups, secrets...).
  std::map<std::string, std::string> env;
  // The working directory relative paths resolve against; empty means the process's.
  std::string cwd;
  // Optional: every event as a JSON object, whatever the console format.
  std::function<void(std::string_view json)> on_event;
  // Optional: set to true from any thread to cancel the invocation. No new statement is submitted
  // after it is seen; the command finishes cleanly (results written) and exits as dbt does when
  // interrupted.
  const std::atomic<bool>* cancelled = nullptr;
};

struct InvocationResult {
  int exit_code = kExitSuccess;
  // The command's results as JSON (run_results for run/test/build; null when the command has none).
  std::string result_json = "null";
};

// `args` excludes the program name: {"init", "demo"}, {"--version"}, {"ls", "-s", "stg_orders+"}.
InvocationResult Invoke(const std::vector<std::string>& args, const InvocationIo& io);

// The text `flinkdbt --version` prints: the version and the Flink SQL targets this build supports.
std::string VersionText();

}  // namespace flinkdbt::run

#endif  // FLINKDBT_RUN_INVOCATION_H_
