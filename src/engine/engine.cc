// Engine: statement dispatch (queries, DDL, DML, SHOW/DESCRIBE, SET/USE) over the catalog.
#include "flinkdbt/engine/engine.h"

#include <chrono>

#include "absl/container/flat_hash_map.h"
#include "engine/binder.h"
#include "engine/builtins.h"
#include "engine/connectors.h"
#include "engine/functions.h"
#include "engine/persist.h"
#include "engine/plan.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/sql/parser.h"
#include "flinkdbt/sql/printer.h"
#include "fmt/format.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::StatementKind;

std::vector<std::string> StatementResult::FormatRow(const Row& row) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < row.size() && i < schema.size(); ++i) {
    const Value& v = row[i];
    if (v.kind() == ValueKind::kTimestampLtz) {
      int64_t local = v.millis() + UtcOffsetMillis(time_zone, v.millis());
      out.push_back(
          FormatTimestamp(local, v.nanos(), sql::IsTimestamp(schema[i].type) ? schema[i].type.precision : 3));
    } else {
      out.push_back(FormatValue(v, schema[i].type));
    }
  }
  return out;
}

namespace {

// An indented tree of plan nodes with their output columns, for EXPLAIN.
std::string ExplainPlan(const PlanNode& p, int depth = 0) {
  static const char* kNames[] = {"Values",         "TableScan",           "Calc",          "Filter", "Join",
                                 "GroupAggregate", "WindowTableFunction", "OverAggregate", "Rank",   "SetOp",
                                 "Sort",           "Correlate(UNNEST)",   "Empty"};
  std::string name = kNames[static_cast<int>(p.kind)];
  if (p.kind == PlanNode::Kind::kAggregate && p.window_aligned) name = "WindowAggregate";
  if (p.kind == PlanNode::Kind::kRank && p.window_aligned) name = "WindowRank";
  if (p.kind == PlanNode::Kind::kJoin && p.emit_at_end)
    name = p.interval_join ? "IntervalJoin" : "WindowJoin";
  std::string detail;
  if (p.kind == PlanNode::Kind::kScan && p.table)
    detail = fmt::format("table=[{}.{}.{}], ", p.table->catalog, p.table->database, p.table->name);
  if (p.kind == PlanNode::Kind::kRank && p.rank_limit >= 0)
    detail = fmt::format("rankRange=[1, {}], ", p.rank_limit);
  if (p.kind == PlanNode::Kind::kJoin) detail = fmt::format("equiKeys={}, ", p.left_keys.size());
  std::vector<std::string> cols;
  for (const auto& c : p.columns)
    if (!c.hidden) cols.push_back(c.name);
  std::string out =
      fmt::format("{}{}({}fields=[{}])\n", std::string(depth * 2, ' '), name, detail, fmt::join(cols, ", "));
  for (const auto& in : p.inputs) out += ExplainPlan(*in, depth + 1);
  return out;
}

}  // namespace

struct Engine::Impl {
  EngineOptions options;
  Catalog catalog;
  std::map<std::string, std::string> properties;
  std::unique_ptr<Store> store;  // persistent engines only

  int64_t Now() const {
    if (options.now) return options.now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  SessionInfo Session() const {
    SessionInfo s;
    s.time_zone = options.time_zone;
    s.now_millis = Now();
    return s;
  }

  absl::StatusOr<StatementResult> Execute(const sql::Statement& st, std::string_view text);
  absl::StatusOr<StatementResult> Query(const sql::Statement& st, std::string_view text);
  absl::StatusOr<StatementResult> CreateTable(const sql::Statement& st, std::string_view text);
  absl::StatusOr<StatementResult> CreateView(const sql::Statement& st, std::string_view text);
  absl::StatusOr<StatementResult> Insert(const sql::Statement& st, std::string_view text);
  absl::StatusOr<StatementResult> Drop(const sql::Statement& st);
  absl::StatusOr<StatementResult> Alter(const sql::Statement& st, std::string_view text);
  absl::StatusOr<StatementResult> Show(const sql::Statement& st);
  absl::StatusOr<StatementResult> Describe(const sql::Statement& st);

  absl::Status Err(const sql::Span& span, std::string_view msg) const {
    SourceLocation loc;
    loc.line = span.line;
    loc.column = span.column;
    return InvalidInputError(loc, msg);
  }
  std::string Slice(std::string_view text, const sql::Span& span) const {
    if (span.end <= span.begin || span.end > text.size()) return "";
    return std::string(text.substr(span.begin, span.end - span.begin));
  }
  absl::StatusOr<std::vector<std::string>> Names(const sql::ObjectName& n) const {
    std::vector<std::string> parts;
    for (const auto& p : n.parts) parts.push_back(p.name);
    auto q = catalog.Qualify(parts);
    if (!q.ok()) return Err(n.span, ToStd(q.status().message()));
    return q;
  }
  absl::StatusOr<Database*> WritableDatabase(const std::vector<std::string>& q, const sql::Span& span) {
    auto c = catalog.catalogs().find(q[0]);
    if (c == catalog.catalogs().end()) return Err(span, fmt::format("Catalog '{}' does not exist.", q[0]));
    if (c->second.read_only) return Err(span, fmt::format("Catalog '{}' is read-only.", q[0]));
    Database* db = catalog.FindDatabase(q[0], q[1]);
    if (!db) return Err(span, fmt::format("Database '{}' does not exist in catalog '{}'.", q[1], q[0]));
    return db;
  }
  absl::StatusOr<PlanPtr> Plan(const sql::Query& q, std::string_view text, const SessionInfo& session) {
    Binder binder(catalog, text, session);
    return binder.BindQuery(q, nullptr);
  }
  absl::Status Run(const PlanNode& plan, const SessionInfo& session, std::vector<Change>* out) {
    Executor ex(&session);
    return ex.Run(plan, {}, out);
  }
  // Applies `changes` to a stored table per its changelog.mode.
  absl::Status Write(CatalogObject& sink, const std::vector<Change>& changes,
                     const std::vector<int64_t>& rowtimes, const sql::Span& span);
};

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}
Engine::~Engine() = default;
Catalog& Engine::catalog() { return impl_->catalog; }
const EngineOptions& Engine::options() const { return impl_->options; }
const std::map<std::string, std::string>& Engine::session_properties() const { return impl_->properties; }

absl::StatusOr<StatementResult> Engine::Execute(std::string_view sql) {
  auto st = sql::ParseStatement(sql);
  if (!st.ok()) return st.status();
  auto r = impl_->Execute(**st, sql);
  if (r.ok() && r->changelog.empty() && !r->rows.empty()) {
    // SHOW / DESCRIBE / SET listings: their rows are also their (insert-only) changelog.
    for (const auto& row : r->rows) r->changelog.push_back(Change{RowKind::kInsert, row});
  }
  if (r.ok() && impl_->store && impl_->options.save_each_statement && r->kind != StatementResult::Kind::kQuery) {
    FLINKDBT_RETURN_IF_ERROR(impl_->store->Save(impl_->catalog));
  }
  return r;
}

absl::StatusOr<std::vector<StatementResult>> Engine::ExecuteScript(std::string_view sql) {
  auto script = sql::ParseScript(sql);
  if (!script.ok()) return script.status();
  std::vector<StatementResult> out;
  for (const auto& st : script->statements) {
    auto r = impl_->Execute(*st, sql);
    if (!r.ok()) return r.status();
    if (r->changelog.empty())
      for (const auto& row : r->rows) r->changelog.push_back(Change{RowKind::kInsert, row});
    out.push_back(std::move(*r));
  }
  if (impl_->store && impl_->options.save_each_statement) {
    FLINKDBT_RETURN_IF_ERROR(impl_->store->Save(impl_->catalog));
  }
  return out;
}

absl::Status Engine::Save() {
  if (!impl_->store) return absl::OkStatus();
  return impl_->store->Save(impl_->catalog);
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const std::string& folder, EngineOptions options) {
  auto engine = std::make_unique<Engine>(std::move(options));
  FLINKDBT_ASSIGN_OR_RETURN(engine->impl_->store, Store::Open(folder));
  FLINKDBT_RETURN_IF_ERROR(engine->impl_->store->Load(&engine->impl_->catalog));
  return engine;
}

// ---------------------------------------------------------------------------------------------

absl::StatusOr<StatementResult> Engine::Impl::Execute(const sql::Statement& st, std::string_view text) {
  switch (st.kind) {
    case StatementKind::kQuery:
      return Query(st, text);
    case StatementKind::kCreateTable:
    case StatementKind::kCreateMaterializedTable:
      return CreateTable(st, text);
    case StatementKind::kCreateView:
    case StatementKind::kCreateMaterializedView:
      return CreateView(st, text);
    case StatementKind::kInsert:
      return Insert(st, text);
    case StatementKind::kStatementSet: {
      StatementResult total;
      total.kind = StatementResult::Kind::kInsert;
      for (const auto& s : st.statements) {
        FLINKDBT_ASSIGN_OR_RETURN(auto r, Execute(*s, text));
        total.affected_rows += r.affected_rows;
      }
      total.message = "Statement set executed.";
      return total;
    }
    case StatementKind::kDrop:
      return Drop(st);
    case StatementKind::kAlterTable:
    case StatementKind::kAlterView:
    case StatementKind::kAlterMaterializedTable:
      return Alter(st, text);
    case StatementKind::kShow:
      return Show(st);
    case StatementKind::kDescribe:
      return Describe(st);
    case StatementKind::kCreateDatabase: {
      std::vector<std::string> parts;
      for (const auto& p : st.name.parts) parts.push_back(p.name);
      std::string cat = parts.size() == 2 ? parts[0] : catalog.current_catalog;
      auto c = catalog.catalogs().find(cat);
      if (c == catalog.catalogs().end())
        return Err(st.name.span, fmt::format("Catalog '{}' does not exist.", cat));
      if (c->second.read_only) return Err(st.name.span, fmt::format("Catalog '{}' is read-only.", cat));
      if (c->second.databases.count(parts.back())) {
        if (st.if_not_exists) return StatementResult{};
        return Err(st.name.span, fmt::format("Database {} already exists in Catalog {}.", parts.back(), cat));
      }
      c->second.databases[parts.back()];
      StatementResult r;
      r.message = fmt::format("Database '{}' created.", parts.back());
      return r;
    }
    case StatementKind::kCreateCatalog: {
      std::string name = st.name.parts.back().name;
      if (catalog.catalogs().count(name)) {
        if (st.if_not_exists) return StatementResult{};
        return Err(st.name.span, fmt::format("Catalog {} already exists.", name));
      }
      auto& c = catalog.catalogs()[name];
      c.databases["default"];
      for (const auto& p : st.options) c.options[p.key] = p.value;
      StatementResult r;
      r.message = fmt::format("Catalog '{}' created.", name);
      return r;
    }
    case StatementKind::kUse: {
      std::vector<std::string> parts;
      for (const auto& p : st.name.parts) parts.push_back(p.name);
      if (st.use_catalog) {
        if (!catalog.catalogs().count(parts[0]))
          return Err(st.name.span, fmt::format("Catalog '{}' does not exist.", parts[0]));
        catalog.current_catalog = parts[0];
        auto& dbs = catalog.catalogs()[parts[0]].databases;
        if (!dbs.count(catalog.current_database) && !dbs.empty())
          catalog.current_database = dbs.begin()->first;
      } else {
        std::string cat = parts.size() == 2 ? parts[0] : catalog.current_catalog;
        if (!catalog.FindDatabase(cat, parts.back()))
          return Err(st.name.span,
                     fmt::format("Database '{}' does not exist in catalog '{}'.", parts.back(), cat));
        catalog.current_catalog = cat;
        catalog.current_database = parts.back();
      }
      StatementResult r;
      r.kind = StatementResult::Kind::kSet;
      return r;
    }
    case StatementKind::kSet: {
      StatementResult r;
      r.kind = StatementResult::Kind::kSet;
      if (!st.set_key) {
        r.schema = {{"key", DataType::String(false)}, {"value", DataType::String(false)}};
        for (const auto& [k, v] : properties) r.rows.push_back({Value::String(k), Value::String(v)});
        return r;
      }
      std::string v = st.set_value.value_or("");
      if (*st.set_key == "table.local-time-zone" || *st.set_key == "sql.local-time-zone") {
        absl::Status ok = absl::OkStatus();
        if (v != "UTC" && v.find('/') == std::string::npos && v.rfind("GMT", 0) != 0)
          return Err(st.span, fmt::format("Invalid time zone '{}'", v));
        options.time_zone = v;
      }
      properties[*st.set_key] = v;
      return r;
    }
    case StatementKind::kReset: {
      if (st.set_key) {
        properties.erase(*st.set_key);
        if (*st.set_key == "table.local-time-zone" || *st.set_key == "sql.local-time-zone")
          options.time_zone = "UTC";
      } else {
        properties.clear();
        options.time_zone = "UTC";
      }
      StatementResult r;
      r.kind = StatementResult::Kind::kSet;
      return r;
    }
    case StatementKind::kExplain: {
      const sql::Query* q =
          st.query ? st.query.get() : (st.inner && st.inner->query ? st.inner->query.get() : nullptr);
      if (!q) return Err(st.span, "EXPLAIN needs a query or an INSERT ... SELECT");
      SessionInfo session = Session();
      FLINKDBT_ASSIGN_OR_RETURN(PlanPtr plan, Plan(*q, text, session));
      StatementResult r;
      r.kind = StatementResult::Kind::kQuery;
      r.schema = {{"plan", DataType::String(false)}};
      r.rows.push_back({Value::String("== Local Engine Plan ==\n" + ExplainPlan(*plan))});
      return r;
    }
    case StatementKind::kCreateFunction:
      return Err(st.span, "CREATE FUNCTION (user-defined functions) is not supported by the local engine");
  }
  return Err(st.span, "unsupported statement");
}

absl::StatusOr<StatementResult> Engine::Impl::Query(const sql::Statement& st, std::string_view text) {
  SessionInfo session = Session();
  FLINKDBT_ASSIGN_OR_RETURN(PlanPtr plan, Plan(*st.query, text, session));
  StatementResult r;
  r.kind = StatementResult::Kind::kQuery;
  r.time_zone = options.time_zone;
  std::vector<int> visible;
  for (size_t i = 0; i < plan->columns.size(); ++i) {
    if (plan->columns[i].hidden) continue;
    visible.push_back(static_cast<int>(i));
    r.schema.push_back(ResultColumn{plan->columns[i].name, plan->columns[i].type});
  }
  std::vector<Change> changes;
  absl::Status s = Run(*plan, session, &changes);
  if (!s.ok()) return Err(st.span, ToStd(s.message()));
  bool trim = visible.size() != plan->columns.size();
  for (auto& c : changes) {
    if (trim) {
      Row row;
      for (int i : visible) row.push_back(c.row[i]);
      c.row = std::move(row);
    }
    if (c.kind != RowKind::kInsert) r.insert_only = false;
  }
  r.rows = Executor::Materialize(changes);
  r.changelog = std::move(changes);
  r.ordered = !st.query->order_by.empty();
  return r;
}

absl::StatusOr<StatementResult> Engine::Impl::CreateTable(const sql::Statement& st, std::string_view text) {
  FLINKDBT_ASSIGN_OR_RETURN(auto q, Names(st.name));
  FLINKDBT_ASSIGN_OR_RETURN(Database * db, WritableDatabase(q, st.name.span));
  bool materialized = st.kind == StatementKind::kCreateMaterializedTable;
  if (db->objects.count(q[2])) {
    if (st.if_not_exists) {
      StatementResult r;
      r.message = fmt::format("Table '{}' already exists; skipped.", q[2]);
      return r;
    }
    if (!st.or_replace)
      return Err(st.name.span, fmt::format("Table (or view) {} already exists in Catalog {}.", q[2], q[0]));
  }
  auto obj = std::make_shared<CatalogObject>();
  obj->kind = materialized ? ObjectKind::kMaterializedTable : ObjectKind::kTable;
  obj->catalog = q[0];
  obj->database = q[1];
  obj->name = q[2];
  obj->temporary = st.temporary;
  if (st.comment) obj->comment = *st.comment;
  // LIKE: start from the source's schema and (unless EXCLUDING OPTIONS) its options.
  if (st.like) {
    FLINKDBT_ASSIGN_OR_RETURN(auto sq, Names(st.like->source));
    auto src = catalog.Find(sq);
    if (!src)
      return Err(st.like->source.span,
                 fmt::format("Source table '{}' of the LIKE clause not found.", fmt::join(sq, ".")));
    bool options = true, constraints = true, watermarks = true, generated = true, metadata = true,
         distribution = true;
    for (const auto& o : st.like->options) {
      std::string u = o;
      for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      bool inc = u.rfind("INCLUDING", 0) == 0;
      bool exc = u.rfind("EXCLUDING", 0) == 0;
      if (!inc && !exc) continue;
      auto set = [&](bool v) {
        if (u.find("ALL") != std::string::npos)
          options = constraints = watermarks = generated = metadata = distribution = v;
        if (u.find("OPTIONS") != std::string::npos) options = v;
        if (u.find("CONSTRAINTS") != std::string::npos) constraints = v;
        if (u.find("WATERMARKS") != std::string::npos) watermarks = v;
        if (u.find("GENERATED") != std::string::npos) generated = v;
        if (u.find("METADATA") != std::string::npos) metadata = v;
        if (u.find("DISTRIBUTION") != std::string::npos) distribution = v;
      };
      set(inc);
    }
    for (const auto& c : src->columns) {
      if (c.kind == ColumnKind::kComputed && !generated) continue;
      if (c.kind == ColumnKind::kMetadata && !metadata) continue;
      obj->columns.push_back(c);
    }
    if (constraints) obj->primary_key = src->primary_key;
    if (watermarks) obj->watermark = src->watermark;
    if (distribution) obj->distribution = src->distribution;
    if (options) obj->options = src->options;
    if (src->kind != ObjectKind::kTable) obj->options.clear();
  }
  SessionInfo session = Session();
  // Columns.
  Scope phys_scope;
  for (const auto& c : st.columns) {
    for (const auto& existing : obj->columns)
      if (existing.name == c.name.name)
        return Err(c.name.span, fmt::format("A column named '{}' already exists in the table.", c.name.name));
    ColumnDef d;
    d.name = c.name.name;
    d.comment = c.comment.value_or("");
    if (c.kind == sql::ColumnKind::kComputed) {
      d.kind = ColumnKind::kComputed;
      d.expr_sql = Slice(text, c.expr->span);
    } else {
      d.type = c.type.WithoutTimeAttribute();
      if (c.kind == sql::ColumnKind::kMetadata) {
        d.kind = ColumnKind::kMetadata;
        d.metadata_key = c.metadata_key.value_or(c.name.name);
        d.is_virtual = c.is_virtual;
      }
    }
    if (c.primary_key) obj->primary_key = {c.name.name};
    obj->columns.push_back(d);
  }
  // Computed column types: bind over the physical columns.
  {
    std::vector<int> phys = obj->PhysicalColumns();
    for (size_t i = 0; i < phys.size(); ++i)
      phys_scope.cols.push_back(
          ScopeColumn{"", obj->columns[phys[i]].name, obj->columns[phys[i]].type, static_cast<int>(i)});
    phys_scope.cols.push_back(
        ScopeColumn{"", "$rowtime", DataType::TimestampLtz(3, false), static_cast<int>(phys.size()), true});
    for (auto& c : obj->columns) {
      if (c.kind != ColumnKind::kComputed || !(c.type.root == sql::TypeRoot::kNull)) continue;
      auto e = sql::ParseExpression(c.expr_sql);
      if (!e.ok()) return Err(st.span, ToStd(e.status().message()));
      Binder b(catalog, c.expr_sql, session);
      auto bound = b.BindScalar(**e, phys_scope);
      if (!bound.ok()) return Err(st.span, ToStd(bound.status().message()));
      c.type = (*bound)->type.WithoutTimeAttribute();
    }
  }
  if (st.primary_key) {
    obj->primary_key.clear();
    for (const auto& c : st.primary_key->columns) obj->primary_key.push_back(c.name);
  }
  for (const auto& k : obj->primary_key) {
    bool found = false;
    for (auto& c : obj->columns)
      if (c.name == k) {
        found = true;
        c.type.nullable = false;
      }
    if (!found && !st.query)
      return Err(st.primary_key ? st.primary_key->span : st.span,
                 fmt::format("Primary key column '{}' is not defined in the table.", k));
  }
  if (st.watermark) {
    obj->watermark = WatermarkDef{st.watermark->column.name, Slice(text, st.watermark->expr->span)};
  }
  if (st.distribution) {
    DistributionDef d;
    d.algorithm = st.distribution->algorithm;
    for (const auto& c : st.distribution->columns) d.columns.push_back(c.name);
    d.buckets = st.distribution->buckets;
    obj->distribution = d;
  }
  for (const auto& p : st.partitioned_by) obj->partitioned_by.push_back(p.name);
  for (const auto& p : st.options) obj->options[p.key] = p.value;
  for (const auto& c : st.table_clauses) obj->options[c.key] = c.value ? Slice(text, c.value->span) : "";
  // CTAS: the query's columns follow the declared ones; its rows are inserted.
  std::vector<Change> changes;
  std::vector<int64_t> rowtimes;
  bool updating = false;
  if (st.query) {
    FLINKDBT_ASSIGN_OR_RETURN(PlanPtr plan, Plan(*st.query, text, session));
    std::vector<int> visible;
    int rowtime_col = -1;
    for (size_t i = 0; i < plan->columns.size(); ++i) {
      const auto& pc = plan->columns[i];
      if (pc.hidden) continue;
      if (pc.type.time_attribute == sql::TimeAttribute::kRowtime && rowtime_col < 0)
        rowtime_col = static_cast<int>(i);
      visible.push_back(static_cast<int>(i));
      bool declared = false;
      for (const auto& c : obj->columns) declared = declared || c.name == pc.name;
      if (!declared) obj->columns.push_back(ColumnDef{pc.name, pc.type.WithoutTimeAttribute()});
    }
    if (materialized) obj->query_sql = Slice(text, st.query->span);
    std::vector<Change> out;
    absl::Status s = Run(*plan, session, &out);
    if (!s.ok()) return Err(st.span, ToStd(s.message()));
    // Map query columns onto the table's physical columns by name.
    std::vector<int> phys = obj->PhysicalColumns();
    int64_t now = Now();
    for (auto& c : out) {
      if (c.kind != RowKind::kInsert) updating = true;
      Row row(phys.size());
      for (size_t k = 0; k < phys.size(); ++k) {
        for (size_t v = 0; v < visible.size(); ++v)
          if (plan->columns[visible[v]].name == obj->columns[phys[k]].name) {
            EvalContext ctx;
            ctx.session = &session;
            row[k] = CastValue(c.row[visible[v]], plan->columns[visible[v]].type, obj->columns[phys[k]].type,
                               true, ctx);
          }
      }
      rowtimes.push_back(rowtime_col >= 0 && !c.row[rowtime_col].is_null() ? c.row[rowtime_col].millis()
                                                                           : now);
      changes.push_back(Change{c.kind, std::move(row)});
    }
    if (updating && obj->primary_key.empty() && !obj->options.count("changelog.mode"))
      obj->options["changelog.mode"] = "retract";
  }
  if (materialized && !st.query) return Err(st.span, "CREATE MATERIALIZED TABLE needs AS <query>");
  for (const auto& k : obj->primary_key) {
    bool found = false;
    for (auto& c : obj->columns)
      if (c.name == k) {
        found = true;
        c.type.nullable = false;
      }
    if (!found)
      return Err(st.primary_key ? st.primary_key->span : st.span,
                 fmt::format("Primary key column '{}' is not defined in the table.", k));
  }
  FLINKDBT_RETURN_IF_ERROR(ValidateConnectorOptions(*obj).ok()
                               ? absl::OkStatus()
                               : Err(st.span, ToStd(ValidateConnectorOptions(*obj).message())));
  if (obj->options.count("changelog.mode")) {
    const std::string& m = obj->options["changelog.mode"];
    if (m != "append" && m != "upsert" && m != "retract")
      return Err(st.span,
                 fmt::format("Invalid value '{}' for option 'changelog.mode' (append, upsert, retract)", m));
    if (m == "upsert" && obj->primary_key.empty())
      return Err(st.span, "changelog.mode 'upsert' needs a PRIMARY KEY");
  }
  if (!changes.empty()) FLINKDBT_RETURN_IF_ERROR(Write(*obj, changes, rowtimes, st.span));
  db->objects[q[2]] = obj;
  StatementResult r;
  r.message = fmt::format("Table '{}' created.", q[2]);
  r.affected_rows = static_cast<int64_t>(changes.size());
  return r;
}

absl::StatusOr<StatementResult> Engine::Impl::CreateView(const sql::Statement& st, std::string_view text) {
  FLINKDBT_ASSIGN_OR_RETURN(auto q, Names(st.name));
  FLINKDBT_ASSIGN_OR_RETURN(Database * db, WritableDatabase(q, st.name.span));
  if (db->objects.count(q[2]) && !st.or_replace) {
    if (st.if_not_exists) return StatementResult{};
    return Err(st.name.span, fmt::format("Table (or view) {} already exists in Catalog {}.", q[2], q[0]));
  }
  SessionInfo session = Session();
  FLINKDBT_ASSIGN_OR_RETURN(PlanPtr plan, Plan(*st.query, text, session));
  auto obj = std::make_shared<CatalogObject>();
  obj->kind =
      st.kind == StatementKind::kCreateMaterializedView ? ObjectKind::kMaterializedView : ObjectKind::kView;
  obj->catalog = q[0];
  obj->database = q[1];
  obj->name = q[2];
  obj->temporary = st.temporary;
  obj->query_sql = Slice(text, st.query->span);
  if (st.comment) obj->comment = *st.comment;
  for (const auto& p : st.options) obj->options[p.key] = p.value;
  std::vector<const PlanColumn*> cols;
  for (const auto& c : plan->columns)
    if (!c.hidden) cols.push_back(&c);
  if (!st.column_names.empty() && st.column_names.size() != cols.size())
    return Err(st.span, fmt::format("View '{}' declares {} columns but its query returns {}.", q[2],
                                    st.column_names.size(), cols.size()));
  for (size_t i = 0; i < cols.size(); ++i)
    obj->columns.push_back(
        ColumnDef{st.column_names.empty() ? cols[i]->name : st.column_names[i].name, cols[i]->type});
  db->objects[q[2]] = obj;
  StatementResult r;
  r.message = fmt::format("View '{}' created.", q[2]);
  return r;
}

absl::Status Engine::Impl::Write(CatalogObject& sink, const std::vector<Change>& changes,
                                 const std::vector<int64_t>& rowtimes, const sql::Span& span) {
  ChangelogMode mode = sink.changelog_mode();
  auto& data = sink.data;
  if (mode == ChangelogMode::kAppend) {
    for (const auto& c : changes)
      if (c.kind != RowKind::kInsert)
        return Err(span, fmt::format("Table sink '{}.{}.{}' doesn't support consuming update and delete "
                                     "changes; declare a PRIMARY KEY "
                                     "(upsert) or set 'changelog.mode' = 'retract'.",
                                     sink.catalog, sink.database, sink.name));
  }
  if (mode != ChangelogMode::kUpsert) {
    data.log.insert(data.log.end(), changes.begin(), changes.end());
    data.rowtimes.insert(data.rowtimes.end(), rowtimes.begin(), rowtimes.end());
    return absl::OkStatus();
  }
  // Upsert by primary key, normalized into +I/-U/+U/-D.
  std::vector<int> phys = sink.PhysicalColumns();
  std::vector<int> key_idx;
  for (const auto& k : sink.primary_key)
    for (size_t i = 0; i < phys.size(); ++i)
      if (sink.columns[phys[i]].name == k) key_idx.push_back(static_cast<int>(i));
  absl::flat_hash_map<Row, Row, RowHash, RowEq> current;
  for (const auto& [row, t] : data.Current()) {
    Row key;
    for (int i : key_idx) key.push_back(row[i]);
    current[key] = row;
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    Row key;
    for (int k : key_idx) key.push_back(c.row[k]);
    int64_t t = i < rowtimes.size() ? rowtimes[i] : 0;
    auto it = current.find(key);
    if (c.kind == RowKind::kUpdateBefore) continue;
    if (c.kind == RowKind::kDelete) {
      if (it == current.end()) continue;
      data.log.push_back(Change{RowKind::kDelete, it->second});
      data.rowtimes.push_back(t);
      current.erase(it);
      continue;
    }
    if (it == current.end()) {
      data.log.push_back(Change{RowKind::kInsert, c.row});
      data.rowtimes.push_back(t);
      current[key] = c.row;
    } else {
      data.log.push_back(Change{RowKind::kUpdateBefore, it->second});
      data.rowtimes.push_back(t);
      data.log.push_back(Change{RowKind::kUpdateAfter, c.row});
      data.rowtimes.push_back(t);
      it->second = c.row;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<StatementResult> Engine::Impl::Insert(const sql::Statement& st, std::string_view text) {
  FLINKDBT_ASSIGN_OR_RETURN(auto q, Names(st.name));
  auto sink = catalog.Find(q);
  if (!sink) return Err(st.name.span, fmt::format("Table '{}' does not exist.", fmt::join(q, ".")));
  if (sink->read_only) return Err(st.name.span, fmt::format("Table '{}' is read-only.", fmt::join(q, ".")));
  if (sink->kind != ObjectKind::kTable)
    return Err(st.name.span, fmt::format("'{}' is not a writable table.", fmt::join(q, ".")));
  if (!sink->connector().empty())
    return Err(st.name.span,
               fmt::format("Table '{}' uses the '{}' connector, which is a source only on the local target.",
                           q[2], sink->connector()));
  SessionInfo session = Session();
  FLINKDBT_ASSIGN_OR_RETURN(PlanPtr plan, Plan(*st.query, text, session));
  std::vector<int> phys = sink->PhysicalColumns();
  // Target columns: the list given, else every physical column in order.
  std::vector<int> targets;
  if (!st.column_names.empty()) {
    for (const auto& c : st.column_names) {
      int found = -1;
      for (size_t i = 0; i < phys.size(); ++i)
        if (sink->columns[phys[i]].name == c.name) found = static_cast<int>(i);
      if (found < 0) return Err(c.span, fmt::format("Unknown target column '{}'", c.name));
      targets.push_back(found);
    }
  } else {
    for (size_t i = 0; i < phys.size(); ++i) targets.push_back(static_cast<int>(i));
  }
  std::vector<int> visible;
  int rowtime_col = -1;
  for (size_t i = 0; i < plan->columns.size(); ++i) {
    if (plan->columns[i].hidden) continue;
    if (plan->columns[i].type.time_attribute == sql::TimeAttribute::kRowtime && rowtime_col < 0)
      rowtime_col = static_cast<int>(i);
    visible.push_back(static_cast<int>(i));
  }
  if (visible.size() != targets.size())
    return Err(
        st.span,
        fmt::format(
            "Column types of query result and sink for '{}' do not match: query has {} columns, sink has {}.",
            fmt::join(q, "."), visible.size(), targets.size()));
  for (size_t i = 0; i < targets.size(); ++i) {
    const DataType& from = plan->columns[visible[i]].type;
    const DataType& to = sink->columns[phys[targets[i]]].type;
    if (from.root != sql::TypeRoot::kNull &&
        !sql::SupportsImplicitCast(from.WithoutTimeAttribute(), to.WithNullable(true)) &&
        !(sql::IsCharacterString(from) && sql::IsCharacterString(to)) &&
        !(sql::IsNumeric(from) && sql::IsNumeric(to)) && !(sql::IsTimestamp(from) && sql::IsTimestamp(to)))
      return Err(st.span, fmt::format("Incompatible types for sink column '{}': query type {}, sink type {}.",
                                      sink->columns[phys[targets[i]]].name, sql::TypeToString(from),
                                      sql::TypeToString(to)));
  }
  std::vector<Change> out;
  absl::Status s = Run(*plan, session, &out);
  if (!s.ok()) return Err(st.span, ToStd(s.message()));
  std::vector<Change> changes;
  std::vector<int64_t> rowtimes;
  int64_t now = Now();
  EvalContext ctx;
  ctx.session = &session;
  for (auto& c : out) {
    Row row(phys.size());
    for (size_t i = 0; i < targets.size(); ++i) {
      const DataType& to = sink->columns[phys[targets[i]]].type;
      Value v = CastValue(c.row[visible[i]], plan->columns[visible[i]].type, to, false, ctx);
      if (!ctx.error.ok()) return Err(st.span, ToStd(ctx.error.message()));
      if (v.is_null() && !to.nullable)
        return Err(st.span,
                   fmt::format("Column '{}' is NOT NULL, however, a null value is being written into it.",
                               sink->columns[phys[targets[i]]].name));
      row[targets[i]] = std::move(v);
    }
    rowtimes.push_back(rowtime_col >= 0 && !c.row[rowtime_col].is_null() ? c.row[rowtime_col].millis() : now);
    changes.push_back(Change{c.kind, std::move(row)});
  }
  if (st.overwrite) {
    sink->data.log.clear();
    sink->data.rowtimes.clear();
  }
  FLINKDBT_RETURN_IF_ERROR(Write(*sink, changes, rowtimes, st.span));
  StatementResult r;
  r.kind = StatementResult::Kind::kInsert;
  r.affected_rows = static_cast<int64_t>(changes.size());
  r.message = fmt::format("{} changes written to '{}'.", changes.size(), q[2]);
  return r;
}

absl::StatusOr<StatementResult> Engine::Impl::Drop(const sql::Statement& st) {
  std::vector<std::string> parts;
  for (const auto& p : st.name.parts) parts.push_back(p.name);
  std::string what = st.drop_object;
  StatementResult r;
  if (what == "DATABASE") {
    std::string cat = parts.size() == 2 ? parts[0] : catalog.current_catalog;
    auto c = catalog.catalogs().find(cat);
    if (c == catalog.catalogs().end() || !c->second.databases.count(parts.back())) {
      if (st.if_exists) return r;
      return Err(st.name.span,
                 fmt::format("Database '{}' does not exist in catalog '{}'.", parts.back(), cat));
    }
    if (c->second.read_only) return Err(st.name.span, fmt::format("Catalog '{}' is read-only.", cat));
    if (!c->second.databases[parts.back()].objects.empty() && !st.cascade)
      return Err(st.name.span, fmt::format("Database '{}' is not empty (use CASCADE).", parts.back()));
    if (cat == catalog.current_catalog && parts.back() == catalog.current_database)
      return Err(st.name.span, "Cannot drop the current database.");
    c->second.databases.erase(parts.back());
    return r;
  }
  if (what == "CATALOG") {
    if (!catalog.catalogs().count(parts[0])) {
      if (st.if_exists) return r;
      return Err(st.name.span, fmt::format("Catalog '{}' does not exist.", parts[0]));
    }
    if (parts[0] == catalog.current_catalog || catalog.catalogs()[parts[0]].read_only)
      return Err(st.name.span, fmt::format("Cannot drop catalog '{}'.", parts[0]));
    catalog.catalogs().erase(parts[0]);
    return r;
  }
  if (what == "FUNCTION" || what == "TEMPORARY FUNCTION" || what == "TEMPORARY SYSTEM FUNCTION") {
    if (st.if_exists) return r;
    return Err(st.name.span, fmt::format("Function '{}' does not exist.", parts.back()));
  }
  FLINKDBT_ASSIGN_OR_RETURN(auto q, Names(st.name));
  auto obj = catalog.Find(q);
  if (!obj) {
    if (st.if_exists) return r;
    std::string noun = what.find("VIEW") != std::string::npos ? "View" : "Table";
    return Err(st.name.span, fmt::format("{} with identifier '{}' does not exist.", noun, fmt::join(q, ".")));
  }
  bool want_view = what.find("VIEW") != std::string::npos;
  bool is_view = obj->kind == ObjectKind::kView || obj->kind == ObjectKind::kMaterializedView;
  if (want_view != is_view)
    return Err(st.name.span, fmt::format("'{}' is a {}, not a {}; use DROP {}.", fmt::join(q, "."),
                                         ObjectKindName(obj->kind), want_view ? "view" : "table",
                                         ObjectKindName(obj->kind)));
  FLINKDBT_ASSIGN_OR_RETURN(Database * db, WritableDatabase(q, st.name.span));
  db->objects.erase(q[2]);
  r.message = fmt::format("{} '{}' dropped.", ObjectKindName(obj->kind), q[2]);
  return r;
}

absl::StatusOr<StatementResult> Engine::Impl::Alter(const sql::Statement& st, std::string_view text) {
  FLINKDBT_ASSIGN_OR_RETURN(auto q, Names(st.name));
  auto obj = catalog.Find(q);
  if (!obj) {
    if (st.if_exists) return StatementResult{};
    return Err(st.name.span, fmt::format("Table '{}' does not exist.", fmt::join(q, ".")));
  }
  FLINKDBT_ASSIGN_OR_RETURN(Database * db, WritableDatabase(q, st.name.span));
  switch (st.alter_action) {
    case sql::AlterAction::kSet:
      for (const auto& p : st.options) obj->options[p.key] = p.value;
      break;
    case sql::AlterAction::kReset:
      for (const auto& k : st.reset_keys) obj->options.erase(k);
      break;
    case sql::AlterAction::kRenameTable: {
      std::string to = st.new_name.parts.back().name;
      if (db->objects.count(to))
        return Err(st.new_name.span, fmt::format("Table (or view) {} already exists.", to));
      db->objects.erase(q[2]);
      obj->name = to;
      db->objects[to] = obj;
      break;
    }
    case sql::AlterAction::kAdd:
    case sql::AlterAction::kModify: {
      for (const auto& c : st.columns) {
        ColumnDef d{c.name.name, c.type.WithoutTimeAttribute()};
        if (c.kind == sql::ColumnKind::kComputed) {
          d.kind = ColumnKind::kComputed;
          d.expr_sql = Slice(text, c.expr->span);
          d.type = DataType::String();
        }
        bool exists = false;
        for (auto& e : obj->columns)
          if (e.name == d.name) {
            exists = true;
            if (st.alter_action == sql::AlterAction::kModify) e = d;
          }
        if (exists && st.alter_action == sql::AlterAction::kAdd)
          return Err(c.span, fmt::format("Column '{}' already exists in the table.", d.name));
        if (!exists && st.alter_action == sql::AlterAction::kModify)
          return Err(c.span, fmt::format("Column '{}' does not exist in the table.", d.name));
        if (!exists) {
          obj->columns.push_back(d);
          if (d.kind == ColumnKind::kPhysical)
            for (auto& ch : obj->data.log) ch.row.push_back(Value::Null());
        }
      }
      if (st.watermark)
        obj->watermark = WatermarkDef{st.watermark->column.name, Slice(text, st.watermark->expr->span)};
      if (st.primary_key) {
        obj->primary_key.clear();
        for (const auto& c : st.primary_key->columns) obj->primary_key.push_back(c.name);
      }
      break;
    }
    case sql::AlterAction::kDropWatermark:
      obj->watermark.reset();
      break;
    case sql::AlterAction::kDropPrimaryKey:
    case sql::AlterAction::kDropConstraint:
      obj->primary_key.clear();
      break;
    case sql::AlterAction::kAsQuery:
      obj->query_sql = Slice(text, st.query->span);
      break;
    default:
      return Err(st.span, "this ALTER form is not supported by the local engine");
  }
  StatementResult r;
  r.message = fmt::format("'{}' altered.", q[2]);
  return r;
}

namespace {

std::string ShowCreate(const CatalogObject& o) {
  std::string out;
  if (o.kind == ObjectKind::kView || o.kind == ObjectKind::kMaterializedView) {
    return fmt::format("CREATE {}{} `{}`.`{}`.`{}` AS {}", o.temporary ? "TEMPORARY " : "",
                       ObjectKindName(o.kind), o.catalog, o.database, o.name, o.query_sql);
  }
  out = fmt::format("CREATE {}{} `{}`.`{}`.`{}` (\n", o.temporary ? "TEMPORARY " : "", ObjectKindName(o.kind),
                    o.catalog, o.database, o.name);
  std::vector<std::string> lines;
  for (const auto& c : o.columns) {
    if (c.kind == ColumnKind::kComputed)
      lines.push_back(fmt::format("  `{}` AS {}", c.name, c.expr_sql));
    else if (c.kind == ColumnKind::kMetadata)
      lines.push_back(fmt::format("  `{}` {} METADATA FROM '{}'{}", c.name, sql::TypeToSqlString(c.type),
                                  c.metadata_key, c.is_virtual ? " VIRTUAL" : ""));
    else
      lines.push_back(fmt::format("  `{}` {}", c.name, sql::TypeToSqlString(c.type)));
  }
  if (o.watermark)
    lines.push_back(fmt::format("  WATERMARK FOR `{}` AS {}", o.watermark->column, o.watermark->expr_sql));
  if (!o.primary_key.empty()) {
    std::vector<std::string> k;
    for (const auto& c : o.primary_key) k.push_back("`" + c + "`");
    lines.push_back(fmt::format("  CONSTRAINT `PK_{}` PRIMARY KEY ({}) NOT ENFORCED",
                                fmt::join(o.primary_key, "_"), fmt::join(k, ", ")));
  }
  out += fmt::format("{}\n)", fmt::join(lines, ",\n"));
  if (!o.comment.empty()) out += fmt::format("\nCOMMENT '{}'", o.comment);
  if (o.distribution) {
    std::vector<std::string> k;
    for (const auto& c : o.distribution->columns) k.push_back("`" + c + "`");
    out += fmt::format("\nDISTRIBUTED BY {}({})", o.distribution->algorithm, fmt::join(k, ", "));
    if (o.distribution->buckets) out += fmt::format(" INTO {} BUCKETS", *o.distribution->buckets);
  }
  if (!o.options.empty()) {
    std::vector<std::string> opts;
    for (const auto& [k, v] : o.options) opts.push_back(fmt::format("  '{}' = '{}'", k, v));
    out += fmt::format("\nWITH (\n{}\n)", fmt::join(opts, ",\n"));
  }
  if (!o.query_sql.empty()) out += "\nAS " + o.query_sql;
  return out;
}

bool LikeMatch(const std::string& s, const std::string& pattern, bool ci) {
  // SQL LIKE with % and _.
  std::function<bool(size_t, size_t)> m = [&](size_t i, size_t j) -> bool {
    if (j == pattern.size()) return i == s.size();
    if (pattern[j] == '%') {
      for (size_t k = i; k <= s.size(); ++k)
        if (m(k, j + 1)) return true;
      return false;
    }
    if (i == s.size()) return false;
    char a = s[i], b = pattern[j];
    if (ci) {
      a = static_cast<char>(std::tolower(static_cast<unsigned char>(a)));
      b = static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
    }
    return (b == '_' || a == b) && m(i + 1, j + 1);
  };
  return m(0, 0);
}

}  // namespace

absl::StatusOr<StatementResult> Engine::Impl::Show(const sql::Statement& st) {
  StatementResult r;
  r.kind = StatementResult::Kind::kQuery;
  const std::string& what = st.show_what;
  auto one_col = [&](const std::string& name, const std::vector<std::string>& values) {
    r.schema = {{name, DataType::String(false)}};
    for (const auto& v : values) {
      if (st.like_pattern && LikeMatch(v, *st.like_pattern, st.ilike) == st.not_like) continue;
      r.rows.push_back({Value::String(v)});
    }
  };
  std::string cat = catalog.current_catalog, dbn = catalog.current_database;
  if (st.show_from) {
    std::vector<std::string> parts;
    for (const auto& p : st.show_from->parts) parts.push_back(p.name);
    if (what == "DATABASES")
      cat = parts.back();
    else if (parts.size() == 2) {
      cat = parts[0];
      dbn = parts[1];
    } else if (what == "TABLES" || what == "VIEWS" || what == "FUNCTIONS" || what == "MATERIALIZED TABLES") {
      dbn = parts[0];
    }
  }
  if (what == "CATALOGS") {
    std::vector<std::string> v;
    for (const auto& [k, c] : catalog.catalogs()) v.push_back(k);
    one_col("catalog name", v);
  } else if (what == "DATABASES") {
    auto c = catalog.catalogs().find(cat);
    if (c == catalog.catalogs().end()) return Err(st.span, fmt::format("Catalog '{}' does not exist.", cat));
    std::vector<std::string> v;
    for (const auto& [k, d] : c->second.databases) v.push_back(k);
    one_col("database name", v);
  } else if (what == "CURRENT CATALOG") {
    one_col("current catalog name", {catalog.current_catalog});
  } else if (what == "CURRENT DATABASE") {
    one_col("current database name", {catalog.current_database});
  } else if (what == "TABLES" || what == "VIEWS" || what == "MATERIALIZED TABLES") {
    Database* db = catalog.FindDatabase(cat, dbn);
    if (!db) return Err(st.span, fmt::format("Database '{}' does not exist in catalog '{}'.", dbn, cat));
    std::vector<std::string> v;
    for (const auto& [k, o] : db->objects) {
      bool view = o->kind == ObjectKind::kView || o->kind == ObjectKind::kMaterializedView;
      if (what == "VIEWS" && !view) continue;
      if (what == "MATERIALIZED TABLES" && o->kind != ObjectKind::kMaterializedTable) continue;
      v.push_back(k);
    }
    one_col(what == "VIEWS" ? "view name" : "table name", v);
  } else if (what == "FUNCTIONS") {
    std::vector<std::string> names = BuiltinFunctionNames();
    for (const char* agg : {"AVG",         "COUNT",      "FIRST_VALUE", "JSON_ARRAYAGG", "JSON_OBJECTAGG",
                            "LAG",         "LAST_VALUE", "LEAD",        "LISTAGG",       "MAX",
                            "MIN",         "RANK",       "DENSE_RANK",  "ROW_NUMBER",    "STDDEV_POP",
                            "STDDEV_SAMP", "SUM",        "VAR_POP",     "VAR_SAMP",      "TUMBLE",
                            "HOP",         "CUMULATE",   "SESSION"})
      names.push_back(agg);
    std::sort(names.begin(), names.end());
    one_col("function name", names);
  } else if (what == "USER FUNCTIONS") {
    one_col("function name", {});
  } else if (what.rfind("CREATE", 0) == 0) {
    FLINKDBT_ASSIGN_OR_RETURN(auto q, Names(st.name));
    auto o = catalog.Find(q);
    if (!o) return Err(st.name.span, fmt::format("Table or view '{}' does not exist.", fmt::join(q, ".")));
    one_col("SHOW CREATE " + std::string(ObjectKindName(o->kind)) + " result", {ShowCreate(*o)});
  } else if (what == "COLUMNS") {
    sql::Statement d;
    d.name = st.show_from ? *st.show_from : st.name;
    return Describe(d);
  } else if (what == "JOBS") {
    r.schema = {{"job id", DataType::String(false)},
                {"job name", DataType::String(false)},
                {"status", DataType::String(false)}};
  } else {
    return Err(st.span, fmt::format("SHOW {} is not supported by the local engine", what));
  }
  return r;
}

absl::StatusOr<StatementResult> Engine::Impl::Describe(const sql::Statement& st) {
  FLINKDBT_ASSIGN_OR_RETURN(auto q, Names(st.name));
  auto o = catalog.Find(q);
  if (!o)
    return Err(st.name.span,
               fmt::format("Table or view with identifier '{}' doesn't exist.", fmt::join(q, ".")));
  StatementResult r;
  r.kind = StatementResult::Kind::kQuery;
  DataType s = DataType::String(false);
  r.schema = {{"Column Name", s}, {"Data Type", s}, {"Nullable", s}, {"Extras", s}};
  for (const auto& c : o->columns) {
    std::vector<std::string> extras;
    if (std::find(o->primary_key.begin(), o->primary_key.end(), c.name) != o->primary_key.end())
      extras.push_back("PRIMARY KEY");
    if (o->distribution && std::find(o->distribution->columns.begin(), o->distribution->columns.end(),
                                     c.name) != o->distribution->columns.end())
      extras.push_back("BUCKET KEY");
    if (c.kind == ColumnKind::kComputed) extras.push_back("AS " + c.expr_sql);
    if (c.kind == ColumnKind::kMetadata)
      extras.push_back("METADATA FROM '" + c.metadata_key + "'" + (c.is_virtual ? " VIRTUAL" : ""));
    if (o->watermark && o->watermark->column == c.name)
      extras.push_back("WATERMARK AS " + o->watermark->expr_sql);
    if (!c.comment.empty()) extras.push_back("COMMENT '" + c.comment + "'");
    DataType t = c.type;
    if (o->watermark && o->watermark->column == c.name) t.time_attribute = sql::TimeAttribute::kRowtime;
    std::string type = sql::TypeToString(t.WithNullable(true));
    r.rows.push_back({Value::String(c.name), Value::String(type),
                      Value::String(c.type.nullable ? "NULL" : "NOT NULL"),
                      Value::String(fmt::format("{}", fmt::join(extras, ", ")))});
  }
  if (st.extended && o->kind == ObjectKind::kTable) {
    r.rows.push_back({Value::String("$rowtime"),
                      Value::String(o->watermark ? "TIMESTAMP_LTZ(3)" : "TIMESTAMP_LTZ(3) *ROWTIME*"),
                      Value::String("NOT NULL"),
                      // The examples tables print their SOURCE_WATERMARK() as Confluent's DESCRIBE
                      // EXTENDED does.
                      Value::String(o->connector() == "examples" ? "METADATA VIRTUAL, WATERMARK AS " +
                                                                       SystemWatermarkSql(*o) + ", SYSTEM"
                                                                 : "METADATA VIRTUAL, SYSTEM")});
  }
  return r;
}

}  // namespace flinkdbt::engine
