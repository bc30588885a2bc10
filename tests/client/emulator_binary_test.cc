// The flinkdbt-emulator executable: flags, the announced endpoint, a connection check against it,
// a fault switch from the command line, and a clean exit on SIGTERM.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "flinkdbt/client/confluent.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"
#include "tools/emulator/emulator.h"

extern char** environ;

namespace flinkdbt::client {
namespace {

using ::testing::HasSubstr;

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Child Spawn(std::vector<std::string> args) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Child c;
  EXPECT_EQ(posix_spawn(&c.pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  c.out = fdopen(fds[0], "r");
  return c;
}

int Stop(Child& c) {
  kill(c.pid, SIGTERM);
  int status = 0;
  waitpid(c.pid, &status, 0);
  fclose(c.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(EmulatorBinary, ServesAConnectionCheckAndStopsOnSigterm) {
  Child c = Spawn({FLINKDBT_BINARY_DIR "/bin/flinkdbt-emulator", "--port", "0", "--organization", "org-x",
                   "--environment", "env-x", "--api-key", "k", "--api-secret", "s", "--pending-ms", "5",
                   "--running-ms", "5", "--deleting-ms", "5", "--fault", "get:503:1"});
  ASSERT_GT(c.pid, 0);
  char line[512] = {0};
  ASSERT_NE(fgets(line, sizeof(line), c.out), nullptr);
  std::string endpoint;
  ASSERT_TRUE(re2::RE2::PartialMatch(line, R"((http://127\.0\.0\.1:\d+))", &endpoint)) << line;
  EXPECT_THAT(std::string(line), HasSubstr("a test double, not Confluent Cloud"));

  ConfluentConnectionOptions o;
  o.organization_id = "org-x";
  o.environment_id = "env-x";
  o.endpoint = endpoint;
  o.flink_api_key = "k";
  o.flink_api_secret = "s";
  o.retry_backoff = {absl::Milliseconds(1), 2, absl::Milliseconds(4), 0};
  o.poll_backoff = {absl::Milliseconds(2), 1.5, absl::Milliseconds(8), 0};
  ConnectionReport report = CheckConnection(o, absl::Seconds(10));
  EXPECT_TRUE(report.ok()) << report.Summary();  // the injected 503 on GET was retried
  o.flink_api_secret = "wrong";
  EXPECT_EQ(CheckConnection(o, absl::Seconds(10)).outcome, ConnectionReport::Outcome::kUnauthenticated);
  EXPECT_EQ(Stop(c), 0);
}

TEST(EmulatorBinary, RejectsABadFaultSwitch) {
  Child c = Spawn({FLINKDBT_BINARY_DIR "/bin/flinkdbt-emulator", "--fault", "teleport:418"});
  int status = 0;
  waitpid(c.pid, &status, 0);
  fclose(c.out);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST(FaultSpec, Parses) {
  auto f = emulator::ParseFault("create:429+retry-after=3:2");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->operation, emulator::Operation::kCreate);
  EXPECT_EQ(f->status, 429);
  EXPECT_EQ(f->retry_after_seconds, 3);
  EXPECT_EQ(f->count, 2);
  EXPECT_TRUE(emulator::ParseFault("results:drop-after")->drop_after);
  EXPECT_EQ(emulator::ParseFault("any:slow=250")->delay, absl::Milliseconds(250));
  EXPECT_FALSE(emulator::ParseFault("get").ok());
  EXPECT_FALSE(emulator::ParseFault("get:200").ok());
  EXPECT_FALSE(emulator::ParseFault("get:503:0").ok());
}

}  // namespace
}  // namespace flinkdbt::client
