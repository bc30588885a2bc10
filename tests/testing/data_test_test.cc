#include "flinkdbt/testing/data_test.h"

#include <gtest/gtest.h>

#include "support/fake_statement_client.h"

namespace flinkdbt::testing {
namespace {

using client::Value;
using testsupport::Col;

TEST(DataTestTest, WrapsWithTheEmptyCountFallback) {
  DataTestConfig config;
  config.limit = 10;
  config.warn_if = ">= 5";
  EXPECT_EQ(DataTestSql("select * from t where x is null", config),
            "select\n"
            "  coalesce(sum(failures), 0) as failures,\n"
            "  coalesce(sum(failures), 0) >= 5 as should_warn,\n"
            "  coalesce(sum(failures), 0) <> 0 as should_error\n"
            "from (\n"
            "  select count(*) as failures\n"
            "  from (\n"
            "select * from t where x is null\n"
            "  limit 10\n"
            "  ) dbt_internal_test\n"
            "  union all\n"
            "  select cast(0 as bigint) as failures\n"
            ") dbt_internal_test_with_fallback");
}

TEST(DataTestTest, JudgesLikeDbt) {
  DataTestConfig error;
  EXPECT_EQ(JudgeDataTest(0, false, false, error).status, "pass");
  DataTestOutcome fail = JudgeDataTest(3, true, true, error);
  EXPECT_EQ(fail.status, "fail");
  EXPECT_EQ(fail.message, "Got 3 results, configured to fail if != 0");
  EXPECT_EQ(JudgeDataTest(3, true, false, error).status, "warn");
  DataTestConfig warn;
  warn.severity = "warn";
  EXPECT_EQ(JudgeDataTest(1, true, true, warn).status, "warn");
  EXPECT_EQ(JudgeDataTest(1, true, true, warn).message, "Got 1 result, configured to warn if != 0");
}

TEST(DataTestTest, RunsAsSnapshotQuery) {
  testsupport::FakeStatementClient client;
  client.scripts = {
      {"dbt_internal_test_with_fallback",
       {Col("failures", "BIGINT"), Col("should_warn", "BOOLEAN"), Col("should_error", "BOOLEAN")},
       {{Value::Int(2), Value::Bool(true), Value::Bool(true)}}}};
  absl::StatusOr<DataTestOutcome> out = RunDataTest(client, "select 1", DataTestConfig{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->status, "fail");
  EXPECT_EQ(out->failures, 2);
  EXPECT_EQ(client.log.at(0).rfind("SUBMIT [snapshot] select", 0), 0u);
}

TEST(DataTestTest, StoreFailuresAsTableKeepsTheFailingRowsAndCountsFromThem) {
  testsupport::FakeStatementClient client;
  client.scripts = {
      {"dbt_internal_test_with_fallback",
       {Col("failures", "BIGINT"), Col("should_warn", "BOOLEAN"), Col("should_error", "BOOLEAN")},
       {{Value::Int(1), Value::Bool(true), Value::Bool(true)}}}};
  DataTestConfig config;
  config.store_failures_as = "table";
  config.limit = 5;
  config.audit_catalog = "env";
  config.audit_database = "cluster_dbt_test__audit";
  config.audit_identifier = "not_null_orders_id";
  absl::StatusOr<DataTestOutcome> out = RunDataTest(client, "select id from o where id is null", config);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->stored_relation, "`env`.`cluster_dbt_test__audit`.`not_null_orders_id`");
  ASSERT_EQ(client.log.size(), 3u);
  EXPECT_EQ(
      client.log[0],
      "SUBMIT [streaming_ddl] DROP TABLE IF EXISTS `env`.`cluster_dbt_test__audit`.`not_null_orders_id`");
  EXPECT_EQ(client.log[1],
            "SUBMIT [snapshot_ddl] CREATE TABLE `env`.`cluster_dbt_test__audit`.`not_null_orders_id` AS\n"
            "select id from o where id is null");
  EXPECT_NE(client.log[2].find(
                "from (\nselect * from `env`.`cluster_dbt_test__audit`.`not_null_orders_id`\n  limit 5"),
            std::string::npos)
      << client.log[2];
  EXPECT_EQ(out->status, "fail");
}

TEST(DataTestTest, StoreFailuresAsView) {
  testsupport::FakeStatementClient client;
  client.scripts = {
      {"dbt_internal_test_with_fallback",
       {Col("failures", "BIGINT"), Col("should_warn", "BOOLEAN"), Col("should_error", "BOOLEAN")},
       {{Value::Int(0), Value::Bool(false), Value::Bool(false)}}}};
  DataTestConfig config;
  config.store_failures_as = "view";
  config.audit_catalog = "env";
  config.audit_database = "db";
  config.audit_identifier = "t";
  absl::StatusOr<DataTestOutcome> out = RunDataTest(client, "select 1", config);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(client.log[1], "SUBMIT [streaming_ddl] CREATE VIEW `env`.`db`.`t` AS\nselect 1");
  config.store_failures_as = "ephemeral";
  client.log.clear();
  ASSERT_TRUE(RunDataTest(client, "select 1", config).ok());
  EXPECT_EQ(client.log.size(), 1u);
}

}  // namespace
}  // namespace flinkdbt::testing
