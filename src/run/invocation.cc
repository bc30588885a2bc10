#include "flinkdbt/run/invocation.h"

#include <unistd.h>

#include <filesystem>
#include <random>

#include "CLI/CLI.hpp"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/version.h"
#include "fmt/format.h"
#include "run/command.h"
#include "run/flags.h"
#include "run/project_commands.h"

namespace flinkdbt::run {
namespace {

// A random UUID4, dbt's invocation_id format.
std::string NewInvocationId() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t hi = gen(), lo = gen();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFull);
}

// The project folder for the log file: --project-dir, else the nearest folder at or above the working
// directory holding dbt_project.yml. Empty when there is none.
std::string ProjectDirForLogs(const CommandContext& ctx) {
  namespace fs = std::filesystem;
  if (ctx.options.project_dir.has_value()) {
    fs::path p = ctx.Resolve(*ctx.options.project_dir);
    std::error_code ec;
    return fs::is_regular_file(p / "dbt_project.yml", ec) ? p.string() : "";
  }
  std::error_code ec;
  for (fs::path p = ctx.Resolve("."); !p.empty(); p = p.parent_path()) {
    if (fs::is_regular_file(p / "dbt_project.yml", ec)) return p.string();
    if (p == p.parent_path()) break;
  }
  return "";
}

}  // namespace

std::string CommandContext::Resolve(std::string_view path) const {
  namespace fs = std::filesystem;
  fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  std::error_code ec;
  fs::path base = io.cwd.empty() ? fs::current_path(ec) : fs::path(io.cwd);
  return (base / p).lexically_normal().string();
}

std::string CommandContext::Env(std::string_view name) const {
  auto it = io.env.find(std::string(name));
  return it == io.env.end() ? "" : it->second;
}

std::string VersionText() {
  return fmt::format(
      "flinkdbt {}\n"
      "Flink SQL targets:\n"
      "  - confluent: Confluent Cloud for Apache Flink (statements API sql/v1)\n"
      "  - local: the embedded Flink SQL engine, offline\n",
      FLINKDBT_VERSION_STRING);
}

const std::vector<CommandSpec>& Commands() {
  static const auto* commands =
      new std::vector<CommandSpec>{InitCommand(),     ParseCommandSpec(), CompileCommandSpec(), ListCommandSpec(),
                                   RunCommandSpec(),  TestCommandSpec(),  BuildCommandSpec(),   SeedCommandSpec(),  RetryCommandSpec(),
                                   ShowCommandSpec(), DebugCommandSpec()};
  return *commands;
}

InvocationResult Invoke(const std::vector<std::string>& args, const InvocationIo& io) {
  InvocationResult result;
  auto out = [&](std::string_view text) {
    if (io.out) io.out(text);
  };
  auto err = [&](std::string_view text) {
    if (io.err) io.err(text);
  };

  InvocationOptions options;
  CLI::App app("flinkdbt: dbt's workflow for Flink SQL on Confluent Cloud and on an embedded engine",
               "flinkdbt");
  app.set_version_flag("--version", VersionText(), "Print the version and the supported targets, then exit");
  app.require_subcommand(0, 1);
  app.fallthrough();
  AddLoggingFlags(app, options);

  std::map<CLI::App*, const CommandSpec*> by_app;
  for (const CommandSpec& spec : Commands()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.help);
    for (const std::string& alias : spec.aliases) sub->alias(alias);
    sub->fallthrough();
    if (spec.add_flags) spec.add_flags(*sub, options);
    by_app[sub] = &spec;
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes argv reversed
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out(app.help());
    return result;
  } catch (const CLI::CallForAllHelp&) {
    out(app.help("", CLI::AppFormatMode::All));
    return result;
  } catch (const CLI::CallForVersion&) {
    out(VersionText());
    return result;
  } catch (const CLI::ParseError& e) {
    // Help of the subcommand the user was typing, when there is one.
    err(fmt::format("Error: {}\nRun 'flinkdbt{} --help' for usage.\n", e.what(),
                    app.get_subcommands().empty() ? "" : " " + app.get_subcommands().front()->get_name()));
    result.exit_code = kExitError;
    return result;
  }

  const CLI::App* chosen = app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
  if (chosen == nullptr) {
    out(app.help());
    return result;
  }
  const CommandSpec& spec = *by_app.at(const_cast<CLI::App*>(chosen));
  options.command = spec.name;
  options.invocation_command = "flinkdbt";
  for (const std::string& a : args) options.invocation_command += " " + a;

  if (absl::Status s = ApplyEnvironmentAndValidate(app, chosen, io.env, options); !s.ok()) {
    err(fmt::format("Error: {}\n", s.message()));
    result.exit_code = kExitError;
    return result;
  }

  SecretScrubber secrets;
  for (const auto& [name, value] : io.env) {
    if (name.rfind(kSecretEnvPrefix, 0) == 0) secrets.Add(value);
  }
  EventLogger log(NewInvocationId(), &secrets);
  EventLevel console_level = options.quiet ? EventLevel::kError : options.log_level;
  if (io.out) log.AddSink(MakeConsoleSink(options.log_format, console_level, io.out));
  if (io.on_event) log.AddSink(MakeCallbackSink(io.on_event));

  CommandContext ctx{options, io, log, secrets, result};
  if (spec.uses_project) {
    std::string project = ProjectDirForLogs(ctx);
    if (!project.empty()) {
      log.AddSink(MakeFileSink((std::filesystem::path(project) / "logs" / "flinkdbt.log").string(),
                               options.log_format, io.err));
    }
  }
  log.Emit(CommandStarted(spec.name, FLINKDBT_VERSION_STRING));
  if (io.cancelled != nullptr && io.cancelled->load()) {
    log.Emit(Error("Cancelled before the command started"));
    result.exit_code = kExitCancelled;
    return result;
  }
  try {
    result.exit_code = spec.run(ctx);
  } catch (const std::exception& e) {
    // Commands report errors as values; anything thrown is a bug, reported rather than crashing the
    // host program (the C ABI must never see an exception).
    log.Emit(Error(fmt::format("internal error in '{}': {}", spec.name, e.what())));
    result.exit_code = kExitError;
  }
  return result;
}

}  // namespace flinkdbt::run
