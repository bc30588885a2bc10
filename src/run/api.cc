// ProjectSession and RenderTemplate: the project-level library calls (see api.h), on the same
// graph-layer entry points as `flinkdbt parse`, `compile` and `ls`.
#include "flinkdbt/run/api.h"

#include <filesystem>

#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/compile/context.h"
#include "flinkdbt/graph/commands.h"
#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/jinja/value.h"
#include "flinkdbt/project/project.h"
#include "flinkdbt/project/value.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;

std::string ResolvePath(const std::string& cwd, const std::string& path) {
  if (path.empty() || cwd.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(cwd) / path).lexically_normal().string();
}

// "a b  c" -> {"a", "b", "c"} over every entry, as dbt splits --select values.
std::vector<std::string> SplitSelectors(const std::vector<std::string>& entries) {
  std::vector<std::string> out;
  for (const std::string& entry : entries) {
    size_t i = 0;
    while (i < entry.size()) {
      while (i < entry.size() && (entry[i] == ' ' || entry[i] == '\t' || entry[i] == '\n')) ++i;
      size_t start = i;
      while (i < entry.size() && entry[i] != ' ' && entry[i] != '\t' && entry[i] != '\n') ++i;
      if (i > start) out.push_back(entry.substr(start, i - start));
    }
  }
  return out;
}

graph::ListOptions ToListOptions(const NodeSelection& selection) {
  graph::ListOptions list;
  list.select = SplitSelectors(selection.select);
  list.exclude = SplitSelectors(selection.exclude);
  list.selector = selection.selector;
  return list;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ProjectSession>> ProjectSession::Open(const ProjectSessionOptions& options) {
  std::unique_ptr<ProjectSession> session(new ProjectSession());
  session->options_ = options;
  project::Environment env = options.env ? *options.env : project::ProcessEnvironment();
  for (const auto& [name, value] : env) {
    if (name.starts_with(kSecretEnvPrefix)) session->scrubber_.Add(value);
  }
  project::LoadOptions load;
  load.project_dir = ResolvePath(options.cwd, options.project_dir);
  load.profiles_dir = ResolvePath(options.cwd, options.profiles_dir);
  // A library caller's working directory says nothing about the project: without --profiles-dir or
  // DBT_PROFILES_DIR, a profiles.yml beside dbt_project.yml comes before the CLI's lookup.
  std::error_code ec;
  if (load.profiles_dir.empty() && !load.project_dir.empty() && !env.contains("DBT_PROFILES_DIR") &&
      fs::exists(fs::path(load.project_dir) / "profiles.yml", ec)) {
    load.profiles_dir = fs::absolute(load.project_dir, ec).string();
  }
  load.target = options.target;
  load.env = env;
  load.cwd = options.cwd;
  load.scrubber = &session->scrubber_;
  if (!options.vars.empty()) {
    FLINKDBT_ASSIGN_OR_RETURN(project::Value vars, project::ParseYaml(options.vars, "--vars"));
    if (!vars.is_null() && !vars.is_map()) {
      return absl::InvalidArgumentError("--vars must be a YAML or JSON mapping");
    }
    if (!vars.is_null()) load.cli_vars = std::move(vars);
  }
  std::unique_ptr<project::ConfigRenderer> renderer =
      compile::MakeConfigRenderer(env, load.cli_vars, &session->scrubber_);
  load.renderer = renderer.get();
  absl::StatusOr<std::shared_ptr<const project::LoadedProject>> loaded = project::LoadProject(load);
  if (!loaded.ok()) return session->Scrubbed(loaded.status());
  session->loaded_ = *std::move(loaded);
  return session;
}

ProjectSession::~ProjectSession() = default;

absl::Status ProjectSession::Scrubbed(const absl::Status& status) const {
  if (status.ok() || scrubber_.empty()) return status;
  absl::Status out(status.code(), ToAbsl(scrubber_.Scrub(ToStd(status.message()))));
  if (std::optional<SourceLocation> loc = GetLocation(status)) out = WithLocation(out, *loc);
  return out;
}

absl::Status ProjectSession::EnsureParsedLocked() {
  if (parsed_ != nullptr) return absl::OkStatus();
  graph::InvocationOptions options;
  options.write_manifest = options_.write_artifacts;
  options.load.scrubber = &scrubber_;
  options.compile.scrubber = &scrubber_;
  // log()/print() in templates have no console here.
  options.compile.log = [](std::string_view, std::string_view) {};
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseLoaded(loaded_, options);
  if (!parsed.ok()) return Scrubbed(parsed.status());
  parsed_ = std::make_unique<graph::ParsedProject>(*std::move(parsed));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ProjectSession::ParseManifestJson() {
  std::lock_guard<std::mutex> lock(mu_);
  parsed_.reset();
  FLINKDBT_RETURN_IF_ERROR(EnsureParsedLocked());
  return scrubber_.Scrub(parsed_->manifest->ToJson());
}

absl::StatusOr<std::string> ProjectSession::CompileJson(const NodeSelection& selection) {
  std::lock_guard<std::mutex> lock(mu_);
  FLINKDBT_RETURN_IF_ERROR(EnsureParsedLocked());
  absl::StatusOr<std::vector<graph::CompiledNode>> compiled =
      graph::CompileCommand(*parsed_, ToListOptions(selection), std::nullopt, options_.write_artifacts);
  if (!compiled.ok()) return Scrubbed(compiled.status());
  JsonWriter w;
  w.BeginArray();
  for (const graph::CompiledNode& c : *compiled) {
    const compile::Node* node = parsed_->manifest->FindNode(c.unique_id);
    if (node != nullptr) {
      compile::WriteNodeJson(w, *node);
    } else {
      w.BeginObject()
          .Field("unique_id", c.unique_id)
          .Field("name", c.name)
          .Field("compiled_code", c.compiled_code);
      w.EndObject();
    }
  }
  w.EndArray();
  return scrubber_.Scrub(w.str());
}

absl::StatusOr<std::string> ProjectSession::ListJson(const NodeSelection& selection) {
  std::lock_guard<std::mutex> lock(mu_);
  FLINKDBT_RETURN_IF_ERROR(EnsureParsedLocked());
  graph::ListOptions list = ToListOptions(selection);
  list.output = "json";
  absl::StatusOr<graph::ListResult> result = graph::ListCommand(*parsed_, list);
  if (!result.ok()) return Scrubbed(result.status());
  std::string out = "[";
  for (size_t i = 0; i < result->lines.size(); ++i) {
    if (i > 0) out += ", ";
    out += result->lines[i];
  }
  out += "]";
  return scrubber_.Scrub(out);
}

absl::StatusOr<std::string> ProjectSession::Render(std::string_view source, std::string_view context_json) {
  // The context's names are added to the root project's dbt context for this render only.
  std::vector<std::pair<std::string, project::Value>> extra;
  if (!context_json.empty()) {
    FLINKDBT_ASSIGN_OR_RETURN(project::Value context, project::ParseJson(context_json, "<context>"));
    if (!context.is_map()) return absl::InvalidArgumentError("the template context must be a JSON object");
    for (const auto& [name, value] : context.map()) {
      if (!IsIdentifier(name)) {
        return absl::InvalidArgumentError(
            ToAbsl(fmt::format("the template context key '{}' is not a valid variable name", name)));
      }
      extra.emplace_back(name, value);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  FLINKDBT_RETURN_IF_ERROR(EnsureParsedLocked());
  absl::StatusOr<compile::Compiler*> compiler = parsed_->compiler->Get();
  if (!compiler.ok()) return Scrubbed(compiler.status());
  absl::StatusOr<std::string> out = (*compiler)->RenderHook(nullptr, source, extra, "<template>");
  if (!out.ok()) return Scrubbed(out.status());
  return scrubber_.Scrub(*out);
}

absl::StatusOr<std::string> RenderTemplate(std::string_view source, std::string_view context_json,
                                           std::string name) {
  jinja::Value context = jinja::Value::Dict();
  if (!context_json.empty()) {
    absl::StatusOr<jinja::Value> parsed = jinja::ValueFromJson(context_json);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(ToAbsl(
          fmt::format("the template context is not valid JSON: {}", ToStd(parsed.status().message()))));
    }
    if (parsed->kind() != jinja::ValueKind::kDict) {
      return absl::InvalidArgumentError("the template context must be a JSON object");
    }
    context = *std::move(parsed);
  }
  jinja::Environment env;
  FLINKDBT_ASSIGN_OR_RETURN(std::shared_ptr<const jinja::Template> tmpl, env.Parse(source, std::move(name)));
  jinja::RenderOptions render;
  // A caller-supplied template must not hang its host: bound the work it may do.
  render.max_steps = 10'000'000;
  render.max_output_bytes = 256 << 20;
  return env.Render(*tmpl, context, render);
}

}  // namespace flinkdbt::run
