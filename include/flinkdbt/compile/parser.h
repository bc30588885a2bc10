// The parse pass: a LoadedProject becomes a Manifest — every model, seed, analysis, singular and
// generic test, unit test, source, exposure, macro and docs block, with dbt's unique_ids, fqns,
// checksums, resolved configs (dbt's precedence), relations and depends_on edges.
//
// Like dbt, a model is first tried with the static extractor (ref/source/config calls with literal
// arguments and nothing else, as dbt-extractor does); anything more is rendered by the Jinja
// renderer with `execute` false (see context.h). Parsing never contacts a target.
// The returned Manifest is immutable; many threads may read it.
#ifndef FLINKDBT_COMPILE_PARSER_H_
#define FLINKDBT_COMPILE_PARSER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/compile/manifest.h"
#include "flinkdbt/project/project.h"

namespace flinkdbt::compile {

// What rendering a node at parse time captured.
struct ParseCapture {
  std::vector<RefCall> refs;
  std::vector<SourceCall> sources;
  Value config_call = Value::MakeMap();    // config(...) calls, merged in call order
  std::vector<std::string> macros_called;  // unique_ids of macros called
};

// Extracts ref/source/config from `raw` when it holds nothing but those calls with literal
// arguments (dbt's static parser); nullopt when the template needs the Jinja engine.
std::optional<ParseCapture> StaticExtract(std::string_view raw, const std::string& file);

// Renders nodes at parse time (execute false). Implemented on the template engine (context.h).
class ParseRenderer {
 public:
  virtual ~ParseRenderer() = default;
  virtual absl::StatusOr<ParseCapture> Capture(const Node& node) = 0;
  // Captures `nodes` in order: one result each, up to and including the first error (the results
  // end there). A renderer may render them on up to `threads` threads, keeping log() output in node
  // order; this default renders one node after another on the calling thread.
  virtual std::vector<absl::StatusOr<ParseCapture>> CaptureAll(const std::vector<const Node*>& nodes,
                                                               int threads);
  // Calls a project's generate_{schema,alias,database}_name override; nullopt when none exists.
  virtual absl::StatusOr<std::optional<std::string>> GenerateName(std::string_view kind, const Value& custom,
                                                                  const Node& node) = 0;
};

struct ParseOptions {
  std::string invocation_id;
  std::string started_at;             // ISO-8601 with Z
  ParseRenderer* renderer = nullptr;  // null: static extraction only
  // Force every node through the renderer (dbt's --no-static-parser).
  bool static_parser = true;
  // Threads making and configuring nodes, and the count offered to renderer->CaptureAll (the
  // manifest and the first error are the same for any count). Passes that may call
  // renderer->GenerateName (a generate_*_name override exists) run on the calling thread.
  int threads = 1;
};

// A parsed macro source: one entry per {% macro %}/{% test %}/{% materialization %} block.
struct MacroSource {
  std::string name;  // macro name (test_<n> for tests, materialization_<m>_<adapter>)
  std::string sql;   // the whole block text, from {% macro to {% endmacro %}
  int line = 0;
  int column = 0;
};
// Finds macro-defining blocks in a macro file.
absl::StatusOr<std::vector<MacroSource>> ScanMacros(std::string_view text, const std::string& file,
                                                    bool generic_test_file);

// The source of dbt's internal package ("dbt") as flinkdbt ships it: builtin generic tests,
// generate_*_name defaults, get_where_subquery, statement, run_query, is_incremental...
std::string_view InternalMacrosSource();

absl::StatusOr<std::shared_ptr<Manifest>> ParseManifest(const project::LoadedProject& project,
                                                        const ParseOptions& options);

}  // namespace flinkdbt::compile

#endif  // FLINKDBT_COMPILE_PARSER_H_
