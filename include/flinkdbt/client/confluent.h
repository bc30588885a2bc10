// The Confluent Cloud backend of StatementClient: the sql/v1 statements API over libcurl, with
// simdjson decoding. Also talks to flinkdbt-emulator (endpoint http://127.0.0.1:PORT).
//
// Transport behaviour: Basic auth with the resolved key pair; User-Agent flinkdbt/<version>;
// redirects followed (at most 5) with the Authorization header kept only for Confluent hosts and the
// original host; TLS verification always on (ca_bundle may name extra roots); connect and request
// timeouts; connections reused through a pool of curl handles. Retries (with `retry_backoff` and
// jitter): 429 honouring Retry-After, 5xx except 501, and network errors for idempotent calls.
// POST is made safe by deterministic names: after a timeout, 5xx or dropped connection the client
// GETs the name before posting again, and a 409 resource_already_exists adopts the statement if its
// SQL is the same. Debug logs never contain the key, the secret or sql.secrets.* values.
//
// The client is thread-safe; create one per connection profile and share it.
#ifndef FLINKDBT_CLIENT_CONFLUENT_H_
#define FLINKDBT_CLIENT_CONFLUENT_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "flinkdbt/client/statement_client.h"

namespace flinkdbt::client {

enum class LogLevel { kDebug, kInfo, kWarning };
using LogSink = std::function<void(LogLevel level, std::string_view message)>;

// Exponential backoff: initial, initial*multiplier, ... capped at `max`, each wait scaled by a
// random factor in [1 - jitter, 1 + jitter]. With `elapsed_fraction` > 0 the wait is also at least
// that fraction of the time already waited (adaptive polling: a fine grain for quick statements, and
// at most ~elapsed_fraction of overshoot, relative to its duration, for slow ones).
struct BackoffOptions {
  absl::Duration initial = absl::Seconds(1);
  double multiplier = 1.5;
  absl::Duration max = absl::Seconds(30);
  double jitter = 0.25;
  double elapsed_fraction = 0;

  // The wait before retry/poll number `attempt` (0-based), without jitter.
  absl::Duration Nominal(int attempt) const;
  // The same, for a wait that has already lasted `elapsed`: max(Nominal, elapsed * elapsed_fraction),
  // capped at `max`.
  absl::Duration Adaptive(int attempt, absl::Duration elapsed) const;
};

// The default statement poll: 50 ms, then 10 % of the time waited so far, at most 5 s, ±10 % jitter.
// (The Python adapter starts at 1 s ×1.5, which makes a 200 ms DDL cost a whole second; the Confluent
// CLI polls PENDING statements every 300 ms, growing slowly.) Profile keys `poll_interval` and
// `poll_max_interval` (seconds) set `initial` and `max`.
inline constexpr BackoffOptions kDefaultPollBackoff{absl::Milliseconds(50), 1.0, absl::Seconds(5), 0.1, 0.1};

// Everything the Confluent backend needs; the CLI/project layer maps profiles.yml onto it.
struct ConfluentConnectionOptions {
  std::string organization_id;
  std::string environment_id;
  // Either cloud_provider + cloud_region (https://flink.<region>.<provider>.confluent.cloud, or
  // .private.confluent.cloud with use_private_endpoint) or `endpoint` (any URL, e.g. the per-network
  // private form https://flink.<network>.<region>.<cloud>.confluent.cloud or the emulator's
  // http://127.0.0.1:PORT). A trailing '/' is ignored.
  std::string cloud_provider;
  std::string cloud_region;
  bool use_private_endpoint = false;
  std::string endpoint;
  // Exactly one complete pair is required; when both are given the global pair wins (as
  // confluent-sql's _resolve_api_credentials).
  std::string flink_api_key;
  std::string flink_api_secret;
  std::string global_api_key;
  std::string global_api_secret;

  std::string compute_pool_id;  // default pool for statements that name none ("" = server default)
  std::string catalog;          // sql.current-catalog; "" = environment_id
  std::string database;         // sql.current-database (the dbt schema / Kafka cluster)
  std::string statement_label = "dbt-confluent";

  std::string ca_bundle;  // a PEM file of extra trusted roots; verification itself cannot be off
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration request_timeout = absl::Seconds(60);

  int max_retries = 4;  // per HTTP call
  BackoffOptions retry_backoff{absl::Seconds(1), 2.0, absl::Seconds(30), 0.25};
  absl::Duration max_retry_after = absl::Seconds(60);  // Retry-After values above this are capped
  BackoffOptions poll_backoff = kDefaultPollBackoff;
  // Results-not-ready 409: retried this many times this far apart.
  int results_not_ready_retries = 20;
  absl::Duration results_not_ready_interval = absl::Milliseconds(250);
  // A POST answered 409 while the old statement of that name is still DELETING: poll (poll_backoff)
  // until it is gone, at most this long, then post again.
  absl::Duration name_teardown_timeout = absl::Seconds(60);
  // PUT conflicts (409): GET + PUT again this many times.
  int conflict_retries = 5;

  LogSink log;  // optional; receives debug lines with secrets removed
};

// The base URL of the statements API:
// <endpoint>/sql/v1/organizations/<org>/environments/<env>.
absl::StatusOr<std::string> StatementsBaseUrl(const ConfluentConnectionOptions& options);

struct ApiCredentials {
  std::string key;
  std::string secret;
};
absl::StatusOr<ApiCredentials> ResolveApiCredentials(const ConfluentConnectionOptions& options);

// True for hosts that may receive the credentials on a redirect: *.confluent.cloud (and the
// loopback host of an emulator endpoint, which is compared by the caller as the original host).
bool IsConfluentHost(std::string_view host);

absl::StatusOr<std::unique_ptr<StatementClient>> MakeConfluentClient(ConfluentConnectionOptions options);

// ---- `flinkdbt debug`'s connection check ----

struct ConnectionReport {
  enum class Outcome {
    kOk,
    kBadConfig,        // options incomplete (no key pair, no endpoint, ...)
    kDns,              // the host name does not resolve
    kConnect,          // nothing listens / connection refused or timed out
    kTls,              // certificate or handshake failure
    kUnauthenticated,  // 401; www_authenticate holds the header
    kForbidden,        // 403
    kHttp,             // any other HTTP error
    kStatementFailed,  // the SELECT 1 reached FAILED (detail holds status.detail)
    kTimeout,
    kBadResponse,  // the server's answer was not the API's
  };
  Outcome outcome = Outcome::kOk;
  std::string base_url;
  int http_status = 0;
  std::string www_authenticate;
  std::string detail;
  // One line for the terminal: "All checks passed!" or what failed.
  std::string Summary() const;
  bool ok() const { return outcome == Outcome::kOk; }
};
std::string_view OutcomeName(ConnectionReport::Outcome outcome);

// Runs `SELECT 1` (hidden, ad-hoc name) on the target, waits, reads its result and deletes it.
ConnectionReport CheckConnection(const ConfluentConnectionOptions& options,
                                 absl::Duration timeout = absl::Seconds(60));

}  // namespace flinkdbt::client

#endif  // FLINKDBT_CLIENT_CONFLUENT_H_
