// schema.yml (dbt "properties" files): models, seeds, snapshots, analyses, macros, sources,
// exposures, unit tests, and data tests in every YAML form dbt 1.10 accepts, parsed into plain
// structs with the location of every entry. Validation errors name file:line:col. Thread-safe data.
#ifndef FLINKDBT_PROJECT_SCHEMA_H_
#define FLINKDBT_PROJECT_SCHEMA_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::project {

// One data test as written under `data_tests:`/`tests:` (any form).
struct TestSpec {
  std::string test_name;            // e.g. not_null, accepted_values, or dbt_utils.expression_is_true's name
  std::string namespace_;           // "dbt_utils" for `dbt_utils.expression_is_true`, else empty
  Value kwargs = Value::MakeMap();  // arguments (from `arguments:` or legacy top level)
  Value config = Value::MakeMap();  // `config:` plus legacy top-level config keys
  std::string custom_name;          // `name:`
  std::string description;
  std::string column_name;  // set when declared under a column
  SourceLocation location;
};

struct ColumnSpec {
  std::string name;
  std::string description;
  Value data_type;  // string or null
  Value quote;
  Value constraints = Value::MakeList();
  Value meta = Value::MakeMap();
  Value tags = Value::MakeList();
  Value config = Value::MakeMap();
  std::vector<TestSpec> data_tests;
  SourceLocation location;
};

// One entry of a model's `versions:` list (dbt's UnparsedVersion). Unset optional properties fall
// back to the model's.
struct VersionSpec {
  Value v;                 // as written: an int, a float or a string
  std::string defined_in;  // file stem of the version's model; empty: <name>_v<v>
  std::optional<std::string> description;
  Value config = Value::MakeMap();
  Value docs;              // Null: the model's
  Value access;            // Null: the model's
  Value constraints;       // Null: the model's
  Value deprecation_date;  // Null: the model's
  // Which of the model's columns the version keeps: `include` is "all"/"*" (Null means all) or a
  // list of names; `exclude` (only with all/*) removes names.
  Value include;
  Value exclude = Value::MakeList();
  std::vector<ColumnSpec> columns;                  // the version's own column entries
  std::optional<std::vector<TestSpec>> data_tests;  // nullopt: the model's data tests
  SourceLocation location;

  // "2", "1.5", "beta": how the version is spelled in unique ids, fqns and aliases.
  std::string formatted() const;
  bool Includes(std::string_view column) const;
};

// A `models:`/`seeds:`/`snapshots:`/`analyses:` entry (a "patch" of a node defined by a file).
struct NodePatch {
  std::string resource;  // model | seed | snapshot | analysis
  std::string name;
  std::string description;
  Value config = Value::MakeMap();
  std::vector<ColumnSpec> columns;
  std::vector<TestSpec> data_tests;
  Value docs = Value::MakeMap();
  Value access;
  Value constraints = Value::MakeList();
  Value latest_version;
  Value versions = Value::MakeList();      // as written
  std::vector<VersionSpec> version_specs;  // parsed `versions:` (models only)
  Value deprecation_date;
  Value meta = Value::MakeMap();
  Value tags = Value::MakeList();
  SourceLocation location;
};

struct MacroPatch {
  std::string name;
  std::string description;
  Value arguments = Value::MakeList();
  Value docs = Value::MakeMap();
  Value meta = Value::MakeMap();
  SourceLocation location;
};

struct SourceTableSpec {
  std::string name;
  std::string identifier;  // defaults to name
  std::string description;
  Value config = Value::MakeMap();
  Value freshness;  // absent -> Null with has_freshness false
  bool has_freshness = false;
  Value loaded_at_field;
  Value quoting = Value::MakeMap();
  Value meta = Value::MakeMap();
  Value tags = Value::MakeList();
  std::vector<ColumnSpec> columns;
  std::vector<TestSpec> data_tests;
  SourceLocation location;
};

struct SourceSpec {
  std::string name;
  std::string description;
  Value database;
  std::string schema;  // defaults to name
  std::string loader;
  Value quoting = Value::MakeMap();
  Value loaded_at_field;
  Value loaded_at_query;
  Value freshness;
  bool has_freshness = false;
  Value config = Value::MakeMap();
  Value meta = Value::MakeMap();
  Value tags = Value::MakeList();
  std::vector<SourceTableSpec> tables;
  SourceLocation location;
};

struct UnitTestInput {
  std::string input;  // "ref('x')", "source('a','b')" or "this"
  Value rows;         // list of dicts, csv string or sql string (Null when fixture is used)
  std::string format = "dict";
  std::string fixture;
  SourceLocation location;
};

struct UnitTestSpec {
  std::string name;
  std::string model;
  std::string description;
  std::vector<UnitTestInput> given;
  UnitTestInput expect;
  Value overrides = Value::MakeMap();
  Value config = Value::MakeMap();
  Value versions;
  Value raw;  // the entry as written
  SourceLocation location;
};

struct ExposureSpec {
  std::string name;
  std::string type;
  std::string label, maturity, url, description;
  Value owner = Value::MakeMap();
  std::vector<std::string> depends_on;  // "ref('x')" / "source('a','b')" strings
  Value meta = Value::MakeMap();
  Value tags = Value::MakeList();
  Value config = Value::MakeMap();
  SourceLocation location;
};

struct SchemaFile {
  std::string package;
  std::string original_file_path;
  std::vector<NodePatch> patches;  // models, seeds, snapshots, analyses
  std::vector<MacroPatch> macros;
  std::vector<SourceSpec> sources;
  std::vector<UnitTestSpec> unit_tests;
  std::vector<ExposureSpec> exposures;
  std::vector<TestSpec> top_level_data_tests;  // `data_tests:` at top level (1.10 unsupported: kept)
};

// Parses one properties file (already rendered: dbt renders only some keys of schema files at parse
// time; we keep Jinja strings as written and let the compile layer render the ones it must).
absl::StatusOr<SchemaFile> ParseSchemaFile(const Value& doc, std::string package,
                                           std::string original_file_path);

// Parses a data-test entry (`- not_null`, `- unique: {config: ...}`, `- accepted_values: {values: [...]}`,
// `- {test_name: x, name: custom}`, with `arguments:` or legacy top-level kwargs).
absl::StatusOr<TestSpec> ParseTestSpec(const Value& entry, const std::string& column_name);

}  // namespace flinkdbt::project

#endif  // FLINKDBT_PROJECT_SCHEMA_H_
