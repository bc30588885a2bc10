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

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
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
  // Renders Jinja while parsing (the compile layer's engine); null: static extraction only.
  compile::ParseRenderer* renderer = nullptr;
};

struct ParsedProject {
  std::shared_ptr<const project::LoadedProject> project;
  std::shared_ptr<const compile::Manifest> manifest;
  std::shared_ptr<const Graph> graph;
  std::string manifest_path;  // written file, or empty
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

// Python's json.dumps(obj) of a Value (", " and ": " separators, ensure_ascii).
std::string PythonJsonDumps(const project::Value& v);

}  // namespace flinkdbt::graph

#endif  // FLINKDBT_GRAPH_COMMANDS_H_
