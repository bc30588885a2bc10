#include "run/run_results.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "flinkdbt/base/json_writer.h"
#include "fmt/format.h"

namespace flinkdbt::run {

std::string UtcNowIso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

std::string RunResultsJson(const RunResultsDocument& doc, const SecretScrubber* scrubber) {
  JsonWriter w({.indent = 2});
  w.BeginObject();
  w.Key("metadata")
      .BeginObject()
      .Field("dbt_schema_version", "https://schemas.getdbt.com/dbt/run-results/v6.json")
      .Field("dbt_version", doc.dbt_version)
      .Field("generated_at", doc.generated_at)
      .Field("invocation_id", doc.invocation_id)
      .Field("invocation_started_at", doc.generated_at)
      .Key("env").BeginObject().EndObject()
      .EndObject();
  w.Key("results").BeginArray();
  for (const NodeResult& r : doc.results) {
    w.BeginObject().Field("status", r.status);
    w.Key("timing").BeginArray();
    auto timing = [&](const char* name, const std::string& start, const std::string& end) {
      if (start.empty()) return;
      w.BeginObject().Field("name", name).Field("started_at", start).Field("completed_at", end).EndObject();
    };
    timing("compile", r.compile_started_at, r.compile_completed_at);
    timing("execute", r.execute_started_at, r.execute_completed_at);
    w.EndArray();
    w.Field("thread_id", r.thread_id).Field("execution_time", r.execution_time);
    w.Key("adapter_response").BeginObject();
    if (!r.adapter_message.empty()) w.Field("_message", r.adapter_message).Field("code", r.adapter_message);
    if (r.rows_affected.has_value()) w.Field("rows_affected", *r.rows_affected);
    if (!r.query_id.empty()) w.Field("query_id", r.query_id);
    w.EndObject();
    w.Key("message");
    if (r.message.empty()) {
      w.Null();
    } else {
      w.String(r.message);
    }
    w.Key("failures");
    if (r.failures.has_value()) {
      w.Int(*r.failures);
    } else {
      w.Null();
    }
    w.Field("unique_id", r.unique_id).Field("compiled", r.compiled);
    w.Key("compiled_code");
    if (r.compiled) {
      w.String(r.compiled_code);
    } else {
      w.Null();
    }
    w.Key("relation_name");
    if (r.relation_name.empty()) {
      w.Null();
    } else {
      w.String(r.relation_name);
    }
    w.Key("batch_results").Null();
    w.EndObject();
  }
  w.EndArray();
  w.Field("elapsed_time", doc.elapsed_time);
  w.Key("args").BeginObject();
  for (const auto& [k, v] : doc.args_json) w.Key(k).Raw(v);
  w.EndObject();
  w.EndObject();
  std::string text = w.str();
  return scrubber != nullptr ? scrubber->Scrub(text) : text;
}

absl::Status WriteRunResults(const std::string& path, const RunResultsDocument& doc, const SecretScrubber* scrubber) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string text = RunResultsJson(doc, scrubber);
  std::string tmp = fmt::format("{}.tmp-{}", path, getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(fmt::format("cannot write {}", tmp));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::InternalError(fmt::format("cannot write {}", path));
  }
  return absl::OkStatus();
}

}  // namespace flinkdbt::run
