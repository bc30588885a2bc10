// The catalog interface the checker resolves relation names against, an in-memory implementation,
// and the one shared definition of Confluent Cloud's `examples` catalog (the `marketplace`
// database's orders, customers, products and clicks streams), reused by the embedded engine.
//
// A Catalog is read concurrently by checkers on several threads: implementations must be
// thread-safe for const calls. InMemoryCatalog is safe to read once populated.
#ifndef FLINKDBT_SQL_CATALOG_H_
#define FLINKDBT_SQL_CATALOG_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/sql/types.h"

namespace flinkdbt::sql {

struct CatalogColumn {
  std::string name;
  DataType type;  // a rowtime column has type.time_attribute == kRowtime (it has a watermark)
  // System columns such as Confluent's `$rowtime`: selectable by name, not part of SELECT *.
  bool hidden = false;
  // Computed or METADATA VIRTUAL columns cannot be written by INSERT (not enforced by the checker).
  bool generated = false;
};

enum class RelationKind { kTable, kView, kMaterializedTable };

struct Relation {
  std::string catalog;
  std::string database;
  std::string name;
  RelationKind kind = RelationKind::kTable;
  std::vector<CatalogColumn> columns;
  std::vector<std::string> primary_key;
  std::optional<std::string> watermark_column;  // also marked on the column's type
  // False when the caller knows the relation exists but not its columns: every column reference
  // into it is accepted and typed as unknown, and the outcome is "unchecked".
  bool columns_known = true;

  const CatalogColumn* FindColumn(std::string_view column) const;
};

enum class LookupStatus {
  kFound,
  kNotFound,  // the catalog is authoritative and the relation does not exist
  kUnknown,   // the catalog cannot tell (e.g. any Kafka topic may be a table on a cloud target)
};

struct LookupResult {
  LookupStatus status = LookupStatus::kNotFound;
  std::shared_ptr<const Relation> relation;  // set when kFound
};

// Resolves one- to three-part names ([catalog.][database.]name); the implementation applies its
// current catalog and database to shorter names. Flink identifiers are case-sensitive.
class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual LookupResult Lookup(const std::vector<std::string>& name_parts) const = 0;
};

// A catalog held in memory: relations by catalog.database.name, with a current catalog and
// database for shorter names, and optional fallbacks for names it does not hold.
class InMemoryCatalog : public Catalog {
 public:
  InMemoryCatalog(std::string current_catalog = "default_catalog",
                  std::string current_database = "default_database");

  // Adds or replaces `relation` (its catalog/database default to the current ones when empty).
  void Add(Relation relation);
  // What Lookup answers for names not held here (default kNotFound).
  void set_missing_status(LookupStatus status) { missing_ = status; }
  // Another catalog consulted for names not held here (e.g. the examples catalog); not owned.
  void set_fallback(const Catalog* fallback) { fallback_ = fallback; }

  const std::string& current_catalog() const { return current_catalog_; }
  const std::string& current_database() const { return current_database_; }

  LookupResult Lookup(const std::vector<std::string>& name_parts) const override;

 private:
  std::string current_catalog_;
  std::string current_database_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Relation>> relations_;  // "cat\0db\0name"
  LookupStatus missing_ = LookupStatus::kNotFound;
  const Catalog* fallback_ = nullptr;
};

// Confluent Cloud's `examples`.`marketplace` tables (orders, customers, products, clicks), each
// with the `$rowtime` system column (TIMESTAMP_LTZ(3) NOT NULL *ROWTIME*, hidden) that carries the
// watermark. The single definition the checker and the embedded engine share.
std::vector<Relation> ExampleMarketplaceRelations();

// An InMemoryCatalog holding only the examples tables, with current catalog `examples` and
// database `marketplace`; use it as a fallback of the project's catalog.
std::unique_ptr<InMemoryCatalog> MakeExamplesCatalog();

}  // namespace flinkdbt::sql

#endif  // FLINKDBT_SQL_CATALOG_H_
