// Library entry points of the commands that stop at the graph: `parse`, `ls`/`list` and the
// selection step of `compile` (the CLI and the C ABI call these; they never contact a target).
//
//   auto parsed = flinkdbt::graph::ParseCommand(opts);       // loads, parses, checks cycles,
//                                                             // writes target/manifest.json
//   auto lines  = flinkdbt::graph::ListCommand(*parsed, ls);  // `flinkdbt ls` output lines
//
// Errors are InvalidArgument (exit code 2) with the user's file:line:col where one exists.
#ifndef FLINKDBT_GRAPH_COMMANDS_H_
#define FLINKDBT_GRAPH_COMMANDS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/compile/context.h"
#include "flinkdbt/compile/parser.h"
#include "flinkdbt/graph/graph.h"
#include "flinkdbt/graph/selector.h"
#include "flinkdbt/project/project.h"

namespace flinkdbt::graph {

struct InvocationOptions {
  project::LoadOptions load;
  std::string invocation_id;   // default: a random uuid4
  std::string started_at;      // default: now, ISO-8601 UTC with 'Z'
  bool write_manifest = true;  // --no-write-json turns it off
  // The dbt context's options (log sink, flags, statement runner, scrubber...). ParseCommand
  // builds the Jinja-backed ConfigRenderer and Compiler from them.
  compile::CompileOptions compile;
  // Force every model through the Jinja renderer (dbt's --no-static-parser).
  bool static_parser = true;
  // `require-dbt-version` check (project/version.h): --version-check/--no-version-check; unset
  // means DBT_VERSION_CHECK from the environment, else on.
  std::optional<bool> version_check;
  // Threads for the CPU-bound work of parse and compile (rendering compiled nodes, manifest.json);
  // 0 means the machine's hardware concurrency. The output is the same for any count. (Profiles'
  // `threads` bounds statements running on the target, which parse and compile do not submit.)
  int threads = 0;
};

// The project's Compiler, built on first use (parse needs it only for models the static
// extractor cannot read, and for generate_*_name overrides), and its forks for other threads.
class LazyCompiler : public compile::ParseRenderer {
 public:
  LazyCompiler(std::shared_ptr<const project::LoadedProject> project, compile::CompileOptions options);
  absl::StatusOr<compile::Compiler*> Get();
  // Compilers for `n` threads: Get() first, then forks of it (made on first need, with Get()'s
  // settings at that time; ResetForks drops them after the settings change).
  absl::StatusOr<std::vector<compile::Compiler*>> Workers(int n);
  void ResetForks();
  const compile::CompileOptions& options() const { return options_; }
  // Sets the manifest (on Get()'s compiler; forks are dropped).
  void SetManifest(std::shared_ptr<compile::Manifest> manifest);
  absl::StatusOr<compile::ParseCapture> Capture(const compile::Node& node) override;
  // Parse-time rendering on up to `threads` compilers (Workers), log() lines in node order.
  std::vector<absl::StatusOr<compile::ParseCapture>> CaptureAll(
      const std::vector<const compile::Node*>& nodes, int threads) override;
  absl::StatusOr<std::optional<std::string>> GenerateName(std::string_view kind, const project::Value& custom,
                                                          const compile::Node& node) override;

 private:
  std::shared_ptr<const project::LoadedProject> project_;
  compile::CompileOptions options_;
  std::shared_ptr<compile::Manifest> manifest_;
  std::unique_ptr<compile::Compiler> compiler_;
  std::vector<std::unique_ptr<compile::Compiler>> forks_;
};

struct ParsedProject {
  std::shared_ptr<const project::LoadedProject> project;
  std::shared_ptr<compile::Manifest> manifest;  // compile fills compiled_code in place
  std::shared_ptr<LazyCompiler> compiler;
  std::shared_ptr<const Graph> graph;
  std::string manifest_path;  // written file, or empty
  int threads = 1;            // InvocationOptions::threads, resolved
  std::vector<std::string> warnings;
};

// `flinkdbt parse`: load + parse + cycle check, and write target/manifest.json.
absl::StatusOr<ParsedProject> ParseCommand(const InvocationOptions& options);

// Same, from an already loaded project (used by tests and by callers that render with Jinja).
absl::StatusOr<ParsedProject> ParseLoaded(std::shared_ptr<const project::LoadedProject> project,
                                          const InvocationOptions& options);

struct ListOptions {
  std::vector<std::string> select;
  std::vector<std::string> exclude;
  std::string selector;
  std::string indirect_selection = "eager";
  std::vector<std::string> resource_types;          // --resource-type (default|all|model|...)
  std::vector<std::string> exclude_resource_types;  // --exclude-resource-type
  std::string output = "selector";                  // selector | name | path | json
  std::vector<std::string> output_keys;             // --output-keys
  std::string state_dir;                            // --state
  bool defer = false;                               // --defer (compile/run)
  std::string defer_state_dir;                      // --defer-state (default: --state)
  bool favor_state = false;                         // --favor-state
};

struct ListResult {
  std::vector<std::string> lines;
  std::vector<std::string> warnings;  // NoNodesForSelectionCriteria, "No nodes selected!"
};

// `flinkdbt ls`: the selected nodes, one line each, sorted by unique_id.
absl::StatusOr<ListResult> ListCommand(const ParsedProject& parsed, const ListOptions& options);

// Selection for commands that act on nodes (compile, run, test, build): the selected node ids.
absl::StatusOr<SelectionResult> SelectNodes(const ParsedProject& parsed, const ListOptions& options,
                                            std::vector<compile::ResourceType> default_types);

struct CompiledNode {
  std::string unique_id;
  std::string name;
  std::string compiled_path;  // relative to the project (target/compiled/<pkg>/<path>)
  std::string compiled_code;
};

// Selects the nodes `compile` would compile and readies the project's compiler for them: the Jinja
// context's `selected_resources`, and with --defer the state manifest refs fall back to. Call it
// before compiling any node of the selection (compiled nodes are not re-rendered); CompileCommand
// calls it too (it is idempotent).
absl::StatusOr<SelectionResult> PrepareCompile(const ParsedProject& parsed, const ListOptions& options);

// Compiles `nodes` (in this order) on parsed.threads threads and calls `done(node)` for each in that
// order, as soon as it and all before it are compiled, one call at a time, until the first error:
// that error (the one a single-threaded loop would stop at) is returned. log() output of the
// nodes' templates reaches the compiler's log sink in the same order.
absl::Status CompileNodes(const ParsedProject& parsed, const std::vector<compile::Node*>& nodes,
                          const std::function<void(compile::Node&)>& done);

// `flinkdbt compile`: compiles the selected nodes (ephemeral parents are compiled on the way as
// CTEs) on parsed.threads threads, writes target/compiled/<pkg>/<path> and target/manifest.json with
// compiled code, and returns the compiled nodes in selection order. With `inline_sql` set (`compile
// --inline`), compiles that SQL in the root project's context instead and returns one entry named
// "inline_query".
absl::StatusOr<std::vector<CompiledNode>> CompileCommand(
    const ParsedProject& parsed, const ListOptions& options,
    const std::optional<std::string>& inline_sql = std::nullopt, bool write_manifest = true);

// Python's json.dumps(obj) of a Value (", " and ": " separators, ensure_ascii).
std::string PythonJsonDumps(const project::Value& v);

}  // namespace flinkdbt::graph

#endif  // FLINKDBT_GRAPH_COMMANDS_H_
