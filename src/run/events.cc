#include "flinkdbt/run/events.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/base/json_writer.h"
#include "fmt/format.h"

namespace flinkdbt::run {
namespace {

constexpr size_t kPrinterWidth = 80;  // dbt's ui.printer_width()

std::string NodeInfoJson(const NodeInfo& node) {
  JsonWriter w;
  w.BeginObject()
      .Field("unique_id", node.unique_id)
      .Field("resource_type", node.resource_type)
      .Field("materialized", node.materialized)
      .Field("node_path", node.node_path)
      .Field("relation_name", node.relation_name)
      .EndObject();
  return w.str();
}

Event MakeEvent(std::string name, std::string code, EventLevel level, std::string msg, std::string data) {
  Event e;
  e.name = std::move(name);
  e.code = std::move(code);
  e.level = level;
  e.msg = std::move(msg);
  e.data_json = std::move(data);
  return e;
}

std::string MessageData(std::string_view message, const std::optional<SourceLocation>& location) {
  JsonWriter w;
  w.BeginObject().Field("msg", message);
  if (location.has_value()) {
    w.Key("location").BeginObject().Field("file", location->file).Field("line", location->line)
        .Field("column", location->column).EndObject();
  }
  w.EndObject();
  return w.str();
}

std::tm LocalTime(std::chrono::system_clock::time_point ts) {
  std::time_t t = std::chrono::system_clock::to_time_t(ts);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

int Microseconds(std::chrono::system_clock::time_point ts) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(ts.time_since_epoch()).count();
  return static_cast<int>(us % 1000000);
}

std::string IsoTimestamp(std::chrono::system_clock::time_point ts) {
  std::time_t t = std::chrono::system_clock::to_time_t(ts);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, Microseconds(ts));
}

std::string EventJson(const Event& e) {
  JsonWriter w;
  w.BeginObject();
  w.Key("data").Raw(e.data_json.empty() ? "{}" : e.data_json);
  w.Key("info")
      .BeginObject()
      .Field("name", e.name)
      .Field("code", e.code)
      .Field("msg", e.msg)
      .Field("level", EventLevelName(e.level))
      .Field("invocation_id", e.invocation_id)
      .Field("pid", static_cast<int64_t>(getpid()))
      .Field("thread", e.thread)
      .Field("ts", IsoTimestamp(e.ts))
      .Key("extra").BeginObject().EndObject()
      .EndObject();
  w.EndObject();
  return w.str();
}

class ConsoleSink : public EventSink {
 public:
  ConsoleSink(LogFormat format, EventLevel min_level, std::function<void(std::string_view)> write)
      : format_(format), min_level_(min_level), write_(std::move(write)) {}
  void Write(const Event& event) override {
    if (event.level < min_level_ || min_level_ == EventLevel::kNone) return;
    write_(RenderEvent(event, format_) + "\n");
  }

 private:
  LogFormat format_;
  EventLevel min_level_;
  std::function<void(std::string_view)> write_;
};

class FileSink : public EventSink {
 public:
  FileSink(std::string path, LogFormat format, std::function<void(std::string_view)> warn)
      : path_(std::move(path)), format_(format == LogFormat::kJson ? LogFormat::kJson : LogFormat::kDebug),
        warn_(std::move(warn)) {}
  void Write(const Event& event) override {
    if (failed_) return;
    if (!out_.is_open()) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
      out_.open(path_, std::ios::app);
      if (!out_.is_open()) {
        failed_ = true;
        if (warn_) warn_(fmt::format("warning: cannot write the log file {}; continuing without it\n", path_));
        return;
      }
      if (format_ == LogFormat::kDebug) {
        out_ << "\n\n============================== " << IsoTimestamp(event.ts) << " | " << event.invocation_id
             << " ==============================\n";
      }
    }
    out_ << RenderEvent(event, format_) << '\n';
    out_.flush();
  }

 private:
  std::string path_;
  LogFormat format_;
  std::function<void(std::string_view)> warn_;
  std::ofstream out_;
  bool failed_ = false;
};

class CallbackSink : public EventSink {
 public:
  explicit CallbackSink(std::function<void(std::string_view)> callback) : callback_(std::move(callback)) {}
  void Write(const Event& event) override { callback_(EventJson(event)); }

 private:
  std::function<void(std::string_view)> callback_;
};

}  // namespace

std::string_view EventLevelName(EventLevel level) {
  switch (level) {
    case EventLevel::kDebug: return "debug";
    case EventLevel::kInfo: return "info";
    case EventLevel::kWarn: return "warn";
    case EventLevel::kError: return "error";
    case EventLevel::kNone: return "none";
  }
  return "info";
}

std::optional<EventLevel> ParseEventLevel(std::string_view name) {
  if (name == "debug") return EventLevel::kDebug;
  if (name == "info") return EventLevel::kInfo;
  if (name == "warn") return EventLevel::kWarn;
  if (name == "error") return EventLevel::kError;
  if (name == "none") return EventLevel::kNone;
  return std::nullopt;
}

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text" || name == "default") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  if (name == "debug") return LogFormat::kDebug;
  return std::nullopt;
}

std::string FormatProgressLine(std::optional<int> index, std::optional<int> total, std::string_view msg,
                               std::string_view label, std::optional<double> seconds) {
  std::string prefix;
  if (index.has_value() && total.has_value()) prefix = fmt::format("{} of {} ", *index, *total);
  prefix += fmt::format("{} ", msg);
  if (prefix.size() < kPrinterWidth) prefix.append(kPrinterWidth - prefix.size(), '.');
  std::string status_time = seconds.has_value() ? fmt::format(" in {:.2f}s", *seconds) : "";
  return fmt::format("{} [{}{}]", prefix, label, status_time);
}

std::string RenderEvent(const Event& event, LogFormat format) {
  switch (format) {
    case LogFormat::kJson:
      return EventJson(event);
    case LogFormat::kDebug: {
      std::tm tm = LocalTime(event.ts);
      return fmt::format("{:02d}:{:02d}:{:02d}.{:06d} [{:<5}] [{}]: {}", tm.tm_hour, tm.tm_min, tm.tm_sec,
                         Microseconds(event.ts), EventLevelName(event.level), event.thread, event.msg);
    }
    case LogFormat::kText:
    default: {
      std::tm tm = LocalTime(event.ts);
      return fmt::format("{:02d}:{:02d}:{:02d}  {}", tm.tm_hour, tm.tm_min, tm.tm_sec, event.msg);
    }
  }
}

Event CommandStarted(std::string_view command, std::string_view version) {
  JsonWriter w;
  w.BeginObject().Field("command", command).Field("version", version).EndObject();
  return MakeEvent("MainReportVersion", "A001", EventLevel::kInfo,
                   fmt::format("Running with flinkdbt={}", version), w.str());
}

Event NodeStarted(int index, int total, std::string_view description, const NodeInfo& node) {
  JsonWriter w;
  w.BeginObject().Field("index", index).Field("total", total).Field("description", description)
      .Key("node_info").Raw(NodeInfoJson(node)).EndObject();
  return MakeEvent("LogStartLine", "Q011", EventLevel::kInfo,
                   FormatProgressLine(index, total, fmt::format("START {}", description), "RUN", std::nullopt),
                   w.str());
}

Event NodeFinished(int index, int total, std::string_view description, std::string_view status,
                   std::string_view label, std::optional<double> seconds, const NodeInfo& node) {
  JsonWriter w;
  w.BeginObject().Field("index", index).Field("total", total).Field("description", description)
      .Field("status", status);
  if (seconds.has_value()) w.Field("execution_time", *seconds);
  w.Key("node_info").Raw(NodeInfoJson(node)).EndObject();
  EventLevel level = (status == "error" || status == "fail") ? EventLevel::kError
                     : status == "warn"                      ? EventLevel::kWarn
                                                             : EventLevel::kInfo;
  return MakeEvent("LogNodeResult", "Q012", level, FormatProgressLine(index, total, description, label, seconds),
                   w.str());
}

Event Warning(std::string_view message, std::optional<SourceLocation> location) {
  return MakeEvent("RunResultWarningMessage", "Z047", EventLevel::kWarn, std::string(message),
                   MessageData(message, location));
}

Event Error(std::string_view message, std::optional<SourceLocation> location) {
  return MakeEvent("RunResultError", "Z024", EventLevel::kError, std::string(message),
                   MessageData(message, location));
}

Event Info(std::string_view message) {
  return MakeEvent("Note", "Z050", EventLevel::kInfo, std::string(message), MessageData(message, std::nullopt));
}

Event Debug(std::string_view message) {
  return MakeEvent("Note", "Z050", EventLevel::kDebug, std::string(message), MessageData(message, std::nullopt));
}

Event FinishedRunning(std::string_view what, double seconds) {
  int hours = static_cast<int>(seconds / 3600);
  int minutes = static_cast<int>((seconds - hours * 3600) / 60);
  double rest = seconds - hours * 3600 - minutes * 60;
  JsonWriter w;
  w.BeginObject().Field("stat_line", what).Field("execution_time", seconds).EndObject();
  return MakeEvent("FinishedRunningStats", "Q038", EventLevel::kInfo,
                   fmt::format("Finished running {} in {} hours {} minutes and {:.2f} seconds ({:.2f}s).", what,
                               hours, minutes, rest, seconds),
                   w.str());
}

Event RunSummary(const RunCounts& c) {
  JsonWriter w;
  w.BeginObject()
      .Key("stats").BeginObject()
      .Field("pass", c.pass).Field("warn", c.warn).Field("error", c.error).Field("skip", c.skip)
      .Field("total", c.total())
      .EndObject()
      .EndObject();
  return MakeEvent("StatsLine", "Z023", EventLevel::kInfo,
                   fmt::format("Done. PASS={} WARN={} ERROR={} SKIP={} TOTAL={}", c.pass, c.warn, c.error, c.skip,
                               c.total()),
                   w.str());
}

std::unique_ptr<EventSink> MakeConsoleSink(LogFormat format, EventLevel min_level,
                                           std::function<void(std::string_view)> write) {
  return std::make_unique<ConsoleSink>(format, min_level, std::move(write));
}

std::unique_ptr<EventSink> MakeFileSink(std::string path, LogFormat format,
                                        std::function<void(std::string_view)> warn) {
  return std::make_unique<FileSink>(std::move(path), format, std::move(warn));
}

std::unique_ptr<EventSink> MakeCallbackSink(std::function<void(std::string_view)> callback) {
  return std::make_unique<CallbackSink>(std::move(callback));
}

EventLogger::EventLogger(std::string invocation_id, const SecretScrubber* scrubber)
    : invocation_id_(std::move(invocation_id)), scrubber_(scrubber) {
  thread_names_.emplace(std::this_thread::get_id(), "MainThread");
}

void EventLogger::AddSink(std::unique_ptr<EventSink> sink) {
  std::lock_guard<std::mutex> lock(mu_);
  sinks_.push_back(std::move(sink));
}

void EventLogger::Emit(Event event) {
  if (scrubber_ != nullptr) {
    event.msg = scrubber_->Scrub(event.msg);
    event.data_json = scrubber_->Scrub(event.data_json);
  }
  event.invocation_id = invocation_id_;
  std::lock_guard<std::mutex> lock(mu_);
  // Thread names as dbt prints them: the thread that created the logger is MainThread; workers are
  // numbered in the order they first log.
  std::thread::id self = std::this_thread::get_id();
  auto it = thread_names_.find(self);
  if (it == thread_names_.end()) {
    it = thread_names_.emplace(self, fmt::format("Thread-{} (worker)", thread_names_.size())).first;
  }
  event.thread = it->second;
  for (auto& sink : sinks_) sink->Write(event);
}

}  // namespace flinkdbt::run
