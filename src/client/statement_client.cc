#include "flinkdbt/client/statement_client.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "client/errors.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"

namespace flinkdbt::client {

absl::Status WithHttpStatus(absl::Status status, int http_status) {
  status.SetPayload(kHttpStatusPayload, absl::Cord(std::to_string(http_status)));
  return status;
}

absl::Status MarkPoolExhausted(absl::Status status) {
  status.SetPayload(kPoolExhaustedPayload, absl::Cord("true"));
  return status;
}

bool IsPoolExhausted(const absl::Status& status) {
  return status.GetPayload(kPoolExhaustedPayload).has_value();
}

int HttpStatusOf(const absl::Status& status) {
  auto payload = status.GetPayload(kHttpStatusPayload);
  int code = 0;
  if (payload && absl::SimpleAtoi(std::string(*payload), &code)) return code;
  return 0;
}

namespace {
bool IsPureDdl(std::string_view sql_kind) {
  return sql_kind == "CREATE_TABLE" || sql_kind == "DROP_TABLE" || sql_kind == "CREATE_VIEW" ||
         sql_kind == "DROP_VIEW" || sql_kind == "ALTER_TABLE";
}
}  // namespace

bool IsReady(const Statement& statement, ExecutionMode mode) {
  if (IsTerminal(statement.phase)) return true;
  if (IsSnapshotMode(mode)) return false;
  if (statement.phase != Phase::kRunning) return false;
  if (!statement.traits) return true;
  const StatementTraits& t = *statement.traits;
  if (IsPureDdl(t.sql_kind)) return false;
  if (t.is_bounded && !t.is_append_only) return false;
  return true;
}

absl::StatusOr<std::vector<ResultRow>> FetchAllResults(StatementClient& client, const Statement& statement,
                                                       const FetchOptions& options) {
  const bool bounded = statement.traits && statement.traits->is_bounded;
  const absl::Time deadline =
      absl::Now() + (bounded ? std::max(options.max_wait, absl::Minutes(10)) : options.max_wait);
  std::vector<ResultRow> rows;
  std::string token;
  while (true) {
    FLINKDBT_ASSIGN_OR_RETURN(ResultPage page, client.FetchResults(statement, token));
    const bool empty = page.rows.empty();
    for (ResultRow& r : page.rows) rows.push_back(std::move(r));
    if (!page.has_next()) break;
    if (options.max_rows >= 0 && static_cast<int64_t>(rows.size()) >= options.max_rows) break;
    if (absl::Now() > deadline) {
      if (bounded) {
        return absl::DeadlineExceededError(
            fmt::format("reading the results of statement '{}' took longer than allowed", statement.name));
      }
      break;
    }
    if (empty) absl::SleepFor(options.poll_interval);
    token = page.next_token;
  }
  if (options.max_rows >= 0 && static_cast<int64_t>(rows.size()) > options.max_rows) {
    rows.resize(static_cast<size_t>(options.max_rows));
  }
  return rows;
}

namespace {
void AppendKey(const Value& v, std::string* out) {
  std::string text = v.ToString();
  out->push_back(static_cast<char>('A' + static_cast<int>(v.kind)));
  out->append(std::to_string(text.size()));
  out->push_back(':');
  out->append(text);
}
}  // namespace

std::vector<std::vector<Value>> CompactChangelog(const std::vector<ResultRow>& rows,
                                                 const std::vector<int>& upsert_columns) {
  std::vector<std::optional<std::vector<Value>>> slots;
  // key -> indices of live slots with that key (one at most with upsert columns).
  absl::flat_hash_map<std::string, std::vector<size_t>> live;
  for (const ResultRow& row : rows) {
    std::string key;
    if (upsert_columns.empty()) {
      for (const Value& v : row.values) AppendKey(v, &key);
    } else {
      for (int idx : upsert_columns) {
        if (static_cast<size_t>(idx) < row.values.size())
          AppendKey(row.values[static_cast<size_t>(idx)], &key);
      }
    }
    const bool add = row.op == RowOp::kInsert || row.op == RowOp::kUpdateAfter;
    auto it = live.find(key);
    if (add) {
      if (!upsert_columns.empty() && it != live.end() && !it->second.empty()) {
        slots[it->second.back()] = row.values;
      } else {
        live[key].push_back(slots.size());
        slots.emplace_back(row.values);
      }
    } else if (it != live.end() && !it->second.empty()) {
      slots[it->second.back()].reset();
      it->second.pop_back();
    }
  }
  std::vector<std::vector<Value>> out;
  for (auto& s : slots) {
    if (s) out.push_back(std::move(*s));
  }
  return out;
}

absl::StatusOr<QueryResult> ExecuteStatement(StatementClient& client, const SubmitRequest& request,
                                             const ExecuteOptions& options) {
  absl::StatusOr<Statement> ready;
  for (int attempt = 1;; ++attempt) {
    FLINKDBT_RETURN_IF_ERROR(client.Submit(request).status());
    ready = client.WaitUntilReady(request.name, request.mode, options.timeout);
    if (ready.ok() || !IsPoolExhausted(ready.status()) || attempt >= options.pool_exhausted_attempts) break;
    absl::SleepFor(std::min(options.pool_exhausted_step * attempt, options.pool_exhausted_max_sleep));
  }
  if (!ready.ok()) return ready.status();
  QueryResult result;
  result.statement = *std::move(ready);
  if (result.statement.traits) result.schema = result.statement.traits->schema;
  if (options.fetch_results && !result.schema.empty() && result.statement.phase != Phase::kFailed) {
    FLINKDBT_ASSIGN_OR_RETURN(std::vector<ResultRow> rows,
                              FetchAllResults(client, result.statement, options.fetch));
    result.rows = CompactChangelog(rows, result.statement.traits->upsert_columns);
  }
  if (options.delete_when_terminal) {
    absl::StatusOr<Statement> now = client.Get(request.name);
    if (now.ok()) result.statement.phase = now->phase;
    if (now.ok() && IsTerminal(now->phase)) {
      // Best effort, as the adapter's Cursor.close(): a failed delete does not fail the query.
      (void)client.Delete(request.name);
    }
  }
  return result;
}

}  // namespace flinkdbt::client
