#include "flinkdbt/compile/manifest.h"

#include <algorithm>

#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/parallel.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::compile {

std::string_view ResourceTypeName(ResourceType t) {
  switch (t) {
    case ResourceType::kModel:
      return "model";
    case ResourceType::kSeed:
      return "seed";
    case ResourceType::kSnapshot:
      return "snapshot";
    case ResourceType::kAnalysis:
      return "analysis";
    case ResourceType::kTest:
      return "test";
    case ResourceType::kUnitTest:
      return "unit_test";
    case ResourceType::kSource:
      return "source";
    case ResourceType::kExposure:
      return "exposure";
    case ResourceType::kMacro:
      return "macro";
    case ResourceType::kDoc:
      return "doc";
    case ResourceType::kOperation:
      return "operation";
  }
  return "";
}

bool ParseResourceType(std::string_view name, ResourceType* out) {
  for (ResourceType t :
       {ResourceType::kModel, ResourceType::kSeed, ResourceType::kSnapshot, ResourceType::kAnalysis,
        ResourceType::kTest, ResourceType::kUnitTest, ResourceType::kSource, ResourceType::kExposure,
        ResourceType::kMacro, ResourceType::kDoc, ResourceType::kOperation}) {
    if (ResourceTypeName(t) == name) {
      *out = t;
      return true;
    }
  }
  return false;
}

bool Node::is_ephemeral() const {
  const Value* m = config.Find("materialized");
  return m != nullptr && m->is_string() && m->as_string() == "ephemeral";
}

std::string Node::materialized() const {
  const Value* m = config.Find("materialized");
  return m && m->is_string() ? m->as_string() : "";
}

std::string Node::search_name() const {
  switch (resource_type) {
    case ResourceType::kSource:
      return source_name + "." + name;
    case ResourceType::kModel:
      if (!version.is_null()) return name + ".v" + version.ToPythonStr();
      return name;
    default:
      return name;
  }
}

std::string FileChecksum(std::string_view contents) {
  size_t b = 0, e = contents.size();
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (b < e && ws(contents[b])) ++b;
  while (e > b && ws(contents[e - 1])) --e;
  return Sha256Hex(contents.substr(b, e - b));
}

absl::Status Manifest::AddNode(std::unique_ptr<Node> node) {
  auto [it, inserted] = node_index_.emplace(node->unique_id, nodes_.size());
  if (!inserted) {
    const Node& other = *nodes_[it->second];
    std::string msg = fmt::format(
        "dbt found two {}s with the name \"{}\" ({}). Since these resources have the same name, dbt will be "
        "unable "
        "to find the correct resource when looking for ref(\"{}\"). To fix this, change the name of one of "
        "these "
        "resources:\n- {} ({})\n- {} ({})",
        ResourceTypeName(node->resource_type), node->name, node->unique_id, node->name, other.unique_id,
        other.original_file_path, node->unique_id, node->original_file_path);
    return WithLocation(absl::InvalidArgumentError(ToAbsl(msg)), node->location);
  }
  nodes_.push_back(std::move(node));
  return absl::OkStatus();
}

absl::Status Manifest::RenameNode(std::string_view old_id, std::string new_id) {
  auto it = node_index_.find(ToAbsl(old_id));
  if (it == node_index_.end()) {
    return absl::NotFoundError(ToAbsl(fmt::format("no node '{}' to rename", old_id)));
  }
  size_t index = it->second;
  if (auto other = node_index_.find(new_id); other != node_index_.end()) {
    const Node& a = *nodes_[other->second];
    const Node& b = *nodes_[index];
    return WithLocation(absl::InvalidArgumentError(
                            ToAbsl(fmt::format("dbt found two models with the unique id \"{}\":\n- {}\n- {}",
                                               new_id, a.original_file_path, b.original_file_path))),
                        b.location);
  }
  node_index_.erase(it);
  nodes_[index]->unique_id = new_id;
  node_index_.emplace(std::move(new_id), index);
  return absl::OkStatus();
}

absl::Status Manifest::AddMacro(std::unique_ptr<Macro> macro) {
  auto [it, inserted] = macro_index_.emplace(macro->unique_id, macros_.size());
  if (!inserted) {
    const Macro& other = *macros_[it->second];
    std::string msg =
        fmt::format("dbt found two macros named \"{}\" in the project \"{}\": {} and {}", macro->name,
                    macro->package_name, other.original_file_path, macro->original_file_path);
    return WithLocation(absl::InvalidArgumentError(ToAbsl(msg)), macro->location);
  }
  macros_.push_back(std::move(macro));
  return absl::OkStatus();
}

absl::Status Manifest::AddDoc(std::unique_ptr<Doc> doc) {
  auto [it, inserted] = doc_index_.emplace(doc->unique_id, docs_.size());
  if (!inserted) {
    SourceLocation loc{doc->original_file_path, 0, 0};
    return WithLocation(absl::InvalidArgumentError(ToAbsl(
                            fmt::format("dbt found two docs blocks named \"{}\" ({} and {})", doc->name,
                                        docs_[it->second]->original_file_path, doc->original_file_path))),
                        loc);
  }
  docs_.push_back(std::move(doc));
  return absl::OkStatus();
}

const Node* Manifest::FindNode(std::string_view unique_id) const {
  auto it = node_index_.find(ToAbsl(unique_id));
  return it == node_index_.end() ? nullptr : nodes_[it->second].get();
}

Node* Manifest::MutableNode(std::string_view unique_id) {
  auto it = node_index_.find(ToAbsl(unique_id));
  return it == node_index_.end() ? nullptr : nodes_[it->second].get();
}

void Manifest::MergeFromArtifact(const Value& state_manifest) {
  const Value* nodes = state_manifest.Find("nodes");
  if (nodes == nullptr || !nodes->is_map()) return;
  for (const auto& [id, other] : nodes->map()) {
    Node* current = MutableNode(id);
    if (current == nullptr || !other.is_map()) continue;
    auto field = [&](const char* key) {
      const Value* v = other.Find(key);
      return v != nullptr ? *v : Value::Null();
    };
    std::string type = field("resource_type").is_string() ? field("resource_type").as_string() : "";
    if (type != "model" && type != "seed" && type != "snapshot") continue;
    const Value* config = other.Find("config");
    const Value* materialized = config != nullptr ? config->Find("materialized") : nullptr;
    if (materialized != nullptr && materialized->is_string() && materialized->as_string() == "ephemeral")
      continue;
    Value relation = Value::MakeMap();
    for (const char* key :
         {"database", "schema", "alias", "relation_name", "resource_type", "name", "description"})
      relation.Set(key, field(key));
    relation.Set("compiled_code", type == "seed" ? Value::String("") : field("compiled_code"));
    relation.Set("meta", field("meta"));
    relation.Set("tags", field("tags"));
    relation.Set("config", field("config"));
    current->defer_relation = std::move(relation);
  }
}

const Macro* Manifest::FindMacro(std::string_view unique_id) const {
  auto it = macro_index_.find(ToAbsl(unique_id));
  return it == macro_index_.end() ? nullptr : macros_[it->second].get();
}

std::map<std::string, std::vector<std::string>> Manifest::ParentMap() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& n : nodes_) {
    std::vector<std::string> parents = n->depends_on_nodes;
    std::sort(parents.begin(), parents.end());
    parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
    out[n->unique_id] = std::move(parents);
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Manifest::ChildMap() const {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& n : nodes_) out[n->unique_id];
  for (const auto& n : nodes_) {
    for (const std::string& p : n->depends_on_nodes) {
      auto it = out.find(p);
      if (it != out.end()) it->second.push_back(n->unique_id);
    }
  }
  for (auto& [_, v] : out) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  return out;
}

namespace {

void StringList(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.Key(key).BeginArray();
  for (const auto& s : items) w.String(s);
  w.EndArray();
}

void WriteValue(JsonWriter& w, std::string_view key, const Value& v) {
  w.Key(key);
  project::WriteJson(w, v);
}

void WriteOptString(JsonWriter& w, std::string_view key, const std::string& s) {
  w.Key(key);
  if (s.empty()) {
    w.Null();
  } else {
    w.String(s);
  }
}

// Hooks appear as [{sql, transaction, index}] in the manifest.
Value ConfigForJson(const Value& config) {
  Value out = config;
  for (const char* key : {"pre-hook", "post-hook"}) {
    Value* hooks = out.Find(key);
    if (!hooks) continue;
    Value list = Value::MakeList();
    for (const Value& h : hooks->is_list() ? hooks->list() : Value::List{*hooks}) {
      if (h.is_map()) {
        list.Push(h);
        continue;
      }
      Value hook = Value::MakeMap();
      hook.Set("sql", Value::String(h.ToPythonStr()));
      hook.Set("transaction", Value::Bool(true));
      hook.Set("index", Value::Null());
      list.Push(std::move(hook));
    }
    *hooks = std::move(list);
  }
  return out;
}

void WriteDependsOn(JsonWriter& w, const Node& n) {
  w.Key("depends_on").BeginObject();
  StringList(w, "macros", n.depends_on_macros);
  StringList(w, "nodes", n.depends_on_nodes);
  w.EndObject();
}

void WriteCommon(JsonWriter& w, const Node& n) {
  w.Field("database", n.database);
  w.Field("schema", n.schema);
  w.Field("name", n.name);
  w.Field("resource_type", ResourceTypeName(n.resource_type));
  w.Field("package_name", n.package_name);
  w.Field("path", n.path);
  w.Field("original_file_path", n.original_file_path);
  w.Field("unique_id", n.unique_id);
  StringList(w, "fqn", n.fqn);
}

}  // namespace

void WriteNodeJson(JsonWriter& w, const Node& n) {
  w.BeginObject();
  WriteCommon(w, n);
  if (n.resource_type == ResourceType::kSource) {
    w.Field("source_name", n.source_name);
    w.Field("source_description", n.source_description);
    w.Field("loader", n.loader);
    w.Field("identifier", n.identifier);
    WriteValue(w, "quoting", n.quoting);
    WriteValue(w, "loaded_at_field", n.loaded_at_field);
    w.Key("loaded_at_query").Null();
    WriteValue(w, "freshness", n.freshness);
    w.Key("external").Null();
    w.Field("description", n.description);
    WriteValue(w, "columns", n.columns);
    WriteValue(w, "meta", n.meta);
    WriteValue(w, "source_meta", Value::MakeMap());
    StringList(w, "tags", n.tags);
    WriteValue(w, "config", n.config);
    WriteOptString(w, "patch_path", n.patch_path);
    WriteValue(w, "unrendered_config", n.unrendered_config);
    w.Field("relation_name", n.relation_name);
    w.Key("created_at").Double(0);
    w.Key("unrendered_database").Null();
    w.Key("unrendered_schema").Null();
    w.Key("doc_blocks").BeginArray().EndArray();
    w.EndObject();
    return;
  }
  if (n.resource_type == ResourceType::kExposure) {
    w.Field("type", n.exposure_type);
    WriteValue(w, "owner", n.owner);
    w.Field("description", n.description);
    WriteOptString(w, "label", n.label);
    WriteOptString(w, "maturity", n.maturity);
    WriteValue(w, "meta", n.meta);
    StringList(w, "tags", n.tags);
    WriteValue(w, "config", n.config);
    WriteValue(w, "unrendered_config", n.unrendered_config);
    WriteOptString(w, "url", n.url);
    WriteDependsOn(w, n);
    w.Key("refs").BeginArray();
    for (const RefCall& r : n.refs) {
      w.BeginObject().Field("name", r.name);
      WriteOptString(w, "package", r.package);
      WriteValue(w, "version", r.version);
      w.EndObject();
    }
    w.EndArray();
    w.Key("sources").BeginArray();
    for (const SourceCall& s : n.sources)
      w.BeginArray().String(s.source_name).String(s.table_name).EndArray();
    w.EndArray();
    w.Key("metrics").BeginArray().EndArray();
    w.Key("created_at").Double(0);
    w.EndObject();
    return;
  }
  if (n.resource_type == ResourceType::kUnitTest) {
    w.Field("model", n.fqn.size() >= 2 ? n.fqn[n.fqn.size() - 2] : std::string());
    w.Key("given").Raw(project::ToJson(n.given));
    w.Key("expect").Raw(project::ToJson(n.expect));
    w.Field("description", n.description);
    WriteValue(w, "overrides", n.overrides);
    WriteDependsOn(w, n);
    WriteValue(w, "config", n.config);
    w.Field("checksum", n.checksum);
    w.Key("schema").String(n.schema);
    w.Key("created_at").Double(0);
    WriteValue(w, "versions", n.versions);
    WriteValue(w, "version", n.version);
    w.EndObject();
    return;
  }
  w.Field("alias", n.alias);
  w.Key("checksum").BeginObject().Field("name", n.checksum_name).Field("checksum", n.checksum).EndObject();
  if (n.config.Has("pre-hook") || n.config.Has("post-hook")) {
    WriteValue(w, "config", ConfigForJson(n.config));
  } else {
    WriteValue(w, "config", n.config);  // no copy of every node's config when there are no hooks
  }
  StringList(w, "tags", n.tags);
  w.Field("description", n.description);
  WriteValue(w, "columns", n.columns);
  WriteValue(w, "meta", n.meta);
  w.Key("group").Null();
  WriteValue(w, "docs", n.docs);
  WriteOptString(w, "patch_path", n.patch_path);
  w.Key("build_path").Null();
  WriteValue(w, "unrendered_config", n.unrendered_config);
  w.Key("created_at").Double(0);
  if (n.relation_name.empty()) {
    w.Key("relation_name").Null();
  } else {
    w.Field("relation_name", n.relation_name);
  }
  w.Field("raw_code", n.raw_code);
  w.Key("doc_blocks").BeginArray().EndArray();
  w.Field("language", n.language);
  w.Key("refs").BeginArray();
  for (const RefCall& r : n.refs) {
    w.BeginObject().Field("name", r.name);
    WriteOptString(w, "package", r.package);
    WriteValue(w, "version", r.version);
    w.EndObject();
  }
  w.EndArray();
  w.Key("sources").BeginArray();
  for (const SourceCall& s : n.sources) w.BeginArray().String(s.source_name).String(s.table_name).EndArray();
  w.EndArray();
  w.Key("metrics").BeginArray().EndArray();
  WriteDependsOn(w, n);
  WriteOptString(w, "compiled_path", n.compiled_path);
  if (n.compiled) {
    w.Field("compiled", true);
    w.Field("compiled_code", n.compiled_code);
    w.Field("extra_ctes_injected", true);
    w.Key("extra_ctes").BeginArray();
    for (const auto& [id, sql] : n.extra_ctes) w.BeginObject().Field("id", id).Field("sql", sql).EndObject();
    w.EndArray();
    w.Key("_pre_injected_sql").Null();
  }
  if (n.resource_type == ResourceType::kModel) {
    WriteValue(w, "contract", n.contract);
    w.Field("access", n.access);
    WriteValue(w, "constraints", n.constraints);
    WriteValue(w, "version", n.version);
    WriteValue(w, "latest_version", n.latest_version);
    WriteValue(w, "deprecation_date", n.deprecation_date);
    WriteValue(w, "defer_relation", n.defer_relation);
    w.Key("primary_key").BeginArray().EndArray();
    w.Key("time_spine").Null();
  }
  if (n.resource_type == ResourceType::kTest) {
    if (!n.test_metadata.is_null()) {
      w.Field("column_name", n.column_name);
      if (n.column_name.empty()) {
        // dbt writes null for model-level tests.
      }
      w.Field("file_key_name", n.file_key_name);
      WriteOptString(w, "attached_node", n.attached_node);
      WriteValue(w, "test_metadata", n.test_metadata);
    }
  }
  if (n.resource_type == ResourceType::kSeed) {
    w.Key("root_path").Null();
  }
  if (n.resource_type == ResourceType::kSeed || n.resource_type == ResourceType::kSnapshot) {
    WriteValue(w, "defer_relation", n.defer_relation);
  }
  WriteValue(w, "config_call_dict", n.config_call_dict);
  w.Key("unrendered_config_call_dict").BeginObject().EndObject();
  w.EndObject();
}

void Manifest::WriteDependencyMap(JsonWriter& w, bool children) const {
  // Ids are compared and written in place (no copies); nodes in unique_id order, each list sorted
  // and without duplicates, as ParentMap()/ChildMap() build them.
  std::vector<size_t> order(nodes_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto id_less = [this](size_t a, size_t b) { return nodes_[a]->unique_id < nodes_[b]->unique_id; };
  std::sort(order.begin(), order.end(), id_less);
  std::vector<std::vector<size_t>> child_lists;
  if (children) {
    child_lists.resize(nodes_.size());
    for (size_t j = 0; j < nodes_.size(); ++j) {
      for (const std::string& p : nodes_[j]->depends_on_nodes) {
        auto it = node_index_.find(ToAbsl(p));
        if (it != node_index_.end()) child_lists[it->second].push_back(j);
      }
    }
  }
  std::vector<const std::string*> ids;
  auto ptr_less = [](const std::string* a, const std::string* b) { return *a < *b; };
  auto ptr_eq = [](const std::string* a, const std::string* b) { return *a == *b; };
  w.BeginObject();
  for (size_t k : order) {
    ids.clear();
    if (children) {
      for (size_t j : child_lists[k]) ids.push_back(&nodes_[j]->unique_id);
    } else {
      for (const std::string& p : nodes_[k]->depends_on_nodes) ids.push_back(&p);
    }
    std::sort(ids.begin(), ids.end(), ptr_less);
    ids.erase(std::unique(ids.begin(), ids.end(), ptr_eq), ids.end());
    w.Key(nodes_[k]->unique_id).BeginArray();
    for (const std::string* id : ids) w.String(*id);
    w.EndArray();
  }
  w.EndObject();
}

std::string Manifest::ToJson(int indent, int threads) const {
  const JsonWriterOptions options{.indent = indent, .ensure_ascii = true};
  // Compact documents get their node objects written in parallel, a range of nodes per task (each
  // range one JSON array whose element ends are recorded), and spliced in below in node order.
  // parent_map and child_map are two more tasks.
  std::vector<std::string> ranges;
  std::vector<std::string_view> node_text;
  std::string parent_map, child_map;
  if (indent == 0 && threads > 1 && nodes_.size() >= 512) {
    std::vector<size_t> bounds = SplitRange(nodes_.size(), static_cast<size_t>(threads) * 8, 128);
    ranges.resize(bounds.size() - 1);
    std::vector<size_t> ends(nodes_.size());
    ParallelFor(ranges.size() + 2, threads, [&](size_t r, int) {
      if (r >= ranges.size()) {
        JsonWriter map(options);
        WriteDependencyMap(map, r == ranges.size() + 1);
        (r == ranges.size() ? parent_map : child_map) = std::move(map.TakeString()).value_or("");
        return true;
      }
      JsonWriter part(options);
      part.BeginArray();
      for (size_t k = bounds[r]; k < bounds[r + 1]; ++k) {
        WriteNodeJson(part, *nodes_[k]);
        ends[k] = part.str().size();
      }
      part.EndArray();
      ranges[r] = std::move(part.TakeString()).value_or("");
      return true;
    });
    node_text.resize(nodes_.size());
    for (size_t r = 0; r < ranges.size(); ++r) {
      size_t begin = 1;  // after '['
      for (size_t k = bounds[r]; k < bounds[r + 1]; ++k) {
        node_text[k] = std::string_view(ranges[r]).substr(begin, ends[k] - begin);
        begin = ends[k] + 1;  // after ','
      }
    }
  }
  JsonWriter w(options);
  w.BeginObject();
  w.Key("metadata").BeginObject();
  w.Field("dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v12.json");
  w.Field("dbt_version", metadata.dbt_version);
  w.Field("generated_at", metadata.generated_at);
  w.Field("invocation_id", metadata.invocation_id);
  w.Field("invocation_started_at", metadata.invocation_started_at);
  WriteValue(w, "env", metadata.env);
  w.Field("project_name", metadata.project_name);
  w.Field("project_id", Md5Hex(metadata.project_name));
  w.Key("user_id").Null();
  w.Field("send_anonymous_usage_stats", false);
  w.Field("adapter_type", metadata.adapter_type);
  w.Key("quoting").BeginObject().Field("database", true).Field("schema", true).Field("identifier", true);
  w.Key("column").Null();
  w.EndObject();
  w.EndObject();
  auto section = [&](std::string_view key, auto pred) {
    w.Key(key).BeginObject();
    for (size_t k = 0; k < nodes_.size(); ++k) {
      const Node& n = *nodes_[k];
      if (!pred(n)) continue;
      w.Key(n.unique_id);
      if (node_text.empty()) {
        WriteNodeJson(w, n);
      } else {
        w.Raw(node_text[k]);
      }
    }
    w.EndObject();
  };
  section("nodes", [](const Node& n) {
    return n.resource_type != ResourceType::kSource && n.resource_type != ResourceType::kExposure &&
           n.resource_type != ResourceType::kUnitTest;
  });
  section("sources", [](const Node& n) { return n.resource_type == ResourceType::kSource; });
  w.Key("macros").BeginObject();
  for (const auto& m : macros_) {
    w.Key(m->unique_id).BeginObject();
    w.Field("name", m->name);
    w.Field("resource_type", "macro");
    w.Field("package_name", m->package_name);
    w.Field("path", m->path);
    w.Field("original_file_path", m->original_file_path);
    w.Field("unique_id", m->unique_id);
    w.Field("macro_sql", m->macro_sql);
    w.Key("depends_on").BeginObject();
    StringList(w, "macros", m->depends_on_macros);
    w.EndObject();
    w.Field("description", m->description);
    WriteValue(w, "meta", m->meta);
    if (m->docs.is_map() && !m->docs.map().empty()) {
      WriteValue(w, "docs", m->docs);
    } else {
      w.Key("docs").BeginObject().Field("show", true).Key("node_color").Null().EndObject();
    }
    WriteOptString(w, "patch_path", m->patch_path);
    WriteValue(w, "arguments", m->arguments);
    w.Key("created_at").Double(0);
    w.Key("supported_languages").Null();
    w.EndObject();
  }
  w.EndObject();
  w.Key("docs").BeginObject();
  for (const auto& d : docs_) {
    w.Key(d->unique_id).BeginObject();
    w.Field("name", d->name);
    w.Field("resource_type", "doc");
    w.Field("package_name", d->package_name);
    w.Field("path", d->path);
    w.Field("original_file_path", d->original_file_path);
    w.Field("unique_id", d->unique_id);
    w.Field("block_contents", d->block_contents);
    w.EndObject();
  }
  w.EndObject();
  section("exposures", [](const Node& n) { return n.resource_type == ResourceType::kExposure; });
  w.Key("metrics").BeginObject().EndObject();
  w.Key("groups").BeginObject().EndObject();
  w.Key("selectors").BeginObject().EndObject();
  w.Key("disabled").BeginObject().EndObject();
  for (bool children : {false, true}) {
    w.Key(children ? "child_map" : "parent_map");
    const std::string& text = children ? child_map : parent_map;
    if (text.empty()) {
      WriteDependencyMap(w, children);
    } else {
      w.Raw(text);
    }
  }
  w.Key("group_map").BeginObject().EndObject();
  w.Key("saved_queries").BeginObject().EndObject();
  w.Key("semantic_models").BeginObject().EndObject();
  section("unit_tests", [](const Node& n) { return n.resource_type == ResourceType::kUnitTest; });
  w.EndObject();
  // Moved out, not copied: the text is tens of megabytes on large projects.
  absl::StatusOr<std::string> text = w.TakeString();
  return text.ok() ? std::move(*text) : w.str();
}

}  // namespace flinkdbt::compile
