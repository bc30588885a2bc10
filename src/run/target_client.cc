#include "run/target_client.h"

#include <filesystem>

#include "flinkdbt/client/local.h"
#include "fmt/format.h"

namespace flinkdbt::run {

client::ConfluentConnectionOptions ConfluentOptions(const project::Target& t) {
  client::ConfluentConnectionOptions o;
  o.organization_id = t.organization_id;
  o.environment_id = t.database;
  o.cloud_provider = t.cloud_provider;
  o.cloud_region = t.cloud_region;
  o.endpoint = t.endpoint;
  o.flink_api_key = t.flink_api_key;
  o.flink_api_secret = t.flink_api_secret;
  o.global_api_key = t.global_api_key;
  o.global_api_secret = t.global_api_secret;
  o.compute_pool_id = t.compute_pool_id;
  o.catalog = t.database;
  o.database = t.schema;
  o.statement_label = t.statement_label;
  if (t.poll_interval > 0) o.poll_backoff.initial = absl::Seconds(t.poll_interval);
  if (t.poll_max_interval > 0) o.poll_backoff.max = absl::Seconds(t.poll_max_interval);
  if (o.poll_backoff.max < o.poll_backoff.initial) o.poll_backoff.max = o.poll_backoff.initial;
  return o;
}

absl::StatusOr<std::unique_ptr<client::StatementClient>> OpenTargetClient(
    const project::LoadedProject& project) {
  namespace fs = std::filesystem;
  if (!project.target.has_value()) {
    return absl::FailedPreconditionError(
        "no target: the profile of this project could not be found or has no outputs");
  }
  const project::Target& t = *project.target;
  if (t.type == "confluent") return client::MakeConfluentClient(ConfluentOptions(t));
  if (t.type != "local") {
    return absl::InvalidArgumentError(
        fmt::format("target '{}' has type '{}': flinkdbt knows confluent and local", t.name, t.type));
  }
  client::LocalClientOptions o;
  fs::path folder = t.path.empty() ? fs::path(project.target_path) / "local" : fs::path(t.path);
  if (folder.is_relative()) folder = fs::path(project.root.config.root_dir) / folder;
  std::error_code ec;
  fs::create_directories(folder, ec);
  o.folder = folder.lexically_normal().string();
  o.catalog = t.database.empty() ? "default_catalog" : t.database;
  o.database = t.schema.empty() ? "default_database" : t.schema;
  return client::OpenLocalStatementClient(o);
}

}  // namespace flinkdbt::run
