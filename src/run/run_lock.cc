#include "run/run_lock.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/materialize/materialization.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::run {
namespace {

// Only characters that need no escaping in a string literal, so the SQL reads back exactly.
std::string Clean(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '\'' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

bool ProcessAlive(long pid) {
  if (pid <= 0) return true;  // unknown: assume alive
  if (kill(static_cast<pid_t>(pid), 0) == 0) return true;
  return errno == EPERM;
}

std::string Describe(const RunLockHolder& h) {
  return fmt::format("invocation {} ({} started at {} on host {}, pid {})", h.invocation_id,
                     h.command.empty() ? "a run" : "`flinkdbt " + h.command + "`", h.started_at, h.host,
                     h.pid);
}

}  // namespace

absl::StatusOr<std::string> RunLockName(std::string_view prefix, std::string_view project) {
  return client::SanitizeStatementName(fmt::format("{}{}-run-lock", prefix, project));
}

std::string RunLockSql(const RunLockHolder& h) {
  return fmt::format(
      "SELECT 'flinkdbt-run-lock' AS lock_kind, '{}' AS invocation_id, '{}' AS host, {} AS pid, '{}' AS "
      "command, "
      "'{}' AS started_at",
      Clean(h.invocation_id), Clean(h.host), h.pid, Clean(h.command), Clean(h.started_at));
}

std::optional<RunLockHolder> ParseRunLockSql(std::string_view sql) {
  static const RE2 kLock(
      R"(SELECT 'flinkdbt-run-lock' AS lock_kind, '([^']*)' AS invocation_id, '([^']*)' AS host, (-?[0-9]+) AS pid, '([^']*)' AS command, '([^']*)' AS started_at)");
  RunLockHolder h;
  std::string pid;
  if (!RE2::FullMatch(std::string(sql), kLock, &h.invocation_id, &h.host, &pid, &h.command, &h.started_at)) {
    return std::nullopt;
  }
  h.pid = std::stol(pid);
  return h;
}

absl::StatusOr<std::unique_ptr<RunLock>> RunLock::Acquire(client::StatementClient& client,
                                                          std::string_view prefix, std::string_view project,
                                                          const RunLockHolder& me) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string name, RunLockName(prefix, project));
  client::SubmitRequest request;
  request.name = name;
  request.sql = RunLockSql(me);
  request.mode = client::ExecutionMode::kSnapshot;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<client::Statement> submitted = client.Submit(request);
    if (submitted.ok()) return std::unique_ptr<RunLock>(new RunLock(client, name));
    if (submitted.status().code() != absl::StatusCode::kAlreadyExists) {
      return absl::Status(submitted.status().code(),
                          fmt::format("could not take the run lock (statement {}): {}", name,
                                      ToStd(submitted.status().message())));
    }
    absl::StatusOr<client::Statement> held = client.Get(name);
    if (!held.ok()) {
      if (held.status().code() == absl::StatusCode::kNotFound) continue;  // released meanwhile
      return held.status();
    }
    std::optional<RunLockHolder> holder = ParseRunLockSql(held->sql);
    if (holder.has_value() && holder->host == me.host && !ProcessAlive(holder->pid) && attempt == 0) {
      // A crashed run of this host left it: take it over.
      FLINKDBT_RETURN_IF_ERROR(client.Delete(name));
      continue;
    }
    return absl::FailedPreconditionError(fmt::format(
        "another flinkdbt run of project '{}' is in progress on this environment: {}. Two runs at once would "
        "replace each other's statements, so this one stops here. Wait for it to finish; if no run is "
        "active (it was killed), delete the lock statement '{}' and try again",
        project, holder.has_value() ? Describe(*holder) : "statement '" + name + "' holds the lock", name));
  }
  return absl::FailedPreconditionError(fmt::format("could not take the run lock (statement {})", name));
}

RunLock::~RunLock() { (void)client_.Delete(name_); }

std::string ThisHost() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

long ThisPid() { return static_cast<long>(getpid()); }

}  // namespace flinkdbt::run
