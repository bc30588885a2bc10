// Seeds: CSV parsing errors with positions, dbt's type inference, and golden statements for a first
// load, an unchanged re-run (skipped), a changed CSV (dropped and reloaded), --full-refresh, batching,
// column_types, quote_columns and delimiters.
#include "flinkdbt/materialize/seed.h"

#include <gtest/gtest.h>

#include "flinkdbt/base/status.h"
#include "recording_client.h"

namespace flinkdbt::materialize {
namespace {

TEST(ParseCsv, QuotedFieldsEmptyCellsAndCrlf) {
  absl::StatusOr<CsvTable> t =
      ParseCsv("\xEF\xBB\xBFid,name,note\r\n1,\"O'Hara, \"\"Al\"\"\",\r\n2,,\"\"\r\n", "s.csv");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->header, (std::vector<std::string>{"id", "name", "note"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(*t->rows[0][1], "O'Hara, \"Al\"");
  EXPECT_FALSE(t->rows[0][2].has_value());
  EXPECT_FALSE(t->rows[1][1].has_value());
  EXPECT_EQ(t->rows[1][2], std::optional<std::string>(""));  // quoted empty: an empty string
}

TEST(ParseCsv, OtherDelimiter) {
  absl::StatusOr<CsvTable> t = ParseCsv("a|b\n1|x,y\n", "s.csv", '|');
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t->rows[0][1], "x,y");
}

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<CsvTable> t = ParseCsv(text, "seeds/s.csv");
  EXPECT_FALSE(t.ok());
  return FormatDiagnostic(t.status());
}

TEST(ParseCsv, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(ErrorOf("a,b\n1,2\n3\n"), "seeds/s.csv:3:1: error: this row has 1 field, the header has 2");
  EXPECT_EQ(ErrorOf("a,b\n1,\"2\n"),
            "seeds/s.csv:2:3: error: this quoted field is never closed (a '\"' is missing)");
  EXPECT_EQ(
      ErrorOf("a,b\n1,\"2\"x\n"),
      "seeds/s.csv:2:6: error: unexpected 'x' after a closing quote (expected the delimiter ',' or the end "
      "of the line)");
  EXPECT_EQ(ErrorOf("a,a\n"), "seeds/s.csv:1:1: error: the header names column 'a' twice");
  EXPECT_EQ(ErrorOf(""), "seeds/s.csv:1:1: error: the seed file is empty (it needs a header row)");
}

TEST(InferSeedType, AsDbtsTypeTester) {
  using V = std::vector<std::optional<std::string>>;
  EXPECT_EQ(InferSeedType(V{"1", "-2", std::nullopt}), "INT");
  EXPECT_EQ(InferSeedType(V{"1", "3000000000"}), "BIGINT");
  EXPECT_EQ(InferSeedType(V{"1", "2.5"}), "DOUBLE");
  EXPECT_EQ(InferSeedType(V{"2024-01-15"}), "DATE");
  EXPECT_EQ(InferSeedType(V{"2024-01-15 10:00:00"}), "TIMESTAMP");
  EXPECT_EQ(InferSeedType(V{"2024-01-15T10:00:00.123Z"}), "TIMESTAMP");
  EXPECT_EQ(InferSeedType(V{"true", "False"}), "BOOLEAN");
  EXPECT_EQ(InferSeedType(V{"1", "x"}), "STRING");
  EXPECT_EQ(InferSeedType(V{std::nullopt}), "INT");  // all empty: the first type, as agate picks
}

class SeedTest : public ::testing::Test {
 protected:
  SeedTest() : client_(inspector_) {}

  SeedSpec Seed(std::string_view csv) {
    SeedSpec s;
    s.project = "my_flink_project";
    s.name = "country_codes";
    s.catalog = "env-1";
    s.database = "cluster";
    s.identifier = "country_codes";
    s.table = *ParseCsv(csv, "seeds/country_codes.csv");
    return s;
  }

  absl::StatusOr<Outcome> Load(const SeedSpec& s) {
    client_.log.clear();
    return LoadSeed(client_, inspector_, Settings{}, s);
  }

  FakeInspector inspector_;
  RecordingClient client_;
  std::string ddl_ = *client::ModelStatementName("dbt-", "my_flink_project", "country_codes", "-ddl");
};

TEST_F(SeedTest, FirstLoadCreatesAndInsertsTypedValues) {
  SeedSpec s = Seed("code,name,population,joined,active\nDE,Germany,83.2,2024-01-15,true\nFR,,,,\n");
  absl::StatusOr<Outcome> out = Load(s);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->action, Outcome::Action::kCreate);
  EXPECT_EQ(out->message, "INSERT 2");
  ASSERT_EQ(out->statements.size(), 2u);
  EXPECT_EQ(out->statements[0].name, ddl_);
  EXPECT_EQ(out->statements[0].mode, ExecutionMode::kStreamingDdl);
  EXPECT_EQ(
      out->statements[0].sql,
      "CREATE TABLE `env-1`.`cluster`.`country_codes` (\n"
      "  `code` STRING,\n  `name` STRING,\n  `population` DOUBLE,\n  `joined` DATE,\n  `active` BOOLEAN\n)");
  EXPECT_EQ(out->statements[1].mode, ExecutionMode::kStreamingQuery);
  EXPECT_EQ(
      out->statements[1].sql,
      "INSERT INTO `env-1`.`cluster`.`country_codes` (`code`, `name`, `population`, `joined`, `active`)\n"
      "VALUES\n"
      "  ('DE', 'Germany', CAST('83.2' AS DOUBLE), CAST('2024-01-15' AS DATE), CAST('true' AS BOOLEAN)),\n"
      "  ('FR', CAST(NULL AS STRING), CAST(NULL AS DOUBLE), CAST(NULL AS DATE), CAST(NULL AS BOOLEAN))");
  // The DDL statement is kept with the hash of the load; the INSERT was reaped.
  ASSERT_EQ(client_.statements.count(ddl_), 1u);
  EXPECT_EQ(client_.statements[ddl_].labels.count(std::string(kSqlHashLabel)), 1u);
  EXPECT_EQ(client_.statements.size(), 1u);
}

TEST_F(SeedTest, UnchangedRerunSkipsChangedCsvReloadsFullRefreshAlwaysReloads) {
  SeedSpec s = Seed("code,name\nDE,Germany\n");
  ASSERT_TRUE(Load(s).ok());
  inspector_.existing = RelationInfo{};
  absl::StatusOr<Outcome> again = Load(s);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->action, Outcome::Action::kSkip);
  EXPECT_TRUE(again->statements.empty());

  SeedSpec changed = Seed("code,name\nDE,Germany\nFR,France\n");
  absl::StatusOr<Outcome> reload = Load(changed);
  ASSERT_TRUE(reload.ok()) << reload.status();
  EXPECT_EQ(reload->action, Outcome::Action::kCreate);
  ASSERT_EQ(reload->statements.size(), 3u);
  EXPECT_EQ(reload->statements[0].sql, "DROP TABLE IF EXISTS `env-1`.`cluster`.`country_codes`");
  EXPECT_EQ(client_.log[2], "DELETE " + ddl_);  // the old DDL statement, before the new one
  ASSERT_EQ(reload->warnings.size(), 1u);
  EXPECT_NE(reload->warnings[0].find("dropped and reloaded"), std::string::npos);

  inspector_.existing = RelationInfo{};
  changed.full_refresh = true;
  absl::StatusOr<Outcome> full = Load(changed);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->action, Outcome::Action::kCreate);
  EXPECT_TRUE(full->warnings.empty());
  EXPECT_EQ(full->statements.size(), 3u);
}

TEST_F(SeedTest, ColumnTypesQuoteColumnsAndBatches) {
  std::string csv = "id,zip\n";
  for (int i = 0; i < 5; ++i) csv += fmt::format("{},0{}\n", i, i);
  SeedSpec s = Seed(csv);
  s.column_types = {{"ZIP", "VARCHAR(5)"}, {"id", "BIGINT"}};
  s.quote_columns = false;
  s.batch_rows = 2;
  absl::StatusOr<Outcome> out = Load(s);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->statements.size(), 4u);  // CREATE + 3 batches (2, 2, 1 rows)
  EXPECT_EQ(out->statements[0].sql,
            "CREATE TABLE `env-1`.`cluster`.`country_codes` (\n  id BIGINT,\n  zip VARCHAR(5)\n)");
  EXPECT_EQ(out->statements[1].sql,
            "INSERT INTO `env-1`.`cluster`.`country_codes` (id, zip)\nVALUES\n"
            "  (CAST('0' AS BIGINT), CAST('00' AS VARCHAR(5))),\n  (CAST('1' AS BIGINT), CAST('01' AS "
            "VARCHAR(5)))");
  EXPECT_EQ(out->statements[3].sql,
            "INSERT INTO `env-1`.`cluster`.`country_codes` (id, zip)\nVALUES\n  (CAST('4' AS BIGINT), "
            "CAST('04' AS VARCHAR(5)))");
  // A byte budget splits too.
  s.batch_rows = 1000;
  s.batch_bytes = 130;
  absl::StatusOr<std::vector<std::string>> inserts = SeedInsertSql(s);
  ASSERT_TRUE(inserts.ok());
  EXPECT_GT(inserts->size(), 1u);
  for (const std::string& sql : *inserts) EXPECT_LE(sql.size(), 200u);
}

}  // namespace
}  // namespace flinkdbt::materialize
