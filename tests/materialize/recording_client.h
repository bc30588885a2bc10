// Test doubles of the materialize tests: an inspector returning a configured relation, and a
// StatementClient that records what it is sent (every statement succeeds; DDL and bounded
// INSERT ... VALUES complete, streaming queries keep running).
#ifndef FLINKDBT_TESTS_MATERIALIZE_RECORDING_CLIENT_H_
#define FLINKDBT_TESTS_MATERIALIZE_RECORDING_CLIENT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/materialize/materialization.h"
#include "fmt/format.h"

namespace flinkdbt::materialize {

using client::ExecutionMode;

class FakeInspector : public RelationInspector {
 public:
  absl::StatusOr<std::optional<RelationInfo>> Describe(std::string_view, std::string_view,
                                                       std::string_view) override {
    ++describes;
    return existing;
  }
  std::optional<RelationInfo> existing;
  int describes = 0;
};

class RecordingClient : public client::StatementClient {
 public:
  explicit RecordingClient(FakeInspector& inspector) : inspector_(inspector) {}

  absl::StatusOr<client::Statement> Submit(const client::SubmitRequest& r) override {
    std::string name = absl::StartsWith(ToAbsl(r.name), "dbt-") && r.name.size() == 40 ? "<adhoc>" : r.name;
    log.push_back(fmt::format("SUBMIT {} [{}] {}", name, client::ExecutionModeName(r.mode), r.sql));
    client::Statement s;
    s.name = r.name;
    s.sql = r.sql;
    s.labels = r.labels;
    s.properties = r.properties;
    bool ddl = r.mode == ExecutionMode::kStreamingDdl || r.mode == ExecutionMode::kSnapshotDdl;
    s.phase = ddl || absl::StrContains(ToAbsl(r.sql), "\nVALUES\n") ? client::Phase::kCompleted
                                                                    : client::Phase::kRunning;
    if (absl::StartsWith(ToAbsl(r.sql), "DROP")) inspector_.existing.reset();
    statements[r.name] = s;
    submitted_properties[r.name] = r.properties;
    return s;
  }
  absl::StatusOr<client::Statement> Get(std::string_view name) override {
    auto it = statements.find(std::string(name));
    if (it == statements.end()) return absl::NotFoundError("statement not found");
    return it->second;
  }
  absl::StatusOr<client::Statement> WaitUntilReady(std::string_view name, ExecutionMode,
                                                   absl::Duration) override {
    return Get(name);
  }
  absl::StatusOr<client::ResultPage> FetchResults(const client::Statement&, std::string_view) override {
    return client::ResultPage{};
  }
  absl::StatusOr<client::StatementListPage> List(const client::ListRequest&) override {
    return client::StatementListPage{};
  }
  absl::Status Delete(std::string_view name) override {
    std::string n(name);
    if (n.size() == 40 && absl::StartsWith(ToAbsl(n), "dbt-")) n = "<adhoc>";
    if (statements.erase(std::string(name)) > 0 || n != "<adhoc>") log.push_back("DELETE " + n);
    return absl::OkStatus();
  }
  absl::Status Stop(std::string_view) override { return absl::OkStatus(); }
  absl::Status Resume(std::string_view, std::string_view) override { return absl::OkStatus(); }
  absl::StatusOr<std::vector<client::StatementException>> Exceptions(std::string_view) override {
    return std::vector<client::StatementException>{};
  }

  std::vector<std::string> log;
  std::map<std::string, client::Statement> statements;
  std::map<std::string, std::map<std::string, std::string>> submitted_properties;

 private:
  FakeInspector& inspector_;
};

}  // namespace flinkdbt::materialize

#endif  // FLINKDBT_TESTS_MATERIALIZE_RECORDING_CLIENT_H_
