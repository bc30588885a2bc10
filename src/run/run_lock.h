// The run lock: one executing command (run, test, build, seed, retry) per project and environment.
// Deterministic statement names would make two concurrent runs delete and recreate each other's
// statements, so a run first submits a lock statement named `<prefix><project>-run-lock`: a bounded
// query whose SQL names the holder (invocation id, host, pid, command, start time). Statement names
// are unique per environment on Confluent Cloud (and on the emulator and the local target), so a
// second run's submit is refused, and the second run reads the holder back and stops with exit 2.
// The lock is deleted when the run ends (after failures and Ctrl-C too). A lock left by a crashed run
// on the same host (its pid no longer alive) is taken over; one from another host must be deleted
// by the user (the message names the statement).
#ifndef FLINKDBT_SRC_RUN_RUN_LOCK_H_
#define FLINKDBT_SRC_RUN_RUN_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "flinkdbt/client/statement_client.h"

namespace flinkdbt::run {

struct RunLockHolder {
  std::string invocation_id;
  std::string host;
  long pid = 0;
  std::string command;
  std::string started_at;
};

// The lock statement's name for a project.
absl::StatusOr<std::string> RunLockName(std::string_view statement_name_prefix, std::string_view project);
// The lock statement's SQL for `holder`, and the holder read back from it (nullopt: not a lock).
std::string RunLockSql(const RunLockHolder& holder);
std::optional<RunLockHolder> ParseRunLockSql(std::string_view sql);

class RunLock {
 public:
  // Takes the lock or returns kFailedPrecondition naming the run that holds it.
  static absl::StatusOr<std::unique_ptr<RunLock>> Acquire(client::StatementClient& client,
                                                          std::string_view statement_name_prefix,
                                                          std::string_view project, const RunLockHolder& me);
  ~RunLock();  // releases
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  const std::string& name() const { return name_; }

 private:
  RunLock(client::StatementClient& client, std::string name) : client_(client), name_(std::move(name)) {}
  client::StatementClient& client_;
  std::string name_;
};

// This host's name and this process's id, for a holder.
std::string ThisHost();
long ThisPid();

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_RUN_LOCK_H_
