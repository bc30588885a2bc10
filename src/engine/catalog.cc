#include "flinkdbt/engine/catalog.h"

#include "absl/container/flat_hash_map.h"
#include "engine/connectors.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

std::string SystemWatermarkSql(const CatalogObject& table) {
  return table.connector() == "examples" ? "`SOURCE_WATERMARK`()" : "`$rowtime` - INTERVAL '0.001' SECOND";
}

const char* ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kTable:
      return "TABLE";
    case ObjectKind::kView:
      return "VIEW";
    case ObjectKind::kMaterializedView:
      return "MATERIALIZED VIEW";
    case ObjectKind::kMaterializedTable:
      return "MATERIALIZED TABLE";
  }
  return "TABLE";
}

const char* ChangelogModeName(ChangelogMode mode) {
  switch (mode) {
    case ChangelogMode::kAppend:
      return "append";
    case ChangelogMode::kUpsert:
      return "upsert";
    case ChangelogMode::kRetract:
      return "retract";
  }
  return "append";
}

std::vector<std::pair<Row, int64_t>> TableData::Current() const {
  std::vector<std::pair<Row, int64_t>> rows;
  std::vector<bool> alive;
  absl::flat_hash_map<Row, std::vector<size_t>, RowHash, RowEq> where;
  for (size_t i = 0; i < log.size(); ++i) {
    const Change& c = log[i];
    if (IsAccumulate(c.kind)) {
      where[c.row].push_back(rows.size());
      rows.emplace_back(c.row, i < rowtimes.size() ? rowtimes[i] : 0);
      alive.push_back(true);
    } else {
      auto it = where.find(c.row);
      if (it == where.end() || it->second.empty()) continue;
      alive[it->second.back()] = false;
      it->second.pop_back();
    }
  }
  std::vector<std::pair<Row, int64_t>> out;
  for (size_t i = 0; i < rows.size(); ++i)
    if (alive[i]) out.push_back(std::move(rows[i]));
  return out;
}

std::vector<int> CatalogObject::PhysicalColumns() const {
  std::vector<int> out;
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].kind == ColumnKind::kPhysical) out.push_back(static_cast<int>(i));
  return out;
}

ChangelogMode CatalogObject::changelog_mode() const {
  auto it = options.find("changelog.mode");
  if (it != options.end()) {
    if (it->second == "upsert") return ChangelogMode::kUpsert;
    if (it->second == "retract") return ChangelogMode::kRetract;
    return ChangelogMode::kAppend;
  }
  return primary_key.empty() ? ChangelogMode::kAppend : ChangelogMode::kUpsert;
}

std::string CatalogObject::connector() const {
  auto it = options.find("connector");
  return it == options.end() ? "" : it->second;
}

Catalog::Catalog() {
  catalogs_["default_catalog"].databases["default_database"];
  CatalogEntry& ex = catalogs_["examples"];
  ex.read_only = true;
  for (auto& t : ExampleTables()) ex.databases[t->database].objects[t->name] = t;
}

absl::StatusOr<std::vector<std::string>> Catalog::Qualify(const std::vector<std::string>& parts) const {
  if (parts.empty() || parts.size() > 3)
    return absl::InvalidArgumentError("object names have one to three parts");
  if (parts.size() == 3) return parts;
  if (parts.size() == 2) return std::vector<std::string>{current_catalog, parts[0], parts[1]};
  return std::vector<std::string>{current_catalog, current_database, parts[0]};
}

namespace {

// INFORMATION_SCHEMA views over a catalog, materialized on demand (Confluent's shape, reduced).
std::shared_ptr<CatalogObject> InformationSchema(const Catalog& catalog, const std::string& cat,
                                                 const std::string& view) {
  auto cit = catalog.catalogs().find(cat);
  if (cit == catalog.catalogs().end()) return nullptr;
  auto obj = std::make_shared<CatalogObject>();
  obj->catalog = cat;
  obj->database = "INFORMATION_SCHEMA";
  obj->name = view;
  obj->read_only = true;
  auto col = [&](const char* name, sql::DataType t) { obj->columns.push_back(ColumnDef{name, t}); };
  auto S = [](const std::string& s) { return Value::String(s); };
  auto add = [&](Row r) {
    obj->data.log.push_back(Change{RowKind::kInsert, std::move(r)});
    obj->data.rowtimes.push_back(0);
  };
  const sql::DataType str = sql::DataType::String(false);
  const sql::DataType nstr = sql::DataType::String(true);
  if (view == "SCHEMATA") {
    col("CATALOG_ID", str);
    col("CATALOG_NAME", str);
    col("SCHEMA_ID", str);
    col("SCHEMA_NAME", str);
    for (const auto& [db, d] : cit->second.databases) add({S(cat), S(cat), S(db), S(db)});
  } else if (view == "TABLES") {
    col("TABLE_CATALOG_ID", str);
    col("TABLE_CATALOG", str);
    col("TABLE_SCHEMA_ID", str);
    col("TABLE_SCHEMA", str);
    col("TABLE_NAME", str);
    col("TABLE_TYPE", str);
    col("IS_DISTRIBUTED", str);
    col("DISTRIBUTION_ALGORITHM", nstr);
    col("DISTRIBUTION_BUCKETS", sql::DataType::Int(true));
    col("IS_WATERMARKED", str);
    col("WATERMARK_COLUMN", nstr);
    col("WATERMARK_EXPRESSION", nstr);
    col("WATERMARK_IS_HIDDEN", nstr);
    col("IS_MATERIALIZED", str);
    col("COMMENT", nstr);
    for (const auto& [db, d] : cit->second.databases) {
      for (const auto& [name, o] : d.objects) {
        std::string type = o->kind == ObjectKind::kView ? "VIEW" : "BASE TABLE";
        bool dist = o->distribution.has_value();
        bool wm = o->kind == ObjectKind::kTable;
        std::string wcol = o->watermark ? o->watermark->column : "$rowtime";
        std::string wexpr = o->watermark ? o->watermark->expr_sql : SystemWatermarkSql(*o);
        add({S(cat), S(cat), S(db), S(db), S(name), S(type), S(dist ? "YES" : "NO"),
             dist && !o->distribution->algorithm.empty() ? S(o->distribution->algorithm) : Value(),
             dist && o->distribution->buckets ? Value::Int(*o->distribution->buckets) : Value(),
             S(wm ? "YES" : "NO"), wm ? S(wcol) : Value(), wm ? S(wexpr) : Value(),
             wm ? S(o->watermark ? "NO" : "YES") : Value(),
             S(o->kind == ObjectKind::kMaterializedTable || o->kind == ObjectKind::kMaterializedView ? "YES"
                                                                                                     : "NO"),
             o->comment.empty() ? Value() : S(o->comment)});
      }
    }
  } else if (view == "COLUMNS") {
    col("TABLE_CATALOG_ID", str);
    col("TABLE_CATALOG", str);
    col("TABLE_SCHEMA_ID", str);
    col("TABLE_SCHEMA", str);
    col("TABLE_NAME", str);
    col("COLUMN_NAME", str);
    col("ORDINAL_POSITION", sql::DataType::Int(false));
    col("IS_NULLABLE", str);
    col("DATA_TYPE", str);
    col("FULL_DATA_TYPE", str);
    col("IS_HIDDEN", str);
    col("IS_GENERATED", str);
    col("GENERATION_EXPRESSION", nstr);
    col("IS_METADATA", str);
    col("METADATA_KEY", nstr);
    col("IS_PERSISTED", str);
    col("DISTRIBUTION_ORDINAL_POSITION", sql::DataType::Int(true));
    col("COMMENT", nstr);
    for (const auto& [db, d] : cit->second.databases) {
      for (const auto& [name, o] : d.objects) {
        int pos = 0;
        auto emit = [&](const ColumnDef& c, bool hidden) {
          ++pos;
          std::string full = sql::TypeToString(c.type);
          std::string base = full.substr(0, full.find_first_of("( "));
          Value dist_pos;
          if (o->distribution)
            for (size_t i = 0; i < o->distribution->columns.size(); ++i)
              if (o->distribution->columns[i] == c.name) dist_pos = Value::Int(static_cast<int64_t>(i) + 1);
          add({S(cat), S(cat), S(db), S(db), S(name), S(c.name), Value::Int(pos),
               S(c.type.nullable ? "YES" : "NO"), S(base), S(full), S(hidden ? "YES" : "NO"),
               S(c.kind == ColumnKind::kComputed ? "YES" : "NO"),
               c.kind == ColumnKind::kComputed ? S(c.expr_sql) : Value(),
               S(c.kind == ColumnKind::kMetadata ? "YES" : "NO"),
               c.kind == ColumnKind::kMetadata ? S(c.metadata_key.empty() ? c.name : c.metadata_key)
                                               : Value(),
               S(c.kind == ColumnKind::kComputed || c.is_virtual ? "NO" : "YES"), dist_pos,
               c.comment.empty() ? Value() : S(c.comment)});
        };
        for (const auto& c : o->columns) emit(c, false);
        if (o->kind == ObjectKind::kTable) {
          ColumnDef rt{
              "$rowtime", sql::DataType::TimestampLtz(3, false), ColumnKind::kMetadata, "", "timestamp",
              true};
          emit(rt, true);
        }
      }
    }
  } else if (view == "TABLE_OPTIONS") {
    col("TABLE_CATALOG_ID", str);
    col("TABLE_CATALOG", str);
    col("TABLE_SCHEMA_ID", str);
    col("TABLE_SCHEMA", str);
    col("TABLE_NAME", str);
    col("OPTION_KEY", str);
    col("OPTION_VALUE", str);
    for (const auto& [db, d] : cit->second.databases)
      for (const auto& [name, o] : d.objects)
        for (const auto& [k, v] : o->options) add({S(cat), S(cat), S(db), S(db), S(name), S(k), S(v)});
  } else {
    return nullptr;
  }
  return obj;
}

}  // namespace

std::shared_ptr<CatalogObject> Catalog::Find(const std::vector<std::string>& q) const {
  if (q.size() != 3) return nullptr;
  if (q[1] == "INFORMATION_SCHEMA") return InformationSchema(*this, q[0], q[2]);
  auto c = catalogs_.find(q[0]);
  if (c == catalogs_.end()) return nullptr;
  auto d = c->second.databases.find(q[1]);
  if (d == c->second.databases.end()) return nullptr;
  auto o = d->second.objects.find(q[2]);
  return o == d->second.objects.end() ? nullptr : o->second;
}

Database* Catalog::FindDatabase(const std::string& catalog, const std::string& database) {
  auto c = catalogs_.find(catalog);
  if (c == catalogs_.end()) return nullptr;
  auto d = c->second.databases.find(database);
  return d == c->second.databases.end() ? nullptr : &d->second;
}

}  // namespace flinkdbt::engine
