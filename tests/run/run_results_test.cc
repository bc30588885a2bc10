#include "run/run_results.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "simdjson.h"

namespace flinkdbt::run {
namespace {

TEST(RunResultsTest, HasDbtShapeAndScrubsSecrets) {
  RunResultsDocument doc;
  doc.invocation_id = "inv";
  doc.generated_at = "2024-01-15T10:00:00.000000Z";
  doc.dbt_version = "0.1.0";
  doc.elapsed_time = 1.5;
  doc.args_json = {{"which", "\"run\""}, {"select", "[\"stg_orders+\"]"}, {"vars", "{\"key\": \"hunter2\"}"}};
  NodeResult ok;
  ok.unique_id = "model.p.stg_orders";
  ok.status = "success";
  ok.execution_time = 0.25;
  ok.compile_started_at = ok.compile_completed_at = doc.generated_at;
  ok.execute_started_at = ok.execute_completed_at = doc.generated_at;
  ok.adapter_message = "CREATE view";
  ok.query_id = "dbt-p-stg-orders";
  ok.compiled = true;
  ok.compiled_code = "SELECT 1";
  ok.relation_name = "`e`.`d`.`stg_orders`";
  NodeResult fail;
  fail.unique_id = "test.p.not_null_x";
  fail.status = "fail";
  fail.failures = 3;
  fail.message = "Got 3 results, configured to fail if != 0";
  doc.results = {ok, fail};
  SecretScrubber secrets;
  secrets.Add("hunter2");
  std::string text = RunResultsJson(doc, &secrets);
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element d = parser.parse(text);
  EXPECT_EQ(std::string_view(d["metadata"]["dbt_schema_version"].get_string()),
            "https://schemas.getdbt.com/dbt/run-results/v6.json");
  EXPECT_EQ(double(d["elapsed_time"].get_double()), 1.5);
  EXPECT_EQ(std::string_view(d["args"]["which"].get_string()), "run");
  simdjson::dom::array results = d["results"].get_array();
  ASSERT_EQ(results.size(), 2u);
  simdjson::dom::element r0 = results.at(0);
  EXPECT_EQ(std::string_view(r0["status"].get_string()), "success");
  EXPECT_EQ(results.at(0)["timing"].get_array().size(), 2u);
  EXPECT_EQ(std::string_view(r0["adapter_response"]["_message"].get_string()), "CREATE view");
  EXPECT_TRUE(r0["message"].is_null());
  EXPECT_TRUE(r0["failures"].is_null());
  EXPECT_EQ(std::string_view(r0["compiled_code"].get_string()), "SELECT 1");
  simdjson::dom::element r1 = results.at(1);
  EXPECT_EQ(int64_t(r1["failures"].get_int64()), 3);
  EXPECT_TRUE(r1["compiled_code"].is_null());
  EXPECT_TRUE(r1["relation_name"].is_null());
}

TEST(RunResultsTest, WritesAtomically) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("flinkdbt_rr_" + std::to_string(getpid()));
  fs::remove_all(dir);
  RunResultsDocument doc;
  doc.generated_at = UtcNowIso();
  ASSERT_TRUE(WriteRunResults((dir / "target" / "run_results.json").string(), doc, nullptr).ok());
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir / "target")) {
    EXPECT_EQ(e.path().filename(), "run_results.json");
    ++files;
  }
  EXPECT_EQ(files, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace flinkdbt::run
