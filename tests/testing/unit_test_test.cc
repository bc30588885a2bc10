#include "flinkdbt/testing/unit_test.h"

#include <gtest/gtest.h>

#include "support/fake_statement_client.h"

namespace flinkdbt::testing {
namespace {

using client::Value;
using testsupport::Col;
using testsupport::FakeStatementClient;
using testsupport::Script;

class OneRelation : public materialize::RelationInspector {
 public:
  absl::StatusOr<std::optional<materialize::RelationInfo>> Describe(std::string_view, std::string_view,
                                                                    std::string_view identifier) override {
    if (identifier != "orders") return std::nullopt;
    materialize::RelationInfo info;
    info.columns = {{"order_id", "BIGINT"}, {"price", "DECIMAL(10, 2)"}, {"order_time", "TIMESTAMP(3)"}};
    return info;
  }
};

Value Decimal(std::string text) { return Value::Decimal(std::move(text)); }
Value Ts(int64_t seconds) {
  Value v;
  v.kind = Value::Kind::kTimestamp;
  v.int_value = seconds;
  return v;
}

UnitTestCase Case() {
  UnitTestCase t;
  t.name = "test_stg_orders";
  t.model_name = "stg_orders";
  t.model_sql = "SELECT order_id, price, order_time FROM `examples`.`marketplace`.`orders` WHERE price > 0";
  FixtureInput in;
  in.catalog = "examples";
  in.database = "marketplace";
  in.identifier = "orders";
  in.fixture_catalog = "env";
  in.fixture_database = "db";
  in.description = "source('marketplace', 'orders')";
  in.rows = {{{"order_id", "1"}, {"price", "29.99"}, {"order_time", "2024-01-15 10:00:00"}},
             {{"order_id", "2"}, {"price", "49.99"}}};
  t.given = {in};
  t.expect = {{{"order_id", "1"}, {"price", "29.99"}, {"order_time", "2024-01-15 10:00:00"}},
              {{"order_id", "2"}, {"price", "49.990"}, {"order_time", std::nullopt}}};
  return t;
}

class UnitTestTest : public ::testing::Test {
 protected:
  void SetUp() override { client_.complete_inserts = true; }
  FakeStatementClient client_;
  OneRelation inspector_;
};

TEST_F(UnitTestTest, BuildsFixturesRunsTheModelAndPasses) {
  client_.scripts = {{"WHERE price > 0",
                      {Col("order_id", "BIGINT"), Col("price", "DECIMAL"), Col("order_time", "TIMESTAMP")},
                      {{Value::Int(2), Decimal("49.99"), Value::Null()},
                       {Value::Int(1), Decimal("29.99"), Ts(1705312800)}}}};
  UnitTestCase t = Case();
  absl::StatusOr<UnitTestResult> r = RunUnitTest(client_, inspector_, t);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->passed) << r->diff;
  std::string fixture = "`env`.`db`.`" + FixtureIdentifier(t.name, "orders") + "`";
  ASSERT_EQ(client_.log.size(), 5u);
  EXPECT_EQ(client_.log[0], "SUBMIT [streaming_ddl] DROP TABLE IF EXISTS " + fixture);
  EXPECT_EQ(client_.log[1], "SUBMIT [streaming_ddl] CREATE TABLE " + fixture +
                                " LIKE `examples`.`marketplace`.`orders` (EXCLUDING OPTIONS)");
  EXPECT_EQ(client_.log[2],
            "SUBMIT [streaming_query] INSERT INTO " + fixture +
                " (`order_id`, `price`, `order_time`)\nVALUES\n"
                "  (CAST('1' AS BIGINT), CAST('29.99' AS DECIMAL(10, 2)), CAST('2024-01-15 10:00:00' AS "
                "TIMESTAMP(3))),\n"
                "  (CAST('2' AS BIGINT), CAST('49.99' AS DECIMAL(10, 2)), CAST(NULL AS TIMESTAMP(3)))");
  EXPECT_EQ(client_.log[3],
            "SUBMIT [snapshot] SELECT order_id, price, order_time FROM " + fixture + " WHERE price > 0");
  EXPECT_EQ(client_.log[4], "SUBMIT [streaming_ddl] DROP TABLE IF EXISTS " + fixture);
}

TEST_F(UnitTestTest, FailureShowsDbtDiffAndStillDropsFixtures) {
  client_.scripts = {
      {"WHERE price > 0",
       {Col("order_id", "BIGINT"), Col("price", "DECIMAL"), Col("order_time", "TIMESTAMP")},
       {{Value::Int(1), Decimal("29.99"), Ts(1705312800)}, {Value::Int(3), Decimal("1.00"), Value::Null()}}}};
  absl::StatusOr<UnitTestResult> r = RunUnitTest(client_, inspector_, Case());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->diff,
            "actual differs from expected:\n\n"
            "@@ ,order_id,price ,order_time\n"
            "   ,1       ,29.99 ,2024-01-15 10:00:00\n"
            "+++,3       ,1.00  ,NULL\n"
            "---,2       ,49.990,NULL");
  EXPECT_NE(client_.log.back().find("DROP TABLE IF EXISTS"), std::string::npos);
}

TEST_F(UnitTestTest, QueryErrorStillDropsFixtures) {
  client_.scripts = {{"WHERE price > 0", {}, {}, "Column 'prise' not found"}};
  absl::StatusOr<UnitTestResult> r = RunUnitTest(client_, inspector_, Case());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("prise"), absl::string_view::npos);
  EXPECT_NE(client_.log.back().find("DROP TABLE IF EXISTS"), std::string::npos) << client_.log.back();
}

TEST_F(UnitTestTest, UnknownFixtureColumnAndMissingUpstreamAreClearErrors) {
  UnitTestCase t = Case();
  t.given[0].rows[0]["discount"] = "0.1";
  absl::StatusOr<UnitTestResult> r = RunUnitTest(client_, inspector_, t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(
      r.status().message().find("a column 'discount' that `examples`.`marketplace`.`orders` does not have"),
      absl::string_view::npos)
      << r.status();
  EXPECT_TRUE(client_.log.empty());

  t = Case();
  t.given[0].identifier = "nope";
  r = RunUnitTest(client_, inspector_, t);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not exist on the target"), absl::string_view::npos);
}

TEST(CompareTest, TypeAwareEquality) {
  EXPECT_TRUE(ValueMatches(Value::Decimal("29.90"), "29.9"));
  EXPECT_TRUE(ValueMatches(Value::Decimal("-0.00"), "0"));
  EXPECT_FALSE(ValueMatches(Value::Decimal("29.91"), "29.9"));
  EXPECT_TRUE(ValueMatches(Value::Double(0.1 + 0.2), "0.30000000000000004"));
  EXPECT_TRUE(ValueMatches(Value::Double(29.99), "29.99"));
  EXPECT_FALSE(ValueMatches(Value::Double(29.99), "abc"));
  EXPECT_TRUE(ValueMatches(Value::Int(7), "7"));
  EXPECT_FALSE(ValueMatches(Value::Int(7), "8"));
  EXPECT_TRUE(ValueMatches(Value::Bool(true), "True"));
  EXPECT_FALSE(ValueMatches(Value::Bool(false), "true"));
  EXPECT_TRUE(ValueMatches(Value::Null(), std::nullopt));
  EXPECT_FALSE(ValueMatches(Value::Null(), "0"));
  EXPECT_FALSE(ValueMatches(Value::Int(0), std::nullopt));
  EXPECT_TRUE(ValueMatches(Value::String("a b"), "a b"));
  EXPECT_TRUE(ValueMatches(Ts(1705312800), "2024-01-15 10:00:00"));
  EXPECT_TRUE(ValueMatches(Ts(1705312800), "2024-01-15T10:00"));
  EXPECT_FALSE(ValueMatches(Ts(1705312801), "2024-01-15 10:00:00"));
}

TEST(CompareTest, ReplaceRelations) {
  EXPECT_EQ(ReplaceRelations("SELECT * FROM `a`.`b`.`c` JOIN `a`.`b`.`c` x", {{"`a`.`b`.`c`", "`f`"}}),
            "SELECT * FROM `f` JOIN `f` x");
}

TEST_F(UnitTestTest, SqlFormatFixturesLoadByColumnNameAndSqlExpectRowsAreQueried) {
  client_.scripts = {{"WHERE price > 0",
                      {Col("order_id", "BIGINT"), Col("price", "DECIMAL")},
                      {{Value::Int(1), Decimal("29.99")}}},
                     {"select 29.99 as price",
                      {Col("price", "DECIMAL"), Col("order_id", "BIGINT"), Col("order_time", "TIMESTAMP")},
                      {{Decimal("29.99"), Value::Int(1), Value::Null()}}},
                     {"select 1 as order_id, 29.99 as price",
                      {Col("order_id", "BIGINT"), Col("price", "DECIMAL")},
                      {{Value::Int(1), Decimal("29.99")}, {Value::Int(7), Decimal("1.00")}}}};
  UnitTestCase t = Case();
  t.model_sql = "SELECT order_id, price FROM `examples`.`marketplace`.`orders` WHERE price > 0";
  t.given[0].rows.clear();
  t.given[0].sql = "select 29.99 as price, 1 as order_id, cast(null as timestamp(3)) as order_time";
  t.expect.clear();
  t.expect_sql = "select 1 as order_id, 29.99 as price union all select 7, 1.00";
  absl::StatusOr<UnitTestResult> r = RunUnitTest(client_, inspector_, t);
  ASSERT_TRUE(r.ok()) << r.status();
  std::string fixture = "`env`.`db`.`" + FixtureIdentifier(t.name, "orders") + "`";
  // The fixture query runs first; its rows are loaded with the input's types.
  EXPECT_EQ(client_.log[0], "SUBMIT [snapshot] " + *t.given[0].sql);
  EXPECT_EQ(client_.log[3],
            "SUBMIT [streaming_query] INSERT INTO " + fixture +
                " (`order_id`, `price`, `order_time`)\nVALUES\n"
                "  (CAST('1' AS BIGINT), CAST('29.99' AS DECIMAL(10, 2)), CAST(NULL AS TIMESTAMP(3)))");
  // The expected query ran and its second row is missing from the actual result: a diff.
  EXPECT_EQ(client_.log[4], "SUBMIT [snapshot] " + *t.expect_sql);
  EXPECT_FALSE(r->passed);
  EXPECT_NE(r->diff.find("---"), std::string::npos) << r->diff;
  EXPECT_NE(r->diff.find("7"), std::string::npos) << r->diff;
}

}  // namespace
}  // namespace flinkdbt::testing
