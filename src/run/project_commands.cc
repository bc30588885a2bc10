// `flinkdbt parse`, `compile` and `ls`/`list`: the commands that stop at the graph and never contact
// the target (unless a model's own Jinja calls run_query while compiling).
#include "run/project_commands.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "CLI/CLI.hpp"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"
#include "run/flags.h"
#include "run/run_results.h"
#include "run/validate.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string OptionalPath(CommandContext& ctx, const std::optional<std::string>& path) {
  return path.has_value() ? ctx.Resolve(*path) : "";
}

int RunParse(CommandContext& ctx) {
  absl::StatusOr<graph::InvocationOptions> options = GraphOptions(ctx);
  if (!options.ok()) return ReportError(ctx, options.status());
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*options);
  if (!parsed.ok()) return ReportError(ctx, parsed.status());
  for (const std::string& w : parsed->warnings) ctx.log.Emit(Warning(w));
  int models = 0, tests = 0, sources = 0, macros = static_cast<int>(parsed->manifest->macros().size());
  for (const auto& node : parsed->manifest->nodes()) {
    models += node->resource_type == compile::ResourceType::kModel;
    tests += node->resource_type == compile::ResourceType::kTest ||
             node->resource_type == compile::ResourceType::kUnitTest;
    sources += node->resource_type == compile::ResourceType::kSource;
  }
  ctx.log.Emit(Info(fmt::format("Found {} models, {} data tests and unit tests, {} sources, {} macros",
                                models, tests, sources, macros)));
  if (!parsed->manifest_path.empty()) ctx.log.Emit(Info(fmt::format("Wrote {}", parsed->manifest_path)));
  return kExitSuccess;
}

int RunCompile(CommandContext& ctx, const std::optional<std::string>& inline_sql) {
  absl::StatusOr<graph::InvocationOptions> options = GraphOptions(ctx);
  if (!options.ok()) return ReportError(ctx, options.status());
  options->write_manifest = false;  // CompileCommand writes it, once every selected model validated
  SourceMaps source_maps;
  source_maps.Attach(*options);
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*options);
  if (!parsed.ok()) return ReportError(ctx, parsed.status());
  for (const std::string& w : parsed->warnings) ctx.log.Emit(Warning(w));
  if (!inline_sql.has_value()) {
    // selected_resources and --defer must be in place before validation renders the first node.
    if (absl::StatusOr<graph::SelectionResult> prepared =
            graph::PrepareCompile(*parsed, SelectionOptions(ctx.options));
        !prepared.ok()) {
      return ReportError(ctx, prepared.status());
    }
    if (std::optional<int> rc =
            ValidateSelection(ctx, *parsed, SelectionOptions(ctx.options),
                              {compile::ResourceType::kModel, compile::ResourceType::kAnalysis,
                               compile::ResourceType::kTest, compile::ResourceType::kSnapshot},
                              source_maps)) {
      return *rc;
    }
  }
  absl::StatusOr<std::vector<graph::CompiledNode>> compiled =
      graph::CompileCommand(*parsed, SelectionOptions(ctx.options), inline_sql, ctx.options.write_json);
  if (!compiled.ok()) return ReportError(ctx, compiled.status());
  if (compiled->empty())
    ctx.log.Emit(Warning("Nothing to do. Try checking your model configs and model specification args"));
  for (const graph::CompiledNode& node : *compiled) {
    ctx.log.Emit(Info(fmt::format("Compiled node '{}' is:\n{}", node.name, node.compiled_code)));
  }
  return kExitSuccess;
}

int RunList(CommandContext& ctx, const std::string& output, const std::vector<std::string>& output_keys) {
  absl::StatusOr<graph::InvocationOptions> options = GraphOptions(ctx);
  if (!options.ok()) return ReportError(ctx, options.status());
  options->write_manifest = ctx.options.write_json;
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*options);
  if (!parsed.ok()) return ReportError(ctx, parsed.status());
  graph::ListOptions list = SelectionOptions(ctx.options);
  list.output = output;
  list.output_keys = output_keys;
  absl::StatusOr<graph::ListResult> result = graph::ListCommand(*parsed, list);
  if (!result.ok()) return ReportError(ctx, result.status());
  for (const std::string& w : result->warnings) ctx.log.Emit(Warning(w));
  // The listing is the command's output: plain lines on stdout in text mode (so it pipes), one
  // ListCmdOut event per line in json mode.
  for (const std::string& line : result->lines) {
    if (ctx.options.log_format == LogFormat::kJson) {
      Event e = Info(line);
      e.name = "ListCmdOut";
      e.code = "Z049";
      ctx.log.Emit(std::move(e));
    } else if (ctx.io.out) {
      ctx.io.out(ctx.secrets.Scrub(line) + "\n");
    }
  }
  return kExitSuccess;
}

}  // namespace

// dbt's `flags` (upper-cased) and `invocation_args_dict` (args_to_dict: lower-cased, unset options
// left out) for the Jinja context, with secrets scrubbed from every string.
void FillFlagContexts(CommandContext& ctx, const project::Value& cli_vars, compile::CompileOptions& co) {
  const InvocationOptions& o = ctx.options;
  auto str = [&](std::string_view v) { return project::Value::String(ctx.secrets.Scrub(v)); };
  auto list = [&](const std::vector<std::string>& items) {
    project::Value l = project::Value::MakeList();
    for (const std::string& i : items) l.list().push_back(str(i));
    return l;
  };
  project::Value flags = project::Value::MakeMap();
  flags.Set("WHICH", str(o.command));
  flags.Set("FULL_REFRESH", project::Value::Bool(o.full_refresh));
  flags.Set("STORE_FAILURES", project::Value::Bool(o.store_failures));
  flags.Set("FAIL_FAST", project::Value::Bool(o.fail_fast));
  flags.Set("DEFER", project::Value::Bool(o.defer));
  flags.Set("FAVOR_STATE", project::Value::Bool(o.favor_state));
  flags.Set("WRITE_JSON", project::Value::Bool(o.write_json));
  flags.Set("QUIET", project::Value::Bool(o.quiet));
  flags.Set("STATE", o.state ? str(*o.state) : project::Value::Null());
  flags.Set("SELECT", list(o.select));
  flags.Set("EXCLUDE", list(o.exclude));
  flags.Set("INVOCATION_COMMAND", str(o.invocation_command));
  co.flags = std::move(flags);

  project::Value args = project::Value::MakeMap();
  args.Set("which", str(o.command));
  args.Set("invocation_command", str(o.invocation_command));
  if (!o.select.empty()) args.Set("select", list(o.select));
  if (!o.exclude.empty()) args.Set("exclude", list(o.exclude));
  if (o.selector) args.Set("selector", str(*o.selector));
  if (o.indirect_selection) args.Set("indirect_selection", str(*o.indirect_selection));
  if (o.project_dir) args.Set("project_dir", str(*o.project_dir));
  if (o.profiles_dir) args.Set("profiles_dir", str(*o.profiles_dir));
  if (o.profile) args.Set("profile", str(*o.profile));
  if (o.target) args.Set("target", str(*o.target));
  if (o.target_path) args.Set("target_path", str(*o.target_path));
  if (o.threads) args.Set("threads", project::Value::Int(*o.threads));
  if (o.state) args.Set("state", str(*o.state));
  if (o.full_refresh) args.Set("full_refresh", project::Value::Bool(true));
  if (o.fail_fast) args.Set("fail_fast", project::Value::Bool(true));
  if (o.store_failures) args.Set("store_failures", project::Value::Bool(true));
  if (o.defer) args.Set("defer", project::Value::Bool(true));
  if (o.favor_state) args.Set("favor_state", project::Value::Bool(true));
  args.Set("write_json", project::Value::Bool(o.write_json));
  args.Set("quiet", project::Value::Bool(o.quiet));
  if (!o.vars_yaml.empty()) {
    // dbt passes --vars as the parsed mapping; its string leaves are scrubbed like everything else.
    std::function<project::Value(const project::Value&)> scrub = [&](const project::Value& v) {
      if (v.is_string()) return str(v.as_string());
      project::Value out = v;
      if (v.is_list()) {
        for (auto& item : out.list()) item = scrub(item);
      } else if (v.is_map()) {
        for (auto& [k, item] : out.map()) item = scrub(item);
      }
      return out;
    };
    args.Set("vars", scrub(cli_vars));
  } else {
    args.Set("vars", project::Value::MakeMap());
  }
  co.invocation_args = std::move(args);
}

absl::StatusOr<graph::InvocationOptions> GraphOptions(CommandContext& ctx) {
  const InvocationOptions& o = ctx.options;
  graph::InvocationOptions g;
  g.load.project_dir = OptionalPath(ctx, o.project_dir);
  g.load.profiles_dir = OptionalPath(ctx, o.profiles_dir);
  g.load.profile = o.profile.value_or("");
  g.load.target = o.target.value_or("");
  g.load.target_path = o.target_path.value_or("");
  g.load.threads = o.threads;
  if (!o.vars_yaml.empty()) {
    FLINKDBT_ASSIGN_OR_RETURN(project::Value vars, project::ParseYaml(o.vars_yaml, "--vars"));
    if (!vars.is_null()) g.load.cli_vars = std::move(vars);
  }
  g.load.env = ctx.io.env;
  g.load.cwd = ctx.Resolve(".");
  g.version_check = o.version_check;
  g.load.scrubber = &ctx.secrets;
  g.invocation_id = ctx.log.invocation_id();
  g.started_at = UtcNowIso();
  g.write_manifest = o.write_json;
  g.compile.invocation_id = g.invocation_id;
  g.compile.run_started_at = g.started_at;
  g.compile.scrubber = &ctx.secrets;
  FillFlagContexts(ctx, g.load.cli_vars, g.compile);
  EventLogger* log = &ctx.log;
  g.compile.log = [log](std::string_view level, std::string_view message) {
    if (level == "warn") {
      log->Emit(Warning(message));
    } else if (level == "info") {
      log->Emit(Info(message));
    } else {
      log->Emit(Debug(message));
    }
  };
  return g;
}

graph::ListOptions SelectionOptions(const InvocationOptions& o) {
  graph::ListOptions list;
  list.select = o.select;
  list.exclude = o.exclude;
  list.selector = o.selector.value_or("");
  list.indirect_selection = o.indirect_selection.value_or("eager");
  list.resource_types = o.resource_types;
  list.state_dir = o.state.value_or("");
  list.defer = o.defer;
  list.favor_state = o.favor_state;
  return list;
}

int ReportError(CommandContext& ctx, const absl::Status& status) {
  std::optional<SourceLocation> loc = GetLocation(status);
  std::optional<std::string> source;
  if (loc.has_value() && !loc->file.empty() && loc->line > 0) {
    fs::path file(loc->file);
    if (file.is_relative() && ctx.options.project_dir.has_value())
      file = fs::path(ctx.Resolve(*ctx.options.project_dir)) / file;
    source = ReadFile(file.is_absolute() ? file.string() : ctx.Resolve(file.string()));
  }
  ctx.log.Emit(Error(FormatDiagnostic(status, source), loc));
  return kExitError;
}

CommandSpec ParseCommandSpec() {
  CommandSpec spec;
  spec.name = "parse";
  spec.help = "Read the project and write target/manifest.json (never contacts the target)";
  spec.add_flags = [](CLI::App& sub, InvocationOptions& options) { AddProjectFlags(sub, options); };
  spec.run = RunParse;
  return spec;
}

CommandSpec CompileCommandSpec() {
  CommandSpec spec;
  spec.name = "compile";
  spec.help = "Compile the selected nodes to Flink SQL in target/compiled/ and print it";
  spec.add_flags = [](CLI::App& sub, InvocationOptions& options) {
    AddProjectFlags(sub, options);
    AddSelectionFlags(sub, options);
    AddStateFlags(sub, options);
    AddValidationFlags(sub, options);
    sub.add_option("--inline", options.inline_sql,
                   "Compile this SQL in the project's context instead of its nodes");
  };
  spec.run = [](CommandContext& ctx) { return RunCompile(ctx, ctx.options.inline_sql); };
  return spec;
}

CommandSpec ListCommandSpec() {
  CommandSpec spec;
  spec.name = "ls";
  spec.aliases = {"list"};
  spec.help = "List the selected resources (models, tests, sources, ...)";
  spec.add_flags = [](CLI::App& sub, InvocationOptions& options) {
    AddProjectFlags(sub, options);
    AddSelectionFlags(sub, options);
    AddStateFlags(sub, options);
    sub.add_option("--output,-o", options.output, "selector (default), name, path or json")
        ->check(CLI::IsMember({"selector", "name", "path", "json"}));
    sub.add_option("--output-keys", options.output_keys, "With --output json: only these keys")
        ->expected(1, -1);
  };
  spec.run = [](CommandContext& ctx) { return RunList(ctx, ctx.options.output, ctx.options.output_keys); };
  return spec;
}

}  // namespace flinkdbt::run
