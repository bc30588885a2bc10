// Golden tests of the statements each materialization emits: first run, re-run, --full-refresh,
// drift, a dead INSERT, a changed query. The target is a recording StatementClient (a test double:
// every statement succeeds; DDL completes, streaming queries keep running).
#include "flinkdbt/materialize/materialization.h"

#include <gtest/gtest.h>

#include <map>

#include "absl/strings/match.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/client/naming.h"
#include "recording_client.h"

namespace flinkdbt::materialize {
namespace {

using client::ExecutionMode;

class MaterializationTest : public ::testing::Test {
 protected:
  MaterializationTest() : client_(inspector_) {}

  ModelSpec Model(Materialized m, std::string name, std::string sql) {
    ModelSpec spec;
    spec.project = "my_flink_project";
    spec.name = name;
    spec.catalog = "env-1";
    spec.database = "cluster";
    spec.identifier = name;
    spec.materialized = m;
    spec.sql = std::move(sql);
    return spec;
  }

  absl::StatusOr<Outcome> Run(const ModelSpec& spec, bool full_refresh = false) {
    Settings settings;
    settings.full_refresh = full_refresh;
    settings.invocation_id = "inv1";
    settings.drop_poll_initial = absl::Milliseconds(1);
    client_.log.clear();
    Materializer m(client_, inspector_, settings);
    return m.Run(spec);
  }

  static RelationInfo Existing(RelationInfo::Kind kind, std::vector<Column> columns = {}) {
    RelationInfo info;
    info.kind = kind;
    info.columns = std::move(columns);
    return info;
  }

  FakeInspector inspector_;
  RecordingClient client_;
};

TEST_F(MaterializationTest, ViewIsDroppedAndRecreated) {
  ModelSpec v = Model(Materialized::kView, "stg_orders", "SELECT 1 AS x");
  ASSERT_TRUE(Run(v).ok());
  // Names as the Python adapter builds them: sanitize("dbt-" + project + "-" + model).
  std::string name = *client::ModelStatementName("dbt-", "my_flink_project", "stg_orders");
  EXPECT_EQ(name, "dbt-my-flink-project-stg-orders-" + flinkdbt::Md5Hex("dbt-my_flink_project-stg_orders").substr(0, 6));
  EXPECT_EQ(client_.log, (std::vector<std::string>{
                             "DELETE " + name,
                             "SUBMIT " + name + " [streaming_ddl] CREATE VIEW `env-1`.`cluster`.`stg_orders` AS\n"
                             "SELECT 1 AS x",
                             "DELETE " + name,
                         }));
  inspector_.existing = Existing(RelationInfo::Kind::kView);
  absl::StatusOr<Outcome> again = Run(v);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->action, Outcome::Action::kCreate);
  ASSERT_EQ(again->statements.size(), 2u);
  EXPECT_EQ(again->statements[0].sql, "DROP VIEW IF EXISTS `env-1`.`cluster`.`stg_orders`");
}

class StreamingTableTest : public MaterializationTest {
 protected:
  ModelSpec Spec() {
    ModelSpec t = Model(Materialized::kStreamingTable, "int_order_totals",
                        "SELECT customer_id, SUM(price) AS total_spent FROM x GROUP BY customer_id");
    t.columns = {{"customer_id", "INT", true}, {"total_spent", "DOUBLE", false}};
    t.primary_key = {"customer_id"};
    t.with = {{"changelog.mode", "upsert"}};
    t.distributed_by = Distribution{{"customer_id"}, 4};
    t.statement_properties = {{"sql.state-ttl", "1 d"}};
    return t;
  }
  std::string base_ = *client::ModelStatementName("dbt-", "my_flink_project", "int_order_totals");
  std::string ddl_ = *client::ModelStatementName("dbt-", "my_flink_project", "int_order_totals", "-ddl");
};

TEST_F(StreamingTableTest, FirstRunCreatesTableThenInsert) {
  ModelSpec t = Spec();
  absl::StatusOr<Outcome> out = Run(t);
  ASSERT_TRUE(out.ok()) << out.status();
  std::string base = out->statements.back().name;
  EXPECT_EQ(base, base_);
  ASSERT_EQ(out->statements.size(), 2u);
  EXPECT_EQ(out->statements[0].name, ddl_);
  EXPECT_EQ(out->statements[0].mode, ExecutionMode::kStreamingDdl);
  EXPECT_EQ(out->statements[0].sql,
            "CREATE TABLE `env-1`.`cluster`.`int_order_totals` (\n"
            "  `customer_id` INT NOT NULL,\n"
            "  `total_spent` DOUBLE,\n"
            "  PRIMARY KEY (`customer_id`) NOT ENFORCED\n"
            ")\n"
            "DISTRIBUTED BY HASH(`customer_id`) INTO 4 BUCKETS\n"
            "WITH (\n"
            "  'changelog.mode' = 'upsert'\n"
            ")");
  EXPECT_EQ(out->statements[1].mode, ExecutionMode::kStreamingQuery);
  EXPECT_EQ(out->statements[1].sql, "INSERT INTO `env-1`.`cluster`.`int_order_totals`\n" + t.sql);
  EXPECT_EQ(client_.submitted_properties[base].at("sql.state-ttl"), "1 d");
  EXPECT_EQ(client_.statements[base].labels.at(std::string(kSqlHashLabel)), flinkdbt::Md5Hex(t.sql));
  // The DDL statement completed and was reaped; the INSERT keeps running.
  EXPECT_EQ(client_.statements.count(ddl_), 0u);
}

TEST_F(StreamingTableTest, HealthyRerunSkipsAndChangedQueryIsReported) {
  ModelSpec t = Spec();
  ASSERT_TRUE(Run(t).ok());
  inspector_.existing = Existing(RelationInfo::Kind::kTable, {{"customer_id", "INT NOT NULL"}, {"total_spent", "DOUBLE"}});
  inspector_.existing->options = {{"changelog.mode", "upsert"}};
  inspector_.existing->distribution = Distribution{{"customer_id"}, 4};
  absl::StatusOr<Outcome> skip = Run(t);
  ASSERT_TRUE(skip.ok()) << skip.status();
  EXPECT_EQ(skip->action, Outcome::Action::kSkip);
  EXPECT_TRUE(skip->statements.empty());
  EXPECT_FALSE(skip->query_changed);

  t.sql += " HAVING SUM(price) > 0";
  absl::StatusOr<Outcome> changed = Run(t);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->action, Outcome::Action::kSkip);
  EXPECT_TRUE(changed->query_changed);
  ASSERT_EQ(changed->warnings.size(), 1u);
  EXPECT_NE(changed->warnings[0].find("--full-refresh"), std::string::npos);
}

TEST_F(StreamingTableTest, DeadInsertIsRestarted) {
  ModelSpec t = Spec();
  ASSERT_TRUE(Run(t).ok());
  std::string base = client_.statements.begin()->first;
  client_.statements[base].phase = client::Phase::kFailed;
  inspector_.existing = Existing(RelationInfo::Kind::kTable, {{"customer_id", "INT"}, {"total_spent", "DOUBLE"}});
  absl::StatusOr<Outcome> out = Run(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->action, Outcome::Action::kRestart);
  EXPECT_EQ(client_.log.front(), "DELETE " + base);
  ASSERT_EQ(out->statements.size(), 1u);
  EXPECT_EQ(out->statements[0].name, base);
  EXPECT_TRUE(absl::StartsWith(ToAbsl(out->statements[0].sql), "INSERT INTO"));

  // A missing INSERT is restarted too.
  client_.statements.clear();
  absl::StatusOr<Outcome> missing = Run(t);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->action, Outcome::Action::kRestart);
}

TEST_F(StreamingTableTest, FullRefreshDeletesBothStatementsAndDropsFirst) {
  ModelSpec t = Spec();
  ASSERT_TRUE(Run(t).ok());
  std::string base = client_.statements.begin()->first;
  inspector_.existing = Existing(RelationInfo::Kind::kTable, {{"customer_id", "INT"}});
  absl::StatusOr<Outcome> out = Run(t, /*full_refresh=*/true);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->action, Outcome::Action::kCreate);
  ASSERT_GE(client_.log.size(), 3u);
  EXPECT_EQ(client_.log[0], "DELETE " + base);
  EXPECT_EQ(client_.log[1], "DELETE " + ddl_);
  ASSERT_EQ(out->statements.size(), 3u);
  EXPECT_EQ(out->statements[0].sql, "DROP TABLE IF EXISTS `env-1`.`cluster`.`int_order_totals`");
}

TEST_F(StreamingTableTest, DriftFailsUnlessIgnored) {
  ModelSpec t = Spec();
  ASSERT_TRUE(Run(t).ok());
  inspector_.existing = Existing(RelationInfo::Kind::kTable, {{"customer_id", "BIGINT"}, {"old_col", "STRING"}});
  inspector_.existing->options = {{"changelog.mode", "append"}};
  absl::StatusOr<Outcome> out = Run(t);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  std::string msg(out.status().message());
  EXPECT_NE(msg.find("column customer_id changed type from BIGINT to INT"), std::string::npos) << msg;
  EXPECT_NE(msg.find("column total_spent was added"), std::string::npos) << msg;
  EXPECT_NE(msg.find("column old_col was removed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("option 'changelog.mode' changed from 'append' to 'upsert'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--full-refresh"), std::string::npos);
  t.on_schema_drift_fail = false;
  EXPECT_TRUE(Run(t).ok());
}

TEST_F(StreamingTableTest, NeedsColumnsAndRefusesAMaterializedTable) {
  ModelSpec t = Spec();
  t.columns.clear();
  absl::StatusOr<Outcome> out = Run(t);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("needs its columns"), absl::string_view::npos);
  t = Spec();
  inspector_.existing = Existing(RelationInfo::Kind::kMaterializedTable);
  out = Run(t);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("already exists as a materialized table"), absl::string_view::npos);
  EXPECT_TRUE(Run(t, true).ok());
  EXPECT_EQ(client_.log[2].rfind("SUBMIT <adhoc> [streaming_ddl] DROP MATERIALIZED TABLE IF EXISTS", 0), 0u)
      << client_.log[2];
}

TEST_F(MaterializationTest, StreamingSourceMergesConnectorAndNeedsFullRefresh) {
  ModelSpec s = Model(Materialized::kStreamingSource, "src_orders",
                      "order_id BIGINT,\nWATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND");
  absl::StatusOr<Outcome> no_connector = Run(s);
  ASSERT_FALSE(no_connector.ok());
  EXPECT_NE(no_connector.status().message().find("needs a connector"), absl::string_view::npos);

  s.connector = "faker";
  s.with = {{"connector", "datagen"}, {"rows-per-second", "1"}, {"fields.x.expression", "#{Name.firstName}'s"}};
  absl::StatusOr<Outcome> out = Run(s);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->statements.size(), 1u);
  EXPECT_EQ(out->statements[0].mode, ExecutionMode::kStreamingDdl);
  EXPECT_EQ(out->statements[0].sql,
            "CREATE TABLE `env-1`.`cluster`.`src_orders` (\n" + s.sql +
                "\n)\nWITH (\n  'rows-per-second' = '1',\n  'fields.x.expression' = '#{Name.firstName}''s',\n"
                "  'connector' = 'faker'\n)");

  inspector_.existing = Existing(RelationInfo::Kind::kTable);
  inspector_.existing->options = {{"rows-per-second", "1"}, {"fields.x.expression", "#{Name.firstName}'s"},
                                  {"connector", "faker"}};
  absl::StatusOr<Outcome> rerun = Run(s);
  ASSERT_TRUE(rerun.ok()) << rerun.status();
  EXPECT_EQ(rerun->action, Outcome::Action::kSkip);
  absl::StatusOr<Outcome> refresh = Run(s, true);
  ASSERT_TRUE(refresh.ok());
  EXPECT_EQ(refresh->action, Outcome::Action::kCreate);
  EXPECT_EQ(refresh->statements.size(), 2u);  // DROP TABLE, CREATE TABLE
}

TEST_F(MaterializationTest, MaterializedTableGuardsAndFullRefresh) {
  ModelSpec mt = Model(Materialized::kMaterializedTable, "mt", "SELECT id, status FROM orders");
  mt.columns = {{"id", "INT", true}, {"status", "STRING", false}};
  mt.primary_key = {"id"};
  mt.distributed_by = Distribution{{"status"}, 6};
  mt.start_mode = "resume_or_from_beginning";
  mt.statement_properties = {{"sql.tables.scan.idle-timeout", "1 s"}};
  absl::StatusOr<Outcome> out = Run(mt);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->statements.size(), 1u);
  EXPECT_EQ(out->statements[0].name, *client::ModelStatementName("dbt-", "my_flink_project", "mt", "-inv1"));
  EXPECT_EQ(out->statements[0].sql,
            "CREATE OR ALTER MATERIALIZED TABLE `env-1`.`cluster`.`mt` (\n  `id` INT NOT NULL,\n  `status` STRING,\n"
            "  PRIMARY KEY (`id`) NOT ENFORCED\n)\nDISTRIBUTED BY HASH(`status`) INTO 6 BUCKETS\n"
            "START_MODE = RESUME_OR_FROM_BEGINNING\nAS\nSELECT id, status FROM orders");

  inspector_.existing = Existing(RelationInfo::Kind::kTable);
  absl::StatusOr<Outcome> regular = Run(mt);
  ASSERT_FALSE(regular.ok());
  EXPECT_NE(regular.status().message().find("switching needs --full-refresh"), absl::string_view::npos);

  inspector_.existing = Existing(RelationInfo::Kind::kMaterializedTable);
  absl::StatusOr<Outcome> refresh = Run(mt, true);
  ASSERT_TRUE(refresh.ok()) << refresh.status();
  EXPECT_EQ(refresh->statements[0].sql, "DROP MATERIALIZED TABLE IF EXISTS `env-1`.`cluster`.`mt`");
  EXPECT_FALSE(inspector_.existing.has_value());

  mt.start_mode = "FROM_YESTERDAY";
  absl::StatusOr<Outcome> bad = Run(mt);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("start_mode 'FROM_YESTERDAY'"), absl::string_view::npos);
}

TEST_F(MaterializationTest, TableIsCtasInSnapshotDdlAndSkipsWhenPresent) {
  ModelSpec t = Model(Materialized::kTable, "dim", "SELECT a, b FROM src");
  t.contract_enforced = true;
  t.columns = {{"b", "INT", false}, {"a", "STRING", false}};
  absl::StatusOr<Outcome> out = Run(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->statements[0].mode, ExecutionMode::kSnapshotDdl);
  EXPECT_EQ(out->statements[0].sql,
            "CREATE TABLE `env-1`.`cluster`.`dim` (\n  `b` INT,\n  `a` STRING\n)\nAS\nSELECT `b`, `a` FROM (\n"
            "SELECT a, b FROM src\n)");
  inspector_.existing = Existing(RelationInfo::Kind::kTable, {{"b", "INT"}, {"a", "VARCHAR(2147483647)"}});
  absl::StatusOr<Outcome> again = Run(t);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->action, Outcome::Action::kSkip);
}

TEST_F(MaterializationTest, MaterializedViewIsRecreated) {
  ModelSpec mv = Model(Materialized::kMaterializedView, "fct_revenue", "SELECT 1");
  inspector_.existing = Existing(RelationInfo::Kind::kMaterializedView);
  absl::StatusOr<Outcome> out = Run(mv);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->statements.size(), 2u);
  EXPECT_EQ(out->statements[0].sql, "DROP MATERIALIZED VIEW IF EXISTS `env-1`.`cluster`.`fct_revenue`");
  EXPECT_EQ(out->statements[1].sql, "CREATE MATERIALIZED VIEW `env-1`.`cluster`.`fct_revenue` AS\nSELECT 1");
  EXPECT_EQ(out->statements[1].mode, ExecutionMode::kStreamingQuery);
}

TEST_F(MaterializationTest, EphemeralSubmitsNothing) {
  absl::StatusOr<Outcome> out = Run(Model(Materialized::kEphemeral, "e", "SELECT 1"));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(client_.log.empty());
  EXPECT_EQ(inspector_.describes, 0);
}

TEST(RenderTest, StartModesWithAndIdentifiers) {
  for (const char* ok : {"FROM_BEGINNING", "FROM_NOW", "FROM_NOW(INTERVAL '1' HOUR)",
                         "FROM_TIMESTAMP('2024-01-01 00:00:00')", "RESUME_OR_FROM_BEGINNING", "RESUME_OR_FROM_NOW",
                         "RESUME_OR_FROM_NOW(INTERVAL '30' MINUTE)", "RESUME_OR_FROM_TIMESTAMP('2024-01-01')"}) {
    EXPECT_TRUE(RenderStartMode(ok).ok()) << ok;
  }
  EXPECT_EQ(*RenderStartMode(" from_timestamp('2024-01-01 x') "), "FROM_TIMESTAMP('2024-01-01 x')");
  EXPECT_FALSE(RenderStartMode("FROM_NOW(1)").ok());
  EXPECT_FALSE(RenderStartMode("").ok());
  EXPECT_EQ(RenderWith({}), "");
  EXPECT_EQ(RenderWith({{"a'b", "c'"}}), "WITH (\n  'a''b' = 'c'''\n)");
  EXPECT_EQ(RenderDistribution({{"a", "b"}, std::nullopt}), "DISTRIBUTED BY HASH(`a`, `b`)");
  EXPECT_FALSE(QuoteIdentifier("we`ird").ok());
  EXPECT_EQ(*RelationName("e", "d", "t"), "`e`.`d`.`t`");
  EXPECT_EQ(ParseMaterialized("streaming_table"), Materialized::kStreamingTable);
  EXPECT_FALSE(ParseMaterialized("incremental").has_value());
  EXPECT_TRUE(IsStateful(Materialized::kStreamingSource));
  EXPECT_FALSE(IsStateful(Materialized::kView));
}

}  // namespace
}  // namespace flinkdbt::materialize
