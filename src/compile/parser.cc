#include "flinkdbt/compile/parser.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_replace.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/parallel.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/project/config.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::compile {
namespace {

using project::ErrorAt;
using project::FileKind;
using project::LoadedProject;
using project::Package;

std::vector<std::string> SplitPath(std::string_view p) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= p.size()) {
    size_t e = p.find('/', b);
    if (e == std::string_view::npos) e = p.size();
    if (e > b) out.emplace_back(p.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

std::string Stem(std::string_view path) {
  std::string base(path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1));
  size_t dot = base.rfind('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

// [pkg, *dirs of `path` (relative to its resource path), name]
std::vector<std::string> MakeFqn(const std::string& pkg, const std::string& rel_path,
                                 const std::string& name) {
  std::vector<std::string> fqn = {pkg};
  std::vector<std::string> parts = SplitPath(rel_path);
  if (!parts.empty()) parts.pop_back();
  fqn.insert(fqn.end(), parts.begin(), parts.end());
  fqn.push_back(name);
  return fqn;
}

// Directory parts of a YAML file below its top-level resource folder ("models/a/s.yml" -> ["a"]).
std::vector<std::string> YamlDirs(const std::string& original_file_path) {
  std::vector<std::string> parts = SplitPath(original_file_path);
  if (!parts.empty()) parts.erase(parts.begin());
  if (!parts.empty()) parts.pop_back();
  return parts;
}

Value StrList(const std::vector<std::string>& items) {
  Value v = Value::MakeList();
  for (const auto& s : items) v.Push(Value::String(s));
  return v;
}

Value DefaultNodeConfig(ResourceType t) {
  Value c = Value::MakeMap();
  if (t == ResourceType::kSource) {
    c.Set("enabled", Value::Bool(true));
    c.Set("event_time", Value::Null());
    c.Set("freshness", Value::Null());
    c.Set("loaded_at_field", Value::Null());
    c.Set("loaded_at_query", Value::Null());
    c.Set("meta", Value::MakeMap());
    c.Set("tags", Value::MakeList());
    return c;
  }
  if (t == ResourceType::kUnitTest || t == ResourceType::kExposure) {
    c.Set("tags", Value::MakeList());
    c.Set("meta", Value::MakeMap());
    c.Set("enabled", Value::Bool(true));
    return c;
  }
  c.Set("enabled", Value::Bool(true));
  c.Set("alias", Value::Null());
  c.Set("schema", t == ResourceType::kTest ? Value::String("dbt_test__audit") : Value::Null());
  c.Set("database", Value::Null());
  c.Set("tags", Value::MakeList());
  c.Set("meta", Value::MakeMap());
  c.Set("group", Value::Null());
  if (t == ResourceType::kTest) {
    c.Set("materialized", Value::String("test"));
    c.Set("severity", Value::String("ERROR"));
    c.Set("store_failures", Value::Null());
    c.Set("store_failures_as", Value::Null());
    c.Set("where", Value::Null());
    c.Set("limit", Value::Null());
    c.Set("fail_calc", Value::String("count(*)"));
    c.Set("warn_if", Value::String("!= 0"));
    c.Set("error_if", Value::String("!= 0"));
    return c;
  }
  c.Set("materialized", Value::String(t == ResourceType::kSeed ? "seed" : "view"));
  c.Set("persist_docs", Value::MakeMap());
  c.Set("post-hook", Value::MakeList());
  c.Set("pre-hook", Value::MakeList());
  c.Set("quoting", Value::MakeMap());
  c.Set("column_types", Value::MakeMap());
  c.Set("full_refresh", Value::Null());
  c.Set("unique_key", Value::Null());
  c.Set("on_schema_change", Value::String("ignore"));
  c.Set("on_configuration_change", Value::String("apply"));
  c.Set("grants", Value::MakeMap());
  c.Set("packages", Value::MakeList());
  Value docs = Value::MakeMap();
  docs.Set("show", Value::Bool(true));
  docs.Set("node_color", Value::Null());
  c.Set("docs", docs);
  Value contract = Value::MakeMap();
  contract.Set("enforced", Value::Bool(false));
  contract.Set("alias_types", Value::Bool(true));
  c.Set("contract", contract);
  c.Set("event_time", Value::Null());
  c.Set("concurrent_batches", Value::Null());
  if (t == ResourceType::kModel) c.Set("access", Value::String("protected"));
  if (t == ResourceType::kSeed) {
    c.Set("delimiter", Value::String(","));
    c.Set("quote_columns", Value::Null());
  }
  return c;
}

// The type a shared config key must have (kAny: not checked here).
enum class ConfigType { kAny, kBool, kString, kDict, kTags, kInt };
ConfigType ExpectedConfigType(std::string_view key) {
  using namespace std::string_view_literals;
  static constexpr std::pair<std::string_view, ConfigType> kTyped[] = {
      {"enabled"sv, ConfigType::kBool},
      {"full_refresh"sv, ConfigType::kBool},
      {"store_failures"sv, ConfigType::kBool},
      {"alias"sv, ConfigType::kString},
      {"schema"sv, ConfigType::kString},
      {"database"sv, ConfigType::kString},
      {"materialized"sv, ConfigType::kString},
      {"severity"sv, ConfigType::kString},
      {"fail_calc"sv, ConfigType::kString},
      {"warn_if"sv, ConfigType::kString},
      {"error_if"sv, ConfigType::kString},
      {"where"sv, ConfigType::kString},
      {"meta"sv, ConfigType::kDict},
      {"docs"sv, ConfigType::kDict},
      {"contract"sv, ConfigType::kDict},
      {"persist_docs"sv, ConfigType::kDict},
      {"grants"sv, ConfigType::kDict},
      {"quoting"sv, ConfigType::kDict},
      {"column_types"sv, ConfigType::kDict},
      {"tags"sv, ConfigType::kTags},
      {"limit"sv, ConfigType::kInt}};
  for (const auto& [name, type] : kTyped) {
    if (name == key) return type;
  }
  return ConfigType::kAny;
}

// Type checks of the configs every resource shares (dbt validates them against its schema).
absl::Status CheckConfigTypes(const Value& cfg, const std::string& what, const SourceLocation& where) {
  auto loc = [&](const Value& v) { return v.location().file.empty() ? where : v.location(); };
  for (const auto& [k, v] : cfg.map()) {
    std::string_view expect;
    switch (ExpectedConfigType(k)) {
      case ConfigType::kAny:
        break;
      case ConfigType::kBool:
        if (!v.is_bool() && !v.is_null()) expect = "a boolean";
        break;
      case ConfigType::kString:
        if (!v.is_string() && !v.is_null()) expect = "a string";
        break;
      case ConfigType::kDict:
        if (!v.is_map() && !v.is_null()) expect = "a dictionary";
        break;
      case ConfigType::kTags:
        if (!v.is_list()) {
          expect = "a string or a list of strings";
        } else {
          for (const Value& t : v.list()) {
            if (!t.is_string()) return ErrorAt(loc(t), fmt::format("every tag of {} must be a string", what));
          }
        }
        break;
      case ConfigType::kInt:
        if (!v.is_int() && !v.is_null()) expect = "an integer";
        break;
    }
    if (!expect.empty()) {
      return ErrorAt(loc(v), fmt::format("invalid config '{}' for {}: expected {}, got {} ({})", k, what,
                                         expect, v.KindName(), v.ToPythonRepr()));
    }
  }
  if (const Value* c = cfg.Find("contract"); c && c->is_map()) {
    if (const Value* e = c->Find("enforced"); e && !e->is_bool()) {
      return ErrorAt(loc(*e),
                     fmt::format("invalid config 'contract.enforced' for {}: expected a boolean", what));
    }
  }
  if (const Value* s = cfg.Find("severity"); s && s->is_string()) {
    std::string up = s->as_string();
    for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (up != "WARN" && up != "ERROR") {
      return ErrorAt(
          loc(*s), fmt::format("invalid severity '{}' for {}: expected warn or error", s->as_string(), what));
    }
  }
  return absl::OkStatus();
}

std::string QuoteIdent(const std::string& s) { return "`" + s + "`"; }

absl::StatusOr<std::string> RelationName(const Node& n) {
  for (const std::string* part : {&n.database, &n.schema, &n.alias}) {
    if (part->find('`') != std::string::npos) {
      return ErrorAt(n.location,
                     fmt::format("identifier '{}' of {} contains a backtick, which Flink SQL cannot quote",
                                 *part, n.unique_id));
    }
  }
  std::string out;
  if (!n.database.empty()) out += QuoteIdent(n.database) + ".";
  if (!n.schema.empty()) out += QuoteIdent(n.schema) + ".";
  return out + QuoteIdent(n.alias);
}

// Python-style str() of a YAML value for generic-test name synthesis.
std::string PyStr(const Value& v) { return v.ToPythonStr(); }

// dbt's get_hashable_md + repr.
Value Hashable(const Value& v) {
  if (v.is_map()) {
    std::vector<std::pair<std::string, Value>> entries;
    for (const auto& [k, x] : v.map()) entries.emplace_back(k, Hashable(x));
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return Value::MakeMap(std::move(entries));
  }
  if (v.is_list()) {
    Value out = Value::MakeList();
    for (const Value& x : v.list()) out.Push(Hashable(x));
    return out;
  }
  return Value::String(v.ToPythonStr());
}

class Builder {
 public:
  Builder(const LoadedProject& p, const ParseOptions& o) : p_(p), o_(o), m_(std::make_shared<Manifest>()) {}

  absl::StatusOr<std::shared_ptr<Manifest>> Run() {
    for (ResourceType t : {ResourceType::kModel, ResourceType::kSeed, ResourceType::kSnapshot,
                           ResourceType::kAnalysis, ResourceType::kTest, ResourceType::kUnitTest,
                           ResourceType::kSource, ResourceType::kExposure, ResourceType::kOperation}) {
      default_configs_[static_cast<int>(t)] = DefaultNodeConfig(t);
    }
    m_->metadata.invocation_id = o_.invocation_id;
    m_->metadata.generated_at = o_.started_at;
    m_->metadata.invocation_started_at = o_.started_at;
    m_->metadata.project_name = p_.root.config.name;
    m_->metadata.adapter_type = p_.target ? p_.target->type : "";
    for (const auto& [k, v] : p_.env) {
      static constexpr std::string_view kPrefix = "DBT_ENV_CUSTOM_ENV_";
      if (k.rfind(std::string(kPrefix), 0) == 0)
        m_->metadata.env.Set(k.substr(kPrefix.size()), Value::String(v));
    }
    FLINKDBT_RETURN_IF_ERROR(AddMacros());
    for (const Package* pkg : p_.AllPackages()) FLINKDBT_RETURN_IF_ERROR(AddFileNodes(*pkg));
    for (const Package* pkg : p_.AllPackages()) FLINKDBT_RETURN_IF_ERROR(ApplyPatches(*pkg));
    FLINKDBT_RETURN_IF_ERROR(ResolveFileNodeConfigs());
    for (const Package* pkg : p_.AllPackages()) FLINKDBT_RETURN_IF_ERROR(AddSources(*pkg));
    FLINKDBT_RETURN_IF_ERROR(BuildRefIndex());
    for (const Package* pkg : p_.AllPackages()) FLINKDBT_RETURN_IF_ERROR(AddGenericTests(*pkg));
    FLINKDBT_RETURN_IF_ERROR(BuildGenericTests());
    for (const Package* pkg : p_.AllPackages()) FLINKDBT_RETURN_IF_ERROR(AddUnitTests(*pkg));
    for (const Package* pkg : p_.AllPackages()) FLINKDBT_RETURN_IF_ERROR(AddExposures(*pkg));
    FLINKDBT_RETURN_IF_ERROR(RenderDescriptions());
    FLINKDBT_RETURN_IF_ERROR(ResolveDependencies());
    m_->warnings = std::move(warnings_);
    return m_;
  }

 private:
  // --- macros and docs ---------------------------------------------------------------------------
  absl::Status AddMacroFile(const std::string& pkg, const std::string& original_file_path,
                            const std::string& path, std::string_view text, bool generic) {
    FLINKDBT_ASSIGN_OR_RETURN(std::vector<MacroSource> found, ScanMacros(text, original_file_path, generic));
    for (MacroSource& ms : found) {
      auto macro = std::make_unique<Macro>();
      macro->name = ms.name;
      macro->package_name = pkg;
      macro->unique_id = fmt::format("macro.{}.{}", pkg, ms.name);
      macro->path = path;
      macro->original_file_path = original_file_path;
      macro->macro_sql = std::move(ms.sql);
      macro->location = SourceLocation{original_file_path, ms.line, ms.column};
      macro_names_[ms.name].push_back(macro->unique_id);
      mutable_macros_[macro->unique_id] = macro.get();
      FLINKDBT_RETURN_IF_ERROR(m_->AddMacro(std::move(macro)));
    }
    return absl::OkStatus();
  }

  // dbt's MacroPatchParser: a `macros:` entry describes a macro of its own package (description,
  // arguments, docs, meta; patch_path "<package>://<file>"); an unknown macro is a warning.
  absl::Status ApplyMacroPatch(const Package& pkg, const project::SchemaFile& sf,
                               const project::MacroPatch& mp) {
    auto it = mutable_macros_.find(fmt::format("macro.{}.{}", pkg.config.name, mp.name));
    if (it == mutable_macros_.end()) {
      warnings_.push_back(fmt::format("{}: Failed to find macro with name '{}' in any package",
                                      mp.location.ToString(), mp.name));
      return absl::OkStatus();
    }
    Macro& macro = *it->second;
    if (!macro.patch_path.empty()) {
      std::string existing = macro.patch_path.substr(macro.patch_path.find("://") + 3);
      return ErrorAt(
          mp.location,
          fmt::format("dbt found two schema.yml entries for the same macro in package {} named {}. "
                      "Macros may only be described a single time. To fix this, remove the macros "
                      "entry for {} in one of these files:\n - {}\n - {}",
                      pkg.config.name, mp.name, mp.name, sf.original_file_path, existing));
    }
    macro.patch_path = fmt::format("{}://{}", pkg.config.name, sf.original_file_path);
    macro.description = mp.description;
    macro.arguments = mp.arguments;
    macro.docs = mp.docs;
    macro.meta = mp.meta;
    return absl::OkStatus();
  }

  absl::Status AddMacros() {
    for (const Package* pkg : p_.AllPackages()) {
      for (const auto& f : pkg->files) {
        if (f.kind == FileKind::kMacro || f.kind == FileKind::kGenericTest) {
          FLINKDBT_RETURN_IF_ERROR(AddMacroFile(pkg->config.name, f.original_file_path, f.original_file_path,
                                                f.contents, f.kind == FileKind::kGenericTest));
        } else if (f.kind == FileKind::kDoc) {
          FLINKDBT_RETURN_IF_ERROR(AddDocs(*pkg, f));
        }
      }
      for (const auto& sf : pkg->schema_files) {
        for (const auto& mp : sf.macros) FLINKDBT_RETURN_IF_ERROR(ApplyMacroPatch(*pkg, sf, mp));
      }
    }
    FLINKDBT_RETURN_IF_ERROR(AddMacroFile("dbt", "macros/flinkdbt_internal.sql",
                                          "macros/flinkdbt_internal.sql", InternalMacrosSource(), false));
    // Macro -> macro dependencies: calls of known macro names in the body (dbt records the macros a
    // macro calls when it renders; a name followed by '(' is the same set for plain calls).
    static const RE2 kCall(R"((?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\()");
    for (const auto& macro : m_->macros()) {
      std::set<std::string> deps;
      re2::StringPiece input(macro->macro_sql);
      std::string ns, name;
      bool first = true;
      while (RE2::FindAndConsume(&input, kCall, &ns, &name)) {
        if (first && name == macro->name) {
          first = false;
          continue;
        }
        first = false;
        std::string id = ResolveMacroName(ns.empty() ? macro->package_name : ns, name, !ns.empty());
        if (!id.empty() && id != macro->unique_id) deps.insert(id);
      }
      const_cast<Macro&>(*macro).depends_on_macros.assign(deps.begin(), deps.end());
    }
    return absl::OkStatus();
  }

  // dbt's macro resolution: root first, then the caller's package, then internal.
  std::string ResolveMacroName(const std::string& package, const std::string& name, bool explicit_ns) {
    auto it = macro_names_.find(name);
    if (it == macro_names_.end()) return "";
    auto in = [&](const std::string& pkg) -> std::string {
      std::string id = fmt::format("macro.{}.{}", pkg, name);
      return std::find(it->second.begin(), it->second.end(), id) != it->second.end() ? id : "";
    };
    if (explicit_ns) return in(package);
    if (std::string id = in(p_.root.config.name); !id.empty()) return id;
    if (std::string id = in(package); !id.empty()) return id;
    if (std::string id = in("dbt"); !id.empty()) return id;
    return it->second.front();
  }

  absl::Status AddDocs(const Package& pkg, const project::ProjectFile& f) {
    static const RE2 kDocs(
        R"(\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}((?s:.*?))\{%-?\s*enddocs\s*-?%\})");
    re2::StringPiece input(f.contents);
    std::string name, body;
    while (RE2::FindAndConsume(&input, kDocs, &name, &body)) {
      auto d = std::make_unique<Doc>();
      d->name = name;
      d->package_name = pkg.config.name;
      d->unique_id = fmt::format("doc.{}.{}", pkg.config.name, name);
      d->path = f.path;
      d->original_file_path = f.original_file_path;
      size_t b = body.find_first_not_of(" \t\r\n");
      size_t e = body.find_last_not_of(" \t\r\n");
      d->block_contents = b == std::string::npos ? "" : body.substr(b, e - b + 1);
      FLINKDBT_RETURN_IF_ERROR(m_->AddDoc(std::move(d)));
    }
    return absl::OkStatus();
  }

  // --- file nodes --------------------------------------------------------------------------------
  // File nodes are made (and read by the static extractor) on several threads, added in file order
  // up to the first error, and the files the extractor cannot read are then rendered by the
  // renderer (CaptureAll, possibly on several threads): errors, log() output and the manifest are
  // those of one file after another.
  absl::Status AddFileNodes(const Package& pkg) {
    struct Made {
      absl::Status status;
      std::unique_ptr<Node> node;  // null for files that are not nodes
      bool render = false;         // needs the renderer
    };
    std::vector<Made> made(pkg.files.size());
    ParallelFor(pkg.files.size(), ThreadsFor(pkg.files.size()), [&](size_t i, int) {
      made[i].status = MakeFileNode(pkg, pkg.files[i], made[i].node, made[i].render);
      return made[i].status.ok();
    });
    absl::Status first_error;
    std::vector<Node*> to_render;
    for (Made& m : made) {
      first_error = m.status;
      if (!first_error.ok()) break;
      if (m.node == nullptr) continue;
      Node* n = m.node.get();
      first_error = m_->AddNode(std::move(m.node));
      if (!first_error.ok()) break;
      file_nodes_.push_back(n);
      if (m.render) to_render.push_back(n);
    }
    if (!to_render.empty()) {
      std::vector<const Node*> nodes(to_render.begin(), to_render.end());
      std::vector<absl::StatusOr<ParseCapture>> captures = o_.renderer->CaptureAll(nodes, o_.threads);
      for (size_t k = 0; k < to_render.size(); ++k) {
        if (k >= captures.size()) return absl::InternalError("CaptureAll returned too few captures");
        FLINKDBT_RETURN_IF_ERROR(captures[k].status());
        ApplyCapture(*to_render[k], std::move(*captures[k]));
      }
    }
    return first_error;
  }

  static void ApplyCapture(Node& n, ParseCapture cap) {
    n.refs = std::move(cap.refs);
    n.sources = std::move(cap.sources);
    n.config_call_dict = project::NormaliseConfig(std::move(cap.config_call));
    n.depends_on_macros = std::move(cap.macros_called);
  }

  // The node of file `f` (null when the file is not a node); `render` is set when the static
  // extractor cannot read it. Reads the builder's state only.
  absl::Status MakeFileNode(const Package& pkg, const project::ProjectFile& f, std::unique_ptr<Node>& out,
                            bool& render) const {
    {
      ResourceType type;
      switch (f.kind) {
        case FileKind::kModel:
          type = ResourceType::kModel;
          break;
        case FileKind::kAnalysis:
          type = ResourceType::kAnalysis;
          break;
        case FileKind::kSeed:
          type = ResourceType::kSeed;
          break;
        case FileKind::kSingularTest:
          type = ResourceType::kTest;
          break;
        case FileKind::kSnapshot:
          return ErrorAt(
              SourceLocation{f.original_file_path, 1, 1},
              "snapshots are not supported for Flink SQL (no MERGE/UPDATE); remove this file or move it "
              "out of snapshot-paths");
        default:
          return absl::OkStatus();
      }
      auto n = std::make_unique<Node>();
      n->resource_type = type;
      n->name = Stem(f.path);
      n->package_name = pkg.config.name;
      n->path = f.path;
      n->original_file_path = f.original_file_path;
      n->unique_id = fmt::format("{}.{}.{}", ResourceTypeName(type), pkg.config.name, n->name);
      n->fqn = MakeFqn(pkg.config.name, f.path, n->name);
      n->location = SourceLocation{f.original_file_path, 0, 0};
      if (type == ResourceType::kSeed) {
        if (f.contents.size() > 1024 * 1024) {
          n->checksum_name = "path";
          n->checksum = f.original_file_path;
        } else {
          n->checksum = FileChecksum(f.contents);
        }
        n->raw_code = "";
      } else {
        n->raw_code = f.contents;
        n->checksum = FileChecksum(f.contents);
        static const RE2 kName(R"([A-Za-z0-9_]+)");
        if (type == ResourceType::kModel && !RE2::FullMatch(n->name, kName)) {
          return ErrorAt(
              SourceLocation{f.original_file_path, 0, 0},
              fmt::format("invalid model name '{}': model file names may contain only letters, digits and "
                          "underscores",
                          n->name));
        }
        std::optional<ParseCapture> cap;
        if (o_.static_parser) cap = StaticExtract(n->raw_code, f.original_file_path);
        if (!cap) {
          if (o_.renderer == nullptr) {
            return ErrorAt(
                SourceLocation{f.original_file_path, 1, 1},
                "this file uses Jinja beyond ref()/source()/config() with literal arguments, which needs "
                "the template engine (not available in this build)");
          }
          render = true;
        } else {
          ApplyCapture(*n, std::move(*cap));
        }
      }
      out = std::move(n);
    }
    return absl::OkStatus();
  }

  absl::Status ApplyPatches(const Package& pkg) {
    for (const auto& sf : pkg.schema_files) {
      for (const auto& patch : sf.patches) {
        if (patch.resource == "model" && !patch.version_specs.empty()) {
          FLINKDBT_RETURN_IF_ERROR(ApplyVersionedPatch(pkg, sf, patch));
          continue;
        }
        std::string id = fmt::format("{}.{}.{}", patch.resource, pkg.config.name, patch.name);
        Node* n = m_->MutableNode(id);
        if (n == nullptr) {
          warnings_.push_back(fmt::format(
              "{}: did not find matching node for patch with name '{}' in the '{}' "
              "section of file '{}'",
              patch.location.ToString(), patch.name,
              patch.resource == "analysis" ? "analyses" : patch.resource + "s", sf.original_file_path));
          continue;
        }
        FLINKDBT_RETURN_IF_ERROR(ApplyPatchTo(*n, pkg, sf, patch));
      }
    }
    return absl::OkStatus();
  }

  // The greatest version (numbers compare as numbers, else as strings), dbt's default latest_version.
  static Value MaxVersion(const std::vector<project::VersionSpec>& specs) {
    const Value* best = nullptr;
    for (const auto& s : specs) {
      if (best == nullptr) {
        best = &s.v;
      } else if (best->is_number() && s.v.is_number()) {
        if (s.v.as_double() > best->as_double()) best = &s.v;
      } else if (s.v.ToPythonStr() > best->ToPythonStr()) {
        best = &s.v;
      }
    }
    return best ? *best : Value();
  }

  // A versioned model (`versions:`): each version's file (`defined_in`, else <name>_v<v>) becomes
  // model.<pkg>.<name>.v<v> with fqn [..., name, v<v>], and is patched with the model's
  // properties overridden by the version's (dbt's ModelPatchParser).
  absl::Status ApplyVersionedPatch(const Package& pkg, const project::SchemaFile& sf,
                                   const project::NodePatch& patch) {
    Value latest = patch.latest_version.is_null() ? MaxVersion(patch.version_specs) : patch.latest_version;
    for (const project::VersionSpec& ver : patch.version_specs) {
      std::string v = ver.formatted();
      std::string file_name = ver.defined_in.empty() ? patch.name + "_v" + v : ver.defined_in;
      std::string old_id = fmt::format("model.{}.{}", pkg.config.name, file_name);
      Node* n = m_->MutableNode(old_id);
      if (n == nullptr) {
        return ErrorAt(ver.location,
                       fmt::format("version {} of model '{}' has no model file: expected a model named '{}' "
                                   "(a file {}.sql{})",
                                   v, patch.name, file_name, file_name,
                                   ver.defined_in.empty() ? ", or set 'defined_in'" : ""));
      }
      FLINKDBT_RETURN_IF_ERROR(
          m_->RenameNode(old_id, fmt::format("model.{}.{}.v{}", pkg.config.name, patch.name, v)));
      n->name = patch.name;
      if (!n->fqn.empty()) n->fqn.back() = patch.name;
      n->fqn.push_back("v" + v);
      // The version's effective properties.
      project::NodePatch& eff = version_patches_.emplace_back();
      eff.resource = patch.resource;
      eff.name = patch.name;
      eff.description = ver.description ? *ver.description : patch.description;
      eff.config = patch.config;
      project::MergeConfig(eff.config, ver.config);
      eff.docs = ver.docs.is_null() ? patch.docs : ver.docs;
      eff.access = ver.access.is_null() ? patch.access : ver.access;
      eff.constraints = ver.constraints.is_null() ? patch.constraints : ver.constraints;
      eff.deprecation_date = ver.deprecation_date.is_null() ? patch.deprecation_date : ver.deprecation_date;
      eff.meta = patch.meta;
      eff.tags = patch.tags;
      eff.location = ver.location;
      for (const auto& c : patch.columns) {
        if (!ver.Includes(c.name)) continue;
        bool overridden = false;
        for (const auto& vc : ver.columns) overridden |= vc.name == c.name;
        if (!overridden) eff.columns.push_back(c);
      }
      for (const auto& vc : ver.columns) eff.columns.push_back(vc);
      eff.data_tests = ver.data_tests ? *ver.data_tests : patch.data_tests;
      FLINKDBT_RETURN_IF_ERROR(ApplyPatchTo(*n, pkg, sf, eff));
      n->version = ver.v;
      n->latest_version = latest;
      versioned_[&patch].emplace_back(n->unique_id, &eff, ver.v);
    }
    return absl::OkStatus();
  }

  absl::Status ApplyPatchTo(Node& node, const Package& pkg, const project::SchemaFile& sf,
                            const project::NodePatch& patch) {
    Node* n = &node;
    {
      {
        if (!n->patch_path.empty()) {
          return ErrorAt(
              patch.location,
              fmt::format("{} '{}' is described in two properties files: {} and {}", patch.resource,
                          patch.name, n->patch_path.substr(n->patch_path.find("://") + 3),
                          sf.original_file_path));
        }
        n->patch_path = fmt::format("{}://{}", pkg.config.name, sf.original_file_path);
        n->description = patch.description;
        patch_config_[n->unique_id] = &patch;
        Value cols = Value::MakeMap();
        for (const auto& c : patch.columns) {
          Value col = Value::MakeMap();
          col.map().reserve(9);
          col.Set("name", Value::String(c.name));
          col.Set("description", Value::String(c.description));
          col.Set("meta", c.meta);
          col.Set("data_type", c.data_type);
          col.Set("constraints", c.constraints);
          col.Set("quote", c.quote);
          col.Set("tags", c.tags);
          col.Set("granularity", Value::Null());
          col.Set("doc_blocks", Value::MakeList());
          cols.Set(c.name, std::move(col));
        }
        n->columns = std::move(cols);
        n->meta = patch.meta;
        if (!patch.access.is_null()) n->access = patch.access.as_string();
        n->constraints = patch.constraints;
        n->latest_version = patch.latest_version;
        n->deprecation_date = patch.deprecation_date;
      }
    }
    return absl::OkStatus();
  }

  const Value& ProjectTree(const Package& pkg, ResourceType t) {
    static const Value kEmpty = Value::MakeMap();
    const project::ProjectConfig& c = pkg.config;
    switch (t) {
      case ResourceType::kModel:
        return c.models;
      case ResourceType::kSeed:
        return c.seeds;
      case ResourceType::kSnapshot:
        return c.snapshots;
      case ResourceType::kTest:
        return c.data_tests;
      case ResourceType::kUnitTest:
        return c.unit_tests;
      case ResourceType::kSource:
        return c.sources;
      case ResourceType::kExposure:
        return c.exposures;
      case ResourceType::kAnalysis:
        return c.models;
      default:
        return kEmpty;
    }
  }

  // DefaultNodeConfig(t), built once per resource type (copying it is one allocation per level
  // instead of one per key).
  // Threads for a pass over `items` nodes or files: one for small projects, where starting threads
  // costs more than it saves.
  int ThreadsFor(size_t items) const { return items >= 128 ? o_.threads : 1; }

  // Read-only once Run() has started (nodes are configured on several threads).
  const Value& DefaultConfig(ResourceType t) const { return default_configs_.at(static_cast<int>(t)); }

  // dbt's precedence: defaults < own project < schema.yml config < config() < root project (deps only).
  void ResolveConfig(Node& n, const Value& yaml_config) {
    const Package* pkg = p_.FindPackage(n.package_name);
    Value cfg = DefaultConfig(n.resource_type);
    Value unrendered = Value::MakeMap();
    Value tree = project::NormaliseConfig(ConfigFromTree(ProjectTree(*pkg, n.resource_type), n.fqn));
    project::MergeConfig(cfg, tree);
    project::MergeConfig(unrendered, tree);
    Value yc = project::NormaliseConfig(yaml_config);
    project::MergeConfig(cfg, yc);
    project::MergeConfig(unrendered, yc);
    project::MergeConfig(cfg, n.config_call_dict);
    project::MergeConfig(unrendered, n.config_call_dict);
    if (!pkg->is_root) {
      Value root_tree =
          project::NormaliseConfig(ConfigFromTree(ProjectTree(p_.root, n.resource_type), n.fqn));
      project::MergeConfig(cfg, root_tree);
      project::MergeConfig(unrendered, root_tree);
    }
    n.config = std::move(cfg);
    n.unrendered_config = std::move(unrendered);
    n.tags.clear();
    if (const Value* tags = n.config.Find("tags"); tags && tags->is_list()) {
      for (const Value& t : tags->list()) {
        if (t.is_string() && std::find(n.tags.begin(), n.tags.end(), t.as_string()) == n.tags.end()) {
          n.tags.push_back(t.as_string());
        }
      }
    }
    if (const Value* meta = n.config.Find("meta"); meta && meta->is_map()) {
      Value merged = n.meta.is_map() ? n.meta : Value::MakeMap();
      for (const auto& [k, v] : meta->map()) merged.Set(k, v);
      n.meta = merged;
      n.config.Set("meta", merged);
    }
    if (const Value* docs = n.config.Find("docs"); docs && docs->is_map()) n.docs = *docs;
    if (const Value* contract = n.config.Find("contract"); contract && contract->is_map()) {
      Value c = Value::MakeMap();
      c.Set("enforced", contract->Find("enforced") ? *contract->Find("enforced") : Value::Bool(false));
      c.Set("alias_types",
            contract->Find("alias_types") ? *contract->Find("alias_types") : Value::Bool(true));
      c.Set("checksum", Value::Null());
      n.contract = std::move(c);
    }
    if (const Value* access = n.config.Find("access"); access && access->is_string())
      n.access = access->as_string();
  }

  absl::Status AssignRelation(Node& n) {
    const Value* db = n.config.Find("database");
    const Value* schema = n.config.Find("schema");
    const Value* alias = n.config.Find("alias");
    std::string target_db = p_.target ? p_.target->database : "default_catalog";
    std::string target_schema = p_.target ? p_.target->schema : "default_database";
    auto generated = [&](std::string_view kind,
                         const Value* custom) -> absl::StatusOr<std::optional<std::string>> {
      if (o_.renderer == nullptr || !HasNameOverride(kind)) return std::optional<std::string>();
      return o_.renderer->GenerateName(kind, custom ? *custom : Value::Null(), n);
    };
    FLINKDBT_ASSIGN_OR_RETURN(auto gdb, generated("database", db));
    FLINKDBT_ASSIGN_OR_RETURN(auto gschema, generated("schema", schema));
    FLINKDBT_ASSIGN_OR_RETURN(auto galias, generated("alias", alias));
    n.database = gdb ? *gdb : (db && db->is_string() ? db->as_string() : target_db);
    n.schema = gschema ? *gschema : (schema && schema->is_string() ? schema->as_string() : target_schema);
    if (galias) {
      n.alias = *galias;
    } else if (alias && alias->is_string() && !alias->as_string().empty()) {
      n.alias = alias->as_string();
    } else {
      // dbt's default__generate_alias_name: a versioned model's relation is <name>_v<version>.
      n.alias = n.version.is_null()
                    ? n.name
                    : n.name + "_v" + absl::StrReplaceAll(n.version.ToPythonStr(), {{".", "_"}});
    }
    bool has_relation = n.resource_type == ResourceType::kModel || n.resource_type == ResourceType::kSeed ||
                        n.resource_type == ResourceType::kSnapshot;
    if (has_relation && !n.is_ephemeral()) {
      FLINKDBT_ASSIGN_OR_RETURN(n.relation_name, RelationName(n));
    } else {
      n.relation_name.clear();
    }
    return absl::OkStatus();
  }

  // True when a package (other than the internal one) defines generate_<kind>_name.
  bool HasNameOverride(std::string_view kind) {
    auto it = macro_names_.find(fmt::format("generate_{}_name", kind));
    if (it == macro_names_.end()) return false;
    for (const auto& id : it->second) {
      if (id.rfind("macro.dbt.", 0) != 0) return true;
    }
    return false;
  }

  absl::Status ResolveFileNodeConfigs() {
    // Each node is configured on its own (generate_*_name overrides render through the one
    // renderer: then one thread); the first error in file order wins.
    const bool overrides =
        HasNameOverride("database") || HasNameOverride("schema") || HasNameOverride("alias");
    std::vector<absl::Status> status(file_nodes_.size());
    ParallelFor(file_nodes_.size(), overrides ? 1 : ThreadsFor(file_nodes_.size()), [&](size_t i, int) {
      status[i] = ResolveFileNodeConfig(file_nodes_[i]);
      return status[i].ok();
    });
    for (absl::Status& st : status) FLINKDBT_RETURN_IF_ERROR(st);
    return absl::OkStatus();
  }

  absl::Status ResolveFileNodeConfig(Node* n) {
    {
      auto it = patch_config_.find(n->unique_id);
      static const Value kNoConfig = Value::MakeMap();
      const Value& yaml_config = it == patch_config_.end() ? kNoConfig : it->second->config;
      ResolveConfig(*n, yaml_config);
      if (it != patch_config_.end()) {
        // Patch-level docs/tags outside config (legacy) also apply.
        const project::NodePatch& patch = *it->second;
        for (const Value& t : patch.tags.list()) {
          if (t.is_string() && std::find(n->tags.begin(), n->tags.end(), t.as_string()) == n->tags.end()) {
            n->tags.push_back(t.as_string());
          }
        }
        if (patch.docs.is_map() && !patch.docs.map().empty()) {
          for (const auto& [k, v] : patch.docs.map()) n->docs.Set(k, v);
        }
      }
      std::string what = fmt::format("{} '{}'", ResourceTypeName(n->resource_type), n->name);
      FLINKDBT_RETURN_IF_ERROR(CheckConfigTypes(n->config, what, n->location));
      if (n->resource_type == ResourceType::kModel) {
        FLINKDBT_RETURN_IF_ERROR(project::ValidateMaterializationConfig(n->config, n->name, n->location));
      }
      FLINKDBT_RETURN_IF_ERROR(AssignRelation(*n));
    }
    return absl::OkStatus();
  }

  // --- sources -----------------------------------------------------------------------------------
  absl::Status AddSources(const Package& pkg) {
    for (const auto& sf : pkg.schema_files) {
      for (const auto& src : sf.sources) {
        for (const auto& tbl : src.tables) {
          auto n = std::make_unique<Node>();
          n->resource_type = ResourceType::kSource;
          n->name = tbl.name;
          n->source_name = src.name;
          n->package_name = pkg.config.name;
          n->path = sf.original_file_path;
          n->original_file_path = sf.original_file_path;
          n->patch_path.clear();
          n->unique_id = fmt::format("source.{}.{}.{}", pkg.config.name, src.name, tbl.name);
          n->fqn = {pkg.config.name};
          for (const auto& d : YamlDirs(sf.original_file_path)) n->fqn.push_back(d);
          n->fqn.push_back(src.name);
          n->fqn.push_back(tbl.name);
          n->location = tbl.location;
          n->description = tbl.description;
          n->source_description = src.description;
          n->loader = src.loader;
          n->identifier = tbl.identifier;
          n->database = src.database.is_string() ? src.database.as_string()
                                                 : (p_.target ? p_.target->database : "default_catalog");
          n->schema = src.schema;
          n->alias = tbl.identifier;
          n->checksum_name = "";
          Value quoting = src.quoting;
          for (const auto& [k, v] : tbl.quoting.map()) quoting.Set(k, v);
          n->quoting = quoting;
          n->loaded_at_field = tbl.loaded_at_field.is_null() ? src.loaded_at_field : tbl.loaded_at_field;
          Value yaml_config = src.config;
          project::MergeConfig(yaml_config, tbl.config);
          ResolveConfig(*n, yaml_config);
          n->freshness = tbl.has_freshness   ? tbl.freshness
                         : src.has_freshness ? src.freshness
                                             : Value::Null();
          Value meta = src.meta;
          for (const auto& [k, v] : tbl.meta.map()) meta.Set(k, v);
          for (const auto& [k, v] : n->meta.map()) meta.Set(k, v);
          n->meta = meta;
          for (const Value* tags : {&src.tags, &tbl.tags}) {
            for (const Value& t : tags->list()) {
              if (std::find(n->tags.begin(), n->tags.end(), t.as_string()) == n->tags.end())
                n->tags.push_back(t.as_string());
            }
          }
          Value cols = Value::MakeMap();
          for (const auto& c : tbl.columns) {
            Value col = Value::MakeMap();
            col.Set("name", Value::String(c.name));
            col.Set("description", Value::String(c.description));
            col.Set("meta", c.meta);
            col.Set("data_type", c.data_type);
            col.Set("constraints", c.constraints);
            col.Set("quote", c.quote);
            col.Set("tags", c.tags);
            col.Set("granularity", Value::Null());
            col.Set("doc_blocks", Value::MakeList());
            cols.Set(c.name, std::move(col));
          }
          n->columns = std::move(cols);
          FLINKDBT_RETURN_IF_ERROR(
              CheckConfigTypes(n->config, "source '" + src.name + "." + tbl.name + "'", n->location));
          FLINKDBT_ASSIGN_OR_RETURN(n->relation_name, RelationName(*n));
          const Value* enabled = n->config.Find("enabled");
          if (enabled && enabled->is_bool() && !enabled->as_bool()) {
            disabled_.insert(n->unique_id);
            continue;
          }
          FLINKDBT_RETURN_IF_ERROR(m_->AddNode(std::move(n)));
        }
      }
    }
    return absl::OkStatus();
  }

  // --- ref index -------------------------------------------------------------------------------
  absl::Status BuildRefIndex() {
    std::vector<std::string> to_remove;
    for (Node* n : file_nodes_) {
      const Value* enabled = n->config.Find("enabled");
      bool is_enabled = !(enabled && enabled->is_bool() && !enabled->as_bool());
      bool refable = n->resource_type == ResourceType::kModel || n->resource_type == ResourceType::kSeed ||
                     n->resource_type == ResourceType::kSnapshot;
      if (!is_enabled) {
        disabled_.insert(n->unique_id);
        disabled_names_.insert(n->name);
        continue;
      }
      if (refable) ref_index_[n->name].push_back(n);
    }
    return absl::OkStatus();
  }

  // dbt's _packages_to_search: explicit package alone; else root, then the node's own package, then any.
  const Node* LookupRef(const RefCall& r, const std::string& node_package) const {
    auto it = ref_index_.find(r.name);
    if (it == ref_index_.end()) return nullptr;
    auto matches = [&](const Node* n) {
      if (r.version.is_null()) {
        // An unpinned ref to a versioned model is its latest version.
        return n->version.is_null() || n->latest_version.is_null() ||
               n->version.ToPythonStr() == n->latest_version.ToPythonStr();
      }
      return n->version == r.version || n->version.ToPythonStr() == r.version.ToPythonStr();
    };
    if (!r.package.empty()) {
      for (const Node* n : it->second) {
        if (n->package_name == r.package && matches(n)) return n;
      }
      return nullptr;
    }
    for (const std::string* pkg : {&p_.root.config.name, &node_package}) {
      for (const Node* n : it->second) {
        if (n->package_name == *pkg && matches(n)) return n;
      }
    }
    for (const Node* n : it->second) {
      if (matches(n)) return n;
    }
    return nullptr;
  }

  // --- generic tests ---------------------------------------------------------------------------
  struct TestTarget {
    std::string target_name;    // model name or "<src>_<tbl>"
    std::string model_kwarg;    // "{{ get_where_subquery(ref('x')) }}"
    std::string attached_node;  // unique_id (models only)
    std::string file_key_name;  // "models.x" / "sources.src"
    bool is_source = false;
    RefCall ref;
    SourceCall source;
    std::vector<std::string> column_tags;
  };

  // A generic test to build: AddGenericTests lists them, BuildGenericTests makes their nodes (on
  // several threads) and adds them in list order.
  struct GenericTestJob {
    const Package* pkg;
    const project::SchemaFile* sf;
    const project::TestSpec* spec;
    const TestTarget* target;
    const std::vector<std::string>* extra_tags;
  };

  void AddGenericTest(const Package& pkg, const project::SchemaFile& sf, const project::TestSpec& spec,
                      const TestTarget& target, const std::vector<std::string>& extra_tags) {
    test_jobs_.push_back(GenericTestJob{&pkg, &sf, &spec, &target, &extra_tags});
  }

  absl::Status BuildGenericTests() {
    // generate_*_name overrides render through the one renderer: then one thread.
    const bool overrides =
        HasNameOverride("database") || HasNameOverride("schema") || HasNameOverride("alias");
    std::vector<absl::StatusOr<std::unique_ptr<Node>>> built(test_jobs_.size());
    ParallelFor(test_jobs_.size(), overrides ? 1 : ThreadsFor(test_jobs_.size()), [&](size_t i, int) {
      const GenericTestJob& j = test_jobs_[i];
      built[i] = BuildGenericTest(*j.pkg, *j.sf, *j.spec, *j.target, *j.extra_tags);
      return built[i].ok();
    });
    for (auto& node : built) {
      FLINKDBT_RETURN_IF_ERROR(node.status());
      if (*node == nullptr) continue;  // disabled
      test_nodes_.push_back(node->get());
      FLINKDBT_RETURN_IF_ERROR(m_->AddNode(std::move(*node)));
    }
    test_jobs_.clear();
    return absl::OkStatus();
  }

  // The node of one generic test, or null when it is disabled. Reads the builder's state only.
  absl::StatusOr<std::unique_ptr<Node>> BuildGenericTest(const Package& pkg, const project::SchemaFile& sf,
                                                         const project::TestSpec& spec,
                                                         const TestTarget& target,
                                                         const std::vector<std::string>& extra_tags) {
    Value args = Value::MakeMap();
    for (const auto& [k, v] : spec.kwargs.map()) args.Set(k, v);
    if (!spec.column_name.empty()) args.Set("column_name", Value::String(spec.column_name));
    args.Set("model", Value::String(target.model_kwarg));
    std::string test_type = (target.is_source ? "source_" : "") + spec.test_name;
    if (!spec.namespace_.empty()) test_type = spec.namespace_ + "_" + test_type;
    // synthesize_generic_test_names
    std::vector<std::pair<std::string, Value>> sorted(args.map().begin(), args.map().end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> flat;
    for (const auto& [k, v] : sorted) {
      if (k == "model") continue;
      if (v.is_map()) {
        for (const auto& [_, x] : v.map()) flat.push_back(PyStr(x));
      } else if (v.is_list()) {
        for (const Value& x : v.list()) flat.push_back(PyStr(x));
      } else {
        flat.push_back(PyStr(v));
      }
    }
    static const RE2 kUnsafe("[^0-9a-zA-Z_]+");
    std::string unique;
    for (size_t i = 0; i < flat.size(); ++i) {
      std::string clean = flat[i];
      RE2::GlobalReplace(&clean, kUnsafe, "_");
      if (i) unique += "__";
      unique += clean;
    }
    std::string test_identifier = test_type + "_" + target.target_name;
    std::string full_name = test_identifier + "_" + unique;
    std::string short_name = full_name;
    if (full_name.size() >= 64) short_name = test_identifier.substr(0, 30) + "_" + Md5Hex(full_name);
    std::string compiled_name = short_name, fqn_name = full_name;
    if (!spec.custom_name.empty()) compiled_name = fqn_name = spec.custom_name;

    Value metadata = Value::MakeMap();
    metadata.Set("name", Value::String(spec.test_name));
    metadata.Set("kwargs", args);
    metadata.Set("namespace", spec.namespace_.empty() ? Value::Null() : Value::String(spec.namespace_));
    std::string hash = Md5Hex(fqn_name + Hashable(metadata).ToPythonRepr()).substr(22);

    auto n = std::make_unique<Node>();
    n->resource_type = ResourceType::kTest;
    n->name = fqn_name;
    n->package_name = pkg.config.name;
    n->unique_id = fmt::format("test.{}.{}.{}", pkg.config.name, fqn_name, hash);
    n->path = compiled_name + ".sql";
    n->original_file_path = sf.original_file_path;
    n->fqn = {pkg.config.name};
    for (const auto& d : YamlDirs(sf.original_file_path)) n->fqn.push_back(d);
    n->fqn.push_back(fqn_name);
    n->location = spec.location;
    n->checksum_name = "none";
    n->checksum = "";
    n->column_name = spec.column_name;
    n->file_key_name = target.file_key_name;
    n->attached_node = target.attached_node;
    n->test_metadata = metadata;
    n->description = spec.description;
    std::string macro =
        spec.namespace_.empty() ? "test_" + spec.test_name : spec.namespace_ + ".test_" + spec.test_name;
    n->raw_code = "{{ " + macro + "(**_dbt_generic_test_kwargs) }}";
    Value call = project::NormaliseConfig(spec.config);
    if (short_name != full_name && spec.custom_name.empty() && !call.Has("alias")) {
      call.Set("alias", Value::String(short_name));
    }
    n->config_call_dict = call;
    if (target.is_source) {
      n->sources.push_back(target.source);
    } else {
      n->refs.push_back(target.ref);
    }
    // Refs and sources inside kwargs (relationships' `to: ref('x')`).
    for (const auto& [k, v] : spec.kwargs.map()) {
      if (!v.is_string()) continue;
      if (auto cap = StaticExtract("{{ " + v.as_string() + " }}", sf.original_file_path)) {
        for (auto& r : cap->refs) {
          r.location = v.location();
          n->refs.push_back(r);
        }
        for (auto& s : cap->sources) {
          s.location = v.location();
          n->sources.push_back(s);
        }
      }
    }
    std::string macro_id = ResolveMacroName(spec.namespace_.empty() ? pkg.config.name : spec.namespace_,
                                            "test_" + spec.test_name, !spec.namespace_.empty());
    if (macro_id.empty()) {
      return ErrorAt(
          spec.location,
          fmt::format("test '{}' is not defined: no macro test_{} (define it with {{% test "
                      "{}(model, ...) %}} in tests/generic/ or macros/)",
                      spec.namespace_.empty() ? spec.test_name : spec.namespace_ + "." + spec.test_name,
                      spec.test_name, spec.test_name));
    }
    n->depends_on_macros.push_back(macro_id);
    n->depends_on_macros.push_back("macro.dbt.get_where_subquery");
    ResolveConfig(*n, Value::MakeMap());
    std::set<std::string> tags(n->tags.begin(), n->tags.end());
    tags.insert(extra_tags.begin(), extra_tags.end());
    n->tags.assign(tags.begin(), tags.end());
    n->config.Set("tags", StrList(n->tags));
    FLINKDBT_RETURN_IF_ERROR(CheckConfigTypes(n->config, fmt::format("test '{}'", n->name), n->location));
    FLINKDBT_RETURN_IF_ERROR(AssignRelation(*n));
    const Value* enabled = n->config.Find("enabled");
    if (enabled && enabled->is_bool() && !enabled->as_bool()) return nullptr;
    if (!target.attached_node.empty() && disabled_.count(target.attached_node)) return nullptr;
    return n;
  }

  absl::Status AddGenericTests(const Package& pkg) {
    for (const auto& sf : pkg.schema_files) {
      for (const auto& patch : sf.patches) {
        if (patch.resource == "analysis") continue;
        if (auto vit = versioned_.find(&patch); vit != versioned_.end()) {
          // One set of tests per version: the version's columns and data tests (dbt's
          // get_columns_for_version / get_tests_for_version), named after <model>_v<v>.
          for (const auto& [vid, eff, v] : vit->second) {
            if (disabled_.count(vid) || m_->FindNode(vid) == nullptr) continue;
            std::string formatted = v.ToPythonStr();
            TestTarget& t = test_targets_.emplace_back();
            t.target_name = patch.name + "_v" + formatted;
            t.model_kwarg =
                fmt::format("{{{{ get_where_subquery(ref('{}', version='{}')) }}}}", patch.name, formatted);
            t.attached_node = vid;
            t.file_key_name = fmt::format("models.{}", patch.name);
            t.ref.name = patch.name;
            t.ref.version = v;
            t.ref.location = eff->location;
            for (const auto& c : eff->columns) {
              std::vector<std::string>& ctags = test_tags_.emplace_back();
              for (const Value& tg : c.tags.list()) ctags.push_back(tg.as_string());
              for (const auto& spec : c.data_tests) AddGenericTest(pkg, sf, spec, t, ctags);
            }
            for (const auto& spec : eff->data_tests) AddGenericTest(pkg, sf, spec, t, kNoTags);
          }
          continue;
        }
        std::string id = fmt::format("{}.{}.{}", patch.resource, pkg.config.name, patch.name);
        if (disabled_.count(id)) continue;
        TestTarget& t = test_targets_.emplace_back();
        t.target_name = patch.name;
        t.model_kwarg = fmt::format("{{{{ get_where_subquery(ref('{}')) }}}}", patch.name);
        t.attached_node = m_->FindNode(id) ? id : "";
        t.file_key_name = fmt::format("{}s.{}", patch.resource, patch.name);
        t.ref.name = patch.name;
        t.ref.location = patch.location;
        for (const auto& c : patch.columns) {
          std::vector<std::string>& ctags = test_tags_.emplace_back();
          for (const Value& tg : c.tags.list()) ctags.push_back(tg.as_string());
          for (const auto& spec : c.data_tests) AddGenericTest(pkg, sf, spec, t, ctags);
        }
        for (const auto& spec : patch.data_tests) AddGenericTest(pkg, sf, spec, t, kNoTags);
      }
      for (const auto& src : sf.sources) {
        for (const auto& tbl : src.tables) {
          std::string id = fmt::format("source.{}.{}.{}", pkg.config.name, src.name, tbl.name);
          if (disabled_.count(id)) continue;
          TestTarget& t = test_targets_.emplace_back();
          t.is_source = true;
          t.target_name = src.name + "_" + tbl.name;
          t.model_kwarg = fmt::format("{{{{ get_where_subquery(source('{}', '{}')) }}}}", src.name, tbl.name);
          t.file_key_name = "sources." + src.name;
          t.source = SourceCall{src.name, tbl.name, tbl.location};
          for (const auto& c : tbl.columns) {
            std::vector<std::string>& ctags = test_tags_.emplace_back();
            for (const Value& tg : c.tags.list()) ctags.push_back(tg.as_string());
            for (const auto& spec : c.data_tests) AddGenericTest(pkg, sf, spec, t, ctags);
          }
          for (const auto& spec : tbl.data_tests) AddGenericTest(pkg, sf, spec, t, kNoTags);
        }
      }
    }
    return absl::OkStatus();
  }

  // --- unit tests --------------------------------------------------------------------------------
  absl::Status AddUnitTests(const Package& pkg) {
    for (const auto& sf : pkg.schema_files) {
      for (const auto& u : sf.unit_tests) {
        auto n = std::make_unique<Node>();
        n->resource_type = ResourceType::kUnitTest;
        n->name = u.name;
        n->package_name = pkg.config.name;
        n->unique_id = fmt::format("unit_test.{}.{}.{}", pkg.config.name, u.model, u.name);
        n->original_file_path = sf.original_file_path;
        std::vector<std::string> parts = SplitPath(sf.original_file_path);
        if (!parts.empty()) parts.erase(parts.begin());
        std::string rel;
        for (size_t i = 0; i < parts.size(); ++i) rel += (i ? "/" : "") + parts[i];
        n->path = rel;
        n->fqn = {pkg.config.name};
        for (const auto& d : YamlDirs(sf.original_file_path)) n->fqn.push_back(d);
        n->fqn.push_back(u.model);
        n->fqn.push_back(u.name);
        n->location = u.location;
        n->description = u.description;
        RefCall model_ref;
        model_ref.name = u.model;
        model_ref.location = u.location;
        const Node* model = LookupRef(model_ref, pkg.config.name);
        if (model == nullptr || model->resource_type != ResourceType::kModel) {
          return ErrorAt(u.location, fmt::format("unit test '{}' tests model '{}', which was not found",
                                                 u.name, u.model));
        }
        n->tested_model = model->unique_id;
        n->depends_on_nodes.push_back(model->unique_id);
        n->database = model->database;
        n->schema = model->schema;
        Value given = Value::MakeList();
        for (const auto& g : u.given) {
          // Each input must name a ref/source that exists (or `this`).
          if (g.input != "this") {
            auto cap = StaticExtract("{{ " + g.input + " }}", sf.original_file_path);
            if (!cap || cap->refs.size() + cap->sources.size() != 1) {
              return ErrorAt(g.location,
                             fmt::format("unit test '{}': 'input' must be ref(...), source(...) or this; "
                                         "got '{}'",
                                         u.name, g.input));
            }
            for (const auto& r : cap->refs) {
              if (LookupRef(r, pkg.config.name) == nullptr) {
                return ErrorAt(g.location,
                               fmt::format("unit test '{}': input {} was not found", u.name, g.input));
              }
            }
            unit_sources_[n->unique_id].insert(unit_sources_[n->unique_id].end(), cap->sources.begin(),
                                               cap->sources.end());
          }
          Value gi = Value::MakeMap();
          gi.Set("input", Value::String(g.input));
          gi.Set("rows", g.rows);
          gi.Set("format", Value::String(g.format));
          gi.Set("fixture", g.fixture.empty() ? Value::Null() : Value::String(g.fixture));
          given.Push(std::move(gi));
          if (!g.fixture.empty()) FLINKDBT_RETURN_IF_ERROR(CheckFixture(pkg, g, u.name));
        }
        if (!u.expect.fixture.empty()) FLINKDBT_RETURN_IF_ERROR(CheckFixture(pkg, u.expect, u.name));
        n->given = given;
        Value expect = Value::MakeMap();
        expect.Set("rows", u.expect.rows);
        expect.Set("format", Value::String(u.expect.format));
        expect.Set("fixture", u.expect.fixture.empty() ? Value::Null() : Value::String(u.expect.fixture));
        n->expect = expect;
        n->overrides = u.overrides.map().empty() ? Value::Null() : u.overrides;
        n->versions = u.versions;
        ResolveConfig(*n, u.config);
        Value hashed = Value::MakeMap();
        hashed.Set("model", Value::String(u.model));
        hashed.Set("versions", u.versions);
        hashed.Set("given", given);
        hashed.Set("expect", expect);
        hashed.Set("overrides", n->overrides);
        n->checksum = Sha256Hex(project::ToJson(hashed));
        const Value* enabled = n->config.Find("enabled");
        if (enabled && enabled->is_bool() && !enabled->as_bool()) continue;
        FLINKDBT_ASSIGN_OR_RETURN(std::vector<const Node*> versions, VersionsToTest(u, *model));
        if (versions.empty()) {
          FLINKDBT_RETURN_IF_ERROR(m_->AddNode(std::move(n)));
          continue;
        }
        // dbt-core (process_models_for_unit_test): one unit test per tested version, with the
        // version's suffix on the unique_id only; name, fqn and checksum are the definition's.
        for (const Node* v : versions) {
          auto copy = std::make_unique<Node>(*n);
          copy->unique_id = fmt::format("{}_v{}", n->unique_id, v->version.ToPythonStr());
          copy->tested_model = v->unique_id;
          copy->depends_on_nodes = {v->unique_id};
          copy->version = v->version;
          copy->database = v->database;
          copy->schema = v->schema;
          FLINKDBT_RETURN_IF_ERROR(m_->AddNode(std::move(copy)));
        }
      }
    }
    return absl::OkStatus();
  }

  // The versions of a versioned model a unit test runs against: every version without `versions:`,
  // else those `include:` lists or all but those `exclude:` lists (exclude wins, as in dbt-core).
  // Empty for an unversioned model.
  absl::StatusOr<std::vector<const Node*>> VersionsToTest(const project::UnitTestSpec& u, const Node& model) {
    const Value* include = u.versions.is_map() ? u.versions.Find("include") : nullptr;
    const Value* exclude = u.versions.is_map() ? u.versions.Find("exclude") : nullptr;
    auto listed = [](const Value* list, const Node& v) {
      if (list == nullptr || !list->is_list()) return false;
      for (const Value& x : list->list()) {
        if (x.ToPythonStr() == v.version.ToPythonStr()) return true;
      }
      return false;
    };
    auto non_empty = [](const Value* list) { return list && list->is_list() && !list->list().empty(); };
    if (model.version.is_null()) {
      if (non_empty(include) || non_empty(exclude)) {
        return ErrorAt(u.location, fmt::format("Unit test '{}' should not have a versions include or exclude "
                                               "when referencing non-versioned model '{}'",
                                               u.name, model.name));
      }
      return std::vector<const Node*>{};
    }
    if (!u.versions.is_null() && !u.versions.is_map()) {
      return ErrorAt(u.location, fmt::format("'versions' of unit test '{}' must be a mapping with "
                                             "'include' or 'exclude'",
                                             u.name));
    }
    std::vector<const Node*> out;
    auto it = ref_index_.find(model.name);
    for (const Node* v : it == ref_index_.end() ? std::vector<const Node*>{} : it->second) {
      if (v->resource_type != ResourceType::kModel || v->package_name != model.package_name ||
          v->version.is_null()) {
        continue;
      }
      bool keep = u.versions.is_null() || (non_empty(exclude) ? !listed(exclude, *v) : listed(include, *v));
      if (keep) out.push_back(v);
    }
    if (out.empty()) {
      return ErrorAt(u.location,
                     fmt::format("Unit test '{}' referenced a version of '{}' which was not found.", u.name,
                                 model.name));
    }
    return out;
  }

  absl::Status CheckFixture(const Package& pkg, const project::UnitTestInput& in, const std::string& test) {
    for (const auto& f : pkg.files) {
      if (f.kind != FileKind::kFixture) continue;
      if (Stem(f.path) == in.fixture) return absl::OkStatus();
    }
    return ErrorAt(in.location, fmt::format("unit test '{}': fixture '{}' not found in tests/fixtures/", test,
                                            in.fixture));
  }

  // --- exposures ---------------------------------------------------------------------------------
  absl::Status AddExposures(const Package& pkg) {
    for (const auto& sf : pkg.schema_files) {
      for (const auto& e : sf.exposures) {
        auto n = std::make_unique<Node>();
        n->resource_type = ResourceType::kExposure;
        n->name = e.name;
        n->package_name = pkg.config.name;
        n->unique_id = fmt::format("exposure.{}.{}", pkg.config.name, e.name);
        n->original_file_path = sf.original_file_path;
        n->path = sf.original_file_path;
        n->fqn = {pkg.config.name};
        for (const auto& d : YamlDirs(sf.original_file_path)) n->fqn.push_back(d);
        n->fqn.push_back(e.name);
        n->location = e.location;
        n->description = e.description;
        n->exposure_type = e.type;
        n->label = e.label;
        n->maturity = e.maturity;
        n->url = e.url;
        n->owner = e.owner;
        n->meta = e.meta;
        for (const std::string& dep : e.depends_on) {
          auto cap = StaticExtract("{{ " + dep + " }}", sf.original_file_path);
          if (!cap)
            return ErrorAt(e.location,
                           fmt::format("exposure '{}': cannot read depends_on entry '{}'", e.name, dep));
          for (auto& r : cap->refs) {
            r.location = e.location;
            n->refs.push_back(r);
          }
          for (auto& s : cap->sources) {
            s.location = e.location;
            n->sources.push_back(s);
          }
        }
        ResolveConfig(*n, e.config);
        for (const Value& t : e.tags.list()) {
          if (std::find(n->tags.begin(), n->tags.end(), t.as_string()) == n->tags.end())
            n->tags.push_back(t.as_string());
        }
        FLINKDBT_RETURN_IF_ERROR(m_->AddNode(std::move(n)));
      }
    }
    return absl::OkStatus();
  }

  // --- refs -> depends_on ------------------------------------------------------------------------
  // dbt's process_docs: descriptions (of nodes, their columns and sources) that hold Jinja are
  // rendered with doc() ({% docs %} blocks: root project, the node's package, then any package),
  // var and env_var.
  absl::Status RenderDescriptions() {
    auto has_jinja = [](const std::string& s) {
      return s.find("{{") != std::string::npos || s.find("{%") != std::string::npos;
    };
    // What a description belongs to: doc() searches its package; errors name it.
    struct Owner {
      std::string package_name, unique_id, file;
      SourceLocation location;
    };
    std::unique_ptr<jinja::Environment> env;
    const Owner* current = nullptr;
    auto render = [&](std::string& text, const Owner& n) -> absl::Status {
      if (!has_jinja(text)) return absl::OkStatus();
      if (!env) {
        env = std::make_unique<jinja::Environment>();
        env->AddGlobal(
            "doc",
            jinja::Value::Callable(
                "doc",
                [this, &current](jinja::CallContext&,
                                 const jinja::CallArgs& a) -> absl::StatusOr<jinja::Value> {
                  std::string pkg, name;
                  if (a.positional.size() == 2) {
                    pkg = a.positional[0].Str();
                    name = a.positional[1].Str();
                  } else if (a.positional.size() == 1) {
                    name = a.positional[0].Str();
                  } else {
                    return absl::InvalidArgumentError("doc() takes 1 or 2 arguments");
                  }
                  std::vector<std::string> order;
                  if (!pkg.empty()) {
                    order = {pkg};
                  } else {
                    order = {p_.root.config.name, current ? current->package_name : p_.root.config.name};
                  }
                  for (const auto& o : order) {
                    for (const auto& d : m_->docs()) {
                      if (d->package_name == o && d->name == name)
                        return jinja::Value::String(d->block_contents);
                    }
                  }
                  if (pkg.empty()) {
                    for (const auto& d : m_->docs()) {
                      if (d->name == name) return jinja::Value::String(d->block_contents);
                    }
                  }
                  return absl::InvalidArgumentError(ToAbsl(
                      fmt::format("Documentation for '{}' depends on doc '{}' which was not found",
                                  current ? current->unique_id : "", pkg.empty() ? name : pkg + "." + name)));
                }));
        const project::Environment* penv = &p_.env;
        env->AddGlobal(
            "env_var",
            jinja::Value::Callable(
                "env_var",
                [penv](jinja::CallContext&, const jinja::CallArgs& a) -> absl::StatusOr<jinja::Value> {
                  const jinja::Value* name = a.Get(0, "var");
                  const jinja::Value* def = a.Get(1, "default");
                  std::string n = name ? name->Str() : "";
                  if (n.rfind("DBT_ENV_SECRET", 0) == 0) {
                    return absl::InvalidArgumentError(
                        ToAbsl(fmt::format("Secret env vars are allowed only in profiles.yml or "
                                           "packages.yml. Found '{}' referenced elsewhere.",
                                           n)));
                  }
                  if (auto it = penv->find(n); it != penv->end()) return jinja::Value::String(it->second);
                  if (def) return *def;
                  return absl::InvalidArgumentError(
                      ToAbsl(fmt::format("Env var required but not provided: '{}'", n)));
                }));
        Value vars = p_.cli_vars;
        env->AddGlobal("var", jinja::Value::Callable(
                                  "var",
                                  [this, vars](jinja::CallContext&,
                                               const jinja::CallArgs& a) -> absl::StatusOr<jinja::Value> {
                                    std::string n = a.Get(0, "name") ? a.Get(0, "name")->Str() : "";
                                    // dbt renders every description with the root project's
                                    // vars (process_docs: ConfiguredVar of the root project):
                                    // --vars, then vars scoped to the root project, then global.
                                    const Value& root_vars = p_.root.config.vars;
                                    const Value* v = vars.Find(n);
                                    const Value* own = root_vars.Find(p_.root.config.name);
                                    if (v == nullptr && own != nullptr && own->is_map()) v = own->Find(n);
                                    if (v == nullptr) v = root_vars.Find(n);
                                    if (v != nullptr && v->is_string())
                                      return jinja::Value::String(v->as_string());
                                    if (v != nullptr) return jinja::Value::String(v->ToPythonStr());
                                    if (const jinja::Value* def = a.Get(1, "default")) return *def;
                                    return absl::InvalidArgumentError(
                                        ToAbsl(fmt::format("Required var '{}' not found in config", n)));
                                  }));
      }
      current = &n;
      auto tmpl = env->Parse(text, n.file);
      absl::StatusOr<std::string> out = tmpl.ok() ? env->Render(**tmpl, jinja::Value::Dict()) : tmpl.status();
      if (!out.ok()) {
        absl::Status st = out.status();
        return GetLocation(st) ? st : WithLocation(st, n.location);
      }
      text = *std::move(out);
      return absl::OkStatus();
    };
    for (const auto& up : m_->nodes()) {
      Node& node = *up;
      if (!has_jinja(node.description) && !has_jinja(node.source_description) && !node.columns.is_map())
        continue;
      Owner n{node.package_name, node.unique_id,
              node.patch_path.empty() ? node.original_file_path : node.patch_path, node.location};
      FLINKDBT_RETURN_IF_ERROR(render(node.description, n));
      FLINKDBT_RETURN_IF_ERROR(render(node.source_description, n));
      if (node.columns.is_map()) {
        for (auto& [_, col] : node.columns.map()) {
          Value* d = col.Find("description");
          if (d == nullptr || !d->is_string() || !has_jinja(d->as_string())) continue;
          std::string text = d->as_string();
          FLINKDBT_RETURN_IF_ERROR(render(text, n));
          *d = Value::String(std::move(text));
        }
      }
    }
    // Macros: the description and each argument's (dbt's _process_docs_for_macro).
    for (const auto& [id, macro] : mutable_macros_) {
      if (macro->patch_path.empty()) continue;
      Owner n{macro->package_name, macro->unique_id, macro->patch_path, macro->location};
      FLINKDBT_RETURN_IF_ERROR(render(macro->description, n));
      for (Value& arg : macro->arguments.list()) {
        Value* d = arg.Find("description");
        if (d == nullptr || !d->is_string() || !has_jinja(d->as_string())) continue;
        std::string text = d->as_string();
        FLINKDBT_RETURN_IF_ERROR(render(text, n));
        *d = Value::String(std::move(text));
      }
    }
    return absl::OkStatus();
  }

  // Each node's depends_on from its refs and sources, on several threads (a node's own fields
  // only); the first error in node order wins.
  absl::Status ResolveDependencies() {
    const auto& nodes = m_->nodes();
    std::vector<absl::Status> status(nodes.size());
    ParallelFor(nodes.size(), ThreadsFor(nodes.size()), [&](size_t i, int) {
      status[i] = ResolveNodeDependencies(*nodes[i]);
      return status[i].ok();
    });
    for (absl::Status& st : status) FLINKDBT_RETURN_IF_ERROR(st);
    return absl::OkStatus();
  }

  absl::Status ResolveNodeDependencies(Node& n) const {
    {
      // Disabled file nodes are not in the manifest's active set.
      if (disabled_.count(n.unique_id)) return absl::OkStatus();
      std::set<std::string> seen;
      std::vector<std::string> deps;
      auto add = [&](const std::string& id) {
        if (seen.insert(id).second) deps.push_back(id);
      };
      for (const std::string& id : n.depends_on_nodes) add(id);
      std::string what = n.resource_type == ResourceType::kTest       ? "Test"
                         : n.resource_type == ResourceType::kExposure ? "Exposure"
                         : n.resource_type == ResourceType::kSeed     ? "Seed"
                         : n.resource_type == ResourceType::kAnalysis ? "Analysis"
                                                                      : "Model";
      for (const RefCall& r : n.refs) {
        const Node* target = LookupRef(r, n.package_name);
        if (target == nullptr) {
          bool disabled = disabled_names_.count(r.name) > 0;
          std::string shown = r.package.empty() ? r.name : r.package + "." + r.name;
          if (!r.version.is_null()) shown += fmt::format(" (version {})", r.version.ToPythonStr());
          SourceLocation loc = r.location.file.empty() ? n.location : r.location;
          return ErrorAt(
              loc, fmt::format("{} '{}' ({}) depends on a node named '{}' which {}", what, n.unique_id,
                               n.original_file_path, shown, disabled ? "is disabled" : "was not found"));
        }
        add(target->unique_id);
      }
      for (const SourceCall& s : n.sources) {
        std::string id;
        for (const Package* pkg : p_.AllPackages()) {
          std::string cand = fmt::format("source.{}.{}.{}", pkg->config.name, s.source_name, s.table_name);
          if (m_->FindNode(cand)) {
            if (pkg->config.name == n.package_name || id.empty()) id = cand;
          }
        }
        if (id.empty()) {
          SourceLocation loc = s.location.file.empty() ? n.location : s.location;
          std::string cand = fmt::format("source.{}.{}.{}", n.package_name, s.source_name, s.table_name);
          return ErrorAt(loc, fmt::format("{} '{}' ({}) depends on a source named '{}.{}' which {}", what,
                                          n.unique_id, n.original_file_path, s.source_name, s.table_name,
                                          disabled_.count(cand) ? "is disabled" : "was not found"));
        }
        add(id);
      }
      n.depends_on_nodes = std::move(deps);
    }
    return absl::OkStatus();
  }

  const LoadedProject& p_;
  const ParseOptions& o_;
  std::shared_ptr<Manifest> m_;
  std::vector<Node*> file_nodes_;
  std::vector<Node*> test_nodes_;
  absl::flat_hash_map<std::string, const project::NodePatch*> patch_config_;
  // Versioned models: each version's effective patch (pointer-stable), and per model patch its
  // versions as (unique_id, effective patch, v).
  std::deque<project::NodePatch> version_patches_;
  std::map<const project::NodePatch*, std::vector<std::tuple<std::string, const project::NodePatch*, Value>>>
      versioned_;
  absl::flat_hash_map<std::string, std::vector<const Node*>> ref_index_;
  absl::flat_hash_map<std::string, Macro*> mutable_macros_;  // owned by m_, patched while parsing
  absl::flat_hash_map<int, Value> default_configs_;          // by ResourceType
  std::vector<GenericTestJob> test_jobs_;
  std::deque<TestTarget> test_targets_;  // pointer-stable, for test_jobs_
  std::deque<std::vector<std::string>> test_tags_;
  const std::vector<std::string> kNoTags;
  absl::flat_hash_map<std::string, std::vector<std::string>> macro_names_;
  absl::flat_hash_map<std::string, std::vector<SourceCall>> unit_sources_;
  std::set<std::string> disabled_;
  std::set<std::string> disabled_names_;
  std::vector<std::string> warnings_;
};

}  // namespace

std::vector<absl::StatusOr<ParseCapture>> ParseRenderer::CaptureAll(const std::vector<const Node*>& nodes,
                                                                    int threads) {
  (void)threads;
  std::vector<absl::StatusOr<ParseCapture>> out;
  for (const Node* n : nodes) {
    out.push_back(Capture(*n));
    if (!out.back().ok()) break;
  }
  return out;
}

absl::StatusOr<std::shared_ptr<Manifest>> ParseManifest(const project::LoadedProject& project,
                                                        const ParseOptions& options) {
  Builder b(project, options);
  return b.Run();
}

}  // namespace flinkdbt::compile
