// `flinkdbt show` (preview a model's or an inline query's rows on the target) and `flinkdbt debug`
// (versions, the resolved profile with secrets masked, the project, a connection check).
#include <filesystem>

#include "CLI/CLI.hpp"
#include "absl/strings/str_join.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/local.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/version.h"
#include "fmt/format.h"
#include "run/flags.h"
#include "run/project_commands.h"
#include "run/target_client.h"
#include "run/validate.h"

namespace flinkdbt::run {
namespace {

std::string Cell(const client::Value& v) {
  if (v.is_null()) return "NULL";
  return v.kind == client::Value::Kind::kString ? v.text : v.ToString();
}

// dbt's preview table: | a | b | / | - | - | / rows.
std::string TextTable(const std::vector<client::Column>& schema,
                      const std::vector<std::vector<client::Value>>& rows) {
  std::vector<size_t> width;
  for (const client::Column& c : schema) width.push_back(std::max<size_t>(c.name.size(), 3));
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], Cell(row[i]).size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (size_t i = 0; i < cells.size(); ++i) out += fmt::format(" {:<{}} |", cells[i], width[i]);
    return out;
  };
  std::vector<std::string> header, rule, lines;
  for (size_t i = 0; i < schema.size(); ++i) {
    header.push_back(schema[i].name);
    rule.push_back(std::string(width[i], '-'));
  }
  lines.push_back(line(header));
  lines.push_back(line(rule));
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < schema.size(); ++i) cells.push_back(i < row.size() ? Cell(row[i]) : "");
    lines.push_back(line(cells));
  }
  return absl::StrJoin(lines, "\n");
}

void WriteCell(JsonWriter& w, const client::Value& v) {
  using K = client::Value::Kind;
  switch (v.kind) {
    case K::kNull:
      w.Null();
      break;
    case K::kBool:
      w.Bool(v.bool_value);
      break;
    case K::kInt:
      w.Int(v.int_value);
      break;
    case K::kDouble:
      w.Double(v.double_value);
      break;
    default:
      w.String(Cell(v));
      break;
  }
}

int RunShow(CommandContext& ctx) {
  absl::StatusOr<graph::InvocationOptions> options = GraphOptions(ctx);
  if (!options.ok()) return ReportError(ctx, options.status());
  options->write_manifest = false;
  SourceMaps source_maps;
  source_maps.Attach(*options);
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*options);
  if (!parsed.ok()) return ReportError(ctx, parsed.status());
  std::string sql, node_name;
  if (ctx.options.inline_sql.has_value()) {
    absl::StatusOr<std::vector<graph::CompiledNode>> compiled =
        graph::CompileCommand(*parsed, SelectionOptions(ctx.options), ctx.options.inline_sql, false);
    if (!compiled.ok()) return ReportError(ctx, compiled.status());
    sql = compiled->front().compiled_code;
    node_name = "inline_query";
  } else {
    graph::ListOptions list = SelectionOptions(ctx.options);
    list.resource_types = {"model"};
    if (std::optional<int> rc = ValidateSelection(ctx, *parsed, list, {compile::ResourceType::kModel}, source_maps))
      return *rc;
    absl::StatusOr<std::vector<graph::CompiledNode>> compiled =
        graph::CompileCommand(*parsed, list, std::nullopt, false);
    if (!compiled.ok()) return ReportError(ctx, compiled.status());
    if (compiled->size() != 1) {
      ctx.log.Emit(
          Error(fmt::format("show needs exactly one model (--select MODEL) or --inline SQL; the selection "
                            "matched {}",
                            compiled->size())));
      return kExitError;
    }
    sql = compiled->front().compiled_code;
    node_name = compiled->front().name;
  }
  absl::StatusOr<std::unique_ptr<client::StatementClient>> target = OpenTargetClient(*parsed->project);
  if (!target.ok()) return ReportError(ctx, target.status());
  client::SubmitRequest request;
  const project::Target& t = *parsed->project->target;
  request.name =
      client::AdHocStatementName(t.statement_name_prefix.empty() ? "dbt-" : t.statement_name_prefix);
  request.sql =
      ctx.options.limit >= 0 ? fmt::format("SELECT * FROM (\n{}\n) LIMIT {}", sql, ctx.options.limit) : sql;
  request.mode = client::ExecutionMode::kSnapshot;
  request.hidden = true;
  absl::StatusOr<client::QueryResult> result = client::ExecuteStatement(**target, request);
  if (!result.ok()) {
    ctx.log.Emit(Error(fmt::format("show {}: {}", node_name, ToStd(result.status().message()))));
    return kExitFailure;
  }
  if (ctx.options.output == "json") {
    JsonWriter w;
    w.BeginObject().Field("node", node_name).Key("show").BeginArray();
    for (const auto& row : result->rows) {
      w.BeginObject();
      for (size_t i = 0; i < result->schema.size() && i < row.size(); ++i) {
        w.Key(result->schema[i].name);
        WriteCell(w, row[i]);
      }
      w.EndObject();
    }
    w.EndArray().EndObject();
    if (ctx.io.out) ctx.io.out(ctx.secrets.Scrub(w.str()) + "\n");
  } else {
    ctx.log.Emit(
        Info(fmt::format("Previewing node '{}':\n{}", node_name, TextTable(result->schema, result->rows))));
  }
  return kExitSuccess;
}

int RunDebug(CommandContext& ctx) {
  auto say = [&](const std::string& line) { ctx.log.Emit(Info(line)); };
  say(fmt::format("flinkdbt version: {}", FLINKDBT_VERSION_STRING));
  absl::StatusOr<graph::InvocationOptions> options = GraphOptions(ctx);
  if (!options.ok()) return ReportError(ctx, options.status());
  options->write_manifest = false;
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*options);
  if (!parsed.ok()) {
    ReportError(ctx, parsed.status());
    say("Project or profile check: ERROR");
    return kExitFailure;
  }
  const project::LoadedProject& p = *parsed->project;
  say(fmt::format(
      "Using dbt_project.yml file at {}",
      (std::filesystem::path(p.root.config.root_dir) / "dbt_project.yml").lexically_normal().string()));
  say("Configuration:");
  say("  dbt_project.yml file [OK found and valid]");
  say("  profiles.yml file [OK found and valid]");
  if (!p.target.has_value()) {
    ctx.log.Emit(Error("no target could be resolved from profiles.yml"));
    return kExitFailure;
  }
  const project::Target& t = *p.target;
  auto masked = [](const std::string& secret) {
    return secret.empty() ? std::string("None") : std::string("*****");
  };
  say("Required dependencies:");
  say(" - libcurl [OK found]");
  say("Connection:");
  say(fmt::format("  type: {}", t.type));
  say(fmt::format("  profile: {}", t.profile_name));
  say(fmt::format("  target: {}", t.name));
  say(fmt::format("  environment_id (catalog): {}", t.database.empty() ? "default_catalog" : t.database));
  say(fmt::format("  dbname (database): {}", t.schema.empty() ? "default_database" : t.schema));
  if (t.type == "confluent") {
    say(fmt::format("  organization_id: {}", t.organization_id));
    say(fmt::format("  compute_pool_id: {}", t.compute_pool_id));
    say(fmt::format("  endpoint: {}", t.ResolvedEndpoint()));
    say(fmt::format("  flink_api_key: {}", masked(t.flink_api_key)));
    say(fmt::format("  flink_api_secret: {}", masked(t.flink_api_secret)));
    if (!t.global_api_key.empty()) say(fmt::format("  global_api_key: {}", masked(t.global_api_key)));
    client::ConnectionReport report = client::CheckConnection(ConfluentOptions(t));
    say(fmt::format("  Connection test: [{}]", report.ok() ? "OK connection ok" : "ERROR"));
    if (!report.ok()) {
      ctx.log.Emit(Error(report.Summary()));
      return kExitFailure;
    }
  } else {
    absl::StatusOr<std::unique_ptr<client::StatementClient>> target = OpenTargetClient(p);
    if (!target.ok()) {
      ctx.log.Emit(Error(fmt::format("  Connection test: [ERROR] {}", ToStd(target.status().message()))));
      return kExitFailure;
    }
    client::SubmitRequest request;
    request.name = client::AdHocStatementName();
    request.sql = "SELECT 1";
    request.mode = client::ExecutionMode::kSnapshot;
    request.hidden = true;
    absl::StatusOr<client::QueryResult> r = client::ExecuteStatement(**target, request);
    if (!r.ok()) {
      ctx.log.Emit(Error(fmt::format("  Connection test: [ERROR] {}", ToStd(r.status().message()))));
      return kExitFailure;
    }
    say("  Connection test: [OK connection ok]");
  }
  say("All checks passed!");
  return kExitSuccess;
}

}  // namespace

CommandSpec ShowCommandSpec() {
  CommandSpec spec;
  spec.name = "show";
  spec.help = "Preview the rows of a model (--select MODEL) or of --inline SQL on the target";
  spec.add_flags = [](CLI::App& sub, InvocationOptions& options) {
    AddProjectFlags(sub, options);
    AddSelectionFlags(sub, options);
    AddValidationFlags(sub, options);
    sub.add_option("--inline", options.inline_sql, "Preview this SQL, compiled in the project's context");
    sub.add_option("--limit", options.limit, "How many rows (default 5; -1 for all)");
    sub.add_option("--output", options.output, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
  };
  spec.run = RunShow;
  return spec;
}

CommandSpec DebugCommandSpec() {
  CommandSpec spec;
  spec.name = "debug";
  spec.help = "Check the project, the profile and the connection to the target";
  spec.add_flags = [](CLI::App& sub, InvocationOptions& options) { AddProjectFlags(sub, options); };
  spec.run = RunDebug;
  return spec;
}

}  // namespace flinkdbt::run
