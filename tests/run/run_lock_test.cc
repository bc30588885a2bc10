// The run lock on the `local` target's statement registry (a folder shared by processes, as the
// environment is shared on Confluent Cloud): a second run is refused while one holds the lock, a
// crashed run's lock on this host is taken over, the lock is released at the end; and the CLI path:
// `flinkdbt build` exits 2 naming the holder while another run holds it. Also hooks' SQL handling.
#include "run/run_lock.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "flinkdbt/client/local.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/run/invocation.h"
#include "run/hooks.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;

class RunLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(FLINKDBT_BINARY_DIR) / "run_lock_test" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // A client of the local environment in `folder`; the first one creates the engine's catalog there.
  std::unique_ptr<client::StatementClient> Open(const fs::path& folder) {
    client::LocalClientOptions o;
    o.folder = folder.string();
    bool fresh = !fs::exists(folder);
    auto c = client::OpenLocalStatementClient(o);
    EXPECT_TRUE(c.ok()) << c.status();
    if (fresh) {
      client::SubmitRequest init;
      init.name = "dbt-init";
      init.sql = "CREATE TABLE init_marker (x INT)";
      init.mode = client::ExecutionMode::kStreamingDdl;
      EXPECT_TRUE(client::ExecuteStatement(**c, init).ok());
    }
    return std::move(*c);
  }
  static RunLockHolder Holder(std::string id, std::string host, long pid) {
    return RunLockHolder{std::move(id), std::move(host), pid, "build", "2026-11-28T10:00:00Z"};
  }
  fs::path dir_;
};

TEST_F(RunLockTest, SqlRoundTrips) {
  RunLockHolder h = Holder("inv-1", "host-a", 42);
  std::optional<RunLockHolder> back = ParseRunLockSql(RunLockSql(h));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->invocation_id, "inv-1");
  EXPECT_EQ(back->host, "host-a");
  EXPECT_EQ(back->pid, 42);
  EXPECT_EQ(back->command, "build");
  EXPECT_FALSE(ParseRunLockSql("SELECT 1").has_value());
  EXPECT_EQ(*RunLockName("dbt-", "my_flink_project"),
            *client::SanitizeStatementName("dbt-my_flink_project-run-lock"));
}

// Leaves the lock statement of `holder` in the environment, as a run in progress (or a crashed one)
// does. The local engine folder admits one process at a time, so the client is closed again.
void Hold(std::unique_ptr<client::StatementClient> c, const RunLockHolder& holder, std::string_view project) {
  client::SubmitRequest left;
  left.name = *RunLockName("dbt-", project);
  left.sql = RunLockSql(holder);
  left.mode = client::ExecutionMode::kSnapshot;
  ASSERT_TRUE(c->Submit(left).ok());
}

TEST_F(RunLockTest, SecondRunIsRefusedUntilTheLockIsReleased) {
  Hold(Open(dir_ / "target"), Holder("inv-a", "other-host", 1), "proj");
  auto b = Open(dir_ / "target");
  absl::StatusOr<std::unique_ptr<RunLock>> second =
      RunLock::Acquire(*b, "dbt-", "proj", Holder("inv-b", ThisHost(), ThisPid()));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  std::string message(second.status().message());
  std::string name = *RunLockName("dbt-", "proj");
  EXPECT_NE(message.find("another flinkdbt run of project 'proj' is in progress"), std::string::npos)
      << message;
  EXPECT_NE(message.find("invocation inv-a"), std::string::npos) << message;
  EXPECT_NE(message.find("on host other-host"), std::string::npos) << message;
  EXPECT_NE(message.find("delete the lock statement '" + name + "'"), std::string::npos) << message;
  // Another project is not affected.
  EXPECT_TRUE(RunLock::Acquire(*b, "dbt-", "other_proj", Holder("inv-d", ThisHost(), ThisPid())).ok());
  // Released (here: deleted by the user, as the message says): the next run takes it, and gives it
  // back when it ends.
  ASSERT_TRUE(b->Delete(name).ok());
  {
    absl::StatusOr<std::unique_ptr<RunLock>> third =
        RunLock::Acquire(*b, "dbt-", "proj", Holder("inv-c", ThisHost(), ThisPid()));
    ASSERT_TRUE(third.ok()) << third.status();
    EXPECT_TRUE(b->Get(name).ok());
  }
  EXPECT_EQ(b->Get(name).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RunLockTest, ACrashedRunOfThisHostIsTakenOver) {
  // pid 0x7ffffff0 does not exist: the run that took the lock is gone.
  Hold(Open(dir_ / "target"), Holder("inv-dead", ThisHost(), 0x7ffffff0), "proj");
  auto b = Open(dir_ / "target");
  absl::StatusOr<std::unique_ptr<RunLock>> next =
      RunLock::Acquire(*b, "dbt-", "proj", Holder("inv-next", ThisHost(), ThisPid()));
  EXPECT_TRUE(next.ok()) << next.status();
}

TEST_F(RunLockTest, CliBuildIsRefusedWithExit2WhileAnotherRunHoldsTheLock) {
  fs::path project = dir_ / "project";
  fs::create_directories(project / "models");
  std::ofstream(project / "dbt_project.yml")
      << "name: lockproj\nversion: '1.0'\nconfig-version: 2\nprofile: lockproj\n";
  std::ofstream(project / "profiles.yml")
      << "lockproj:\n  target: local\n  outputs:\n    local:\n      type: local\n";
  std::ofstream(project / "models" / "m.sql") << "select 1 as x\n";
  std::string out;
  InvocationIo io;
  io.out = [&](std::string_view s) { out += s; };
  io.err = [&](std::string_view s) { out += s; };
  io.cwd = project.string();
  ASSERT_EQ(Invoke({"run", "--profiles-dir", "."}, io).exit_code, 0) << out;
  // The local target keeps its statements in <target-path>/local: the environment runs share.
  fs::path env = project / "target" / "local";
  Hold(Open(env), Holder("inv-other", "build-server-7", 4242), "lockproj");
  out.clear();
  InvocationResult r = Invoke({"build", "--profiles-dir", "."}, io);
  EXPECT_EQ(r.exit_code, 2) << out;
  EXPECT_NE(out.find("another flinkdbt run of project 'lockproj' is in progress"), std::string::npos) << out;
  EXPECT_NE(out.find("build-server-7"), std::string::npos) << out;
  ASSERT_TRUE(Open(env)->Delete(*RunLockName("dbt-", "lockproj")).ok());
  out.clear();
  r = Invoke({"build", "--profiles-dir", "."}, io);
  EXPECT_EQ(r.exit_code, 0) << out;
  // Released after the run.
  EXPECT_EQ(Open(env)->Get(*RunLockName("dbt-", "lockproj")).status().code(), absl::StatusCode::kNotFound);
}

TEST(HooksTest, HookSqlsAcceptStringsMappingsAndLists) {
  project::Value list = project::Value::MakeList();
  list.Push(project::Value::String("select 1"));
  project::Value m = project::Value::MakeMap();
  m.Set("sql", project::Value::String("select 2"));
  m.Set("transaction", project::Value::Bool(true));
  list.Push(m);
  EXPECT_EQ(HookSqls(list), (std::vector<std::string>{"select 1", "select 2"}));
  EXPECT_EQ(HookSqls(project::Value::String("x")), (std::vector<std::string>{"x"}));
  EXPECT_EQ(ProjectHookId("p", "on-run-end", 1), "operation.p.p-on-run-end-1");
}

TEST(HooksTest, ExecutesDdlAndBoundedStatementsToCompletion) {
  client::LocalClientOptions o;
  auto c = client::OpenLocalStatementClient(o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*ExecuteHook(**c, "  \n ", "dbt-"), "");
  ASSERT_TRUE(ExecuteHook(**c, "CREATE TABLE audit (e STRING);", "dbt-").ok());
  ASSERT_TRUE(ExecuteHook(**c, "INSERT INTO audit VALUES ('x')", "dbt-").ok());
  client::SubmitRequest q;
  q.name = "dbt-count";
  q.sql = "SELECT COUNT(*) AS n FROM audit";
  q.mode = client::ExecutionMode::kSnapshot;
  absl::StatusOr<client::QueryResult> n = client::ExecuteStatement(**c, q);
  ASSERT_TRUE(n.ok()) << n.status();
  ASSERT_EQ(n->rows.size(), 1u);
  EXPECT_EQ(n->rows[0][0].int_value, 1);
  absl::StatusOr<std::string> bad = ExecuteHook(**c, "INSERT INTO no_such_table VALUES (1)", "dbt-");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("hook failed"), std::string::npos);
}

}  // namespace
}  // namespace flinkdbt::run
