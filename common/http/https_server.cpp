// HttpsServer on cpp-httplib's SSLServer: httplib only moves bytes; each request is converted to
// the plain HttpRequest and answered by the node's handler on the node's EventLoop.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/http/http.h"
#include "common/net/link.h"
#include "common/tls/openssl_util.h"

namespace fabric::http {
namespace {

constexpr std::size_t kMaxBody = 4 << 20;  // larger bodies are answered 413 by httplib

HttpRequest toRequest(const httplib::Request& req) {
  HttpRequest out;
  out.method = req.method;
  out.path = req.path;
  const auto q = req.target.find('?');
  if (q != std::string::npos) out.query = parseUrlEncoded(std::string_view(req.target).substr(q + 1));
  out.headers.reserve(req.headers.size());
  for (const auto& [name, value] : req.headers) {
    // httplib adds these itself; they are not what the peer sent.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT")
      continue;
    out.headers.emplace_back(name, value);
  }
  out.body = req.body;
  out.remote_address = req.remote_addr;
  out.remote_port = static_cast<std::uint16_t>(req.remote_port < 0 ? 0 : req.remote_port);
  return out;
}

void fromResponse(const HttpResponse& in, httplib::Response& res) {
  res.status = in.status;
  for (const auto& [name, value] : in.headers) res.headers.emplace(name, value);
  res.set_content(in.body, in.content_type.c_str());
}

HttpResponse errorResponse(int status, const std::string& why) {
  HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"status", "error"}, {"http_status", status}, {"error_text", why}}.dump();
  return r;
}

}  // namespace

struct HttpsServer::Impl {
  ServerTls tls;
  HttpHandler handler;
  net::EventLoop* loop = nullptr;
  std::string tls_error;  // set by the SSL_CTX setup callback
  std::unique_ptr<httplib::SSLServer> server;
  std::thread thread;
  std::atomic<std::uint16_t> port{0};

  bool setupContext(SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, tls.cert.c_str()) != 1) {
      tls_error = tls::opensslError("load certificate " + tls.cert.string());
      return false;
    }
    if (SSL_CTX_use_PrivateKey_file(&ctx, tls.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(&ctx) != 1) {
      tls_error = tls::opensslError("load private key " + tls.key.string());
      return false;
    }
    if (tls.require_client_cert) {
      if (SSL_CTX_load_verify_locations(&ctx, tls.ca.c_str(), nullptr) != 1) {
        tls_error = tls::opensslError("load CA " + tls.ca.string());
        return false;
      }
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    } else {
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_NONE, nullptr);
    }
    return true;
  }

  HttpResponse dispatch(const HttpRequest& request) {
    try {
      if (loop == nullptr) return handler(request);
      return loop->call([this, &request] { return handler(request); });
    } catch (const std::future_error&) {
      return errorResponse(503, "the node is shutting down");
    } catch (const std::exception& e) {
      return errorResponse(500, std::string("internal error: ") + e.what());
    }
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    fromResponse(dispatch(toRequest(req)), res);
  }
};

HttpsServer::HttpsServer(ServerTls tls, HttpHandler handler, net::EventLoop* loop)
    : impl_(std::make_unique<Impl>()) {
  impl_->tls = std::move(tls);
  impl_->handler = std::move(handler);
  impl_->loop = loop;
}

HttpsServer::~HttpsServer() { stop(); }

std::string HttpsServer::listen(const std::string& address, std::uint16_t port) {
  if (impl_->server) return "already listening";
  Impl* impl = impl_.get();
  auto server = std::make_unique<httplib::SSLServer>(
      [impl](SSL_CTX& ctx) { return impl->setupContext(ctx); });
  if (!server->is_valid()) return impl->tls_error.empty() ? "TLS setup failed" : impl->tls_error;

  // httplib's default sets SO_REUSEPORT, which would let a second node bind a busy port silently.
  server->set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->set_payload_max_length(kMaxBody);
  server->set_keep_alive_timeout(5);
  server->set_read_timeout(10);
  auto handler = [impl](const httplib::Request& req, httplib::Response& res) { impl->serve(req, res); };
  const std::string any = ".*";
  server->Get(any, handler).Post(any, handler).Put(any, handler).Delete(any, handler)
      .Patch(any, handler).Options(any, handler);

  errno = 0;
  int bound = port;
  if (port == 0) {
    bound = server->bind_to_any_port(address);
    if (bound <= 0) bound = 0;
  } else if (!server->bind_to_port(address, port)) {
    bound = 0;
  }
  if (bound == 0) {
    const int err = errno;
    return "bind " + address + ":" + std::to_string(port) + ": " +
           (err != 0 ? std::strerror(err) : "cannot bind");
  }
  impl_->port = static_cast<std::uint16_t>(bound);
  impl_->server = std::move(server);
  httplib::SSLServer* raw = impl_->server.get();
  auto finished = std::make_shared<std::atomic<bool>>(false);
  impl_->thread = std::thread([raw, finished] {
    raw->listen_after_bind();
    *finished = true;
  });
  // httplib's stop() is a no-op until the accept loop has started: wait for it so that a stop()
  // right after listen() cannot leave the thread running forever.
  while (!raw->is_running() && !*finished) std::this_thread::yield();
  return "";
}

std::uint16_t HttpsServer::port() const { return impl_->port; }

void HttpsServer::stop() {
  if (!impl_->server) return;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

}  // namespace fabric::http
