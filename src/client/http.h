// HttpTransport: one HTTP exchange over libcurl, private to the client layer. It owns a pool of
// curl easy handles (each keeps its connections alive, so calls reuse connections), follows
// redirects itself so it can decide where the Authorization header may go, and classifies
// transport failures. It does not retry; ConfluentClient does. Thread-safe.
#ifndef FLINKDBT_SRC_CLIENT_HTTP_H_
#define FLINKDBT_SRC_CLIENT_HTTP_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace flinkdbt::client {

struct HttpRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string url;
  std::string body;
  std::string content_type;  // "" for no body
};

enum class NetError { kNone, kDns, kConnect, kTls, kTimeout, kNetwork, kBadUrl };

struct HttpResponse {
  NetError error = NetError::kNone;
  std::string error_message;  // curl's description of a transport failure
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  int redirects = 0;

  std::string Header(std::string_view lower_name) const;
};

struct HttpTransportOptions {
  std::string authorization;  // the full header value, e.g. "Basic ..."
  std::string user_agent;
  std::string ca_bundle;
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration request_timeout = absl::Seconds(60);
  int max_redirects = 5;
};

class HttpTransport {
 public:
  explicit HttpTransport(HttpTransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  HttpResponse Send(const HttpRequest& request);

 private:
  void* Acquire();
  void Release(void* handle);
  HttpResponse SendOnce(void* handle, const HttpRequest& request, bool with_auth);

  HttpTransportOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL*
};

// The host part of an absolute URL ("" if it has none).
std::string UrlHost(std::string_view url);
// Percent-encodes everything outside RFC 3986's unreserved set.
std::string UrlEncode(std::string_view text);

}  // namespace flinkdbt::client

#endif  // FLINKDBT_SRC_CLIENT_HTTP_H_
