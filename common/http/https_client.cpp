// HttpsClient on cpp-httplib's SSLClient: the server is always verified against the CA (chain and
// host name), cookies are kept between calls, and the peer certificate's subject serialNumber is
// captured at each handshake (SSL info callback), since httplib does not expose the connection.
#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "common/http/http.h"
#include "common/tls/openssl_util.h"

namespace fabric::http {
namespace {

std::string seconds(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// httplib reports a failed connect without errno; one more non-blocking connect names the reason.
std::string probeConnect(const std::string& host, std::uint16_t port, const std::string& source,
                         std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res); rc != 0)
    return gai_strerror(rc);
  std::string reason = "unreachable";
  const int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    bool bound = true;
    if (!source.empty()) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
          ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
        reason = "bind " + source + ": " + std::strerror(errno);
        bound = false;
      }
    }
    if (bound) {
      int err = 0;
      if (::connect(fd, res->ai_addr, res->ai_addrlen) != 0) err = errno;
      if (err == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
          socklen_t len = sizeof(err);
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        } else {
          err = ETIMEDOUT;
        }
      }
      reason = err == 0 ? "connection closed during the TLS handshake" : std::strerror(err);
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return reason;
}

std::string toLower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

struct HttpsClient::Impl {
  std::string host;
  std::uint16_t port = 0;
  ClientTls tls;
  std::string source_address;
  std::chrono::milliseconds timeout;
  std::unique_ptr<httplib::SSLClient> client;
  std::map<std::string, std::string> cookies;
  mutable std::mutex peer_mutex;  // the info callback runs on the requesting thread; be safe anyway
  std::string peer_serial;
  std::string last_peer_serial;

  static void onInfo(const SSL* ssl, int where, int /*ret*/) {
    if ((where & SSL_CB_HANDSHAKE_DONE) == 0) return;
    auto* self = static_cast<Impl*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (self == nullptr) return;
    std::string serial;
    if (X509* cert = SSL_get0_peer_certificate(ssl)) serial = tls::subjectAttribute(cert, NID_serialNumber);
    std::lock_guard lock(self->peer_mutex);
    self->peer_serial = serial;
  }

  std::string cookieHeader() const {
    std::string out;
    for (const auto& [name, value] : cookies) {
      if (!out.empty()) out += "; ";
      out += name + "=" + value;
    }
    return out;
  }

  void keepCookies(const httplib::Headers& headers) {
    auto range = headers.equal_range("Set-Cookie");
    for (auto it = range.first; it != range.second; ++it) {
      std::string_view text = it->second;
      const std::string_view pair = text.substr(0, text.find(';'));
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(pair.substr(0, eq));
      std::string value(pair.substr(eq + 1));
      const std::string attrs = toLower(std::string(text));
      const bool expired = value.empty() || value == "\"\"" || attrs.find("max-age=0") != std::string::npos ||
                           attrs.find("expires=thu, 01 jan 1970") != std::string::npos;
      if (expired)
        cookies.erase(name);
      else
        cookies[name] = value;
    }
  }
};

HttpsClient::HttpsClient(std::string host, std::uint16_t port, ClientTls tls, std::string source_address,
                         std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  Impl& im = *impl_;
  im.host = std::move(host);
  im.port = port;
  im.tls = std::move(tls);
  im.source_address = std::move(source_address);
  im.timeout = timeout;
  if (!im.tls.cert.empty())
    im.client = std::make_unique<httplib::SSLClient>(im.host, port, im.tls.cert.string(), im.tls.key.string());
  else
    im.client = std::make_unique<httplib::SSLClient>(im.host, port);
  im.client->set_ca_cert_path(im.tls.ca.string());
  im.client->enable_server_certificate_verification(true);
  im.client->set_url_encode(false);
  im.client->set_keep_alive(false);
  if (!im.source_address.empty()) im.client->set_interface(im.source_address);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
  im.client->set_connection_timeout(us / 1000000, us % 1000000);
  im.client->set_read_timeout(us / 1000000, us % 1000000);
  im.client->set_write_timeout(us / 1000000, us % 1000000);
  if (SSL_CTX* ctx = im.client->ssl_context()) {
    SSL_CTX_set_app_data(ctx, &im);
    SSL_CTX_set_info_callback(ctx, &Impl::onInfo);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  }
}

HttpsClient::~HttpsClient() = default;

ClientResult HttpsClient::request(const std::string& method, const std::string& path_and_query,
                                  const std::string& body, const Headers& headers) {
  Impl& im = *impl_;
  httplib::Request req;
  req.method = method;
  req.path = path_and_query;
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    if (toLower(name) == "content-type") has_content_type = true;
    req.headers.emplace(name, value);
  }
  if (!body.empty() && !has_content_type) req.headers.emplace("Content-Type", "application/json");
  if (!im.cookies.empty()) req.headers.emplace("Cookie", im.cookieHeader());
  req.body = body;
  {
    std::lock_guard lock(im.peer_mutex);
    im.peer_serial.clear();
  }

  const auto started = std::chrono::steady_clock::now();
  httplib::Result result = im.client->send(req);
  {
    std::lock_guard lock(im.peer_mutex);
    if (!im.peer_serial.empty()) im.last_peer_serial = im.peer_serial;
  }

  ClientResult out;
  if (result) {
    out.status = result->status;
    for (const auto& [name, value] : result->headers) out.headers.emplace_back(name, value);
    out.body = result->body;
    im.keepCookies(result->headers);
    return out;
  }
  const std::string where = im.host + ":" + std::to_string(im.port);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  switch (result.error()) {
    case httplib::Error::Connection:
    case httplib::Error::SSLConnection:
      out.error = "connect " + where + ": " + probeConnect(im.host, im.port, im.source_address, im.timeout);
      break;
    case httplib::Error::BindIPAddress:
      out.error = "bind " + im.source_address + ": cannot use this source address";
      break;
    case httplib::Error::ConnectionTimeout:
      out.error = "timed out after " + seconds(im.timeout) + " connecting to " + where;
      break;
    case httplib::Error::SSLServerVerification: {
      const long code = im.client->get_openssl_verify_result();
      out.error = "certificate verify failed: " +
                  std::string(code != X509_V_OK ? X509_verify_cert_error_string(code)
                                                : "certificate does not match host " + im.host);
      break;
    }
    case httplib::Error::SSLLoadingCerts:
      out.error = "cannot load CA " + im.tls.ca.string();
      break;
    case httplib::Error::Read:
    case httplib::Error::Write:
      if (elapsed >= im.timeout)
        out.error = "timed out after " + seconds(im.timeout) + " waiting for " + where;
      else
        out.error = std::string(result.error() == httplib::Error::Read ? "read from " : "write to ") + where +
                    " failed: connection closed";
      break;
    default:
      out.error = httplib::to_string(result.error()) + " (" + where + ")";
  }
  return out;
}

std::string HttpsClient::peerSerialNumber() const {
  std::lock_guard lock(impl_->peer_mutex);
  return impl_->last_peer_serial;
}

void HttpsClient::clearCookies() { impl_->cookies.clear(); }

}  // namespace fabric::http
