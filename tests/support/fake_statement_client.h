// FakeStatementClient: a test double of the statement client for tests of the layers above it. It
// records every call, completes DDL at once, keeps streaming queries RUNNING, and answers queries from
// scripts matched by a substring of their SQL (rows and schema, or a failure). Not thread-safe.
#ifndef FLINKDBT_TESTS_SUPPORT_FAKE_STATEMENT_CLIENT_H_
#define FLINKDBT_TESTS_SUPPORT_FAKE_STATEMENT_CLIENT_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "flinkdbt/client/statement_client.h"
#include "fmt/format.h"

namespace flinkdbt::testsupport {

struct Script {
  std::string sql_contains;
  std::vector<client::Column> schema;
  std::vector<std::vector<client::Value>> rows;
  std::string fail;  // non-empty: the statement FAILS with this detail
};

class FakeStatementClient : public client::StatementClient {
 public:
  absl::StatusOr<client::Statement> Submit(const client::SubmitRequest& r) override {
    log.push_back(fmt::format("SUBMIT [{}] {}", client::ExecutionModeName(r.mode), r.sql));
    if (on_submit) on_submit(r);
    client::Statement s;
    s.name = r.name;
    s.sql = r.sql;
    s.labels = r.labels;
    s.properties = r.properties;
    bool ddl = r.mode == client::ExecutionMode::kStreamingDdl || r.mode == client::ExecutionMode::kSnapshotDdl;
    bool snapshot = client::IsSnapshotMode(r.mode);
    s.phase = ddl || snapshot ? client::Phase::kCompleted : client::Phase::kRunning;
    if (r.sql.rfind("INSERT", 0) == 0 && complete_inserts) s.phase = client::Phase::kCompleted;
    for (const Script& script : scripts) {
      if (r.sql.find(script.sql_contains) == std::string::npos) continue;
      if (!script.fail.empty()) {
        s.phase = client::Phase::kFailed;
        s.detail = script.fail;
      }
      client::StatementTraits traits;
      traits.schema = script.schema;
      traits.is_bounded = true;
      traits.is_append_only = true;
      s.traits = traits;
      results[r.name] = script.rows;
      break;
    }
    statements[r.name] = s;
    return s;
  }
  absl::StatusOr<client::Statement> Get(std::string_view name) override {
    auto it = statements.find(std::string(name));
    if (it == statements.end()) return absl::NotFoundError("statement not found");
    return it->second;
  }
  absl::StatusOr<client::Statement> WaitUntilReady(std::string_view name, client::ExecutionMode,
                                                   absl::Duration) override {
    absl::StatusOr<client::Statement> s = Get(name);
    if (s.ok() && s->phase == client::Phase::kFailed) {
      return absl::FailedPreconditionError(fmt::format("statement {} FAILED: {}", name, s->detail));
    }
    return s;
  }
  absl::StatusOr<client::ResultPage> FetchResults(const client::Statement& statement, std::string_view) override {
    client::ResultPage page;
    for (auto& values : results[statement.name]) page.rows.push_back({client::RowOp::kInsert, values});
    return page;
  }
  absl::StatusOr<client::StatementListPage> List(const client::ListRequest&) override {
    return client::StatementListPage{};
  }
  absl::Status Delete(std::string_view name) override {
    statements.erase(std::string(name));
    deletes.emplace_back(name);
    return absl::OkStatus();
  }
  absl::Status Stop(std::string_view) override { return absl::OkStatus(); }
  absl::Status Resume(std::string_view, std::string_view) override { return absl::OkStatus(); }
  absl::StatusOr<std::vector<client::StatementException>> Exceptions(std::string_view) override {
    return std::vector<client::StatementException>{};
  }

  std::vector<Script> scripts;
  std::vector<std::string> log;  // "SUBMIT [mode] sql"
  std::vector<std::string> deletes;
  std::map<std::string, client::Statement> statements;
  std::map<std::string, std::vector<std::vector<client::Value>>> results;
  std::function<void(const client::SubmitRequest&)> on_submit;
  bool complete_inserts = false;
};

inline client::Column Col(std::string name, std::string_view type) {
  return client::Column{std::move(name), client::DataType::Of(type)};
}

}  // namespace flinkdbt::testsupport

#endif  // FLINKDBT_TESTS_SUPPORT_FAKE_STATEMENT_CLIENT_H_
