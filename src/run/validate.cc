#include "run/validate.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/sql/checker.h"
#include "fmt/format.h"
#include "run/project_commands.h"
#include "run/target_client.h"
#include "simdjson.h"

namespace flinkdbt::run {

namespace fs = std::filesystem;
using compile::Node;
using compile::ResourceType;
using project::Value;

// ---- source maps ----------------------------------------------------------------------------------

namespace {

struct TemplatePiece {
  size_t begin = 0, end = 0;  // byte range in the template
  bool tag = false;           // {{ }}, {% %} or {# #}
};

std::vector<TemplatePiece> SplitTemplate(std::string_view s) {
  std::vector<TemplatePiece> out;
  size_t i = 0, literal = 0;
  while (i + 1 < s.size()) {
    if (s[i] != '{' || (s[i + 1] != '{' && s[i + 1] != '%' && s[i + 1] != '#')) {
      ++i;
      continue;
    }
    char close = s[i + 1] == '{' ? '}' : s[i + 1];
    size_t j = i + 2;
    char quote = 0;
    for (; j + 1 < s.size(); ++j) {
      if (quote) {
        if (s[j] == '\\')
          ++j;
        else if (s[j] == quote)
          quote = 0;
      } else if (close != '#' && (s[j] == '\'' || s[j] == '"')) {
        quote = s[j];
      } else if (s[j] == close && s[j + 1] == '}') {
        break;
      }
    }
    size_t end = std::min(s.size(), j + 2);
    if (i > literal) out.push_back({literal, i, false});
    out.push_back({i, end, true});
    i = literal = end;
  }
  if (literal < s.size()) out.push_back({literal, s.size(), false});
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::vector<MapSegment> ApproximateSourceMap(std::string_view source, std::string_view output) {
  std::vector<MapSegment> map;
  size_t cursor = 0;
  size_t last_tag = 0;
  auto add = [&](size_t out, size_t src, bool literal) {
    if (!map.empty() && map.back().output_offset == out) map.pop_back();
    map.push_back({out, src, literal});
  };
  // Finds `text` (template bytes at `src`) at or after the cursor and records it.
  auto match = [&](size_t src, std::string_view text) -> bool {
    size_t at = output.find(text, cursor);
    if (at == std::string_view::npos) return false;
    if (at > cursor) add(cursor, last_tag, false);
    add(at, src, true);
    cursor = at + text.size();
    return true;
  };
  for (const TemplatePiece& p : SplitTemplate(source)) {
    if (p.tag) {
      // Only output-producing tags own the text they produce; block tags map to themselves too.
      last_tag = p.begin;
      continue;
    }
    size_t b = p.begin, e = p.end;
    while (b < e && IsSpace(source[b])) ++b;
    while (e > b && IsSpace(source[e - 1])) --e;
    if (b == e) continue;
    if (match(b, source.substr(b, e - b))) continue;
    // Line by line (whitespace control, loops and conditionals change what surrounds them).
    size_t line = b;
    while (line < e) {
      size_t nl = source.find('\n', line);
      size_t stop = nl == std::string_view::npos || nl > e ? e : nl;
      size_t lb = line, le = stop;
      while (lb < le && IsSpace(source[lb])) ++lb;
      while (le > lb && IsSpace(source[le - 1])) --le;
      if (le > lb) match(lb, source.substr(lb, le - lb));
      line = stop + 1;
    }
  }
  if (cursor < output.size()) add(cursor, last_tag, false);
  return map;
}

size_t MapOffset(const std::vector<MapSegment>& map, size_t offset) {
  if (map.empty()) return offset;
  auto it = std::upper_bound(map.begin(), map.end(), offset,
                             [](size_t off, const MapSegment& s) { return off < s.output_offset; });
  if (it == map.begin()) return map.front().source_offset;
  --it;
  return it->literal ? it->source_offset + (offset - it->output_offset) : it->source_offset;
}

void SourceMaps::Attach(graph::InvocationOptions& options) {
  auto previous = options.compile.source_map_sink;
  options.compile.source_map_sink = [this, previous](const Node& node,
                                                     std::vector<jinja::SourceMapEntry> map) {
    std::vector<MapSegment> segments;
    segments.reserve(map.size());
    for (const jinja::SourceMapEntry& e : map)
      segments.push_back({e.output_offset, e.source_offset, e.literal});
    {
      std::lock_guard<std::mutex> lock(mu_);
      maps_[node.unique_id] = std::move(segments);
    }
    if (previous) previous(node, std::move(map));
  };
}

std::optional<std::vector<MapSegment>> SourceMaps::Find(const std::string& unique_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = maps_.find(unique_id);
  if (it == maps_.end()) return std::nullopt;
  return it->second;
}

// ---- catalogs ---------------------------------------------------------------------------------------

namespace {

sql::DataType TypeOrRaw(std::string_view text) {
  absl::StatusOr<sql::DataType> type = sql::ParseDataType(text);
  if (type.ok()) return *type;
  sql::DataType raw = sql::DataType::Of(sql::TypeRoot::kRaw);
  raw.raw_name = std::string(text);
  return raw;
}

}  // namespace

TargetCatalog::TargetCatalog(materialize::RelationInspector& inspector, std::string catalog,
                             std::string database)
    : inspector_(inspector), catalog_(std::move(catalog)), database_(std::move(database)) {}

sql::LookupResult TargetCatalog::Lookup(const std::vector<std::string>& parts) const {
  sql::LookupResult result;
  if (parts.empty() || parts.size() > 3) return result;
  std::string c = parts.size() == 3 ? parts[0] : catalog_;
  std::string d = parts.size() >= 2 ? parts[parts.size() - 2] : database_;
  const std::string& n = parts.back();
  absl::StatusOr<std::optional<materialize::RelationInfo>> info = inspector_.Describe(c, d, n);
  if (!info.ok()) {
    result.status = sql::LookupStatus::kUnknown;
    return result;
  }
  if (!info->has_value()) return result;
  auto relation = std::make_shared<sql::Relation>();
  relation->catalog = c;
  relation->database = d;
  relation->name = n;
  for (const materialize::Column& col : (*info)->columns) {
    sql::CatalogColumn column;
    column.name = col.name;
    column.type = TypeOrRaw(col.data_type);
    if (column.type.time_attribute == sql::TimeAttribute::kRowtime) relation->watermark_column = col.name;
    relation->columns.push_back(std::move(column));
  }
  result.status = sql::LookupStatus::kFound;
  result.relation = std::move(relation);
  return result;
}

absl::StatusOr<std::unique_ptr<sql::InMemoryCatalog>> ReadLocalEngineCatalog(
    const std::string& folder, const std::string& current_catalog, const std::string& current_database) {
  auto catalog = std::make_unique<sql::InMemoryCatalog>(current_catalog, current_database);
  fs::path state = fs::path(folder) / "flinkdbt-engine.json";
  std::error_code ec;
  if (!fs::exists(state, ec)) return catalog;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(state.string()).get(doc) != simdjson::SUCCESS) {
    return absl::FailedPreconditionError(
        fmt::format("{} is not valid JSON; the local engine folder is corrupt", state.string()));
  }
  simdjson::dom::array catalogs;
  if (doc["catalogs"].get(catalogs) != simdjson::SUCCESS) return catalog;
  for (simdjson::dom::element c : catalogs) {
    std::string_view cname;
    simdjson::dom::array databases;
    if (c["name"].get(cname) || c["databases"].get(databases)) continue;
    for (simdjson::dom::element d : databases) {
      std::string_view dname;
      simdjson::dom::array objects;
      if (d["name"].get(dname) || d["objects"].get(objects)) continue;
      for (simdjson::dom::element o : objects) {
        std::string_view oname, kind;
        if (o["name"].get(oname)) continue;
        sql::Relation r;
        r.catalog = std::string(cname);
        r.database = std::string(dname);
        r.name = std::string(oname);
        if (!o["kind"].get(kind)) {
          r.kind = kind == "view" ? sql::RelationKind::kView
                   : kind == "materialized_table" || kind == "materialized table"
                       ? sql::RelationKind::kMaterializedTable
                       : sql::RelationKind::kTable;
        }
        std::string_view watermark;
        if (o["watermark"]["column"].get(watermark) == simdjson::SUCCESS)
          r.watermark_column = std::string(watermark);
        simdjson::dom::array columns;
        if (!o["columns"].get(columns)) {
          for (simdjson::dom::element col : columns) {
            std::string_view name, type, ckind;
            if (col["name"].get(name) || col["type"].get(type)) continue;
            sql::CatalogColumn column;
            column.name = std::string(name);
            column.type = TypeOrRaw(type);
            if (!col["kind"].get(ckind)) column.generated = ckind != "physical";
            if (r.watermark_column && *r.watermark_column == column.name)
              column.type.time_attribute = sql::TimeAttribute::kRowtime;
            r.columns.push_back(std::move(column));
          }
        }
        simdjson::dom::array key;
        if (!o["primary_key"].get(key)) {
          for (simdjson::dom::element k : key) {
            std::string_view s;
            if (!k.get(s)) r.primary_key.emplace_back(s);
          }
        }
        catalog->Add(std::move(r));
      }
    }
  }
  return catalog;
}

namespace {

// What the checker resolves names against: the project's own relations, then the `examples` tables,
// then the target's catalog (or "unknown" when it cannot be asked).
class ValidationCatalog : public sql::Catalog {
 public:
  ValidationCatalog(std::string catalog, std::string database)
      : project_(catalog, database), sources_(catalog, database), examples_(sql::MakeExamplesCatalog()) {}

  sql::LookupResult Lookup(const std::vector<std::string>& parts) const override {
    if (parts.empty() || parts.size() > 3) return {};
    std::vector<std::string> full = {
        parts.size() == 3 ? parts[0] : project_.current_catalog(),
        parts.size() >= 2 ? parts[parts.size() - 2] : project_.current_database(), parts.back()};
    return Resolve(full);
  }

  sql::InMemoryCatalog& project() { return project_; }
  sql::InMemoryCatalog& sources() { return sources_; }
  void set_external(const sql::Catalog* external) { external_ = external; }
  void set_missing(sql::LookupStatus missing) { missing_ = missing; }

 private:
  sql::LookupResult Resolve(const std::vector<std::string>& full) const {
    sql::LookupResult r = project_.Lookup(full);
    if (r.status == sql::LookupStatus::kFound) return r;
    r = examples_->Lookup(full);
    if (r.status == sql::LookupStatus::kFound) return r;
    r = External(full);
    if (r.status == sql::LookupStatus::kFound) return r;
    // A source the target's catalog cannot show, with its columns declared in schema.yml.
    sql::LookupResult declared = sources_.Lookup(full);
    return declared.status == sql::LookupStatus::kFound ? declared : r;
  }

  // The target's answer, asked once per name (a live catalog costs statements).
  sql::LookupResult External(const std::vector<std::string>& full) const {
    if (external_ == nullptr) return sql::LookupResult{missing_, nullptr};
    std::string key = fmt::format("{}\x1f{}\x1f{}", full[0], full[1], full[2]);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    sql::LookupResult r = external_->Lookup(full);
    cache_[key] = r;
    return r;
  }

  sql::InMemoryCatalog project_;
  sql::InMemoryCatalog sources_;
  std::unique_ptr<sql::InMemoryCatalog> examples_;
  const sql::Catalog* external_ = nullptr;
  sql::LookupStatus missing_ = sql::LookupStatus::kNotFound;
  mutable absl::flat_hash_map<std::string, sql::LookupResult> cache_;
};

std::string Str(const Value* v) {
  if (v == nullptr || v->is_null()) return "";
  return v->is_string() ? v->as_string() : v->ToPythonStr();
}

// The columns schema.yml declares with a data_type (name, type text), in order.
std::vector<std::pair<std::string, std::string>> DeclaredColumns(const Node& node) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!node.columns.is_map()) return out;
  for (const auto& [name, col] : node.columns.map()) {
    std::string type = Str(col.Find("data_type"));
    if (!type.empty()) out.emplace_back(name, type);
  }
  return out;
}

bool AllColumnsTyped(const Node& node) {
  if (!node.columns.is_map() || node.columns.map().empty()) return false;
  for (const auto& [name, col] : node.columns.map()) {
    if (Str(col.Find("data_type")).empty()) return false;
  }
  return true;
}

bool ContractEnforced(const Node& node) {
  const Value* contract = node.config.Find("contract");
  if (contract == nullptr || !contract->is_map()) return false;
  const Value* e = contract->Find("enforced");
  return e != nullptr && e->Truthy();
}

std::string OrDefault(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

sql::Relation RelationOf(const Node& node, const std::string& catalog, const std::string& database) {
  sql::Relation r;
  r.catalog = node.database.empty() ? catalog : node.database;
  r.database = node.schema.empty() ? database : node.schema;
  r.name = node.resource_type == ResourceType::kSource
               ? (node.identifier.empty() ? node.name : node.identifier)
               : (node.alias.empty() ? node.name : node.alias);
  return r;
}

// One node's compiled text as the checker sees it, and the way back to the model file.
struct CheckedText {
  std::string sql;    // what is checked
  size_t prefix = 0;  // bytes prepended to the compiled code (streaming_source's CREATE TABLE)
};

// The manifest's `columns`: derived names and Flink types where schema.yml declares none.
void RecordColumns(Node& node, const std::vector<sql::Column>& schema) {
  if (!node.columns.is_map()) node.columns = Value::MakeMap();
  for (const sql::Column& c : schema) {
    if (c.type.root == sql::TypeRoot::kRaw) continue;
    std::string type = sql::TypeToSqlString(c.type.WithNullable(true).WithoutTimeAttribute());
    if (Value* existing = node.columns.Find(c.name)) {
      if (existing->is_map() && Str(existing->Find("data_type")).empty())
        existing->Set("data_type", Value::String(type));
      continue;
    }
    Value col = Value::MakeMap();
    col.Set("name", Value::String(c.name));
    col.Set("description", Value::String(""));
    col.Set("meta", Value::MakeMap());
    col.Set("data_type", Value::String(type));
    col.Set("constraints", Value::MakeList());
    col.Set("quote", Value::Null());
    col.Set("tags", Value::MakeList());
    col.Set("granularity", Value::Null());
    col.Set("doc_blocks", Value::MakeList());
    node.columns.Set(c.name, std::move(col));
  }
}

class Validator {
 public:
  Validator(CommandContext& ctx, graph::ParsedProject& parsed, const ValidationSettings& settings)
      : ctx_(ctx), parsed_(parsed), settings_(settings) {
    const project::Target& t = *parsed_.project->target;
    catalog_name_ = OrDefault(t.database, "default_catalog");
    database_name_ = OrDefault(t.schema, "default_database");
    confluent_ = t.type == "confluent";
  }

  std::optional<int> Run(const std::vector<std::string>& unique_ids) {
    catalog_ = std::make_unique<ValidationCatalog>(catalog_name_, database_name_);
    if (absl::Status s = SetUpExternal(); !s.ok()) {
      ctx_.log.Emit(Error(std::string(ToStd(s.message()))));
      return kExitError;
    }
    compile::Compiler* compiler = nullptr;
    if (absl::StatusOr<compile::Compiler*> c = parsed_.compiler->Get(); c.ok()) {
      compiler = *c;
    } else {
      return Report(c.status());
    }
    const graph::Graph& graph = *parsed_.graph;
    // What to check (reported) and what to derive silently (upstream models of the checked nodes).
    std::vector<char> checked(graph.size(), 0), needed(graph.size(), 0);
    std::vector<int> stack;
    for (const std::string& id : unique_ids) {
      int g = graph.Find(id);
      if (g < 0) continue;
      checked[g] = 1;
      stack.push_back(g);
    }
    while (!stack.empty()) {
      int g = stack.back();
      stack.pop_back();
      if (needed[g]) continue;
      needed[g] = 1;
      for (const std::string& parent : graph.node(g).depends_on_nodes) {
        int p = graph.Find(parent);
        if (p >= 0 && !needed[p]) stack.push_back(p);
      }
    }
    int errors = 0;
    for (int g : graph.TopologicalOrder()) {
      if (!needed[g]) continue;
      Node* node = parsed_.manifest->MutableNode(graph.node(g).unique_id);
      if (node == nullptr) continue;
      switch (node->resource_type) {
        case ResourceType::kSource:
          AddSource(*node);
          continue;
        case ResourceType::kSeed:
        case ResourceType::kSnapshot:
          AddUnknownColumns(*node);
          continue;
        case ResourceType::kModel:
        case ResourceType::kTest:
        case ResourceType::kAnalysis:
          break;
        default:
          continue;
      }
      bool report = checked[g] != 0;
      if (!node->compiled) {
        absl::Status s = compiler->CompileNode(*node);
        if (!s.ok()) {
          if (report) return Report(s);
          AddUnknownColumns(*node);
          continue;
        }
      }
      errors += CheckNode(*node, report);
    }
    if (errors > 0) {
      ctx_.log.Emit(
          Error(fmt::format("Found {} SQL error{} in the selected nodes; nothing was written or "
                            "submitted (--no-validate skips this check)",
                            errors, errors == 1 ? "" : "s")));
      return kExitError;
    }
    return std::nullopt;
  }

 private:
  absl::Status SetUpExternal() {
    const project::Target& t = *parsed_.project->target;
    if (!confluent_) {
      fs::path folder = t.path.empty() ? fs::path(parsed_.project->target_path) / "local" : fs::path(t.path);
      if (folder.is_relative()) folder = fs::path(parsed_.project->root.config.root_dir) / folder;
      FLINKDBT_ASSIGN_OR_RETURN(
          local_, ReadLocalEngineCatalog(folder.lexically_normal().string(), catalog_name_, database_name_));
      catalog_->set_external(local_.get());
      return absl::OkStatus();
    }
    if (settings_.stage == ValidationStage::kCompile) {
      catalog_->set_missing(sql::LookupStatus::kUnknown);
      return absl::OkStatus();
    }
    client::StatementClient* client = settings_.live_client;
    if (client == nullptr) {
      FLINKDBT_ASSIGN_OR_RETURN(owned_client_, OpenTargetClient(*parsed_.project));
      client = owned_client_.get();
    }
    inspector_ = materialize::MakeInformationSchemaInspector(
        *client, OrDefault(t.statement_label, "dbt-confluent"), OrDefault(t.statement_name_prefix, "dbt-"));
    live_ = std::make_unique<TargetCatalog>(*inspector_, catalog_name_, database_name_);
    catalog_->set_external(live_.get());
    return absl::OkStatus();
  }

  std::optional<int> Report(const absl::Status& status) { return ReportError(ctx_, status); }

  std::optional<std::string> ReadProjectFile(const std::string& file) const {
    if (file.empty()) return std::nullopt;
    fs::path p(file);
    if (p.is_relative()) p = fs::path(parsed_.project->root.config.root_dir) / p;
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  void AddSource(const Node& node) {
    sql::Relation r = RelationOf(node, catalog_name_, database_name_);
    if (!AllColumnsTyped(node)) return;  // the target's catalog answers for it
    for (const auto& [name, type] : DeclaredColumns(node)) r.columns.push_back({name, TypeOrRaw(type)});
    catalog_->sources().Add(std::move(r));
  }

  void AddUnknownColumns(const Node& node) {
    if (node.is_ephemeral()) return;
    sql::Relation r = RelationOf(node, catalog_name_, database_name_);
    if (AllColumnsTyped(node)) {
      for (const auto& [name, type] : DeclaredColumns(node)) r.columns.push_back({name, TypeOrRaw(type)});
    } else {
      r.columns_known = false;
    }
    catalog_->project().Add(std::move(r));
  }

  // The text the checker reads for `node`.
  CheckedText TextOf(const Node& node) const {
    CheckedText t;
    if (node.resource_type == ResourceType::kModel && node.materialized() == "streaming_source") {
      // The model body is the column list of the CREATE TABLE its materialization emits.
      std::string head = fmt::format("CREATE TABLE `{}` (\n", node.alias.empty() ? node.name : node.alias);
      t.prefix = head.size();
      t.sql = head + node.compiled_code + "\n)";
      return t;
    }
    t.sql = node.compiled_code;
    return t;
  }

  // Where InjectCtes put a node's ephemeral CTEs: "with" + " id as (\nSQL\n)" joined by "," + ("," when
  // the query had its own WITH, else "\n"), at the query's first keyword.
  struct Injected {
    bool valid = false;
    size_t keyword = 0;     // the query's first keyword in the rendered text
    size_t region_end = 0;  // end of the inserted text in the compiled code
    size_t removed = 0;     // inserted bytes
    bool had_with = false;
    std::vector<size_t> starts;  // where each CTE's SQL starts in the compiled code
  };

  static Injected InjectedRegion(const Node& node) {
    Injected r;
    std::string_view sql = node.compiled_code;
    if (node.extra_ctes.empty()) return r;
    size_t i = 0;
    while (i < sql.size()) {
      if (IsSpace(sql[i])) {
        ++i;
      } else if (sql.compare(i, 2, "--") == 0) {
        size_t nl = sql.find('\n', i);
        i = nl == std::string_view::npos ? sql.size() : nl + 1;
      } else if (sql.compare(i, 2, "/*") == 0) {
        size_t e = sql.find("*/", i + 2);
        i = e == std::string_view::npos ? sql.size() : e + 2;
      } else {
        break;
      }
    }
    size_t joined = 0;
    for (const auto& [id, cte_sql] : node.extra_ctes) {
      if (!r.starts.empty()) ++joined;  // ","
      r.starts.push_back(i + 4 + joined + 1 + id.size() + 6);
      joined += 1 + id.size() + 6 + cte_sql.size() + 2;
    }
    r.keyword = i;
    r.region_end = i + 4 + joined + 1;
    if (r.region_end > sql.size()) return r;
    r.had_with = sql[r.region_end - 1] == ',';
    r.removed = r.had_with ? joined + 1 : joined + 5;
    r.valid = true;
    return r;
  }

  // node.compiled_code without the injected ephemeral CTEs (the rendered template).
  static std::string StripInjected(const Node& node) {
    Injected r = InjectedRegion(node);
    std::string_view sql = node.compiled_code;
    if (!r.valid) return std::string(sql);
    if (r.had_with) return std::string(sql.substr(0, r.keyword + 4)) + std::string(sql.substr(r.region_end));
    return std::string(sql.substr(0, r.keyword)) + std::string(sql.substr(r.region_end));
  }

  // The model-file location of byte `offset` of node's compiled code. An offset inside an injected
  // ephemeral CTE maps into that ephemeral model's file.
  SourceLocation Locate(const Node& node, size_t offset) {
    size_t pre = offset;
    Injected inj = InjectedRegion(node);
    if (inj.valid && offset >= inj.region_end) {
      pre = offset - inj.removed;
    } else if (inj.valid && offset >= inj.keyword) {
      pre = inj.keyword;
      for (size_t k = 0; k < inj.starts.size(); ++k) {
        const auto& [id, cte_sql] = node.extra_ctes[k];
        if (offset < inj.starts[k] || offset > inj.starts[k] + cte_sql.size()) continue;
        std::string_view name = id;
        if (name.rfind("__dbt__cte__", 0) == 0) name.remove_prefix(12);
        for (const auto& candidate : parsed_.manifest->nodes()) {
          if (candidate->is_ephemeral() && candidate->name == name && StripInjected(*candidate) == cte_sql) {
            return Locate(*candidate, std::min(offset - inj.starts[k], candidate->compiled_code.size()));
          }
        }
        // Not found: the place the ephemeral model is referenced.
        size_t at = StripInjected(node).find(id);
        if (at != std::string::npos) pre = at;
        break;
      }
    }
    size_t source_offset = MapOffset(MapOf(node), pre);
    return LocationOfOffset(node.raw_code, std::min(source_offset, node.raw_code.size()),
                            node.original_file_path);
  }

  const std::vector<MapSegment>& MapOf(const Node& node) {
    auto it = maps_.find(node.unique_id);
    if (it != maps_.end()) return it->second;
    std::vector<MapSegment> map;
    if (node.raw_code.find("{{") == std::string::npos && node.raw_code.find("{%") == std::string::npos &&
        node.raw_code.find("{#") == std::string::npos && node.extra_ctes.empty()) {
      map.push_back({0, 0, true});  // no Jinja: the compiled SQL is the file
    } else if (std::optional<std::vector<MapSegment>> exact =
                   settings_.source_maps ? settings_.source_maps->Find(node.unique_id) : std::nullopt;
               exact.has_value()) {
      map = std::move(*exact);
    } else {
      map = ApproximateSourceMap(node.raw_code, StripInjected(node));
    }
    return maps_.emplace(node.unique_id, std::move(map)).first->second;
  }

  // Checks one node; returns the number of errors reported.
  int CheckNode(Node& node, bool report) {
    CheckedText text = TextOf(node);
    sql::ValidateOptions options;
    options.unknown_relation_is_error = true;
    options.confluent_system_columns = confluent_;
    sql::ValidationResult result = sql::ValidateModelSql(text.sql, *catalog_, options);
    int errors = 0;
    if (report) {
      std::vector<std::string> unchecked;
      std::set<std::string> seen;
      for (const sql::Diagnostic& d : result.diagnostics) {
        if (d.severity == sql::Severity::kNote) {
          unchecked.push_back(d.message);
          continue;
        }
        errors += d.severity == sql::Severity::kError;
        Emit(node, text, d, seen);
      }
      if (!unchecked.empty() && result.outcome != sql::CheckOutcome::kError) {
        ctx_.log.Emit(
            Info(fmt::format("{}: not fully checked: {}", node.original_file_path, unchecked.front())));
        for (size_t k = 1; k < unchecked.size(); ++k)
          ctx_.log.Emit(
              Debug(fmt::format("{}: not fully checked: {}", node.original_file_path, unchecked[k])));
      }
    }
    if (node.resource_type != ResourceType::kModel) return errors;
    // The model's relation, for the models downstream.
    std::vector<sql::Column> schema = result.schema;
    std::optional<sql::Relation> ddl;
    if (text.prefix > 0 && result.ok()) ddl = sql::RelationFromDdl(result);
    if (ddl.has_value()) {
      schema.clear();
      for (const sql::CatalogColumn& c : ddl->columns) schema.push_back({c.name, c.type});
    }
    if (report && result.ok()) errors += CompareDeclared(node, schema);
    // Recorded for `compile`'s manifest only: run/build read declared data_types as the model's
    // declared columns (streaming_table derives its own at deploy time).
    if (result.ok() && !schema.empty()) {
      if (settings_.stage == ValidationStage::kCompile) {
        RecordColumns(node, schema);
      } else if (settings_.derived_schemas != nullptr) {
        (*settings_.derived_schemas)[node.unique_id] = schema;
      }
    }
    if (node.is_ephemeral()) return errors;
    sql::Relation r = RelationOf(node, catalog_name_, database_name_);
    if (ddl.has_value()) {
      ddl->catalog = r.catalog;
      ddl->database = r.database;
      ddl->name = r.name;
      r = std::move(*ddl);
    } else if (result.ok() && !schema.empty()) {
      for (const sql::Column& c : schema) {
        r.columns.push_back({c.name, c.type});
        if (c.type.time_attribute == sql::TimeAttribute::kRowtime && !r.watermark_column)
          r.watermark_column = c.name;
      }
      if (node.materialized() == "view" || node.materialized().empty()) r.kind = sql::RelationKind::kView;
    } else if (AllColumnsTyped(node)) {
      for (const auto& [name, type] : DeclaredColumns(node)) r.columns.push_back({name, TypeOrRaw(type)});
    } else {
      r.columns_known = false;
    }
    catalog_->project().Add(std::move(r));
    return errors;
  }

  void Emit(const Node& node, const CheckedText& text, const sql::Diagnostic& d,
            std::set<std::string>& seen) {
    bool generic_test = node.resource_type == ResourceType::kTest && !node.test_metadata.is_null();
    std::string severity = d.severity == sql::Severity::kError ? "error" : "warning";
    std::string formatted;
    std::optional<SourceLocation> loc;
    if (generic_test) {
      // A generic test's SQL comes from its macro: name the test and its schema.yml entry.
      SourceLocation compiled = LocationOfOffset(text.sql, d.offset);
      loc = node.location.file.empty() ? SourceLocation{node.original_file_path, 0, 0} : node.location;
      absl::Status s = WithLocation(absl::InvalidArgumentError(ToAbsl(
                                        fmt::format("in the compiled SQL of test {} (line {}, column {}): {}",
                                                    node.name, compiled.line, compiled.column, d.message))),
                                    *loc);
      formatted = FormatDiagnostic(s, ReadProjectFile(loc->file), severity);
    } else {
      size_t offset = d.offset >= text.prefix ? d.offset - text.prefix : 0;
      offset = std::min(offset, node.compiled_code.size());
      loc = Locate(node, offset);
      const Node* owner = &node;
      if (loc->file != node.original_file_path) {
        for (const auto& candidate : parsed_.manifest->nodes()) {
          if (candidate->original_file_path == loc->file) owner = candidate.get();
        }
      }
      absl::Status s = WithLocation(absl::InvalidArgumentError(ToAbsl(d.message)), *loc);
      formatted = FormatDiagnostic(s, owner->raw_code, severity);
    }
    if (!seen.insert(formatted).second || !reported_.insert(formatted).second) return;
    ctx_.log.Emit(d.severity == sql::Severity::kError ? Error(formatted, loc) : Warning(formatted, loc));
  }

  // schema.yml data_type vs the derived type: a warning, an error under an enforced contract.
  int CompareDeclared(const Node& node, const std::vector<sql::Column>& schema) {
    int errors = 0;
    bool enforced = ContractEnforced(node);
    for (const auto& [name, declared] : DeclaredColumns(node)) {
      const sql::Column* derived = nullptr;
      for (const sql::Column& c : schema) {
        if (c.name == name) derived = &c;
      }
      std::string message;
      if (derived == nullptr) {
        if (!enforced) continue;  // documentation of a column the query does not produce
        message =
            fmt::format("column `{}` is declared in schema.yml but the query does not produce it", name);
      } else {
        if (derived->type.root == sql::TypeRoot::kRaw) continue;
        absl::StatusOr<bool> same = sql::DeclaredTypeMatches(declared, derived->type);
        if (!same.ok() || *same) continue;
        message = fmt::format("column `{}` is declared as {} in schema.yml but the query produces {}", name,
                              declared, sql::TypeToString(derived->type));
      }
      SourceLocation loc{node.patch_path.empty() ? node.original_file_path
                                                 : node.patch_path.substr(node.patch_path.find("://") + 3),
                         0, 0};
      std::string text = fmt::format("{}: {}: {} (model {}{})", loc.file, enforced ? "error" : "warning",
                                     message, node.name, enforced ? ", contract enforced" : "");
      if (enforced) {
        ++errors;
        ctx_.log.Emit(Error(text, loc));
      } else {
        ctx_.log.Emit(Warning(text, loc));
      }
    }
    return errors;
  }

  CommandContext& ctx_;
  graph::ParsedProject& parsed_;
  ValidationSettings settings_;
  std::string catalog_name_, database_name_;
  bool confluent_ = false;
  std::unique_ptr<ValidationCatalog> catalog_;
  std::unique_ptr<sql::InMemoryCatalog> local_;
  std::unique_ptr<client::StatementClient> owned_client_;
  std::unique_ptr<materialize::RelationInspector> inspector_;
  std::unique_ptr<TargetCatalog> live_;
  std::map<std::string, std::vector<MapSegment>> maps_;
  std::set<std::string> reported_;
};

}  // namespace

std::optional<int> ValidateNodes(CommandContext& ctx, graph::ParsedProject& parsed,
                                 const std::vector<std::string>& unique_ids,
                                 const ValidationSettings& settings) {
  if (!ctx.options.validate || !parsed.project->target.has_value()) return std::nullopt;
  Validator validator(ctx, parsed, settings);
  return validator.Run(unique_ids);
}

std::optional<int> ValidateSelection(CommandContext& ctx, graph::ParsedProject& parsed,
                                     const graph::ListOptions& options,
                                     std::vector<compile::ResourceType> default_types,
                                     const SourceMaps& maps) {
  if (!ctx.options.validate) return std::nullopt;
  absl::StatusOr<graph::SelectionResult> selection =
      graph::SelectNodes(parsed, options, std::move(default_types));
  if (!selection.ok()) return std::nullopt;  // the command reports it
  std::vector<std::string> ids;
  for (int id : selection->selected) ids.push_back(parsed.graph->node(id).unique_id);
  ValidationSettings settings;
  settings.stage = ValidationStage::kCompile;
  settings.source_maps = &maps;
  return ValidateNodes(ctx, parsed, ids, settings);
}

std::optional<int> ValidateBeforeRun(CommandContext& ctx, graph::ParsedProject& parsed,
                                     const std::set<std::string>& unique_ids, const SourceMaps& maps) {
  ValidationSettings settings;
  settings.stage = ValidationStage::kRun;
  settings.source_maps = &maps;
  std::map<std::string, std::vector<sql::Column>> derived;
  settings.derived_schemas = &derived;
  if (std::optional<int> rc = ValidateNodes(
          ctx, parsed, std::vector<std::string>(unique_ids.begin(), unique_ids.end()), settings)) {
    return rc;
  }
  // The manifest records the derived columns as `compile` does, but the nodes the run deploys keep
  // only what schema.yml declares (a declared data_type shapes a streaming table's DDL): swap them in
  // for the write, then back.
  std::vector<std::pair<Node*, Value>> saved;
  for (const auto& [id, schema] : derived) {
    Node* node = parsed.manifest->MutableNode(id);
    if (node == nullptr) continue;
    saved.emplace_back(node, node->columns);
    RecordColumns(*node, schema);
  }
  absl::Status written = WriteManifestAfterValidation(ctx, parsed);
  for (auto& [node, columns] : saved) node->columns = std::move(columns);
  if (!written.ok()) return ReportError(ctx, written);
  return std::nullopt;
}

absl::Status WriteManifestAfterValidation(CommandContext& ctx, const graph::ParsedProject& parsed) {
  if (!ctx.options.write_json) return absl::OkStatus();
  fs::path path = fs::path(parsed.project->target_path) / "manifest.json";
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << parsed.manifest->ToJson();
    if (!out) return absl::InternalError(ToAbsl(fmt::format("cannot write {}", tmp.string())));
  }
  fs::rename(tmp, path, ec);
  if (ec) return absl::InternalError(ToAbsl(fmt::format("cannot write {}: {}", path.string(), ec.message())));
  return absl::OkStatus();
}

}  // namespace flinkdbt::run
