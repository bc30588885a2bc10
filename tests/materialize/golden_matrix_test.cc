// The statement goldens of every materialization in every redeploy situation the issue names: first
// run, re-run, --full-refresh, schema drift, a dead INSERT and a changed query. Each scenario renders
// what the materialization did (action, statements deleted, statements submitted with their mode,
// name and exact SQL, or the error) and is compared with tests/materialize/golden/<materialization>.txt.
// After an intended change, regenerate with FLINKDBT_UPDATE_GOLDENS=1 and review the diff.
//
// The target is tests/support's FakeStatementClient (a test double: DDL completes, streaming
// queries keep running) plus an inspector returning a configured relation.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/match.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/materialize/materialization.h"
#include "fmt/format.h"
#include "support/fake_statement_client.h"

namespace flinkdbt::materialize {
namespace {

namespace fs = std::filesystem;
using Kind = RelationInfo::Kind;

class Inspector : public RelationInspector {
 public:
  absl::StatusOr<std::optional<RelationInfo>> Describe(std::string_view, std::string_view,
                                                       std::string_view) override {
    return existing;
  }
  std::optional<RelationInfo> existing;
};

// Ad-hoc statement names are prefix + a random UUID: shown as <adhoc>.
std::string Name(const std::string& name) {
  return name.size() == 40 && absl::StartsWith(ToAbsl(name), "dbt-") ? "<adhoc>" : name;
}

std::string_view ActionName(Outcome::Action a) {
  switch (a) {
    case Outcome::Action::kCreate:
      return "create";
    case Outcome::Action::kRestart:
      return "restart";
    case Outcome::Action::kSkip:
      return "skip";
    case Outcome::Action::kNone:
      return "none";
  }
  return "?";
}

class Scenarios {
 public:
  Scenarios() {
    // A DROP takes effect on the target at once.
    client_.on_submit = [this](const client::SubmitRequest& r) {
      if (absl::StartsWith(ToAbsl(r.sql), "DROP")) inspector_.existing.reset();
    };
  }
  // Runs `spec` against the current target state and renders the result under `title`.
  void Run(const std::string& title, const ModelSpec& spec, bool full_refresh = false) {
    Settings settings;
    settings.full_refresh = full_refresh;
    settings.invocation_id = "inv1";
    settings.drop_poll_initial = absl::Milliseconds(1);
    settings.drop_poll_max = absl::Milliseconds(2);
    client_.deletes.clear();
    Materializer m(client_, inspector_, settings);
    absl::StatusOr<Outcome> out = m.Run(spec);
    text_ += fmt::format("## {}{}\n", title, full_refresh ? " (--full-refresh)" : "");
    for (const std::string& d : client_.deletes) text_ += fmt::format("delete {}\n", Name(d));
    if (!out.ok()) {
      text_ += fmt::format("error: {}\n\n", out.status().message());
      return;
    }
    text_ +=
        fmt::format("action: {}{}\n", ActionName(out->action), out->query_changed ? " (query changed)" : "");
    for (const std::string& w : out->warnings) text_ += fmt::format("warning: {}\n", w);
    for (const SubmittedStatement& s : out->statements) {
      text_ += fmt::format("[{}] {}\n{}\n", client::ExecutionModeName(s.mode), Name(s.name), s.sql);
    }
    text_ += "\n";
  }

  Inspector& inspector() { return inspector_; }
  testsupport::FakeStatementClient& client() { return client_; }
  const std::string& text() const { return text_; }

 private:
  Inspector inspector_;
  testsupport::FakeStatementClient client_;
  std::string text_;
};

ModelSpec Model(Materialized m, std::string name, std::string sql) {
  ModelSpec spec;
  spec.project = "my_flink_project";
  spec.name = name;
  spec.catalog = "env-1";
  spec.database = "cluster";
  spec.identifier = std::move(name);
  spec.materialized = m;
  spec.sql = std::move(sql);
  return spec;
}

RelationInfo Existing(Kind kind, std::vector<Column> columns = {},
                      std::map<std::string, std::string> options = {}) {
  RelationInfo info;
  info.kind = kind;
  info.columns = std::move(columns);
  info.options = std::move(options);
  return info;
}

void CompareWithGolden(const std::string& file, const std::string& actual) {
  const fs::path path = fs::path(FLINKDBT_SOURCE_DIR) / "tests" / "materialize" / "golden" / file;
  const char* update = std::getenv("FLINKDBT_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << actual;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "missing golden " << path << " (FLINKDBT_UPDATE_GOLDENS=1 writes it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden " << path << " differs";
}

TEST(GoldenMatrix, View) {
  Scenarios s;
  ModelSpec v = Model(Materialized::kView, "stg_orders", "SELECT order_id, price FROM orders");
  s.Run("first run", v);
  s.inspector().existing = Existing(Kind::kView, {{"order_id", "BIGINT"}, {"price", "DECIMAL(10, 2)"}});
  s.Run("re-run", v);
  s.Run("re-run", v, /*full_refresh=*/true);
  v.sql = "SELECT order_id FROM orders";
  s.Run("changed query", v);
  CompareWithGolden("view.txt", s.text());
}

TEST(GoldenMatrix, Table) {
  Scenarios s;
  ModelSpec t = Model(Materialized::kTable, "dim_prices", "SELECT order_id, price FROM orders");
  s.Run("first run", t);
  s.inspector().existing = Existing(Kind::kTable, {{"order_id", "BIGINT"}, {"price", "DECIMAL(10, 2)"}});
  s.Run("re-run", t);
  s.Run("re-run", t, /*full_refresh=*/true);
  s.inspector().existing = Existing(Kind::kTable, {{"order_id", "BIGINT"}, {"price", "DECIMAL(10, 2)"}});
  ModelSpec contract = t;
  contract.contract_enforced = true;
  contract.columns = {{"order_id", "BIGINT", true}, {"price", "DECIMAL(12, 2)", false}};
  s.Run("drift: contract column type changed", contract);
  contract.on_schema_drift_fail = false;
  s.Run("drift ignored (on_schema_drift: ignore)", contract);
  s.inspector().existing = Existing(Kind::kTable, {{"order_id", "BIGINT"}, {"price", "DECIMAL(10, 2)"}});
  t.sql = "SELECT order_id, price FROM orders WHERE price > 0";
  s.Run("changed query", t);
  CompareWithGolden("table.txt", s.text());
}

TEST(GoldenMatrix, MaterializedView) {
  Scenarios s;
  ModelSpec mv = Model(Materialized::kMaterializedView, "fct_revenue",
                       "SELECT window_start, SUM(price) AS total FROM TABLE(TUMBLE(TABLE o, DESCRIPTOR(t), "
                       "INTERVAL '1' MINUTE)) GROUP BY window_start");
  s.Run("first run", mv);
  s.inspector().existing = Existing(Kind::kMaterializedView, {{"window_start", "TIMESTAMP(3) NOT NULL"}});
  s.Run("re-run", mv);
  s.Run("re-run", mv, /*full_refresh=*/true);
  mv.sql += " HAVING SUM(price) > 0";
  s.inspector().existing = Existing(Kind::kMaterializedView, {{"window_start", "TIMESTAMP(3) NOT NULL"}});
  s.Run("changed query", mv);
  s.inspector().existing = Existing(Kind::kTable);
  s.Run("a regular table of that name exists", mv);
  CompareWithGolden("materialized_view.txt", s.text());
}

TEST(GoldenMatrix, MaterializedTable) {
  Scenarios s;
  ModelSpec mt = Model(Materialized::kMaterializedTable, "mt_orders", "SELECT id, status FROM orders");
  mt.columns = {{"id", "INT", true}, {"status", "STRING", false}};
  mt.primary_key = {"id"};
  mt.distributed_by = Distribution{{"id"}, 4};
  mt.with = {{"changelog.mode", "upsert"}};
  mt.start_mode = "resume_or_from_now";
  s.Run("first run", mt);
  s.inspector().existing = Existing(Kind::kMaterializedTable, {{"id", "INT NOT NULL"}, {"status", "STRING"}},
                                    {{"changelog.mode", "upsert"}});
  s.inspector().existing->distribution = Distribution{{"id"}, 4};
  s.Run("re-run", mt);
  s.Run("re-run", mt, /*full_refresh=*/true);
  s.inspector().existing = Existing(Kind::kMaterializedTable, {{"id", "INT NOT NULL"}, {"status", "STRING"}},
                                    {{"changelog.mode", "upsert"}});
  ModelSpec changed = mt;
  changed.sql = "SELECT id, status FROM orders WHERE status <> 'void'";
  s.Run("changed query", changed);
  s.inspector().existing = Existing(Kind::kTable, {{"id", "INT NOT NULL"}, {"status", "STRING"}});
  s.Run("a regular table of that name exists", mt);
  CompareWithGolden("materialized_table.txt", s.text());
}

TEST(GoldenMatrix, StreamingTable) {
  Scenarios s;
  ModelSpec t = Model(Materialized::kStreamingTable, "int_order_totals",
                      "SELECT customer_id, SUM(price) AS total_spent FROM stg_orders GROUP BY customer_id");
  t.columns = {{"customer_id", "INT", true}, {"total_spent", "DECIMAL(38, 2)", false}};
  t.primary_key = {"customer_id"};
  t.with = {{"changelog.mode", "upsert"}};
  t.statement_properties = {{"sql.state-ttl", "1 d"}};
  s.Run("first run", t);
  const std::string insert = *client::ModelStatementName("dbt-", "my_flink_project", "int_order_totals");
  auto present = [&] {
    s.inspector().existing =
        Existing(Kind::kTable, {{"customer_id", "INT NOT NULL"}, {"total_spent", "DECIMAL(38, 2)"}},
                 {{"changelog.mode", "upsert"}});
  };
  present();
  s.Run("re-run, INSERT healthy", t);
  s.client().statements[insert].phase = client::Phase::kFailed;
  s.Run("re-run, INSERT dead (FAILED)", t);
  s.client().statements.erase(insert);
  s.Run("re-run, INSERT missing", t);
  ModelSpec changed = t;
  changed.sql += " HAVING SUM(price) > 0";
  s.Run("changed query", changed);
  s.inspector().existing = Existing(Kind::kTable, {{"customer_id", "BIGINT NOT NULL"}, {"old", "STRING"}},
                                    {{"changelog.mode", "append"}});
  s.Run("drift", t);
  ModelSpec ignore = t;
  ignore.on_schema_drift_fail = false;
  s.Run("drift ignored (on_schema_drift: ignore)", ignore);
  present();
  s.Run("re-run", t, /*full_refresh=*/true);
  CompareWithGolden("streaming_table.txt", s.text());
}

TEST(GoldenMatrix, StreamingSource) {
  Scenarios s;
  ModelSpec src = Model(Materialized::kStreamingSource, "src_orders",
                        "order_id BIGINT,\nprice DECIMAL(10, 2),\norder_time TIMESTAMP(3),\n"
                        "WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND,\n"
                        "PRIMARY KEY(`order_id`) NOT ENFORCED");
  src.connector = "faker";
  src.with = {{"rows-per-second", "1"}, {"number-of-rows", "100"}};
  s.Run("first run", src);
  auto present = [&] {
    s.inspector().existing = Existing(
        Kind::kTable,
        {{"order_id", "BIGINT NOT NULL"}, {"price", "DECIMAL(10, 2)"}, {"order_time", "TIMESTAMP(3)"}},
        {{"rows-per-second", "1"}, {"number-of-rows", "100"}, {"connector", "faker"}});
  };
  present();
  s.Run("re-run", src);
  ModelSpec drift = src;
  drift.with = {{"rows-per-second", "10"}, {"number-of-rows", "100"}};
  s.Run("drift: an option changed", drift);
  ModelSpec changed = src;
  changed.sql = "order_id BIGINT,\nprice DECIMAL(12, 2),\norder_time TIMESTAMP(3)";
  s.Run("changed columns", changed);
  s.Run("re-run", src, /*full_refresh=*/true);
  CompareWithGolden("streaming_source.txt", s.text());
}

}  // namespace
}  // namespace flinkdbt::materialize
