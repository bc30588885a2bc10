// The manifest: every node of a parsed project (models, seeds, tests, unit tests, sources,
// exposures, macros, docs) with dbt's v12 fields, and its JSON form (target/manifest.json).
// Built by the parser (parser.h), completed by the compiler; immutable once published and safe to
// read from many threads.
#ifndef FLINKDBT_COMPILE_MANIFEST_H_
#define FLINKDBT_COMPILE_MANIFEST_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::compile {

using project::Value;

enum class ResourceType {
  kModel,
  kSeed,
  kSnapshot,
  kAnalysis,
  kTest,
  kUnitTest,
  kSource,
  kExposure,
  kMacro,
  kDoc,
  kOperation
};
std::string_view ResourceTypeName(ResourceType t);
bool ParseResourceType(std::string_view name, ResourceType* out);

struct RefCall {
  std::string name;
  std::string package;  // empty when not given
  Value version;        // Null when not given
  SourceLocation location;
};

struct SourceCall {
  std::string source_name;
  std::string table_name;
  SourceLocation location;
};

// A model, seed, snapshot, analysis, test, unit test, source or exposure.
struct Node {
  ResourceType resource_type = ResourceType::kModel;
  std::string unique_id;
  std::string name;
  std::string package_name;
  std::string path;                // relative to the resource path
  std::string original_file_path;  // relative to the package root
  std::string patch_path;          // "<pkg>://models/schema.yml" or empty
  std::vector<std::string> fqn;
  std::string database, schema, alias, relation_name;
  std::string checksum_name = "sha256";
  std::string checksum;
  Value config = Value::MakeMap();
  Value unrendered_config = Value::MakeMap();
  Value config_call_dict = Value::MakeMap();
  std::vector<std::string> tags;
  std::string description;
  Value columns = Value::MakeMap();  // name -> {name, description, data_type, constraints, meta, tags, quote}
  Value meta = Value::MakeMap();
  Value docs = Value::MakeMap();
  std::string raw_code;
  std::string language = "sql";
  std::vector<RefCall> refs;
  std::vector<SourceCall> sources;
  std::vector<std::string> depends_on_macros;
  std::vector<std::string> depends_on_nodes;
  // Compilation.
  bool compiled = false;
  std::string compiled_path;
  std::string compiled_code;
  std::vector<std::pair<std::string, std::string>> extra_ctes;  // (id, sql)
  // Models.
  Value contract = Value::MakeMap();
  std::string access = "protected";
  Value constraints = Value::MakeList();
  Value version;
  Value latest_version;
  Value deprecation_date;
  // --defer: the state manifest's relation for this node (dbt's DeferRelation), Null otherwise.
  Value defer_relation;
  // Generic tests.
  std::string column_name;
  std::string file_key_name;
  std::string attached_node;
  Value test_metadata;  // {name, kwargs, namespace} or Null for singular tests
  // Sources.
  std::string source_name;
  std::string source_description;
  std::string identifier;
  std::string loader;
  Value freshness;
  Value quoting = Value::MakeMap();
  Value loaded_at_field;
  // Unit tests.
  std::string tested_model;  // unique_id
  Value given = Value::MakeList();
  Value expect = Value::MakeMap();
  Value overrides;
  Value versions;
  // Exposures.
  std::string exposure_type, label, maturity, url;
  Value owner = Value::MakeMap();
  // Where the node is defined (file and, for YAML-defined nodes, line:col).
  SourceLocation location;

  bool is_ephemeral() const;
  std::string materialized() const;
  // The name `ls --output name` prints (dbt's search_name).
  std::string search_name() const;
};

struct Macro {
  std::string unique_id;
  std::string name;
  std::string package_name;
  std::string path;
  std::string original_file_path;
  std::string macro_sql;
  std::vector<std::string> depends_on_macros;
  std::string description;
  Value arguments = Value::MakeList();
  Value meta = Value::MakeMap();
  Value docs = Value::MakeMap();
  std::string patch_path;
  SourceLocation location;
};

struct Doc {
  std::string unique_id, name, package_name, path, original_file_path, block_contents;
};

struct ManifestMetadata {
  std::string dbt_version = "1.10.23";
  std::string generated_at;
  std::string invocation_id;
  std::string invocation_started_at;
  std::string project_name;
  std::string adapter_type;
  Value env = Value::MakeMap();  // DBT_ENV_CUSTOM_ENV_* without the prefix
};

class Manifest {
 public:
  ManifestMetadata metadata;
  // Parse warnings (dbt's warn_or_error events): properties for a node or macro that does not exist.
  std::vector<std::string> warnings;

  // Adds a node; a second node with the same unique_id is an error (dbt's duplicate-resource check)
  // naming both files.
  absl::Status AddNode(std::unique_ptr<Node> node);
  absl::Status AddMacro(std::unique_ptr<Macro> macro);
  absl::Status AddDoc(std::unique_ptr<Doc> doc);

  // Re-keys a node (versioned models: the file's "model.p.m_v2" becomes "model.p.m.v2"); an id
  // already taken is the duplicate-resource error.
  absl::Status RenameNode(std::string_view old_id, std::string new_id);

  const Node* FindNode(std::string_view unique_id) const;
  Node* MutableNode(std::string_view unique_id);
  // dbt's merge_from_artifact (--defer): every model, seed and snapshot that is also a
  // non-ephemeral refable node of `state_manifest` (a parsed manifest.json) gets its
  // defer_relation: database, schema, alias, relation_name, resource_type, name, description,
  // compiled_code ("" for seeds), meta, tags and config as the state manifest has them.
  void MergeFromArtifact(const Value& state_manifest);
  const Macro* FindMacro(std::string_view unique_id) const;

  // Every node (models, seeds, tests, unit tests, sources, exposures), in insertion order.
  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<std::unique_ptr<Macro>>& macros() const { return macros_; }
  const std::vector<std::unique_ptr<Doc>>& docs() const { return docs_; }
  // parent_map / child_map over nodes (sorted lists), computed from depends_on_nodes.
  std::map<std::string, std::vector<std::string>> ParentMap() const;
  std::map<std::string, std::vector<std::string>> ChildMap() const;

  // The dbt v12 manifest.json text. With threads > 1 the nodes of a compact (indent 0) document
  // are written on that many threads; the text is the same whatever the count.
  std::string ToJson(int indent = 0, int threads = 1) const;

 private:
  // parent_map (children = false) or child_map as one JSON object value.
  void WriteDependencyMap(JsonWriter& w, bool children) const;

  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Macro>> macros_;
  std::vector<std::unique_ptr<Doc>> docs_;
  absl::flat_hash_map<std::string, size_t> node_index_;
  absl::flat_hash_map<std::string, size_t> macro_index_;
  absl::flat_hash_map<std::string, size_t> doc_index_;
};

// Writes one node's manifest JSON object (used by manifest.json and `ls --output json`).
void WriteNodeJson(JsonWriter& w, const Node& node);

// dbt's file checksum: sha256 of the contents with leading/trailing whitespace stripped.
std::string FileChecksum(std::string_view contents);

}  // namespace flinkdbt::compile

#endif  // FLINKDBT_COMPILE_MANIFEST_H_
