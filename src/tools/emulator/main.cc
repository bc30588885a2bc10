// flinkdbt-emulator: Confluent Cloud's sql/v1 statements API on 127.0.0.1, for tests and offline
// rehearsals. See src/tools/emulator/README.md.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/version.h"
#include "fmt/format.h"
#include "tools/emulator/emulator.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  using flinkdbt::emulator::EmulatorOptions;
  EmulatorOptions options;
  int latency_ms = 0, pending_ms = 200, running_ms = 200, stopping_ms = 100, deleting_ms = 100;
  int exhaust_pool = 0, statement_latency_ms = -1;
  std::vector<std::string> faults, fail_named, bad_sql;
  std::string script;
  bool accept_unscripted = false;

  CLI::App app{"flinkdbt-emulator: a local test double of Confluent Cloud's Flink sql/v1 statements API"};
  app.set_version_flag("--version", std::string("flinkdbt-emulator ") + FLINKDBT_VERSION_STRING);
  app.add_option("--port", options.port, "port on 127.0.0.1 (0 = any free port)");
  app.add_option("--organization", options.organization_id, "organization id in the URL path");
  app.add_option("--environment", options.environment_id, "environment id in the URL path");
  app.add_option("--api-key", options.api_key, "the API key Basic auth accepts");
  app.add_option("--api-secret", options.api_secret, "the API secret Basic auth accepts");
  app.add_option("--latency-ms", latency_ms, "delay added to every response");
  app.add_option("--statement-latency-ms", statement_latency_ms,
                 "every statement takes this long from creation to its final phase (PENDING this long, "
                 "then straight to COMPLETED/RUNNING); overrides --pending-ms and --running-ms");
  app.add_option("--pending-ms", pending_ms, "how long statements stay PENDING");
  app.add_option("--running-ms", running_ms, "how long bounded statements stay RUNNING");
  app.add_option("--stopping-ms", stopping_ms, "how long STOPPING lasts");
  app.add_option("--deleting-ms", deleting_ms, "how long DELETING lasts before 404");
  app.add_option("--page-size", options.results_page_size, "rows per results page");
  app.add_option("--script", script, "JSON file of scripted results (see README)");
  app.add_flag("--accept-unscripted", accept_unscripted,
               "complete SQL without a script as DDL with no results (default: fail it)");
  app.add_option("--fail-sql", bad_sql, "SQL that fails (repeatable)");
  app.add_option("--fail-statement", fail_named, "statements whose name contains this fail (repeatable)");
  app.add_option("--exhaust-pool", exhaust_pool, "the next N statements stay PENDING with POOL_EXHAUSTED");
  app.add_option(
      "--fault", faults,
      "<op>:<action>[:<count>], op in any|create|list|get|put|patch|delete|results|exceptions, action "
      "in 429|429+retry-after=N|500|502|503|409|drop|drop-after|slow=MS (repeatable)");
  CLI11_PARSE(app, argc, argv);

  options.latency = absl::Milliseconds(latency_ms);
  if (statement_latency_ms >= 0) {
    pending_ms = statement_latency_ms;
    running_ms = 0;
  }
  options.pending_time = absl::Milliseconds(pending_ms);
  options.running_time = absl::Milliseconds(running_ms);
  options.stopping_time = absl::Milliseconds(stopping_ms);
  options.deleting_time = absl::Milliseconds(deleting_ms);

  // The engine runs the SQL unless scripted results were asked for (--script, --accept-unscripted).
  std::shared_ptr<flinkdbt::emulator::StatementExecutor> executor;
  if (!script.empty() || accept_unscripted) {
    auto scripted = std::make_shared<flinkdbt::emulator::ScriptedExecutor>();
    if (accept_unscripted)
      scripted->set_unscripted(flinkdbt::emulator::ScriptedExecutor::Unscripted::kSucceedAsDdl);
    if (!script.empty()) {
      absl::Status s = scripted->LoadFile(script);
      if (!s.ok()) {
        fmt::print(stderr, "flinkdbt-emulator: {}\n", s.message());
        return 2;
      }
    }
    for (const std::string& sql : bad_sql)
      scripted->ScriptFailure(sql, "SQL validation failed (scripted failure)");
    executor = scripted;
  } else {
    auto engine = std::make_shared<flinkdbt::emulator::EngineExecutor>();
    for (const std::string& sql : bad_sql) engine->Fail(sql, "SQL validation failed (injected failure)");
    executor = engine;
  }

  flinkdbt::emulator::Emulator emulator(options, executor);
  for (const std::string& spec : faults) {
    auto fault = flinkdbt::emulator::ParseFault(spec);
    if (!fault.ok()) {
      fmt::print(stderr, "flinkdbt-emulator: {}\n", fault.status().message());
      return 2;
    }
    emulator.AddFault(*fault);
  }
  for (const std::string& part : fail_named)
    emulator.FailStatementsNamed(part, "statement failed (injected)");
  if (exhaust_pool > 0) emulator.ExhaustPool(exhaust_pool);

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  // Announce the endpoint once bound (port 0 picks one), then serve until a signal.
  absl::Status started = emulator.Start();
  if (!started.ok()) {
    fmt::print(stderr, "flinkdbt-emulator: {}\n", started.message());
    return 1;
  }
  fmt::print(
      "flinkdbt-emulator listening on {} (organization {}, environment {}); a test double, not Confluent "
      "Cloud\n",
      emulator.endpoint(), options.organization_id, options.environment_id);
  std::fflush(stdout);
  while (g_stop == 0) absl::SleepFor(absl::Milliseconds(100));
  emulator.Stop();
  return 0;
}
