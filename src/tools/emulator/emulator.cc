#include "tools/emulator/emulator.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/client/wire.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace flinkdbt::emulator {

using client::Phase;

std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kAny:
      return "any";
    case Operation::kCreate:
      return "create";
    case Operation::kList:
      return "list";
    case Operation::kGet:
      return "get";
    case Operation::kPut:
      return "put";
    case Operation::kPatch:
      return "patch";
    case Operation::kDelete:
      return "delete";
    case Operation::kResults:
      return "results";
    case Operation::kExceptions:
      return "exceptions";
  }
  return "?";
}

std::optional<Operation> OperationFromName(std::string_view name) {
  for (Operation op :
       {Operation::kAny, Operation::kCreate, Operation::kList, Operation::kGet, Operation::kPut,
        Operation::kPatch, Operation::kDelete, Operation::kResults, Operation::kExceptions}) {
    if (OperationName(op) == name) return op;
  }
  return std::nullopt;
}

absl::StatusOr<Fault> ParseFault(std::string_view spec) {
  std::vector<std::string> parts = absl::StrSplit(ToAbsl(spec), ':');
  if (parts.size() < 2 || parts.size() > 3) {
    return absl::InvalidArgumentError(fmt::format("fault '{}' is not <operation>:<action>[:<count>]", spec));
  }
  Fault f;
  auto op = OperationFromName(parts[0]);
  if (!op)
    return absl::InvalidArgumentError(fmt::format("fault '{}': unknown operation '{}'", spec, parts[0]));
  f.operation = *op;
  const std::string& action = parts[1];
  int n = 0;
  if (action == "drop") {
    f.drop_before = true;
  } else if (action == "drop-after") {
    f.drop_after = true;
  } else if (absl::StartsWith(action, "slow=") && absl::SimpleAtoi(action.substr(5), &n)) {
    f.delay = absl::Milliseconds(n);
  } else if (absl::StartsWith(action, "429+retry-after=") && absl::SimpleAtoi(action.substr(16), &n)) {
    f.status = 429;
    f.retry_after_seconds = n;
  } else if (absl::SimpleAtoi(action, &n) && n >= 400 && n <= 599) {
    f.status = n;
  } else {
    return absl::InvalidArgumentError(fmt::format("fault '{}': unknown action '{}'", spec, action));
  }
  if (parts.size() == 3 && (!absl::SimpleAtoi(parts[2], &f.count) || f.count < 1)) {
    return absl::InvalidArgumentError(fmt::format("fault '{}': count must be a positive integer", spec));
  }
  return f;
}

namespace {

std::string Rfc3339(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone()); }

struct Record {
  std::string name;
  std::string uid;
  std::string sql;
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> labels;
  std::string compute_pool_id;
  std::string principal = "u-emulator";
  int64_t resource_version = 1;
  absl::Time created;
  absl::Time updated;
  absl::Time since;  // when the current phase began
  Phase phase = Phase::kPending;
  bool stopped = false;
  bool pool_exhausted = false;
  absl::StatusOr<ExecutionResult> result = ExecutionResult{};
  std::string detail;
  std::vector<client::StatementException> exceptions;  // newest first
  uint64_t token_salt = 0;
  absl::Time end_time = absl::InfinitePast();
};

bool IsDdl(const ExecutionResult& r) { return r.schema.empty() && r.is_bounded; }

}  // namespace

struct Emulator::State {
  std::mutex mu;
  std::shared_ptr<StatementExecutor> executor;
  std::map<std::string, Record> statements;
  std::vector<std::string> order;  // creation order, for listing
  std::deque<Fault> faults;
  int exhaust_pool = 0;
  std::vector<std::pair<std::string, std::string>> fail_named;
  EmulatorStats stats;
  ResponseObserver observer;
  std::atomic<uint64_t> request_counter{0};
  std::mt19937_64 rng{std::random_device{}()};
};

Emulator::Emulator(EmulatorOptions options, std::shared_ptr<StatementExecutor> executor)
    : options_(std::move(options)),
      state_(std::make_unique<State>()),
      server_(std::make_unique<httplib::Server>()) {
  state_->executor = std::move(executor);
  Install();
}

Emulator::~Emulator() { Stop(); }

void Emulator::AddFault(const Fault& fault) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->faults.push_back(fault);
}
void Emulator::ClearFaults() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->faults.clear();
}
void Emulator::ExhaustPool(int count) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->exhaust_pool = count;
}
void Emulator::FailStatementsNamed(std::string name_part, std::string message) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->fail_named.emplace_back(std::move(name_part), std::move(message));
}
EmulatorStats Emulator::stats() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->stats;
}
void Emulator::ResetStats() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->stats = EmulatorStats{};
}
void Emulator::set_observer(ResponseObserver observer) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->observer = std::move(observer);
}
void Emulator::set_executor(std::shared_ptr<StatementExecutor> executor) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->executor = std::move(executor);
}
int Emulator::port() const { return port_; }
std::string Emulator::endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

absl::Status Emulator::Start() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return absl::UnavailableError("cannot bind 127.0.0.1");
  } else {
    if (!server_->bind_to_port("127.0.0.1", options_.port)) {
      return absl::UnavailableError(fmt::format("cannot bind 127.0.0.1:{}", options_.port));
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the server runs: wait, so Stop() right after Start() works.
  while (!server_->is_running()) absl::SleepFor(absl::Milliseconds(1));
  return absl::OkStatus();
}

absl::Status Emulator::Run() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return absl::UnavailableError("cannot bind 127.0.0.1");
  } else {
    if (!server_->bind_to_port("127.0.0.1", options_.port)) {
      return absl::UnavailableError(fmt::format("cannot bind 127.0.0.1:{}", options_.port));
    }
    port_ = options_.port;
  }
  server_->listen_after_bind();
  return absl::OkStatus();
}

void Emulator::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

namespace {

// Everything one request handler needs, with the state lock held while it runs.
class Api {
 public:
  Api(const EmulatorOptions& options, Emulator* /*unused*/, int port) : options_(options), port_(port) {}

  std::string Base() const {
    return fmt::format("http://127.0.0.1:{}/sql/v1/organizations/{}/environments/{}", port_,
                       options_.organization_id, options_.environment_id);
  }

  // Moves `r` along its lifecycle to `now`. Returns false when the statement is gone.
  bool Advance(Record& r, absl::Time now) const {
    for (int guard = 0; guard < 8; ++guard) {
      const absl::Duration in_phase = now - r.since;
      switch (r.phase) {
        case Phase::kPending:
          if (r.pool_exhausted || in_phase < options_.pending_time) return true;
          r.since += options_.pending_time;
          if (!r.result.ok()) {
            r.phase = Phase::kFailed;
            r.detail = std::string(r.result.status().message());
            r.exceptions.insert(r.exceptions.begin(), {"org.apache.flink.table.api.ValidationException",
                                                       r.detail, Rfc3339(r.since)});
            r.end_time = r.since;
          } else if (IsDdl(*r.result)) {
            r.phase = Phase::kCompleted;
            r.end_time = r.since;
          } else {
            r.phase = Phase::kRunning;
          }
          r.updated = r.since;
          ++r.resource_version;
          continue;
        case Phase::kRunning:
          if (!r.result.ok() || !r.result->is_bounded || in_phase < options_.running_time) return true;
          r.since += options_.running_time;
          r.phase = Phase::kCompleted;
          r.end_time = r.updated = r.since;
          ++r.resource_version;
          continue;
        case Phase::kStopping:
          if (in_phase < options_.stopping_time) return true;
          r.since += options_.stopping_time;
          r.phase = Phase::kStopped;
          r.end_time = r.updated = r.since;
          ++r.resource_version;
          continue;
        case Phase::kDeleting:
          return in_phase < options_.deleting_time;
        default:
          return true;
      }
    }
    return true;
  }

  void WriteStatement(JsonWriter& w, const Record& r) const {
    w.BeginObject();
    w.Field("api_version", "sql/v1");
    w.Field("kind", "Statement");
    w.Key("metadata").BeginObject();
    w.Field("self", fmt::format("{}/statements/{}", Base(), r.name));
    w.Field("created_at", Rfc3339(r.created));
    w.Field("updated_at", Rfc3339(r.updated));
    w.Field("uid", r.uid);
    w.Field("resource_version", std::to_string(r.resource_version));
    w.Key("labels").BeginObject();
    for (const auto& [k, v] : r.labels) w.Field(k, v);
    w.EndObject();
    w.EndObject();
    w.Field("name", r.name);
    w.Field("organization_id", options_.organization_id);
    w.Field("environment_id", options_.environment_id);
    w.Key("spec").BeginObject();
    w.Field("statement", r.sql);
    w.Key("properties").BeginObject();
    for (const auto& [k, v] : r.properties) w.Field(k, v);
    w.EndObject();
    if (!r.compute_pool_id.empty()) w.Field("compute_pool_id", r.compute_pool_id);
    w.Field("principal", r.principal);
    w.Field("stopped", r.stopped);
    w.EndObject();
    w.Key("status").BeginObject();
    w.Field("phase", client::PhaseName(r.phase));
    w.Field("detail", r.detail);
    w.Field("network_kind", "PUBLIC");
    w.Key("scaling_status").BeginObject();
    w.Field("scaling_state", r.pool_exhausted ? "POOL_EXHAUSTED" : "OK");
    w.Field("last_updated", Rfc3339(r.updated));
    w.EndObject();
    const bool started = r.phase != Phase::kPending && r.phase != Phase::kFailed && r.result.ok();
    if (started) {
      const ExecutionResult& x = *r.result;
      w.Key("traits").BeginObject();
      w.Field("sql_kind", x.sql_kind);
      w.Field("is_bounded", x.is_bounded);
      w.Field("is_append_only", x.is_append_only);
      w.Key("upsert_columns").BeginArray();
      for (int c : x.upsert_columns) w.Int(c);
      w.EndArray();
      w.Key("schema").BeginObject().Key("columns").BeginArray();
      for (const client::Column& c : x.schema) {
        w.BeginObject().Field("name", c.name).Key("type");
        client::EncodeDataType(w, c.type);
        w.EndObject();
      }
      w.EndArray().EndObject();
      w.EndObject();
    }
    if (r.end_time != absl::InfinitePast()) {
      w.Field("end_time", Rfc3339(r.end_time));
      w.Field("duration", fmt::format("PT{}S", absl::ToDoubleSeconds(r.end_time - r.created)));
    }
    w.EndObject();
    w.EndObject();
  }

  std::string StatementJson(const Record& r) const {
    JsonWriter w;
    WriteStatement(w, r);
    return w.str();
  }

 private:
  const EmulatorOptions& options_;
  int port_;
};

std::string FailureBody(int status, std::string_view code, std::string_view title, std::string_view detail,
                        std::string_view id) {
  JsonWriter w;
  w.BeginObject().Key("errors").BeginArray().BeginObject();
  w.Field("id", id);
  w.Field("status", std::to_string(status));
  if (!code.empty()) w.Field("code", code);
  if (!title.empty()) w.Field("title", title);
  if (!detail.empty()) w.Field("detail", detail);
  w.EndObject().EndArray().EndObject();
  return w.str();
}

std::string EncodeToken(uint64_t offset, uint64_t salt) {
  std::string raw = fmt::format("{:016x}{:016x}", offset ^ salt, (offset * 0x9E3779B97F4A7C15ULL) ^ salt);
  return absl::WebSafeBase64Escape(raw);
}

bool DecodeToken(std::string_view token, uint64_t salt, uint64_t* offset) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(ToAbsl(token), &raw) || raw.size() != 32) return false;
  uint64_t a, b;
  if (!absl::SimpleHexAtoi(raw.substr(0, 16), &a) || !absl::SimpleHexAtoi(raw.substr(16), &b)) return false;
  *offset = a ^ salt;
  return ((*offset * 0x9E3779B97F4A7C15ULL) ^ salt) == b;
}

std::string QueryEscape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// label_selector: comma-separated `k=v`, `k==v`, `k!=v`, `k`, `!k`.
bool MatchesSelector(const std::map<std::string, std::string>& labels, std::string_view selector) {
  for (absl::string_view term : absl::StrSplit(ToAbsl(selector), ',', absl::SkipWhitespace())) {
    std::string t(absl::StripAsciiWhitespace(term));
    size_t ne = t.find("!=");
    size_t eq = t.find('=');
    if (ne != std::string::npos) {
      auto it = labels.find(t.substr(0, ne));
      if (it != labels.end() && it->second == t.substr(ne + 2)) return false;
    } else if (eq != std::string::npos) {
      size_t vpos = t.compare(eq, 2, "==") == 0 ? eq + 2 : eq + 1;
      auto it = labels.find(t.substr(0, eq));
      if (it == labels.end() || it->second != t.substr(vpos)) return false;
    } else if (!t.empty() && t[0] == '!') {
      if (labels.count(t.substr(1))) return false;
    } else if (!labels.count(t)) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Emulator::Install() {
  httplib::Server& server = *server_;
  const size_t threads = static_cast<size_t>(std::max(2, options_.server_threads));
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);  // headers and body go out as separate writes; Nagle would add 40 ms
  server.set_keep_alive_max_count(100000);
  server.set_keep_alive_timeout(options_.keep_alive_seconds);
  server.set_payload_max_length(8 * 1024 * 1024);

  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    State& st = *state_;
    const std::string request_id =
        fmt::format("emu-{:08x}-{}", static_cast<uint32_t>(std::hash<std::string>{}(req.path)),
                    st.request_counter.fetch_add(1) + 1);
    res.set_header("X-Request-Id", request_id);
    res.set_header("Server", "flinkdbt-emulator (a local test double of Confluent Cloud's sql/v1 API)");
    if (options_.latency > absl::ZeroDuration()) absl::SleepFor(options_.latency);

    Operation op = Operation::kAny;
    auto reply = [&](int status, const std::string& body) {
      res.status = status;
      if (!body.empty()) res.set_content(body, "application/json");
      std::lock_guard<std::mutex> lock(st.mu);
      if (st.observer) st.observer(op, status, body);
    };
    auto error = [&](int status, std::string_view code, std::string_view title, std::string_view detail) {
      reply(status, FailureBody(status, code, title, detail, request_id));
    };

    // Routing.
    const std::string prefix = "/sql/v1/organizations/";
    std::vector<std::string> seg;
    {
      std::string_view path = req.path;
      if (!absl::StartsWith(ToAbsl(path), prefix)) {
        error(404, "not_found", "Not Found", fmt::format("no such path: {}", req.path));
        return;
      }
      seg = absl::StrSplit(ToAbsl(path.substr(prefix.size())), '/');
    }
    // seg: org, "environments", env, "statements", [name, [results|exceptions]]
    if (seg.size() < 4 || seg[1] != "environments" || seg[3] != "statements" || seg.size() > 6) {
      error(404, "not_found", "Not Found", fmt::format("no such path: {}", req.path));
      return;
    }
    const std::string name = seg.size() >= 5 ? seg[4] : "";
    const std::string sub = seg.size() == 6 ? seg[5] : "";
    if (seg.size() == 4) {
      op = req.method == "POST"  ? Operation::kCreate
           : req.method == "GET" ? Operation::kList
                                 : Operation::kAny;
    } else if (seg.size() == 5) {
      op = req.method == "GET"      ? Operation::kGet
           : req.method == "PUT"    ? Operation::kPut
           : req.method == "PATCH"  ? Operation::kPatch
           : req.method == "DELETE" ? Operation::kDelete
                                    : Operation::kAny;
    } else if (req.method == "GET" && sub == "results") {
      op = Operation::kResults;
    } else if (req.method == "GET" && sub == "exceptions") {
      op = Operation::kExceptions;
    }

    // Basic auth.
    const std::string expected =
        "Basic " + absl::Base64Escape(fmt::format("{}:{}", options_.api_key, options_.api_secret));
    if (req.get_header_value("Authorization") != expected) {
      res.set_header("WWW-Authenticate",
                     R"(Basic error="invalid_key", error_description="The API Key is invalid")");
      error(401, "user_unauthenticated", "Authentication Required",
            "Valid authentication credentials must be provided");
      return;
    }
    if (op == Operation::kAny) {
      error(405, "method_not_allowed", "Method Not Allowed",
            fmt::format("{} is not allowed on {}", req.method, req.path));
      return;
    }
    if (seg[0] != options_.organization_id || seg[2] != options_.environment_id) {
      error(404, "not_found", "Not Found",
            fmt::format("organization {} / environment {} not found", seg[0], seg[2]));
      return;
    }

    // Faults.
    std::optional<Fault> fault;
    {
      std::lock_guard<std::mutex> lock(st.mu);
      ++st.stats.requests[op];
      for (auto it = st.faults.begin(); it != st.faults.end(); ++it) {
        if (it->operation == Operation::kAny || it->operation == op) {
          fault = *it;
          if (--it->count <= 0) st.faults.erase(it);
          ++st.stats.faults_injected;
          break;
        }
      }
    }
    auto drop = [&] {
      res.status = 200;
      res.set_content_provider(64, "application/json",
                               [](size_t, size_t, httplib::DataSink&) { return false; });
    };
    if (fault && fault->drop_before) {
      drop();
      return;
    }
    if (fault && fault->status != 0) {
      if (fault->retry_after_seconds)
        res.set_header("Retry-After", std::to_string(*fault->retry_after_seconds));
      if (fault->status == 409 && op == Operation::kResults) {
        error(409, "", "", fmt::format("Results for Statement={} not ready", name));
      } else if (fault->status == 429) {
        error(429, "too_many_requests", "Too Many Requests",
              "Rate limit exceeded (injected by the emulator)");
      } else {
        error(fault->status, "", "Server Error",
              fmt::format("HTTP {} injected by the emulator", fault->status));
      }
      return;
    }

    Api api(options_, this, port_);
    const absl::Time now = absl::Now();
    int status = 200;
    std::string body;
    std::string location;
    {
      std::unique_lock<std::mutex> lock(st.mu);
      auto find = [&](const std::string& n) -> Record* {
        auto it = st.statements.find(n);
        if (it == st.statements.end()) return nullptr;
        if (!api.Advance(it->second, now)) {
          st.statements.erase(it);
          st.order.erase(std::remove(st.order.begin(), st.order.end(), n), st.order.end());
          return nullptr;
        }
        return &it->second;
      };
      auto not_found = [&](const std::string& n) {
        status = 404;
        body = FailureBody(404, "", "Not Found", fmt::format("Statement '{}' not found", n), request_id);
      };
      auto fail = [&](int s, std::string_view code, std::string_view title, std::string_view detail) {
        status = s;
        body = FailureBody(s, code, title, detail, request_id);
      };

      switch (op) {
        case Operation::kCreate: {
          absl::StatusOr<client::Statement> in = client::DecodeStatement(req.body);
          if (!in.ok()) {
            fail(400, "bad_request", "Bad Request",
                 in.status().message().empty() ? "invalid body" : std::string(in.status().message()));
            break;
          }
          if (!client::IsValidStatementName(in->name)) {
            fail(400, "invalid_name", "Bad Request",
                 fmt::format(
                     "name '{}' must be at most 100 characters matching the DNS-1123 subdomain pattern",
                     in->name));
            break;
          }
          if (in->sql.empty()) {
            fail(422, "invalid_configuration", "Invalid Configuration", "spec.statement is required");
            break;
          }
          if (find(in->name) != nullptr) {
            location = fmt::format("{}/statements/{}", api.Base(), in->name);
            fail(409, "resource_already_exists", "Conflict",
                 fmt::format("Statement name '{}' already exists", in->name));
            break;
          }
          Record r;
          r.name = in->name;
          r.sql = in->sql;
          r.properties = in->properties;
          r.labels = in->labels;
          r.compute_pool_id = in->compute_pool_id;
          if (!in->principal.empty()) r.principal = in->principal;
          r.created = r.updated = r.since = now;
          r.uid =
              fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", st.rng() & 0xffffffff, st.rng() & 0xffff,
                          st.rng() & 0xfff, st.rng() & 0xfff, st.rng() & 0xffffffffffffULL);
          r.token_salt = st.rng();
          if (st.exhaust_pool > 0) {
            --st.exhaust_pool;
            r.pool_exhausted = true;
          }
          std::shared_ptr<StatementExecutor> executor = st.executor;
          for (const auto& [part, message] : st.fail_named) {
            if (absl::StrContains(r.name, part)) r.result = absl::InvalidArgumentError(message);
          }
          if (r.result.ok()) {
            lock.unlock();  // the executor may be slow; it is thread-safe
            r.result = executor ? executor->Execute(r.sql, r.properties)
                                : absl::StatusOr<ExecutionResult>(absl::InternalError("no executor"));
            lock.lock();
            if (find(r.name) != nullptr) {  // created concurrently
              fail(409, "resource_already_exists", "Conflict",
                   fmt::format("Statement name '{}' already exists", r.name));
              break;
            }
          }
          ++st.stats.creations[r.name];
          st.order.push_back(r.name);
          auto [it, inserted] = st.statements.emplace(r.name, std::move(r));
          status = 201;
          location = fmt::format("{}/statements/{}", api.Base(), it->first);
          body = api.StatementJson(it->second);
          break;
        }
        case Operation::kGet: {
          Record* r = find(name);
          if (!r) {
            not_found(name);
            break;
          }
          body = api.StatementJson(*r);
          break;
        }
        case Operation::kList: {
          int page_size = 10;
          if (req.has_param("page_size") &&
              (!absl::SimpleAtoi(req.get_param_value("page_size"), &page_size) || page_size < 1)) {
            fail(400, "invalid_parameter", "Bad Request", "page_size must be a positive integer");
            break;
          }
          page_size = std::min(page_size, 100);
          uint64_t offset = 0;
          if (req.has_param("page_token") &&
              !DecodeToken(req.get_param_value("page_token"), 0x5eed, &offset)) {
            fail(400, "invalid_page_token", "Bad Request", "page_token is not valid");
            break;
          }
          const std::string pool = req.get_param_value("spec.compute_pool_id");
          const std::string selector = req.get_param_value("label_selector");
          std::vector<Record*> matches;
          for (const std::string& n : std::vector<std::string>(st.order)) {
            Record* r = find(n);
            if (!r) continue;
            if (!pool.empty() && r->compute_pool_id != pool) continue;
            if (!selector.empty() && !MatchesSelector(r->labels, selector)) continue;
            matches.push_back(r);
          }
          JsonWriter w;
          w.BeginObject().Field("api_version", "sql/v1").Field("kind", "StatementList");
          w.Key("metadata").BeginObject().Field("self", api.Base() + "/statements");
          const uint64_t end = std::min<uint64_t>(matches.size(), offset + static_cast<uint64_t>(page_size));
          std::string next;
          if (end < matches.size()) {
            next = fmt::format("{}/statements?page_size={}&page_token={}", api.Base(), page_size,
                               EncodeToken(end, 0x5eed));
            if (!pool.empty()) next += "&spec.compute_pool_id=" + pool;
            if (!selector.empty()) next += "&label_selector=" + QueryEscape(selector);
          }
          w.Field("next", next);
          w.EndObject();
          w.Key("data").BeginArray();
          for (uint64_t i = offset; i < end; ++i) api.WriteStatement(w, *matches[i]);
          w.EndArray().EndObject();
          body = w.str();
          break;
        }
        case Operation::kPut:
        case Operation::kPatch: {
          Record* r = find(name);
          if (!r) {
            not_found(name);
            break;
          }
          std::optional<bool> want_stopped;
          std::string new_pool, new_principal;
          if (op == Operation::kPut) {
            absl::StatusOr<client::Statement> in = client::DecodeStatement(req.body);
            if (!in.ok()) {
              fail(400, "bad_request", "Bad Request", std::string(in.status().message()));
              break;
            }
            if (in->resource_version.empty()) {
              fail(400, "bad_request", "Bad Request", "metadata.resource_version is required");
              break;
            }
            if (in->resource_version != std::to_string(r->resource_version)) {
              fail(409, "conflict", "Conflict",
                   fmt::format("Statement '{}' was modified (resource_version {} is not current)", name,
                               in->resource_version));
              break;
            }
            if (in->sql != r->sql) {
              fail(422, "invalid_configuration", "Invalid Configuration", "spec.statement is immutable");
              break;
            }
            want_stopped = in->stopped;
            new_pool = in->compute_pool_id;
            new_principal = in->principal;
          } else {
            namespace dom = simdjson::dom;
            dom::parser parser;
            dom::array ops;
            if (parser.parse(req.body.data(), req.body.size()).get_array().get(ops) != simdjson::SUCCESS) {
              fail(400, "bad_request", "Bad Request", "the body must be a JSON Patch array");
              break;
            }
            bool bad = false;
            for (dom::element e : ops) {
              std::string_view o, path;
              if (e["op"].get_string().get(o) != simdjson::SUCCESS ||
                  e["path"].get_string().get(path) != simdjson::SUCCESS) {
                bad = true;
                break;
              }
              std::string lower = absl::AsciiStrToLower(ToAbsl(o));
              if (lower != "replace" && lower != "add") continue;
              bool b;
              std::string_view s;
              if (path == "/spec/stopped" && e["value"].get_bool().get(b) == simdjson::SUCCESS)
                want_stopped = b;
              if (path == "/spec/compute_pool_id" && e["value"].get_string().get(s) == simdjson::SUCCESS) {
                new_pool = std::string(s);
              }
              if (path == "/spec/principal" && e["value"].get_string().get(s) == simdjson::SUCCESS) {
                new_principal = std::string(s);
              }
            }
            if (bad) {
              fail(400, "bad_request", "Bad Request", "every patch operation needs op and path");
              break;
            }
          }
          if (want_stopped && *want_stopped && !r->stopped) {
            r->stopped = true;
            if (!client::IsTerminal(r->phase)) {
              r->phase = Phase::kStopping;
              r->since = now;
            }
          } else if (want_stopped && !*want_stopped && r->stopped) {
            r->stopped = false;
            if (r->phase == Phase::kStopped || r->phase == Phase::kStopping) {
              r->phase = Phase::kPending;
              r->since = now;
              r->end_time = absl::InfinitePast();
            }
          }
          if (!new_pool.empty()) r->compute_pool_id = new_pool;
          if (!new_principal.empty()) r->principal = new_principal;
          ++r->resource_version;
          r->updated = now;
          if (op == Operation::kPut) {
            status = 202;
          } else {
            body = api.StatementJson(*r);
          }
          break;
        }
        case Operation::kDelete: {
          Record* r = find(name);
          if (!r) {
            not_found(name);
            break;
          }
          if (r->phase != Phase::kDeleting) {
            r->phase = Phase::kDeleting;
            r->since = now;
            ++r->resource_version;
          }
          status = 202;
          if (options_.deleting_time <= absl::ZeroDuration()) {
            st.statements.erase(name);
            st.order.erase(std::remove(st.order.begin(), st.order.end(), name), st.order.end());
          }
          break;
        }
        case Operation::kResults: {
          Record* r = find(name);
          if (!r) {
            not_found(name);
            break;
          }
          if (r->phase == Phase::kPending || r->phase == Phase::kStopping || r->phase == Phase::kDeleting) {
            fail(409, "", "", fmt::format("Results for Statement={} not ready", name));
            break;
          }
          if (r->phase == Phase::kFailed || !r->result.ok()) {
            fail(400, "statement_failed", "Bad Request",
                 fmt::format("Statement {} has failed: {}", name, r->detail));
            break;
          }
          uint64_t offset = 0;
          if (req.has_param("page_token") &&
              !DecodeToken(req.get_param_value("page_token"), r->token_salt, &offset)) {
            fail(400, "invalid_page_token", "Bad Request", "page_token is not valid");
            break;
          }
          const ExecutionResult& x = *r->result;
          const uint64_t total = x.rows.size();
          offset = std::min(offset, total);
          const uint64_t end =
              std::min<uint64_t>(total, offset + static_cast<uint64_t>(options_.results_page_size));
          // More may come while a statement runs; a bounded one ends with next "" once COMPLETED.
          const bool finished = end >= total && (r->phase == Phase::kCompleted ||
                                                 r->phase == Phase::kStopped || (x.is_bounded && IsDdl(x)));
          const std::string self = fmt::format("{}/statements/{}/results", api.Base(), name);
          JsonWriter w;
          w.BeginObject().Field("api_version", "sql/v1").Field("kind", "StatementResult");
          w.Key("metadata").BeginObject();
          w.Field("self", self);
          w.Field("created_at", Rfc3339(r->created));
          w.Field("next",
                  finished ? "" : fmt::format("{}?page_token={}", self, EncodeToken(end, r->token_salt)));
          w.EndObject();
          w.Key("results").BeginObject().Key("data").BeginArray();
          for (uint64_t i = offset; i < end; ++i) {
            const client::ResultRow& row = x.rows[i];
            w.BeginObject().Field("op", static_cast<int>(row.op)).Key("row").BeginArray();
            for (const client::Value& v : row.values) client::EncodeValueJson(w, v);
            w.EndArray().EndObject();
          }
          w.EndArray().EndObject().EndObject();
          body = w.str();
          break;
        }
        case Operation::kExceptions: {
          Record* r = find(name);
          if (!r) {
            not_found(name);
            break;
          }
          JsonWriter w;
          w.BeginObject().Field("api_version", "sql/v1").Field("kind", "StatementExceptionList");
          w.Key("metadata")
              .BeginObject()
              .Field("self", fmt::format("{}/statements/{}/exceptions", api.Base(), name));
          w.EndObject();
          w.Key("data").BeginArray();
          for (size_t i = 0; i < r->exceptions.size() && i < 10; ++i) {
            const client::StatementException& e = r->exceptions[i];
            w.BeginObject()
                .Field("kind", "StatementException")
                .Field("name", e.name)
                .Field("message", e.message);
            w.Field("timestamp", e.timestamp).EndObject();
          }
          w.EndArray().EndObject();
          body = w.str();
          break;
        }
        case Operation::kAny:
          break;
      }
    }
    if (!location.empty() && (status == 201 || status == 409)) res.set_header("Location", location);
    if (fault && fault->delay > absl::ZeroDuration()) absl::SleepFor(fault->delay);
    if (fault && fault->drop_after) {
      drop();
      return;
    }
    reply(status, body);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
}

}  // namespace flinkdbt::emulator
