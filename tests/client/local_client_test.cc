// The local backend's folder: changes are written in batches (at most once per flush interval, and
// when the client closes), so a run does not pay an fsync'ed rewrite of the folder per statement, and
// what one client wrote is what the next one (a later command) reads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "flinkdbt/client/local.h"

namespace flinkdbt::client {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class LocalClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flinkdbt_local_client_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static absl::StatusOr<QueryResult> Run(StatementClient& c, std::string name, std::string sql) {
    SubmitRequest r;
    r.name = std::move(name);
    r.sql = std::move(sql);
    r.mode = ExecutionMode::kSnapshot;
    return ExecuteStatement(c, r, {});
  }

  fs::path dir_;
};

TEST_F(LocalClientTest, WritesAreBatchedAndFlushedWhenTheClientCloses) {
  LocalClientOptions o;
  o.folder = dir_.string();
  o.flush_interval_ms = 3600 * 1000;  // nothing is written before the client closes
  {
    auto c = OpenLocalStatementClient(o);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(Run(**c, "t-create", "CREATE TABLE t (id INT, name STRING)").ok());
    ASSERT_TRUE(Run(**c, "t-insert", "INSERT INTO t VALUES (1, 'a'), (2, 'b')").ok());
    // Still open: the engine's state file on disk does not have the table yet.
    EXPECT_EQ(Read(dir_ / "flinkdbt-engine.json").find("\"t\""), std::string::npos);
  }
  EXPECT_NE(Read(dir_ / "flinkdbt-engine.json").find("\"t\""), std::string::npos);
  auto again = OpenLocalStatementClient(o);
  ASSERT_TRUE(again.ok()) << again.status();
  auto rows = Run(**again, "t-count", "SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0].ToString(), "2");
}

TEST_F(LocalClientTest, ZeroIntervalWritesAfterEveryStatement) {
  LocalClientOptions o;
  o.folder = dir_.string();
  o.flush_interval_ms = 0;
  auto c = OpenLocalStatementClient(o);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(Run(**c, "t-create", "CREATE TABLE t (id INT)").ok());
  EXPECT_NE(Read(dir_ / "flinkdbt-engine.json").find("\"t\""), std::string::npos);
}

}  // namespace
}  // namespace flinkdbt::client
