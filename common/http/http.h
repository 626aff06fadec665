#pragma once
// CONTRACT (written before the implementation; the implementation may add, not change meaning).
//
// HTTPS for the admin REST APIs (FortiGate /api/v2, EMS /api/v1, FortiAnalyzer /api) and the
// FortiGate's EMS client. cpp-httplib is included only in this folder's .cpp files; everything else
// sees these plain structs, so a REST handler is a function HttpRequest → HttpResponse that tests
// call without a socket. The server hands each request to the node's EventLoop (EventLoop::call)
// so handlers run on the thread that owns the node's state (DESIGN.md "Concurrency").

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fabric::net {
class EventLoop;
}

namespace fabric::http {

using Headers = std::vector<std::pair<std::string, std::string>>;  // names as received

struct HttpRequest {
  std::string method;   // GET POST PUT DELETE
  std::string path;     // decoded path without the query: "/api/v2/cmdb/firewall/address/EMS01"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string remote_address;  // "127.0.1.3"
  std::uint16_t remote_port = 0;
  // Case-insensitive header / first query parameter / cookie lookups.
  std::optional<std::string> header(std::string_view name) const;
  std::optional<std::string> param(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;  // e.g. {"Set-Cookie", "ccsrftoken=\"…\"; path=/"}
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct ServerTls {
  std::filesystem::path cert;
  std::filesystem::path key;
  std::filesystem::path ca;          // for verifying client certificates when required
  bool require_client_cert = false;  // admin APIs: false (browsers and scripts), as appliances
};

// HTTPS server; every request goes through `handler` on `loop` (or on the request thread when
// loop is null — for handlers that own their own locking, e.g. read-only search).
class HttpsServer {
 public:
  HttpsServer(ServerTls tls, HttpHandler handler, net::EventLoop* loop);
  ~HttpsServer();  // stops and joins
  // Binds and starts serving on a background thread; "" or the reason. Port 0 = any free port.
  std::string listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ClientTls {
  std::filesystem::path ca;     // verify the server against this CA (always verified)
  std::filesystem::path cert;   // optional client certificate
  std::filesystem::path key;
};

struct ClientResult {
  int status = 0;            // 0 when no HTTP answer arrived
  std::string error;         // "" or why no answer: "connect 127.0.1.4:443: Connection refused",
                             // "timed out after 5 s", "certificate verify failed: …"
  Headers headers;
  std::string body;
  bool ok() const { return error.empty(); }
};

// Blocking HTTPS client (run it off the event loop). Keeps cookies between calls (session auth).
class HttpsClient {
 public:
  HttpsClient(std::string host, std::uint16_t port, ClientTls tls, std::string source_address = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpsClient();
  ClientResult request(const std::string& method, const std::string& path_and_query,
                       const std::string& body = {}, const Headers& headers = {});
  // The peer certificate's subject serialNumber seen on the last connection ("" before any).
  std::string peerSerialNumber() const;
  void clearCookies();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// --- Additions to the contract (implementation-side; meaning above unchanged) ---

// application/x-www-form-urlencoded and query strings: "a=1&b=x%20y" → {{"a","1"},{"b","x y"}},
// '+' as space, malformed escapes kept literally. Pure, for handlers (e.g. /logincheck forms).
std::vector<std::pair<std::string, std::string>> parseUrlEncoded(std::string_view text);
// Percent-encodes everything but unreserved characters (RFC 3986), for building query strings.
std::string urlEncode(std::string_view text);

}  // namespace fabric::http
