#include "flinkdbt/project/project.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "flinkdbt/base/parallel.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/project/config.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"
#include "re2/re2.h"

extern char** environ;

namespace flinkdbt::project {
namespace fs = std::filesystem;

Environment ProcessEnvironment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(ToAbsl(fmt::format("cannot read {}", path)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

bool HasJinja(const std::string& s) {
  return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos;
}

// Renders every Jinja string in `v`, except below keys for which `skip(path)` holds.
absl::Status RenderTree(Value& v, std::vector<std::string>& path,
                        const std::function<bool(const std::vector<std::string>&)>& skip,
                        ConfigRenderer* renderer, RenderScope scope, const Value* target,
                        const Value* vars = nullptr) {
  if (skip(path)) return absl::OkStatus();
  if (v.is_string() && HasJinja(v.as_string())) {
    if (renderer == nullptr) {
      return ErrorAt(v, "this value holds Jinja but no renderer is available to render it");
    }
    SourceLocation loc = v.location();
    FLINKDBT_ASSIGN_OR_RETURN(Value rendered, vars ? renderer->RenderWithVars(v, scope, target, *vars)
                                                   : renderer->Render(v, scope, target));
    rendered.set_location(loc);
    v = std::move(rendered);
    return absl::OkStatus();
  }
  if (v.is_list()) {
    for (size_t i = 0; i < v.list().size(); ++i) {
      path.push_back(std::to_string(i));
      absl::Status s = RenderTree(v.list()[i], path, skip, renderer, scope, target, vars);
      path.pop_back();
      FLINKDBT_RETURN_IF_ERROR(s);
    }
  } else if (v.is_map()) {
    for (auto& [k, item] : v.map()) {
      path.push_back(k);
      absl::Status s = RenderTree(item, path, skip, renderer, scope, target, vars);
      path.pop_back();
      FLINKDBT_RETURN_IF_ERROR(s);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> StringList(const Value& v, std::string_view key) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.as_string());
    return out;
  }
  if (!v.is_list())
    return ErrorAt(v, fmt::format("'{}' must be a list of strings, got {}", key, v.KindName()));
  for (const Value& item : v.list()) {
    if (!item.is_string()) return ErrorAt(item, fmt::format("'{}' must be a list of strings", key));
    out.push_back(item.as_string());
  }
  return out;
}

const std::vector<std::string_view>& KnownProjectKeys() {
  static const std::vector<std::string_view> keys = {"name",
                                                     "version",
                                                     "config-version",
                                                     "profile",
                                                     "model-paths",
                                                     "source-paths",
                                                     "macro-paths",
                                                     "seed-paths",
                                                     "data-paths",
                                                     "test-paths",
                                                     "analysis-paths",
                                                     "snapshot-paths",
                                                     "docs-paths",
                                                     "asset-paths",
                                                     "target-path",
                                                     "log-path",
                                                     "clean-targets",
                                                     "packages-install-path",
                                                     "vars",
                                                     "models",
                                                     "seeds",
                                                     "snapshots",
                                                     "sources",
                                                     "data_tests",
                                                     "tests",
                                                     "unit_tests",
                                                     "exposures",
                                                     "metrics",
                                                     "semantic-models",
                                                     "saved-queries",
                                                     "analyses",
                                                     "on-run-start",
                                                     "on-run-end",
                                                     "dispatch",
                                                     "require-dbt-version",
                                                     "flags",
                                                     "quoting",
                                                     "query-comment",
                                                     "restrict-access",
                                                     "dbt-cloud"};
  return keys;
}

}  // namespace

absl::StatusOr<ProjectConfig> ParseProjectConfig(std::string_view text, std::string_view file,
                                                 std::string root_dir, ConfigRenderer* renderer,
                                                 const Value* target) {
  FLINKDBT_ASSIGN_OR_RETURN(Value doc, ParseYaml(text, file));
  if (!doc.is_map()) return ErrorAt(doc, "dbt_project.yml must be a dictionary");
  std::vector<std::string> path;
  auto skip = [](const std::vector<std::string>& p) {
    if (p.empty()) return false;
    if (p[0] == "vars" || p[0] == "on-run-start" || p[0] == "on-run-end" || p[0] == "query-comment")
      return true;
    const std::string& last = p.back();
    return last == "pre-hook" || last == "post-hook" || last == "+pre-hook" || last == "+post-hook" ||
           last == "pre_hook" || last == "post_hook" || last == "+pre_hook" || last == "+post_hook";
  };
  Value raw = doc;
  FLINKDBT_RETURN_IF_ERROR(RenderTree(doc, path, skip, renderer, RenderScope::kProject, target));
  ProjectConfig c;
  c.root_dir = std::move(root_dir);
  c.raw = raw;
  const auto& known = KnownProjectKeys();
  for (const auto& [k, v] : doc.map()) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return ErrorAt(doc.KeyLocation(k), fmt::format("unknown key '{}' in dbt_project.yml", k));
    }
  }
  const Value* name = doc.Find("name");
  if (name == nullptr || !name->is_string()) {
    return ErrorAt(name ? *name : doc, "dbt_project.yml needs a string 'name'");
  }
  static const RE2 kName(R"([A-Za-z_][A-Za-z0-9_]*)");
  if (!RE2::FullMatch(name->as_string(), kName)) {
    return ErrorAt(*name,
                   fmt::format("invalid project name '{}': it must start with a letter or underscore and "
                               "contain only letters, digits and underscores",
                               name->as_string()));
  }
  c.name = name->as_string();
  if (const Value* v = doc.Find("version")) c.version = v->ToPythonStr();
  if (const Value* v = doc.Find("config-version")) {
    if (!v->is_int() || v->as_int() != 2) return ErrorAt(*v, "'config-version' must be 2");
  }
  if (const Value* v = doc.Find("profile")) {
    if (!v->is_string() && !v->is_null()) return ErrorAt(*v, "'profile' must be a string");
    if (v->is_string()) c.profile = v->as_string();
  }
  auto paths = [&](std::string_view key, std::string_view legacy,
                   std::vector<std::string>* out) -> absl::Status {
    const Value* v = doc.Find(key);
    const Value* l = legacy.empty() ? nullptr : doc.Find(legacy);
    if (v && l) return ErrorAt(*l, fmt::format("both '{}' and its legacy alias '{}' are set", key, legacy));
    if (!v) v = l;
    if (!v || v->is_null()) return absl::OkStatus();
    FLINKDBT_ASSIGN_OR_RETURN(*out, StringList(*v, key));
    return absl::OkStatus();
  };
  FLINKDBT_RETURN_IF_ERROR(paths("model-paths", "source-paths", &c.model_paths));
  FLINKDBT_RETURN_IF_ERROR(paths("macro-paths", "", &c.macro_paths));
  FLINKDBT_RETURN_IF_ERROR(paths("seed-paths", "data-paths", &c.seed_paths));
  FLINKDBT_RETURN_IF_ERROR(paths("test-paths", "", &c.test_paths));
  FLINKDBT_RETURN_IF_ERROR(paths("analysis-paths", "", &c.analysis_paths));
  FLINKDBT_RETURN_IF_ERROR(paths("snapshot-paths", "", &c.snapshot_paths));
  FLINKDBT_RETURN_IF_ERROR(paths("docs-paths", "", &c.docs_paths));
  FLINKDBT_RETURN_IF_ERROR(paths("clean-targets", "", &c.clean_targets));
  if (c.docs_paths.empty()) {
    for (auto* list : {&c.model_paths, &c.seed_paths, &c.test_paths, &c.analysis_paths, &c.macro_paths,
                       &c.snapshot_paths}) {
      c.docs_paths.insert(c.docs_paths.end(), list->begin(), list->end());
    }
  }
  if (const Value* v = doc.Find("target-path")) {
    if (!v->is_string()) return ErrorAt(*v, "'target-path' must be a string");
    c.target_path = v->as_string();
  }
  if (c.clean_targets.empty()) c.clean_targets = {c.target_path};
  if (const Value* v = doc.Find("packages-install-path")) {
    if (!v->is_string()) return ErrorAt(*v, "'packages-install-path' must be a string");
    c.packages_install_path = v->as_string();
  }
  if (const Value* v = raw.Find("vars")) {
    if (!v->is_map() && !v->is_null()) return ErrorAt(*v, "'vars' must be a dictionary");
    if (v->is_map()) c.vars = *v;
  }
  auto tree = [&](std::string_view key, Value* out) -> absl::Status {
    const Value* v = doc.Find(key);
    if (!v || v->is_null()) return absl::OkStatus();
    if (!v->is_map()) return ErrorAt(*v, fmt::format("'{}' must be a dictionary of configs", key));
    *out = *v;
    return absl::OkStatus();
  };
  FLINKDBT_RETURN_IF_ERROR(tree("models", &c.models));
  FLINKDBT_RETURN_IF_ERROR(tree("seeds", &c.seeds));
  FLINKDBT_RETURN_IF_ERROR(tree("snapshots", &c.snapshots));
  FLINKDBT_RETURN_IF_ERROR(tree("sources", &c.sources));
  if (doc.Has("data_tests") && doc.Has("tests")) {
    return ErrorAt(*doc.Find("tests"), "both 'data_tests' and its legacy alias 'tests' are set");
  }
  FLINKDBT_RETURN_IF_ERROR(tree(doc.Has("tests") ? "tests" : "data_tests", &c.data_tests));
  FLINKDBT_RETURN_IF_ERROR(tree("unit_tests", &c.unit_tests));
  FLINKDBT_RETURN_IF_ERROR(tree("exposures", &c.exposures));
  for (auto [key, out] :
       {std::pair{"on-run-start", &c.on_run_start}, std::pair{"on-run-end", &c.on_run_end}}) {
    const Value* v = raw.Find(key);
    if (!v || v->is_null()) continue;
    if (v->is_string()) {
      out->push_back(*v);
    } else if (v->is_list()) {
      for (const Value& item : v->list()) {
        if (!item.is_string())
          return ErrorAt(item, fmt::format("'{}' must be a string or a list of strings", key));
        out->push_back(item);
      }
    } else {
      return ErrorAt(*v, fmt::format("'{}' must be a string or a list of strings", key));
    }
  }
  if (const Value* v = doc.Find("dispatch")) {
    if (!v->is_list()) return ErrorAt(*v, "'dispatch' must be a list of {macro_namespace, search_order}");
    for (const Value& d : v->list()) {
      const Value* ns = d.Find("macro_namespace");
      const Value* so = d.Find("search_order");
      if (!d.is_map() || !ns || !ns->is_string() || !so) {
        return ErrorAt(
            d, "each 'dispatch' entry needs 'macro_namespace' (a string) and 'search_order' (a list)");
      }
      DispatchEntry e;
      e.macro_namespace = ns->as_string();
      FLINKDBT_ASSIGN_OR_RETURN(e.search_order, StringList(*so, "search_order"));
      c.dispatch.push_back(std::move(e));
    }
  }
  if (const Value* v = doc.Find("require-dbt-version")) c.require_dbt_version = *v;
  if (const Value* v = doc.Find("flags")) {
    if (!v->is_map()) return ErrorAt(*v, "'flags' must be a dictionary");
    c.flags = *v;
  }
  if (const Value* v = doc.Find("quoting")) {
    if (!v->is_map()) return ErrorAt(*v, "'quoting' must be a dictionary");
    c.quoting = *v;
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// profiles.yml

namespace {

const std::vector<std::string_view>& ConfluentKeys() {
  static const std::vector<std::string_view> keys = {"type",
                                                     "threads",
                                                     "organization_id",
                                                     "environment_id",
                                                     "database",
                                                     "dbname",
                                                     "schema",
                                                     "flink_api_key",
                                                     "flink_api_secret",
                                                     "global_api_key",
                                                     "global_api_secret",
                                                     "compute_pool_id",
                                                     "cloud_provider",
                                                     "cloud_region",
                                                     "endpoint",
                                                     "execution_mode",
                                                     "statement_name_prefix",
                                                     "statement_label",
                                                     "poll_interval",
                                                     "poll_max_interval"};
  return keys;
}
const std::vector<std::string_view>& LocalKeys() {
  static const std::vector<std::string_view> keys = {
      "type",   "threads", "path",           "environment_id",        "database",
      "dbname", "schema",  "execution_mode", "statement_name_prefix", "statement_label"};
  return keys;
}

absl::StatusOr<std::string> Str(const Value& out, std::string_view key, std::string_view ctx) {
  const Value* v = out.Find(key);
  if (!v || v->is_null()) return std::string();
  if (v->is_string()) return v->as_string();
  if (v->is_int()) return v->ToPythonStr();
  return ErrorAt(*v, fmt::format("'{}' of {} must be a string, got {}", key, ctx, v->KindName()));
}

absl::StatusOr<std::string> Alias(const Value& out, std::string_view key, std::string_view alias,
                                  std::string_view ctx) {
  if (out.Has(key) && out.Has(alias)) {
    return ErrorAt(*out.Find(alias),
                   fmt::format("{}: both '{}' and its alias '{}' are set", ctx, key, alias));
  }
  FLINKDBT_ASSIGN_OR_RETURN(std::string a, Str(out, key, ctx));
  if (!a.empty()) return a;
  return Str(out, alias, ctx);
}

}  // namespace

std::string Target::ResolvedEndpoint() const {
  if (!endpoint.empty()) {
    std::string e = endpoint;
    while (!e.empty() && e.back() == '/') e.pop_back();
    return e;
  }
  if (type != "confluent") return "";
  return fmt::format("https://flink.{}.{}.confluent.cloud", cloud_region, cloud_provider);
}

Value Target::ToContext() const {
  Value t = Value::MakeMap();
  t.Set("type", Value::String(type));
  t.Set("threads", Value::Int(threads));
  t.Set("name", Value::String(name));
  t.Set("target_name", Value::String(name));
  t.Set("profile_name", Value::String(profile_name));
  t.Set("database", Value::String(database));
  t.Set("schema", Value::String(schema));
  t.Set("environment_id", Value::String(database));
  t.Set("dbname", Value::String(schema));
  if (type == "confluent") {
    t.Set("organization_id", Value::String(organization_id));
    t.Set("compute_pool_id", compute_pool_id.empty() ? Value::Null() : Value::String(compute_pool_id));
    if (!endpoint.empty()) t.Set("endpoint", Value::String(ResolvedEndpoint()));
    if (!cloud_provider.empty()) t.Set("cloud_provider", Value::String(cloud_provider));
    if (!cloud_region.empty()) t.Set("cloud_region", Value::String(cloud_region));
  } else {
    t.Set("path", Value::String(path));
  }
  t.Set("execution_mode", Value::String(execution_mode));
  t.Set("statement_name_prefix", Value::String(statement_name_prefix));
  t.Set("statement_label", Value::String(statement_label));
  return t;
}

absl::StatusOr<Target> ParseProfile(std::string_view text, std::string_view file,
                                    std::string_view profile_name, std::string_view target_name,
                                    std::optional<int> threads, const std::string& project_target_path,
                                    ConfigRenderer* renderer, SecretScrubber* scrubber) {
  FLINKDBT_ASSIGN_OR_RETURN(Value doc, ParseYaml(text, file));
  if (!doc.is_map()) return ErrorAt(doc, "profiles.yml must be a dictionary of profiles");
  const Value* profile = doc.Find(profile_name);
  if (profile == nullptr) {
    std::string names;
    for (const auto& [k, _] : doc.map()) {
      if (k == "config") continue;
      names += (names.empty() ? "" : ", ") + k;
    }
    return ErrorAt(SourceLocation{std::string(file), 0, 0},
                   fmt::format("{}: profile '{}' not found (profiles in this file: {})", file, profile_name,
                               names.empty() ? "none" : names));
  }
  if (!profile->is_map())
    return ErrorAt(*profile, fmt::format("profile '{}' must be a dictionary", profile_name));
  const Value* outputs = profile->Find("outputs");
  if (outputs == nullptr || !outputs->is_map() || outputs->map().empty()) {
    return ErrorAt(outputs ? *outputs : *profile,
                   fmt::format("profile '{}' needs an 'outputs' dictionary of targets", profile_name));
  }
  std::string tname(target_name);
  SourceLocation tname_loc = profile->KeyLocation("outputs");
  if (tname.empty()) {
    if (const Value* t = profile->Find("target")) {
      Value tv = *t;
      std::vector<std::string> path;
      FLINKDBT_RETURN_IF_ERROR(RenderTree(
          tv, path, [](const auto&) { return false; }, renderer, RenderScope::kProfile, nullptr));
      if (!tv.is_string()) return ErrorAt(*t, "the profile's 'target' must be a string");
      tname = tv.as_string();
      tname_loc = t->location();
    } else {
      tname = "default";
    }
  }
  const Value* out_raw = outputs->Find(tname);
  if (out_raw == nullptr) {
    std::string names;
    for (const auto& [k, _] : outputs->map()) names += (names.empty() ? "" : ", ") + k;
    return ErrorAt(tname_loc, fmt::format("target '{}' not found in profile '{}' (targets: {})", tname,
                                          profile_name, names));
  }
  if (!out_raw->is_map()) return ErrorAt(*out_raw, fmt::format("target '{}' must be a dictionary", tname));
  Value out = *out_raw;
  std::vector<std::string> path;
  FLINKDBT_RETURN_IF_ERROR(RenderTree(
      out, path, [](const auto&) { return false; }, renderer, RenderScope::kProfile, nullptr));
  std::string ctx = fmt::format("target '{}' of profile '{}'", tname, profile_name);
  Target t;
  t.profile_name = std::string(profile_name);
  t.name = tname;
  t.raw = out;
  FLINKDBT_ASSIGN_OR_RETURN(t.type, Str(out, "type", ctx));
  if (t.type.empty()) return ErrorAt(out, fmt::format("{} has no 'type' (confluent or local)", ctx));
  if (t.type != "confluent" && t.type != "local") {
    return ErrorAt(*out.Find("type"),
                   fmt::format("{}: unsupported type '{}' (flinkdbt supports 'confluent' and "
                               "'local')",
                               ctx, t.type));
  }
  const auto& known = t.type == "confluent" ? ConfluentKeys() : LocalKeys();
  for (const auto& [k, v] : out.map()) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return ErrorAt(out.KeyLocation(k), fmt::format("{}: unknown key '{}' for type '{}'", ctx, k, t.type));
    }
  }
  if (const Value* th = out.Find("threads")) {
    int64_t n = 0;
    if (th->is_int()) {
      n = th->as_int();
    } else if (th->is_string() && !th->as_string().empty() &&
               std::all_of(th->as_string().begin(), th->as_string().end(), ::isdigit)) {
      n = std::stoll(th->as_string());
    } else {
      return ErrorAt(*th, fmt::format("{}: 'threads' must be a positive integer", ctx));
    }
    if (n < 1) return ErrorAt(*th, fmt::format("{}: 'threads' must be a positive integer", ctx));
    t.threads = static_cast<int>(n);
  }
  if (threads) t.threads = *threads;
  FLINKDBT_ASSIGN_OR_RETURN(t.database, Alias(out, "environment_id", "database", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(t.schema, Alias(out, "dbname", "schema", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(std::string em, Str(out, "execution_mode", ctx));
  if (!em.empty()) {
    if (em != "snapshot" && em != "snapshot_ddl" && em != "streaming_query" && em != "streaming_ddl") {
      return ErrorAt(
          *out.Find("execution_mode"),
          fmt::format("{}: 'execution_mode' must be one of snapshot, snapshot_ddl, streaming_query, "
                      "streaming_ddl; got '{}'",
                      ctx, em));
    }
    t.execution_mode = em;
  }
  FLINKDBT_ASSIGN_OR_RETURN(std::string prefix, Str(out, "statement_name_prefix", ctx));
  if (out.Has("statement_name_prefix")) t.statement_name_prefix = prefix;
  FLINKDBT_ASSIGN_OR_RETURN(std::string label, Str(out, "statement_label", ctx));
  if (out.Has("statement_label")) t.statement_label = label;
  if (t.type == "local") {
    if (t.database.empty()) t.database = "default_catalog";
    if (t.schema.empty()) t.schema = "default_database";
    FLINKDBT_ASSIGN_OR_RETURN(t.path, Str(out, "path", ctx));
    if (t.path.empty()) t.path = (fs::path(project_target_path) / "local").lexically_normal().string();
    return t;
  }
  for (auto [key, field] :
       {std::pair{"poll_interval", &t.poll_interval}, std::pair{"poll_max_interval", &t.poll_max_interval}}) {
    const Value* v = out.Find(key);
    if (!v || v->is_null()) continue;
    double seconds = -1;
    if (v->is_number()) {
      seconds = v->as_double();
    } else if (v->is_string() && !absl::SimpleAtod(v->as_string(), &seconds)) {
      seconds = -1;
    }
    if (!(seconds > 0)) {
      return ErrorAt(*v, fmt::format("{}: '{}' must be a positive number of seconds", ctx, key));
    }
    *field = seconds;
  }
  FLINKDBT_ASSIGN_OR_RETURN(t.organization_id, Str(out, "organization_id", ctx));
  auto require = [&](const std::string& value, std::string_view key) -> absl::Status {
    if (value.empty()) return ErrorAt(out, fmt::format("{}: missing required key '{}'", ctx, key));
    return absl::OkStatus();
  };
  FLINKDBT_RETURN_IF_ERROR(require(t.organization_id, "organization_id"));
  FLINKDBT_RETURN_IF_ERROR(require(t.database, "environment_id"));
  FLINKDBT_RETURN_IF_ERROR(require(t.schema, "dbname"));
  FLINKDBT_ASSIGN_OR_RETURN(t.flink_api_key, Str(out, "flink_api_key", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(t.flink_api_secret, Str(out, "flink_api_secret", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(t.global_api_key, Str(out, "global_api_key", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(t.global_api_secret, Str(out, "global_api_secret", ctx));
  if (scrubber) {
    scrubber->Add(t.flink_api_secret);
    scrubber->Add(t.global_api_secret);
    scrubber->Add(t.flink_api_key);
    scrubber->Add(t.global_api_key);
  }
  bool flink_pair = !t.flink_api_key.empty() && !t.flink_api_secret.empty();
  bool global_pair = !t.global_api_key.empty() && !t.global_api_secret.empty();
  if (t.flink_api_key.empty() != t.flink_api_secret.empty()) {
    return ErrorAt(out, fmt::format("{}: flink_api_key and flink_api_secret must be given together", ctx));
  }
  if (t.global_api_key.empty() != t.global_api_secret.empty()) {
    return ErrorAt(out, fmt::format("{}: global_api_key and global_api_secret must be given together", ctx));
  }
  if (!flink_pair && !global_pair) {
    return ErrorAt(out, fmt::format("{}: credentials missing: give flink_api_key and flink_api_secret (or "
                                    "global_api_key and global_api_secret)",
                                    ctx));
  }
  FLINKDBT_ASSIGN_OR_RETURN(t.compute_pool_id, Str(out, "compute_pool_id", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(t.cloud_provider, Str(out, "cloud_provider", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(t.cloud_region, Str(out, "cloud_region", ctx));
  FLINKDBT_ASSIGN_OR_RETURN(t.endpoint, Str(out, "endpoint", ctx));
  if (t.endpoint.empty() && (t.cloud_provider.empty() || t.cloud_region.empty())) {
    return ErrorAt(out, fmt::format("{}: give cloud_provider and cloud_region, or endpoint", ctx));
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Files

namespace {

std::string Rel(const fs::path& p, const fs::path& base) {
  return p.lexically_relative(base).generic_string();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

absl::Status Collect(const fs::path& root, const std::string& package, const std::string& resource_path,
                     const std::vector<std::string>& exts, FileKind kind, int threads,
                     std::vector<ProjectFile>* out,
                     const std::function<bool(const std::string& rel_to_resource)>& exclude = nullptr) {
  fs::path dir = root / resource_path;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return absl::OkStatus();
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    for (const std::string& ext : exts) {
      if (EndsWith(name, ext)) {
        found.push_back(it->path());
        break;
      }
    }
  }
  std::sort(found.begin(), found.end());
  size_t first = out->size();
  for (const fs::path& p : found) {
    std::string rel = Rel(p, dir);
    if (exclude && exclude(rel)) continue;
    out->push_back(ProjectFile{kind, package, Rel(p, root), rel, p.string()});
  }
  // Read in parallel (`contents` holds the path until then); the first failure in file order wins.
  std::vector<absl::Status> status(out->size() - first);
  ParallelFor(status.size(), threads, [&](size_t i, int) {
    ProjectFile& f = (*out)[first + i];
    absl::StatusOr<std::string> contents = ReadFileToString(f.contents);
    if (!contents.ok()) {
      status[i] = contents.status();
      return false;
    }
    f.contents = std::move(*contents);
    return true;
  });
  for (absl::Status& s : status) FLINKDBT_RETURN_IF_ERROR(s);
  return absl::OkStatus();
}

// dbt's SchemaYamlRenderer.should_render_keypath: descriptions (rendered later with doc()), data
// tests (rendered when the test is compiled), hooks and macro arguments stay as written. `path` is
// [resource key, index, keys within the entry...].
bool SkipSchemaKeypath(const std::vector<std::string>& path) {
  if (path.empty()) return false;
  const std::string& resource = path[0];
  if (resource == "unit_tests") return true;  // given/expect rows are data, overrides render later
  if (path.size() < 3) return false;
  auto norender = [](const std::vector<std::string>& kp, size_t b) {
    size_t n = kp.size() - b;
    auto at = [&](size_t i) -> const std::string& { return kp[b + i]; };
    auto test_or_desc = [](const std::string& k) {
      return k == "tests" || k == "data_tests" || k == "description";
    };
    if (n >= 1 && test_or_desc(at(0))) return true;
    if (n >= 3 && at(0) == "columns" && test_or_desc(at(2))) return true;
    if (n >= 2 && at(0) == "config" &&
        (at(1) == "pre_hook" || at(1) == "post_hook" || at(1) == "pre-hook" || at(1) == "post-hook")) {
      return true;
    }
    if (n >= 3 && at(0) == "versions" && test_or_desc(at(2))) return true;
    if (n >= 5 && at(0) == "versions" && at(2) == "columns" && test_or_desc(at(4))) return true;
    return false;
  };
  if (resource == "sources") {
    if (path[2] == "description") return true;
    if (path[2] == "tables" && path.size() >= 5) return norender(path, 4);
    return false;
  }
  if (resource == "macros" && path[2] == "arguments") return true;
  return norender(path, 2);
}

// The vars `var()` sees while rendering a package's properties files: its project vars (the
// package-scoped block over the global ones).
// The vars a properties file of package `c` sees, as dbt's ConfiguredVar merges them (later wins):
// the root project's vars for the package (global, then `vars: {<package>: {...}}`), then the
// package's own (global, then scoped to itself). --vars win over all of them at render time. Unlike
// a model's var() (where the root project wins), dbt lets a package's own vars win here.
Value SchemaVars(const ProjectConfig& c, const ProjectConfig* root) {
  Value vars = Value::MakeMap();
  auto add = [&](const ProjectConfig& from) {
    if (!from.vars.is_map()) return;
    for (const auto& [k, v] : from.vars.map()) {
      if (k != c.name) vars.Set(k, v);
    }
    if (const Value* own = from.vars.Find(c.name); own && own->is_map()) {
      for (const auto& [k, v] : own->map()) vars.Set(k, v);
    }
  };
  if (root != nullptr && root != &c) add(*root);
  add(c);
  return vars;
}

absl::Status CollectFiles(Package& pkg, ConfigRenderer* renderer, const Value* target,
                          const ProjectConfig* root_config, int threads) {
  const ProjectConfig& c = pkg.config;
  fs::path root(c.root_dir);
  const std::string& n = c.name;
  std::vector<ProjectFile>& files = pkg.files;
  for (const auto& p : c.model_paths)
    FLINKDBT_RETURN_IF_ERROR(Collect(root, n, p, {".sql"}, FileKind::kModel, threads, &files));
  for (const auto& p : c.analysis_paths)
    FLINKDBT_RETURN_IF_ERROR(Collect(root, n, p, {".sql"}, FileKind::kAnalysis, threads, &files));
  for (const auto& p : c.snapshot_paths)
    FLINKDBT_RETURN_IF_ERROR(Collect(root, n, p, {".sql"}, FileKind::kSnapshot, threads, &files));
  for (const auto& p : c.seed_paths)
    FLINKDBT_RETURN_IF_ERROR(Collect(root, n, p, {".csv"}, FileKind::kSeed, threads, &files));
  for (const auto& p : c.macro_paths)
    FLINKDBT_RETURN_IF_ERROR(Collect(root, n, p, {".sql"}, FileKind::kMacro, threads, &files));
  for (const auto& p : c.test_paths) {
    auto in = [](const std::string& rel, std::string_view dir) {
      return rel.rfind(std::string(dir) + "/", 0) == 0;
    };
    FLINKDBT_RETURN_IF_ERROR(
        Collect(root, n, p, {".sql"}, FileKind::kSingularTest, threads, &files,
                [&](const std::string& rel) { return in(rel, "generic") || in(rel, "fixtures"); }));
    FLINKDBT_RETURN_IF_ERROR(
        Collect(root, n, p + "/generic", {".sql"}, FileKind::kGenericTest, threads, &files));
    FLINKDBT_RETURN_IF_ERROR(
        Collect(root, n, p + "/fixtures", {".csv", ".sql"}, FileKind::kFixture, threads, &files));
  }
  std::vector<std::string> docs_seen;
  for (const auto& p : c.docs_paths) {
    if (std::find(docs_seen.begin(), docs_seen.end(), p) != docs_seen.end()) continue;
    docs_seen.push_back(p);
    FLINKDBT_RETURN_IF_ERROR(Collect(root, n, p, {".md"}, FileKind::kDoc, threads, &files));
  }
  std::vector<std::string> schema_roots;
  for (auto* list :
       {&c.model_paths, &c.seed_paths, &c.snapshot_paths, &c.analysis_paths, &c.macro_paths, &c.test_paths}) {
    for (const auto& p : *list) {
      if (std::find(schema_roots.begin(), schema_roots.end(), p) == schema_roots.end())
        schema_roots.push_back(p);
    }
  }
  std::vector<ProjectFile> schemas;
  for (const auto& p : schema_roots) {
    FLINKDBT_RETURN_IF_ERROR(Collect(root, n, p, {".yml", ".yaml"}, FileKind::kSchema, threads, &schemas,
                                     [](const std::string& rel) { return rel.rfind("fixtures/", 0) == 0; }));
  }
  // Properties files are parsed in parallel; those holding Jinja are rendered (through the one
  // renderer) and read afterwards, in file order, so the first error in file order wins.
  struct Parsed {
    absl::StatusOr<Value> doc;
    absl::StatusOr<SchemaFile> file;
  };
  std::vector<Parsed> parsed(schemas.size(), Parsed{absl::UnknownError(""), absl::UnknownError("")});
  ParallelFor(schemas.size(), threads, [&](size_t i, int) {
    const ProjectFile& f = schemas[i];
    Parsed& out = parsed[i];
    out.doc = ParseYaml(f.contents, f.original_file_path);
    if (!out.doc.ok()) return false;
    if (HasJinja(f.contents)) return true;
    out.file = ParseSchemaFile(*out.doc, n, f.original_file_path);
    return out.file.ok();
  });
  for (size_t i = 0; i < schemas.size(); ++i) {
    ProjectFile& f = schemas[i];
    FLINKDBT_RETURN_IF_ERROR(parsed[i].doc.status());
    if (HasJinja(f.contents)) {
      // Rendered as dbt renders properties files: env_var, var (project vars and --vars), target.
      Value& doc = *parsed[i].doc;
      Value vars = SchemaVars(c, root_config);
      std::vector<std::string> path;
      FLINKDBT_RETURN_IF_ERROR(
          RenderTree(doc, path, SkipSchemaKeypath, renderer, RenderScope::kSchema, target, &vars));
      parsed[i].file = ParseSchemaFile(doc, n, f.original_file_path);
    }
    FLINKDBT_RETURN_IF_ERROR(parsed[i].file.status());
    pkg.schema_files.push_back(std::move(*parsed[i].file));
    parsed[i] = Parsed{absl::UnknownError(""), absl::UnknownError("")};  // free the YAML tree now
    files.push_back(std::move(f));
  }
  return absl::OkStatus();
}

// `root` is the root project's config when loading a package (nullptr for the root itself).
absl::StatusOr<Package> LoadPackageAt(const fs::path& dir, const ProjectConfig* root,
                                      ConfigRenderer* renderer, const Value* target, int threads) {
  const bool is_root = root == nullptr;
  fs::path file = dir / "dbt_project.yml";
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return ErrorAt(SourceLocation{dir.string(), 0, 0},
                   fmt::format("no dbt_project.yml found in {}", dir.string()));
  }
  FLINKDBT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(file.string()));
  std::string shown = is_root ? "dbt_project.yml" : file.string();
  Package pkg;
  pkg.is_root = is_root;
  FLINKDBT_ASSIGN_OR_RETURN(
      pkg.config,
      ParseProjectConfig(text, shown, fs::absolute(dir).lexically_normal().string(), renderer, target));
  FLINKDBT_RETURN_IF_ERROR(CollectFiles(pkg, renderer, target, root, threads));
  return pkg;
}

std::string HomeDir(const Environment& env) {
  auto it = env.find("HOME");
  return it == env.end() ? std::string() : it->second;
}

std::string EnvOr(const Environment& env, const std::string& key, const std::string& fallback) {
  auto it = env.find(key);
  return it == env.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

const Package* LoadedProject::FindPackage(std::string_view name) const {
  if (root.config.name == name) return &root;
  for (const Package& p : dependencies) {
    if (p.config.name == name) return &p;
  }
  return nullptr;
}

std::vector<const Package*> LoadedProject::AllPackages() const {
  std::vector<const Package*> out = {&root};
  for (const Package& p : dependencies) out.push_back(&p);
  return out;
}

absl::StatusOr<std::shared_ptr<const LoadedProject>> LoadProject(const LoadOptions& options) {
  auto project = std::make_shared<LoadedProject>();
  const int threads = std::max(options.file_threads, 1);
  project->env = options.env ? *options.env : ProcessEnvironment();
  project->cli_vars = options.cli_vars.is_map() ? options.cli_vars : Value::MakeMap();
  const Environment& env = project->env;
  if (options.scrubber) {
    for (const auto& [k, v] : env) {
      if (k.rfind(std::string(kSecretEnvPrefix), 0) == 0) options.scrubber->Add(v);
    }
  }
  std::error_code ec;
  fs::path cwd = options.cwd.empty() ? fs::current_path(ec) : fs::path(options.cwd);
  fs::path project_dir;
  std::string pd = options.project_dir.empty() ? EnvOr(env, "DBT_PROJECT_DIR", "") : options.project_dir;
  if (!pd.empty()) {
    project_dir = fs::path(pd).is_absolute() ? fs::path(pd) : cwd / pd;
    if (!fs::exists(project_dir / "dbt_project.yml", ec)) {
      return absl::InvalidArgumentError(
          ToAbsl(fmt::format("no dbt_project.yml found in project directory {}", project_dir.string())));
    }
  } else {
    for (fs::path p = cwd;; p = p.parent_path()) {
      if (fs::exists(p / "dbt_project.yml", ec)) {
        project_dir = p;
        break;
      }
      if (p == p.parent_path()) {
        return absl::InvalidArgumentError(ToAbsl(fmt::format(
            "no dbt_project.yml found at {} or any parent directory: run from inside a dbt project or pass "
            "--project-dir",
            cwd.string())));
      }
    }
  }
  project_dir = fs::absolute(project_dir).lexically_normal();
  // The root project is parsed once without a target to learn its profile name, then the profile is
  // resolved and the project re-rendered with `target` available.
  FLINKDBT_ASSIGN_OR_RETURN(std::string root_text,
                            ReadFileToString((project_dir / "dbt_project.yml").string()));
  std::string target_path;
  std::string profile_name = options.profile;
  {
    // A cheap first pass: only the raw YAML (no rendering) for `profile` and `target-path`.
    FLINKDBT_ASSIGN_OR_RETURN(Value doc, ParseYaml(root_text, "dbt_project.yml"));
    if (profile_name.empty()) {
      if (const Value* p = doc.Find("profile"); p && p->is_string()) profile_name = p->as_string();
    }
    if (const Value* t = doc.Find("target-path"); t && t->is_string()) target_path = t->as_string();
  }
  std::string tp = options.target_path.empty() ? EnvOr(env, "DBT_TARGET_PATH", "") : options.target_path;
  if (!tp.empty()) target_path = tp;
  if (target_path.empty() || target_path.find("{{") != std::string::npos) target_path = "target";
  fs::path abs_target =
      fs::path(target_path).is_absolute() ? fs::path(target_path) : project_dir / target_path;
  project->target_path = abs_target.lexically_normal().string();

  Value target_ctx;
  if (options.load_profile) {
    if (profile_name.empty()) {
      return ErrorAt(SourceLocation{"dbt_project.yml", 0, 0},
                     "dbt_project.yml: no 'profile' is set; add one or pass --profile");
    }
    std::string profiles_dir =
        options.profiles_dir.empty() ? EnvOr(env, "DBT_PROFILES_DIR", "") : options.profiles_dir;
    fs::path profiles_file;
    if (!profiles_dir.empty()) {
      profiles_file = fs::path(profiles_dir).is_absolute() ? fs::path(profiles_dir) / "profiles.yml"
                                                           : cwd / profiles_dir / "profiles.yml";
    } else if (fs::exists(cwd / "profiles.yml", ec)) {
      profiles_file = cwd / "profiles.yml";
    } else {
      profiles_file = fs::path(HomeDir(env)) / ".dbt" / "profiles.yml";
    }
    if (!fs::exists(profiles_file, ec)) {
      return absl::InvalidArgumentError(
          ToAbsl(fmt::format("profiles.yml not found at {}: pass --profiles-dir or set DBT_PROFILES_DIR",
                             profiles_file.string())));
    }
    FLINKDBT_ASSIGN_OR_RETURN(std::string ptext, ReadFileToString(profiles_file.string()));
    std::string target_name = options.target.empty() ? EnvOr(env, "DBT_TARGET", "") : options.target;
    FLINKDBT_ASSIGN_OR_RETURN(
        Target t, ParseProfile(ptext, profiles_file.lexically_normal().string(), profile_name, target_name,
                               options.threads, project->target_path, options.renderer, options.scrubber));
    if (!fs::path(t.path).is_absolute() && t.type == "local") {
      t.path = (project_dir / t.path).lexically_normal().string();
    }
    target_ctx = t.ToContext();
    project->target = std::move(t);
  }
  FLINKDBT_ASSIGN_OR_RETURN(project->root,
                            LoadPackageAt(project_dir, nullptr, options.renderer,
                                          options.load_profile ? &target_ctx : nullptr, threads));
  if (!options.target_path.empty() || !tp.empty()) {
    project->root.config.target_path = target_path;
  } else {
    project->target_path = (fs::path(project->root.config.target_path).is_absolute()
                                ? fs::path(project->root.config.target_path)
                                : project_dir / project->root.config.target_path)
                               .lexically_normal()
                               .string();
  }

  // packages.yml (or dependencies.yml): local packages are read in place.
  std::vector<fs::path> package_dirs;
  for (const char* name : {"packages.yml", "dependencies.yml"}) {
    fs::path pf = project_dir / name;
    if (!fs::exists(pf, ec)) continue;
    FLINKDBT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(pf.string()));
    FLINKDBT_ASSIGN_OR_RETURN(Value doc, ParseYaml(text, name));
    std::vector<std::string> path;
    FLINKDBT_RETURN_IF_ERROR(RenderTree(
        doc, path, [](const auto&) { return false; }, options.renderer, RenderScope::kPackages, &target_ctx));
    if (doc.is_null()) continue;
    const Value* pkgs = doc.Find("packages");
    if (pkgs == nullptr || pkgs->is_null()) continue;
    if (!pkgs->is_list()) return ErrorAt(*pkgs, fmt::format("'packages' in {} must be a list", name));
    fs::path installed = project_dir / project->root.config.packages_install_path;
    for (const Value& p : pkgs->list()) {
      if (const Value* local = p.Find("local")) {
        if (!local->is_string()) return ErrorAt(*local, "'local' must be a path");
        fs::path dir = fs::path(local->as_string()).is_absolute() ? fs::path(local->as_string())
                                                                  : project_dir / local->as_string();
        if (!fs::exists(dir / "dbt_project.yml", ec)) {
          return ErrorAt(*local,
                         fmt::format("local package '{}' has no dbt_project.yml", local->as_string()));
        }
        package_dirs.push_back(dir.lexically_normal());
        continue;
      }
      std::string kind = p.Has("package")   ? "hub"
                         : p.Has("git")     ? "git"
                         : p.Has("tarball") ? "tarball"
                         : p.Has("private") ? "private"
                                            : "";
      if (kind.empty()) return ErrorAt(p, "a package entry needs one of local, package, git, tarball");
      if (!fs::is_directory(installed, ec)) {
        return ErrorAt(p,
                       fmt::format("{} packages cannot be installed by flinkdbt (no access to dbt Hub or git "
                                   "here); vendor the package and use `local:`, or install it into {}/ "
                                   "with dbt deps",
                                   kind, project->root.config.packages_install_path));
      }
    }
  }
  fs::path installed = project_dir / project->root.config.packages_install_path;
  if (fs::is_directory(installed, ec)) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(installed, ec)) {
      if (e.is_directory() && fs::exists(e.path() / "dbt_project.yml")) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      fs::path canon = fs::weakly_canonical(d, ec);
      bool dup = false;
      for (const auto& existing : package_dirs) {
        if (fs::weakly_canonical(existing, ec) == canon) dup = true;
      }
      if (!dup) package_dirs.push_back(d);
    }
  }
  for (const fs::path& dir : package_dirs) {
    FLINKDBT_ASSIGN_OR_RETURN(Package pkg,
                              LoadPackageAt(dir, &project->root.config, options.renderer,
                                            options.load_profile ? &target_ctx : nullptr, threads));
    if (project->FindPackage(pkg.config.name) != nullptr) {
      return absl::InvalidArgumentError(
          ToAbsl(fmt::format("package '{}' is installed twice ({})", pkg.config.name, dir.string())));
    }
    project->dependencies.push_back(std::move(pkg));
  }

  // selectors.yml
  fs::path sel = project_dir / "selectors.yml";
  if (fs::exists(sel, ec)) {
    FLINKDBT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(sel.string()));
    FLINKDBT_ASSIGN_OR_RETURN(Value doc, ParseYaml(text, "selectors.yml"));
    std::vector<std::string> path;
    FLINKDBT_RETURN_IF_ERROR(RenderTree(
        doc, path, [](const auto&) { return false; }, options.renderer, RenderScope::kSelectors,
        &target_ctx));
    if (!doc.is_map() || !doc.Find("selectors") || !doc.Find("selectors")->is_list()) {
      return ErrorAt(doc, "selectors.yml must have a 'selectors' list");
    }
    project->selectors = *doc.Find("selectors");
    project->selectors_file = "selectors.yml";
  }
  return std::shared_ptr<const LoadedProject>(std::move(project));
}

}  // namespace flinkdbt::project
