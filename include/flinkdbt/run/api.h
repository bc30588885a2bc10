// Project-level library calls for embedders: open a project once, then parse it, compile or list a
// selection, and render templates in its dbt context — the C ABI's flinkdbt_project_* functions
// come through here. Every call reuses the entry points `flinkdbt parse`, `compile` and `ls` use
// (graph/commands.h), so results match the CLI's.
//
//   auto project = flinkdbt::run::ProjectSession::Open({.project_dir = "my_project"});
//   absl::StatusOr<std::string> nodes = (*project)->CompileJson({.select = {"stg_orders+"}});
//   absl::StatusOr<std::string> text = flinkdbt::run::RenderTemplate("{{ x * 2 }}", R"({"x": 21})");
//
// Thread-safety: a ProjectSession may be shared by several threads; its calls are serialized by an
// internal mutex (compiling fills the manifest in place). Different sessions share nothing and run
// at once. RenderTemplate is a pure function and may run on any thread.
//
// Errors are absl::Status values with the user's file:line:col where there is one (a broken YAML
// file gives its path and line). Secrets (profile secrets, DBT_ENV_SECRET_* values) are redacted
// from every returned string and error message.
#ifndef FLINKDBT_RUN_API_H_
#define FLINKDBT_RUN_API_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/base/secrets.h"

namespace flinkdbt::graph {
struct ParsedProject;
}
namespace flinkdbt::project {
struct LoadedProject;
}

namespace flinkdbt::run {

struct ProjectSessionOptions {
  std::string project_dir;  // empty: the nearest ancestor of cwd holding dbt_project.yml
  // Empty: DBT_PROFILES_DIR, else the project dir when it holds profiles.yml, else as the CLI looks
  // (the working directory, then ~/.dbt).
  std::string profiles_dir;
  std::string target;  // empty: the profile's default target
  std::string vars;    // --vars: a YAML (or JSON) mapping; empty for none
  // The environment the project sees (env_var(), DBT_ENV_SECRET_*); nullopt: the process's, read once
  // at Open.
  std::optional<std::map<std::string, std::string>> env;
  std::string cwd;  // relative paths resolve against it; empty: the process's
  // Whether parse and compile write target/manifest.json and target/compiled/ as the CLI does.
  bool write_artifacts = true;
};

// Which nodes a call acts on, as --select/--exclude/--selector take them. Each entry may hold several
// space-separated selectors ("stg_orders+ stg_customers").
struct NodeSelection {
  std::vector<std::string> select;
  std::vector<std::string> exclude;
  std::string selector;  // a selectors.yml name; empty for none
};

class ProjectSession {
 public:
  // Reads the project (dbt_project.yml, profiles.yml, packages, every file); nothing is parsed yet.
  static absl::StatusOr<std::unique_ptr<ProjectSession>> Open(const ProjectSessionOptions& options);
  ~ProjectSession();
  ProjectSession(const ProjectSession&) = delete;
  ProjectSession& operator=(const ProjectSession&) = delete;

  // Parses the project read at Open (again, if it was parsed before) and returns manifest.json's text.
  absl::StatusOr<std::string> ParseManifestJson();
  // Compiles the selected nodes (parsing first if needed) and returns a JSON array of their manifest
  // node objects, compiled_code filled in, in the order `flinkdbt compile` compiles them.
  absl::StatusOr<std::string> CompileJson(const NodeSelection& selection);
  // A JSON array of the selected nodes, as `flinkdbt ls --output json` prints them (one object per
  // node: unique_id, name, resource_type, config, depends_on, ...), sorted by unique_id.
  absl::StatusOr<std::string> ListJson(const NodeSelection& selection);
  // Renders `source` in the root project's dbt context (ref, source, var, config, macros...) like
  // `compile --inline`, with the top-level keys of `context_json` (a JSON object; empty for none) set
  // as variables first.
  absl::StatusOr<std::string> Render(std::string_view source, std::string_view context_json);

 private:
  ProjectSession() = default;
  absl::Status EnsureParsedLocked();
  absl::Status Scrubbed(const absl::Status& status) const;

  std::mutex mu_;
  ProjectSessionOptions options_;
  SecretScrubber scrubber_;
  std::shared_ptr<const project::LoadedProject> loaded_;
  std::unique_ptr<graph::ParsedProject> parsed_;
};

// Renders a Jinja template with `context_json` (a JSON object; empty for none) as its context, on the
// template engine configured as dbt configures Jinja2, without any project. `name` names the
// template in error locations.
absl::StatusOr<std::string> RenderTemplate(std::string_view source, std::string_view context_json,
                                           std::string name = "<template>");

}  // namespace flinkdbt::run

#endif  // FLINKDBT_RUN_API_H_
