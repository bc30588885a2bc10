// StatementClient: the one interface through which every command reaches Flink — submit a
// statement, read it, wait until it is ready, page through its results, list, delete, stop and
// resume it, read its exceptions. Backends: the Confluent Cloud REST client (confluent.h), which
// also talks to the local emulator; the in-process engine backend belongs to the engine issue.
//
// Errors are absl::Status values with these codes, whatever the backend:
//   kNotFound            the statement does not exist
//   kUnauthenticated     401 (bad key/secret); the message carries WWW-Authenticate
//   kPermissionDenied    403
//   kAlreadyExists       a name clash with a statement running different SQL
//   kInvalidArgument     400/422, a reserved property, an invalid name
//   kResourceExhausted   429 after every retry; compute pool exhausted (IsPoolExhausted())
//   kUnavailable         5xx or a network error after every retry; DNS/TLS/connect failures
//   kFailedPrecondition  the statement FAILED or became DEGRADED (detail + latest exception)
//   kDeadlineExceeded    a wait ran past its timeout
//   kDataLoss            a malformed or wrongly typed response body
// Implementations are thread-safe: one client may serve many threads at once.
#ifndef FLINKDBT_CLIENT_STATEMENT_CLIENT_H_
#define FLINKDBT_CLIENT_STATEMENT_CLIENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "flinkdbt/client/types.h"
#include "flinkdbt/client/wire.h"

namespace flinkdbt::client {

struct SubmitRequest {
  std::string name;  // deterministic (naming.h); submitting is idempotent per name and SQL
  std::string sql;
  // The user's statement_properties; the backend adds catalog/database/snapshot keys and rejects
  // reserved keys here.
  std::map<std::string, std::string> properties;
  std::string compute_pool_id;  // "" = the connection's default pool, or the server's
  // Extra labels (full keys); the backend always adds its statement label.
  std::map<std::string, std::string> labels;
  ExecutionMode mode = ExecutionMode::kStreamingQuery;
  bool hidden = false;  // a metadata query: also labelled user.confluent.io/hidden
};

struct ListRequest {
  std::string label_selector;   // e.g. "user.confluent.io/dbt-confluent=true"
  std::string compute_pool_id;  // exact match on spec.compute_pool_id
  std::string page_token;       // "" for the first page
  int page_size = 100;
};

// Readiness as the Python adapter decides it (dbt-confluent-behaviour.md §2): a terminal phase is
// always ready; in snapshot modes nothing else is; in streaming modes pure DDL and bounded
// non-append-only statements wait for a terminal phase, everything else is ready once RUNNING.
bool IsReady(const Statement& statement, ExecutionMode mode);

// True for the error WaitUntilReady returns when the compute pool is exhausted.
bool IsPoolExhausted(const absl::Status& status);
// The HTTP status behind an error (0 when it did not come from an HTTP response).
int HttpStatusOf(const absl::Status& status);

class StatementClient {
 public:
  virtual ~StatementClient() = default;

  // Creates the statement. A statement of the same name and SQL that already exists (a retried
  // POST, a re-run) is adopted and returned; one with other SQL is kAlreadyExists.
  virtual absl::StatusOr<Statement> Submit(const SubmitRequest& request) = 0;
  virtual absl::StatusOr<Statement> Get(std::string_view name) = 0;
  // Polls until IsReady(mode), with the backend's backoff. FAILED/DEGRADED: kFailedPrecondition with
  // status.detail and the latest exception. Pool exhausted while PENDING: the statement is deleted
  // and the error satisfies IsPoolExhausted().
  virtual absl::StatusOr<Statement> WaitUntilReady(std::string_view name, ExecutionMode mode,
                                                   absl::Duration timeout) = 0;
  // One page of results, typed by `statement`'s schema. `page_token` "" is the first page. A
  // results-not-ready 409 is retried briefly before it is reported.
  virtual absl::StatusOr<ResultPage> FetchResults(const Statement& statement,
                                                  std::string_view page_token) = 0;
  virtual absl::StatusOr<StatementListPage> List(const ListRequest& request) = 0;
  // Idempotent: a missing statement (404, or the pool-scoped 403) is OK.
  virtual absl::Status Delete(std::string_view name) = 0;
  // PUT with spec.stopped flipped and the current resource_version, retried on 409 conflicts.
  virtual absl::Status Stop(std::string_view name) = 0;
  virtual absl::Status Resume(std::string_view name, std::string_view new_compute_pool_id = {}) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<StatementException>> Exceptions(std::string_view name) = 0;
};

// ---- Helpers over any StatementClient ----

struct FetchOptions {
  // For unbounded results: stop after this many rows or this long (the adapter's time-boxed read).
  int64_t max_rows = -1;  // -1: no limit
  absl::Duration max_wait = absl::Seconds(20);
  absl::Duration poll_interval = absl::Milliseconds(100);  // between empty pages of unbounded results
};

// Every page of a bounded result (until `next` is empty); for an unbounded one, pages until
// max_rows or max_wait.
absl::StatusOr<std::vector<ResultRow>> FetchAllResults(StatementClient& client, const Statement& statement,
                                                       const FetchOptions& options = {});

// The current rows of a changelog: with `upsert_columns` the last row per key survives and -U/-D
// remove their key; without, each -U/-D retracts one equal earlier row. Order of first insertion.
std::vector<std::vector<Value>> CompactChangelog(const std::vector<ResultRow>& rows,
                                                 const std::vector<int>& upsert_columns);

struct QueryResult {
  Statement statement;
  std::vector<Column> schema;
  std::vector<std::vector<Value>> rows;  // compacted
};

struct ExecuteOptions {
  absl::Duration timeout = absl::Seconds(3000);  // the adapter's cursor default
  // Compute-pool exhaustion, as dbt-confluent retries it: up to `pool_exhausted_attempts` attempts,
  // sleeping min(attempt * pool_exhausted_step, pool_exhausted_max_sleep) between them.
  int pool_exhausted_attempts = 5;
  absl::Duration pool_exhausted_step = absl::Seconds(3);
  absl::Duration pool_exhausted_max_sleep = absl::Seconds(15);
  bool fetch_results = true;
  FetchOptions fetch;
  // Reap the statement afterwards when it ended COMPLETED, FAILED or STOPPED (the adapter's
  // Cursor.close()).
  bool delete_when_terminal = true;
};

// Submit + wait (+ fetch + compact), with the adapter's pool-exhaustion retry.
absl::StatusOr<QueryResult> ExecuteStatement(StatementClient& client, const SubmitRequest& request,
                                             const ExecuteOptions& options = {});

}  // namespace flinkdbt::client

#endif  // FLINKDBT_CLIENT_STATEMENT_CLIENT_H_
