// YAML loading for dbt's files (dbt_project.yml, profiles.yml, schema.yml, selectors.yml,
// packages.yml) into Values that carry file:line:col. Scalars are typed the way PyYAML's SafeLoader
// (YAML 1.1) types them, which is what dbt sees: `yes`/`on` are booleans, `~` is null, quoted
// scalars stay strings. Duplicate keys in one mapping are an error, as in dbt. Pure and thread-safe.
#ifndef FLINKDBT_PROJECT_YAML_H_
#define FLINKDBT_PROJECT_YAML_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::project {

// Parses the first document of `text`. An empty document is Null. Errors are InvalidArgument with
// the location (file:line:col) of the problem attached and named in the message.
absl::StatusOr<Value> ParseYaml(std::string_view text, std::string_view file);

// Serialises a Value as YAML (block style), for `toyaml`.
std::string ToYaml(const Value& v);

// Error helper: an InvalidArgument carrying the location of `at` (FormatDiagnostic prints
// "file:line:col: error: message").
absl::Status ErrorAt(const Value& at, std::string_view message);
absl::Status ErrorAt(const SourceLocation& at, std::string_view message);

}  // namespace flinkdbt::project

#endif  // FLINKDBT_PROJECT_YAML_H_
