// The strategies: what each materialization submits, in which execution mode and under which name,
// and when it creates, restarts or skips (dbt-confluent-behaviour.md §3, "decide_action").
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/materialize/materialization.h"
#include "fmt/format.h"

namespace flinkdbt::materialize {
namespace {

using client::ExecutionMode;
using Kind = RelationInfo::Kind;

std::string KindName(Kind kind) {
  switch (kind) {
    case Kind::kTable:
      return "table";
    case Kind::kView:
      return "view";
    case Kind::kMaterializedTable:
      return "materialized table";
    case Kind::kMaterializedView:
      return "materialized view";
    case Kind::kOther:
      return "relation";
  }
  return "relation";
}

// Flink type text compared loosely: case, spaces and the common synonyms do not matter.
std::string NormalizeType(std::string_view type) {
  std::string t = absl::AsciiStrToUpper(ToAbsl(type));
  t = absl::StrReplaceAll(t, {{" ", ""}, {"\t", ""}, {"\n", ""}});
  if (t == "STRING") t = "VARCHAR(2147483647)";
  if (t == "BYTES") t = "VARBINARY(2147483647)";
  if (t == "INTEGER") t = "INT";
  if (t == "DEC" || t == "NUMERIC" || t == "DECIMAL") t = "DECIMAL(10,0)";
  for (std::string_view syn : {"NUMERIC(", "DEC("}) {
    if (t.rfind(syn, 0) == 0) t = "DECIMAL(" + t.substr(syn.size());
  }
  if (t.size() > 6 && t.compare(t.size() - 7, 7, "NOTNULL") == 0) t.resize(t.size() - 7);
  return t;
}

class Deployment {
 public:
  Deployment(client::StatementClient& client, RelationInspector& inspector, const Settings& settings,
             const ModelSpec& model)
      : client_(client), inspector_(inspector), settings_(settings), model_(model) {}

  absl::StatusOr<Outcome> Execute() {
    FLINKDBT_ASSIGN_OR_RETURN(relation_, RelationName(model_.catalog, model_.database, model_.identifier));
    FLINKDBT_ASSIGN_OR_RETURN(base_name_, Name(""));
    FLINKDBT_ASSIGN_OR_RETURN(ddl_name_, Name("-ddl"));
    if (model_.materialized == Materialized::kEphemeral) {
      outcome_.action = Outcome::Action::kNone;
      outcome_.message = "ephemeral (compiled into its dependents)";
      return outcome_;
    }
    FLINKDBT_ASSIGN_OR_RETURN(existing_,
                              inspector_.Describe(model_.catalog, model_.database, model_.identifier));
    absl::Status s;
    switch (model_.materialized) {
      case Materialized::kView:
        s = View();
        break;
      case Materialized::kTable:
        s = Table();
        break;
      case Materialized::kMaterializedView:
        s = MaterializedView();
        break;
      case Materialized::kMaterializedTable:
        s = MaterializedTable();
        break;
      case Materialized::kStreamingTable:
        s = StreamingTable();
        break;
      case Materialized::kStreamingSource:
        s = StreamingSource();
        break;
      case Materialized::kEphemeral:
        break;
    }
    if (!s.ok()) return s;
    return outcome_;
  }

 private:
  absl::StatusOr<std::string> Name(std::string_view suffix) {
    return client::ModelStatementName(settings_.statement_name_prefix, model_.project, model_.name, suffix,
                                      model_.statement_name_override);
  }

  // Submits `sql` and waits until it is ready. `keep` leaves a finished statement in place (it carries
  // the SQL-hash label that later runs compare against); otherwise a finished statement is reaped.
  absl::Status Submit(const std::string& name, const std::string& sql, ExecutionMode mode, bool keep,
                      bool with_properties) {
    client::SubmitRequest request;
    request.name = name;
    request.sql = sql;
    request.mode = mode;
    request.compute_pool_id = model_.compute_pool_id;
    if (with_properties) request.properties = model_.statement_properties;
    if (keep) request.labels[std::string(kSqlHashLabel)] = flinkdbt::Md5Hex(model_.sql);
    client::ExecuteOptions options = settings_.execute;
    options.fetch_results = false;
    options.delete_when_terminal = !keep;
    outcome_.statements.push_back({name, sql, mode});
    absl::StatusOr<client::QueryResult> result = client::ExecuteStatement(client_, request, options);
    if (!result.ok()) {
      return absl::Status(result.status().code(),
                          fmt::format("statement {} failed: {}", name, ToStd(result.status().message())));
    }
    return absl::OkStatus();
  }

  // A DDL statement of the run's own, under a fresh name (drops and checks).
  absl::Status SubmitAdHoc(const std::string& sql) {
    return Submit(client::AdHocStatementName(settings_.statement_name_prefix), sql,
                  ExecutionMode::kStreamingDdl,
                  /*keep=*/false, /*with_properties=*/false);
  }

  absl::Status DeleteStatements(std::initializer_list<const std::string*> names) {
    for (const std::string* name : names) FLINKDBT_RETURN_IF_ERROR(client_.Delete(*name));
    return absl::OkStatus();
  }

  // DROP routed by what the relation really is: a plain DROP TABLE would "phantom-drop" a
  // materialized table.
  absl::Status Drop(const RelationInfo& info) {
    switch (info.kind) {
      case Kind::kView:
        return SubmitAdHoc(fmt::format("DROP VIEW IF EXISTS {}", relation_));
      case Kind::kMaterializedTable:
        return SubmitAdHoc(fmt::format("DROP MATERIALIZED TABLE IF EXISTS {}", relation_));
      case Kind::kMaterializedView:
        return SubmitAdHoc(fmt::format("DROP MATERIALIZED VIEW IF EXISTS {}", relation_));
      case Kind::kTable:
      case Kind::kOther:
        return SubmitAdHoc(fmt::format("DROP TABLE IF EXISTS {}", relation_));
    }
    return absl::OkStatus();
  }

  // A stateful relation of the other family (a materialized table where a regular table is wanted, or
  // the reverse) is replaced only with --full-refresh.
  absl::Status GuardKindSwitch(bool want_materialized_table) {
    if (!existing_.has_value()) return absl::OkStatus();
    bool is_mt = existing_->kind == Kind::kMaterializedTable;
    if (is_mt == want_materialized_table || existing_->kind == Kind::kView) return absl::OkStatus();
    if (settings_.full_refresh) return absl::OkStatus();
    return absl::FailedPreconditionError(fmt::format(
        "{} already exists as a {}, and model {} is now a {}: switching needs --full-refresh, which drops "
        "it and its data",
        relation_, KindName(existing_->kind), model_.name, MaterializedName(model_.materialized)));
  }

  // Columns, WITH options and distribution of the deployed relation against the model's.
  std::vector<std::string> Drift(bool columns_only) {
    std::vector<std::string> diffs;
    if (!existing_.has_value()) return diffs;
    if (!model_.columns.empty() && !existing_->columns.empty()) {
      std::map<std::string, std::string> deployed;
      for (const Column& c : existing_->columns)
        deployed[absl::AsciiStrToLower(ToAbsl(c.name))] = c.data_type;
      std::map<std::string, bool> seen;
      for (const Column& c : model_.columns) {
        std::string key = absl::AsciiStrToLower(ToAbsl(c.name));
        seen[key] = true;
        auto it = deployed.find(key);
        if (it == deployed.end()) {
          diffs.push_back(fmt::format("column {} was added", c.name));
        } else if (!c.data_type.empty() && NormalizeType(c.data_type) != NormalizeType(it->second)) {
          diffs.push_back(
              fmt::format("column {} changed type from {} to {}", c.name, it->second, c.data_type));
        }
      }
      for (const Column& c : existing_->columns) {
        if (!seen.count(absl::AsciiStrToLower(ToAbsl(c.name)))) {
          diffs.push_back(fmt::format("column {} was removed", c.name));
        }
      }
    }
    if (columns_only) return diffs;
    for (const auto& [key, value] : EffectiveWith()) {
      auto it = existing_->options.find(key);
      if (it == existing_->options.end()) {
        diffs.push_back(fmt::format("option '{}' was added", key));
      } else if (it->second != value) {
        diffs.push_back(fmt::format("option '{}' changed from '{}' to '{}'", key, it->second, value));
      }
    }
    if (model_.distributed_by.has_value() && existing_->distribution != model_.distributed_by) {
      diffs.push_back(fmt::format("distribution changed to {}", RenderDistribution(*model_.distributed_by)));
    }
    return diffs;
  }

  absl::Status CheckDrift(bool columns_only) {
    if (!model_.on_schema_drift_fail) return absl::OkStatus();
    std::vector<std::string> diffs = Drift(columns_only);
    if (diffs.empty()) return absl::OkStatus();
    return absl::FailedPreconditionError(
        fmt::format("schema drift in {}: {}. Run with --full-refresh to redeploy it (stateful relations lose "
                    "their data), "
                    "or set on_schema_drift='ignore'",
                    relation_, absl::StrJoin(diffs, "; ")));
  }

  // The deployed statement's SQL hash against the model's: a changed query is reported, not skipped
  // silently.
  void CheckQueryChanged(const std::string& statement_name) {
    absl::StatusOr<client::Statement> st = client_.Get(statement_name);
    if (!st.ok()) return;
    auto it = st->labels.find(std::string(kSqlHashLabel));
    if (it == st->labels.end() || it->second == flinkdbt::Md5Hex(model_.sql)) return;
    outcome_.query_changed = true;
    // A `table` holds the rows its CTAS computed once; the streaming kinds hold running state.
    const std::string_view what = model_.materialized == Materialized::kTable ? "keeps the rows it was built with"
                                                                              : "keeps its state";
    outcome_.warnings.push_back(
        fmt::format("model {} changed since it was deployed, but {} is a {} that {}, so it was not redeployed: "
                    "run with --full-refresh (or `--select {} --full-refresh`) to redeploy it",
                    model_.name, relation_, MaterializedName(model_.materialized), what, model_.name));
  }

  absl::Status Skip(const std::string& statement_name, bool columns_only = false) {
    FLINKDBT_RETURN_IF_ERROR(CheckDrift(columns_only));
    CheckQueryChanged(statement_name);
    outcome_.action = Outcome::Action::kSkip;
    outcome_.message = fmt::format("{} already exists. Skipping", relation_);
    return absl::OkStatus();
  }

  // Clears what a previous deployment left: its statements, and the relation when there is one.
  absl::Status ClearForCreate() {
    FLINKDBT_RETURN_IF_ERROR(DeleteStatements({&base_name_, &ddl_name_}));
    if (existing_.has_value()) FLINKDBT_RETURN_IF_ERROR(Drop(*existing_));
    return absl::OkStatus();
  }

  std::vector<std::pair<std::string, std::string>> EffectiveWith() const {
    std::vector<std::pair<std::string, std::string>> with;
    for (const auto& kv : model_.with) {
      if (model_.connector.has_value() && kv.first == "connector") continue;
      with.push_back(kv);
    }
    if (model_.connector.has_value()) with.emplace_back("connector", *model_.connector);
    return with;
  }

  std::string TableClauses(bool with_options) const {
    std::string out;
    if (model_.distributed_by.has_value()) out += "\n" + RenderDistribution(*model_.distributed_by);
    if (with_options) {
      std::string with = RenderWith(EffectiveWith());
      if (!with.empty()) out += "\n" + with;
    }
    return out;
  }

  void Created() {
    outcome_.action = Outcome::Action::kCreate;
    outcome_.message = fmt::format("created {} {}", MaterializedName(model_.materialized), relation_);
  }

  // ---- the strategies ----

  absl::Status View() {
    FLINKDBT_RETURN_IF_ERROR(DeleteStatements({&base_name_}));
    if (existing_.has_value()) FLINKDBT_RETURN_IF_ERROR(Drop(*existing_));
    FLINKDBT_RETURN_IF_ERROR(Submit(base_name_, fmt::format("CREATE VIEW {} AS\n{}", relation_, model_.sql),
                                    ExecutionMode::kStreamingDdl, /*keep=*/false, /*with_properties=*/false));
    Created();
    return absl::OkStatus();
  }

  absl::Status Table() {
    FLINKDBT_RETURN_IF_ERROR(GuardKindSwitch(false));
    if (existing_.has_value() && !settings_.full_refresh) return Skip(base_name_);
    FLINKDBT_RETURN_IF_ERROR(ClearForCreate());
    std::string columns, query = model_.sql;
    if (model_.contract_enforced && !model_.columns.empty()) {
      columns = " " + RenderColumns(model_.columns, model_.primary_key);
      std::vector<std::string> names;
      for (const Column& c : model_.columns) names.push_back(fmt::format("`{}`", c.name));
      query = fmt::format("SELECT {} FROM (\n{}\n)", absl::StrJoin(names, ", "), model_.sql);
    }
    FLINKDBT_RETURN_IF_ERROR(
        Submit(base_name_,
               fmt::format("CREATE TABLE {}{}{}\nAS\n{}", relation_, columns, TableClauses(false), query),
               ExecutionMode::kSnapshotDdl, /*keep=*/true, /*with_properties=*/false));
    Created();
    return absl::OkStatus();
  }

  absl::Status MaterializedView() {
    FLINKDBT_RETURN_IF_ERROR(DeleteStatements({&base_name_}));
    // INFORMATION_SCHEMA tells only that a relation is materialized (a BASE TABLE with
    // IS_MATERIALIZED = YES): where this model deployed a materialized view, drop it as one.
    if (existing_.has_value() && existing_->kind == Kind::kMaterializedTable)
      existing_->kind = Kind::kMaterializedView;
    if (existing_.has_value()) FLINKDBT_RETURN_IF_ERROR(Drop(*existing_));
    FLINKDBT_RETURN_IF_ERROR(Submit(base_name_,
                                    fmt::format("CREATE MATERIALIZED VIEW {} AS\n{}", relation_, model_.sql),
                                    ExecutionMode::kStreamingQuery, /*keep=*/true, /*with_properties=*/true));
    Created();
    return absl::OkStatus();
  }

  absl::Status WaitUntilGone() {
    absl::Duration delay = settings_.drop_poll_initial;
    absl::Time deadline = absl::Now() + settings_.drop_wait_timeout;
    while (true) {
      FLINKDBT_ASSIGN_OR_RETURN(std::optional<RelationInfo> info,
                                inspector_.Describe(model_.catalog, model_.database, model_.identifier));
      if (!info.has_value()) return absl::OkStatus();
      if (absl::Now() + delay > deadline) {
        return absl::DeadlineExceededError(
            fmt::format("{} was dropped but still exists after {}; try again later", relation_,
                        absl::FormatDuration(settings_.drop_wait_timeout)));
      }
      std::this_thread::sleep_for(absl::ToChronoNanoseconds(delay));
      delay = std::min(delay * 2, settings_.drop_poll_max);
    }
  }

  absl::Status MaterializedTable() {
    FLINKDBT_RETURN_IF_ERROR(GuardKindSwitch(true));
    if (existing_.has_value() && settings_.full_refresh) {
      if (existing_->kind == Kind::kMaterializedTable) {
        FLINKDBT_RETURN_IF_ERROR(SubmitAdHoc(fmt::format("DROP MATERIALIZED TABLE IF EXISTS {}", relation_)));
        FLINKDBT_RETURN_IF_ERROR(WaitUntilGone());
      } else {
        FLINKDBT_RETURN_IF_ERROR(ClearForCreate());
      }
    }
    std::string sql = fmt::format("CREATE OR ALTER MATERIALIZED TABLE {}", relation_);
    if (!model_.columns.empty() && (model_.contract_enforced || !model_.primary_key.empty())) {
      sql += " " + RenderColumns(model_.columns, model_.primary_key);
    }
    sql += TableClauses(true);
    if (model_.start_mode.has_value()) {
      FLINKDBT_ASSIGN_OR_RETURN(std::string mode, RenderStartMode(*model_.start_mode));
      sql += "\nSTART_MODE = " + mode;
    }
    sql += "\nAS\n" + model_.sql;
    std::string invocation = settings_.invocation_id.empty() ? "run" : settings_.invocation_id;
    FLINKDBT_ASSIGN_OR_RETURN(std::string name, Name("-" + invocation));
    FLINKDBT_RETURN_IF_ERROR(Submit(name, sql, ExecutionMode::kStreamingDdl, /*keep=*/true,
                                    /*with_properties=*/true));
    Created();
    return absl::OkStatus();
  }

  absl::Status StreamingTable() {
    FLINKDBT_RETURN_IF_ERROR(GuardKindSwitch(false));
    enum { kCreate, kRestart, kSkip } action = kCreate;
    if (existing_.has_value() && !settings_.full_refresh) {
      absl::StatusOr<client::Statement> insert = client_.Get(base_name_);
      bool gone = !insert.ok() && (insert.status().code() == absl::StatusCode::kNotFound ||
                                   insert.status().code() == absl::StatusCode::kPermissionDenied);
      if (!insert.ok() && !gone) return insert.status();
      action = (gone || client::IsTerminal(insert->phase)) ? kRestart : kSkip;
    }
    std::string insert_sql = fmt::format("INSERT INTO {}\n{}", relation_, model_.sql);
    if (action == kSkip) return Skip(base_name_);
    if (action == kRestart) {
      FLINKDBT_RETURN_IF_ERROR(CheckDrift(/*columns_only=*/true));
      FLINKDBT_RETURN_IF_ERROR(DeleteStatements({&base_name_}));
      FLINKDBT_RETURN_IF_ERROR(Submit(base_name_, insert_sql, ExecutionMode::kStreamingQuery, /*keep=*/true,
                                      /*with_properties=*/true));
      outcome_.action = Outcome::Action::kRestart;
      outcome_.message = fmt::format("restarted the INSERT of {}", relation_);
      return absl::OkStatus();
    }
    if (model_.columns.empty()) {
      return absl::FailedPreconditionError(fmt::format(
          "streaming_table {} needs its columns: declare them (with data_type) in schema.yml, or let compile "
          "derive them from the query",
          model_.name));
    }
    FLINKDBT_RETURN_IF_ERROR(ClearForCreate());
    FLINKDBT_RETURN_IF_ERROR(
        Submit(ddl_name_,
               fmt::format("CREATE TABLE {} {}{}", relation_,
                           RenderColumns(model_.columns, model_.primary_key), TableClauses(true)),
               ExecutionMode::kStreamingDdl, /*keep=*/false, /*with_properties=*/false));
    FLINKDBT_RETURN_IF_ERROR(Submit(base_name_, insert_sql, ExecutionMode::kStreamingQuery, /*keep=*/true,
                                    /*with_properties=*/true));
    Created();
    return absl::OkStatus();
  }

  absl::Status StreamingSource() {
    if (!model_.connector.has_value() || model_.connector->empty()) {
      return absl::InvalidArgumentError(fmt::format(
          "streaming_source {} needs a connector: add connector='faker' (or another connector) to its config",
          model_.name));
    }
    FLINKDBT_RETURN_IF_ERROR(GuardKindSwitch(false));
    if (existing_.has_value() && !settings_.full_refresh) return Skip(base_name_);
    FLINKDBT_RETURN_IF_ERROR(ClearForCreate());
    FLINKDBT_RETURN_IF_ERROR(Submit(
        base_name_, fmt::format("CREATE TABLE {} (\n{}\n){}", relation_, model_.sql, TableClauses(true)),
        ExecutionMode::kStreamingDdl, /*keep=*/true, /*with_properties=*/false));
    Created();
    return absl::OkStatus();
  }

  client::StatementClient& client_;
  RelationInspector& inspector_;
  const Settings& settings_;
  const ModelSpec& model_;
  Outcome outcome_;
  std::string relation_, base_name_, ddl_name_;
  std::optional<RelationInfo> existing_;
};

}  // namespace

Materializer::Materializer(client::StatementClient& client, RelationInspector& inspector, Settings settings)
    : client_(client), inspector_(inspector), settings_(std::move(settings)) {}

absl::StatusOr<Outcome> Materializer::Run(const ModelSpec& model) {
  Deployment run(client_, inspector_, settings_, model);
  absl::StatusOr<Outcome> outcome = run.Execute();
  if (!outcome.ok()) {
    return absl::Status(outcome.status().code(),
                        fmt::format("{} model {}: {}", MaterializedName(model.materialized), model.name,
                                    ToStd(outcome.status().message())));
  }
  return outcome;
}

}  // namespace flinkdbt::materialize
