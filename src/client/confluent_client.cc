// The Confluent Cloud REST backend of StatementClient.
#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "client/errors.h"
#include "client/http.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/secrets.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/confluent.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/version.h"
#include "fmt/format.h"

namespace flinkdbt::client {

absl::Duration BackoffOptions::Nominal(int attempt) const {
  absl::Duration d = initial;
  for (int i = 0; i < attempt && d < max; ++i) d = d * multiplier;
  return std::min(d, max);
}

absl::Duration BackoffOptions::Adaptive(int attempt, absl::Duration elapsed) const {
  absl::Duration d = Nominal(attempt);
  if (elapsed_fraction > 0) d = std::max(d, elapsed * elapsed_fraction);
  return std::min(d, max);
}

bool IsConfluentHost(std::string_view host) {
  std::string h = absl::AsciiStrToLower(ToAbsl(host));
  return h == "confluent.cloud" || absl::EndsWith(h, ".confluent.cloud");
}

absl::StatusOr<std::string> StatementsBaseUrl(const ConfluentConnectionOptions& o) {
  if (o.organization_id.empty()) return absl::InvalidArgumentError("organization_id is required");
  if (o.environment_id.empty()) return absl::InvalidArgumentError("environment_id is required");
  std::string endpoint;
  if (!o.endpoint.empty()) {
    endpoint = o.endpoint;
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    if (!absl::StartsWith(endpoint, "https://") && !absl::StartsWith(endpoint, "http://")) {
      return absl::InvalidArgumentError(fmt::format(
          "endpoint '{}' must start with https:// (or http:// for a local emulator)", o.endpoint));
    }
  } else {
    if (o.cloud_provider.empty() || o.cloud_region.empty()) {
      return absl::InvalidArgumentError(
          "either endpoint or both cloud_provider and cloud_region are required");
    }
    endpoint = fmt::format("https://flink.{}.{}.{}confluent.cloud", absl::AsciiStrToLower(o.cloud_region),
                           absl::AsciiStrToLower(o.cloud_provider), o.use_private_endpoint ? "private." : "");
  }
  return fmt::format("{}/sql/v1/organizations/{}/environments/{}", endpoint, UrlEncode(o.organization_id),
                     UrlEncode(o.environment_id));
}

absl::StatusOr<ApiCredentials> ResolveApiCredentials(const ConfluentConnectionOptions& o) {
  const bool global = !o.global_api_key.empty() && !o.global_api_secret.empty();
  const bool flink = !o.flink_api_key.empty() && !o.flink_api_secret.empty();
  if (global) return ApiCredentials{o.global_api_key, o.global_api_secret};
  if (flink) return ApiCredentials{o.flink_api_key, o.flink_api_secret};
  return absl::InvalidArgumentError(
      "a complete API key pair is required: flink_api_key + flink_api_secret, or global_api_key + "
      "global_api_secret");
}

namespace {

constexpr std::string_view kJson = "application/json";

// How a call may be retried.
enum class Retry {
  kIdempotent,  // GET, DELETE, PUT with resource_version: 429, 5xx (not 501) and network errors
  kCreate,      // POST: only 429 here; 5xx and network errors go back to Submit (GET by name)
};

bool RetryableStatus(int status) { return status == 429 || (status >= 500 && status != 501); }

std::string_view NetErrorName(NetError e) {
  switch (e) {
    case NetError::kDns:
      return "DNS lookup failed";
    case NetError::kConnect:
      return "could not connect";
    case NetError::kTls:
      return "TLS failure";
    case NetError::kTimeout:
      return "timed out";
    case NetError::kBadUrl:
      return "bad URL";
    default:
      return "network error";
  }
}

class ConfluentClient final : public StatementClient {
 public:
  ConfluentClient(ConfluentConnectionOptions options, std::string base_url, ApiCredentials credentials)
      : options_(std::move(options)),
        base_url_(std::move(base_url)),
        transport_(
            HttpTransportOptions{"Basic " + absl::Base64Escape(credentials.key + ":" + credentials.secret),
                                 fmt::format("flinkdbt/{}", FLINKDBT_VERSION_STRING), options_.ca_bundle,
                                 options_.connect_timeout, options_.request_timeout, 5}),
        rng_(std::random_device{}()) {
    scrubber_.Add(credentials.key);
    scrubber_.Add(credentials.secret);
    scrubber_.Add(absl::Base64Escape(credentials.key + ":" + credentials.secret));
    if (options_.catalog.empty()) options_.catalog = options_.environment_id;
  }

  absl::StatusOr<Statement> Submit(const SubmitRequest& request) override;
  absl::StatusOr<Statement> Get(std::string_view name) override;
  absl::StatusOr<Statement> WaitUntilReady(std::string_view name, ExecutionMode mode,
                                           absl::Duration timeout) override;
  absl::StatusOr<ResultPage> FetchResults(const Statement& statement, std::string_view page_token) override;
  absl::StatusOr<StatementListPage> List(const ListRequest& request) override;
  absl::Status Delete(std::string_view name) override;
  absl::Status Stop(std::string_view name) override { return SetStopped(name, true, {}); }
  absl::Status Resume(std::string_view name, std::string_view new_compute_pool_id) override {
    return SetStopped(name, false, new_compute_pool_id);
  }
  absl::StatusOr<std::vector<StatementException>> Exceptions(std::string_view name) override;

 private:
  std::string StatementUrl(std::string_view name) const {
    return fmt::format("{}/statements/{}", base_url_, UrlEncode(name));
  }
  void Log(LogLevel level, std::string_view message) const {
    if (options_.log) options_.log(level, scrubber_.Scrub(message));
  }
  absl::Duration Jittered(absl::Duration d) {
    std::lock_guard<std::mutex> lock(rng_mu_);
    double j = std::clamp(options_.retry_backoff.jitter, 0.0, 1.0);
    std::uniform_real_distribution<double> dist(1.0 - j, 1.0 + j);
    return d * dist(rng_);
  }
  absl::Duration PollJittered(absl::Duration d) {
    std::lock_guard<std::mutex> lock(rng_mu_);
    double j = std::clamp(options_.poll_backoff.jitter, 0.0, 1.0);
    std::uniform_real_distribution<double> dist(1.0 - j, 1.0 + j);
    return d * dist(rng_);
  }
  absl::Duration RetryAfter(const HttpResponse& r, int attempt) {
    std::string header = r.Header("retry-after");
    if (!header.empty()) {
      int64_t secs;
      if (absl::SimpleAtoi(ToAbsl(header), &secs) && secs >= 0) {
        return std::min(absl::Seconds(secs), options_.max_retry_after);
      }
      time_t when = curl_getdate(header.c_str(), nullptr);
      if (when > 0) {
        return std::clamp(absl::FromTimeT(when) - absl::Now(), absl::ZeroDuration(),
                          options_.max_retry_after);
      }
    }
    return Jittered(options_.retry_backoff.Nominal(attempt));
  }

  // One API call with the transport retries of `retry`. Returns the final response (any status);
  // transport failures come back as a response with error set.
  HttpResponse Call(std::string_view method, const std::string& url, std::string body, Retry retry);
  absl::Status ErrorFrom(const HttpResponse& r, std::string_view what) const;
  absl::StatusOr<Statement> Adopt(const SubmitRequest& request, std::string_view why);
  absl::Status SetStopped(std::string_view name, bool stopped, std::string_view new_pool);
  std::string StatementBody(const SubmitRequest& request,
                            const std::map<std::string, std::string>& properties,
                            const std::map<std::string, std::string>& labels) const;

  ConfluentConnectionOptions options_;
  std::string base_url_;
  HttpTransport transport_;
  SecretScrubber scrubber_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;
};

HttpResponse ConfluentClient::Call(std::string_view method, const std::string& url, std::string body,
                                   Retry retry) {
  HttpRequest request{std::string(method), url, std::move(body),
                      method == "POST" || method == "PUT" ? std::string(kJson) : ""};
  if (method == "PATCH") request.content_type = "application/json-patch+json";
  for (int attempt = 0;; ++attempt) {
    const absl::Time start = absl::Now();
    HttpResponse r = transport_.Send(request);
    const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
    if (r.error != NetError::kNone) {
      Log(LogLevel::kDebug,
          fmt::format("{} {} -> {}: {} ({} ms)", method, url, NetErrorName(r.error), r.error_message, ms));
    } else {
      Log(LogLevel::kDebug, fmt::format("{} {} -> {} (X-Request-Id: {}, {} ms){}", method, url, r.status,
                                        r.Header("x-request-id"), ms,
                                        request.body.empty() ? "" : " request body: " + request.body));
    }
    if (attempt >= options_.max_retries) return r;
    absl::Duration wait;
    if (r.error != NetError::kNone) {
      if (retry != Retry::kIdempotent || r.error == NetError::kBadUrl) return r;
      wait = Jittered(options_.retry_backoff.Nominal(attempt));
    } else if (r.status == 429) {
      wait = RetryAfter(r, attempt);
    } else if (RetryableStatus(r.status) && retry == Retry::kIdempotent) {
      wait = r.status == 503 ? RetryAfter(r, attempt) : Jittered(options_.retry_backoff.Nominal(attempt));
    } else {
      return r;
    }
    Log(LogLevel::kDebug, fmt::format("retrying {} {} in {} (attempt {} of {})", method, url,
                                      absl::FormatDuration(wait), attempt + 2, options_.max_retries + 1));
    absl::SleepFor(wait);
  }
}

absl::Status ConfluentClient::ErrorFrom(const HttpResponse& r, std::string_view what) const {
  if (r.error != NetError::kNone) {
    return absl::UnavailableError(scrubber_.Scrub(fmt::format(
        "{}: {} reaching {}: {}", what, NetErrorName(r.error), UrlHost(base_url_), r.error_message)));
  }
  std::string message = ErrorMessageFromBody(r.body);
  if (message.empty()) {
    message = r.body.empty() || r.body.size() > 200 ? fmt::format("HTTP {}", r.status)
                                                    : fmt::format("HTTP {}: {}", r.status, r.body);
  } else {
    message = fmt::format("HTTP {}: {}", r.status, message);
  }
  std::string request_id = r.Header("x-request-id");
  if (!request_id.empty()) message += fmt::format(" (X-Request-Id: {})", request_id);
  std::string text = scrubber_.Scrub(fmt::format("{}: {}", what, message));
  absl::Status status;
  switch (r.status) {
    case 400:
    case 422:
      status = absl::InvalidArgumentError(text);
      break;
    case 401: {
      std::string www = r.Header("www-authenticate");
      status = absl::UnauthenticatedError(www.empty() ? text : text + "; WWW-Authenticate: " + www);
      break;
    }
    case 403:
      status = absl::PermissionDeniedError(text);
      break;
    case 404:
      status = absl::NotFoundError(text);
      break;
    case 409:
      status = absl::AbortedError(text);
      break;
    case 429:
      status = absl::ResourceExhaustedError(text);
      break;
    default:
      status = r.status >= 500 ? absl::UnavailableError(text) : absl::UnknownError(text);
  }
  return WithHttpStatus(status, r.status);
}

std::string ConfluentClient::StatementBody(const SubmitRequest& request,
                                           const std::map<std::string, std::string>& properties,
                                           const std::map<std::string, std::string>& labels) const {
  JsonWriter w;
  w.BeginObject();
  w.Field("name", request.name);
  w.Field("organization_id", options_.organization_id);
  w.Field("environment_id", options_.environment_id);
  w.Key("metadata").BeginObject().Key("labels").BeginObject();
  for (const auto& [k, v] : labels) w.Field(k, v);
  w.EndObject().EndObject();
  w.Key("spec").BeginObject();
  w.Field("statement", request.sql);
  w.Key("properties").BeginObject();
  for (const auto& [k, v] : properties) w.Field(k, v);
  w.EndObject();
  std::string pool = request.compute_pool_id.empty() ? options_.compute_pool_id : request.compute_pool_id;
  if (!pool.empty()) w.Field("compute_pool_id", pool);
  w.Field("stopped", false);
  w.EndObject();
  w.EndObject();
  return w.str();
}

absl::StatusOr<Statement> ConfluentClient::Adopt(const SubmitRequest& request, std::string_view why) {
  absl::StatusOr<Statement> existing = Get(request.name);
  if (!existing.ok()) return existing.status();
  if (existing->phase == Phase::kDeleting) {
    return absl::NotFoundError(fmt::format("statement '{}' is still being deleted", request.name));
  }
  if (existing->sql != request.sql) {
    return absl::AlreadyExistsError(fmt::format(
        "a statement named '{}' already exists ({}) running different SQL; delete it or give this statement "
        "another name",
        request.name, PhaseName(existing->phase)));
  }
  Log(LogLevel::kDebug, fmt::format("adopting existing statement '{}' ({})", request.name, why));
  return existing;
}

absl::StatusOr<Statement> ConfluentClient::Submit(const SubmitRequest& request) {
  if (!IsValidStatementName(request.name)) {
    return absl::InvalidArgumentError(
        fmt::format("invalid statement name '{}': at most 100 characters of [a-z0-9.-], starting and ending "
                    "with a letter or "
                    "digit",
                    request.name));
  }
  FLINKDBT_ASSIGN_OR_RETURN(auto properties, ResolveStatementProperties(request.properties, options_.catalog,
                                                                        options_.database, request.mode));
  for (const auto& [k, v] : properties) {
    if (absl::StartsWith(k, "sql.secrets.")) scrubber_.Add(v);
  }
  auto labels = StatementLabels(options_.statement_label, request.hidden);
  for (const auto& [k, v] : request.labels) labels[k] = v;
  const std::string body = StatementBody(request, properties, labels);
  const std::string what = fmt::format("submitting statement '{}'", request.name);
  const absl::Time teardown_start = absl::Now();
  const absl::Time teardown_deadline = teardown_start + options_.name_teardown_timeout;
  int teardown_polls = 0;
  for (int attempt = 0;;) {
    HttpResponse r = Call("POST", base_url_ + "/statements", body, Retry::kCreate);
    const bool last = attempt >= options_.max_retries;
    if (r.error == NetError::kNone && (r.status == 201 || r.status == 200)) {
      absl::StatusOr<Statement> s = DecodeStatement(r.body);
      if (!s.ok()) return absl::DataLossError(fmt::format("{}: {}", what, s.status().message()));
      return s;
    }
    if (r.error == NetError::kNone && r.status == 409) {
      // resource_already_exists: our own earlier POST, a re-run, or another statement of that name.
      absl::StatusOr<Statement> adopted = Adopt(request, "the name already exists");
      if (adopted.ok() || !absl::IsNotFound(adopted.status())) return adopted;
      // The old statement of this name is still being deleted: wait for it to go, then post again.
      if (absl::Now() >= teardown_deadline) {
        return absl::AbortedError(fmt::format("{}: a statement of that name is still being deleted after {}",
                                              what, absl::FormatDuration(options_.name_teardown_timeout)));
      }
      absl::SleepFor(
          PollJittered(options_.poll_backoff.Adaptive(teardown_polls++, absl::Now() - teardown_start)));
      continue;
    }
    const bool unknown_outcome = r.error == NetError::kTimeout || r.error == NetError::kNetwork ||
                                 (r.error == NetError::kNone && RetryableStatus(r.status) && r.status != 429);
    const bool never_sent =
        r.error == NetError::kDns || r.error == NetError::kConnect || r.error == NetError::kTls;
    if ((!unknown_outcome && !never_sent) || last) return ErrorFrom(r, what);
    if (unknown_outcome) {
      // The POST may have created the statement: look before posting again.
      absl::StatusOr<Statement> adopted = Adopt(request, "a POST whose outcome was unknown");
      if (adopted.ok() || absl::IsAlreadyExists(adopted.status())) return adopted;
    }
    absl::SleepFor(Jittered(options_.retry_backoff.Nominal(attempt)));
    ++attempt;
  }
}

absl::StatusOr<Statement> ConfluentClient::Get(std::string_view name) {
  HttpResponse r = Call("GET", StatementUrl(name), "", Retry::kIdempotent);
  std::string what = fmt::format("reading statement '{}'", name);
  if (r.error != NetError::kNone || r.status != 200) return ErrorFrom(r, what);
  absl::StatusOr<Statement> s = DecodeStatement(r.body);
  if (!s.ok()) return absl::DataLossError(fmt::format("{}: {}", what, s.status().message()));
  return s;
}

absl::StatusOr<Statement> ConfluentClient::WaitUntilReady(std::string_view name, ExecutionMode mode,
                                                          absl::Duration timeout) {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + timeout;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<Statement> s = Get(name);
    if (!s.ok()) {
      if (absl::IsNotFound(s.status())) {
        return absl::NotFoundError(fmt::format("statement '{}' disappeared while waiting for it", name));
      }
      return s.status();
    }
    if (s->phase == Phase::kFailed) {
      std::string message =
          fmt::format("Statement '{}' failed: {}", name, s->detail.empty() ? "(no detail)" : s->detail);
      absl::StatusOr<std::vector<StatementException>> ex = Exceptions(name);
      if (ex.ok() && !ex->empty()) {
        const StatementException& latest = (*ex)[0];
        if (latest.message != s->detail) {
          message += fmt::format("; latest exception: {}{}{}", latest.name, latest.name.empty() ? "" : ": ",
                                 latest.message);
        } else if (!latest.name.empty()) {
          message += fmt::format(" ({})", latest.name);
        }
      }
      return absl::FailedPreconditionError(scrubber_.Scrub(message));
    }
    if (s->phase == Phase::kDegraded) {
      return absl::FailedPreconditionError(
          scrubber_.Scrub(fmt::format("Statement '{}' is DEGRADED: {}", name, s->detail)));
    }
    if (s->phase == Phase::kPending && s->scaling_state == "POOL_EXHAUSTED") {
      absl::Status deleted = Delete(name);
      return MarkPoolExhausted(absl::ResourceExhaustedError(
          fmt::format("the compute pool{}{} is exhausted: statement '{}' could not start{}",
                      s->compute_pool_id.empty() ? "" : " ", s->compute_pool_id, name,
                      deleted.ok() ? " and was deleted" : "; deleting it failed too")));
    }
    if (IsReady(*s, mode)) return s;
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      return absl::DeadlineExceededError(fmt::format("statement '{}' is still {} after {}", name,
                                                     s->phase_name, absl::FormatDuration(timeout)));
    }
    absl::SleepFor(
        std::min(PollJittered(options_.poll_backoff.Adaptive(attempt, now - start)), deadline - now));
  }
}

absl::StatusOr<ResultPage> ConfluentClient::FetchResults(const Statement& statement,
                                                         std::string_view page_token) {
  const Statement* with_schema = &statement;
  Statement refreshed;
  if (!statement.traits) {
    FLINKDBT_ASSIGN_OR_RETURN(refreshed, Get(statement.name));
    with_schema = &refreshed;
  }
  static const std::vector<Column> kNoColumns;
  const std::vector<Column>& schema = with_schema->traits ? with_schema->traits->schema : kNoColumns;
  std::string url = StatementUrl(statement.name) + "/results";
  if (!page_token.empty()) url += "?page_token=" + UrlEncode(page_token);
  const std::string what = fmt::format("reading the results of statement '{}'", statement.name);
  for (int attempt = 0;; ++attempt) {
    HttpResponse r = Call("GET", url, "", Retry::kIdempotent);
    if (r.error == NetError::kNone && r.status == 409 && attempt < options_.results_not_ready_retries) {
      absl::SleepFor(options_.results_not_ready_interval);
      continue;
    }
    if (r.error != NetError::kNone || r.status != 200) return ErrorFrom(r, what);
    ResultDecoder decoder;
    absl::StatusOr<ResultPage> page = decoder.Decode(r.body, schema);
    if (!page.ok()) return absl::DataLossError(fmt::format("{}: {}", what, page.status().message()));
    return page;
  }
}

absl::StatusOr<StatementListPage> ConfluentClient::List(const ListRequest& request) {
  std::string url = fmt::format("{}/statements?page_size={}", base_url_, request.page_size);
  if (!request.page_token.empty()) url += "&page_token=" + UrlEncode(request.page_token);
  if (!request.compute_pool_id.empty()) url += "&spec.compute_pool_id=" + UrlEncode(request.compute_pool_id);
  if (!request.label_selector.empty()) url += "&label_selector=" + UrlEncode(request.label_selector);
  HttpResponse r = Call("GET", url, "", Retry::kIdempotent);
  if (r.error != NetError::kNone || r.status != 200) return ErrorFrom(r, "listing statements");
  absl::StatusOr<StatementListPage> page = DecodeStatementList(r.body);
  if (!page.ok()) return absl::DataLossError(fmt::format("listing statements: {}", page.status().message()));
  return page;
}

absl::Status ConfluentClient::Delete(std::string_view name) {
  HttpResponse r = Call("DELETE", StatementUrl(name), "", Retry::kIdempotent);
  if (r.error == NetError::kNone &&
      (r.status == 200 || r.status == 202 || r.status == 204 || r.status == 404)) {
    return absl::OkStatus();
  }
  if (r.error == NetError::kNone && r.status == 403) {
    // Pool-scoped roles answer 403 for a statement that does not exist (dbt-confluent #58); a 403 for
    // a bad key is a real error.
    std::string message = absl::AsciiStrToLower(ErrorMessageFromBody(r.body));
    if (!(absl::StrContains(message, "invalid") && absl::StrContains(message, "key"))) {
      Log(LogLevel::kDebug, fmt::format("DELETE of '{}' answered 403; treating it as already gone", name));
      return absl::OkStatus();
    }
  }
  return ErrorFrom(r, fmt::format("deleting statement '{}'", name));
}

absl::Status ConfluentClient::SetStopped(std::string_view name, bool stopped, std::string_view new_pool) {
  const std::string what = fmt::format("{} statement '{}'", stopped ? "stopping" : "resuming", name);
  for (int attempt = 0;; ++attempt) {
    FLINKDBT_ASSIGN_OR_RETURN(Statement s, Get(name));
    JsonWriter w;
    w.BeginObject();
    w.Field("name", s.name);
    w.Field("organization_id", s.organization_id.empty() ? options_.organization_id : s.organization_id);
    w.Field("environment_id", s.environment_id.empty() ? options_.environment_id : s.environment_id);
    w.Key("metadata").BeginObject();
    w.Field("self", s.self);
    w.Field("resource_version", s.resource_version);
    w.Key("labels").BeginObject();
    for (const auto& [k, v] : s.labels) w.Field(k, v);
    w.EndObject().EndObject();
    w.Key("spec").BeginObject();
    w.Field("statement", s.sql);
    w.Key("properties").BeginObject();
    for (const auto& [k, v] : s.properties) w.Field(k, v);
    w.EndObject();
    std::string pool = new_pool.empty() ? s.compute_pool_id : std::string(new_pool);
    if (!pool.empty()) w.Field("compute_pool_id", pool);
    if (!s.principal.empty()) w.Field("principal", s.principal);
    w.Field("stopped", stopped);
    w.EndObject();
    w.EndObject();
    HttpResponse r = Call("PUT", StatementUrl(name), w.str(), Retry::kIdempotent);
    if (r.error == NetError::kNone && (r.status == 200 || r.status == 202 || r.status == 204)) {
      return absl::OkStatus();
    }
    if (r.error == NetError::kNone && r.status == 409 && attempt < options_.conflict_retries) {
      Log(LogLevel::kDebug, fmt::format("{}: resource_version conflict, reading it again", what));
      continue;
    }
    return ErrorFrom(r, what);
  }
}

absl::StatusOr<std::vector<StatementException>> ConfluentClient::Exceptions(std::string_view name) {
  HttpResponse r = Call("GET", StatementUrl(name) + "/exceptions", "", Retry::kIdempotent);
  std::string what = fmt::format("reading the exceptions of statement '{}'", name);
  if (r.error != NetError::kNone || r.status != 200) return ErrorFrom(r, what);
  absl::StatusOr<std::vector<StatementException>> list = DecodeExceptionList(r.body);
  if (!list.ok()) return absl::DataLossError(fmt::format("{}: {}", what, list.status().message()));
  return list;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StatementClient>> MakeConfluentClient(ConfluentConnectionOptions options) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string base_url, StatementsBaseUrl(options));
  FLINKDBT_ASSIGN_OR_RETURN(ApiCredentials credentials, ResolveApiCredentials(options));
  return std::unique_ptr<StatementClient>(
      new ConfluentClient(std::move(options), std::move(base_url), std::move(credentials)));
}

}  // namespace flinkdbt::client
