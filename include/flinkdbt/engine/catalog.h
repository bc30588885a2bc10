// The engine's catalog: catalogs hold databases, databases hold tables, views, materialized
// views and materialized tables. A table carries its schema (physical, computed and metadata
// columns), primary key, watermark, distribution, WITH options and, for a stored table, its data
// as a normalized changelog plus the `$rowtime` of each change.
//
// The read-only `examples` catalog (database `marketplace`) is built in. A Catalog is owned by
// one Engine and is not thread-safe; callers serialize statements.
#ifndef FLINKDBT_ENGINE_CATALOG_H_
#define FLINKDBT_ENGINE_CATALOG_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/engine/value.h"
#include "flinkdbt/sql/types.h"

namespace flinkdbt::engine {

enum class ObjectKind { kTable, kView, kMaterializedView, kMaterializedTable };
const char* ObjectKindName(ObjectKind kind);  // "TABLE", "VIEW", ...

enum class ColumnKind { kPhysical, kComputed, kMetadata };

struct ColumnDef {
  std::string name;
  sql::DataType type;
  ColumnKind kind = ColumnKind::kPhysical;
  std::string expr_sql;  // computed: the expression text
  std::string metadata_key;
  bool is_virtual = false;
  std::string comment;
};

struct WatermarkDef {
  std::string column;
  std::string expr_sql;
};

struct DistributionDef {
  std::string algorithm;
  std::vector<std::string> columns;
  std::optional<int64_t> buckets;
};

enum class ChangelogMode { kAppend, kUpsert, kRetract };
const char* ChangelogModeName(ChangelogMode mode);

struct CatalogObject;
// The watermark of a table's `$rowtime` system column when it declares none: Confluent's default
// for Kafka-backed tables, `SOURCE_WATERMARK`() for the read-only `examples` tables.
std::string SystemWatermarkSql(const CatalogObject& table);

struct TableData {
  std::vector<Change> log;        // normalized changelog (+I/-U/+U/-D), physical columns only
  std::vector<int64_t> rowtimes;  // `$rowtime` (epoch millis) of each change, parallel to log
  // The current rows (the log applied), with their `$rowtime`.
  std::vector<std::pair<Row, int64_t>> Current() const;
};

struct CatalogObject {
  ObjectKind kind = ObjectKind::kTable;
  std::string catalog, database, name;
  std::vector<ColumnDef> columns;
  std::vector<std::string> primary_key;
  std::optional<WatermarkDef> watermark;
  std::optional<DistributionDef> distribution;
  std::vector<std::string> partitioned_by;
  std::map<std::string, std::string> options;  // WITH (...)
  std::string comment;
  std::string query_sql;  // views, materialized views/tables: the defining query
  bool temporary = false;
  bool read_only = false;
  TableData data;

  // Physical (stored) column indices within `columns`.
  std::vector<int> PhysicalColumns() const;
  ChangelogMode changelog_mode() const;  // from 'changelog.mode', else upsert with PK, else append
  std::string connector() const;         // 'connector' option or "" (a stored table)
};

struct Database {
  std::map<std::string, std::shared_ptr<CatalogObject>> objects;
};

struct CatalogEntry {
  std::map<std::string, Database> databases;
  bool read_only = false;
  std::map<std::string, std::string> options;
};

// Every catalog of an engine, plus the session's current catalog and database.
class Catalog {
 public:
  Catalog();

  std::map<std::string, CatalogEntry>& catalogs() { return catalogs_; }
  const std::map<std::string, CatalogEntry>& catalogs() const { return catalogs_; }
  std::string current_catalog = "default_catalog";
  std::string current_database = "default_database";

  // Resolves a 1..3 part name against the current catalog/database.
  // Returns {catalog, database, object}.
  absl::StatusOr<std::vector<std::string>> Qualify(const std::vector<std::string>& parts) const;
  std::shared_ptr<CatalogObject> Find(const std::vector<std::string>& qualified) const;
  Database* FindDatabase(const std::string& catalog, const std::string& database);

 private:
  std::map<std::string, CatalogEntry> catalogs_;
};

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_CATALOG_H_
