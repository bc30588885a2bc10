// Decoding of sql/v1 bodies, typed values for every Flink type, naming/labels/properties as the
// Python adapter builds them, readiness and changelog compaction.
#include "flinkdbt/client/wire.h"

#include <fstream>
#include <string>

#include "absl/strings/str_split.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/client/statement_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace flinkdbt::client {
namespace {

using ::testing::HasSubstr;

DataType T(std::string_view json) {
  auto t = DecodeDataType(json);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : DataType{};
}

std::string Str(const absl::StatusOr<Value>& v) {
  return v.ok() ? v->ToString() : std::string(v.status().message());
}

TEST(AtomicDecoding, IntegersWithRanges) {
  EXPECT_EQ(Str(DecodeAtomic("42", DataType::Of("INTEGER"))), "42");
  EXPECT_EQ(Str(DecodeAtomic("-9223372036854775808", DataType::Of("BIGINT"))), "-9223372036854775808");
  EXPECT_FALSE(DecodeAtomic("128", DataType::Of("TINYINT")).ok());
  EXPECT_FALSE(DecodeAtomic("40000", DataType::Of("SMALLINT")).ok());
  EXPECT_FALSE(DecodeAtomic("2147483648", DataType::Of("INTEGER")).ok());
  EXPECT_FALSE(DecodeAtomic("12a", DataType::Of("INTEGER")).ok());
  EXPECT_FALSE(DecodeAtomic("", DataType::Of("BIGINT")).ok());
}

TEST(AtomicDecoding, DecimalIsExactAndPaddedToScale) {
  DataType dec = T(R"({"type":"DECIMAL","nullable":true,"precision":38,"scale":4})");
  auto v = DecodeAtomic("12345678901234567890123456789012.1", dec);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->kind, Value::Kind::kDecimal);
  EXPECT_EQ(v->text, "12345678901234567890123456789012.1000");  // a double would lose digits
  EXPECT_EQ(Str(DecodeAtomic("0.1", dec)), "0.1000");
  EXPECT_EQ(Str(DecodeAtomic("-000.50", dec)), "-0.5000");
  EXPECT_EQ(Str(DecodeAtomic("1.5E+3", dec)), "1500.0000");
  EXPECT_EQ(Str(DecodeAtomic("-0", dec)), "0.0000");
  EXPECT_FALSE(DecodeAtomic("1.2.3", dec).ok());
  EXPECT_FALSE(DecodeAtomic("abc", dec).ok());
}

TEST(AtomicDecoding, FloatsBooleansStringsBytes) {
  EXPECT_EQ(Str(DecodeAtomic("1.2345678E7", DataType::Of("DOUBLE"))), "12345678.0");
  EXPECT_EQ(Str(DecodeAtomic("NaN", DataType::Of("DOUBLE"))), "nan");
  EXPECT_EQ(Str(DecodeAtomic("-Infinity", DataType::Of("FLOAT"))), "-inf");
  EXPECT_EQ(Str(DecodeAtomic("TRUE", DataType::Of("BOOLEAN"))), "TRUE");
  EXPECT_EQ(Str(DecodeAtomic("false", DataType::Of("BOOLEAN"))), "FALSE");
  EXPECT_FALSE(DecodeAtomic("yes", DataType::Of("BOOLEAN")).ok());
  EXPECT_EQ(Str(DecodeAtomic("héllo", DataType::Of("VARCHAR"))), "héllo");
  auto b = DecodeAtomic("x'0a1bff'", DataType::Of("VARBINARY"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->text, std::string("\x0a\x1b\xff", 3));
  EXPECT_EQ(b->ToString(), "x'0a1bff'");
  EXPECT_FALSE(DecodeAtomic("x'0g'", DataType::Of("BINARY")).ok());
}

TEST(AtomicDecoding, TemporalTypes) {
  auto d = DecodeAtomic("2024-02-29", DataType::Of("DATE"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->int_value, 19782);
  EXPECT_EQ(d->ToString(), "2024-02-29");
  EXPECT_EQ(Str(DecodeAtomic("1969-12-31", DataType::Of("DATE"))), "1969-12-31");
  auto t = DecodeAtomic("15:04:05.123456", DataType::Of("TIME_WITHOUT_TIME_ZONE"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->int_value, ((15 * 60 + 4) * 60 + 5) * 1000000000LL + 123456000);
  auto ts = DecodeAtomic("2006-01-02 15:04:05.000000", DataType::Of("TIMESTAMP_WITHOUT_TIME_ZONE"));
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->int_value, 1136214245);
  EXPECT_EQ(ts->ToString(), "2006-01-02 15:04:05");
  auto ltz = DecodeAtomic("2024-01-02T03:04:05.5Z", DataType::Of("TIMESTAMP_WITH_LOCAL_TIME_ZONE"));
  ASSERT_TRUE(ltz.ok()) << ltz.status();
  EXPECT_EQ(ltz->kind, Value::Kind::kTimestampLtz);
  EXPECT_EQ(ltz->nanos, 500000000);
  EXPECT_EQ(Str(DecodeAtomic("1960-06-15 00:00:01", DataType::Of("TIMESTAMP"))), "1960-06-15 00:00:01");
  EXPECT_FALSE(DecodeAtomic("2024-13-01", DataType::Of("DATE")).ok());
  EXPECT_FALSE(DecodeAtomic("25:00:00", DataType::Of("TIME")).ok());
  EXPECT_FALSE(DecodeAtomic("2024-01-02", DataType::Of("TIMESTAMP")).ok());
}

TEST(AtomicDecoding, Intervals) {
  auto ym = DecodeAtomic("+1-06", DataType::Of("INTERVAL_YEAR_MONTH"));
  ASSERT_TRUE(ym.ok());
  EXPECT_EQ(ym->int_value, 18);
  EXPECT_EQ(ym->ToString(), "+1-06");
  EXPECT_EQ(Str(DecodeAtomic("-0-03", DataType::Of("INTERVAL_YEAR_MONTH"))), "-0-03");
  auto dt = DecodeAtomic("+2 03:04:05.006", DataType::Of("INTERVAL_DAY_TIME"));
  ASSERT_TRUE(dt.ok());
  EXPECT_EQ(dt->int_value, ((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000LL + 6);
  EXPECT_EQ(dt->ToString(), "+2 03:04:05.006");
  EXPECT_FALSE(DecodeAtomic("soon", DataType::Of("INTERVAL_DAY_TIME")).ok());
  // Counts beyond int64 months/milliseconds are malformed input (found by fuzzing: signed overflow).
  EXPECT_FALSE(DecodeAtomic("8888888888888888882-06", DataType::Of("INTERVAL_YEAR_MONTH")).ok());
  EXPECT_FALSE(DecodeAtomic("-8888888888888888882-06", DataType::Of("INTERVAL_YEAR_MONTH")).ok());
  EXPECT_FALSE(DecodeAtomic("+888888888888888 01:02:03.000", DataType::Of("INTERVAL_DAY_TIME")).ok());
}

TEST(NestedDecoding, ArrayMapMultisetRowNull) {
  DataType arr = T(R"({"type":"ARRAY","nullable":true,"element_type":{"type":"INTEGER","nullable":true}})");
  EXPECT_EQ(Str(DecodeValueJson(R"(["1",null,"3"])", arr)), "[1, NULL, 3]");
  DataType map = T(R"({"type":"MAP","nullable":true,"key_type":{"type":"VARCHAR","nullable":false},
                       "value_type":{"type":"BIGINT","nullable":true}})");
  EXPECT_EQ(Str(DecodeValueJson(R"([["a","1"],["b",null]])", map)), "{a=1, b=NULL}");
  DataType ms = T(R"({"type":"MULTISET","nullable":true,"element_type":{"type":"VARCHAR","nullable":true}})");
  auto m = DecodeValueJson(R"([["x","2"],[null,"1"]])", ms);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->kind, Value::Kind::kMultiset);
  EXPECT_EQ(m->items[1].int_value, 2);
  DataType row = T(R"({"type":"ROW","nullable":true,"fields":[
      {"name":"id","field_type":{"type":"INTEGER","nullable":true}},
      {"name":"tags","field_type":{"type":"ARRAY","nullable":true,"element_type":{"type":"VARCHAR","nullable":true}}},
      {"name":"price","field_type":{"type":"DECIMAL","nullable":true,"precision":10,"scale":2}}]})");
  EXPECT_EQ(Str(DecodeValueJson(R"(["7",["a","b"],"3.5"])", row)), "(7, [a, b], 3.50)");
  EXPECT_EQ(row.ToSql(), "ROW<`id` INTEGER, `tags` ARRAY<VARCHAR>, `price` DECIMAL(10, 2)>");
  EXPECT_THAT(Str(DecodeValueJson(R"(["7"])", row)), HasSubstr("has 1 fields, the type has 3"));
  EXPECT_EQ(Str(DecodeValueJson("null", DataType::Of("NULL"))), "NULL");
  EXPECT_THAT(Str(DecodeValueJson(R"({"a":1})", arr)), HasSubstr("should be a JSON array, got object"));
  EXPECT_THAT(Str(DecodeValueJson("1.5", T(R"({"type":"DECIMAL","nullable":true,"precision":5,"scale":1})"))),
              HasSubstr("exact decimals must be sent as strings"));
  EXPECT_THAT(Str(DecodeValueJson(R"({"x":1})", DataType::Of("INTEGER"))),
              HasSubstr("should be a JSON string"));
  // Native JSON integers are exact, so they are tolerated.
  EXPECT_EQ(Str(DecodeValueJson("12", DataType::Of("BIGINT"))), "12");
}

constexpr std::string_view kStatement = R"({
  "api_version":"sql/v1","kind":"Statement","name":"dbt-p-m","organization_id":"o","environment_id":"env-1",
  "metadata":{"self":"https://x/statements/dbt-p-m","uid":"u1","resource_version":"7",
              "labels":{"user.confluent.io/dbt-confluent":"true"}},
  "spec":{"statement":"SELECT 1","properties":{"sql.current-catalog":"env-1"},"compute_pool_id":"lfcp-1",
          "stopped":false,"principal":"sa-1"},
  "status":{"phase":"RUNNING","detail":"","scaling_status":{"scaling_state":"OK"},
            "traits":{"sql_kind":"SELECT","is_bounded":false,"is_append_only":false,"upsert_columns":[0],
                      "schema":{"columns":[{"name":"id","type":{"type":"INTEGER","nullable":false}},
                                           {"name":"n","type":{"type":"BIGINT","nullable":true}}]}}}})";

TEST(StatementDecoding, ReadsSpecStatusTraitsSchema) {
  auto s = DecodeStatement(kStatement);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "dbt-p-m");
  EXPECT_EQ(s->resource_version, "7");
  EXPECT_EQ(s->labels.at("user.confluent.io/dbt-confluent"), "true");
  EXPECT_EQ(s->compute_pool_id, "lfcp-1");
  EXPECT_EQ(s->phase, Phase::kRunning);
  ASSERT_TRUE(s->traits);
  EXPECT_EQ(s->traits->upsert_columns, std::vector<int>{0});
  ASSERT_EQ(s->traits->schema.size(), 2u);
  EXPECT_EQ(s->traits->schema[1].type.root, TypeRoot::kBigint);
}

TEST(StatementDecoding, LegacyResultSchemaIsTheFallback) {
  auto s = DecodeStatement(R"({"name":"a","status":{"phase":"COMPLETED",
      "result_schema":{"columns":[{"name":"x","type":{"type":"VARCHAR","nullable":true,"length":10}}]}}})");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(s->traits);
  ASSERT_EQ(s->traits->schema.size(), 1u);
  EXPECT_EQ(s->traits->schema[0].type.ToSql(), "VARCHAR(10)");
}

TEST(StatementDecoding, UnknownPhaseIsKeptVerbatim) {
  auto s = DecodeStatement(R"({"name":"a","status":{"phase":"HIBERNATING"}})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->phase, Phase::kUnknown);
  EXPECT_EQ(s->phase_name, "HIBERNATING");
}

TEST(StatementDecoding, MalformedBodiesAreClearErrors) {
  EXPECT_THAT(std::string(DecodeStatement("").status().message()), HasSubstr("the body is empty"));
  EXPECT_THAT(std::string(DecodeStatement(R"({"name":"a","status":{"phase":)").status().message()),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(std::string(DecodeStatement("[1,2]").status().message()), HasSubstr("should be an object"));
  EXPECT_THAT(std::string(DecodeStatement(R"({"name":"a","status":{"phase":3}})").status().message()),
              HasSubstr("'status.phase' should be a string, got number"));
  EXPECT_THAT(
      std::string(DecodeStatement(R"({"name":"a","spec":{"properties":{"k":1}}})").status().message()),
      HasSubstr("spec.properties[\"k\"]"));
  EXPECT_THAT(std::string(DecodeStatement(R"({"status":{"phase":"RUNNING"}})").status().message()),
              HasSubstr("no 'name'"));
  EXPECT_THAT(
      std::string(
          DecodeStatement(
              R"({"name":"a","status":{"traits":{"schema":{"columns":[{"name":"x","type":{"type":"ARRAY","nullable":true}}]}}}})")
              .status()
              .message()),
      HasSubstr("without element_type"));
  EXPECT_TRUE(absl::IsDataLoss(DecodeStatement("{").status()));
}

TEST(ResultDecoding, OpsDefaultsAndNext) {
  auto s = DecodeStatement(kStatement);
  ASSERT_TRUE(s.ok());
  ResultDecoder decoder;
  auto page = decoder.Decode(R"({"api_version":"sql/v1","kind":"StatementResult",
      "metadata":{"next":"https://h/statements/x/results?page_token=ab%2Bc&x=1"},
      "results":{"data":[{"row":["1","10"]},{"op":1,"row":["1","10"]},{"op":2,"row":["1","11"]},
                         {"op":3,"row":["2",null]}]}})",
                             s->traits->schema);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->rows.size(), 4u);
  EXPECT_EQ(page->rows[0].op, RowOp::kInsert);
  EXPECT_EQ(page->rows[3].op, RowOp::kDelete);
  EXPECT_EQ(RowOpShortString(page->rows[1].op), "-U");
  EXPECT_TRUE(page->rows[3].values[1].is_null());
  EXPECT_EQ(page->next_token, "ab+c");
  EXPECT_TRUE(page->has_next());
}

TEST(ResultDecoding, WrongShapesNameRowAndColumn) {
  auto s = DecodeStatement(kStatement);
  ASSERT_TRUE(s.ok());
  const auto& schema = s->traits->schema;
  ResultDecoder d;
  EXPECT_THAT(std::string(d.Decode(R"({"results":{"data":[{"row":["1"]}]}})", schema).status().message()),
              HasSubstr("has 1 values but the schema has 2 columns"));
  EXPECT_THAT(std::string(d.Decode(R"({"results":{"data":[{"row":["1","x"]}]}})", schema).status().message()),
              HasSubstr("result row 0, column 2 (`n`)"));
  EXPECT_THAT(
      std::string(d.Decode(R"({"results":{"data":[{"op":7,"row":["1","2"]}]}})", schema).status().message()),
      HasSubstr("should be 0, 1, 2 or 3"));
  EXPECT_THAT(std::string(d.Decode(R"({"results":{"data":{"row":[]}}})", schema).status().message()),
              HasSubstr("'results.data' should be an array"));
  EXPECT_THAT(std::string(d.Decode(R"({"metadata":{}})", schema).status().message()),
              HasSubstr("'results' is missing"));
  EXPECT_THAT(std::string(d.Decode(R"({"results":{"data":[{"row":["1","2"]}]})", schema).status().message()),
              HasSubstr("not valid JSON"));
}

TEST(ErrorBodies, ReadInTheConfluentCliOrder) {
  EXPECT_EQ(ErrorMessageFromBody(
                R"({"errors":[{"status":"409","detail":"Results not ready","title":"Conflict"}]})"),
            "Results not ready");
  EXPECT_EQ(ErrorMessageFromBody(R"({"errors":[{"detail":"bad","resolution":"fix it"}]})"), "bad fix it");
  EXPECT_EQ(ErrorMessageFromBody(R"({"message":"top level"})"), "top level");
  EXPECT_EQ(ErrorMessageFromBody(R"({"error":{"message":"nested"}})"), "nested");
  EXPECT_EQ(ErrorMessageFromBody(R"({"errors":[{"title":"Not Found"}]})"), "Not Found");
  EXPECT_EQ(ErrorMessageFromBody("<html>oops</html>"), "");
  EXPECT_EQ(ErrorCodeFromBody(R"({"errors":[{"code":"resource_already_exists"}]})"),
            "resource_already_exists");
}

TEST(Naming, SanitizeMatchesThePythonAdapter) {
  std::ifstream in(FLINKDBT_SOURCE_DIR "/tests/client/data/statement_names.tsv");
  ASSERT_TRUE(in) << "missing statement_names.tsv";
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts = absl::StrSplit(line, '\t');
    ASSERT_EQ(parts.size(), 2u) << line;
    auto got = SanitizeStatementName(parts[0]);
    ASSERT_TRUE(got.ok()) << parts[0];
    EXPECT_EQ(*got, parts[1]) << "input: " << parts[0];
    EXPECT_TRUE(IsValidStatementName(*got)) << *got;
    ++cases;
  }
  EXPECT_GE(cases, 15);
  EXPECT_FALSE(SanitizeStatementName("").ok());
}

TEST(Naming, ModelNamesLabelsProperties) {
  EXPECT_EQ(*ModelStatementName("dbt-", "my_project", "orders"), "dbt-my-project-orders-2bce76");
  EXPECT_EQ(*ModelStatementName("dbt-", "proj", "t", "-ddl"), "dbt-proj-t-ddl");
  EXPECT_EQ(*ModelStatementName("dbt-", "proj", "t", "", "custom-name"), "custom-name");
  std::string adhoc = AdHocStatementName("dbt-");
  EXPECT_EQ(adhoc.size(), 4u + 36u);
  EXPECT_TRUE(IsValidStatementName(adhoc));
  EXPECT_NE(adhoc, AdHocStatementName("dbt-"));
  auto labels = StatementLabels("dbt-confluent", true);
  EXPECT_EQ(labels.at("user.confluent.io/dbt-confluent"), "true");
  EXPECT_EQ(labels.at("user.confluent.io/hidden"), "true");
  EXPECT_EQ(StatementLabels("x", false).size(), 1u);
  EXPECT_EQ(LabelSelectorFor("dbt-confluent"), "user.confluent.io/dbt-confluent=true");

  auto props =
      ResolveStatementProperties({{"sql.state-ttl", "1h"}}, "env-1", "cluster", ExecutionMode::kSnapshot);
  ASSERT_TRUE(props.ok());
  EXPECT_EQ(props->at("sql.current-catalog"), "env-1");
  EXPECT_EQ(props->at("sql.current-database"), "cluster");
  EXPECT_EQ(props->at("sql.snapshot.mode"), "now");
  EXPECT_EQ(props->at("sql.state-ttl"), "1h");
  auto streaming = ResolveStatementProperties({}, "e", "d", ExecutionMode::kStreamingQuery);
  EXPECT_EQ(streaming->count("sql.snapshot.mode"), 0u);
  for (const char* reserved : {"sql.current-catalog", "sql.current-database", "sql.snapshot.mode"}) {
    auto bad = ResolveStatementProperties({{reserved, "x"}}, "e", "d", ExecutionMode::kStreamingQuery);
    EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr("is a reserved system property"));
  }
  EXPECT_EQ(Md5Hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

Statement WithTraits(Phase phase, std::string kind, bool bounded, bool append_only) {
  Statement s;
  s.phase = phase;
  s.traits = StatementTraits{};
  s.traits->sql_kind = std::move(kind);
  s.traits->is_bounded = bounded;
  s.traits->is_append_only = append_only;
  return s;
}

TEST(Readiness, PerExecutionMode) {
  using M = ExecutionMode;
  // Terminal is always ready.
  for (Phase p : {Phase::kCompleted, Phase::kStopped, Phase::kFailed}) {
    EXPECT_TRUE(IsReady(WithTraits(p, "SELECT", true, false), M::kSnapshot));
  }
  // Snapshot modes wait for terminal.
  EXPECT_FALSE(IsReady(WithTraits(Phase::kRunning, "INSERT_INTO", false, true), M::kSnapshot));
  EXPECT_FALSE(IsReady(WithTraits(Phase::kRunning, "CREATE_TABLE", true, true), M::kSnapshotDdl));
  // Streaming: pure DDL waits, bounded non-append-only waits, the rest is ready at RUNNING.
  EXPECT_FALSE(IsReady(WithTraits(Phase::kRunning, "CREATE_TABLE", true, true), M::kStreamingDdl));
  EXPECT_FALSE(IsReady(WithTraits(Phase::kRunning, "ALTER_TABLE", true, true), M::kStreamingQuery));
  EXPECT_FALSE(IsReady(WithTraits(Phase::kRunning, "SELECT", true, false), M::kStreamingQuery));
  EXPECT_TRUE(IsReady(WithTraits(Phase::kRunning, "SELECT", true, true), M::kStreamingQuery));
  EXPECT_TRUE(IsReady(WithTraits(Phase::kRunning, "INSERT_INTO", false, true), M::kStreamingDdl));
  EXPECT_TRUE(IsReady(WithTraits(Phase::kRunning, "CREATE_TABLE_AS", false, true), M::kStreamingQuery));
  EXPECT_FALSE(IsReady(WithTraits(Phase::kPending, "SELECT", false, true), M::kStreamingQuery));
}

ResultRow R(RowOp op, std::vector<Value> v) { return ResultRow{op, std::move(v)}; }

TEST(Changelog, CompactsByUpsertColumns) {
  std::vector<ResultRow> rows = {
      R(RowOp::kInsert, {Value::Int(1), Value::String("a")}),
      R(RowOp::kInsert, {Value::Int(2), Value::String("b")}),
      R(RowOp::kUpdateBefore, {Value::Int(1), Value::String("a")}),
      R(RowOp::kUpdateAfter, {Value::Int(1), Value::String("a2")}),
      R(RowOp::kDelete, {Value::Int(2), Value::String("b")}),
      R(RowOp::kInsert, {Value::Int(3), Value::String("c")}),
      R(RowOp::kUpdateAfter, {Value::Int(3), Value::String("c2")}),  // upsert without -U
  };
  auto keyed = CompactChangelog(rows, {0});
  ASSERT_EQ(keyed.size(), 2u);
  EXPECT_EQ(keyed[0][1].text, "a2");
  EXPECT_EQ(keyed[1][1].text, "c2");
  // Without keys: each retraction removes one equal row; +U without -U adds.
  auto plain = CompactChangelog(rows, {});
  ASSERT_EQ(plain.size(), 3u);
  EXPECT_EQ(plain[0][1].text, "a2");
  EXPECT_EQ(plain[1][1].text, "c");
  EXPECT_EQ(plain[2][1].text, "c2");
  // Duplicates are a multiset.
  auto dup = CompactChangelog({R(RowOp::kInsert, {Value::Int(1)}), R(RowOp::kInsert, {Value::Int(1)}),
                               R(RowOp::kDelete, {Value::Int(1)})},
                              {});
  EXPECT_EQ(dup.size(), 1u);
}

TEST(Encoding, RoundTripsThroughTheWire) {
  DataType row = T(R"({"type":"ROW","nullable":true,"fields":[
      {"name":"d","field_type":{"type":"DECIMAL","nullable":true,"precision":20,"scale":3}},
      {"name":"ts","field_type":{"type":"TIMESTAMP_WITHOUT_TIME_ZONE","nullable":true,"precision":6}},
      {"name":"m","field_type":{"type":"MAP","nullable":true,"key_type":{"type":"VARCHAR","nullable":true},
                                "value_type":{"type":"DOUBLE","nullable":true}}},
      {"name":"b","field_type":{"type":"BYTES","nullable":true}},
      {"name":"i","field_type":{"type":"INTERVAL_DAY_TIME","nullable":true}}]})");
  auto v = DecodeValueJson(
      R"(["-12.5","2024-01-02 03:04:05.123456",[["k","0.25"]],"x'00ff'","-1 00:00:00.001"])", row);
  ASSERT_TRUE(v.ok()) << v.status();
  JsonWriter w;
  EncodeValueJson(w, *v);
  auto back = DecodeValueJson(w.str(), row);
  ASSERT_TRUE(back.ok()) << back.status() << " " << w.str();
  EXPECT_EQ(*back, *v) << w.str();
  EXPECT_EQ(v->items[0].text, "-12.500");
}

}  // namespace
}  // namespace flinkdbt::client
