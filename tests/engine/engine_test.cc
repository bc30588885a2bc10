// Engine API behaviour a caller relies on: results (schema, changelog, final rows), error
// positions, exact decimals, value formatting, persistence (atomic state, lock, corrupt/foreign
// folders) and connector determinism.
#include "flinkdbt/engine/engine.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "flinkdbt/base/status.h"
#include "flinkdbt/engine/value.h"
#include "gtest/gtest.h"

namespace flinkdbt::engine {
namespace {

EngineOptions Fixed() {
  EngineOptions o;
  o.now = [] { return int64_t{1704067200000}; };
  return o;
}

std::vector<std::string> Rows(const StatementResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) {
    std::string line;
    for (const auto& v : r.FormatRow(row)) line += (line.empty() ? "" : "|") + v;
    out.push_back(line);
  }
  return out;
}

TEST(DecimalTest, ParsesAndRoundsHalfUp) {
  auto d = Decimal::Parse("12.345");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->Rescale(2).ToString(), "12.35");
  EXPECT_EQ(Decimal::Parse("-12.345")->Rescale(2).ToString(), "-12.35");
  EXPECT_EQ(Decimal::Parse("1e3")->ToString(), "1000");
  EXPECT_EQ(Decimal::Parse("0.001")->ToString(), "0.001");
  EXPECT_FALSE(Decimal::Parse("abc").has_value());
  // 38 digits are exact.
  EXPECT_EQ(Decimal::Parse("12345678901234567890123456789012345678")->ToString(),
            "12345678901234567890123456789012345678");
}

TEST(ValueTest, FormatsLikeTheSqlClient) {
  EXPECT_EQ(FormatValue(Value::Double(0.998), sql::DataType::Double()), "0.998");
  EXPECT_EQ(FormatValue(Value::Double(1e10), sql::DataType::Double()), "1.0E10");
  EXPECT_EQ(FormatValue(Value::Double(100), sql::DataType::Double()), "100.0");
  EXPECT_EQ(FormatValue(Value::Timestamp(0, 1000), sql::DataType::Timestamp(6)),
            "1970-01-01 00:00:00.000001");
  EXPECT_EQ(FormatValue(Value::Date(-1), sql::DataType::Date()), "1969-12-31");
  EXPECT_EQ(FormatValue(Value::Bool(true), sql::DataType::Boolean()), "TRUE");
  EXPECT_EQ(FormatValue(Value(), sql::DataType::Int()), "NULL");
}

TEST(EngineTest, OuterIntervalJoinIsInsertOnlyAndExplainedAsIntervalJoin) {
  Engine engine(Fixed());
  ASSERT_TRUE(engine
                  .ExecuteScript("CREATE TABLE l (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);"
                                 "CREATE TABLE r (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);"
                                 "INSERT INTO l VALUES (1, TIMESTAMP '2024-01-01 00:00:00'), (2, TIMESTAMP "
                                 "'2024-01-01 00:00:00');"
                                 "INSERT INTO r VALUES (1, TIMESTAMP '2024-01-01 00:00:30')")
                  .ok());
  const std::string join =
      "SELECT l.id, r.id FROM l LEFT JOIN r ON l.id = r.id AND r.ts BETWEEN l.ts AND l.ts + INTERVAL '1' "
      "MINUTE";
  auto r = engine.Execute(join);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->insert_only);
  for (const auto& c : r->changelog) EXPECT_EQ(c.kind, RowKind::kInsert);
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"1|1", "2|NULL"}));
  auto plan = engine.Execute("EXPLAIN " + join);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_FALSE(plan->rows.empty());
  EXPECT_NE(plan->FormatRow(plan->rows[0])[0].find("IntervalJoin"), std::string::npos);
  // Without time bounds the same outer join retracts its padded row.
  auto regular = engine.Execute("SELECT l.id, r.id FROM l LEFT JOIN r ON l.id = r.id");
  ASSERT_TRUE(regular.ok());
  EXPECT_FALSE(regular->insert_only);
}

TEST(EngineTest, QueryReturnsSchemaChangelogAndFinalRows) {
  Engine engine(Fixed());
  auto r = engine.Execute(
      "SELECT name, COUNT(*) AS cnt FROM (VALUES ('Bob'), ('Alice'), ('Bob')) AS t(name) GROUP BY name");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->schema.size(), 2u);
  EXPECT_EQ(r->schema[1].name, "cnt");
  EXPECT_EQ(sql::TypeToString(r->schema[1].type), "BIGINT NOT NULL");
  ASSERT_EQ(r->changelog.size(), 4u);
  EXPECT_EQ(r->changelog[2].kind, RowKind::kUpdateBefore);
  EXPECT_EQ(r->changelog[3].kind, RowKind::kUpdateAfter);
  EXPECT_FALSE(r->insert_only);
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"Bob|2", "Alice|1"}));
}

TEST(EngineTest, ErrorsCarryTheirPosition) {
  Engine engine;
  auto r = engine.Execute("SELECT a,\n  nope FROM (VALUES (1)) AS t(a)");
  ASSERT_FALSE(r.ok());
  auto loc = GetLocation(r.status());
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->line, 2);
  EXPECT_EQ(loc->column, 3);
  auto syntax = engine.Execute("SELECT FROM");
  ASSERT_FALSE(syntax.ok());
  EXPECT_TRUE(GetLocation(syntax.status()).has_value());
}

TEST(EngineTest, ShowCreateTablePrintsTheDdl) {
  Engine engine;
  ASSERT_TRUE(
      engine
          .Execute("CREATE TABLE simple (a INT, b STRING, PRIMARY KEY (a) NOT ENFORCED) COMMENT 'a table' "
                   "WITH ('changelog.mode' = 'upsert')")
          .ok());
  auto r = engine.Execute("SHOW CREATE TABLE simple");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][0].string_value(),
            "CREATE TABLE `default_catalog`.`default_database`.`simple` (\n"
            "  `a` INT NOT NULL,\n"
            "  `b` STRING,\n"
            "  CONSTRAINT `PK_a` PRIMARY KEY (`a`) NOT ENFORCED\n"
            ")\n"
            "COMMENT 'a table'\n"
            "WITH (\n"
            "  'changelog.mode' = 'upsert'\n"
            ")");
  EXPECT_EQ(r->changelog.size(), 1u);  // listings are an insert-only changelog too
}

TEST(EngineTest, DecimalArithmeticIsExact) {
  Engine engine;
  auto r =
      engine.Execute("SELECT SUM(x) AS s FROM (VALUES (CAST(0.1 AS DECIMAL(10, 2))), (0.2), (0.3)) AS t(x)");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"0.60"}));
}

TEST(EngineTest, ScriptRunsStatementsInOrder) {
  Engine engine(Fixed());
  auto r = engine.ExecuteScript(
      "CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2); SELECT SUM(a) AS s FROM t;");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].affected_rows, 2);
  EXPECT_EQ(Rows((*r)[2]), (std::vector<std::string>{"3"}));
}

TEST(EngineTest, FakerIsDeterministicPerSeed) {
  auto run = [](const std::string& seed) {
    Engine engine(Fixed());
    EXPECT_TRUE(engine
                    .Execute("CREATE TABLE f (a INT, b STRING) WITH ('connector' = 'faker', 'number-of-rows' "
                             "= '5', 'seed' = '" +
                             seed +
                             "', 'fields.a.expression' = '#{number.numberBetween ''0'',''1000000''}', "
                             "'fields.b.expression' = "
                             "'#{Name.fullName}')")
                    .ok());
    auto r = engine.Execute("SELECT * FROM f");
    EXPECT_TRUE(r.ok());
    return Rows(*r);
  };
  EXPECT_EQ(run("1"), run("1"));
  EXPECT_NE(run("1"), run("2"));
}

class PersistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("flinkdbt-engine-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(PersistTest, CatalogAndDataSurviveReopening) {
  {
    auto e = Engine::Open(dir_.string(), Fixed());
    ASSERT_TRUE(e.ok()) << e.status();
    ASSERT_TRUE(
        (*e)->Execute(
                "CREATE TABLE t (k STRING, v DECIMAL(10, 2), ts TIMESTAMP(3), PRIMARY KEY (k) NOT ENFORCED)")
            .ok());
    ASSERT_TRUE(
        (*e)->Execute(
                "INSERT INTO t VALUES ('a', 1.50, TIMESTAMP '2024-01-01 00:00:00.123'), ('b', 2.25, NULL)")
            .ok());
    ASSERT_TRUE((*e)->Execute("INSERT INTO t VALUES ('a', 9.99, NULL)").ok());
    ASSERT_TRUE((*e)->Execute("CREATE VIEW v AS SELECT k, v * 2 AS v2 FROM t").ok());
  }
  auto e = Engine::Open(dir_.string(), Fixed());
  ASSERT_TRUE(e.ok()) << e.status();
  auto r = (*e)->Execute("SELECT * FROM v");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"a|19.98", "b|4.50"}));
  auto t = (*e)->Execute("SELECT * FROM t WHERE k = 'b'");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Rows(*t), (std::vector<std::string>{"b|2.25|NULL"}));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "flinkdbt-engine.json.tmp"));
}

TEST_F(PersistTest, SecondProcessIsRefused) {
  auto e = Engine::Open(dir_.string());
  ASSERT_TRUE(e.ok()) << e.status();
  pid_t pid = fork();
  if (pid == 0) {
    auto other = Engine::Open(dir_.string());
    _exit(!other.ok() && std::string(other.status().message()).find("in use by another") != std::string::npos
              ? 0
              : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(PersistTest, CorruptStateIsReportedNotReset) {
  std::filesystem::create_directories(dir_);
  { std::ofstream(dir_ / "flinkdbt-engine.json") << "{not json"; }
  auto e = Engine::Open(dir_.string());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(std::string(e.status().message()).find("corrupt"), std::string::npos);
  std::ifstream in(dir_ / "flinkdbt-engine.json");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "{not json");
}

TEST_F(PersistTest, ForeignFolderIsRefused) {
  std::filesystem::create_directories(dir_);
  { std::ofstream(dir_ / "notes.txt") << "mine"; }
  auto e = Engine::Open(dir_.string());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(std::string(e.status().message()).find("foreign"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "notes.txt"));
}

TEST_F(PersistTest, OtherFormatTagIsCorrupt) {
  std::filesystem::create_directories(dir_);
  { std::ofstream(dir_ / "flinkdbt-engine.json") << R"({"format": "something-else", "version": 1})"; }
  auto e = Engine::Open(dir_.string());
  ASSERT_FALSE(e.ok());
  EXPECT_NE(std::string(e.status().message()).find("not a flinkdbt local engine state file"),
            std::string::npos);
}

}  // namespace
}  // namespace flinkdbt::engine
