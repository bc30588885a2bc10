#include "flinkdbt/compile/context.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "compile/convert.h"
#include "compile/modules.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/project/config.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::compile {
namespace fs = std::filesystem;
using jinja::CallArgs;
using jinja::CallContext;
using JValue = jinja::Value;

namespace {

absl::Status CompilationError(std::string msg) { return absl::InvalidArgumentError(ToAbsl(msg)); }

std::string ArgStr(const JValue* v) {
  return v == nullptr || v->is_none() || v->is_undefined() ? "" : v->Str();
}

void AddDbtBlockTags(jinja::Environment& env) {
  jinja::BlockTag test{"test", true, [](const jinja::BlockDefinition& d) { return "test_" + d.name; }};
  jinja::BlockTag data_test{"data_test", true,
                            [](const jinja::BlockDefinition& d) { return "test_" + d.name; }};
  jinja::BlockTag mat{"materialization", false, [](const jinja::BlockDefinition& d) {
                        std::string adapter = "default";
                        for (const auto& [k, v] : d.kwargs) {
                          if (k == "adapter") adapter = v.Str();
                        }
                        return "materialization_" + d.name + "_" + adapter;
                      }};
  jinja::BlockTag docs{"docs", false, [](const jinja::BlockDefinition& d) { return "dbt_docs__" + d.name; }};
  jinja::BlockTag snapshot{"snapshot", false,
                           [](const jinja::BlockDefinition& d) { return "snapshot_" + d.name; }};
  env.AddBlockTag(test);
  env.AddBlockTag(data_test);
  env.AddBlockTag(mat);
  env.AddBlockTag(docs);
  env.AddBlockTag(snapshot);
}

// ---------------------------------------------------------------------------------------------
// env_var shared by the config renderer and the node context.

absl::StatusOr<JValue> EnvVar(const project::Environment& env, const CallArgs& args, bool allow_secret,
                              SecretScrubber* scrubber) {
  const JValue* name = args.Get(0, "var");
  const JValue* def = args.Get(1, "default");
  if (name == nullptr || !name->is_string()) return CompilationError("env_var() needs the variable name");
  std::string n(name->AsString());
  bool secret = n.rfind(std::string(kSecretEnvPrefix), 0) == 0;
  if (secret && !allow_secret) {
    return CompilationError(
        fmt::format("Secret env vars are allowed only in profiles.yml or packages.yml. Found "
                    "'{}' referenced elsewhere.",
                    n));
  }
  auto it = env.find(n);
  if (it != env.end()) {
    if (secret && scrubber) scrubber->Add(it->second);
    return JValue::String(it->second);
  }
  if (def != nullptr && !def->is_undefined())
    return def->is_none() ? JValue::None() : JValue::String(def->Str());
  return CompilationError(fmt::format("Env var required but not provided: '{}'", n));
}

class ConfigRendererImpl : public project::ConfigRenderer {
 public:
  ConfigRendererImpl(project::Environment env, Value cli_vars, SecretScrubber* scrubber)
      : env_(std::move(env)), cli_vars_(std::move(cli_vars)), scrubber_(scrubber) {}

  absl::StatusOr<Value> Render(const Value& text, project::RenderScope scope, const Value* target) override {
    return RenderImpl(text, scope, target, nullptr);
  }

  absl::StatusOr<Value> RenderWithVars(const Value& text, project::RenderScope scope, const Value* target,
                                       const Value& vars) override {
    FLINKDBT_ASSIGN_OR_RETURN(Value v, RenderImpl(text, scope, target, &vars));
    if (scope != project::RenderScope::kSchema || !v.is_string()) return v;
    // Properties files render natively (dbt's native rendering): Python literals become values.
    const std::string& s = v.as_string();
    if (s == "True" || s == "False") return Value::Bool(s == "True");
    if (s == "None") return Value::Null();
    int64_t i;
    double d;
    if (!s.empty() && s.find_first_not_of("-0123456789") == std::string::npos &&
        absl::SimpleAtoi(ToAbsl(s), &i))
      return Value::Int(i);
    if (!s.empty() && s.find_first_not_of("-0123456789.e") == std::string::npos &&
        absl::SimpleAtod(ToAbsl(s), &d))
      return Value::Double(d);
    return v;
  }

  absl::StatusOr<Value> RenderImpl(const Value& text, project::RenderScope scope, const Value* target,
                                   const Value* vars) {
    jinja::Environment jenv;
    bool allow_secret = scope == project::RenderScope::kProfile || scope == project::RenderScope::kPackages;
    const project::Environment* env = &env_;
    SecretScrubber* scrubber = scrubber_;
    jenv.AddGlobal("env_var", JValue::Callable(
                                  "env_var", [env, allow_secret, scrubber](CallContext&, const CallArgs& a) {
                                    return EnvVar(*env, a, allow_secret, scrubber);
                                  }));
    Value cli = cli_vars_;
    Value project_vars = vars ? *vars : Value::MakeMap();
    const bool schema_vars = vars != nullptr;
    jenv.AddGlobal("var", JValue::Callable("var",
                                           [cli, project_vars, schema_vars](
                                               CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
                                             const JValue* name = a.Get(0, "name");
                                             const JValue* def = a.Get(1, "default");
                                             std::string n = ArgStr(name);
                                             if (const Value* v = cli.Find(n)) return ToJinja(*v);
                                             if (const Value* v = project_vars.Find(n)) return ToJinja(*v);
                                             if (def) return *def;
                                             if (schema_vars)
                                               return CompilationError(
                                                   fmt::format("Required var '{}' not found in config", n));
                                             return CompilationError(fmt::format(
                                                 "Required var '{}' not found in config: only --vars are "
                                                 "available while rendering project and profile files",
                                                 n));
                                           }));
    jenv.AddGlobal("target", target ? ToJinja(*target) : JValue::Dict());
    auto tmpl = jenv.Parse(text.as_string(), text.location().ToString());
    if (!tmpl.ok()) return project::ErrorAt(text, ToStd(tmpl.status().message()));
    auto out = jenv.Render(**tmpl, JValue::Dict());
    if (!out.ok()) return project::ErrorAt(text, ToStd(out.status().message()));
    Value v = Value::String(*out);
    // Rendered values that are plain numbers or booleans keep their string form; the loader
    // converts where a key needs a number (threads).
    return v;
  }

 private:
  project::Environment env_;
  Value cli_vars_;
  SecretScrubber* scrubber_;
};

// ---------------------------------------------------------------------------------------------
// Relations

class RelationObject : public jinja::Object {
 public:
  RelationObject(std::string database, std::string schema, std::string identifier, std::string type,
                 std::string rendered_override = "")
      : database_(std::move(database)),
        schema_(std::move(schema)),
        identifier_(std::move(identifier)),
        type_(std::move(type)),
        override_(std::move(rendered_override)) {}
  std::string_view TypeName() const override { return "relation"; }
  std::string Str() const override {
    if (!override_.empty()) return override_;
    std::string out;
    if (!database_.empty()) out += "`" + database_ + "`.";
    if (!schema_.empty()) out += "`" + schema_ + "`.";
    return out + "`" + identifier_ + "`";
  }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    if (name == "database") return JValue::String(database_);
    if (name == "schema") return JValue::String(schema_);
    if (name == "identifier" || name == "name" || name == "table") return JValue::String(identifier_);
    if (name == "type") return type_.empty() ? JValue::None() : JValue::String(type_);
    if (name == "is_table") return JValue::Bool(type_ == "table");
    if (name == "is_view") return JValue::Bool(type_ == "view");
    if (name == "is_materialized_view") return JValue::Bool(type_ == "materialized_view");
    std::string s = Str();
    if (name == "render") {
      return JValue::Callable("render", [s](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
        return JValue::String(s);
      });
    }
    if (name == "include" || name == "quote" || name == "incorporate") {
      auto self = std::make_shared<RelationObject>(*this);
      return JValue::Callable(
          std::string(name), [self](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
            std::string db = self->database_, sc = self->schema_;
            if (const JValue* d = a.Keyword("database"); d && d->is_bool() && !d->AsBool()) db.clear();
            if (const JValue* d = a.Keyword("schema"); d && d->is_bool() && !d->AsBool()) sc.clear();
            return JValue::FromObject(
                std::make_shared<RelationObject>(db, sc, self->identifier_, self->type_, self->override_));
          });
    }
    return std::nullopt;
  }

 private:
  std::string database_, schema_, identifier_, type_, override_;
};

// `api.Relation.create(database=, schema=, identifier=, type=)` (and `api.Relation` attributes).
class ApiRelationClass : public jinja::Object {
 public:
  std::string_view TypeName() const override { return "Relation"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    if (name != "create") return std::nullopt;
    return JValue::Callable("create", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
      return JValue::FromObject(
          std::make_shared<RelationObject>(ArgStr(a.Get(0, "database")), ArgStr(a.Get(1, "schema")),
                                           ArgStr(a.Get(2, "identifier")), ArgStr(a.Get(3, "type"))));
    });
  }
};

class ApiObject : public jinja::Object {
 public:
  std::string_view TypeName() const override { return "api"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    if (name == "Relation") return JValue::FromObject(std::make_shared<ApiRelationClass>());
    return std::nullopt;
  }
};

JValue MakeRelation(const Node& n) {
  std::string type;
  std::string m = n.materialized();
  if (m == "view")
    type = "view";
  else if (m == "materialized_view")
    type = "materialized_view";
  else if (!m.empty())
    type = "table";
  if (n.resource_type == ResourceType::kSource) type = "table";
  return JValue::FromObject(std::make_shared<RelationObject>(n.database, n.schema, n.alias, type));
}

// Errors raised inside flinkdbt's internal macros are reported at the user's node instead.
absl::Status LocateInNode(absl::Status s, const Node& node) {
  std::optional<SourceLocation> loc = GetLocation(s);
  if (!loc) return WithLocation(s, SourceLocation{node.original_file_path, 0, 0});
  if (loc->file.rfind("dbt/", 0) == 0) {
    absl::Status out(s.code(), ToAbsl(fmt::format("{} (in dbt's internal macros at {})", ToStd(s.message()),
                                                  loc->ToString())));
    return WithLocation(out, SourceLocation{node.original_file_path, 0, 0});
  }
  return s;
}

}  // namespace

std::unique_ptr<project::ConfigRenderer> MakeConfigRenderer(const project::Environment& env, Value cli_vars,
                                                            SecretScrubber* scrubber) {
  return std::make_unique<ConfigRendererImpl>(env, std::move(cli_vars), scrubber);
}

std::string InjectCtes(std::string_view sql, const std::vector<std::pair<std::string, std::string>>& ctes) {
  if (ctes.empty()) return std::string(sql);
  std::string joined;
  for (size_t i = 0; i < ctes.size(); ++i) {
    if (i) joined += ",";
    joined += " " + ctes[i].first + " as (\n" + ctes[i].second + "\n)";
  }
  // The first keyword, skipping whitespace and comments.
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (sql.compare(i, 2, "/*") == 0) {
      size_t e = sql.find("*/", i + 2);
      i = e == std::string_view::npos ? sql.size() : e + 2;
    } else {
      break;
    }
  }
  bool has_with = i + 4 <= sql.size() && (sql[i] == 'w' || sql[i] == 'W') && (sql[i + 1] | 32) == 'i' &&
                  (sql[i + 2] | 32) == 't' && (sql[i + 3] | 32) == 'h' &&
                  (i + 4 == sql.size() || !std::isalnum(static_cast<unsigned char>(sql[i + 4])));
  if (has_with) {
    return std::string(sql.substr(0, i)) + "with" + joined + "," + std::string(sql.substr(i + 4));
  }
  return std::string(sql.substr(0, i)) + "with" + joined + "\n" + std::string(sql.substr(i));
}

// ---------------------------------------------------------------------------------------------
// The compiler

// Calls of a StatementRunner from several compilers, one at a time (the runner need not be
// thread-safe).
class SerializedRunner : public StatementRunner {
 public:
  explicit SerializedRunner(StatementRunner* runner) : runner_(runner) {}
  absl::StatusOr<QueryResult> Execute(std::string_view sql, bool fetch) override {
    std::lock_guard<std::mutex> lock(mu_);
    return runner_->Execute(sql, fetch);
  }
  absl::StatusOr<std::optional<RelationInfo>> GetRelation(std::string_view database, std::string_view schema,
                                                          std::string_view identifier) override {
    std::lock_guard<std::mutex> lock(mu_);
    return runner_->GetRelation(database, schema, identifier);
  }
  absl::StatusOr<std::vector<ColumnInfo>> GetColumns(const RelationInfo& relation) override {
    std::lock_guard<std::mutex> lock(mu_);
    return runner_->GetColumns(relation);
  }

 private:
  std::mutex mu_;
  StatementRunner* runner_;
};

// An ephemeral model's compilation, done once by whichever compiler of a group needs it first.
struct EphemeralResult {
  std::mutex mu;
  bool done = false;         // guarded by mu
  absl::Status status;       // guarded by mu; read once done
  std::string pre_injected;  // the rendered SQL before its own CTEs are injected (what refs use)
};

// What a Compiler and its forks (Compiler::Fork) share.
struct CompilerGroup {
  std::mutex mu;
  absl::flat_hash_map<std::string, std::unique_ptr<EphemeralResult>> ephemerals;  // guarded by mu
  // Parsed macro files by environment ("p"/"x") and file name; guarded by mu.
  absl::flat_hash_map<std::string, std::shared_ptr<const jinja::Template>> macro_templates;
  std::unique_ptr<SerializedRunner> runner;  // made by the first Fork when a runner is wired
};

struct NodeState {
  Compiler::Impl* impl = nullptr;
  const Node* node = nullptr;
  bool execute = false;
  ParseCapture* capture = nullptr;
  std::vector<std::pair<std::string, std::string>> ctes;     // (id, sql) for ephemeral refs
  absl::flat_hash_map<std::string, JValue> results;          // load_result
  Value config_sets = Value::MakeMap();                      // config.set() at compile time
  const Value* overrides = nullptr;                          // a unit test's {vars, env_vars, macros}
  std::vector<jinja::SourceMapEntry>* source_map = nullptr;  // for the next Render only
  bool values_in_context = false;  // this node's this/model/... are in the context already
};

class Compiler::Impl {
 public:
  std::shared_ptr<const project::LoadedProject> project;
  CompileOptions options;
  std::shared_ptr<Manifest> manifest;
  // Two engines: parse (permissive undefined) and execute (Jinja's default undefined).
  jinja::Environment parse_env{jinja::EnvironmentOptions{.undefined = jinja::UndefinedMode::kPermissive}};
  jinja::Environment exec_env{jinja::EnvironmentOptions{}};
  JValue parse_ctx;
  JValue exec_ctx;
  // package -> macro name -> callable, per environment.
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, JValue>> parse_macros, exec_macros;
  std::vector<std::string> package_order;  // root, deps..., dbt
  absl::flat_hash_map<std::string, std::vector<const Node*>> ref_index;
  std::set<std::string> compiling;                          // ephemeral recursion guard
  absl::flat_hash_map<std::string, std::string> macro_ids;  // name -> unique_id (root-first)

  // The context dicts hold the macros, and the macros hold their module context (the same dict):
  // break that reference cycle so both are freed.
  ~Impl() {
    for (const JValue* ctx : {&parse_ctx, &exec_ctx}) {
      std::vector<JValue> keys;
      for (const auto& [k, _] : ctx->DictItems()) keys.push_back(k);
      for (const JValue& k : keys) ctx->SetItem(k, JValue::None());
    }
  }

  absl::Status Init() {
    AddDbtBlockTags(parse_env);
    AddDbtBlockTags(exec_env);
    package_order.push_back(project->root.config.name);
    for (const auto& d : project->dependencies) package_order.push_back(d.config.name);
    package_order.push_back("dbt");
    parse_ctx = JValue::Dict();
    exec_ctx = JValue::Dict();
    InstallBuiltins(parse_ctx, false);
    InstallBuiltins(exec_ctx, true);
    FLINKDBT_RETURN_IF_ERROR(LoadMacros(parse_env, parse_ctx, parse_macros));
    FLINKDBT_RETURN_IF_ERROR(LoadMacros(exec_env, exec_ctx, exec_macros));
    return absl::OkStatus();
  }

  absl::Status LoadMacroText(jinja::Environment& env, const JValue& ctx,
                             absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, JValue>>& out,
                             const std::string& pkg, std::string_view text, const std::string& name) {
    FLINKDBT_ASSIGN_OR_RETURN(std::shared_ptr<const jinja::Template> tmpl, ParseMacroFile(env, text, name));
    auto module = env.MakeModule(tmpl, ctx, module_render_options_);
    if (!module.ok()) return module.status();
    for (const auto& [k, v] : module->exports.DictItems()) {
      if (v.is_callable_kind()) out[pkg][k.Str()] = v;
    }
    return absl::OkStatus();
  }

  // Macro files are parsed once per group: a fork's environments are configured as the first
  // compiler's, and parsed templates are immutable and shareable (each compiler still runs every
  // file's top level in its own context).
  absl::StatusOr<std::shared_ptr<const jinja::Template>> ParseMacroFile(const jinja::Environment& env,
                                                                        std::string_view text,
                                                                        const std::string& name) {
    std::string key = (&env == &exec_env ? "x" : "p") + name;
    {
      std::lock_guard<std::mutex> lock(group->mu);
      auto it = group->macro_templates.find(key);
      if (it != group->macro_templates.end() && it->second->source() == text) return it->second;
    }
    FLINKDBT_ASSIGN_OR_RETURN(std::shared_ptr<const jinja::Template> tmpl, env.Parse(text, name));
    std::lock_guard<std::mutex> lock(group->mu);
    group->macro_templates.insert_or_assign(std::move(key), tmpl);
    return tmpl;
  }

  absl::Status LoadMacros(jinja::Environment& env, const JValue& ctx,
                          absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, JValue>>& out) {
    FLINKDBT_RETURN_IF_ERROR(
        LoadMacroText(env, ctx, out, "dbt", InternalMacrosSource(), "dbt/internal_macros.sql"));
    for (const project::Package* pkg : project->AllPackages()) {
      for (const auto& f : pkg->files) {
        if (f.kind != project::FileKind::kMacro && f.kind != project::FileKind::kGenericTest) continue;
        FLINKDBT_RETURN_IF_ERROR(
            LoadMacroText(env, ctx, out, pkg->config.name, f.contents, f.original_file_path));
      }
    }
    // Namespaces and top-level names: internal first, then packages, then the root (root wins).
    for (auto it = package_order.rbegin(); it != package_order.rend(); ++it) {
      auto pm = out.find(*it);
      if (pm == out.end()) continue;
      std::vector<std::pair<JValue, JValue>> ns;
      for (const auto& [name, macro] : pm->second) {
        ctx.SetItem(JValue::String(name), macro);
        ns.emplace_back(JValue::String(name), macro);
      }
      ctx.SetItem(JValue::String(*it), JValue::Dict(std::move(ns)));
    }
    return absl::OkStatus();
  }

  NodeState* State(CallContext& ctx) { return static_cast<NodeState*>(ctx.user_data()); }

  // --- vars ---
  absl::StatusOr<JValue> Var(NodeState* st, const CallArgs& a) {
    const JValue* name = a.Get(0, "name");
    const JValue* def = a.Get(1, "default");
    std::string n = ArgStr(name);
    std::string pkg = st && st->node ? st->node->package_name : project->root.config.name;
    const Value* found = project->cli_vars.Find(n);
    if (st && st->overrides) {
      const Value* vars = st->overrides->Find("vars");
      if (const Value* o = vars && vars->is_map() ? vars->Find(n) : nullptr) found = o;
    }
    const Value& root_vars = project->root.config.vars;
    if (!found) {
      if (const Value* scoped = root_vars.Find(pkg); scoped && scoped->is_map()) found = scoped->Find(n);
    }
    if (!found) {
      const Value* g = root_vars.Find(n);
      if (g && !(g->is_map() && project->FindPackage(n))) found = g;
    }
    if (!found && pkg != project->root.config.name) {
      // The package's own dbt_project.yml: scoped to itself, then global (dbt's vars_for).
      if (const project::Package* p = project->FindPackage(pkg)) {
        if (const Value* scoped = p->config.vars.Find(pkg); scoped && scoped->is_map())
          found = scoped->Find(n);
        if (!found) found = p->config.vars.Find(n);
      }
    }
    if (found) {
      if (found->is_string() && found->as_string().find("{{") != std::string::npos) {
        auto t = exec_env.Parse(found->as_string(), "var:" + n);
        if (!t.ok()) return t.status();
        jinja::RenderOptions ro;
        ro.user_data = st;
        auto r = exec_env.Render(**t, exec_ctx, ro);
        if (!r.ok()) return r.status();
        return JValue::String(*r);
      }
      return ToJinja(*found);
    }
    if (def) return *def;
    if (st == nullptr || !st->execute) return JValue::None();
    return CompilationError(fmt::format("Required var '{}' not found in config:\nVars supplied to {} = {}", n,
                                        st->node ? st->node->name : "<inline>",
                                        project::ToJson(project->cli_vars)));
  }

  // --- ref / source ---
  const Node* LookupRef(const std::string& name, const std::string& package, const JValue* version,
                        const std::string& node_package) {
    if (!manifest) return nullptr;
    auto it = ref_index.find(name);
    if (it == ref_index.end()) return nullptr;
    auto ok = [&](const Node* n) {
      if (version == nullptr || version->is_none() || version->is_undefined()) {
        // An unpinned ref to a versioned model is its latest version.
        return n->version.is_null() || n->latest_version.is_null() ||
               n->version.ToPythonStr() == n->latest_version.ToPythonStr();
      }
      return n->version.ToPythonStr() == version->Str();
    };
    if (!package.empty()) {
      for (const Node* n : it->second) {
        if (n->package_name == package && ok(n)) return n;
      }
      return nullptr;
    }
    for (const std::string& p : {project->root.config.name, node_package}) {
      for (const Node* n : it->second) {
        if (n->package_name == p && ok(n)) return n;
      }
    }
    for (const Node* n : it->second) {
      if (ok(n)) return n;
    }
    return nullptr;
  }

  absl::StatusOr<JValue> Ref(NodeState* st, const CallArgs& a) {
    std::string name, package;
    if (a.positional.size() == 1) {
      name = a.positional[0].Str();
    } else if (a.positional.size() == 2) {
      package = a.positional[0].Str();
      name = a.positional[1].Str();
    } else {
      return CompilationError(fmt::format("ref() takes 1 or 2 arguments ({} given)", a.positional.size()));
    }
    const JValue* version = a.Keyword("version");
    if (!version) version = a.Keyword("v");
    if (!st->execute) {
      RefCall r;
      r.name = name;
      r.package = package;
      if (version) r.version = FromJinja(*version);
      if (st->capture) st->capture->refs.push_back(std::move(r));
      // A placeholder relation in the target schema.
      const project::Target* t = project->target ? &*project->target : nullptr;
      return JValue::FromObject(
          std::make_shared<RelationObject>(t ? t->database : "", t ? t->schema : "", name, ""));
    }
    const Node* target = LookupRef(name, package, version, st->node ? st->node->package_name : "");
    if (target == nullptr) {
      return CompilationError(
          fmt::format("{} depends on a node named '{}' which was not found",
                      st->node ? fmt::format("'{}' ({})", st->node->unique_id, st->node->original_file_path)
                               : "The query",
                      package.empty() ? name : package + "." + name));
    }
    if (st->node && st->node->resource_type != ResourceType::kUnitTest &&
        std::find(st->node->depends_on_nodes.begin(), st->node->depends_on_nodes.end(), target->unique_id) ==
            st->node->depends_on_nodes.end() &&
        st->node->unique_id.rfind("sql_operation.", 0) != 0) {
      return CompilationError(
          fmt::format("dbt was unable to infer all dependencies for the model \"{}\". This typically happens "
                      "when ref() is placed "
                      "within a conditional block. To fix this, add the following hint to the top of the "
                      "model \"{}\":\n\n"
                      "-- depends_on: {{{{ ref('{}') }}}}",
                      st->node->name, st->node->name, name));
    }
    if (target->is_ephemeral()) {
      FLINKDBT_RETURN_IF_ERROR(AddEphemeral(st, *target));
      return JValue::FromObject(
          std::make_shared<RelationObject>("", "", target->alias, "cte", "__dbt__cte__" + target->alias));
    }
    // --defer: use the state relation when favoured and unselected, or when the node's own
    // relation does not exist (told by the caller through SetDeferMissing, or asked of the
    // statement client when one is wired).
    if (options.defer_manifest) {
      const Value* nodes = options.defer_manifest->Find("nodes");
      const Value* other = nodes ? nodes->Find(target->unique_id) : nullptr;
      bool has_state = other && other->Find("relation_name") && other->Find("relation_name")->is_string();
      bool use_state = (options.favor_state && !options.selected.count(target->unique_id)) ||
                       options.defer_missing.count(target->unique_id);
      if (has_state && !use_state && options.runner != nullptr) {
        FLINKDBT_ASSIGN_OR_RETURN(bool exists, OwnRelationExists(*target));
        use_state = !exists;
      }
      if (has_state && use_state) {
        auto str = [&](const char* k) {
          const Value* v = other->Find(k);
          return v && v->is_string() ? v->as_string() : "";
        };
        return JValue::FromObject(
            std::make_shared<RelationObject>(str("database"), str("schema"), str("alias"), ""));
      }
    }
    return MakeRelation(*target);
  }

  // Whether `n`'s own relation exists on the target (asked once per node of the statement client).
  absl::StatusOr<bool> OwnRelationExists(const Node& n) {
    auto it = relation_exists_.find(n.unique_id);
    if (it != relation_exists_.end()) return it->second;
    FLINKDBT_ASSIGN_OR_RETURN(std::optional<RelationInfo> info,
                              options.runner->GetRelation(n.database, n.schema, n.alias));
    relation_exists_.emplace(n.unique_id, info.has_value());
    return info.has_value();
  }
  absl::flat_hash_map<std::string, bool> relation_exists_;

  absl::Status AddEphemeral(NodeState* st, const Node& target) {
    std::string id = "__dbt__cte__" + target.alias;
    for (const auto& [cid, _] : st->ctes) {
      if (cid == id) return absl::OkStatus();
    }
    Node* mutable_target = manifest->MutableNode(target.unique_id);
    FLINKDBT_ASSIGN_OR_RETURN(const EphemeralResult* compiled, CompileEphemeral(*mutable_target));
    // Nested ephemerals first.
    for (const auto& c : mutable_target->extra_ctes) {
      bool have = false;
      for (const auto& [cid, _] : st->ctes) have |= cid == c.first;
      if (!have) st->ctes.push_back(c);
    }
    // The target's own compiled code already has its CTEs injected; dbt uses the pre-injected SQL.
    st->ctes.emplace_back(id, compiled->pre_injected);
    return absl::OkStatus();
  }

  // Compiles an ephemeral model once for the whole group: the first compiler to need it renders
  // it (holding its entry, so others wait for the result), the others reuse the outcome. The
  // entries are locked in dependency order (a child's before its ephemeral parents'), so two
  // threads cannot wait for each other.
  absl::StatusOr<const EphemeralResult*> CompileEphemeral(Node& node) {
    if (compiling.count(node.unique_id))
      return CompilationError("ephemeral models form a cycle at " + node.unique_id);
    EphemeralResult* r;
    {
      std::lock_guard<std::mutex> lock(group->mu);
      std::unique_ptr<EphemeralResult>& slot = group->ephemerals[node.unique_id];
      if (!slot) slot = std::make_unique<EphemeralResult>();
      r = slot.get();
    }
    std::lock_guard<std::mutex> lock(r->mu);
    if (!r->done) {
      r->status = Compile(node, &r->pre_injected);
      r->done = true;
    }
    if (!r->status.ok()) return r->status;
    return r;
  }

  absl::StatusOr<JValue> Source(NodeState* st, const CallArgs& a) {
    if (a.positional.size() != 2) {
      return CompilationError(
          fmt::format("source() takes exactly 2 arguments ({} given)", a.positional.size()));
    }
    std::string src = a.positional[0].Str(), tbl = a.positional[1].Str();
    if (!st->execute) {
      if (st->capture) st->capture->sources.push_back(SourceCall{src, tbl, {}});
      return JValue::FromObject(std::make_shared<RelationObject>("", src, tbl, "table"));
    }
    if (manifest) {
      for (const std::string& pkg : package_order) {
        if (const Node* n = manifest->FindNode(fmt::format("source.{}.{}.{}", pkg, src, tbl)))
          return MakeRelation(*n);
      }
    }
    return CompilationError(fmt::format("source '{}.{}' was not found", src, tbl));
  }

  // --- adapter.dispatch ---
  absl::StatusOr<JValue> Dispatch(NodeState* st, const CallArgs& a, bool execute) {
    std::string name = ArgStr(a.Get(0, "macro_name"));
    std::string ns = ArgStr(a.Get(1, "macro_namespace"));
    auto& macros = execute ? exec_macros : parse_macros;
    std::vector<std::string> search;
    if (ns.empty()) {
      std::string own = st && st->node ? st->node->package_name : project->root.config.name;
      search = {project->root.config.name, own, "dbt"};
    } else {
      bool configured = false;
      for (const auto& d : project->root.config.dispatch) {
        if (d.macro_namespace == ns) {
          search = d.search_order;
          configured = true;
        }
      }
      if (!configured)
        search = ns == "dbt" ? std::vector<std::string>{project->root.config.name, "dbt"}
                             : std::vector<std::string>{project->root.config.name, ns};
    }
    std::string type = project->target ? project->target->type : "confluent";
    std::vector<std::string> prefixes = {type};
    if (type == "local") prefixes.push_back("confluent");
    prefixes.push_back("default");
    for (const std::string& pkg : search) {
      auto pm = macros.find(pkg);
      if (pm == macros.end()) continue;
      for (const std::string& prefix : prefixes) {
        auto it = pm->second.find(prefix + "__" + name);
        if (it != pm->second.end()) return it->second;
      }
    }
    std::string searched;
    for (const auto& p : search) searched += (searched.empty() ? "" : ", ") + p;
    return CompilationError(
        fmt::format("In dispatch: No macro named '{}' found within namespace: '{}'\n    Searched "
                    "for: {}",
                    name, ns.empty() ? "<current>" : ns, searched));
  }

  absl::StatusOr<JValue> RunStatement(NodeState* st, CallContext& ctx, const CallArgs& a) {
    std::string name = ArgStr(a.Get(0, "name"));
    if (name.empty()) name = "statement";
    const JValue* fetch = a.Keyword("fetch_result");
    const JValue* caller = a.Keyword("caller");
    if (!st->execute) return JValue::String("");
    std::string sql;
    if (caller) {
      FLINKDBT_ASSIGN_OR_RETURN(JValue body, ctx.Call(*caller, CallArgs{}));
      sql = body.Str();
    }
    if (options.runner == nullptr) {
      return CompilationError(
          fmt::format("statement '{}' needs a connection to the target, and none is available "
                      "in this command (run_query and adapter introspection run only when a "
                      "statement client is wired)",
                      name));
    }
    FLINKDBT_ASSIGN_OR_RETURN(QueryResult r, options.runner->Execute(sql, fetch && fetch->Truthy()));
    std::vector<JValue> rows;
    for (const auto& row : r.rows) {
      std::vector<JValue> cells;
      for (const auto& c : row) cells.push_back(ToJinja(c));
      rows.push_back(JValue::Tuple(std::move(cells)));
    }
    std::vector<JValue> names;
    for (const auto& n : r.column_names) names.push_back(JValue::String(n));
    JValue table = JValue::Dict({{JValue::String("rows"), JValue::List(rows)},
                                 {JValue::String("column_names"), JValue::Tuple(names)}});
    JValue result = JValue::Dict({{JValue::String("response"), JValue::String(r.message)},
                                  {JValue::String("data"), JValue::List(rows)},
                                  {JValue::String("table"), table}});
    st->results[name] = result;
    return JValue::String("");
  }

  void InstallBuiltins(const JValue& ctx, bool execute);

  absl::StatusOr<std::string> Render(const std::string& raw, const std::string& name, NodeState* st,
                                     const std::vector<std::pair<std::string, JValue>>& extra) {
    jinja::Environment& env = st->execute ? exec_env : parse_env;
    const JValue& ctx = st->execute ? exec_ctx : parse_ctx;
    // A test renders its kwargs and then itself with the same node values; between the renders of
    // one NodeState nothing else renders on this compiler except nested renders, which put them
    // back when they end (below).
    if (!st->values_in_context) SetNodeValues(ctx, st);
    st->values_in_context = true;
    for (const auto& [k, v] : extra) ctx.SetItem(JValue::String(k), v);
    rendering_.push_back(st);
    absl::StatusOr<std::string> out = [&]() -> absl::StatusOr<std::string> {
      const bool test = st->node != nullptr && st->node->resource_type == ResourceType::kTest;
      FLINKDBT_ASSIGN_OR_RETURN(std::shared_ptr<const jinja::Template> tmpl,
                                test ? ParseCached(env, raw, name) : env.Parse(raw, name));
      jinja::RenderOptions ro;
      ro.user_data = st;
      ro.source_map = std::exchange(st->source_map, nullptr);
      return env.Render(*tmpl, ctx, ro);
    }();
    rendering_.pop_back();
    for (const auto& [k, _] : extra) ctx.SetItem(JValue::String(k), JValue::Undefined());
    // A render inside another one (an ephemeral model compiled while a model that refs it renders)
    // gives the outer render its node's this/model/schema/database back.
    if (!rendering_.empty()) {
      NodeState* outer = rendering_.back();
      SetNodeValues(outer->execute ? exec_ctx : parse_ctx, outer);
    }
    return out;
  }
  std::vector<NodeState*> rendering_;  // the renders in progress on this compiler, innermost last

  // Generic tests share their text ("{{ test_unique(**_dbt_generic_test_kwargs) }}", the model
  // kwarg of each column's tests): their short templates are parsed once per (environment, file,
  // text). Models are not cached: each is parsed once per pass, in different environments.
  absl::StatusOr<std::shared_ptr<const jinja::Template>> ParseCached(const jinja::Environment& env,
                                                                     const std::string& raw,
                                                                     const std::string& name) {
    constexpr size_t kMaxCachedTemplate = 256;
    if (raw.size() > kMaxCachedTemplate) return env.Parse(raw, name);
    std::string key;
    key.reserve(name.size() + raw.size() + 2);
    key.append(&env == &exec_env ? "x" : "p").append(name).push_back('\0');
    key.append(raw);
    auto it = template_cache_.find(key);
    if (it != template_cache_.end()) return it->second;
    FLINKDBT_ASSIGN_OR_RETURN(std::shared_ptr<const jinja::Template> t, env.Parse(raw, name));
    template_cache_.emplace(std::move(key), t);
    return t;
  }

  void SetNodeValues(const JValue& ctx, NodeState* st) {
    const Node* n = st->node;
    ctx.SetItem(JValue::String("execute"), JValue::Bool(st->execute));
    if (n == nullptr) {
      ctx.SetItem(JValue::String("this"), JValue::None());
      ctx.SetItem(JValue::String("model"), JValue::Dict());
      return;
    }
    ctx.SetItem(JValue::String("this"), MakeRelation(*n));
    ctx.SetItem(JValue::String("schema"), JValue::String(n->schema));
    ctx.SetItem(JValue::String("database"), JValue::String(n->database));
    ctx.SetItem(JValue::String("model"), JValue::FromObject(std::make_shared<NodeObject>(n)));
  }

  // `model`: the node as a read-only object whose attributes convert on access (most templates
  // read one or two, and converting every node's whole config up front dominated compile time).
  class NodeObject : public jinja::Object {
   public:
    explicit NodeObject(const Node* n) : n_(n) {}
    std::string_view TypeName() const override { return "node"; }
    std::string Str() const override { return n_->unique_id; }
    std::optional<JValue> GetAttr(std::string_view name) const override {
      const Node& n = *n_;
      auto list = [](const std::vector<std::string>& items) {
        std::vector<JValue> out;
        for (const auto& s : items) out.push_back(JValue::String(s));
        return JValue::List(std::move(out));
      };
      if (name == "unique_id") return JValue::String(n.unique_id);
      if (name == "name") return JValue::String(n.name);
      if (name == "alias") return JValue::String(n.alias);
      if (name == "schema") return JValue::String(n.schema);
      if (name == "database") return JValue::String(n.database);
      if (name == "resource_type") return JValue::String(std::string(ResourceTypeName(n.resource_type)));
      if (name == "package_name") return JValue::String(n.package_name);
      if (name == "original_file_path") return JValue::String(n.original_file_path);
      if (name == "path") return JValue::String(n.path);
      if (name == "raw_code" || name == "raw_sql") return JValue::String(n.raw_code);
      if (name == "compiled_code") return JValue::String(n.compiled_code);
      if (name == "config") return ToJinja(n.config);
      if (name == "tags") return list(n.tags);
      if (name == "fqn") return list(n.fqn);
      if (name == "columns") return ToJinja(n.columns);
      if (name == "meta") return ToJinja(n.meta);
      if (name == "description") return JValue::String(n.description);
      if (name == "version") return ToJinja(n.version);
      if (name == "latest_version") return ToJinja(n.latest_version);
      if (name == "relation_name") return JValue::String(n.relation_name);
      if (name == "depends_on") {
        return JValue::Dict({{JValue::String("nodes"), list(n.depends_on_nodes)},
                             {JValue::String("macros"), list(n.depends_on_macros)}});
      }
      if (name == "test_metadata") return ToJinja(n.test_metadata);
      if (name == "column_name") return JValue::String(n.column_name);
      if (name == "get") {
        const Node* np = n_;
        return JValue::Callable("get", [np](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
          NodeObject o(np);
          std::string key = ArgStr(a.Get(0, "key"));
          std::optional<JValue> v = o.GetAttr(key);
          if (v) return *v;
          const JValue* d = a.Get(1, "default");
          return d ? *d : JValue::None();
        });
      }
      return std::nullopt;
    }

   private:
    const Node* n_;
  };

  // `pre_injected`, when given, receives the rendered SQL before CTE injection (ephemeral models).
  absl::Status Compile(Node& node, std::string* pre_injected);
  absl::StatusOr<JValue> TestKwargs(Node& node, NodeState* st);
  std::shared_ptr<CompilerGroup> group = std::make_shared<CompilerGroup>();
  std::optional<std::string> target_dir_name_;  // the last part of project->target_path
  std::vector<std::string> selected_resources;  // as last set, for forks
  absl::flat_hash_map<std::string, std::shared_ptr<const jinja::Template>> template_cache_;
  // Kept alive for as long as the modules' macros may be called.
  jinja::RenderOptions module_render_options_;
  std::shared_ptr<const Value> defer_holder_;
};

namespace {

class ConfigObject : public jinja::Object {
 public:
  explicit ConfigObject(Compiler::Impl* impl) : impl_(impl) {}
  std::string_view TypeName() const override { return "config"; }
  absl::StatusOr<JValue> Call(CallContext& ctx, const CallArgs& a) const override {
    NodeState* st = static_cast<NodeState*>(ctx.user_data());
    if (st == nullptr || st->execute || st->capture == nullptr) return JValue::String("");
    Value update = Value::MakeMap();
    if (!a.positional.empty()) {
      if (a.positional.size() != 1 || !a.positional[0].is_dict()) {
        return CompilationError("config() takes keyword arguments or one dictionary");
      }
      update = FromJinja(a.positional[0]);
    }
    for (const auto& [k, v] : a.keyword) update.Set(std::string(k), FromJinja(v));
    project::MergeConfig(st->capture->config_call, project::NormaliseConfig(update));
    return JValue::String("");
  }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    if (name == "get" || name == "require" || name == "meta_get" || name == "meta_require") {
      std::string method(name);
      return JValue::Callable(
          method, [method](CallContext& ctx, const CallArgs& a) -> absl::StatusOr<JValue> {
            NodeState* st = static_cast<NodeState*>(ctx.user_data());
            std::string key = ArgStr(a.Get(0, "name"));
            const JValue* def = a.Get(1, "default");
            if (st == nullptr || st->node == nullptr) return def ? *def : JValue::None();
            if (!st->execute) {
              // dbt returns "" for get/require while parsing (the config is not final yet).
              if (st->capture) {
                if (const Value* v = st->capture->config_call.Find(key)) return ToJinja(*v);
              }
              if (const Value* v = st->node->config.Find(key)) return ToJinja(*v);
              return def ? *def : JValue::None();
            }
            const Value* v = nullptr;
            if (method == "meta_get" || method == "meta_require") {
              const Value* meta = st->node->config.Find("meta");
              v = meta ? meta->Find(key) : nullptr;
            } else {
              v = st->config_sets.Find(key);
              if (!v) v = st->node->config.Find(key);
            }
            if (v && !v->is_null()) return ToJinja(*v);
            if (method == "require" || method == "meta_require") {
              return CompilationError(fmt::format("'{}' ({}) is missing required config '{}'", st->node->name,
                                                  st->node->original_file_path, key));
            }
            if (v && v->is_null() && !def) return JValue::None();
            return def ? *def : JValue::None();
          });
    }
    if (name == "set") {
      return JValue::Callable("set", [](CallContext& ctx, const CallArgs& a) -> absl::StatusOr<JValue> {
        NodeState* st = static_cast<NodeState*>(ctx.user_data());
        std::string key = ArgStr(a.Get(0, "name"));
        const JValue* v = a.Get(1, "value");
        if (st && v) {
          if (!st->execute && st->capture) {
            Value one = Value::MakeMap();
            one.Set(key, FromJinja(*v));
            project::MergeConfig(st->capture->config_call, one);
          } else {
            st->config_sets.Set(key, FromJinja(*v));
          }
        }
        return JValue::String("");
      });
    }
    if (name == "persist_relation_docs" || name == "persist_column_docs") {
      std::string which = name == "persist_relation_docs" ? "relation" : "columns";
      return JValue::Callable(std::string(name),
                              [which](CallContext& ctx, const CallArgs&) -> absl::StatusOr<JValue> {
                                NodeState* st = static_cast<NodeState*>(ctx.user_data());
                                if (!st || !st->node) return JValue::Bool(false);
                                const Value* pd = st->node->config.Find("persist_docs");
                                return JValue::Bool(pd && pd->Find(which) && pd->Find(which)->Truthy());
                              });
    }
    (void)impl_;
    return std::nullopt;
  }

 private:
  Compiler::Impl* impl_;
};

class AdapterObject : public jinja::Object {
 public:
  AdapterObject(Compiler::Impl* impl, bool execute) : impl_(impl), execute_(execute) {}
  std::string_view TypeName() const override { return "adapter"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    Compiler::Impl* impl = impl_;
    bool execute = execute_;
    if (name == "dispatch") {
      return JValue::Callable("dispatch", [impl, execute](CallContext& ctx, const CallArgs& a) {
        return impl->Dispatch(static_cast<NodeState*>(ctx.user_data()), a, execute);
      });
    }
    if (name == "quote") {
      return JValue::Callable("quote", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        return JValue::String("`" + ArgStr(a.Get(0, "identifier")) + "`");
      });
    }
    if (name == "type") {
      std::string t = impl->project->target ? impl->project->target->type : "confluent";
      return JValue::Callable(
          "type", [t](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> { return JValue::String(t); });
    }
    if (name == "get_relation" || name == "get_columns_in_relation") {
      std::string method(name);
      return JValue::Callable(
          method, [impl, method](CallContext& ctx, const CallArgs& a) -> absl::StatusOr<JValue> {
            NodeState* st = static_cast<NodeState*>(ctx.user_data());
            if (st == nullptr || !st->execute) {
              return method == "get_relation" ? JValue::None() : JValue::List();
            }
            if (impl->options.runner == nullptr) {
              return CompilationError(
                  fmt::format("adapter.{}() needs a connection to the target, and none is available "
                              "in this command",
                              method));
            }
            if (method == "get_relation") {
              FLINKDBT_ASSIGN_OR_RETURN(
                  auto rel,
                  impl->options.runner->GetRelation(ArgStr(a.Get(0, "database")), ArgStr(a.Get(1, "schema")),
                                                    ArgStr(a.Get(2, "identifier"))));
              if (!rel) return JValue::None();
              return JValue::FromObject(
                  std::make_shared<RelationObject>(rel->database, rel->schema, rel->identifier, rel->type));
            }
            const JValue* r = a.Get(0, "relation");
            RelationInfo info;
            if (r && r->is_object()) {
              const jinja::Object* o = r->AsObject();
              info.database = o->GetAttr("database").value_or(JValue::String("")).Str();
              info.schema = o->GetAttr("schema").value_or(JValue::String("")).Str();
              info.identifier = o->GetAttr("identifier").value_or(JValue::String("")).Str();
            }
            FLINKDBT_ASSIGN_OR_RETURN(auto cols, impl->options.runner->GetColumns(info));
            std::vector<JValue> out;
            for (const auto& c : cols) {
              out.push_back(JValue::Dict({{JValue::String("name"), JValue::String(c.name)},
                                          {JValue::String("column"), JValue::String(c.name)},
                                          {JValue::String("data_type"), JValue::String(c.data_type)},
                                          {JValue::String("dtype"), JValue::String(c.data_type)}}));
            }
            return JValue::List(std::move(out));
          });
    }
    return std::nullopt;
  }

 private:
  Compiler::Impl* impl_;
  bool execute_;
};

class ExceptionsObject : public jinja::Object {
 public:
  explicit ExceptionsObject(Compiler::Impl* impl) : impl_(impl) {}
  std::optional<JValue> GetAttr(std::string_view name) const override {
    Compiler::Impl* impl = impl_;
    if (name == "warn") {
      return JValue::Callable("warn", [impl](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        if (impl->options.log) impl->options.log("warn", ArgStr(a.Get(0, "msg")));
        return JValue::String("");
      });
    }
    std::string kind(name);
    return JValue::Callable(kind, [kind](CallContext& ctx, const CallArgs& a) -> absl::StatusOr<JValue> {
      NodeState* st = static_cast<NodeState*>(ctx.user_data());
      std::string where =
          st && st->node ? fmt::format(" in {} ({})", st->node->name, st->node->original_file_path) : "";
      std::string prefix = kind == "raise_not_implemented" ? "Not implemented: " : "Compilation Error";
      return CompilationError(fmt::format("{}{}\n  {}", prefix, where, ArgStr(a.Get(0, "msg"))));
    });
  }

 private:
  Compiler::Impl* impl_;
};

// modules.re on RE2 (Python syntax is close enough for the patterns dbt projects use).
class MatchObject : public jinja::Object {
 public:
  explicit MatchObject(std::vector<std::string> groups) : groups_(std::move(groups)) {}
  std::string_view TypeName() const override { return "re.Match"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    auto groups = groups_;
    if (name == "group") {
      return JValue::Callable("group", [groups](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        int64_t i = a.positional.empty() ? 0 : a.positional[0].AsInt64().value_or(0);
        if (i < 0 || static_cast<size_t>(i) >= groups.size()) return CompilationError("no such group");
        return JValue::String(groups[i]);
      });
    }
    if (name == "groups") {
      return JValue::Callable("groups", [groups](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> {
        std::vector<JValue> out;
        for (size_t i = 1; i < groups.size(); ++i) out.push_back(JValue::String(groups[i]));
        return JValue::Tuple(std::move(out));
      });
    }
    return std::nullopt;
  }

 private:
  std::vector<std::string> groups_;
};

class ReModule : public jinja::Object {
 public:
  std::string_view TypeName() const override { return "module"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    std::string fn(name);
    if (fn == "match" || fn == "search" || fn == "fullmatch") {
      return JValue::Callable(fn, [fn](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        RE2 re(ArgStr(a.Get(0, "pattern")));
        if (!re.ok()) return CompilationError("invalid regular expression: " + re.error());
        std::string text = ArgStr(a.Get(1, "string"));
        int n = re.NumberOfCapturingGroups() + 1;
        std::vector<re2::StringPiece> m(n);
        RE2::Anchor anchor = fn == "search"  ? RE2::UNANCHORED
                             : fn == "match" ? RE2::ANCHOR_START
                                             : RE2::ANCHOR_BOTH;
        if (!re.Match(text, 0, text.size(), anchor, m.data(), n)) return JValue::None();
        std::vector<std::string> groups;
        for (auto& g : m) groups.emplace_back(g.data() ? std::string(g.data(), g.size()) : "");
        return JValue::FromObject(std::make_shared<MatchObject>(std::move(groups)));
      });
    }
    if (fn == "sub") {
      return JValue::Callable(fn, [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        RE2 re(ArgStr(a.Get(0, "pattern")));
        if (!re.ok()) return CompilationError("invalid regular expression: " + re.error());
        std::string repl = ArgStr(a.Get(1, "repl"));
        std::string text = ArgStr(a.Get(2, "string"));
        RE2::GlobalReplace(&text, re, repl);
        return JValue::String(text);
      });
    }
    if (fn == "findall") {
      return JValue::Callable(fn, [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        RE2 re(ArgStr(a.Get(0, "pattern")));
        if (!re.ok()) return CompilationError("invalid regular expression: " + re.error());
        std::string text = ArgStr(a.Get(1, "string"));
        std::vector<JValue> out;
        re2::StringPiece input(text);
        int n = re.NumberOfCapturingGroups();
        std::vector<re2::StringPiece> m(n + 1);
        size_t pos = 0;
        while (pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, m.data(), n + 1)) {
          out.push_back(JValue::String(std::string(n >= 1 ? m[1] : m[0])));
          size_t end = m[0].data() - text.data() + m[0].size();
          pos = end == static_cast<size_t>(m[0].data() - text.data()) ? end + 1 : end;
        }
        return JValue::List(std::move(out));
      });
    }
    if (fn == "escape") {
      return JValue::Callable(fn, [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        return JValue::String(RE2::QuoteMeta(ArgStr(a.Get(0, "pattern"))));
      });
    }
    return std::nullopt;
  }
};

class ModulesObject : public jinja::Object {
 public:
  std::optional<JValue> GetAttr(std::string_view name) const override {
    if (name == "re") return JValue::FromObject(std::make_shared<ReModule>());
    if (name == "datetime") return DatetimeModule();
    if (name == "pytz") return PytzModule();
    if (name == "itertools") return ItertoolsModule();
    return std::nullopt;
  }
};

}  // namespace

namespace {

// `graph`: the flat graph (nodes, sources, exposures, ...) as dicts, built on first access per
// manifest and cached.
class GraphObject : public jinja::Object {
 public:
  explicit GraphObject(Compiler::Impl* impl) : impl_(impl) {}
  std::string_view TypeName() const override { return "graph"; }
  std::optional<JValue> GetAttr(std::string_view name) const override {
    if (name != "nodes" && name != "sources" && name != "exposures" && name != "metrics" &&
        name != "groups" && name != "semantic_models" && name != "saved_queries" && name != "unit_tests") {
      return std::nullopt;
    }
    std::lock_guard<std::mutex> lock(mu_);
    const Manifest* m = impl_->manifest.get();
    if (m != built_for_) {
      cache_.clear();
      built_for_ = m;
    }
    auto it = cache_.find(std::string(name));
    if (it != cache_.end()) return it->second;
    std::vector<std::pair<JValue, JValue>> entries;
    if (m != nullptr) {
      for (const auto& n : m->nodes()) {
        bool want = false;
        switch (n->resource_type) {
          case ResourceType::kSource:
            want = name == "sources";
            break;
          case ResourceType::kExposure:
            want = name == "exposures";
            break;
          case ResourceType::kUnitTest:
            want = name == "unit_tests";
            break;
          default:
            want = name == "nodes";
        }
        if (!want) continue;
        auto list = [](const std::vector<std::string>& items) {
          std::vector<JValue> out;
          for (const auto& x : items) out.push_back(JValue::String(x));
          return JValue::List(std::move(out));
        };
        std::vector<std::pair<JValue, JValue>> d = {
            {JValue::String("unique_id"), JValue::String(n->unique_id)},
            {JValue::String("name"), JValue::String(n->name)},
            {JValue::String("resource_type"),
             JValue::String(std::string(ResourceTypeName(n->resource_type)))},
            {JValue::String("package_name"), JValue::String(n->package_name)},
            {JValue::String("original_file_path"), JValue::String(n->original_file_path)},
            {JValue::String("path"), JValue::String(n->path)},
            {JValue::String("database"), JValue::String(n->database)},
            {JValue::String("schema"), JValue::String(n->schema)},
            {JValue::String("alias"), JValue::String(n->alias)},
            {JValue::String("identifier"), JValue::String(n->identifier)},
            {JValue::String("source_name"), JValue::String(n->source_name)},
            {JValue::String("relation_name"), JValue::String(n->relation_name)},
            {JValue::String("fqn"), list(n->fqn)},
            {JValue::String("tags"), list(n->tags)},
            {JValue::String("config"), ToJinja(n->config)},
            {JValue::String("meta"), ToJinja(n->meta)},
            {JValue::String("description"), JValue::String(n->description)},
            {JValue::String("columns"), ToJinja(n->columns)},
            {JValue::String("raw_code"), JValue::String(n->raw_code)},
            {JValue::String("depends_on"),
             JValue::Dict({{JValue::String("nodes"), list(n->depends_on_nodes)},
                           {JValue::String("macros"), list(n->depends_on_macros)}})},
        };
        entries.emplace_back(JValue::String(n->unique_id), JValue::Dict(std::move(d)));
      }
    }
    JValue dict = JValue::Dict(std::move(entries));
    cache_.emplace(std::string(name), dict);
    return dict;
  }

 private:
  Compiler::Impl* impl_;
  mutable std::mutex mu_;
  mutable const Manifest* built_for_ = nullptr;
  mutable absl::flat_hash_map<std::string, JValue> cache_;
};

}  // namespace

void Compiler::Impl::InstallBuiltins(const JValue& ctx, bool execute) {
  Impl* self = this;
  auto set = [&](const char* name, JValue v) { ctx.SetItem(JValue::String(name), std::move(v)); };
  set("ref", JValue::Callable(
                 "ref", [self](CallContext& c, const CallArgs& a) { return self->Ref(self->State(c), a); }));
  set("source", JValue::Callable("source", [self](CallContext& c, const CallArgs& a) {
        return self->Source(self->State(c), a);
      }));
  set("var", JValue::Callable(
                 "var", [self](CallContext& c, const CallArgs& a) { return self->Var(self->State(c), a); }));
  set("env_var",
      JValue::Callable("env_var", [self](CallContext& c, const CallArgs& a) -> absl::StatusOr<JValue> {
        NodeState* st = self->State(c);
        const JValue* name = a.Get(0, "var");
        const Value* env = st && st->overrides ? st->overrides->Find("env_vars") : nullptr;
        if (env && env->is_map() && name && name->is_string()) {
          if (const Value* o = env->Find(name->Str()))
            return JValue::String(o->is_string() ? o->as_string() : o->ToPythonStr());
        }
        return EnvVar(self->project->env, a, false, self->options.scrubber);
      }));
  set("config", JValue::FromObject(std::make_shared<ConfigObject>(self)));
  set("adapter", JValue::FromObject(std::make_shared<AdapterObject>(self, execute)));
  set("exceptions", JValue::FromObject(std::make_shared<ExceptionsObject>(self)));
  set("modules", JValue::FromObject(std::make_shared<ModulesObject>()));
  set("graph", JValue::FromObject(std::make_shared<GraphObject>(self)));
  set("target", project->target ? ToJinja(project->target->ToContext()) : JValue::Dict());
  set("project_name", JValue::String(project->root.config.name));
  set("dbt_version", JValue::String("1.10.23"));
  set("invocation_id", JValue::String(options.invocation_id));
  set("run_started_at", MakeUtcDatetime(options.run_started_at));
  set("invocation_args_dict", ToJinja(options.invocation_args));
  set("selected_resources", JValue::List());
  set("api", JValue::FromObject(std::make_shared<ApiObject>()));
  set("flags", ToJinja(options.flags));
  set("execute", JValue::Bool(execute));
  set("log", JValue::Callable("log", [self](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* info = a.Get(1, "info");
        if (self->options.log)
          self->options.log(info && info->Truthy() ? "info" : "debug", ArgStr(a.Get(0, "msg")));
        return JValue::String("");
      }));
  set("print", JValue::Callable("print", [self](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        if (self->options.log) self->options.log("info", ArgStr(a.Get(0, "msg")));
        return JValue::String("");
      }));
  set("local_md5",
      JValue::Callable("local_md5", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        return JValue::String(Md5Hex(ArgStr(a.Get(0, "value"))));
      }));
  set("tojson", JValue::Callable("tojson", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* v = a.Get(0, "value");
        const JValue* sort = a.Get(2, "sort_keys");
        return JValue::String(project::ToPythonJson(v ? FromJinja(*v) : Value(), sort && sort->Truthy()));
      }));
  set("fromjson", JValue::Callable("fromjson", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        auto v = project::ParseJson(ArgStr(a.Get(0, "string")), "fromjson");
        if (!v.ok()) {
          const JValue* d = a.Get(1, "default");
          return d ? *d : JValue::None();
        }
        return ToJinja(*v);
      }));
  set("toyaml", JValue::Callable("toyaml", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        const JValue* v = a.Get(0, "value");
        return JValue::String(project::ToYaml(v ? FromJinja(*v) : Value()));
      }));
  set("fromyaml", JValue::Callable("fromyaml", [](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        auto v = project::ParseYaml(ArgStr(a.Get(0, "value")), "fromyaml");
        if (!v.ok()) {
          const JValue* d = a.Get(1, "default");
          return d ? *d : JValue::None();
        }
        return ToJinja(*v);
      }));
  auto set_fn = [](bool strict) {
    return [strict](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
      const JValue* v = a.Get(0, "value");
      std::vector<JValue> out;
      if (v && (v->is_sequence() || v->is_string())) {
        if (v->is_string()) {
          for (char ch : v->AsString()) {
            JValue s = JValue::String(std::string(1, ch));
            if (std::none_of(out.begin(), out.end(), [&](const JValue& x) { return x.Equals(s); }))
              out.push_back(s);
          }
        }
        for (const auto& x : v->Items()) {
          if (std::none_of(out.begin(), out.end(), [&](const JValue& y) { return y.Equals(x); }))
            out.push_back(x);
        }
        return JValue::List(std::move(out));
      }
      if (strict) return CompilationError("set_strict() needs an iterable");
      return JValue::None();
    };
  };
  set("set", JValue::Callable("set", set_fn(false)));
  set("set_strict", JValue::Callable("set_strict", set_fn(true)));
  auto zip_fn = [](bool strict) {
    return [strict](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
      size_t n = SIZE_MAX;
      for (const auto& arg : a.positional) {
        if (!arg.is_sequence()) {
          if (strict) return CompilationError("zip_strict() arguments must be iterable");
          return JValue::None();
        }
        n = std::min(n, arg.Items().size());
      }
      if (a.positional.empty()) n = 0;
      std::vector<JValue> out;
      for (size_t i = 0; i < n; ++i) {
        std::vector<JValue> t;
        for (const auto& arg : a.positional) t.push_back(arg.Items()[i]);
        out.push_back(JValue::Tuple(std::move(t)));
      }
      return JValue::List(std::move(out));
    };
  };
  set("zip", JValue::Callable("zip", zip_fn(false)));
  set("zip_strict", JValue::Callable("zip_strict", zip_fn(true)));
  set("statement", JValue::Callable("statement", [self](CallContext& c, const CallArgs& a) {
        return self->RunStatement(self->State(c), c, a);
      }));
  set("load_result",
      JValue::Callable("load_result", [self](CallContext& c, const CallArgs& a) -> absl::StatusOr<JValue> {
        NodeState* st = self->State(c);
        std::string name = ArgStr(a.Get(0, "name"));
        if (st) {
          auto it = st->results.find(name);
          if (it != st->results.end()) return it->second;
        }
        return JValue::None();
      }));
  set("doc", JValue::Callable("doc", [self](CallContext&, const CallArgs& a) -> absl::StatusOr<JValue> {
        std::string name = a.positional.size() == 2 ? a.positional[1].Str() : ArgStr(a.Get(0, "name"));
        if (self->manifest) {
          for (const auto& d : self->manifest->docs()) {
            if (d->name == name) return JValue::String(d->block_contents);
          }
        }
        return CompilationError(fmt::format("Documentation for '{}' not found", name));
      }));
}

absl::StatusOr<JValue> Compiler::Impl::TestKwargs(Node& node, NodeState* st) {
  static const RE2 kLooksLikeFunc(R"(^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$)");
  const Value* kwargs = node.test_metadata.Find("kwargs");
  std::vector<std::pair<JValue, JValue>> out;
  if (kwargs == nullptr) return JValue::Dict();
  for (const auto& [k, v] : kwargs->map()) {
    if (k == "column_name" || !v.is_string()) {
      out.emplace_back(JValue::String(k), ToJinja(v));
      continue;
    }
    std::string text = v.as_string();
    if (RE2::FullMatch(text, kLooksLikeFunc)) text = "{{ " + text + " }}";
    if (text.find("{{") == std::string::npos && text.find("{%") == std::string::npos) {
      out.emplace_back(JValue::String(k), JValue::String(text));
      continue;
    }
    FLINKDBT_ASSIGN_OR_RETURN(std::string rendered, Render(text, node.original_file_path, st, {}));
    out.emplace_back(JValue::String(k), JValue::String(rendered));
  }
  return JValue::Dict(std::move(out));
}

absl::Status Compiler::Impl::Compile(Node& node, std::string* pre_injected) {
  compiling.insert(node.unique_id);
  NodeState st;
  st.impl = this;
  st.node = &node;
  st.execute = true;
  std::vector<std::pair<std::string, JValue>> extra;
  if (node.resource_type == ResourceType::kTest && !node.test_metadata.is_null()) {
    FLINKDBT_ASSIGN_OR_RETURN(JValue kw, TestKwargs(node, &st));
    extra.emplace_back("_dbt_generic_test_kwargs", kw);
  }
  std::vector<jinja::SourceMapEntry> source_map;
  if (options.source_map_sink) st.source_map = &source_map;
  absl::StatusOr<std::string> out = Render(node.raw_code, node.original_file_path, &st, extra);
  compiling.erase(node.unique_id);
  if (!out.ok()) return LocateInNode(out.status(), node);
  // Only ephemeral models are injected elsewhere (as CTEs, before their own CTEs are added).
  if (pre_injected != nullptr) *pre_injected = *out;
  node.extra_ctes = st.ctes;
  node.compiled_code = InjectCtes(*out, st.ctes);
  node.compiled = true;
  // Generic tests: <properties file>/<test path>, joined as fs::path would ('/'-separated).
  std::string sub = node.original_file_path;
  if (node.resource_type == ResourceType::kTest && !node.test_metadata.is_null()) {
    if (!sub.empty() && sub.back() != '/') sub += '/';
    sub += node.path;
  }
  if (!target_dir_name_) target_dir_name_ = fs::path(project->target_path).filename().string();
  node.compiled_path = fmt::format("{}/compiled/{}/{}", *target_dir_name_, node.package_name, sub);
  if (options.source_map_sink) options.source_map_sink(node, std::move(source_map));
  if (options.validator) FLINKDBT_RETURN_IF_ERROR(options.validator(node, node.compiled_code));
  return absl::OkStatus();
}

Compiler::Compiler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Compiler::~Compiler() = default;

absl::StatusOr<std::unique_ptr<Compiler>> Compiler::Create(
    std::shared_ptr<const project::LoadedProject> project, CompileOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->project = std::move(project);
  impl->options = std::move(options);
  FLINKDBT_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Compiler>(new Compiler(std::move(impl)));
}

absl::StatusOr<ParseCapture> Compiler::Capture(const Node& node) {
  ParseCapture cap;
  NodeState st;
  st.impl = impl_.get();
  st.node = &node;
  st.execute = false;
  st.capture = &cap;
  absl::StatusOr<std::string> out = impl_->Render(node.raw_code, node.original_file_path, &st, {});
  if (!out.ok()) return LocateInNode(out.status(), node);
  // Macros the node calls (by name or namespace), as dbt records them in depends_on.macros.
  static const RE2 kCall(R"((?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\()");
  re2::StringPiece input(node.raw_code);
  std::string ns, name;
  std::set<std::string> ids;
  while (RE2::FindAndConsume(&input, kCall, &ns, &name)) {
    for (const std::string& pkg : ns.empty() ? impl_->package_order : std::vector<std::string>{ns}) {
      auto pm = impl_->exec_macros.find(pkg);
      if (pm != impl_->exec_macros.end() && pm->second.count(name)) {
        ids.insert(fmt::format("macro.{}.{}", pkg, name));
        break;
      }
    }
  }
  cap.macros_called.assign(ids.begin(), ids.end());
  return cap;
}

absl::StatusOr<std::optional<std::string>> Compiler::GenerateName(std::string_view kind, const Value& custom,
                                                                  const Node& node) {
  std::string macro = fmt::format("generate_{}_name", kind);
  JValue callable;
  for (const std::string& pkg : impl_->package_order) {
    if (pkg == "dbt") break;
    auto pm = impl_->exec_macros.find(pkg);
    if (pm != impl_->exec_macros.end()) {
      auto it = pm->second.find(macro);
      if (it != pm->second.end()) {
        callable = it->second;
        break;
      }
    }
  }
  if (callable.is_undefined()) return std::optional<std::string>();
  NodeState st;
  st.impl = impl_.get();
  st.node = &node;
  st.execute = true;
  impl_->SetNodeValues(impl_->exec_ctx, &st);
  jinja::RenderOptions ro;
  ro.user_data = &st;
  std::vector<std::pair<JValue, JValue>> nd = {
      {JValue::String("name"), JValue::String(node.name)},
      {JValue::String("resource_type"), JValue::String(std::string(ResourceTypeName(node.resource_type)))},
      {JValue::String("unique_id"), JValue::String(node.unique_id)},
      {JValue::String("package_name"), JValue::String(node.package_name)},
      {JValue::String("fqn"), ToJinja([&] {
         Value l = Value::MakeList();
         for (const auto& f : node.fqn) l.Push(Value::String(f));
         return l;
       }())},
      {JValue::String("config"), ToJinja(node.config)},
      {JValue::String("version"), ToJinja(node.version)}};
  auto r = impl_->exec_env.Call(callable, {ToJinja(custom), JValue::Dict(std::move(nd))}, {}, ro);
  if (!r.ok()) {
    absl::Status s = r.status();
    if (!GetLocation(s)) s = WithLocation(s, node.location);
    return s;
  }
  std::string out = r->Str();
  size_t b = out.find_first_not_of(" \t\r\n");
  size_t e = out.find_last_not_of(" \t\r\n");
  return std::optional<std::string>(b == std::string::npos ? "" : out.substr(b, e - b + 1));
}

void Compiler::SetManifest(std::shared_ptr<Manifest> manifest) {
  impl_->manifest = std::move(manifest);
  impl_->ref_index.clear();
  for (const auto& n : impl_->manifest->nodes()) {
    if (n->resource_type == ResourceType::kModel || n->resource_type == ResourceType::kSeed ||
        n->resource_type == ResourceType::kSnapshot) {
      impl_->ref_index[n->name].push_back(n.get());
    }
  }
}

absl::Status Compiler::CompileNode(Node& node) {
  if (node.resource_type == ResourceType::kSource || node.resource_type == ResourceType::kExposure ||
      node.resource_type == ResourceType::kUnitTest || node.resource_type == ResourceType::kSeed) {
    return absl::OkStatus();
  }
  // An ephemeral model may be compiled on the way by a forked compiler on another thread: its
  // fields are read only through its shared entry.
  if (node.is_ephemeral()) return impl_->CompileEphemeral(node).status();
  if (node.compiled) return absl::OkStatus();
  return impl_->Compile(node, nullptr);
}

absl::StatusOr<std::unique_ptr<Compiler>> Compiler::Fork() {
  Impl& self = *impl_;
  if (self.options.runner != nullptr && self.group->runner == nullptr) {
    self.group->runner = std::make_unique<SerializedRunner>(self.options.runner);
    self.options.runner = self.group->runner.get();
  }
  auto impl = std::make_unique<Impl>();
  impl->project = self.project;
  impl->options = self.options;
  impl->group = self.group;
  impl->defer_holder_ = self.defer_holder_;
  FLINKDBT_RETURN_IF_ERROR(impl->Init());
  impl->manifest = self.manifest;
  impl->ref_index = self.ref_index;
  std::unique_ptr<Compiler> fork(new Compiler(std::move(impl)));
  if (!self.selected_resources.empty()) fork->SetSelectedResources(self.selected_resources);
  return fork;
}

void Compiler::SetLog(std::function<void(std::string_view level, std::string_view message)> log) {
  impl_->options.log = std::move(log);
}

void Compiler::SetDefer(std::shared_ptr<const Value> state_manifest, bool favor_state,
                        std::set<std::string> selected) {
  impl_->defer_holder_ = std::move(state_manifest);
  impl_->options.defer_manifest = impl_->defer_holder_.get();
  impl_->options.favor_state = favor_state;
  impl_->options.selected = std::move(selected);
}

void Compiler::SetSelectedResources(const std::vector<std::string>& unique_ids) {
  if (&unique_ids != &impl_->selected_resources) impl_->selected_resources = unique_ids;
  std::vector<JValue> ids;
  ids.reserve(unique_ids.size());
  for (const auto& id : unique_ids) ids.push_back(JValue::String(id));
  JValue list = JValue::List(std::move(ids));
  impl_->exec_ctx.SetItem(JValue::String("selected_resources"), list);
  impl_->parse_ctx.SetItem(JValue::String("selected_resources"), list);
}

void Compiler::SetDeferMissing(std::set<std::string> unique_ids) {
  impl_->options.defer_missing = std::move(unique_ids);
}

absl::StatusOr<std::string> Compiler::RenderHook(const Node* node, std::string_view sql,
                                                 const std::vector<std::pair<std::string, Value>>& extra,
                                                 std::string_view template_name) {
  NodeState st;
  st.impl = impl_.get();
  st.node = node;
  st.execute = true;
  std::vector<std::pair<std::string, JValue>> values;
  for (const auto& [k, v] : extra) values.emplace_back(k, ToJinja(v));
  absl::StatusOr<std::string> out = impl_->Render(std::string(sql),
                                                  !template_name.empty() ? std::string(template_name)
                                                  : node                 ? node->original_file_path
                                                                         : std::string("dbt_project.yml"),
                                                  &st, values);
  if (!out.ok() && node != nullptr) return LocateInNode(out.status(), *node);
  return out;
}

absl::StatusOr<std::string> Compiler::CompileWithOverrides(const Node& node, const Value& overrides) {
  NodeState st;
  st.impl = impl_.get();
  st.node = &node;
  st.execute = true;
  st.overrides = &overrides;
  // Macro overrides replace context entries for this render only; a macro becomes a macro that
  // returns the value (dbt's UnitTestMacroGenerator), anything else is replaced by the value.
  const JValue& ctx = impl_->exec_ctx;
  std::vector<std::pair<std::string, JValue>> saved;
  if (const Value* macros = overrides.Find("macros"); macros && macros->is_map()) {
    for (const auto& [key, value] : macros->map()) {
      std::string name = key.rfind("dbt.", 0) == 0 ? key.substr(4) : key;
      const JValue* original = ctx.Find(name);
      saved.emplace_back(name, original ? *original : JValue::Undefined());
      JValue v = ToJinja(value);
      if (original && original->is_callable_kind()) {
        v = JValue::Callable(name,
                             [v](CallContext&, const CallArgs&) -> absl::StatusOr<JValue> { return v; });
      }
      ctx.SetItem(JValue::String(name), v);
    }
  }
  absl::StatusOr<std::string> out = impl_->Render(node.raw_code, node.original_file_path, &st, {});
  for (const auto& [name, original] : saved) ctx.SetItem(JValue::String(name), original);
  if (!out.ok()) return LocateInNode(out.status(), node);
  return InjectCtes(*out, st.ctes);
}

absl::StatusOr<std::string> Compiler::CompileInline(std::string_view sql) {
  Node n;
  n.resource_type = ResourceType::kModel;
  n.name = "inline_query";
  n.package_name = impl_->project->root.config.name;
  n.unique_id = "sql_operation." + n.package_name + ".inline_query";
  n.original_file_path = "from remote system.sql";
  n.raw_code = std::string(sql);
  n.config = Value::MakeMap();
  NodeState st;
  st.impl = impl_.get();
  st.node = &n;
  st.execute = true;
  FLINKDBT_ASSIGN_OR_RETURN(std::string out, impl_->Render(n.raw_code, "inline", &st, {}));
  return InjectCtes(out, st.ctes);
}

}  // namespace flinkdbt::compile
