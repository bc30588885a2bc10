// `flinkdbt debug`'s connection check: SELECT 1 on the target, with the failure classified.
#include <utility>

#include "absl/strings/match.h"
#include "client/http.h"
#include "flinkdbt/client/confluent.h"
#include "flinkdbt/client/naming.h"
#include "fmt/format.h"

namespace flinkdbt::client {

std::string_view OutcomeName(ConnectionReport::Outcome outcome) {
  using O = ConnectionReport::Outcome;
  switch (outcome) {
    case O::kOk:
      return "ok";
    case O::kBadConfig:
      return "configuration";
    case O::kDns:
      return "dns";
    case O::kConnect:
      return "connect";
    case O::kTls:
      return "tls";
    case O::kUnauthenticated:
      return "unauthenticated";
    case O::kForbidden:
      return "forbidden";
    case O::kHttp:
      return "http";
    case O::kStatementFailed:
      return "statement_failed";
    case O::kTimeout:
      return "timeout";
    case O::kBadResponse:
      return "bad_response";
  }
  return "unknown";
}

std::string ConnectionReport::Summary() const {
  using O = Outcome;
  switch (outcome) {
    case O::kOk:
      return "All checks passed!";
    case O::kBadConfig:
      return fmt::format("Connection test: ERROR (configuration): {}", detail);
    case O::kDns:
      return fmt::format("Connection test: ERROR (DNS): cannot resolve the host of {}: {}", base_url, detail);
    case O::kConnect:
      return fmt::format("Connection test: ERROR (connect): cannot connect to {}: {}", base_url, detail);
    case O::kTls:
      return fmt::format("Connection test: ERROR (TLS): {}", detail);
    case O::kUnauthenticated:
      return fmt::format("Connection test: ERROR (401 Unauthorized): {}{}", detail,
                         www_authenticate.empty() ? "" : " [WWW-Authenticate: " + www_authenticate + "]");
    case O::kForbidden:
      return fmt::format("Connection test: ERROR (403 Forbidden): {}", detail);
    case O::kHttp:
      return fmt::format("Connection test: ERROR (HTTP {}): {}", http_status, detail);
    case O::kStatementFailed:
      return fmt::format("Connection test: ERROR (statement FAILED): {}", detail);
    case O::kTimeout:
      return fmt::format("Connection test: ERROR (timeout): {}", detail);
    case O::kBadResponse:
      return fmt::format("Connection test: ERROR (unexpected response): {}", detail);
  }
  return detail;
}

ConnectionReport CheckConnection(const ConfluentConnectionOptions& options, absl::Duration timeout) {
  using O = ConnectionReport::Outcome;
  ConnectionReport report;
  absl::StatusOr<std::string> base = StatementsBaseUrl(options);
  if (base.ok()) report.base_url = *base;
  ConfluentConnectionOptions opts = options;
  opts.max_retries = std::min(opts.max_retries, 1);
  opts.request_timeout = std::min(opts.request_timeout, timeout);
  auto client = MakeConfluentClient(opts);
  if (!client.ok()) {
    report.outcome = O::kBadConfig;
    report.detail = std::string(client.status().message());
    return report;
  }
  SubmitRequest request;
  request.name = AdHocStatementName(kDefaultStatementNamePrefix);
  request.sql = "select 1 as id";
  request.hidden = true;
  ExecuteOptions exec;
  exec.timeout = timeout;
  exec.pool_exhausted_attempts = 1;
  exec.fetch.max_wait = timeout;
  absl::StatusOr<QueryResult> result = ExecuteStatement(**client, request, exec);
  if (result.ok()) return report;
  const absl::Status& s = result.status();
  report.detail = std::string(s.message());
  report.http_status = HttpStatusOf(s);
  const std::string message(s.message());
  if (report.http_status == 401) {
    report.outcome = O::kUnauthenticated;
    size_t at = message.find("; WWW-Authenticate: ");
    if (at != std::string::npos) {
      report.www_authenticate = message.substr(at + 20);
      report.detail = message.substr(0, at);
    }
  } else if (report.http_status == 403) {
    report.outcome = O::kForbidden;
  } else if (report.http_status != 0) {
    report.outcome = O::kHttp;
  } else if (absl::IsFailedPrecondition(s)) {
    report.outcome = O::kStatementFailed;
  } else if (absl::IsDeadlineExceeded(s)) {
    report.outcome = O::kTimeout;
  } else if (absl::IsDataLoss(s)) {
    report.outcome = O::kBadResponse;
  } else if (absl::StrContains(message, "DNS lookup failed")) {
    report.outcome = O::kDns;
  } else if (absl::StrContains(message, "TLS failure")) {
    report.outcome = O::kTls;
  } else if (absl::StrContains(message, "timed out")) {
    report.outcome = O::kTimeout;
  } else if (absl::StrContains(message, "could not connect") || absl::IsUnavailable(s)) {
    report.outcome = O::kConnect;
  } else if (absl::IsResourceExhausted(s)) {
    report.outcome = O::kHttp;
  } else {
    report.outcome = O::kBadConfig;
  }
  return report;
}

}  // namespace flinkdbt::client
