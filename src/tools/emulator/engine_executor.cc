#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/local.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/engine/engine.h"
#include "tools/emulator/executor.h"

namespace flinkdbt::emulator {

struct EngineExecutor::Impl {
  std::mutex mu;
  engine::Engine engine;
  absl::flat_hash_map<std::string, std::string> failures;
};

EngineExecutor::EngineExecutor() : impl_(std::make_unique<Impl>()) {}
EngineExecutor::~EngineExecutor() = default;

void EngineExecutor::Fail(std::string_view sql, std::string message) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->failures[ScriptedExecutor::Normalize(sql)] = std::move(message);
}

absl::StatusOr<ExecutionResult> EngineExecutor::Execute(std::string_view sql,
                                                        const std::map<std::string, std::string>& properties) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto failure = impl_->failures.find(ScriptedExecutor::Normalize(sql));
  if (failure != impl_->failures.end()) return absl::InvalidArgumentError(failure->second);
  auto get = [&](std::string_view key, const char* fallback) {
    auto it = properties.find(std::string(key));
    return it == properties.end() || it->second.empty() ? std::string(fallback) : it->second;
  };
  client::ExecutionMode mode = client::IsSnapshotMode(client::ExecutionMode::kSnapshot) &&
                                       properties.count(std::string(client::kSnapshotModeProperty))
                                   ? client::ExecutionMode::kSnapshot
                                   : client::ExecutionMode::kStreamingQuery;
  absl::StatusOr<client::EngineOutcome> outcome =
      client::ExecuteOnEngine(&impl_->engine, sql, get(client::kCatalogProperty, "default_catalog"),
                              get(client::kDatabaseProperty, "default_database"), mode);
  if (!outcome.ok()) return outcome.status();
  ExecutionResult result;
  result.sql_kind = outcome->traits.sql_kind;
  result.is_bounded = !outcome->continuous;
  result.is_append_only = outcome->traits.is_append_only;
  result.schema = outcome->traits.schema;
  result.rows = std::move(outcome->rows);
  return result;
}

}  // namespace flinkdbt::emulator
