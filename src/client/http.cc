#include "client/http.h"

#include <curl/curl.h>

#include <mutex>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/confluent.h"
#include "fmt/format.h"

namespace flinkdbt::client {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  if (line.substr(0, 5) == "HTTP/") {
    headers->clear();  // a new response (e.g. after 100 Continue)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = absl::AsciiStrToLower(ToAbsl(line.substr(0, colon)));
    std::string value(absl::StripAsciiWhitespace(ToAbsl(line.substr(colon + 1))));
    (*headers)[name] = value;
  }
  return size * n;
}

NetError Classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return NetError::kDns;
    case CURLE_COULDNT_CONNECT:
      return NetError::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return NetError::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return NetError::kTls;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return NetError::kBadUrl;
    default:
      return NetError::kNetwork;
  }
}

// Resolves `location` against `base` with curl's URL parser.
std::string ResolveUrl(const std::string& base, const std::string& location) {
  CURLU* u = curl_url();
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_URL, location.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    char* s = nullptr;
    if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) out = s;
    curl_free(s);
  }
  curl_url_cleanup(u);
  return out;
}

}  // namespace

std::string HttpResponse::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? "" : it->second;
}

std::string UrlHost(std::string_view url) {
  CURLU* u = curl_url();
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, std::string(url).c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    char* s = nullptr;
    if (curl_url_get(u, CURLUPART_HOST, &s, 0) == CURLUE_OK) out = absl::AsciiStrToLower(s);
    curl_free(s);
  }
  curl_url_cleanup(u);
  return out;
}

std::string UrlEncode(std::string_view text) {
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

HttpTransport::HttpTransport(HttpTransportOptions options) : options_(std::move(options)) { GlobalInit(); }

HttpTransport::~HttpTransport() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpTransport::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpTransport::Release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

HttpResponse HttpTransport::SendOnce(void* handle, const HttpRequest& request, bool with_auth) {
  CURL* curl = static_cast<CURL*>(handle);
  curl_easy_reset(curl);  // keeps the connection cache
  HttpResponse response;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  std::string auth = "Authorization: " + options_.authorization;
  if (with_auth && !options_.authorization.empty()) headers = curl_slist_append(headers, auth.c_str());
  std::string ctype = "Content-Type: " + request.content_type;
  if (!request.content_type.empty()) headers = curl_slist_append(headers, ctype.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.request_timeout)));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
  }
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    response.error = Classify(code);
    response.error_message = errbuf[0] ? errbuf : curl_easy_strerror(code);
    return response;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

HttpResponse HttpTransport::Send(const HttpRequest& request) {
  void* handle = Acquire();
  if (handle == nullptr) {
    HttpResponse r;
    r.error = NetError::kNetwork;
    r.error_message = "curl_easy_init failed";
    return r;
  }
  const std::string origin_host = UrlHost(request.url);
  HttpRequest current = request;
  bool with_auth = true;
  HttpResponse response;
  for (int hop = 0;; ++hop) {
    response = SendOnce(handle, current, with_auth);
    response.redirects = hop;
    const int s = response.status;
    const bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    std::string location = response.Header("location");
    if (response.error != NetError::kNone || !redirect || location.empty()) break;
    if (hop >= options_.max_redirects) {
      response.error = NetError::kNetwork;
      response.error_message = fmt::format("more than {} redirects", options_.max_redirects);
      break;
    }
    std::string next = ResolveUrl(current.url, location);
    if (next.empty()) break;
    const std::string host = UrlHost(next);
    // Credentials follow a redirect only to the original host or another Confluent host.
    with_auth = with_auth && (host == origin_host || IsConfluentHost(host));
    current.url = next;
    if (s == 303 || ((s == 301 || s == 302) && current.method == "POST")) {
      current.method = "GET";
      current.body.clear();
      current.content_type.clear();
    }
  }
  Release(handle);
  return response;
}

}  // namespace flinkdbt::client
