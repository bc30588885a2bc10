// The dbt Jinja context on flinkdbt's template engine, and the two passes that use it:
//  - parse (execute = false, permissive undefined): captures ref/source/config/macro calls of nodes
//    the static extractor cannot read (Compiler implements ParseRenderer);
//  - compile (execute = true): renders every selected node to its compiled SQL, injecting
//    ephemeral models as `__dbt__cte__<name>` CTEs, and writes target/compiled/<pkg>/<path>.
//
// The context provides ref (1 or 2 args, v=/version=), source, config (call, get, set, require,
// meta_get, meta_require), var (dbt's precedence), env_var (DBT_ENV_SECRET_* rejected outside
// profiles/packages), this, target, execute, model, graph, project_name, schema, database,
// adapter (dispatch with dbt's search order, quote, get_relation, get_columns_in_relation),
// return, log, print, exceptions.*, modules (re on RE2, datetime subset), tojson/fromjson,
// toyaml/fromyaml, zip, set, local_md5, invocation_id, run_started_at, flags, dbt_version,
// run_query and {% call statement %} (nothing runs while execute is false), every project and
// package macro by name and under its package namespace, and generate_{schema,alias,database}_name
// overrides.
//
// run_query, statement and adapter introspection need a StatementRunner, which a lower layer (the
// statement client) implements and the `run` layer wires in; without one, such calls while execute
// is true fail with a clear error.
//
// A Compiler is used by one thread at a time. To compile on several threads, give each thread its
// own Fork(): forks share the project, manifest and settings (read-only), render ephemeral models
// once for the whole group (whichever thread needs one first), and call the StatementRunner one
// call at a time. The log sink, source_map_sink and validator of CompileOptions are then called
// from those threads (SetLog gives a fork its own sink).
#ifndef FLINKDBT_COMPILE_CONTEXT_H_
#define FLINKDBT_COMPILE_CONTEXT_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/base/secrets.h"
#include "flinkdbt/compile/manifest.h"
#include "flinkdbt/compile/parser.h"
#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/project/project.h"

namespace flinkdbt::compile {

struct QueryResult {
  std::vector<std::string> column_names;
  std::vector<std::string> column_types;
  std::vector<std::vector<Value>> rows;
  std::string message;  // adapter response
};

struct ColumnInfo {
  std::string name;
  std::string data_type;
};

struct RelationInfo {
  std::string database, schema, identifier;
  std::string type;  // table | view | materialized_view | ...
};

// Implemented by the statement client (a lower layer); wired by `run`.
class StatementRunner {
 public:
  virtual ~StatementRunner() = default;
  virtual absl::StatusOr<QueryResult> Execute(std::string_view sql, bool fetch) = 0;
  virtual absl::StatusOr<std::optional<RelationInfo>> GetRelation(std::string_view database,
                                                                  std::string_view schema,
                                                                  std::string_view identifier) = 0;
  virtual absl::StatusOr<std::vector<ColumnInfo>> GetColumns(const RelationInfo& relation) = 0;
};

// Hook for Flink SQL validation of compiled models (the sql layer's issue wires it).
using CompiledSqlValidator = std::function<absl::Status(const Node& node, std::string_view compiled_sql)>;

struct CompileOptions {
  std::string invocation_id;
  std::string run_started_at;  // ISO-8601 UTC
  StatementRunner* runner = nullptr;
  SecretScrubber* scrubber = nullptr;
  // Receives log()/print()/exceptions.warn output: level is "debug", "info" or "warn".
  std::function<void(std::string_view level, std::string_view message)> log;
  Value flags = Value::MakeMap();  // upper-cased flags (FULL_REFRESH, STORE_FAILURES, WHICH, ...)
  // `invocation_args_dict`: the invocation's lower-cased flags as dbt's args_to_dict builds them
  // (the CLI fills it; secrets already scrubbed).
  Value invocation_args = Value::MakeMap();
  // --defer / --favor-state: the state manifest and the selected unique_ids.
  const Value* defer_manifest = nullptr;
  bool favor_state = false;
  std::set<std::string> selected;
  std::set<std::string> defer_missing;  // see Compiler::SetDeferMissing
  CompiledSqlValidator validator;
  // Receives, for every node CompileNode renders, the output source map of its raw_code (offsets in
  // the rendered text before ephemeral CTEs are injected -> offsets in raw_code).
  std::function<void(const Node& node, std::vector<jinja::SourceMapEntry> map)> source_map_sink;
};

// Renders `{{ ... }}` in YAML strings of dbt_project.yml / profiles.yml / packages.yml /
// selectors.yml with env_var, var (CLI vars only) and target.
std::unique_ptr<project::ConfigRenderer> MakeConfigRenderer(const project::Environment& env, Value cli_vars,
                                                            SecretScrubber* scrubber);

class Compiler : public ParseRenderer {
 public:
  static absl::StatusOr<std::unique_ptr<Compiler>> Create(
      std::shared_ptr<const project::LoadedProject> project, CompileOptions options);
  ~Compiler() override;

  // ParseRenderer (execute = false).
  absl::StatusOr<ParseCapture> Capture(const Node& node) override;
  absl::StatusOr<std::optional<std::string>> GenerateName(std::string_view kind, const Value& custom,
                                                          const Node& node) override;

  // The manifest compile-time refs resolve against (set once parsing is done).
  void SetManifest(std::shared_ptr<Manifest> manifest);
  // Renders `node` with execute = true: compiled_code, extra_ctes, compiled_path. Compilers of one
  // group may compile different nodes at once (ephemeral parents are compiled on the way, once).
  absl::Status CompileNode(Node& node);
  // A compiler for another thread, with this one's project, manifest, selected resources and
  // --defer settings as they are now; see the class comment. Settings changed later are not
  // passed on.
  absl::StatusOr<std::unique_ptr<Compiler>> Fork();
  // Replaces the log()/print()/exceptions.warn sink (CompileOptions::log).
  void SetLog(std::function<void(std::string_view level, std::string_view message)> log);
  // --defer/--favor-state: refs to nodes in `state_manifest` render the state's relation when
  // favor_state is set and the node is not in `selected`, or when the node's own relation does not
  // exist: listed by SetDeferMissing, or — when CompileOptions::runner is set — checked with
  // StatementRunner::GetRelation (once per node). Without either, plain --defer keeps the node's
  // own relation.
  void SetDefer(std::shared_ptr<const Value> state_manifest, bool favor_state,
                std::set<std::string> selected);
  // `selected_resources`: the unique_ids the command selected (empty until set).
  void SetSelectedResources(const std::vector<std::string>& unique_ids);
  // --defer: refs to these unselected nodes, whose own relations do not exist on the target (the
  // caller checked with its client), render the state manifest's relation.
  void SetDeferMissing(std::set<std::string> unique_ids);
  // Hooks (pre-hook/post-hook, on-run-start/on-run-end): `sql` rendered with execute = true in
  // `node`'s context (`this` is its relation), or the root project's when `node` is null; `extra`
  // adds context variables (on-run-end's `results`). Errors name `template_name` when given (else the
  // node's file, or dbt_project.yml).
  absl::StatusOr<std::string> RenderHook(const Node* node, std::string_view sql,
                                         const std::vector<std::pair<std::string, Value>>& extra = {},
                                         std::string_view template_name = {});
  // Unit tests: `node`'s SQL rendered with `overrides` ({vars, env_vars, macros}) in effect, as dbt's
  // unit-test context applies them (a macro override of a macro becomes a macro returning the value,
  // e.g. is_incremental: true). The node itself is left as it is.
  absl::StatusOr<std::string> CompileWithOverrides(const Node& node, const Value& overrides);
  // `compile --inline`: compiles ad-hoc SQL in the root project's context.
  absl::StatusOr<std::string> CompileInline(std::string_view sql);

  class Impl;

 private:
  explicit Compiler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// dbt's inject_ctes_into_sql.
std::string InjectCtes(std::string_view sql, const std::vector<std::pair<std::string, std::string>>& ctes);

}  // namespace flinkdbt::compile

#endif  // FLINKDBT_COMPILE_CONTEXT_H_
