// Node selection with dbt's grammar: selection specs (`+model`, `2+tag:nightly`, `@stg`,
// `config.materialized:view`, `path:models/staging`, `state:modified.body+`, ...), union by space and
// repeated --select, intersection by comma, --exclude, `selectors.yml` definitions (--selector and
// `default: true`), indirect test selection (eager, cautious, buildable, empty), and the state
// comparison against a previous manifest (--state) and previous run results (`result:`).
// A Selector is built per invocation and is read-only afterwards (thread-safe to Select from).
#ifndef FLINKDBT_GRAPH_SELECTOR_H_
#define FLINKDBT_GRAPH_SELECTOR_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/graph/graph.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::graph {

enum class IndirectSelection { kEager, kCautious, kBuildable, kEmpty };
absl::StatusOr<IndirectSelection> ParseIndirectSelection(std::string_view s);

// One selection criterion: [@][n+][method[.arg...]:]value[+n]
struct SelectionCriteria {
  std::string raw;
  std::string method;                    // fqn, tag, path, file, config, ...
  std::vector<std::string> method_args;  // config.materialized -> {"materialized"}
  std::string value;
  bool parents = false;
  int parents_depth = -1;  // -1: unlimited
  bool children = false;
  int children_depth = -1;
  bool childrens_parents = false;
  std::optional<IndirectSelection> indirect_selection;
};

// Parses one criterion (errors: InvalidArgument, e.g. '@' with a trailing '+', unknown method).
absl::StatusOr<SelectionCriteria> ParseCriteria(std::string_view spec);

// A selection expression: criteria combined by union, intersection and difference.
struct SelectionSpec {
  enum class Kind { kCriteria, kUnion, kIntersection, kDifference };
  Kind kind = Kind::kCriteria;
  SelectionCriteria criteria;
  std::vector<SelectionSpec> components;
  std::optional<IndirectSelection> indirect_selection;
  bool expect_exists = false;
  std::string raw;
};

// Previous-run state for `state:` and `result:` and for --defer.
struct PreviousState {
  project::Value manifest;     // parsed manifest.json (Null when absent)
  project::Value run_results;  // parsed run_results.json (Null when absent)
};
// Loads manifest.json and run_results.json from `dir` (missing files are Null; a missing directory
// or unreadable JSON is an error).
absl::StatusOr<PreviousState> LoadPreviousState(const std::string& dir);

struct SelectOptions {
  std::vector<std::string> select;  // each --select argument (space-separated terms inside)
  std::vector<std::string> exclude;
  std::string selector;  // --selector NAME
  IndirectSelection indirect_selection = IndirectSelection::kEager;
  // Resource types kept at the end (empty: the command's default set).
  std::vector<compile::ResourceType> resource_types;
  std::vector<compile::ResourceType> exclude_resource_types;
  const PreviousState* state = nullptr;
  std::string root_project;  // for package:this
  project::Value selectors;  // selectors.yml `selectors` list
};

// Builds the spec a command runs with: --selector, else --select/--exclude, else the project's
// default selector, else everything (fqn:* source:* exposure:* ...).
absl::StatusOr<SelectionSpec> BuildSpec(const SelectOptions& options);

// Parses a selectors.yml definition (string, {method: value}, {method, value, parents, ...},
// {union: [...]}, {intersection: [...]}, {method: selector, value: other}).
absl::StatusOr<SelectionSpec> ParseSelectorDefinition(const project::Value& definition,
                                                      const project::Value& all_selectors, int depth = 0);

struct SelectionResult {
  std::vector<int> selected;          // node ids, sorted by unique_id
  std::vector<std::string> warnings;  // e.g. "The selection criterion 'x' does not match any enabled nodes"
};

// Evaluates `spec` over `graph`, then keeps the resource types of `options`.
absl::StatusOr<SelectionResult> Select(const Graph& graph, const SelectionSpec& spec,
                                       const SelectOptions& options);

// Python fnmatch.fnmatchcase.
bool FnMatch(std::string_view name, std::string_view pattern);

}  // namespace flinkdbt::graph

#endif  // FLINKDBT_GRAPH_SELECTOR_H_
