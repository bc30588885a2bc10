// An interrupted `build` (the cancel flag the CLI's SIGINT handler sets, raised here the moment a
// chosen node starts, so the interruption lands at the same point every time) on `local`: the
// command exits as dbt does when interrupted, target/run_results.json is written with what ran and
// what was skipped, no unit-test fixture table (`__dbt__cte__*`) is left in the catalog, and
// `retry` then runs exactly the nodes that did not succeed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "flinkdbt/client/local.h"
#include "flinkdbt/client/statement_client.h"
#include "flinkdbt/run/invocation.h"
#include "simdjson.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// unique_id -> status of target/run_results.json.
std::map<std::string, std::string> Statuses(const fs::path& file) {
  std::map<std::string, std::string> out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string text = Read(file);
  EXPECT_FALSE(parser.parse(text).get(doc)) << file;
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results)) return out;
  for (simdjson::dom::element r : results) {
    std::string_view id, status;
    if (!r["unique_id"].get_string().get(id) && !r["status"].get_string().get(status))
      out[std::string(id)] = std::string(status);
  }
  return out;
}

class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flinkdbt_interrupt_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Write(dir_ / "dbt_project.yml", "name: 'intr'\nversion: '1.0.0'\nconfig-version: 2\nprofile: 'intr'\n");
    Write(dir_ / "profiles.yml",
          "intr:\n  target: local\n  outputs:\n    local:\n      type: local\n      threads: 1\n");
    Write(dir_ / "models" / "sources.yml", R"(version: 2
sources:
  - name: marketplace
    database: examples
    schema: marketplace
    tables:
      - name: orders
)");
    Write(dir_ / "models" / "a_stg.sql",
          "SELECT order_id, customer_id, price FROM {{ source('marketplace', 'orders') }}\n");
    Write(dir_ / "models" / "b_mid.sql", "SELECT order_id, price FROM {{ ref('a_stg') }} WHERE price > 0\n");
    Write(dir_ / "models" / "c_top.sql", "SELECT order_id FROM {{ ref('b_mid') }}\n");
    Write(dir_ / "models" / "d_side.sql", "SELECT customer_id FROM {{ ref('a_stg') }}\n");
    Write(dir_ / "models" / "schema.yml", R"(version: 2
models:
  - name: b_mid
    columns:
      - name: order_id
        tests: [not_null]
unit_tests:
  - name: ut_a_stg
    model: a_stg
    given:
      - input: source('marketplace', 'orders')
        rows:
          - {order_id: 1, customer_id: 7, product_id: 3, price: 2.50}
    expect:
      rows:
        - {order_id: 1, customer_id: 7, price: 2.50}
  - name: ut_b_mid
    model: b_mid
    given:
      - input: ref('a_stg')
        rows:
          - {order_id: 1, customer_id: 7, price: 2.50}
          - {order_id: 2, customer_id: 8, price: -1.00}
    expect:
      rows:
        - {order_id: 1, price: 2.50}
)");
  }
  void TearDown() override { fs::remove_all(dir_); }

  struct Outcome {
    InvocationResult result;
    std::string out;
  };

  // Runs `args`; when `cancel_at` is not empty, raises the cancel flag as soon as a node whose start
  // line contains it starts.
  Outcome Run(std::vector<std::string> args, std::string cancel_at = "") {
    Outcome o;
    std::atomic<bool> cancelled{false};
    InvocationIo io;
    io.out = [&](std::string_view t) { o.out += t; };
    io.err = [&](std::string_view t) { o.out += t; };
    io.cwd = dir_.string();
    io.cancelled = &cancelled;
    io.on_event = [&](std::string_view json) {
      if (!cancel_at.empty() && json.find("\"LogStartLine\"") != std::string_view::npos &&
          json.find(cancel_at) != std::string_view::npos) {
        cancelled = true;
      }
    };
    args.insert(args.end(), {"--profiles-dir", dir_.string()});
    o.result = Invoke(args, io);
    return o;
  }

  // The tables of the local target's database.
  std::set<std::string> LocalTables() {
    client::LocalClientOptions lo;
    lo.folder = (dir_ / "target" / "local").string();
    auto c = client::OpenLocalStatementClient(lo);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return {};
    client::SubmitRequest r;
    r.name = "interrupt-test-show-tables";
    r.sql = "SHOW TABLES";
    r.mode = client::ExecutionMode::kSnapshot;
    auto q = client::ExecuteStatement(**c, r, {});
    EXPECT_TRUE(q.ok()) << q.status();
    std::set<std::string> names;
    if (!q.ok()) return names;
    for (const auto& row : q->rows) {
      if (!row.empty()) names.insert(row[0].ToString());
    }
    return names;
  }

  fs::path dir_;
};

TEST_F(InterruptTest, InterruptedBuildWritesResultsLeavesNoFixtureAndRetryRunsTheRest) {
  // Single-threaded build order: ut_a_stg, a_stg, ut_b_mid, ... ; interrupt when ut_b_mid starts.
  Outcome first = Run({"build"}, "ut_b_mid");
  EXPECT_EQ(first.result.exit_code, kExitCancelled) << first.out;

  const fs::path results = dir_ / "target" / "run_results.json";
  ASSERT_TRUE(fs::exists(results)) << first.out;
  std::map<std::string, std::string> statuses = Statuses(results);
  EXPECT_EQ(statuses["unit_test.intr.a_stg.ut_a_stg"], "pass") << first.out;
  EXPECT_EQ(statuses["model.intr.a_stg"], "success") << first.out;
  // Nothing starts after the interrupt: downstream models and tests are skipped, not run.
  for (const char* id : {"model.intr.b_mid", "model.intr.c_top"}) {
    EXPECT_EQ(statuses[id], "skipped") << id << "\n" << first.out;
  }
  std::set<std::string> not_ok;
  for (const auto& [id, status] : statuses) {
    EXPECT_TRUE(status == "success" || status == "pass" || status == "skipped" || status == "error")
        << id << ": " << status;
    if (status != "success" && status != "pass") not_ok.insert(id);
  }
  EXPECT_FALSE(not_ok.empty());

  for (const std::string& table : LocalTables()) {
    EXPECT_EQ(table.find("__dbt__cte__"), std::string::npos) << "fixture table left behind: " << table;
  }

  // retry re-runs exactly what did not succeed, and now everything passes.
  Outcome retry = Run({"retry"});
  EXPECT_EQ(retry.result.exit_code, kExitSuccess) << retry.out;
  std::map<std::string, std::string> retried = Statuses(results);
  std::set<std::string> retried_ids;
  for (const auto& [id, status] : retried) {
    retried_ids.insert(id);
    EXPECT_TRUE(status == "success" || status == "pass") << id << ": " << status << "\n" << retry.out;
  }
  EXPECT_EQ(retried_ids, not_ok) << retry.out;
  EXPECT_EQ(retried_ids.count("model.intr.a_stg"), 0u);
  for (const std::string& table : LocalTables()) {
    EXPECT_EQ(table.find("__dbt__cte__"), std::string::npos) << "fixture table left behind: " << table;
  }
}

// A fixture table exists while a unit test runs; an interrupt raised as the test starts must still
// leave none behind, with the unit test reported and its model not deployed.
TEST_F(InterruptTest, InterruptDuringFirstUnitTestLeavesNoFixture) {
  Outcome first = Run({"build"}, "ut_a_stg");
  EXPECT_EQ(first.result.exit_code, kExitCancelled) << first.out;
  ASSERT_TRUE(fs::exists(dir_ / "target" / "run_results.json")) << first.out;
  std::map<std::string, std::string> statuses = Statuses(dir_ / "target" / "run_results.json");
  EXPECT_EQ(statuses["model.intr.a_stg"], "skipped") << first.out;
  for (const std::string& table : LocalTables()) {
    EXPECT_EQ(table.find("__dbt__cte__"), std::string::npos) << "fixture table left behind: " << table;
  }
}

// A failing unit test skips its model; a unit test of a downstream model waits for the inputs its
// fixtures are created LIKE, so it is skipped too (not run against a missing relation).
TEST_F(InterruptTest, FailedUpstreamUnitTestSkipsDownstreamUnitTest) {
  std::string schema = Read(dir_ / "models" / "schema.yml");
  const std::string expected = "        - {order_id: 1, customer_id: 7, price: 2.50}\n  - name: ut_b_mid";
  ASSERT_NE(schema.find(expected), std::string::npos);
  schema.replace(schema.find(expected), expected.size(),
                 "        - {order_id: 1, customer_id: 7, price: 9.99}\n  - name: ut_b_mid");
  Write(dir_ / "models" / "schema.yml", schema);

  Outcome first = Run({"build"});
  EXPECT_EQ(first.result.exit_code, kExitFailure) << first.out;
  std::map<std::string, std::string> statuses = Statuses(dir_ / "target" / "run_results.json");
  EXPECT_EQ(statuses["unit_test.intr.a_stg.ut_a_stg"], "fail") << first.out;
  for (const char* id : {"model.intr.a_stg", "unit_test.intr.b_mid.ut_b_mid", "model.intr.b_mid",
                         "model.intr.c_top", "model.intr.d_side"}) {
    EXPECT_EQ(statuses[id], "skipped") << id << "\n" << first.out;
  }
}

}  // namespace
}  // namespace flinkdbt::run
