// The client's own cost per statement against flinkdbt-emulator with zero latency and zero phase
// times: submit, poll until ready, fetch the result, re-read, delete (ExecuteStatement), next to a
// bare keep-alive HTTP round trip to the same server as the reference.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <memory>

#include "flinkdbt/client/confluent.h"
#include "fmt/format.h"
#include "tools/emulator/emulator.h"

namespace flinkdbt::client {
namespace {

emulator::Emulator& Emu() {
  static emulator::Emulator* emu = [] {
    emulator::EmulatorOptions eo;
    eo.pending_time = eo.running_time = eo.stopping_time = eo.deleting_time = absl::ZeroDuration();
    auto* e = new emulator::Emulator(eo, std::make_shared<emulator::ScriptedExecutor>());
    if (!e->Start().ok()) std::abort();
    return e;
  }();
  return *emu;
}

void BM_HttpRoundTrip(benchmark::State& state) {
  emulator::Emulator& emu = Emu();
  httplib::Client http("127.0.0.1", emu.port());
  http.set_keep_alive(true);
  http.set_basic_auth("emulator-key", "emulator-secret");
  const std::string path =
      "/sql/v1/organizations/00000000-0000-4000-8000-000000000000/environments/env-emulator/statements/none";
  for (auto _ : state) {
    auto r = http.Get(path.c_str());
    if (!r || r->status != 404) state.SkipWithError("unexpected response");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HttpRoundTrip)->Unit(benchmark::kMicrosecond);

void BM_ExecuteStatement(benchmark::State& state) {
  emulator::Emulator& emu = Emu();
  ConfluentConnectionOptions o;
  o.organization_id = "00000000-0000-4000-8000-000000000000";
  o.environment_id = "env-emulator";
  o.endpoint = emu.endpoint();
  o.flink_api_key = "emulator-key";
  o.flink_api_secret = "emulator-secret";
  o.poll_backoff = {absl::Microseconds(100), 1.5, absl::Milliseconds(1), 0};
  auto client = MakeConfluentClient(o);
  if (!client.ok()) std::abort();
  static std::atomic<int64_t> counter{0};
  ExecuteOptions eo;
  eo.fetch.poll_interval = absl::Microseconds(100);
  for (auto _ : state) {
    SubmitRequest r;
    r.name = fmt::format("bench-{}", counter.fetch_add(1));
    r.sql = "select 1";
    auto result = ExecuteStatement(**client, r, eo);
    if (!result.ok() || result->rows.size() != 1) {
      state.SkipWithError("statement failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExecuteStatement)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flinkdbt::client

BENCHMARK_MAIN();
