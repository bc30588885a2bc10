// The checker's public API as the compile layer uses it: ValidateModelSql, outcomes, positions
// mapped to a model file, catalog lookups (kNotFound vs kUnknown), RelationFromDdl, annotations.
#include "flinkdbt/sql/checker.h"

#include "flinkdbt/sql/functions.h"
#include "gtest/gtest.h"

namespace flinkdbt::sql {
namespace {

class CheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    examples_ = MakeExamplesCatalog();
    catalog_.set_fallback(examples_.get());
    Relation stg;
    stg.name = "stg_orders";
    stg.columns = {{"order_id", DataType::String(false)},
                   {"price", DataType::Double(false)},
                   {"order_time", [] {
                      DataType t = DataType::TimestampLtz(3, false);
                      t.time_attribute = TimeAttribute::kRowtime;
                      return t;
                    }()}};
    catalog_.Add(stg);
  }
  std::unique_ptr<InMemoryCatalog> examples_;
  InMemoryCatalog catalog_;
};

TEST_F(CheckerTest, DerivesTheWalkthroughSchema) {
  ValidationResult r = ValidateModelSql(
      "SELECT window_start, window_end, SUM(price) AS total_revenue, COUNT(*) AS order_count\n"
      "FROM TABLE(TUMBLE(TABLE stg_orders, DESCRIPTOR(order_time), INTERVAL '1' MINUTE))\n"
      "GROUP BY window_start, window_end",
      catalog_);
  ASSERT_EQ(r.outcome, CheckOutcome::kOk);
  ASSERT_EQ(r.schema.size(), 4u);
  EXPECT_EQ(r.schema[2].name, "total_revenue");
  EXPECT_EQ(TypeToString(r.schema[2].type), "DOUBLE");
  EXPECT_EQ(TypeToString(r.schema[3].type), "BIGINT NOT NULL");
  ASSERT_NE(r.statement, nullptr);
  // Expressions carry their resolved types for the engine.
  const Expr& sum = *r.statement->query->select->items[2].expr;
  EXPECT_TRUE(sum.checked);
  EXPECT_EQ(TypeToString(sum.type), "DOUBLE");
  const Expr& price = *sum.args[0];
  EXPECT_EQ(price.ref_relation, 0);
  EXPECT_EQ(price.ref_column, 1);
  EXPECT_EQ(price.ref_depth, 0);
}

TEST_F(CheckerTest, TypoInColumnIsAnErrorMappedToTheModelFile) {
  // The compiled SQL of a model whose first line was a Jinja comment, so SQL line 1 is file line 2.
  std::string sql = "SELECT order_id,\n       prise\nFROM stg_orders";
  ValidationResult r = ValidateModelSql(sql, catalog_);
  ASSERT_EQ(r.outcome, CheckOutcome::kError);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.code, DiagnosticCode::kUnknownColumn);
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 8);
  EXPECT_EQ(sql.substr(d.offset, d.end_offset - d.offset), "prise");
  EXPECT_EQ(d.message, "column 'prise' not found; did you mean 'price'?");
  absl::Status s = DiagnosticToStatus(d, "models/stg.sql", [&](size_t offset) {
    SourceLocation loc = LocationOfOffset(sql, offset, "models/marts/fct.sql");
    loc.line += 1;
    return loc;
  });
  EXPECT_EQ(FormatDiagnostic(s).substr(0, 47), "models/marts/fct.sql:3:8: error: column 'prise'");
  absl::Status plain = DiagnosticToStatus(d, "models/stg.sql");
  EXPECT_EQ(GetLocation(plain)->ToString(), "models/stg.sql:2:8");
}

TEST_F(CheckerTest, UnknownRelationsAreErrorsOrUncheckedByOption) {
  ValidationResult local = ValidateModelSql("SELECT * FROM my_topic", catalog_);
  EXPECT_EQ(local.outcome, CheckOutcome::kError);
  EXPECT_EQ(local.diagnostics[0].code, DiagnosticCode::kUnknownRelation);
  ValidateOptions cloud;
  cloud.unknown_relation_is_error = false;
  ValidationResult remote = ValidateModelSql("SELECT a, b + 1 FROM my_topic WHERE c > 0", catalog_, cloud);
  EXPECT_EQ(remote.outcome, CheckOutcome::kUnchecked);
  // A catalog that cannot tell (kUnknown) never produces an error either.
  InMemoryCatalog open;
  open.set_missing_status(LookupStatus::kUnknown);
  ValidationResult r = ValidateModelSql("SELECT x FROM anything JOIN other ON anything.k = other.k", open);
  EXPECT_EQ(r.outcome, CheckOutcome::kUnchecked);
  for (const Diagnostic& d : r.diagnostics) EXPECT_EQ(d.severity, Severity::kNote);
  // But known columns of known relations are still checked next to unknown ones.
  ValidationResult mixed =
      ValidateModelSql("SELECT s.prise FROM stg_orders s JOIN t2 ON TRUE", catalog_, cloud);
  EXPECT_EQ(mixed.outcome, CheckOutcome::kError);
}

TEST_F(CheckerTest, UserDefinedFunctionsAreUncheckedNotRejected) {
  ValidationResult r =
      ValidateModelSql("SELECT my_udf(order_id) AS x, UPPER(order_id) AS y FROM stg_orders", catalog_);
  EXPECT_EQ(r.outcome, CheckOutcome::kUnchecked);
  EXPECT_EQ(TypeToString(r.schema[1].type), "STRING NOT NULL");
  // An unknown function does not hide a typo in its arguments.
  ValidationResult typo = ValidateModelSql("SELECT my_udf(order_idd) FROM stg_orders", catalog_);
  EXPECT_EQ(typo.outcome, CheckOutcome::kError);
}

TEST_F(CheckerTest, RelationFromDdlFeedsLaterChecks) {
  InMemoryCatalog c;
  ValidationResult t = ValidateModelSql(
      "CREATE TABLE clicks (user_id INT, url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' "
      "SECOND, "
      "PRIMARY KEY (user_id) NOT ENFORCED)",
      c);
  ASSERT_EQ(t.outcome, CheckOutcome::kOk);
  auto rel = RelationFromDdl(t);
  ASSERT_TRUE(rel.has_value());
  EXPECT_EQ(rel->watermark_column, "ts");
  EXPECT_EQ(rel->primary_key, std::vector<std::string>{"user_id"});
  EXPECT_EQ(TypeToString(rel->columns[2].type), "TIMESTAMP(3) *ROWTIME*");
  c.Add(*rel);
  ValidationResult v = ValidateModelSql(
      "CREATE VIEW per_user AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id", c);
  ASSERT_EQ(v.outcome, CheckOutcome::kOk);
  auto view = RelationFromDdl(v);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->kind, RelationKind::kView);
  c.Add(*view);
  EXPECT_EQ(ValidateModelSql("SELECT n + 1 FROM per_user", c).outcome, CheckOutcome::kOk);
  EXPECT_EQ(
      ValidateModelSql("SELECT * FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' HOUR))", c)
          .outcome,
      CheckOutcome::kOk);
}

TEST_F(CheckerTest, ExamplesCatalogIsOneSharedDefinition) {
  std::vector<Relation> rels = ExampleMarketplaceRelations();
  ASSERT_EQ(rels.size(), 4u);
  for (const Relation& r : rels) {
    EXPECT_EQ(r.catalog, "examples");
    EXPECT_EQ(r.database, "marketplace");
    const CatalogColumn* rowtime = r.FindColumn("$rowtime");
    ASSERT_NE(rowtime, nullptr) << r.name;
    EXPECT_TRUE(rowtime->hidden);
    EXPECT_EQ(TypeToString(rowtime->type), "TIMESTAMP_LTZ(3) NOT NULL *ROWTIME*");
  }
  // Reached by its three-part name only, not as a bare `orders` of the current database.
  EXPECT_EQ(catalog_.Lookup({"examples", "marketplace", "orders"}).status, LookupStatus::kFound);
  EXPECT_EQ(catalog_.Lookup({"orders"}).status, LookupStatus::kNotFound);
}

TEST_F(CheckerTest, ConfluentTablesHaveRowtime) {
  InMemoryCatalog c;
  Relation t;
  t.name = "topic_table";
  t.columns = {{"k", DataType::String()}};
  c.Add(t);
  std::string sql = "SELECT k, `$rowtime` AS ts FROM topic_table";
  EXPECT_EQ(ValidateModelSql(sql, c).outcome, CheckOutcome::kError);
  ValidateOptions confluent;
  confluent.confluent_system_columns = true;
  ValidationResult r = ValidateModelSql(sql, c, confluent);
  ASSERT_EQ(r.outcome, CheckOutcome::kOk);
  EXPECT_EQ(TypeToString(r.schema[1].type), "TIMESTAMP_LTZ(3) NOT NULL *ROWTIME*");
  // Not part of *.
  EXPECT_EQ(ValidateModelSql("SELECT * FROM topic_table", c, confluent).schema.size(), 1u);
}

TEST_F(CheckerTest, SyntaxErrorsBecomeDiagnostics) {
  ValidationResult r = ValidateModelSql("SELECT order_id,\nFROM stg_orders", catalog_);
  ASSERT_EQ(r.outcome, CheckOutcome::kError);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, DiagnosticCode::kSyntax);
  EXPECT_EQ(r.diagnostics[0].line, 2);
  EXPECT_EQ(r.diagnostics[0].column, 1);
  EXPECT_EQ(r.diagnostics[0].offset, 17u);
  EXPECT_EQ(r.statement, nullptr);
}

TEST(Functions, CatalogIsConsistent) {
  for (const FunctionInfo& f : AllFunctions()) {
    EXPECT_EQ(FindFunction(f.name), &f);
    EXPECT_TRUE(f.max_args < 0 || f.max_args >= f.min_args) << f.name;
    EXPECT_FALSE(f.signature.empty()) << f.name;
    EXPECT_NE(f.rule, nullptr) << f.name;
  }
  EXPECT_EQ(FindFunction("NO_SUCH_FUNCTION"), nullptr);
  EXPECT_GT(AllFunctions().size(), 150u);
}

}  // namespace
}  // namespace flinkdbt::sql
