// Events: the typed progress and log records every command emits (command started, node started and
// finished with status and timing, warnings, errors, the run summary), and the EventLogger that
// renders them to every sink — the console as dbt-style text lines or as one JSON object per line
// (dbt's `{"info": {...}, "data": {...}}` shape), the project's `logs/flinkdbt.log`, and callbacks
// (the C ABI's event callback). Every sink receives the text after the invocation's SecretScrubber
// has redacted it. EventLogger is thread-safe: worker threads emit concurrently.
#ifndef FLINKDBT_RUN_EVENTS_H_
#define FLINKDBT_RUN_EVENTS_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <map>
#include <thread>
#include <vector>

#include "flinkdbt/base/secrets.h"
#include "flinkdbt/base/status.h"

namespace flinkdbt::run {

enum class EventLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kNone = 4 };
enum class LogFormat { kText, kJson, kDebug };

std::string_view EventLevelName(EventLevel level);  // "debug", "info", "warn", "error"
std::optional<EventLevel> ParseEventLevel(std::string_view name);
std::optional<LogFormat> ParseLogFormat(std::string_view name);  // text|default|json|debug

struct Event {
  std::string name;       // dbt's event name, e.g. "LogStartLine"
  std::string code;       // dbt's event code, e.g. "Q011"
  EventLevel level = EventLevel::kInfo;
  std::string msg;        // the human-readable line
  std::string data_json;  // a JSON object with the event's structured fields
  std::chrono::system_clock::time_point ts = std::chrono::system_clock::now();
  // Set by the EventLogger when it emits the event.
  std::string invocation_id;
  std::string thread;
};

// What a node event says about its node (dbt's `node_info`).
struct NodeInfo {
  std::string unique_id;       // model.my_flink_project.stg_orders
  std::string resource_type;   // model, test, seed, unit_test
  std::string materialized;    // view, streaming_table, ...
  std::string node_path;       // staging/stg_orders.sql
  std::string relation_name;   // `env`.`db`.`stg_orders`
};

// The counts of a finished run, printed as "Done. PASS=4 WARN=0 ERROR=1 SKIP=0 TOTAL=5".
struct RunCounts {
  int pass = 0;
  int warn = 0;
  int error = 0;
  int skip = 0;
  int total() const { return pass + warn + error + skip; }
};

// --- Typed events --------------------------------------------------------------------------------
Event CommandStarted(std::string_view command, std::string_view version);
// "1 of 5 START sql view model my_cluster.stg_orders ........ [RUN]"
Event NodeStarted(int index, int total, std::string_view description, const NodeInfo& node);
// "1 of 5 OK created sql view model my_cluster.stg_orders ... [OK in 0.21s]". `status` is dbt's
// result status (success, error, skipped, pass, fail, warn); `label` is what the brackets show.
Event NodeFinished(int index, int total, std::string_view description, std::string_view status,
                   std::string_view label, std::optional<double> seconds, const NodeInfo& node);
Event Warning(std::string_view message, std::optional<SourceLocation> location = {});
Event Error(std::string_view message, std::optional<SourceLocation> location = {});
Event Info(std::string_view message);
Event Debug(std::string_view message);
// "Finished running 3 view models, 1 test in 0 hours 0 minutes and 1.23 seconds (1.23s)."
Event FinishedRunning(std::string_view what, double seconds);
Event RunSummary(const RunCounts& counts);

// dbt's fancy line: "<index> of <total> <msg> " padded with dots to 80 columns, then " [<label>]".
std::string FormatProgressLine(std::optional<int> index, std::optional<int> total, std::string_view msg,
                               std::string_view label, std::optional<double> seconds);

// Renders one event as a console line in `format` ("HH:MM:SS  msg" for text; the JSON object for
// json; "HH:MM:SS.ffffff [level] [thread]: msg" for debug).
std::string RenderEvent(const Event& event, LogFormat format);

// A destination for rendered events.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Called with the lock of the EventLogger held: sinks need no locking of their own.
  virtual void Write(const Event& event) = 0;
};

// Writes events at or above `min_level` through `write` (one call per line, newline included).
std::unique_ptr<EventSink> MakeConsoleSink(LogFormat format, EventLevel min_level,
                                           std::function<void(std::string_view)> write);
// Appends every event (debug level and up) to `path`, creating its folder; JSON lines when `format` is
// json, else debug-format text lines. Errors opening the file disable the sink silently after one
// warning on `warn` (a log file must never fail a command).
std::unique_ptr<EventSink> MakeFileSink(std::string path, LogFormat format,
                                        std::function<void(std::string_view)> warn);
// Calls `callback` with each event as a JSON object (the C ABI's event callback).
std::unique_ptr<EventSink> MakeCallbackSink(std::function<void(std::string_view json)> callback);

class EventLogger {
 public:
  // `scrubber` must outlive the logger; may be null (nothing to redact).
  EventLogger(std::string invocation_id, const SecretScrubber* scrubber);

  void AddSink(std::unique_ptr<EventSink> sink);
  void Emit(Event event);
  const std::string& invocation_id() const { return invocation_id_; }

 private:
  std::mutex mu_;
  std::string invocation_id_;
  const SecretScrubber* scrubber_;
  std::vector<std::unique_ptr<EventSink>> sinks_;
  std::map<std::thread::id, std::string> thread_names_;
};

}  // namespace flinkdbt::run

#endif  // FLINKDBT_RUN_EVENTS_H_
