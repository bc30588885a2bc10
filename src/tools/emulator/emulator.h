// Emulator: a local HTTP server speaking Confluent Cloud's sql/v1 statements API on 127.0.0.1, so
// the REST client is tested end to end and users can rehearse a cloud deployment offline. It is a
// test double of a service we cannot reach, and says so in its responses' Server header.
//
// Endpoints (paths under /sql/v1/organizations/{org}/environments/{env}): POST/GET /statements,
// GET/PUT/PATCH/DELETE /statements/{name}, GET /statements/{name}/results and /exceptions. Basic
// auth is checked on every call; every response carries X-Request-Id. Phases advance with time:
// PENDING -> RUNNING -> COMPLETED (bounded) / RUNNING (unbounded) / COMPLETED (DDL), FAILED with
// detail and an exception, STOPPING -> STOPPED, STOPPED -> PENDING -> RUNNING on resume,
// DELETING -> gone (404). Results are paged with opaque tokens; `next` is "" after the last page of
// a bounded result.
//
// Faults can be injected (per operation, for the next N matching requests): an HTTP status with or
// without Retry-After, a dropped connection (before or after the request took effect), a slow
// response, results-not-ready 409; plus compute-pool exhaustion and chosen statements failing.
//
// Thread-safe: the server answers from a pool of threads; the control methods may be called from
// any thread while it runs.
#ifndef FLINKDBT_TOOLS_EMULATOR_EMULATOR_H_
#define FLINKDBT_TOOLS_EMULATOR_EMULATOR_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/emulator/executor.h"

namespace httplib {
class Server;
}

namespace flinkdbt::emulator {

struct EmulatorOptions {
  int port = 0;  // 0: any free port
  std::string organization_id = "00000000-0000-4000-8000-000000000000";
  std::string environment_id = "env-emulator";
  std::string api_key = "emulator-key";
  std::string api_secret = "emulator-secret";
  absl::Duration latency = absl::ZeroDuration();  // added to every response
  absl::Duration pending_time = absl::Milliseconds(200);
  absl::Duration running_time = absl::Milliseconds(200);  // bounded statements: RUNNING -> COMPLETED
  absl::Duration stopping_time = absl::Milliseconds(100);
  absl::Duration deleting_time = absl::Milliseconds(100);
  int results_page_size = 100;
  int server_threads = 16;
  // How long an idle keep-alive connection is held open (also bounds how long Stop() may wait).
  int keep_alive_seconds = 2;
};

// Which operation a fault applies to.
enum class Operation { kAny, kCreate, kList, kGet, kPut, kPatch, kDelete, kResults, kExceptions };
std::string_view OperationName(Operation op);
std::optional<Operation> OperationFromName(std::string_view name);

struct Fault {
  Operation operation = Operation::kAny;
  int count = 1;   // how many matching requests it affects
  int status = 0;  // answer with this status instead (429, 500, 502, 503, 409, ...)
  std::optional<int> retry_after_seconds;
  bool drop_before = false;  // close the connection without handling the request
  bool drop_after = false;   // handle the request (it takes effect), then drop the connection
  absl::Duration delay = absl::ZeroDuration();  // handle the request, then wait this long to answer
};

// Parses a --fault switch: "<op>:<action>[:<count>]" with action one of 429, 429+retry-after=N, 500,
// 502, 503, 409 (on results: not ready), drop, drop-after, slow=<ms>. Example: "create:503:2".
absl::StatusOr<Fault> ParseFault(std::string_view spec);

struct EmulatorStats {
  std::map<Operation, int> requests;     // every request that reached routing, per operation
  std::map<std::string, int> creations;  // statements actually created, per name
  int faults_injected = 0;
};

class Emulator {
 public:
  Emulator(EmulatorOptions options, std::shared_ptr<StatementExecutor> executor);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Binds 127.0.0.1 and serves on a background thread.
  absl::Status Start();
  // Serves on the calling thread until Stop() (for the executable).
  absl::Status Run();
  void Stop();
  int port() const;
  std::string endpoint() const;  // http://127.0.0.1:<port>

  void AddFault(const Fault& fault);
  void ClearFaults();
  // The next `count` created statements stay PENDING with scaling_state POOL_EXHAUSTED.
  void ExhaustPool(int count);
  // Statements whose name contains `name_part` fail with `message` (in addition to the executor's
  // failures).
  void FailStatementsNamed(std::string name_part, std::string message);

  EmulatorStats stats() const;
  void ResetStats();

  // Every response, for schema validation: operation, HTTP status, body.
  using ResponseObserver = std::function<void(Operation, int status, const std::string& body)>;
  void set_observer(ResponseObserver observer);

  // The swappable backing: replaces the executor for statements created from now on.
  void set_executor(std::shared_ptr<StatementExecutor> executor);

 private:
  struct State;
  void Install();

  EmulatorOptions options_;
  std::unique_ptr<State> state_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace flinkdbt::emulator

#endif  // FLINKDBT_TOOLS_EMULATOR_EMULATOR_H_
