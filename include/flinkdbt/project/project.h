// The project loader: a dbt project on disk (dbt_project.yml, profiles.yml, packages.yml with
// `local:` packages, selectors.yml, and every model/macro/seed/test/doc/schema file under the
// configured paths) read into an immutable LoadedProject. YAML is parsed here and validated with
// file:line:col errors; Jinja inside YAML strings is rendered through a ConfigRenderer that the
// compile layer supplies (the project layer itself knows no dbt context). Nothing here touches a
// target. A LoadedProject is plain data, safe to share across threads once built.
#ifndef FLINKDBT_PROJECT_PROJECT_H_
#define FLINKDBT_PROJECT_PROJECT_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/base/secrets.h"
#include "flinkdbt/project/schema.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::project {

// The environment a load sees (a snapshot, so loading reads no global state after it starts).
using Environment = std::map<std::string, std::string>;
Environment ProcessEnvironment();

// Which file a string being rendered comes from (dbt allows DBT_ENV_SECRET_* only in profiles.yml
// and packages.yml).
enum class RenderScope { kProject, kProfile, kPackages, kSelectors, kSchema };

// Renders a YAML string that holds Jinja (`{{`/`{%`) with env_var, var (CLI vars only) and target
// (null while rendering profiles.yml). Implemented by the compile layer on the template engine.
class ConfigRenderer {
 public:
  virtual ~ConfigRenderer() = default;
  virtual absl::StatusOr<Value> Render(const Value& text, RenderScope scope, const Value* target) = 0;
  // Properties files (RenderScope::kSchema): `var` also sees `vars` (the package's project vars,
  // under --vars). The default ignores them.
  virtual absl::StatusOr<Value> RenderWithVars(const Value& text, RenderScope scope, const Value* target,
                                               const Value& vars) {
    (void)vars;
    return Render(text, scope, target);
  }
};

struct DispatchEntry {
  std::string macro_namespace;
  std::vector<std::string> search_order;
};

// dbt_project.yml, rendered (except the keys dbt renders at runtime: vars, hooks).
struct ProjectConfig {
  std::string root_dir;  // absolute directory holding dbt_project.yml
  std::string name;
  std::string version;
  int config_version = 2;
  std::string profile;
  std::vector<std::string> model_paths{"models"};
  std::vector<std::string> macro_paths{"macros"};
  std::vector<std::string> seed_paths{"seeds"};
  std::vector<std::string> test_paths{"tests"};
  std::vector<std::string> analysis_paths{"analyses"};
  std::vector<std::string> snapshot_paths{"snapshots"};
  std::vector<std::string> docs_paths;  // default: every source path
  std::string target_path = "target";
  std::vector<std::string> clean_targets;
  std::string packages_install_path = "dbt_packages";
  Value vars = Value::MakeMap();  // unrendered
  // Config trees (unrendered values kept as written, minus Jinja already rendered).
  Value models = Value::MakeMap();
  Value seeds = Value::MakeMap();
  Value snapshots = Value::MakeMap();
  Value sources = Value::MakeMap();
  Value data_tests = Value::MakeMap();
  Value unit_tests = Value::MakeMap();
  Value exposures = Value::MakeMap();
  std::vector<Value> on_run_start;
  std::vector<Value> on_run_end;
  std::vector<DispatchEntry> dispatch;
  Value require_dbt_version;
  Value flags = Value::MakeMap();
  Value quoting = Value::MakeMap();
  Value raw;  // the whole file as parsed
};

// A file of a package, read into memory.
enum class FileKind {
  kModel,
  kAnalysis,
  kSnapshot,
  kSeed,
  kSingularTest,
  kGenericTest,
  kMacro,
  kDoc,
  kSchema,
  kFixture
};
struct ProjectFile {
  FileKind kind;
  std::string package;
  std::string original_file_path;  // relative to the package root, '/'-separated
  std::string path;                // relative to the resource path it was found under
  std::string contents;
};

struct Package {
  ProjectConfig config;
  bool is_root = false;
  std::vector<ProjectFile> files;
  std::vector<SchemaFile> schema_files;
};

// A resolved profile target. Secrets are kept out of ToContext(); the scrubber knows them.
struct Target {
  std::string profile_name;
  std::string name;  // target name
  std::string type;  // confluent | local
  int threads = 1;
  // Shared by both types.
  std::string database;  // environment_id (Flink catalog)
  std::string schema;    // dbname (Flink database)
  // confluent
  std::string organization_id;
  std::string flink_api_key, flink_api_secret, global_api_key, global_api_secret;
  std::string compute_pool_id;
  std::string cloud_provider, cloud_region, endpoint;
  std::string execution_mode = "streaming_query";
  std::string statement_name_prefix = "dbt-";
  std::string statement_label = "dbt-confluent";
  // Statement polling in seconds (`poll_interval`, `poll_max_interval`); 0 = the client's default.
  double poll_interval = 0, poll_max_interval = 0;
  // local
  std::string path;
  Value raw;  // rendered output entry (secrets included; never serialise it)

  // The `target` object of the Jinja context: connection keys (no secrets) plus type, threads,
  // name, target_name, profile_name, database, schema.
  Value ToContext() const;
  // The endpoint actually used: `endpoint` without a trailing '/', or
  // https://flink.<region>.<provider>.confluent.cloud.
  std::string ResolvedEndpoint() const;
};

struct LoadOptions {
  std::string project_dir;   // --project-dir / DBT_PROJECT_DIR; empty: nearest ancestor of cwd
  std::string profiles_dir;  // --profiles-dir / DBT_PROFILES_DIR; empty: ./profiles.yml, ~/.dbt
  std::string profile;       // --profile
  std::string target;        // --target / DBT_TARGET
  std::string target_path;   // --target-path / DBT_TARGET_PATH
  std::optional<int> threads;
  Value cli_vars = Value::MakeMap();   // --vars, already parsed
  std::optional<Environment> env;      // default: the process environment
  std::string cwd;                     // default: the process cwd
  bool load_profile = true;            // false: no target (e.g. tests of the loader alone)
  ConfigRenderer* renderer = nullptr;  // required when a YAML string holds Jinja
  SecretScrubber* scrubber = nullptr;  // receives every secret value
  // Threads reading files and parsing properties files (the loaded project is the same for any
  // count; Jinja in properties files is still rendered on the calling thread, in file order).
  int file_threads = 1;
};

struct LoadedProject {
  Package root;
  std::vector<Package> dependencies;  // local packages, in packages.yml order
  std::optional<Target> target;
  Value cli_vars = Value::MakeMap();
  Environment env;
  Value selectors;  // selectors.yml `selectors:` list (Null when absent)
  std::string selectors_file;
  std::string target_path;  // absolute
  std::vector<std::string> warnings;

  const Package* FindPackage(std::string_view name) const;
  std::vector<const Package*> AllPackages() const;  // root first
};

// Reads everything. Errors are InvalidArgument (exit 2) with a location where the input has one.
absl::StatusOr<std::shared_ptr<const LoadedProject>> LoadProject(const LoadOptions& options);

// Parses dbt_project.yml text (rendering Jinja strings through `renderer`).
absl::StatusOr<ProjectConfig> ParseProjectConfig(std::string_view text, std::string_view file,
                                                 std::string root_dir, ConfigRenderer* renderer,
                                                 const Value* target);

// Resolves profile `profile_name` (target `target_name` or the profile's default) from
// profiles.yml text. Registers secrets with `scrubber`.
absl::StatusOr<Target> ParseProfile(std::string_view text, std::string_view file,
                                    std::string_view profile_name, std::string_view target_name,
                                    std::optional<int> threads, const std::string& project_target_path,
                                    ConfigRenderer* renderer, SecretScrubber* scrubber);

// Reads a whole file.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace flinkdbt::project

#endif  // FLINKDBT_PROJECT_PROJECT_H_
