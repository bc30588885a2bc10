#include "flinkdbt/run/events.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "simdjson.h"

namespace flinkdbt::run {
namespace {

TEST(ProgressLineTest, PadsWithDotsToEightyColumnsLikeDbt) {
  std::string line = FormatProgressLine(1, 5, "START sql view model my_cluster.stg_orders", "RUN", std::nullopt);
  EXPECT_EQ(line, "1 of 5 START sql view model my_cluster.stg_orders " + std::string(30, '.') + " [RUN]");
  EXPECT_EQ(line.find(" [RUN]"), 80u);
  EXPECT_EQ(FormatProgressLine(1, 5, "OK created sql view model my_cluster.stg_orders", "OK", 0.213),
            "1 of 5 OK created sql view model my_cluster.stg_orders " + std::string(25, '.') + " [OK in 0.21s]");
  std::string long_msg(100, 'x');
  EXPECT_EQ(FormatProgressLine(std::nullopt, std::nullopt, long_msg, "PASS", 1.0), long_msg + "  [PASS in 1.00s]");
}

TEST(EventsTest, TypedEventsRenderAsDbtLines) {
  NodeInfo node{"model.p.stg_orders", "model", "view", "staging/stg_orders.sql", "`e`.`d`.`stg_orders`"};
  Event started = NodeStarted(1, 5, "sql view model my_cluster.stg_orders", node);
  EXPECT_EQ(started.code, "Q011");
  EXPECT_NE(started.msg.find("1 of 5 START sql view model my_cluster.stg_orders ...."), std::string::npos);
  Event failed = NodeFinished(2, 5, "ERROR creating sql view model x", "error", "ERROR", 1.5, node);
  EXPECT_EQ(failed.level, EventLevel::kError);
  EXPECT_NE(failed.msg.find("[ERROR in 1.50s]"), std::string::npos);
  EXPECT_EQ(RunSummary({.pass = 4, .warn = 0, .error = 1, .skip = 0}).msg,
            "Done. PASS=4 WARN=0 ERROR=1 SKIP=0 TOTAL=5");
  EXPECT_EQ(FinishedRunning("3 view models", 61.25).msg,
            "Finished running 3 view models in 0 hours 1 minutes and 1.25 seconds (61.25s).");
  std::string text = RenderEvent(Info("hello"), LogFormat::kText);
  ASSERT_EQ(text.size(), 15u);
  EXPECT_EQ(text.substr(2, 1), ":");
  EXPECT_EQ(text.substr(8), "  hello");
}

TEST(EventsTest, JsonLinesHaveDbtShape) {
  std::vector<std::string> lines;
  SecretScrubber secrets;
  EventLogger log("11111111-2222-4333-8444-555555555555", &secrets);
  log.AddSink(MakeConsoleSink(LogFormat::kJson, EventLevel::kInfo, [&](std::string_view l) { lines.emplace_back(l); }));
  NodeInfo node{"model.p.m", "model", "view", "m.sql", "`m`"};
  log.Emit(NodeFinished(1, 1, "OK created sql view model m", "success", "OK", 0.5, node));
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].back(), '\n');
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(lines[0]);
  EXPECT_EQ(std::string_view(doc["info"]["name"].get_string()), "LogNodeResult");
  EXPECT_EQ(std::string_view(doc["info"]["code"].get_string()), "Q012");
  EXPECT_EQ(std::string_view(doc["info"]["level"].get_string()), "info");
  EXPECT_EQ(std::string_view(doc["info"]["invocation_id"].get_string()), "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(std::string_view(doc["info"]["thread"].get_string()), "MainThread");
  EXPECT_EQ(int64_t(doc["info"]["pid"].get_int64()), static_cast<int64_t>(getpid()));
  EXPECT_TRUE(doc["info"]["ts"].is_string());
  EXPECT_TRUE(doc["info"]["extra"].is_object());
  EXPECT_EQ(std::string_view(doc["data"]["status"].get_string()), "success");
  EXPECT_EQ(double(doc["data"]["execution_time"].get_double()), 0.5);
  EXPECT_EQ(std::string_view(doc["data"]["node_info"]["unique_id"].get_string()), "model.p.m");
}

TEST(EventsTest, LevelsFilterTheConsole) {
  std::vector<std::string> lines;
  EventLogger log("id", nullptr);
  log.AddSink(MakeConsoleSink(LogFormat::kText, EventLevel::kWarn, [&](std::string_view l) { lines.emplace_back(l); }));
  log.Emit(Debug("d"));
  log.Emit(Info("i"));
  log.Emit(Warning("w"));
  log.Emit(Error("e"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("w"), std::string::npos);
  std::vector<std::string> none;
  EventLogger quiet("id", nullptr);
  quiet.AddSink(MakeConsoleSink(LogFormat::kText, EventLevel::kNone, [&](std::string_view l) { none.emplace_back(l); }));
  quiet.Emit(Error("e"));
  EXPECT_TRUE(none.empty());
}

TEST(EventsTest, SecretsAreRedactedInEverySink) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("flinkdbt_events_test_" + std::to_string(getpid()));
  fs::remove_all(dir);
  SecretScrubber secrets;
  secrets.Add("TOPSECRET-KEY");
  EventLogger log("id", &secrets);
  std::string console, callback;
  log.AddSink(MakeConsoleSink(LogFormat::kText, EventLevel::kDebug, [&](std::string_view l) { console += l; }));
  log.AddSink(MakeCallbackSink([&](std::string_view l) { callback += l; }));
  log.AddSink(MakeFileSink((dir / "logs" / "flinkdbt.log").string(), LogFormat::kText, nullptr));
  log.Emit(Debug("auth with TOPSECRET-KEY"));
  log.Emit(Error("failed: TOPSECRET-KEY", SourceLocation{"profiles.yml", 3, 5}));
  std::ifstream in(dir / "logs" / "flinkdbt.log");
  std::stringstream file;
  file << in.rdbuf();
  for (const std::string& text : {console, callback, file.str()}) {
    EXPECT_EQ(text.find("TOPSECRET"), std::string::npos) << text;
    EXPECT_NE(text.find("*****"), std::string::npos) << text;
  }
  EXPECT_NE(file.str().find("[debug] [MainThread]: auth with *****"), std::string::npos) << file.str();
  EXPECT_NE(callback.find("\"file\":\"profiles.yml\""), std::string::npos);
  fs::remove_all(dir);
}

TEST(EventsTest, FileSinkAppendsAcrossInvocations) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("flinkdbt_events_append_" + std::to_string(getpid()));
  fs::remove_all(dir);
  std::string path = (dir / "flinkdbt.log").string();
  for (const char* id : {"first", "second"}) {
    EventLogger log(id, nullptr);
    log.AddSink(MakeFileSink(path, LogFormat::kJson, nullptr));
    log.Emit(Info(id));
  }
  std::ifstream in(path);
  std::string line;
  int n = 0;
  simdjson::dom::parser parser;
  while (std::getline(in, line)) {
    simdjson::dom::element doc = parser.parse(line);
    EXPECT_TRUE(doc["info"].is_object());
    ++n;
  }
  EXPECT_EQ(n, 2);
  fs::remove_all(dir);
}

TEST(EventsTest, WorkerThreadsAreNamed) {
  std::vector<std::string> threads;
  EventLogger log("id", nullptr);
  log.AddSink(MakeCallbackSink([&](std::string_view json) {
    simdjson::dom::parser p;
    threads.emplace_back(std::string_view(p.parse(std::string(json))["info"]["thread"].get_string()));
  }));
  log.Emit(Info("main"));
  std::thread t([&] { log.Emit(Info("worker")); });
  t.join();
  ASSERT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads[0], "MainThread");
  EXPECT_EQ(threads[1], "Thread-1 (worker)");
}

TEST(EventsTest, ParsesNames) {
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("default"), LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("xml").has_value());
  EXPECT_EQ(ParseEventLevel("warn"), EventLevel::kWarn);
  EXPECT_FALSE(ParseEventLevel("loud").has_value());
}

}  // namespace
}  // namespace flinkdbt::run
