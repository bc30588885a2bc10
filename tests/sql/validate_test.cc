// Validation of compiled models before anything is written or submitted (issue 5 item 5), end to end
// through the CLI (run::Invoke, in process): the quickstart and the walkthrough's models validate,
// a typo fails `flinkdbt compile` at the model's file:line:col with exit code 2 and no artifact,
// --no-validate skips, unknown relations on local vs confluent, the local engine folder is read
// without breaking its lock, positions map through Jinja, and the run stage asks the live catalog.
#include "run/validate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "flinkdbt/client/local.h"
#include "flinkdbt/run/invocation.h"
#include "run/project_commands.h"
#include "simdjson.h"
#include "support/fake_statement_client.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;

struct Captured {
  std::string out, err;
  int exit_code = 0;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flinkdbt_validate_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy(fs::path(FLINKDBT_SOURCE_DIR) / "examples" / "quickstart", dir_, fs::copy_options::recursive);
    fs::remove_all(dir_ / "target");
    fs::remove_all(dir_ / "logs");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Captured Run(std::vector<std::string> args) {
    Captured c;
    InvocationIo io;
    io.out = [&](std::string_view t) { c.out += t; };
    io.err = [&](std::string_view t) { c.err += t; };
    io.cwd = dir_.string();
    io.env = {{"CONFLUENT_FLINK_API_KEY", "KEY-VALIDATE-TEST"},
              {"CONFLUENT_FLINK_API_SECRET", "SECRET-VALIDATE-TEST"}};
    args.push_back("--profiles-dir");
    args.push_back(dir_.string());
    c.exit_code = Invoke(args, io).exit_code;
    return c;
  }

  // A `confluent` target that cannot be reached (compile never contacts it).
  void UseConfluentTarget() {
    WriteFile(dir_ / "profiles.yml", R"(my_flink_project:
  target: cloud
  outputs:
    cloud:
      type: confluent
      endpoint: "http://127.0.0.1:9"
      organization_id: org
      environment_id: env
      compute_pool_id: pool
      flink_api_key: "{{ env_var('CONFLUENT_FLINK_API_KEY') }}"
      flink_api_secret: "{{ env_var('CONFLUENT_FLINK_API_SECRET') }}"
      dbname: cluster
      threads: 1
)");
  }

  fs::path dir_;
};

TEST_F(ValidateTest, QuickstartCompilesAndRecordsDerivedColumns) {
  Captured c = Run({"compile"});
  ASSERT_EQ(c.exit_code, kExitSuccess) << c.out << c.err;
  EXPECT_EQ(c.out.find("error"), std::string::npos) << c.out;
  std::string manifest = ReadAll(dir_ / "target" / "manifest.json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(manifest);
  // int_order_totals declares customer_id without a type: derived types are recorded.
  simdjson::dom::object cols = doc["nodes"]["model.my_flink_project.int_order_totals"]["columns"];
  std::string_view type;
  ASSERT_EQ(cols["customer_id"]["data_type"].get(type), simdjson::SUCCESS);
  EXPECT_EQ(type, "INT");
  ASSERT_EQ(cols["total_spent"]["data_type"].get(type), simdjson::SUCCESS);
  EXPECT_EQ(type, "DOUBLE");  // SUM of the examples' DOUBLE price
  ASSERT_EQ(cols["order_count"]["data_type"].get(type), simdjson::SUCCESS);
  EXPECT_EQ(type, "BIGINT");
  simdjson::dom::object fct = doc["nodes"]["model.my_flink_project.fct_revenue"]["columns"];
  ASSERT_EQ(fct["window_start"]["data_type"].get(type), simdjson::SUCCESS);
  EXPECT_EQ(type, "TIMESTAMP(3)");
  EXPECT_TRUE(
      fs::exists(dir_ / "target" / "compiled" / "my_flink_project" / "models" / "marts" / "fct_revenue.sql"));
}

// run/build write the manifest after validation with the same derived columns as compile.
TEST_F(ValidateTest, BuildManifestRecordsDerivedColumnsToo) {
  Captured c = Run({"build", "--exclude", "tag:known_failing"});
  ASSERT_EQ(c.exit_code, kExitSuccess) << c.out << c.err;
  std::string manifest = ReadAll(dir_ / "target" / "manifest.json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(manifest);
  simdjson::dom::object cols = doc["nodes"]["model.my_flink_project.int_order_totals"]["columns"];
  std::string_view type;
  ASSERT_EQ(cols["customer_id"]["data_type"].get(type), simdjson::SUCCESS) << manifest.substr(0, 2000);
  EXPECT_EQ(type, "INT");
  ASSERT_EQ(cols["order_count"]["data_type"].get(type), simdjson::SUCCESS);
  EXPECT_EQ(type, "BIGINT");
}

TEST_F(ValidateTest, WalkthroughModelsValidateOnLocalAndConfluent) {
  // The walkthrough's stg_orders reads the examples table by its three-part name.
  WriteFile(dir_ / "models" / "staging" / "stg_orders_direct.sql", R"(SELECT
`order_id`,
`customer_id`,
`product_id`,
`price`,
`$rowtime` AS order_time
FROM `examples`.`marketplace`.`orders`
)");
  WriteFile(dir_ / "models" / "marts" / "fct_revenue_src.sql",
            R"(SELECT window_start, window_end, SUM(price) AS total_revenue
FROM TABLE(TUMBLE(TABLE {{ ref('src_orders') }}, DESCRIPTOR(order_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end
)");
  Captured local = Run({"compile"});
  EXPECT_EQ(local.exit_code, kExitSuccess) << local.out;
  UseConfluentTarget();
  fs::remove_all(dir_ / "target");
  Captured cloud = Run({"compile"});
  EXPECT_EQ(cloud.exit_code, kExitSuccess) << cloud.out;
}

TEST_F(ValidateTest, ColumnTypoFailsCompileAtModelPositionAndWritesNothing) {
  WriteFile(dir_ / "models" / "marts" / "fct_revenue.sql", R"(SELECT
  window_start,
  window_end,
  SUM(prices) AS total_revenue,
  COUNT(*) AS order_count
FROM TABLE(
  TUMBLE(TABLE {{ ref('stg_orders') }}, DESCRIPTOR(order_time), INTERVAL '1' MINUTE)
)
GROUP BY window_start, window_end
)");
  Captured c = Run({"compile"});
  EXPECT_EQ(c.exit_code, kExitError);
  EXPECT_NE(c.out.find("models/marts/fct_revenue.sql:4:7: error: "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("prices"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("4 |   SUM(prices) AS total_revenue"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("  |       ^"), std::string::npos) << c.out;
  EXPECT_FALSE(fs::exists(dir_ / "target" / "manifest.json"));
  EXPECT_FALSE(fs::exists(dir_ / "target" / "compiled"));
  EXPECT_TRUE(fs::exists(dir_ / "logs"));

  // run/build refuse before anything is submitted (the local engine folder is never created).
  Captured run = Run({"run"});
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_NE(run.out.find("models/marts/fct_revenue.sql:4:7: error: "), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(dir_ / "target" / "local"));
  EXPECT_FALSE(fs::exists(dir_ / "target" / "run_results.json"));

  Captured skipped = Run({"compile", "--no-validate"});
  EXPECT_EQ(skipped.exit_code, kExitSuccess) << skipped.out;
  EXPECT_TRUE(fs::exists(dir_ / "target" / "manifest.json"));
}

TEST_F(ValidateTest, ReportsEveryErrorOfEveryModel) {
  WriteFile(dir_ / "models" / "marts" / "bad_one.sql",
            "SELECT order_idd, price FROM {{ ref('stg_orders') }}\n");
  WriteFile(dir_ / "models" / "marts" / "bad_two.sql",
            "SELECT customer_id,\n       price AS p\nFROM {{ ref('stg_orders') }}\nGROUP BY customer_id\n");
  WriteFile(dir_ / "models" / "marts" / "bad_three.sql", "SELECT FROM WHERE\n");
  Captured c = Run({"compile"});
  EXPECT_EQ(c.exit_code, kExitError);
  EXPECT_NE(c.out.find("models/marts/bad_one.sql:1:8: error: "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("models/marts/bad_two.sql:2:8: error: "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("models/marts/bad_three.sql:1:8: error: "), std::string::npos) << c.out;
  // The walkthrough's schema.yml types disagree with the examples table: warnings, not errors.
  EXPECT_NE(c.out.find("models/staging/schema.yml: warning: column `price` is declared as decimal(10,2)"),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("Found 3 SQL errors"), std::string::npos) << c.out;
}

TEST_F(ValidateTest, DeclaredTypeMismatchIsAnErrorUnderAnEnforcedContract) {
  WriteFile(dir_ / "models" / "marts" / "contracted.sql",
            "SELECT customer_id, price FROM {{ ref('stg_orders') }}\n");
  WriteFile(dir_ / "models" / "marts" / "contracted.yml", R"(version: 2
models:
  - name: contracted
    config:
      contract:
        enforced: true
    columns:
      - name: customer_id
        data_type: int
      - name: price
        data_type: string
)");
  Captured c = Run({"compile", "-s", "contracted"});
  EXPECT_EQ(c.exit_code, kExitError) << c.out;
  EXPECT_NE(c.out.find("models/marts/contracted.yml: error: column `price` is declared as string"),
            std::string::npos)
      << c.out;
  EXPECT_EQ(c.out.find("column `customer_id` is declared"), std::string::npos) << c.out;
}

TEST_F(ValidateTest, JinjaPositionsMapToTheModelFile) {
  // Literal text after an expression keeps its own position; an error inside what a call produced
  // points at the call's `{{`.
  WriteFile(dir_ / "models" / "marts" / "jinja_model.sql", R"({{ config(materialized='view') }}
{% set cols = ['order_id', 'price'] %}
SELECT {% for c in cols %}{{ c }}, {% endfor %}
       customer_idd
FROM {{ ref('stg_orders') }}
)");
  WriteFile(dir_ / "models" / "marts" / "jinja_call.sql", R"({% set bad = 'nope_col' %}
SELECT
  order_id, {{ bad }} AS x
FROM {{ ref('stg_orders') }}
)");
  Captured c = Run({"compile"});
  EXPECT_EQ(c.exit_code, kExitError);
  EXPECT_NE(c.out.find("models/marts/jinja_model.sql:4:8: error: "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("models/marts/jinja_call.sql:3:13: error: "), std::string::npos) << c.out;
}

TEST_F(ValidateTest, UnknownRelationIsAnErrorOnLocalAndUncheckedAtCompileOnConfluent) {
  WriteFile(dir_ / "models" / "marts" / "from_topic.sql", "SELECT *\nFROM `some_topic`\n");
  Captured local = Run({"compile", "-s", "from_topic"});
  EXPECT_EQ(local.exit_code, kExitError) << local.out;
  EXPECT_NE(local.out.find("models/marts/from_topic.sql:2:6: error: "), std::string::npos) << local.out;

  UseConfluentTarget();
  Captured cloud = Run({"compile", "-s", "from_topic"});
  EXPECT_EQ(cloud.exit_code, kExitSuccess) << cloud.out;
  EXPECT_NE(cloud.out.find("from_topic.sql: not fully checked"), std::string::npos) << cloud.out;
}

TEST_F(ValidateTest, LocalEngineTablesAreReadWithoutTakingTheLock) {
  fs::path folder = dir_ / "target" / "local";
  client::LocalClientOptions o;
  o.folder = folder.string();
  o.catalog = "default_catalog";
  o.database = "default_database";
  o.flush_interval_ms = 0;  // the folder is written after each statement (a concurrent run's state)
  absl::StatusOr<std::unique_ptr<client::StatementClient>> engine = client::OpenLocalStatementClient(o);
  ASSERT_TRUE(engine.ok()) << engine.status();
  client::SubmitRequest r;
  r.name = "create-existing";
  r.sql = "CREATE TABLE existing_table (id BIGINT, name STRING) WITH ('connector' = 'datagen')";
  r.mode = client::ExecutionMode::kSnapshotDdl;
  ASSERT_TRUE((*engine)->Submit(r).ok());
  ASSERT_TRUE((*engine)->WaitUntilReady("create-existing", r.mode, absl::Seconds(5)).ok());

  // The engine (this process) holds the folder's lock; compile reads the catalog all the same.
  WriteFile(dir_ / "models" / "marts" / "from_existing.sql", "SELECT id, name FROM existing_table\n");
  WriteFile(dir_ / "models" / "marts" / "from_existing_typo.sql", "SELECT id, nam FROM existing_table\n");
  Captured ok = Run({"compile", "-s", "from_existing"});
  EXPECT_EQ(ok.exit_code, kExitSuccess) << ok.out;
  Captured typo = Run({"compile", "-s", "from_existing_typo"});
  EXPECT_EQ(typo.exit_code, kExitError) << typo.out;
  EXPECT_NE(typo.out.find("models/marts/from_existing_typo.sql:1:12: error: "), std::string::npos)
      << typo.out;
  // The lock is still held by the engine: another engine cannot open the folder.
  EXPECT_FALSE(client::OpenLocalStatementClient(o).ok());
}

TEST(SourceMapTest, ApproximateMapFindsLiteralsAfterExpressions) {
  std::string source = "SELECT a,\n  {{ x }} AS b\nFROM {{ ref('t') }}\nWHERE c > 1\n";
  std::string output = "SELECT a,\n  upper(z) AS b\nFROM `cat`.`db`.`t`\nWHERE c > 1\n";
  std::vector<MapSegment> map = ApproximateSourceMap(source, output);
  EXPECT_EQ(MapOffset(map, output.find("upper")), source.find("{{ x }}"));
  EXPECT_EQ(MapOffset(map, output.find("AS b")), source.find("AS b"));
  EXPECT_EQ(MapOffset(map, output.find("`db`")), source.find("{{ ref"));
  EXPECT_EQ(MapOffset(map, output.find("c > 1")), source.find("c > 1"));
}

TEST(SourceMapTest, WhitespaceControlFallsBackToLines) {
  std::string source = "{%- if true -%}\nSELECT 1 AS one\n{%- endif %}\nFROM t\n";
  std::string output = "SELECT 1 AS one\nFROM t\n";
  std::vector<MapSegment> map = ApproximateSourceMap(source, output);
  EXPECT_EQ(MapOffset(map, output.find("one")), source.find("one"));
  EXPECT_EQ(MapOffset(map, output.find("FROM")), source.find("FROM"));
}

// The run stage asks the target's live catalog (INFORMATION_SCHEMA through the statement client).
TEST_F(ValidateTest, RunStageChecksConfluentRelationsAgainstTheLiveCatalog) {
  UseConfluentTarget();
  WriteFile(dir_ / "models" / "marts" / "from_topic.sql", "SELECT id, amount FROM `known_topic`\n");
  WriteFile(dir_ / "models" / "marts" / "from_missing.sql", "SELECT * FROM `missing_topic`\n");
  InvocationOptions options;
  options.project_dir = dir_.string();
  options.profiles_dir = dir_.string();
  options.write_json = false;
  InvocationIo io;
  io.cwd = dir_.string();
  io.env = {{"CONFLUENT_FLINK_API_KEY", "KEY-VALIDATE-TEST"},
            {"CONFLUENT_FLINK_API_SECRET", "SECRET-VALIDATE-TEST"}};
  SecretScrubber secrets;
  EventLogger log("test", &secrets);
  std::vector<std::string> messages;
  struct Sink : EventSink {
    std::vector<std::string>* out;
    void Write(const Event& e) override { out->push_back(e.msg); }
  };
  auto sink = std::make_unique<Sink>();
  sink->out = &messages;
  log.AddSink(std::move(sink));
  InvocationResult result;
  CommandContext ctx{options, io, log, secrets, result};
  absl::StatusOr<graph::InvocationOptions> graph_options = GraphOptions(ctx);
  ASSERT_TRUE(graph_options.ok());
  graph_options->write_manifest = false;
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(*graph_options);
  ASSERT_TRUE(parsed.ok()) << parsed.status();

  testsupport::FakeStatementClient fake;
  testsupport::Script table;
  table.sql_contains =
      "`TABLES` WHERE `TABLE_CATALOG_ID` = 'env' AND `TABLE_SCHEMA` = 'cluster' AND `TABLE_NAME` = "
      "'known_topic'";
  table.schema = {testsupport::Col("TABLE_TYPE", "STRING"), testsupport::Col("IS_MATERIALIZED", "STRING"),
                  testsupport::Col("IS_DISTRIBUTED", "STRING"),
                  testsupport::Col("DISTRIBUTION_BUCKETS", "INT")};
  table.rows = {{client::Value::String("BASE TABLE"), client::Value::String("NO"),
                 client::Value::String("NO"), client::Value::Null()}};
  testsupport::Script columns;
  columns.sql_contains =
      "`COLUMNS` WHERE `TABLE_CATALOG_ID` = 'env' AND `TABLE_SCHEMA` = 'cluster' AND `TABLE_NAME` = "
      "'known_topic'";
  columns.schema = {testsupport::Col("COLUMN_NAME", "STRING"), testsupport::Col("FULL_DATA_TYPE", "STRING"),
                    testsupport::Col("ORDINAL_POSITION", "INT"),
                    testsupport::Col("DISTRIBUTION_ORDINAL_POSITION", "INT")};
  columns.rows = {{client::Value::String("id"), client::Value::String("BIGINT"), client::Value::String("1"),
                   client::Value::Null()},
                  {client::Value::String("amount"), client::Value::String("DOUBLE"),
                   client::Value::String("2"), client::Value::Null()}};
  fake.scripts = {table, columns};

  ValidationSettings settings;
  settings.stage = ValidationStage::kRun;
  settings.live_client = &fake;
  EXPECT_FALSE(ValidateNodes(ctx, *parsed, {"model.my_flink_project.from_topic"}, settings).has_value());
  std::optional<int> rc = ValidateNodes(ctx, *parsed, {"model.my_flink_project.from_missing"}, settings);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, kExitError);
  std::string all;
  for (const std::string& m : messages) all += m + "\n";
  EXPECT_NE(all.find("models/marts/from_missing.sql:1:15: error: "), std::string::npos) << all;
  for (const std::string& line : fake.log)
    EXPECT_NE(line.find("INFORMATION_SCHEMA"), std::string::npos) << line;
}

}  // namespace
}  // namespace flinkdbt::run
