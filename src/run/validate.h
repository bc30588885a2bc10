// Validation of compiled models by the sql layer before anything is written or submitted (issue 5
// item 5): every selected model (and singular test) is parsed and checked against a catalog made of
// the project's own relations (models in DAG order with their derived schemas, seeds, sources) and
// the target's catalog (the `examples` tables; on `local` the tables in the engine folder, read
// without taking its lock; on `confluent` unknown at compile, INFORMATION_SCHEMA at run time).
// Every error of every node is reported as `models/x.sql:4:12: error: ...` with the model line and a
// caret, positions mapped from the compiled SQL back to the model file. Private to the run layer.
#ifndef FLINKDBT_SRC_RUN_VALIDATE_H_
#define FLINKDBT_SRC_RUN_VALIDATE_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "flinkdbt/client/statement_client.h"
#include "flinkdbt/graph/commands.h"
#include "flinkdbt/materialize/materialization.h"
#include "flinkdbt/sql/ast.h"
#include "flinkdbt/sql/catalog.h"
#include "run/command.h"

namespace flinkdbt::run {

// One piece of a compiled text: output bytes from `output_offset` up to the next segment came from
// the template at `source_offset` — copied byte for byte when `literal`, else produced by the
// expression or call (`{{ ... }}`, a macro, a ref) that starts there. Same shape as the Jinja
// engine's source map entries.
struct MapSegment {
  size_t output_offset = 0;
  size_t source_offset = 0;
  bool literal = false;
};

// A source map recovered from the template and its output alone: the template's literal text is
// matched, in order, in the output (line by line where a whole chunk is not found, e.g. after
// whitespace control); the output between matched literals maps to the tag before them.
std::vector<MapSegment> ApproximateSourceMap(std::string_view source, std::string_view output);

// The template byte offset that output byte `offset` comes from (0 when `map` is empty).
size_t MapOffset(const std::vector<MapSegment>& map, size_t offset);

// The Jinja engine's source maps of the nodes compiled in this invocation, by unique_id. Attach() it
// to the graph options before ParseCommand (the compiler is built there); thread-safe.
class SourceMaps {
 public:
  void Attach(graph::InvocationOptions& options);
  // A copy of the node's map, or nullopt when the node was not rendered through the compiler.
  std::optional<std::vector<MapSegment>> Find(const std::string& unique_id) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<MapSegment>> maps_;
};

// Relations as a target's catalog has them now, through a RelationInspector (INFORMATION_SCHEMA
// through the statement client); lookups that fail are kUnknown. Answers are cached.
class TargetCatalog : public sql::Catalog {
 public:
  TargetCatalog(materialize::RelationInspector& inspector, std::string catalog, std::string database);
  sql::LookupResult Lookup(const std::vector<std::string>& parts) const override;

 private:
  materialize::RelationInspector& inspector_;
  std::string catalog_, database_;
};

// The relations persisted in a `local` target's engine folder (<folder>/flinkdbt-engine.json). The
// engine replaces that file atomically (rename), so it is read as a consistent snapshot without
// opening the engine store or touching its flock()ed lock file: a concurrent flinkdbt process that
// holds the folder is neither blocked nor disturbed. A missing folder or file is an empty catalog.
absl::StatusOr<std::unique_ptr<sql::InMemoryCatalog>> ReadLocalEngineCatalog(
    const std::string& folder, const std::string& current_catalog, const std::string& current_database);

enum class ValidationStage {
  kCompile,  // compile / show: a cloud target's unknown relations are "unchecked"
  kRun,      // run / test / build / retry: checked against the live target catalog
};

struct ValidationSettings {
  ValidationStage stage = ValidationStage::kCompile;
  // For kRun on a `confluent` target: the client to ask INFORMATION_SCHEMA (null: opened on demand).
  client::StatementClient* live_client = nullptr;
  // Exact positions for Jinja models (else ApproximateSourceMap recovers them).
  const SourceMaps* source_maps = nullptr;
  // kRun: receives each validated model's derived output schema (kCompile records it in the nodes).
  std::map<std::string, std::vector<sql::Column>>* derived_schemas = nullptr;
};

// Compiles (where not yet compiled) and validates the nodes `unique_ids` and, silently, the models
// upstream of them whose schemas they read. Emits every diagnostic as an event (errors, warnings for
// declared data_type mismatches, debug notes for what could not be checked) and records derived
// columns in the manifest nodes' `columns` where schema.yml declares none. Returns kExitError (2)
// when any error was found, else nullopt. Does nothing when --no-validate was given.
std::optional<int> ValidateNodes(CommandContext& ctx, graph::ParsedProject& parsed,
                                 const std::vector<std::string>& unique_ids,
                                 const ValidationSettings& settings = {});

// `compile` and `show`: validates the nodes `options` selects among `default_types` (compile stage).
std::optional<int> ValidateSelection(CommandContext& ctx, graph::ParsedProject& parsed,
                                     const graph::ListOptions& options,
                                     std::vector<compile::ResourceType> default_types,
                                     const SourceMaps& maps);

// run / test / build / retry, after compiling `unique_ids`: validates them against the live target
// (run stage), then writes target/manifest.json. A non-empty result is the exit code to return.
std::optional<int> ValidateBeforeRun(CommandContext& ctx, graph::ParsedProject& parsed,
                                     const std::set<std::string>& unique_ids, const SourceMaps& maps);

// Writes target/manifest.json (when --write-json) once validation passed: commands parse without
// writing it so that a failed validation leaves no artifact behind.
absl::Status WriteManifestAfterValidation(CommandContext& ctx, const graph::ParsedProject& parsed);

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_VALIDATE_H_
