#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/numbers.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/local.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/engine/engine.h"
#include "fmt/format.h"
#include "re2/re2.h"
#include "simdjson.h"

namespace flinkdbt::client {
namespace {

namespace fs = std::filesystem;

DataType ToClientType(const sql::DataType& t) {
  using R = sql::TypeRoot;
  std::string name;
  switch (t.root) {
    case R::kBoolean:
      name = "BOOLEAN";
      break;
    case R::kTinyInt:
      name = "TINYINT";
      break;
    case R::kSmallInt:
      name = "SMALLINT";
      break;
    case R::kInt:
      name = "INTEGER";
      break;
    case R::kBigInt:
      name = "BIGINT";
      break;
    case R::kFloat:
      name = "FLOAT";
      break;
    case R::kDouble:
      name = "DOUBLE";
      break;
    case R::kDecimal:
      name = "DECIMAL";
      break;
    case R::kChar:
      name = "CHAR";
      break;
    case R::kVarChar:
      name = "VARCHAR";
      break;
    case R::kBinary:
      name = "BINARY";
      break;
    case R::kVarBinary:
      name = "VARBINARY";
      break;
    case R::kDate:
      name = "DATE";
      break;
    case R::kTime:
      name = "TIME_WITHOUT_TIME_ZONE";
      break;
    case R::kTimestamp:
      name = "TIMESTAMP_WITHOUT_TIME_ZONE";
      break;
    case R::kTimestampLtz:
      name = "TIMESTAMP_WITH_LOCAL_TIME_ZONE";
      break;
    case R::kIntervalYearMonth:
      name = "INTERVAL_YEAR_MONTH";
      break;
    case R::kIntervalDayTime:
      name = "INTERVAL_DAY_TIME";
      break;
    case R::kArray:
      name = "ARRAY";
      break;
    case R::kMap:
      name = "MAP";
      break;
    case R::kMultiset:
      name = "MULTISET";
      break;
    case R::kRow:
      name = "ROW";
      break;
    case R::kNull:
      name = "NULL";
      break;
    default:
      name = t.raw_name.empty() ? "RAW" : t.raw_name;
      break;
  }
  DataType out = DataType::Of(name, t.nullable);
  switch (t.root) {
    case R::kChar:
    case R::kVarChar:
    case R::kBinary:
    case R::kVarBinary:
      out.length = t.precision;
      break;
    case R::kDecimal:
      out.precision = t.precision;
      out.scale = t.scale;
      break;
    case R::kTime:
    case R::kTimestamp:
    case R::kTimestampLtz:
      out.precision = t.precision;
      break;
    case R::kArray:
    case R::kMultiset:
      if (!t.children.empty()) out.element_type = std::make_shared<DataType>(ToClientType(t.children[0]));
      break;
    case R::kMap:
      if (t.children.size() == 2) {
        out.key_type = std::make_shared<DataType>(ToClientType(t.children[0]));
        out.value_type = std::make_shared<DataType>(ToClientType(t.children[1]));
      }
      break;
    case R::kRow:
      for (size_t i = 0; i < t.children.size(); ++i) {
        out.fields.push_back(RowField{i < t.field_names.size() ? t.field_names[i] : fmt::format("f{}", i),
                                      ToClientType(t.children[i]), ""});
      }
      break;
    default:
      break;
  }
  return out;
}

// Epoch milliseconds + nanos-of-milli to seconds + nanos-of-second (floor division for negatives).
void SplitMillis(int64_t millis, int32_t nanos_of_milli, Value* v) {
  int64_t seconds = millis / 1000;
  int64_t rem = millis % 1000;
  if (rem < 0) {
    rem += 1000;
    --seconds;
  }
  v->int_value = seconds;
  v->nanos = static_cast<int32_t>(rem * 1000000 + nanos_of_milli);
}

Value ToClientValue(const engine::Value& e) {
  using K = engine::ValueKind;
  Value v;
  switch (e.kind()) {
    case K::kNull:
      return Value::Null();
    case K::kBool:
      return Value::Bool(e.bool_value());
    case K::kInt:
      return Value::Int(e.int_value());
    case K::kDouble:
      return Value::Double(e.double_value());
    case K::kDecimal:
      return Value::Decimal(e.decimal_value().ToString());
    case K::kString:
      return Value::String(e.string_value());
    case K::kBytes:
      v.kind = Value::Kind::kBytes;
      v.text = e.string_value();
      return v;
    case K::kDate:
      v.kind = Value::Kind::kDate;
      v.int_value = e.millis();
      return v;
    case K::kTime:
      v.kind = Value::Kind::kTime;
      v.int_value = e.millis() * 1000000 + e.nanos();
      return v;
    case K::kTimestamp:
    case K::kTimestampLtz:
      v.kind = e.kind() == K::kTimestamp ? Value::Kind::kTimestamp : Value::Kind::kTimestampLtz;
      SplitMillis(e.millis(), e.nanos(), &v);
      return v;
    case K::kIntervalMonths:
      v.kind = Value::Kind::kIntervalYearMonth;
      v.int_value = e.millis();
      return v;
    case K::kIntervalMillis:
      v.kind = Value::Kind::kIntervalDayTime;
      v.int_value = e.millis();
      return v;
    case K::kArray:
    case K::kMap:
    case K::kRow:
      v.kind = e.kind() == K::kArray ? Value::Kind::kArray
               : e.kind() == K::kMap ? Value::Kind::kMap
                                     : Value::Kind::kRow;
      for (const engine::Value& item : e.items()) v.items.push_back(ToClientValue(item));
      return v;
  }
  return v;
}

RowOp ToRowOp(engine::RowKind k) {
  switch (k) {
    case engine::RowKind::kInsert:
      return RowOp::kInsert;
    case engine::RowKind::kUpdateBefore:
      return RowOp::kUpdateBefore;
    case engine::RowKind::kUpdateAfter:
      return RowOp::kUpdateAfter;
    case engine::RowKind::kDelete:
      return RowOp::kDelete;
  }
  return RowOp::kInsert;
}

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

struct Entry {
  Statement statement;
  ExecutionMode mode = ExecutionMode::kStreamingQuery;
  std::vector<ResultRow> rows;
};

class LocalStatementClient : public StatementClient {
 public:
  LocalStatementClient(LocalClientOptions options, std::unique_ptr<engine::Engine> engine)
      : options_(std::move(options)),
        engine_(std::move(engine)),
        last_flush_(std::chrono::steady_clock::now()) {}
  // What is still unwritten is written now (a client is the folder's only user while it is open).
  ~LocalStatementClient() override {
    std::lock_guard<std::mutex> lock(mu_);
    (void)FlushLocked();
  }

  absl::Status LoadRegistry() {
    if (options_.folder.empty()) return absl::OkStatus();
    fs::path path = fs::path(options_.folder) / "statements.json";
    std::error_code ec;
    if (!fs::exists(path, ec)) return absl::OkStatus();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.load(path.string()).get(doc) != simdjson::SUCCESS || !doc.is_array()) {
      return absl::DataLossError(fmt::format(
          "{}: the local target's statement registry is corrupt; move the folder away to start afresh",
          path.string()));
    }
    for (simdjson::dom::element item : doc.get_array()) {
      Entry e;
      std::string_view name, sql, phase, mode, created;
      if (item["name"].get(name) || item["sql"].get(sql) || item["phase"].get(phase) ||
          item["mode"].get(mode)) {
        return absl::DataLossError(
            fmt::format("{}: a statement entry lacks name, sql, phase or mode", path.string()));
      }
      e.statement.name = std::string(name);
      e.statement.sql = std::string(sql);
      e.statement.phase_name = std::string(phase);
      e.statement.phase = PhaseFromName(phase);
      e.statement.organization_id = options_.organization_id;
      e.statement.environment_id = options_.catalog;
      if (!item["created_at"].get(created)) e.statement.created_at = std::string(created);
      e.mode = ExecutionModeFromName(mode).value_or(ExecutionMode::kStreamingQuery);
      simdjson::dom::object labels;
      if (!item["labels"].get(labels)) {
        for (auto field : labels) {
          std::string_view value;
          if (!field.value.get(value)) e.statement.labels[std::string(field.key)] = std::string(value);
        }
      }
      simdjson::dom::object props;
      if (!item["properties"].get(props)) {
        for (auto field : props) {
          std::string_view value;
          if (!field.value.get(value)) e.statement.properties[std::string(field.key)] = std::string(value);
        }
      }
      std::string_view detail;
      if (!item["detail"].get(detail)) e.statement.detail = std::string(detail);
      statements_[e.statement.name] = std::move(e);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Statement> Submit(const SubmitRequest& request) override {
    if (!IsValidStatementName(request.name)) {
      return absl::InvalidArgumentError(fmt::format(
          "'{}' is not a valid statement name (lowercase letters, digits and '-', at most 100 characters)",
          request.name));
    }
    using Properties = std::map<std::string, std::string>;
    FLINKDBT_ASSIGN_OR_RETURN(
        Properties properties,
        ResolveStatementProperties(request.properties, Catalog(request), Database(request), request.mode));
    std::lock_guard<std::mutex> lock(mu_);
    auto existing = statements_.find(request.name);
    if (existing != statements_.end()) {
      if (existing->second.statement.sql == request.sql) return existing->second.statement;
      return absl::AlreadyExistsError(fmt::format(
          "a statement named {} already exists with different SQL; delete it first", request.name));
    }
    Entry e;
    e.mode = request.mode;
    Statement& s = e.statement;
    s.name = request.name;
    s.sql = request.sql;
    s.organization_id = options_.organization_id;
    s.environment_id = options_.catalog;
    s.compute_pool_id = request.compute_pool_id;
    s.properties = properties;
    s.labels = request.labels;
    for (const auto& [k, v] : StatementLabels(kDefaultStatementLabel, request.hidden)) {
      if (!request.labels.count(k) && request.hidden) s.labels[k] = v;
    }
    s.created_at = s.updated_at = NowIso();
    s.resource_version = "1";

    absl::StatusOr<EngineOutcome> outcome =
        ExecuteOnEngine(engine_.get(), request.sql, properties[std::string(kCatalogProperty)],
                        properties[std::string(kDatabaseProperty)], request.mode);
    if (!outcome.ok()) {
      s.phase = Phase::kFailed;
      std::optional<SourceLocation> loc = GetLocation(outcome.status());
      s.detail = loc.has_value() && loc->line > 0
                     ? fmt::format("SQL validation failed. Error from line {}, column {}: {}", loc->line,
                                   loc->column, ToStd(outcome.status().message()))
                     : std::string(ToStd(outcome.status().message()));
    } else {
      s.traits = outcome->traits;
      e.rows = std::move(outcome->rows);
      s.phase = outcome->continuous ? Phase::kRunning : Phase::kCompleted;
      if (!outcome->message.empty()) s.detail = outcome->message;
    }
    s.phase_name = std::string(PhaseName(s.phase));
    Statement out = s;
    statements_[s.name] = std::move(e);
    FLINKDBT_RETURN_IF_ERROR(Persist());
    return out;
  }

  absl::StatusOr<Statement> Get(std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = statements_.find(std::string(name));
    if (it == statements_.end()) return absl::NotFoundError(fmt::format("statement {} not found", name));
    return it->second.statement;
  }

  absl::StatusOr<Statement> WaitUntilReady(std::string_view name, ExecutionMode, absl::Duration) override {
    FLINKDBT_ASSIGN_OR_RETURN(Statement s, Get(name));
    if (s.phase == Phase::kFailed) {
      return absl::FailedPreconditionError(fmt::format("statement {} FAILED: {}", s.name, s.detail));
    }
    return s;
  }

  absl::StatusOr<ResultPage> FetchResults(const Statement& statement, std::string_view page_token) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = statements_.find(statement.name);
    if (it == statements_.end())
      return absl::NotFoundError(fmt::format("statement {} not found", statement.name));
    size_t offset = 0;
    if (!page_token.empty() && !absl::SimpleAtoi(ToAbsl(page_token), &offset)) {
      return absl::InvalidArgumentError(fmt::format("bad page token '{}'", page_token));
    }
    const std::vector<ResultRow>& rows = it->second.rows;
    ResultPage page;
    size_t end = std::min(rows.size(), offset + static_cast<size_t>(std::max(1, options_.page_size)));
    for (size_t i = offset; i < end; ++i) page.rows.push_back(rows[i]);
    if (end < rows.size()) {
      page.next_token = std::to_string(end);
      page.next_url = "local:results?page_token=" + page.next_token;
    }
    return page;
  }

  absl::StatusOr<StatementListPage> List(const ListRequest& request) override {
    std::string key, value;
    size_t eq = request.label_selector.find('=');
    if (eq != std::string::npos) {
      key = request.label_selector.substr(0, eq);
      value = request.label_selector.substr(eq + 1);
    }
    std::lock_guard<std::mutex> lock(mu_);
    StatementListPage page;
    for (const auto& [name, e] : statements_) {
      if (!key.empty()) {
        auto it = e.statement.labels.find(key);
        if (it == e.statement.labels.end() || it->second != value) continue;
      }
      if (!request.compute_pool_id.empty() && e.statement.compute_pool_id != request.compute_pool_id)
        continue;
      page.statements.push_back(e.statement);
    }
    return page;
  }

  absl::Status Delete(std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (statements_.erase(std::string(name)) == 0) return absl::OkStatus();
    return Persist();
  }

  absl::Status Stop(std::string_view name) override { return SetStopped(name, true); }
  absl::Status Resume(std::string_view name, std::string_view) override { return SetStopped(name, false); }

  absl::StatusOr<std::vector<StatementException>> Exceptions(std::string_view name) override {
    FLINKDBT_ASSIGN_OR_RETURN(Statement s, Get(name));
    std::vector<StatementException> out;
    if (s.phase == Phase::kFailed) out.push_back({"SqlException", s.detail, s.updated_at});
    return out;
  }

 private:
  std::string Catalog(const SubmitRequest&) const { return options_.catalog; }
  std::string Database(const SubmitRequest&) const { return options_.database; }

  absl::Status SetStopped(std::string_view name, bool stopped) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = statements_.find(std::string(name));
    if (it == statements_.end()) return absl::NotFoundError(fmt::format("statement {} not found", name));
    Statement& s = it->second.statement;
    s.stopped = stopped;
    if (stopped && s.phase == Phase::kRunning) s.phase = Phase::kStopped;
    if (!stopped && s.phase == Phase::kStopped) s.phase = Phase::kRunning;
    s.phase_name = std::string(PhaseName(s.phase));
    return Persist();
  }

  // After a change (mu_ held): the catalog, data and statement registry are written together, at most
  // once per flush interval, and when the client closes. Nobody else can open the folder meanwhile
  // (the engine's lock file), and every write is atomic, so a crash loses at most the last interval's
  // changes and never leaves the folder half-written.
  absl::Status Persist() {
    dirty_ = true;
    if (options_.flush_interval_ms > 0 && std::chrono::steady_clock::now() - last_flush_ <
                                              std::chrono::milliseconds(options_.flush_interval_ms)) {
      return absl::OkStatus();
    }
    return FlushLocked();
  }

  absl::Status FlushLocked() {
    if (!dirty_) return absl::OkStatus();
    if (options_.flush_interval_ms > 0) FLINKDBT_RETURN_IF_ERROR(engine_->Save());
    FLINKDBT_RETURN_IF_ERROR(SaveRegistry());
    dirty_ = false;
    last_flush_ = std::chrono::steady_clock::now();
    return absl::OkStatus();
  }

  // Writes the registry atomically: a temporary file, fsync, rename (mu_ held).
  absl::Status SaveRegistry() {
    if (options_.folder.empty()) return absl::OkStatus();
    JsonWriter w({.indent = 1, .ensure_ascii = false});
    w.BeginArray();
    for (const auto& [name, e] : statements_) {
      const Statement& s = e.statement;
      w.BeginObject()
          .Field("name", s.name)
          .Field("sql", s.sql)
          .Field("phase", PhaseName(s.phase))
          .Field("mode", ExecutionModeName(e.mode))
          .Field("detail", s.detail)
          .Field("created_at", s.created_at);
      w.Key("labels").BeginObject();
      for (const auto& [k, v] : s.labels) w.Field(k, v);
      w.EndObject().Key("properties").BeginObject();
      for (const auto& [k, v] : s.properties) w.Field(k, v);
      w.EndObject().EndObject();
    }
    w.EndArray();
    FLINKDBT_ASSIGN_OR_RETURN(std::string text, w.TakeString());
    fs::path path = fs::path(options_.folder) / "statements.json";
    std::string tmp = path.string() + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return absl::InternalError(fmt::format("cannot write {}", tmp));
    ssize_t written = ::write(fd, text.data(), text.size());
    bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
      return absl::InternalError(fmt::format("cannot write {}", path.string()));
    }
    return absl::OkStatus();
  }

  static Phase PhaseFromName(std::string_view name) {
    for (Phase p : {Phase::kPending, Phase::kRunning, Phase::kCompleted, Phase::kDeleting, Phase::kFailing,
                    Phase::kFailed, Phase::kStopping, Phase::kStopped, Phase::kDegraded}) {
      if (PhaseName(p) == name) return p;
    }
    return Phase::kUnknown;
  }

  LocalClientOptions options_;
  std::unique_ptr<engine::Engine> engine_;
  std::mutex mu_;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_flush_;
  std::map<std::string, Entry> statements_;
};

}  // namespace

absl::StatusOr<EngineOutcome> ExecuteOnEngine(void* engine_ptr, std::string_view sql,
                                              const std::string& catalog, const std::string& database,
                                              ExecutionMode mode) {
  auto* engine = static_cast<engine::Engine*>(engine_ptr);
  // The target's catalog (environment) and database (Kafka cluster) exist before any statement, as
  // they do on Confluent Cloud, where a dbt project cannot create them.
  if (engine->catalog().FindDatabase(catalog, database) == nullptr) {
    auto& entry = engine->catalog().catalogs()[catalog];
    if (!entry.read_only) entry.databases[database];
  }
  engine->catalog().current_catalog = catalog;
  engine->catalog().current_database = database;
  absl::StatusOr<engine::StatementResult> result = engine->Execute(sql);
  if (!result.ok()) return result.status();
  EngineOutcome out;
  StatementTraits& traits = out.traits;
  traits.is_bounded = true;
  traits.is_append_only = result->insert_only;
  for (const engine::ResultColumn& c : result->schema)
    traits.schema.push_back({c.name, ToClientType(c.type)});
  switch (result->kind) {
    case engine::StatementResult::Kind::kQuery:
      traits.sql_kind = "SELECT";
      break;
    case engine::StatementResult::Kind::kInsert:
      traits.sql_kind = "INSERT_INTO";
      break;
    case engine::StatementResult::Kind::kDdl:
      traits.sql_kind = "DDL";
      break;
    case engine::StatementResult::Kind::kSet:
      traits.sql_kind = "SET";
      break;
  }
  for (const engine::Change& c : result->changelog) {
    ResultRow row;
    row.op = ToRowOp(c.kind);
    for (const engine::Value& v : c.row) row.values.push_back(ToClientValue(v));
    out.rows.push_back(std::move(row));
  }
  // A streaming INSERT ... SELECT is a continuous job: it has processed everything there is and
  // keeps running. INSERT ... VALUES is bounded (it completes on Confluent Cloud too), and so is
  // everything else here.
  static const RE2 kInsertValues(R"((?is)^\s*INSERT\s+INTO\s+[^\s(]+\s*(\([^)]*\))?\s*VALUES\b.*)");
  out.continuous = result->kind == engine::StatementResult::Kind::kInsert && !IsSnapshotMode(mode) &&
                   !RE2::FullMatch(std::string(sql), kInsertValues);
  if (result->kind == engine::StatementResult::Kind::kDdl) out.message = result->message;
  return out;
}

absl::StatusOr<std::unique_ptr<StatementClient>> OpenLocalStatementClient(const LocalClientOptions& options) {
  std::unique_ptr<engine::Engine> engine;
  if (options.folder.empty()) {
    engine = std::make_unique<engine::Engine>();
  } else {
    engine::EngineOptions eo;
    eo.save_each_statement = options.flush_interval_ms <= 0;
    FLINKDBT_ASSIGN_OR_RETURN(engine, engine::Engine::Open(options.folder, std::move(eo)));
  }
  auto client = std::make_unique<LocalStatementClient>(options, std::move(engine));
  FLINKDBT_RETURN_IF_ERROR(client->LoadRegistry());
  return std::unique_ptr<StatementClient>(std::move(client));
}

}  // namespace flinkdbt::client
