// `flinkdbt run`, `test`, `build` and `retry`: compile the selected nodes, then deploy models through
// their materializations, run unit tests on fixtures and data tests as bounded queries, in DAG order on
// --threads workers, with dbt's progress lines, summary, run_results.json and exit codes.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/materialize/materialization.h"
#include "flinkdbt/materialize/seed.h"
#include "flinkdbt/sql/catalog.h"
#include "flinkdbt/sql/checker.h"
#include "flinkdbt/testing/data_test.h"
#include "flinkdbt/testing/unit_test.h"
#include "flinkdbt/version.h"
#include "fmt/format.h"
#include "re2/re2.h"
#include "run/flags.h"
#include "run/hooks.h"
#include "run/project_commands.h"
#include "run/run_lock.h"
#include "run/run_results.h"
#include "run/scheduler.h"
#include "run/target_client.h"
#include "run/validate.h"
#include "simdjson.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;
using compile::Node;
using compile::ResourceType;
using project::Value;

enum class Which { kRun, kTest, kBuild, kSeed };

std::string_view WhichName(Which w) {
  return w == Which::kRun ? "run" : w == Which::kTest ? "test" : w == Which::kSeed ? "seed" : "build";
}

// The name a node runs under: dbt runs a unit test of a model version as `<test>_v<N>`.
std::string RunName(const Node& n) {
  if (n.resource_type == ResourceType::kUnitTest && !n.version.is_null()) {
    return fmt::format("{}_v{}", n.name, n.version.ToPythonStr());
  }
  return n.name;
}

std::string Str(const Value* v, std::string fallback = "") {
  if (v == nullptr || v->is_null()) return fallback;
  return v->is_string() ? v->as_string() : v->ToPythonStr();
}

// ---- manifest node -> materialization spec ----------------------------------------------------

absl::StatusOr<materialize::ModelSpec> ModelSpecOf(const Node& node, const std::string& project_name) {
  materialize::ModelSpec spec;
  spec.project = project_name;
  spec.name = node.name;
  spec.catalog = node.database;
  spec.database = node.schema;
  spec.identifier = node.alias.empty() ? node.name : node.alias;
  std::string m = node.materialized().empty() ? "view" : node.materialized();
  std::optional<materialize::Materialized> kind = materialize::ParseMaterialized(m);
  if (!kind.has_value()) {
    return absl::InvalidArgumentError(fmt::format(
        "model {} has materialized='{}', which flinkdbt does not know (view, table, materialized_view, "
        "materialized_table, streaming_table, streaming_source, ephemeral)",
        node.name, m));
  }
  spec.materialized = *kind;
  spec.sql = node.compiled_code;
  const Value& c = node.config;
  if (const Value* with = c.Find("with"); with != nullptr && with->is_map()) {
    for (const auto& [k, v] : with->map()) spec.with.emplace_back(k, Str(&v));
  }
  if (const Value* connector = c.Find("connector"); connector != nullptr && !connector->is_null()) {
    spec.connector = Str(connector);
  }
  if (const Value* d = c.Find("distributed_by"); d != nullptr && d->is_map()) {
    materialize::Distribution dist;
    if (const Value* cols = d->Find("columns"); cols != nullptr && cols->is_list()) {
      for (const Value& col : cols->list()) dist.columns.push_back(Str(&col));
    }
    if (const Value* b = d->Find("buckets"); b != nullptr && b->is_int())
      dist.buckets = static_cast<int>(b->as_int());
    spec.distributed_by = dist;
  }
  if (const Value* p = c.Find("statement_properties"); p != nullptr && p->is_map()) {
    for (const auto& [k, v] : p->map()) spec.statement_properties[k] = Str(&v);
  }
  if (const Value* s = c.Find("start_mode"); s != nullptr && !s->is_null()) spec.start_mode = Str(s);
  spec.statement_name_override = Str(c.Find("statement_name"));
  spec.compute_pool_id = Str(c.Find("compute_pool_id"));
  spec.on_schema_drift_fail = Str(c.Find("on_schema_drift"), "fail") != "ignore";
  if (const Value* contract = c.Find("contract"); contract != nullptr && contract->is_map()) {
    if (const Value* e = contract->Find("enforced"); e != nullptr) spec.contract_enforced = e->Truthy();
  }
  if (node.constraints.is_list()) {
    for (const Value& con : node.constraints.list()) {
      if (Str(con.Find("type")) != "primary_key") continue;
      if (const Value* cols = con.Find("columns"); cols != nullptr && cols->is_list()) {
        for (const Value& col : cols->list()) spec.primary_key.push_back(Str(&col));
      }
    }
  }
  if (node.columns.is_map()) {
    for (const auto& [name, col] : node.columns.map()) {
      std::string type = Str(col.Find("data_type"));
      if (type.empty()) continue;
      materialize::Column column{name, type, false};
      if (const Value* cons = col.Find("constraints"); cons != nullptr && cons->is_list()) {
        for (const Value& con : cons->list()) {
          std::string t = Str(con.Find("type"));
          if (t == "not_null") column.not_null = true;
          if (t == "primary_key") spec.primary_key.push_back(name);
        }
      }
      spec.columns.push_back(std::move(column));
    }
  }
  return spec;
}

// ---- unit tests ---------------------------------------------------------------------------------

std::optional<std::string> CellText(const Value& v) {
  if (v.is_null()) return std::nullopt;
  return v.is_string() ? v.as_string() : v.ToPythonStr();
}

// Fixture CSV (inline or a file): the seeds' reader; empty cells are NULL.
absl::StatusOr<std::vector<testing::FixtureRow>> ParseCsvRows(std::string_view text,
                                                              const std::string& what) {
  std::vector<testing::FixtureRow> rows;
  if (absl::StripAsciiWhitespace(ToAbsl(text)).empty()) return rows;
  FLINKDBT_ASSIGN_OR_RETURN(materialize::CsvTable table, materialize::ParseCsv(text, what));
  for (const auto& record : table.rows) {
    testing::FixtureRow row;
    for (size_t c = 0; c < table.header.size(); ++c) row[table.header[c]] = record[c];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A unit test's `given` entry or `expect`: rows (dict, csv), or a query (format: sql).
struct Fixture {
  std::vector<testing::FixtureRow> rows;
  std::optional<std::string> sql;
};

absl::StatusOr<Fixture> FixtureOf(const Value& spec, const project::LoadedProject& project,
                                  const std::string& what) {
  std::string format = Str(spec.Find("format"), "dict");
  std::string fixture = Str(spec.Find("fixture"));
  const Value* rows = spec.Find("rows");
  Fixture out;
  if (!fixture.empty()) {
    std::string extension = format == "sql" ? ".sql" : ".csv";
    for (const std::string& test_path : project.root.config.test_paths) {
      fs::path dir = fs::path(project.root.config.root_dir) / test_path / "fixtures";
      std::error_code ec;
      if (!fs::is_directory(dir, ec)) continue;
      for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
        if (entry.path().stem() != fixture || entry.path().extension() != extension) continue;
        std::optional<std::string> text = ReadText(entry.path());
        if (!text.has_value()) break;
        if (format == "sql") {
          out.sql = *text;
          return out;
        }
        FLINKDBT_ASSIGN_OR_RETURN(out.rows, ParseCsvRows(*text, entry.path().string()));
        return out;
      }
    }
    return absl::NotFoundError(
        fmt::format("{}: fixture '{}{}' not found under tests/fixtures/", what, fixture, extension));
  }
  if (format == "csv") {
    if (rows == nullptr || !rows->is_string())
      return absl::InvalidArgumentError(what + ": csv rows must be a string");
    FLINKDBT_ASSIGN_OR_RETURN(out.rows, ParseCsvRows(rows->as_string(), what));
    return out;
  }
  if (format == "sql") {
    if (rows == nullptr || !rows->is_string()) {
      return absl::InvalidArgumentError(what + ": format: sql needs `rows` as a query string (or `fixture`)");
    }
    out.sql = rows->as_string();
    return out;
  }
  if (format != "dict") {
    return absl::InvalidArgumentError(
        fmt::format("{}: unknown fixture format '{}' (dict, csv or sql)", what, format));
  }
  if (rows == nullptr || rows->is_null()) return out;
  if (!rows->is_list()) return absl::InvalidArgumentError(what + ": rows must be a list of mappings");
  for (const Value& r : rows->list()) {
    if (!r.is_map())
      return absl::InvalidArgumentError(what + ": every row must be a mapping of column to value");
    testing::FixtureRow row;
    for (const auto& [k, v] : r.map()) row[k] = CellText(v);
    out.rows.push_back(std::move(row));
  }
  return out;
}

// Where a model declares no typed columns, the columns its query produces (the Python adapter
// needs them declared; flinkdbt derives them).
void DeriveColumns(materialize::ModelSpec& spec, const sql::Catalog& catalog,
                   std::vector<std::string>* notes) {
  if (!spec.columns.empty() || spec.materialized == materialize::Materialized::kStreamingSource ||
      spec.materialized == materialize::Materialized::kView ||
      spec.materialized == materialize::Materialized::kEphemeral) {
    return;
  }
  sql::ValidateOptions options;
  options.unknown_relation_is_error = false;
  options.confluent_system_columns = true;
  sql::ValidationResult checked = sql::ValidateModelSql(spec.sql, catalog, options);
  if (!checked.ok() || checked.schema.empty()) {
    if (notes != nullptr)
      notes->push_back(fmt::format("could not derive the columns of {} from its query", spec.name));
    return;
  }
  for (const sql::Column& c : checked.schema) {
    if (c.type.root == sql::TypeRoot::kRaw) {
      spec.columns.clear();
      if (notes != nullptr) {
        notes->push_back(fmt::format("could not derive the type of column {} of {}; declare it in schema.yml",
                                     c.name, spec.name));
      }
      return;
    }
    bool in_key =
        std::find(spec.primary_key.begin(), spec.primary_key.end(), c.name) != spec.primary_key.end();
    spec.columns.push_back({c.name, sql::TypeToSqlString(c.type.WithNullable(true).WithoutTimeAttribute()),
                            !c.type.nullable || in_key});
  }
}

// ---- what the run prepares before the first statement (the compiler is single-threaded) -----------

struct UnitTestPrep {
  absl::Status error;     // a fixture that could not be read: the test errors when it runs
  std::string model_sql;  // the tested model's SQL, with the test's overrides applied
  std::vector<Fixture> given;
  Fixture expect;
};

struct Prepared {
  std::map<std::string, std::vector<std::string>> pre_hooks, post_hooks;  // rendered, by unique_id
  std::map<std::string, materialize::CsvTable> seeds;                     // parsed CSV, by unique_id
  std::map<std::string, UnitTestPrep> unit_tests;
  std::vector<std::string> on_run_start;  // rendered
  std::vector<std::string> on_run_end;    // raw: rendered after the nodes, with `results`
  compile::Compiler* compiler = nullptr;
};

// The seed's file on disk: its package's root + original_file_path.
fs::path SeedFile(const project::LoadedProject& project, const Node& n) {
  fs::path root = project.root.config.root_dir;
  if (const project::Package* p = project.FindPackage(n.package_name);
      p != nullptr && n.package_name != project.root.config.name) {
    root = p->config.root_dir;
  }
  return root / n.original_file_path;
}

absl::Status Prepare(const graph::ParsedProject& parsed, compile::Compiler& compiler,
                     const std::vector<const Node*>& nodes, Prepared& prep) {
  prep.compiler = &compiler;
  const project::LoadedProject& project = *parsed.project;
  for (const Node* n : nodes) {
    if (n->resource_type == ResourceType::kModel || n->resource_type == ResourceType::kSeed) {
      for (const auto& [key, out] :
           {std::pair{"pre-hook", &prep.pre_hooks}, std::pair{"post-hook", &prep.post_hooks}}) {
        const Value* hooks = n->config.Find(key);
        if (hooks == nullptr) continue;
        for (const std::string& sql : HookSqls(*hooks)) {
          FLINKDBT_ASSIGN_OR_RETURN(std::string rendered, compiler.RenderHook(n, sql));
          (*out)[n->unique_id].push_back(std::move(rendered));
        }
      }
    }
    if (n->resource_type == ResourceType::kSeed) {
      fs::path file = SeedFile(project, *n);
      std::optional<std::string> text = ReadText(file);
      if (!text.has_value()) {
        return absl::NotFoundError(fmt::format("seed {}: cannot read {}", n->name, file.string()));
      }
      std::string delimiter = Str(n->config.Find("delimiter"), ",");
      if (delimiter.size() != 1) {
        return InvalidInputError(
            n->location,
            fmt::format("seed {}: delimiter must be one character, not '{}'", n->name, delimiter));
      }
      FLINKDBT_ASSIGN_OR_RETURN(prep.seeds[n->unique_id],
                                materialize::ParseCsv(*text, n->original_file_path, delimiter[0]));
    }
    if (n->resource_type == ResourceType::kUnitTest) {
      UnitTestPrep& ut = prep.unit_tests[n->unique_id];
      const Node* model = parsed.manifest->FindNode(n->tested_model);
      if (model == nullptr) continue;
      std::string what = fmt::format("unit test {}", n->name);
      ut.model_sql = model->compiled_code;
      if (n->overrides.is_map() && !n->overrides.map().empty()) {
        FLINKDBT_ASSIGN_OR_RETURN(ut.model_sql, compiler.CompileWithOverrides(*model, n->overrides));
      }
      auto load = [&](const Value& spec) -> absl::StatusOr<Fixture> {
        FLINKDBT_ASSIGN_OR_RETURN(Fixture f, FixtureOf(spec, project, what));
        if (f.sql.has_value() &&
            (f.sql->find("{{") != std::string::npos || f.sql->find("{%") != std::string::npos)) {
          FLINKDBT_ASSIGN_OR_RETURN(f.sql, compiler.RenderHook(model, *f.sql));
        }
        return f;
      };
      if (n->given.is_list()) {
        for (const Value& g : n->given.list()) {
          absl::StatusOr<Fixture> f = load(g);
          if (!f.ok()) {
            ut.error = f.status();
            break;
          }
          ut.given.push_back(std::move(*f));
        }
      }
      if (ut.error.ok()) {
        absl::StatusOr<Fixture> f = load(n->expect);
        if (f.ok()) {
          ut.expect = std::move(*f);
        } else {
          ut.error = f.status();
        }
      }
    }
  }
  for (const Value& h : project.root.config.on_run_start) {
    for (const std::string& sql : HookSqls(h)) {
      FLINKDBT_ASSIGN_OR_RETURN(std::string rendered, compiler.RenderHook(nullptr, sql));
      prep.on_run_start.push_back(std::move(rendered));
    }
  }
  for (const Value& h : project.root.config.on_run_end) {
    for (const std::string& sql : HookSqls(h)) prep.on_run_end.push_back(sql);
  }
  return absl::OkStatus();
}

// ---- the executor -------------------------------------------------------------------------------

struct Counts {
  int pass = 0, warn = 0, error = 0, skip = 0;
};

class Executor {
 public:
  Executor(CommandContext& ctx, graph::ParsedProject& parsed, client::StatementClient& client, Which which,
           const Prepared& prep)
      : ctx_(ctx), parsed_(parsed), client_(client), which_(which), prep_(prep) {
    const project::Target& t = *parsed_.project->target;
    prefix_ = t.statement_name_prefix.empty() ? "dbt-" : t.statement_name_prefix;
    catalog_ = t.database.empty() ? "default_catalog" : t.database;
    database_ = t.schema.empty() ? "default_database" : t.schema;
    label_ = t.statement_label.empty() ? "dbt-confluent" : t.statement_label;
    inspector_ = materialize::MakeInformationSchemaInspector(client_, label_, prefix_);
    settings_.full_refresh = ctx.options.full_refresh;
    settings_.invocation_id = ctx.log.invocation_id();
    settings_.statement_name_prefix = prefix_;
    settings_.statement_label = label_;
  }

  int Execute(const std::vector<const Node*>& nodes) {
    auto started = std::chrono::steady_clock::now();
    nodes_ = nodes;
    results_.assign(nodes.size(), NodeResult{});
    std::map<std::string, int> index;
    for (size_t i = 0; i < nodes.size(); ++i) index[nodes[i]->unique_id] = static_cast<int>(i);
    std::vector<std::vector<int>> deps(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (const std::string& parent : nodes[i]->depends_on_nodes) {
        auto it = index.find(parent);
        if (it != index.end()) deps[i].push_back(it->second);
      }
      // In build, a model waits for its unit tests: a failing one skips the model and its descendants.
      if (which_ == Which::kBuild && nodes[i]->resource_type == ResourceType::kUnitTest) {
        auto it = index.find(nodes[i]->tested_model);
        if (it != index.end()) {
          auto& model_deps = deps[static_cast<size_t>(it->second)];
          model_deps.push_back(static_cast<int>(i));
          std::erase(deps[i], it->second);
          // Its fixtures are created LIKE the model's inputs, so it waits for them instead: a failed
          // or skipped input skips the unit test (and so the model) rather than erroring it.
          for (const std::string& parent : nodes[static_cast<size_t>(it->second)]->depends_on_nodes) {
            auto p = index.find(parent);
            if (p != index.end() && p->second != static_cast<int>(i) &&
                std::find(deps[i].begin(), deps[i].end(), p->second) == deps[i].end())
              deps[i].push_back(p->second);
          }
        }
      }
    }
    ScheduleOptions options;
    options.threads = ctx_.options.threads.value_or(parsed_.project->target->threads);
    options.fail_fast = ctx_.options.fail_fast;
    options.cancelled = ctx_.io.cancelled;
    total_ = static_cast<int>(nodes.size());
    ctx_.log.Emit(Info(fmt::format("Concurrency: {} threads (target='{}')", options.threads,
                                   parsed_.project->target->name)));
    bool start_ok = RunProjectHooks("on-run-start", prep_.on_run_start, hooks_start_);
    if (start_ok) {
      std::vector<NodeOutcome> outcomes = RunSchedule(
          deps, options, [&](int i) { return RunNode(i); },
          [&](int i, const NodeOutcome& o) { Skipped(i, o); });
      (void)outcomes;
    } else {
      for (size_t i = 0; i < nodes_.size(); ++i) {
        NodeOutcome o;
        o.state = NodeState::kCancelled;
        Skipped(static_cast<int>(i), o);
        results_[i].message = "an on-run-start hook failed";
      }
    }
    if (!prep_.on_run_end.empty()) {
      std::vector<std::string> rendered;
      Value results = ResultsContext();
      for (size_t h = 0; h < prep_.on_run_end.size(); ++h) {
        absl::StatusOr<std::string> sql =
            prep_.compiler->RenderHook(nullptr, prep_.on_run_end[h], {{"results", results}});
        if (!sql.ok()) {
          NodeResult r;
          r.unique_id = ProjectHookId(parsed_.project->root.config.name, "on-run-end", h);
          r.status = "error";
          r.message = std::string(ToStd(sql.status().message()));
          hooks_end_.push_back(r);
          AddHookFailure(r);
          rendered.push_back("");
          continue;
        }
        rendered.push_back(*sql);
      }
      if (hooks_end_.empty()) RunProjectHooks("on-run-end", rendered, hooks_end_);
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return Finish(elapsed);
  }

 private:
  std::string Description(const Node& n) const {
    switch (n.resource_type) {
      case ResourceType::kModel:
        return fmt::format("sql {} model {}.{}", n.materialized().empty() ? "view" : n.materialized(),
                           n.schema, n.alias.empty() ? n.name : n.alias);
      case ResourceType::kSeed:
        return fmt::format("seed file {}.{}", n.schema, n.alias.empty() ? n.name : n.alias);
      case ResourceType::kUnitTest: {
        const Node* model = parsed_.manifest->FindNode(n.tested_model);
        return fmt::format("unit_test {}::{}", model ? model->name : n.tested_model, RunName(n));
      }
      default:
        return fmt::format("test {}", n.name);
    }
  }

  NodeInfo InfoOf(const Node& n) const {
    return NodeInfo{n.unique_id, std::string(compile::ResourceTypeName(n.resource_type)), n.materialized(),
                    n.original_file_path, n.relation_name};
  }

  int NextIndex() {
    std::lock_guard<std::mutex> lock(mu_);
    return ++started_;
  }

  NodeState RunNode(int i) {
    const Node& n = *nodes_[static_cast<size_t>(i)];
    NodeResult& r = results_[static_cast<size_t>(i)];
    r.unique_id = n.unique_id;
    r.relation_name = n.relation_name;
    r.compiled = true;
    r.compiled_code = n.compiled_code;
    r.thread_id = "Thread-1";
    int index = NextIndex();
    ctx_.log.Emit(NodeStarted(index, total_, Description(n), InfoOf(n)));
    r.execute_started_at = UtcNowIso();
    auto start = std::chrono::steady_clock::now();
    NodeState state;
    switch (n.resource_type) {
      case ResourceType::kModel:
        state = RunModel(n, r);
        break;
      case ResourceType::kUnitTest:
        state = RunUnitTest(n, r);
        break;
      case ResourceType::kTest:
        state = RunDataTest(n, r);
        break;
      case ResourceType::kSeed:
        state = RunSeed(n, r);
        break;
      default:
        r.status = "skipped";
        r.message = fmt::format("{} nodes are not executed by flinkdbt yet",
                                compile::ResourceTypeName(n.resource_type));
        state = NodeState::kSuccess;
        break;
    }
    r.execute_completed_at = UtcNowIso();
    r.execution_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string label, description;
    if (r.status == "success") {
      // The brackets show what the materialization did, as dbt shows the adapter's response.
      label = r.adapter_message.empty() ? "OK" : r.adapter_message;
      description = label == "SKIP" ? fmt::format("OK skipped {} (already exists)", Description(n))
                    : n.resource_type == ResourceType::kSeed ? fmt::format("OK loaded {}", Description(n))
                                                             : fmt::format("OK created {}", Description(n));
    } else if (r.status == "pass") {
      label = "PASS";
      description = fmt::format("PASS {}", RunName(n));
    } else if (r.status == "warn") {
      label = r.failures ? fmt::format("WARN {}", *r.failures) : "WARN";
      description = fmt::format("{} {}", label, RunName(n));
    } else if (r.status == "fail") {
      label = r.failures ? fmt::format("FAIL {}", *r.failures) : "FAIL";
      description = fmt::format("{} {}", label, RunName(n));
    } else if (r.status == "skipped") {
      label = "SKIP";
      description = fmt::format("SKIP {}", Description(n));
    } else {
      label = "ERROR";
      description = n.resource_type == ResourceType::kModel ? fmt::format("ERROR creating {}", Description(n))
                                                            : fmt::format("ERROR {}", Description(n));
    }
    ctx_.log.Emit(NodeFinished(index, total_, description, r.status, label, r.execution_time, InfoOf(n)));
    return state;
  }

  // dbt's `results` for on-run-end: one entry per node result, with its node.
  Value ResultsContext() const {
    Value list = Value::MakeList();
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = *nodes_[i];
      const NodeResult& r = results_[i];
      Value node = Value::MakeMap();
      node.Set("unique_id", Value::String(n.unique_id));
      node.Set("name", Value::String(RunName(n)));
      node.Set("resource_type", Value::String(std::string(compile::ResourceTypeName(n.resource_type))));
      node.Set("schema", Value::String(n.schema));
      node.Set("database", Value::String(n.database));
      node.Set("alias", Value::String(n.alias));
      node.Set("relation_name", Value::String(n.relation_name));
      node.Set("original_file_path", Value::String(n.original_file_path));
      node.Set("config", n.config);
      Value entry = Value::MakeMap();
      entry.Set("node", node);
      entry.Set("status", Value::String(r.status.empty() ? "skipped" : r.status));
      entry.Set("message", r.message.empty() ? Value::Null() : Value::String(r.message));
      entry.Set("execution_time", Value::Double(r.execution_time));
      entry.Set("failures", r.failures ? Value::Int(*r.failures) : Value::Null());
      entry.Set("thread_id", Value::String(r.thread_id));
      Value adapter = Value::MakeMap();
      adapter.Set("_message", Value::String(r.adapter_message));
      adapter.Set("query_id", Value::String(r.query_id));
      entry.Set("adapter_response", adapter);
      list.Push(std::move(entry));
    }
    return list;
  }

  void AddHookFailure(const NodeResult& r) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(fmt::format("Failure in hook {}\n  {}", r.unique_id, r.message));
  }

  // on-run-start / on-run-end, reported as dbt reports hook nodes. False when one failed.
  bool RunProjectHooks(std::string_view which, const std::vector<std::string>& sqls,
                       std::vector<NodeResult>& out) {
    if (sqls.empty()) return true;
    const std::string& project = parsed_.project->root.config.name;
    int total = static_cast<int>(sqls.size());
    ctx_.log.Emit(Info(fmt::format("Running {} {} hook{}", total, which, total == 1 ? "" : "s")));
    bool ok = true;
    for (size_t h = 0; h < sqls.size(); ++h) {
      std::string name = fmt::format("{}.{}.{}", project, which, h);
      NodeResult r;
      r.unique_id = ProjectHookId(project, which, h);
      r.compiled = true;
      r.compiled_code = sqls[h];
      NodeInfo info{r.unique_id, "operation", "", "dbt_project.yml", ""};
      int index = static_cast<int>(h) + 1;
      ctx_.log.Emit(NodeStarted(index, total, "hook: " + name, info));
      r.execute_started_at = UtcNowIso();
      auto start = std::chrono::steady_clock::now();
      absl::StatusOr<std::string> ran =
          ok ? ExecuteHook(client_, sqls[h], prefix_, settings_.execute)
             : absl::StatusOr<std::string>(absl::CancelledError("an earlier hook failed"));
      r.execute_completed_at = UtcNowIso();
      r.execution_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (ran.ok()) {
        r.status = "success";
        r.adapter_message = "OK";
        r.query_id = *ran;
        ctx_.log.Emit(
            NodeFinished(index, total, "OK hook: " + name, "success", "OK", r.execution_time, info));
      } else if (!ok) {
        r.status = "skipped";
        ctx_.log.Emit(
            NodeFinished(index, total, "SKIP hook: " + name, "skipped", "SKIP", std::nullopt, info));
      } else {
        ok = false;
        r.status = "error";
        r.message = std::string(ToStd(ran.status().message()));
        AddHookFailure(r);
        ctx_.log.Emit(
            NodeFinished(index, total, "ERROR hook: " + name, "error", "ERROR", r.execution_time, info));
      }
      out.push_back(std::move(r));
    }
    ctx_.log.Emit(Info(""));
    return ok;
  }

  // A node's pre-hooks or post-hooks, in order; the first failure stops them.
  absl::Status RunNodeHooks(const std::map<std::string, std::vector<std::string>>& hooks, const Node& n) {
    auto it = hooks.find(n.unique_id);
    if (it == hooks.end()) return absl::OkStatus();
    for (const std::string& sql : it->second) {
      FLINKDBT_RETURN_IF_ERROR(ExecuteHook(client_, sql, prefix_, settings_.execute).status());
    }
    return absl::OkStatus();
  }

  NodeState RunSeed(const Node& n, NodeResult& r) {
    auto table = prep_.seeds.find(n.unique_id);
    if (table == prep_.seeds.end()) return Failed(r, absl::InternalError("the seed's CSV was not read"));
    materialize::SeedSpec seed;
    seed.project = parsed_.project->root.config.name;
    seed.name = n.name;
    seed.catalog = n.database;
    seed.database = n.schema;
    seed.identifier = n.alias.empty() ? n.name : n.alias;
    seed.table = table->second;
    const Value& c = n.config;
    if (const Value* types = c.Find("column_types"); types != nullptr && types->is_map()) {
      for (const auto& [k, v] : types->map()) seed.column_types[k] = Str(&v);
    }
    if (const Value* q = c.Find("quote_columns"); q != nullptr && !q->is_null())
      seed.quote_columns = q->Truthy();
    seed.full_refresh = ctx_.options.full_refresh;
    if (const Value* f = c.Find("full_refresh"); f != nullptr && !f->is_null())
      seed.full_refresh = f->Truthy();
    seed.compute_pool_id = Str(c.Find("compute_pool_id"));
    if (absl::Status s = RunNodeHooks(prep_.pre_hooks, n); !s.ok()) return Failed(r, s);
    absl::StatusOr<materialize::Outcome> outcome =
        materialize::LoadSeed(client_, *inspector_, settings_, seed);
    if (!outcome.ok()) return Failed(r, outcome.status());
    for (const std::string& w : outcome->warnings) ctx_.log.Emit(Warning(w));
    if (absl::Status s = RunNodeHooks(prep_.post_hooks, n); !s.ok()) return Failed(r, s);
    r.status = "success";
    r.message = outcome->message;
    bool skipped = outcome->action == materialize::Outcome::Action::kSkip;
    r.adapter_message = skipped ? "SKIP" : outcome->message;
    if (!skipped) r.rows_affected = static_cast<int64_t>(seed.table.rows.size());
    return NodeState::kSuccess;
  }

  NodeState RunModel(const Node& n, NodeResult& r) {
    if (n.is_ephemeral()) {
      r.status = "success";
      r.adapter_message = "ephemeral";
      return NodeState::kSuccess;
    }
    absl::StatusOr<materialize::ModelSpec> spec = ModelSpecOf(n, parsed_.project->root.config.name);
    if (!spec.ok()) return Failed(r, spec.status());
    std::vector<std::string> notes;
    TargetCatalog catalog(*inspector_, catalog_, database_);
    DeriveColumns(*spec, catalog, &notes);
    for (const std::string& note : notes) ctx_.log.Emit(Debug(note));
    if (absl::Status s = RunNodeHooks(prep_.pre_hooks, n); !s.ok()) return Failed(r, s);
    materialize::Materializer materializer(client_, *inspector_, settings_);
    absl::StatusOr<materialize::Outcome> outcome = materializer.Run(*spec);
    if (!outcome.ok()) return Failed(r, outcome.status());
    for (const std::string& w : outcome->warnings) ctx_.log.Emit(Warning(w));
    if (absl::Status s = RunNodeHooks(prep_.post_hooks, n); !s.ok()) return Failed(r, s);
    r.status = "success";
    r.message = outcome->message;
    r.adapter_message = outcome->action == materialize::Outcome::Action::kSkip      ? "SKIP"
                        : outcome->action == materialize::Outcome::Action::kRestart ? "RESTART"
                                                                                    : "CREATE";
    if (!outcome->statements.empty()) r.query_id = outcome->statements.back().name;
    return NodeState::kSuccess;
  }

  NodeState RunDataTest(const Node& n, NodeResult& r) {
    testing::DataTestConfig config;
    const Value& c = n.config;
    config.fail_calc = Str(c.Find("fail_calc"), "count(*)");
    config.warn_if = Str(c.Find("warn_if"), "!= 0");
    config.error_if = Str(c.Find("error_if"), "!= 0");
    config.severity = Str(c.Find("severity"), "ERROR");
    for (char& ch : config.severity) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (const Value* limit = c.Find("limit"); limit != nullptr && limit->is_int())
      config.limit = limit->as_int();
    // store_failures_as wins over store_failures, as in dbt.
    std::string store_as = Str(c.Find("store_failures_as"));
    if (store_as.empty()) {
      // An unset store_failures config falls back to --store-failures (DBT_STORE_FAILURES).
      const Value* store = c.Find("store_failures");
      bool unset = store == nullptr || store->is_null();
      if (unset ? ctx_.options.store_failures : store->Truthy()) store_as = "table";
    }
    if (!store_as.empty() && store_as != "table" && store_as != "view" && store_as != "ephemeral") {
      return Failed(r, absl::InvalidArgumentError(fmt::format(
                           "test {}: store_failures_as is '{}'; it must be table, view or ephemeral", n.name,
                           store_as)));
    }
    config.store_failures_as = store_as;
    // dbt stores them in the test's schema, `dbt_test__audit` by default; a Flink database is a Kafka
    // cluster nobody can create from SQL, so the default lands in the target's own database (a schema
    // configured on the test is used as it is).
    std::string configured_schema = Str(c.Find("schema"), "dbt_test__audit");
    config.audit_catalog = n.database;
    config.audit_database = configured_schema == "dbt_test__audit" ? database_ : n.schema;
    config.audit_identifier = n.alias.empty() ? n.name : n.alias;
    absl::StatusOr<testing::DataTestOutcome> out =
        testing::RunDataTest(client_, n.compiled_code, config, prefix_, settings_.execute, inspector_.get());
    if (!out.ok()) return Failed(r, out.status());
    r.status = out->status;
    r.failures = out->failures;
    r.message = out->message;
    if (!out->stored_relation.empty()) {
      r.relation_name = out->stored_relation;
      ctx_.log.Emit(
          Debug(fmt::format("the failing rows of {} are stored in {}", n.name, out->stored_relation)));
    }
    if (out->status == "fail") {
      AddFailure(n, out->message);
      return NodeState::kFailed;
    }
    return out->status == "warn" ? NodeState::kWarn : NodeState::kSuccess;
  }

  NodeState RunUnitTest(const Node& n, NodeResult& r) {
    const Node* model = parsed_.manifest->FindNode(n.tested_model);
    if (model == nullptr)
      return Failed(r, absl::NotFoundError("the tested model " + n.tested_model + " is unknown"));
    const project::Target& t = *parsed_.project->target;
    testing::UnitTestCase test;
    test.name = RunName(n);
    test.model_name = model->name;
    test.model_sql = model->compiled_code;
    test.statement_name_prefix = prefix_;
    std::string what = fmt::format("unit test {}", RunName(n));
    auto prep = prep_.unit_tests.find(n.unique_id);
    if (prep == prep_.unit_tests.end()) return Failed(r, absl::InternalError(what + " was not prepared"));
    if (!prep->second.error.ok()) return Failed(r, prep->second.error);
    test.model_sql = prep->second.model_sql;
    if (n.given.is_list()) {
      size_t g_index = 0;
      for (const Value& g : n.given.list()) {
        std::string input = Str(g.Find("input"));
        const Node* upstream = ResolveInput(input, *model);
        if (upstream == nullptr) {
          return Failed(r, absl::InvalidArgumentError(
                               fmt::format("{}: input {} is not a parent of {}", what, input, model->name)));
        }
        testing::FixtureInput fixture;
        fixture.catalog = upstream->database;
        fixture.database = upstream->schema;
        fixture.identifier = upstream->resource_type == ResourceType::kSource
                                 ? (upstream->identifier.empty() ? upstream->name : upstream->identifier)
                                 : (upstream->alias.empty() ? upstream->name : upstream->alias);
        fixture.fixture_catalog = t.database.empty() ? "default_catalog" : t.database;
        fixture.fixture_database = t.schema.empty() ? "default_database" : t.schema;
        fixture.description = input;
        if (g_index < prep->second.given.size()) {
          fixture.rows = prep->second.given[g_index].rows;
          fixture.sql = prep->second.given[g_index].sql;
        }
        ++g_index;
        test.given.push_back(std::move(fixture));
      }
    }
    test.expect = prep->second.expect.rows;
    test.expect_sql = prep->second.expect.sql;
    absl::StatusOr<testing::UnitTestResult> result = testing::RunUnitTest(client_, *inspector_, test);
    if (!result.ok()) return Failed(r, result.status());
    for (const std::string& w : result->warnings) ctx_.log.Emit(Warning(w));
    if (result->passed) {
      r.status = "pass";
      return NodeState::kSuccess;
    }
    r.status = "fail";
    r.message = result->diff;
    AddFailure(n, result->diff);
    return NodeState::kFailed;
  }

  // The upstream node a unit test's `input` names: ref('m') or source('s', 't') among the model's parents.
  const Node* ResolveInput(const std::string& input, const Node& model) const {
    static const RE2 kRef(R"(^\s*ref\(\s*['"]([^'"]+)['"](?:\s*,\s*['"]([^'"]+)['"])?\s*\)\s*$)");
    static const RE2 kSource(R"(^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$)");
    std::string a, b;
    for (const std::string& parent_id : model.depends_on_nodes) {
      const Node* p = parsed_.manifest->FindNode(parent_id);
      if (p == nullptr) continue;
      if (RE2::FullMatch(input, kSource, &a, &b) && p->resource_type == ResourceType::kSource &&
          p->source_name == a && p->name == b) {
        return p;
      }
      if (RE2::FullMatch(input, kRef, &a, &b) && p->resource_type != ResourceType::kSource &&
          (b.empty() ? p->name == a : p->name == b && p->package_name == a)) {
        return p;
      }
    }
    return nullptr;
  }

  NodeState Failed(NodeResult& r, const absl::Status& status) {
    r.status = "error";
    r.message = std::string(ToStd(status.message()));
    AddFailure(*FindNode(r.unique_id), r.message);
    return NodeState::kFailed;
  }

  const Node* FindNode(const std::string& id) const { return parsed_.manifest->FindNode(id); }

  void AddFailure(const Node& n, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(fmt::format("Failure in {} {} ({})\n  {}", compile::ResourceTypeName(n.resource_type),
                                    n.name, n.original_file_path, message));
  }

  void Skipped(int i, const NodeOutcome& o) {
    const Node& n = *nodes_[static_cast<size_t>(i)];
    NodeResult& r = results_[static_cast<size_t>(i)];
    r.unique_id = n.unique_id;
    r.status = "skipped";
    r.relation_name = n.relation_name;
    if (o.state == NodeState::kCancelled) r.message = "cancelled before it started";
    if (o.skipped_because >= 0)
      r.message = "an upstream node failed: " + nodes_[static_cast<size_t>(o.skipped_because)]->name;
    int index = NextIndex();
    ctx_.log.Emit(NodeFinished(index, total_, fmt::format("SKIP {}", Description(n)), "skipped", "SKIP",
                               std::nullopt, InfoOf(n)));
  }

  int Finish(double elapsed) {
    RunCounts counts;
    std::map<std::string, int> kinds;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const std::string& s = results_[i].status;
      if (s == "success" || s == "pass") ++counts.pass;
      if (s == "warn") ++counts.warn;
      if (s == "error" || s == "fail") ++counts.error;
      if (s == "skipped" || s.empty()) ++counts.skip;
      const Node& n = *nodes_[i];
      std::string kind = n.resource_type == ResourceType::kModel
                             ? fmt::format("{} model", n.materialized().empty() ? "view" : n.materialized())
                         : n.resource_type == ResourceType::kUnitTest ? "unit test"
                         : n.resource_type == ResourceType::kSeed     ? "seed"
                                                                      : "data test";
      ++kinds[kind];
    }
    for (const std::vector<NodeResult>* hooks : {&hooks_start_, &hooks_end_}) {
      for (const NodeResult& h : *hooks) {
        ++kinds["hook"];
        if (h.status == "error") ++counts.error;
      }
    }
    std::vector<std::string> what;
    for (const auto& [kind, count] : kinds)
      what.push_back(fmt::format("{} {}{}", count, kind, count == 1 ? "" : "s"));
    ctx_.log.Emit(Info(""));
    ctx_.log.Emit(FinishedRunning(what.empty() ? "0 nodes" : absl::StrJoin(what, ", "), elapsed));
    ctx_.log.Emit(Info(""));
    if (counts.error == 0 && counts.skip == 0) {
      ctx_.log.Emit(Info("Completed successfully"));
    } else {
      ctx_.log.Emit(
          Error(fmt::format("Completed with {} error{} and {} warning{}:", counts.error,
                            counts.error == 1 ? "" : "s", counts.warn, counts.warn == 1 ? "" : "s")));
      for (const std::string& f : failures_) {
        ctx_.log.Emit(Info(""));
        ctx_.log.Emit(Error(f));
      }
    }
    ctx_.log.Emit(Info(""));
    ctx_.log.Emit(RunSummary(counts));
    WriteResults(elapsed);
    bool cancelled = ctx_.io.cancelled != nullptr && ctx_.io.cancelled->load();
    if (cancelled) return kExitCancelled;
    return counts.error > 0 || counts.skip > 0 ? kExitFailure : kExitSuccess;
  }

  void WriteResults(double elapsed) {
    RunResultsDocument doc;
    doc.invocation_id = ctx_.log.invocation_id();
    doc.generated_at = UtcNowIso();
    doc.dbt_version = FLINKDBT_VERSION_STRING;
    doc.elapsed_time = elapsed;
    doc.results = hooks_start_;
    doc.results.insert(doc.results.end(), results_.begin(), results_.end());
    doc.results.insert(doc.results.end(), hooks_end_.begin(), hooks_end_.end());
    doc.args_json["which"] = JsonQuote(WhichName(which_));
    doc.args_json["invocation_command"] = JsonQuote(ctx_.options.invocation_command);
    auto list = [](const std::vector<std::string>& v) {
      JsonWriter w;
      w.BeginArray();
      for (const std::string& s : v) w.String(s);
      w.EndArray();
      return w.str();
    };
    if (!ctx_.options.select.empty()) doc.args_json["select"] = list(ctx_.options.select);
    if (!ctx_.options.exclude.empty()) doc.args_json["exclude"] = list(ctx_.options.exclude);
    if (ctx_.options.full_refresh) doc.args_json["full_refresh"] = "true";
    if (ctx_.options.threads) doc.args_json["threads"] = std::to_string(*ctx_.options.threads);
    if (ctx_.options.target) doc.args_json["target"] = JsonQuote(*ctx_.options.target);
    if (!ctx_.options.vars_yaml.empty()) doc.args_json["vars"] = JsonQuote(ctx_.options.vars_yaml);
    ctx_.result.result_json = RunResultsJson(doc, &ctx_.secrets);
    if (!ctx_.options.write_json) return;
    std::string path = (fs::path(parsed_.project->target_path) / "run_results.json").string();
    if (absl::Status s = WriteRunResults(path, doc, &ctx_.secrets); !s.ok()) {
      ctx_.log.Emit(Warning(fmt::format("could not write {}: {}", path, ToStd(s.message()))));
    }
  }

  CommandContext& ctx_;
  graph::ParsedProject& parsed_;
  client::StatementClient& client_;
  Which which_;
  const Prepared& prep_;
  std::vector<NodeResult> hooks_start_, hooks_end_;
  std::string prefix_, label_, catalog_, database_;
  std::unique_ptr<materialize::RelationInspector> inspector_;
  materialize::Settings settings_;
  std::vector<const Node*> nodes_;
  std::vector<NodeResult> results_;
  std::vector<std::string> failures_;
  std::mutex mu_;
  int started_ = 0;
  int total_ = 0;
};

std::vector<ResourceType> DefaultTypes(Which which) {
  switch (which) {
    case Which::kRun:
      return {ResourceType::kModel};
    case Which::kTest:
      return {ResourceType::kTest, ResourceType::kUnitTest};
    case Which::kBuild:
      return {ResourceType::kModel, ResourceType::kTest, ResourceType::kUnitTest, ResourceType::kSeed};
    case Which::kSeed:
      return {ResourceType::kSeed};
  }
  return {};
}

// --defer --state: a ref to a node that is not selected and whose own relation does not exist on the
// target renders the state manifest's relation (--favor-state: every unselected node's).
absl::Status ApplyDefer(CommandContext& ctx, const graph::ParsedProject& parsed,
                        const std::vector<const Node*>& nodes, const std::set<std::string>& to_compile,
                        client::StatementClient& client, compile::Compiler& compiler) {
  if (!ctx.options.state.has_value()) return absl::InvalidArgumentError("--defer needs --state DIR");
  std::string dir = ctx.Resolve(*ctx.options.state);
  FLINKDBT_ASSIGN_OR_RETURN(graph::PreviousState state, graph::LoadPreviousState(dir));
  if (state.manifest.is_null()) {
    return absl::InvalidArgumentError(ToAbsl(fmt::format("--defer: there is no manifest.json in {}", dir)));
  }
  const Value* state_nodes = state.manifest.Find("nodes");
  std::set<std::string> selected;
  for (const Node* n : nodes) selected.insert(n->unique_id);
  const project::Target& t = *parsed.project->target;
  std::unique_ptr<materialize::RelationInspector> inspector = materialize::MakeInformationSchemaInspector(
      client, t.statement_label.empty() ? "dbt-confluent" : t.statement_label,
      t.statement_name_prefix.empty() ? "dbt-" : t.statement_name_prefix);
  std::set<std::string> missing, checked;
  for (const std::string& id : to_compile) {
    const Node* n = parsed.manifest->FindNode(id);
    if (n == nullptr) continue;
    for (const std::string& parent_id : n->depends_on_nodes) {
      if (selected.count(parent_id) || !checked.insert(parent_id).second) continue;
      const Node* p = parsed.manifest->FindNode(parent_id);
      if (p == nullptr || p->is_ephemeral() ||
          (p->resource_type != ResourceType::kModel && p->resource_type != ResourceType::kSeed &&
           p->resource_type != ResourceType::kSnapshot)) {
        continue;
      }
      if (state_nodes == nullptr || state_nodes->Find(parent_id) == nullptr) continue;
      FLINKDBT_ASSIGN_OR_RETURN(
          std::optional<materialize::RelationInfo> info,
          inspector->Describe(p->database, p->schema, p->alias.empty() ? p->name : p->alias));
      if (!info.has_value()) {
        missing.insert(parent_id);
        ctx.log.Emit(
            Debug(fmt::format("--defer: {} does not exist on the target; refs to it use --state's relation",
                              p->relation_name)));
      }
    }
  }
  compiler.SetDefer(std::make_shared<const Value>(std::move(state.manifest)), ctx.options.favor_state,
                    selected);
  compiler.SetDeferMissing(std::move(missing));
  return absl::OkStatus();
}

// Runs `which` over the selected nodes, or over exactly `only_ids` when given (retry).
int Execute(CommandContext& ctx, Which which, const std::optional<std::set<std::string>>& only_ids) {
  absl::StatusOr<graph::InvocationOptions> options = GraphOptions(ctx);
  if (!options.ok()) return ReportError(ctx, options.status());
  options->write_manifest = false;  // written once every selected model validated
  SourceMaps source_maps;
  source_maps.Attach(*options);
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*options);
  if (!parsed.ok()) return ReportError(ctx, parsed.status());
  for (const std::string& w : parsed->warnings) ctx.log.Emit(Warning(w));

  std::vector<const Node*> nodes;
  if (only_ids.has_value()) {
    for (const std::string& id : *only_ids) {
      if (const Node* n = parsed->manifest->FindNode(id)) nodes.push_back(n);
    }
  } else {
    absl::StatusOr<graph::SelectionResult> selection =
        graph::SelectNodes(*parsed, SelectionOptions(ctx.options), DefaultTypes(which));
    if (!selection.ok()) return ReportError(ctx, selection.status());
    for (const std::string& w : selection->warnings) ctx.log.Emit(Warning(w));
    for (int id : selection->selected) nodes.push_back(&parsed->graph->node(id));
  }
  // Compile everything the run needs (a unit test needs its model's SQL) before anything is submitted.
  absl::StatusOr<compile::Compiler*> compiler = parsed->compiler->Get();
  if (!compiler.ok()) return ReportError(ctx, compiler.status());
  {
    std::vector<std::string> selected_ids;  // `selected_resources` in the Jinja context
    selected_ids.reserve(nodes.size());
    for (const Node* n : nodes) selected_ids.push_back(n->unique_id);
    (*compiler)->SetSelectedResources(selected_ids);
  }
  std::set<std::string> to_compile;
  for (const Node* n : nodes) {
    to_compile.insert(n->unique_id);
    if (n->resource_type == ResourceType::kUnitTest) to_compile.insert(n->tested_model);
  }
  std::unique_ptr<client::StatementClient> client;
  if (ctx.options.defer) {
    // Deferred refs depend on what exists on the target: ask it before compiling.
    absl::StatusOr<std::unique_ptr<client::StatementClient>> opened = OpenTargetClient(*parsed->project);
    if (!opened.ok()) return ReportError(ctx, opened.status());
    client = std::move(*opened);
    if (absl::Status s = ApplyDefer(ctx, *parsed, nodes, to_compile, *client, **compiler); !s.ok()) {
      return ReportError(ctx, s);
    }
  }
  for (const std::string& id : to_compile) {
    compile::Node* node = parsed->manifest->MutableNode(id);
    if (node == nullptr || node->resource_type == ResourceType::kSource) continue;
    if (absl::Status s = (*compiler)->CompileNode(*node); !s.ok()) return ReportError(ctx, s);
  }
  if (std::optional<int> rc = ValidateBeforeRun(ctx, *parsed, to_compile, source_maps)) return *rc;
  // Ephemeral models run inside their dependents; `run` does not list them.
  std::erase_if(nodes, [](const Node* n) { return n->is_ephemeral(); });
  if (nodes.empty()) {
    ctx.log.Emit(Warning("Nothing to do. Try checking your model configs and model specification args"));
    return kExitSuccess;
  }
  // Hooks rendered, seeds read, unit-test fixtures loaded: a bad CSV stops the run here (exit 2).
  Prepared prep;
  if (absl::Status s = Prepare(*parsed, **compiler, nodes, prep); !s.ok()) return ReportError(ctx, s);
  if (client == nullptr) {
    absl::StatusOr<std::unique_ptr<client::StatementClient>> opened = OpenTargetClient(*parsed->project);
    if (!opened.ok()) return ReportError(ctx, opened.status());
    client = std::move(*opened);
  }
  // One run per project and environment at a time (released when `lock` goes out of scope).
  const project::Target& target = *parsed->project->target;
  RunLockHolder me{ctx.log.invocation_id(), ThisHost(), ThisPid(), std::string(WhichName(which)),
                   UtcNowIso()};
  absl::StatusOr<std::unique_ptr<RunLock>> lock =
      RunLock::Acquire(*client, target.statement_name_prefix.empty() ? "dbt-" : target.statement_name_prefix,
                       parsed->project->root.config.name, me);
  if (!lock.ok()) return ReportError(ctx, lock.status());
  Executor executor(ctx, *parsed, *client, which, prep);
  return executor.Execute(nodes);
}

void AddRunFlags(CLI::App& sub, InvocationOptions& options) {
  AddProjectFlags(sub, options);
  AddSelectionFlags(sub, options);
  AddExecutionFlags(sub, options);
  AddStateFlags(sub, options);
  AddValidationFlags(sub, options);
}

// `retry`: the failed and skipped nodes of the last run_results.json, with its command.
int Retry(CommandContext& ctx) {
  absl::StatusOr<graph::InvocationOptions> options = GraphOptions(ctx);
  if (!options.ok()) return ReportError(ctx, options.status());
  options->write_manifest = false;
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*options);
  if (!parsed.ok()) return ReportError(ctx, parsed.status());
  fs::path dir = ctx.options.state.has_value() ? fs::path(ctx.Resolve(*ctx.options.state))
                                               : fs::path(parsed->project->target_path);
  fs::path path = dir / "run_results.json";
  std::optional<std::string> text = ReadText(path);
  if (!text.has_value()) {
    ctx.log.Emit(Error(fmt::format("{} does not exist: there is no previous run to retry", path.string())));
    return kExitError;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(*text).get(doc) != simdjson::SUCCESS) {
    ctx.log.Emit(Error(fmt::format("{} is not valid JSON", path.string())));
    return kExitError;
  }
  std::string_view which = "build";
  if (doc["args"]["which"].get(which) != simdjson::SUCCESS) which = "build";
  std::set<std::string> ids;
  simdjson::dom::array results;
  if (doc["results"].get(results) == simdjson::SUCCESS) {
    for (simdjson::dom::element r : results) {
      std::string_view status, id;
      if (r["status"].get(status) || r["unique_id"].get(id)) continue;
      if (status == "error" || status == "fail" || status == "skipped" || status == "runtime error" ||
          status == "partial success") {
        ids.insert(std::string(id));
      }
    }
  }
  if (ids.empty()) {
    ctx.log.Emit(Info("Nothing to retry: the previous run had no errors, failures or skipped nodes"));
    return kExitSuccess;
  }
  Which w = which == "run"    ? Which::kRun
            : which == "test" ? Which::kTest
            : which == "seed" ? Which::kSeed
                              : Which::kBuild;
  return Execute(ctx, w, ids);
}

}  // namespace

CommandSpec RunCommandSpec() {
  CommandSpec spec;
  spec.name = "run";
  spec.help = "Deploy the selected models to the target through their materializations";
  spec.add_flags = AddRunFlags;
  spec.run = [](CommandContext& ctx) { return Execute(ctx, Which::kRun, std::nullopt); };
  return spec;
}

CommandSpec TestCommandSpec() {
  CommandSpec spec;
  spec.name = "test";
  spec.help = "Run the selected data tests and unit tests (--select test_type:unit for unit tests only)";
  spec.add_flags = AddRunFlags;
  spec.run = [](CommandContext& ctx) { return Execute(ctx, Which::kTest, std::nullopt); };
  return spec;
}

CommandSpec BuildCommandSpec() {
  CommandSpec spec;
  spec.name = "build";
  spec.help = "Run models, their unit tests first, then their data tests, in DAG order";
  spec.add_flags = AddRunFlags;
  spec.run = [](CommandContext& ctx) { return Execute(ctx, Which::kBuild, std::nullopt); };
  return spec;
}

CommandSpec SeedCommandSpec() {
  CommandSpec spec;
  spec.name = "seed";
  spec.help =
      "Load the CSV files of seed-paths into tables of the target (--full-refresh reloads unchanged ones)";
  spec.add_flags = AddRunFlags;
  spec.run = [](CommandContext& ctx) { return Execute(ctx, Which::kSeed, std::nullopt); };
  return spec;
}

CommandSpec RetryCommandSpec() {
  CommandSpec spec;
  spec.name = "retry";
  spec.help = "Re-run the nodes that failed or were skipped in the last run, with its command";
  spec.add_flags = [](CLI::App& sub, InvocationOptions& options) {
    AddProjectFlags(sub, options);
    sub.add_option("--state", options.state,
                   "Where the previous run_results.json is (default: the target path)");
    AddValidationFlags(sub, options);
  };
  spec.run = Retry;
  return spec;
}

}  // namespace flinkdbt::run
