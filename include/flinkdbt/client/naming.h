// Statement names, labels and properties exactly as Confluent's Python adapter (dbt-confluent and
// its confluent-sql driver) builds them, so a project moved between the two sees the same
// statements. Pure functions, thread-safe.
#ifndef FLINKDBT_CLIENT_NAMING_H_
#define FLINKDBT_CLIENT_NAMING_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "flinkdbt/client/types.h"

namespace flinkdbt::client {

inline constexpr size_t kMaxStatementNameLength = 100;
inline constexpr std::string_view kDefaultStatementNamePrefix = "dbt-";
inline constexpr std::string_view kDefaultStatementLabel = "dbt-confluent";
inline constexpr std::string_view kLabelPrefix = "user.confluent.io/";
inline constexpr std::string_view kHiddenLabel = "user.confluent.io/hidden";

inline constexpr std::string_view kCatalogProperty = "sql.current-catalog";
inline constexpr std::string_view kDatabaseProperty = "sql.current-database";
inline constexpr std::string_view kSnapshotModeProperty = "sql.snapshot.mode";

// dbt-confluent's `sanitize_statement_name`: lowercase; every code point outside [a-z0-9-]
// becomes '-'; if anything was replaced, "-" + the first 6 hex digits of the MD5 of the original
// name is appended; leading '-' are stripped; a name longer than 100 is cut to 93 characters plus
// "-" + the 6-digit hash. An empty name is an error.
absl::StatusOr<std::string> SanitizeStatementName(std::string_view name);

// The deterministic name of a model's statement: sanitize(prefix + project + "-" + model + suffix),
// or sanitize(statement_name_override + suffix) when the model config overrides the name.
// `suffix` is "" , "-ddl" (streaming_table's CREATE) or "-<invocation_id>" (materialized_table).
absl::StatusOr<std::string> ModelStatementName(std::string_view prefix, std::string_view project,
                                               std::string_view model, std::string_view suffix = {},
                                               std::string_view statement_name_override = {});

// The name of a metadata or ad-hoc query: prefix + a random UUID4.
std::string AdHocStatementName(std::string_view prefix = kDefaultStatementNamePrefix);

// The labels every statement carries: {"user.confluent.io/<statement_label>": "true"}, plus
// {"user.confluent.io/hidden": "true"} for metadata queries.
std::map<std::string, std::string> StatementLabels(std::string_view statement_label, bool hidden);

// The label selector that lists the statements of one statement_label.
std::string LabelSelectorFor(std::string_view statement_label);

// `spec.properties` of a statement: the user's statement_properties, then sql.current-catalog and
// sql.current-database always, and sql.snapshot.mode=now in the snapshot modes. A reserved key in
// `user_properties` is an error ("'<key>' is a reserved system property").
absl::StatusOr<std::map<std::string, std::string>> ResolveStatementProperties(
    const std::map<std::string, std::string>& user_properties, std::string_view catalog,
    std::string_view database, ExecutionMode mode);

// True when `name` is a valid statement name (DNS-1123 subdomain, at most 100 characters).
bool IsValidStatementName(std::string_view name);

}  // namespace flinkdbt::client

#endif  // FLINKDBT_CLIENT_NAMING_H_
