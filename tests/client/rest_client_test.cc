// The Confluent REST client driven over real HTTP on loopback: against flinkdbt-emulator for every
// happy path, error class, retry and fault, and against raw httplib servers for what the emulator
// never sends (malformed bodies, redirects, pool-scoped 403).
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "flinkdbt/client/confluent.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/version.h"
#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/emulator/emulator.h"

namespace flinkdbt::client {
namespace {

using emulator::Emulator;
using emulator::EmulatorOptions;
using emulator::ExecutionResult;
using emulator::Fault;
using emulator::Operation;
using emulator::ScriptedExecutor;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "TESTKEY7Q2WZ";
constexpr char kSecret[] = "s3cr3t+Value/ForTests==";

ExecutionResult Rows(int n, bool bounded = true) {
  ExecutionResult r;
  r.is_bounded = bounded;
  r.schema = {{"id", DataType::Of("BIGINT", false)}, {"label", DataType::Of("VARCHAR")}};
  for (int i = 0; i < n; ++i) {
    r.rows.push_back({RowOp::kInsert, {Value::Int(i), Value::String("row-" + std::to_string(i))}});
  }
  return r;
}

class RestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    executor_ = std::make_shared<ScriptedExecutor>();
    executor_->Script("select * from big", Rows(1234));
    executor_->Script("select * from small", Rows(3));
    executor_->Script("select * from stream", Rows(5, /*bounded=*/false));
    ExecutionResult ddl;
    ddl.sql_kind = "CREATE_TABLE";
    executor_->Script("create table t (id int)", ddl);
    ExecutionResult insert = Rows(0, false);
    insert.sql_kind = "INSERT_INTO";
    insert.schema.clear();
    executor_->Script("insert into t select * from s", insert);
    executor_->ScriptFailure("select * from missing", "Table 'missing' not found");
    EmulatorOptions eo;
    eo.api_key = kKey;
    eo.api_secret = kSecret;
    eo.pending_time = absl::Milliseconds(20);
    eo.running_time = absl::Milliseconds(20);
    eo.stopping_time = absl::Milliseconds(20);
    eo.deleting_time = absl::Milliseconds(20);
    emu_ = std::make_unique<Emulator>(eo, executor_);
    ASSERT_TRUE(emu_->Start().ok());
    options_ = Options();
    auto c = MakeConfluentClient(options_);
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = std::move(*c);
  }
  void TearDown() override {
    client_.reset();  // closes its keep-alive connections first
    emu_->Stop();
  }

  ConfluentConnectionOptions Options() {
    ConfluentConnectionOptions o;
    o.organization_id = "00000000-0000-4000-8000-000000000000";
    o.environment_id = "env-emulator";
    o.endpoint = emu_->endpoint() + "/";
    o.flink_api_key = kKey;
    o.flink_api_secret = kSecret;
    o.database = "cluster_0";
    o.request_timeout = absl::Seconds(5);
    o.retry_backoff = {absl::Milliseconds(1), 2.0, absl::Milliseconds(8), 0.25};
    o.poll_backoff = {absl::Milliseconds(2), 1.5, absl::Milliseconds(10), 0.25};
    o.results_not_ready_interval = absl::Milliseconds(5);
    o.log = [this](LogLevel, std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += std::string(line) + "\n";
    };
    return o;
  }

  SubmitRequest Request(std::string name, std::string sql) {
    SubmitRequest r;
    r.name = std::move(name);
    r.sql = std::move(sql);
    return r;
  }

  int Requests(Operation op) {
    auto s = emu_->stats();
    return s.requests.count(op) ? s.requests.at(op) : 0;
  }
  int Creations(const std::string& name) {
    auto s = emu_->stats();
    return s.creations.count(name) ? s.creations.at(name) : 0;
  }
  ExecuteOptions FastExecute() {
    ExecuteOptions e;
    e.timeout = absl::Seconds(10);
    e.pool_exhausted_step = absl::Milliseconds(1);
    e.fetch.poll_interval = absl::Milliseconds(2);
    e.fetch.max_wait = absl::Milliseconds(300);
    return e;
  }

  std::shared_ptr<ScriptedExecutor> executor_;
  std::unique_ptr<Emulator> emu_;
  ConfluentConnectionOptions options_;
  std::unique_ptr<StatementClient> client_;
  std::mutex log_mu_;
  std::string log_;
};

// ---- happy paths ----

TEST_F(RestClientTest, SubmitWaitFetchDelete) {
  SubmitRequest req = Request("dbt-proj-small", "select * from small");
  req.properties = {{"sql.state-ttl", "1 h"}};
  req.labels = {{"team", "data"}};
  auto s = client_->Submit(req);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->phase, Phase::kPending);
  EXPECT_EQ(s->labels.at("user.confluent.io/dbt-confluent"), "true");
  EXPECT_EQ(s->labels.at("team"), "data");
  EXPECT_EQ(s->properties.at("sql.current-catalog"), "env-emulator");
  EXPECT_EQ(s->properties.at("sql.current-database"), "cluster_0");
  EXPECT_EQ(s->properties.at("sql.state-ttl"), "1 h");
  EXPECT_EQ(s->properties.count("sql.snapshot.mode"), 0u);

  auto ready = client_->WaitUntilReady(req.name, ExecutionMode::kStreamingQuery, absl::Seconds(5));
  ASSERT_TRUE(ready.ok()) << ready.status();
  // Bounded append-only: ready at RUNNING (or later, if a poll missed the short RUNNING window).
  EXPECT_THAT(ready->phase, ::testing::AnyOf(Phase::kRunning, Phase::kCompleted));
  ASSERT_TRUE(ready->traits);
  ASSERT_EQ(ready->traits->schema.size(), 2u);
  auto rows = FetchAllResults(*client_, *ready);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].values[0].int_value, 2);
  EXPECT_EQ((*rows)[2].values[1].text, "row-2");

  auto done = client_->WaitUntilReady(req.name, ExecutionMode::kSnapshot, absl::Seconds(5));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->phase, Phase::kCompleted);
  ASSERT_TRUE(client_->Delete(req.name).ok());
  auto deleting = client_->Get(req.name);
  if (deleting.ok()) {
    EXPECT_EQ(deleting->phase, Phase::kDeleting);
  }
  absl::SleepFor(absl::Milliseconds(40));
  EXPECT_TRUE(absl::IsNotFound(client_->Get(req.name).status()));
  EXPECT_TRUE(client_->Delete(req.name).ok()) << "delete is idempotent";
  EXPECT_EQ(Creations(req.name), 1);
}

TEST_F(RestClientTest, ExecuteStatementSnapshotModeAndDdl) {
  SubmitRequest req = Request("dbt-proj-snap", "select * from small");
  req.mode = ExecutionMode::kSnapshot;
  auto r = ExecuteStatement(*client_, req, FastExecute());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->statement.properties.at("sql.snapshot.mode"), "now");
  EXPECT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->schema[1].name, "label");

  SubmitRequest ddl = Request("dbt-proj-t-ddl", "CREATE TABLE t (id INT)");
  ddl.mode = ExecutionMode::kStreamingDdl;
  auto d = ExecuteStatement(*client_, ddl, FastExecute());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->statement.phase, Phase::kCompleted);
  EXPECT_TRUE(d->rows.empty());

  // A streaming INSERT is ready at RUNNING and keeps running (not reaped).
  SubmitRequest ins = Request("dbt-proj-t", "insert into t select * from s");
  auto i = ExecuteStatement(*client_, ins, FastExecute());
  ASSERT_TRUE(i.ok()) << i.status();
  EXPECT_EQ(i->statement.phase, Phase::kRunning);
  EXPECT_TRUE(client_->Get("dbt-proj-t").ok());
}

TEST_F(RestClientTest, ResultsOverManyPages) {
  auto r = ExecuteStatement(*client_, Request("dbt-big", "select * from big"), FastExecute());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows.size(), 1234u);
  for (int i = 0; i < 1234; ++i) ASSERT_EQ(r->rows[static_cast<size_t>(i)][0].int_value, i);
  EXPECT_GE(Requests(Operation::kResults), 13);  // 100 rows a page
}

TEST_F(RestClientTest, ChangelogIsCompactedByUpsertColumns) {
  ExecutionResult x;
  x.is_append_only = false;
  x.upsert_columns = {0};
  x.schema = {{"k", DataType::Of("VARCHAR", false)}, {"cnt", DataType::Of("BIGINT")}};
  x.rows = {{RowOp::kInsert, {Value::String("a"), Value::Int(1)}},
            {RowOp::kUpdateBefore, {Value::String("a"), Value::Int(1)}},
            {RowOp::kUpdateAfter, {Value::String("a"), Value::Int(2)}},
            {RowOp::kInsert, {Value::String("b"), Value::Int(1)}},
            {RowOp::kDelete, {Value::String("b"), Value::Int(1)}}};
  executor_->Script("select k, count(*) from t group by k", x);
  auto r =
      ExecuteStatement(*client_, Request("dbt-agg", "select k, count(*) from t group by k"), FastExecute());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][1].int_value, 2);
}

TEST_F(RestClientTest, UnboundedResultsStopAtMaxRows) {
  auto s = client_->Submit(Request("dbt-stream", "select * from stream"));
  ASSERT_TRUE(s.ok());
  auto ready = client_->WaitUntilReady("dbt-stream", ExecutionMode::kStreamingQuery, absl::Seconds(5));
  ASSERT_TRUE(ready.ok()) << ready.status();
  EXPECT_FALSE(ready->traits->is_bounded);
  FetchOptions fo;
  fo.max_rows = 4;
  auto rows = FetchAllResults(*client_, *ready, fo);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 4u);
  fo.max_rows = -1;
  fo.max_wait = absl::Milliseconds(50);
  fo.poll_interval = absl::Milliseconds(5);
  rows = FetchAllResults(*client_, *ready, fo);  // next never ends: time-boxed
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 5u);
}

TEST_F(RestClientTest, StopAndResumeWithConflictRetry) {
  ASSERT_TRUE(client_->Submit(Request("dbt-stream", "select * from stream")).ok());
  ASSERT_TRUE(client_->WaitUntilReady("dbt-stream", ExecutionMode::kStreamingQuery, absl::Seconds(5)).ok());
  emu_->AddFault(Fault{Operation::kPut, 1, 409});
  ASSERT_TRUE(client_->Stop("dbt-stream").ok());
  EXPECT_EQ(Requests(Operation::kPut), 2);
  auto s = client_->Get("dbt-stream");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->stopped);
  EXPECT_EQ(s->phase, Phase::kStopping);
  auto stopped = client_->WaitUntilReady("dbt-stream", ExecutionMode::kSnapshot, absl::Seconds(5));
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->phase, Phase::kStopped);
  ASSERT_TRUE(client_->Resume("dbt-stream", "lfcp-2").ok());
  auto resumed = client_->WaitUntilReady("dbt-stream", ExecutionMode::kStreamingQuery, absl::Seconds(5));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->phase, Phase::kRunning);
  EXPECT_EQ(resumed->compute_pool_id, "lfcp-2");
}

TEST_F(RestClientTest, ListPagesFiltersByLabelAndPool) {
  for (int i = 0; i < 23; ++i) {
    SubmitRequest r = Request(fmt::format("dbt-list-{}", i), "select * from small");
    r.compute_pool_id = i % 2 ? "lfcp-odd" : "lfcp-even";
    r.hidden = i < 3;
    ASSERT_TRUE(client_->Submit(r).ok());
  }
  ConfluentConnectionOptions other = options_;
  other.statement_label = "someone-else";
  auto other_client = MakeConfluentClient(other);
  ASSERT_TRUE(other_client.ok());
  ASSERT_TRUE((*other_client)->Submit(Request("not-ours", "select * from small")).ok());

  std::vector<std::string> names;
  ListRequest lr;
  lr.page_size = 10;
  lr.label_selector = LabelSelectorFor("dbt-confluent");
  int pages = 0;
  do {
    auto page = client_->List(lr);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Statement& s : page->statements) names.push_back(s.name);
    lr.page_token = page->next_token;
    ++pages;
  } while (!lr.page_token.empty() && pages < 10);
  EXPECT_EQ(names.size(), 23u);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(names, Not(::testing::Contains("not-ours")));

  ListRequest pool;
  pool.compute_pool_id = "lfcp-odd";
  auto odd = client_->List(pool);
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->statements.size(), 11u);
  ListRequest visible;
  visible.label_selector = "user.confluent.io/hidden!=true";
  auto v = client_->List(visible);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->statements.size(), 21u);  // 20 of ours + not-ours
}

// ---- error classes ----

TEST_F(RestClientTest, FailedStatementReportsDetailAndException) {
  ASSERT_TRUE(client_->Submit(Request("dbt-bad", "select * from missing")).ok());
  auto w = client_->WaitUntilReady("dbt-bad", ExecutionMode::kStreamingQuery, absl::Seconds(5));
  ASSERT_TRUE(absl::IsFailedPrecondition(w.status())) << w.status();
  EXPECT_THAT(std::string(w.status().message()),
              HasSubstr("Statement 'dbt-bad' failed: Table 'missing' not found"));
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("ValidationException"));
  auto ex = client_->Exceptions("dbt-bad");
  ASSERT_TRUE(ex.ok());
  ASSERT_EQ(ex->size(), 1u);
  EXPECT_EQ((*ex)[0].message, "Table 'missing' not found");

  emu_->FailStatementsNamed("doomed", "Job crashed: out of memory");
  auto r = ExecuteStatement(*client_, Request("dbt-doomed", "select * from small"), FastExecute());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("Job crashed: out of memory"));
}

TEST_F(RestClientTest, NameClashWithOtherSqlIsAClearErrorSameSqlIsAdopted) {
  ASSERT_TRUE(client_->Submit(Request("dbt-clash", "select * from small")).ok());
  auto again = client_->Submit(Request("dbt-clash", "select * from small"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Creations("dbt-clash"), 1);
  auto other = client_->Submit(Request("dbt-clash", "select * from big"));
  EXPECT_TRUE(absl::IsAlreadyExists(other.status())) << other.status();
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("running different SQL"));
}

TEST_F(RestClientTest, BadInputIsRejectedBeforeAnyRequest) {
  EXPECT_TRUE(absl::IsInvalidArgument(client_->Submit(Request("Bad_Name", "select 1")).status()));
  SubmitRequest r = Request("dbt-x", "select 1");
  r.properties = {{"sql.current-catalog", "other"}};
  auto s = client_->Submit(r);
  EXPECT_TRUE(absl::IsInvalidArgument(s.status()));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("reserved system property"));
  EXPECT_EQ(Requests(Operation::kCreate), 0);
}

TEST_F(RestClientTest, UnauthenticatedCarriesWwwAuthenticate) {
  ConfluentConnectionOptions o = options_;
  o.flink_api_secret = "wrong";
  auto c = MakeConfluentClient(o);
  ASSERT_TRUE(c.ok());
  auto s = (*c)->Get("anything");
  EXPECT_TRUE(absl::IsUnauthenticated(s.status())) << s.status();
  EXPECT_EQ(HttpStatusOf(s.status()), 401);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("error=\"invalid_key\""));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("X-Request-Id: emu-"));
}

TEST_F(RestClientTest, NotFoundAndBadConfig) {
  EXPECT_TRUE(absl::IsNotFound(client_->Get("nope").status()));
  EXPECT_TRUE(absl::IsNotFound(client_->Exceptions("nope").status()));
  ConfluentConnectionOptions o = options_;
  o.flink_api_secret.clear();
  EXPECT_THAT(std::string(MakeConfluentClient(o).status().message()), HasSubstr("complete API key pair"));
  o = options_;
  o.endpoint.clear();
  EXPECT_FALSE(MakeConfluentClient(o).ok());
}

TEST_F(RestClientTest, PoolExhaustionDeletesAndRetriesLikeTheAdapter) {
  emu_->ExhaustPool(1);
  ASSERT_TRUE(client_->Submit(Request("dbt-pool", "select * from small")).ok());
  auto w = client_->WaitUntilReady("dbt-pool", ExecutionMode::kStreamingQuery, absl::Seconds(5));
  EXPECT_TRUE(IsPoolExhausted(w.status())) << w.status();
  EXPECT_TRUE(absl::IsResourceExhausted(w.status()));
  EXPECT_EQ(Requests(Operation::kDelete), 1);

  emu_->ExhaustPool(2);
  auto r = ExecuteStatement(*client_, Request("dbt-pool2", "select * from small"), FastExecute());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(Creations("dbt-pool2"), 3);  // two exhausted attempts, deleted, then a third that ran
}

// ---- retries and faults ----

TEST_F(RestClientTest, RetriesTransientStatusesWithCounts) {
  ASSERT_TRUE(client_->Submit(Request("dbt-r", "select * from small")).ok());
  for (int status : {500, 502, 503, 429}) {
    emu_->ResetStats();
    emu_->AddFault(Fault{Operation::kGet, 2, status});
    auto s = client_->Get("dbt-r");
    EXPECT_TRUE(s.ok()) << status << ": " << s.status();
    EXPECT_EQ(Requests(Operation::kGet), 3) << status;
  }
  emu_->ResetStats();
  emu_->AddFault(Fault{Operation::kGet, 1, 501});
  auto s501 = client_->Get("dbt-r");
  EXPECT_FALSE(s501.ok());
  EXPECT_EQ(HttpStatusOf(s501.status()), 501);
  EXPECT_EQ(Requests(Operation::kGet), 1) << "501 is not retried";

  emu_->ResetStats();
  emu_->AddFault(Fault{Operation::kGet, 100, 503});
  auto s = client_->Get("dbt-r");
  EXPECT_TRUE(absl::IsUnavailable(s.status())) << s.status();
  EXPECT_EQ(Requests(Operation::kGet), options_.max_retries + 1);
  emu_->ClearFaults();
}

TEST_F(RestClientTest, HonoursRetryAfter) {
  ASSERT_TRUE(client_->Submit(Request("dbt-ra", "select * from small")).ok());
  Fault f{Operation::kGet, 1, 429};
  f.retry_after_seconds = 1;
  emu_->AddFault(f);
  const absl::Time start = absl::Now();
  ASSERT_TRUE(client_->Get("dbt-ra").ok());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(950));
  emu_->AddFault(Fault{Operation::kGet, 1, 429});  // without Retry-After: the (tiny) backoff
  const absl::Time start2 = absl::Now();
  ASSERT_TRUE(client_->Get("dbt-ra").ok());
  EXPECT_LT(absl::Now() - start2, absl::Milliseconds(900));
}

TEST_F(RestClientTest, DroppedConnectionsAreRetriedForIdempotentCalls) {
  ASSERT_TRUE(client_->Submit(Request("dbt-drop", "select * from small")).ok());
  emu_->ResetStats();
  Fault f{Operation::kGet, 2};
  f.drop_before = true;
  emu_->AddFault(f);
  auto s = client_->Get("dbt-drop");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Requests(Operation::kGet), 3);
}

TEST_F(RestClientTest, PostWhoseResponseWasLostIsNeverDuplicated) {
  // The POST takes effect, then the connection drops: the client GETs by name and adopts.
  Fault f{Operation::kCreate, 1};
  f.drop_after = true;
  emu_->AddFault(f);
  auto s = client_->Submit(Request("dbt-lost", "select * from small"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Creations("dbt-lost"), 1);
  EXPECT_EQ(Requests(Operation::kCreate), 1);
  EXPECT_GE(Requests(Operation::kGet), 1);

  // A 503 before the POST took effect: GET finds nothing, so the client posts again, once.
  emu_->AddFault(Fault{Operation::kCreate, 1, 503});
  emu_->ResetStats();
  s = client_->Submit(Request("dbt-503", "select * from small"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Creations("dbt-503"), 1);
  EXPECT_EQ(Requests(Operation::kCreate), 2);

  // A 429 on POST is retried directly.
  emu_->AddFault(Fault{Operation::kCreate, 1, 429});
  emu_->ResetStats();
  ASSERT_TRUE(client_->Submit(Request("dbt-429", "select * from small")).ok());
  EXPECT_EQ(Creations("dbt-429"), 1);
  EXPECT_EQ(Requests(Operation::kCreate), 2);
}

TEST_F(RestClientTest, PostThatTimedOutIsLookedUpBeforeRepost) {
  ConfluentConnectionOptions o = options_;
  o.request_timeout = absl::Milliseconds(300);
  auto c = MakeConfluentClient(o);
  ASSERT_TRUE(c.ok());
  Fault slow{Operation::kCreate, 1};
  slow.delay = absl::Milliseconds(800);
  emu_->AddFault(slow);
  auto s = (*c)->Submit(Request("dbt-slow", "select * from small"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Creations("dbt-slow"), 1);
  EXPECT_EQ(Requests(Operation::kCreate), 1);
  EXPECT_THAT(log_, HasSubstr("timed out"));
}

TEST_F(RestClientTest, ResultsNotReadyIsRetriedBriefly) {
  auto s = client_->Submit(Request("dbt-nr", "select * from small"));
  ASSERT_TRUE(s.ok());
  // Straight after submit the statement is PENDING: the emulator answers 409 not ready until it runs.
  auto page = client_->FetchResults(*s, "");
  ASSERT_TRUE(page.ok()) << page.status();
  emu_->ResetStats();
  emu_->AddFault(Fault{Operation::kResults, 3, 409});
  auto ready = client_->Get("dbt-nr");
  ASSERT_TRUE(ready.ok());
  page = client_->FetchResults(*ready, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Requests(Operation::kResults), 4);
}

TEST_F(RestClientTest, HundredStatementsFromEightThreads) {
  std::atomic<int> ok{0};
  std::vector<std::string> errors;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 100; i += 8) {
        auto r = ExecuteStatement(*client_, Request(fmt::format("dbt-par-{}", i), "select * from small"),
                                  FastExecute());
        if (r.ok() && r->rows.size() == 3) {
          ++ok;
        } else {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(r.ok() ? "wrong rows" : std::string(r.status().message()));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 100) << (errors.empty() ? "" : errors[0]);
  auto stats = emu_->stats();
  EXPECT_EQ(stats.creations.size(), 100u);
  for (const auto& [name, n] : stats.creations) EXPECT_EQ(n, 1) << name;
}

TEST_F(RestClientTest, DebugLogsAndErrorsNeverContainSecrets) {
  SubmitRequest r = Request("dbt-secret", "select * from small");
  r.properties = {{"sql.secrets.openai", "sk-VERYSECRETTOKEN"}};
  ASSERT_TRUE(ExecuteStatement(*client_, r, FastExecute()).ok());
  ConfluentConnectionOptions bad = options_;
  bad.flink_api_secret = "another-secret-value";
  auto c = MakeConfluentClient(bad);
  ASSERT_TRUE(c.ok());
  absl::Status s = (*c)->Get("x").status();
  std::string all = log_ + std::string(s.message());
  EXPECT_THAT(all, HasSubstr("POST "));
  EXPECT_THAT(all, HasSubstr("-> 401"));
  for (std::string secret :
       {std::string(kKey), std::string(kSecret), std::string("another-secret-value"),
        std::string("sk-VERYSECRETTOKEN"), absl::Base64Escape(std::string(kKey) + ":" + kSecret)}) {
    EXPECT_THAT(all, Not(HasSubstr(secret))) << secret;
  }
}

TEST_F(RestClientTest, ConnectionCheck) {
  ConnectionReport ok = CheckConnection(options_, absl::Seconds(5));
  EXPECT_TRUE(ok.ok()) << ok.Summary();
  EXPECT_EQ(ok.Summary(), "All checks passed!");

  ConfluentConnectionOptions o = options_;
  o.flink_api_secret = "wrong";
  ConnectionReport unauth = CheckConnection(o, absl::Seconds(5));
  EXPECT_EQ(unauth.outcome, ConnectionReport::Outcome::kUnauthenticated) << unauth.Summary();
  EXPECT_THAT(unauth.www_authenticate, HasSubstr("invalid_key"));
  EXPECT_THAT(unauth.Summary(), HasSubstr("401"));

  o = options_;
  o.endpoint = "http://flinkdbt-no-such-host.invalid";
  EXPECT_EQ(CheckConnection(o, absl::Seconds(5)).outcome, ConnectionReport::Outcome::kDns);

  o = options_;
  o.endpoint = "http://127.0.0.1:1";
  EXPECT_EQ(CheckConnection(o, absl::Seconds(5)).outcome, ConnectionReport::Outcome::kConnect);

  o = options_;
  o.endpoint = "https://127.0.0.1:" + std::to_string(emu_->port());  // TLS against a plain HTTP server
  ConnectionReport tls = CheckConnection(o, absl::Seconds(5));
  EXPECT_EQ(tls.outcome, ConnectionReport::Outcome::kTls) << tls.Summary();

  emu_->FailStatementsNamed("dbt-", "SELECT 1 is not allowed here");
  ConnectionReport failed = CheckConnection(options_, absl::Seconds(5));
  EXPECT_EQ(failed.outcome, ConnectionReport::Outcome::kStatementFailed) << failed.Summary();
  EXPECT_THAT(failed.Summary(), HasSubstr("SELECT 1 is not allowed here"));

  o = options_;
  o.organization_id.clear();
  EXPECT_EQ(CheckConnection(o).outcome, ConnectionReport::Outcome::kBadConfig);
}

TEST(BaseUrl, PublicPrivateAndEndpointForms) {
  ConfluentConnectionOptions o;
  o.organization_id = "org-1";
  o.environment_id = "env-2";
  o.cloud_provider = "AWS";
  o.cloud_region = "us-east-1";
  EXPECT_EQ(*StatementsBaseUrl(o),
            "https://flink.us-east-1.aws.confluent.cloud/sql/v1/organizations/org-1/environments/env-2");
  o.use_private_endpoint = true;
  EXPECT_EQ(
      *StatementsBaseUrl(o),
      "https://flink.us-east-1.aws.private.confluent.cloud/sql/v1/organizations/org-1/environments/env-2");
  o.endpoint = "https://flink.pr1jy6.us-east-2.aws.confluent.cloud//";
  EXPECT_EQ(
      *StatementsBaseUrl(o),
      "https://flink.pr1jy6.us-east-2.aws.confluent.cloud/sql/v1/organizations/org-1/environments/env-2");
  o.endpoint = "ftp://x";
  EXPECT_FALSE(StatementsBaseUrl(o).ok());
  ConfluentConnectionOptions creds;
  creds.flink_api_key = "fk";
  creds.flink_api_secret = "fs";
  EXPECT_EQ(ResolveApiCredentials(creds)->key, "fk");
  creds.global_api_key = "gk";
  creds.global_api_secret = "gs";
  EXPECT_EQ(ResolveApiCredentials(creds)->key, "gk");  // the global pair wins
  EXPECT_TRUE(IsConfluentHost("flink.us-east-1.aws.confluent.cloud"));
  EXPECT_FALSE(IsConfluentHost("confluent.cloud.evil.com"));
  EXPECT_EQ(BackoffOptions{}.Nominal(0), absl::Seconds(1));
  EXPECT_EQ(BackoffOptions{}.Nominal(1), absl::Milliseconds(1500));
  EXPECT_EQ(BackoffOptions{}.Nominal(50), absl::Seconds(30));
}

// ---- raw servers: what the emulator never sends ----

class RawServer {
 public:
  explicit RawServer(std::function<void(const httplib::Request&, httplib::Response&)> handler) {
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    server_.Put(".*", handler);
    server_.Delete(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) absl::SleepFor(absl::Milliseconds(1));
  }
  ~RawServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

ConfluentConnectionOptions RawOptions(const std::string& host, int port) {
  ConfluentConnectionOptions o;
  o.organization_id = "org";
  o.environment_id = "env";
  o.endpoint = fmt::format("http://{}:{}", host, port);
  o.flink_api_key = kKey;
  o.flink_api_secret = kSecret;
  o.max_retries = 1;
  o.retry_backoff = {absl::Milliseconds(1), 2.0, absl::Milliseconds(2), 0};
  o.request_timeout = absl::Seconds(3);
  return o;
}

TEST(MalformedServer, ClearErrorsNeverCrashes) {
  std::string body;
  int status = 200;
  std::string user_agent;
  std::mutex mu;
  RawServer server([&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    user_agent = req.get_header_value("User-Agent");
    res.status = status;
    res.set_content(body, "application/json");
  });
  auto c = MakeConfluentClient(RawOptions("127.0.0.1", server.port()));
  ASSERT_TRUE(c.ok());
  auto set = [&](int s, std::string b) {
    std::lock_guard<std::mutex> lock(mu);
    status = s;
    body = std::move(b);
  };
  struct Case {
    int status;
    std::string body;
    std::string expected;
  };
  std::vector<Case> cases = {
      {200, R"({"name":"x","status":{"phase":"RUNNING")", "not valid JSON"},
      {200, "", "the body is empty"},
      {200, "<html>gateway</html>", "not valid JSON"},
      {200, R"({"name":"x","status":{"phase":["RUNNING"]}})", "'status.phase' should be a string, got array"},
      {200, R"({"name":"x","spec":"select 1"})", "'spec' should be an object, got string"},
      {200, R"({"name":"x","status":{"traits":{"upsert_columns":["a"]}}})", "upsert_columns"},
      {200, R"(["not","an","object"])", "should be an object"},
      {200, R"({"name":7})", "'name' should be a string"},
      {400, "<html>bad</html>", "HTTP 400: <html>bad</html>"},
      {404, R"({"errors":[{"status":"404","title":"Not Found"}]})", "HTTP 404: Not Found"},
  };
  for (const Case& tc : cases) {
    set(tc.status, tc.body);
    auto s = (*c)->Get("x");
    ASSERT_FALSE(s.ok()) << tc.body;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(tc.expected)) << tc.body;
  }
  EXPECT_EQ(user_agent, std::string("flinkdbt/") + FLINKDBT_VERSION_STRING);

  // Result pages with wrong shapes.
  Statement st;
  st.name = "x";
  st.traits = StatementTraits{};
  st.traits->schema = {{"n", DataType::Of("INTEGER")}};
  for (auto [b, expected] : std::vector<std::pair<std::string, std::string>>{
           {R"({"results":{"data":[{"row":[{"a":1}]}]}})", "should be a JSON string, got object"},
           {R"({"results":{"data":[{"row":["1","2"]}]}})", "schema has 1 columns"},
           {R"({"results":{"data":[{"row":["x"]}]}})", "cannot read \"x\" as INTEGER"},
           {R"({"results":{"data":[{"op":"0","row":["1"]}]}})", "should be 0, 1, 2 or 3"},
           {R"({"results":{"data":[{"row":["1"]})", "not valid JSON"},
           {R"({"metadata":{"next":5},"results":{"data":[]}})", "'metadata.next' should be a string"},
       }) {
    set(200, b);
    auto page = (*c)->FetchResults(st, "");
    ASSERT_FALSE(page.ok()) << b;
    EXPECT_TRUE(absl::IsDataLoss(page.status()));
    EXPECT_THAT(std::string(page.status().message()), HasSubstr(expected)) << b;
  }
}

TEST(RawServer, PoolScoped403OnDeleteMeansGoneButInvalidKey403DoesNot) {
  std::string detail = "Forbidden";
  std::mutex mu;
  RawServer server([&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    res.status = 403;
    res.set_content(fmt::format(R"({{"errors":[{{"status":"403","detail":"{}"}}]}})", detail),
                    "application/json");
  });
  auto c = MakeConfluentClient(RawOptions("127.0.0.1", server.port()));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE((*c)->Delete("gone").ok());
  {
    std::lock_guard<std::mutex> lock(mu);
    detail = "The API key is invalid";
  }
  EXPECT_TRUE(absl::IsPermissionDenied((*c)->Delete("gone")));
}

TEST(RawServer, RedirectsKeepCredentialsOnlyForTheSameOrConfluentHosts) {
  std::atomic<int> with_auth{0}, without_auth{0};
  RawServer target([&](const httplib::Request& req, httplib::Response& res) {
    (req.has_header("Authorization") ? with_auth : without_auth)++;
    res.status = 200;
    res.set_content(R"({"name":"x","status":{"phase":"RUNNING"}})", "application/json");
  });
  RawServer origin([&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(fmt::format("http://127.0.0.1:{}/elsewhere", target.port()), 307);
  });
  auto same = MakeConfluentClient(RawOptions("127.0.0.1", origin.port()));
  ASSERT_TRUE(same.ok());
  ASSERT_TRUE((*same)->Get("x").ok());
  EXPECT_EQ(with_auth.load(), 1) << "same host keeps the Authorization header";
  // "localhost" is another host name, and not Confluent's: the header is dropped.
  RawServer origin2([&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect(fmt::format("http://localhost:{}/elsewhere", target.port()), 302);
  });
  auto c2 = MakeConfluentClient(RawOptions("127.0.0.1", origin2.port()));
  ASSERT_TRUE(c2.ok());
  ASSERT_TRUE((*c2)->Get("x").ok());
  EXPECT_EQ(without_auth.load(), 1) << "credentials are not sent to a non-Confluent host";
}

}  // namespace
}  // namespace flinkdbt::client
