#include "common/net/asio_internal.h"

namespace fabric::net::detail {

std::shared_ptr<Dialer> Dialer::start(asio::io_context& io, bool use_tls, const TlsConfig& tls,
                                      const ClientOptions& options, Done done) {
  auto dialer = std::make_shared<Dialer>(io, std::move(done));
  dialer->begin(use_tls, tls, options);
  return dialer;
}

void Dialer::begin(bool use_tls, const TlsConfig& tls, const ClientOptions& options) {
  target_ = endpointText(options.host, options.port);
  port_ = options.port;
  source_address_ = options.source_address;
  expected_name_ = tls.expected_peer_name.empty() ? options.host : tls.expected_peer_name;
  if (use_tls) {
    try {
      context_ = makeClientContext(tls);
    } catch (const std::exception& e) {
      // Reported from the loop, like every other outcome, never from inside start().
      asio::post(io_, [self = shared_from_this(), reason = std::string("TLS: ") + e.what()] {
        self->fail(reason);
      });
      return;
    }
  }
  const auto timeout = options.link.handshake_timeout;
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this(), timeout](const asio::error_code& ec) {
    if (ec || self->finished_) return;
    self->fail("connect to " + self->target_ + " timed out after " +
               std::to_string(timeout.count()) + " ms");
  });
  asio::error_code ec;
  const auto ip = asio::ip::make_address(options.host, ec);
  if (!ec) {
    asio::post(io_, [self = shared_from_this(), endpoint = tcp::endpoint(ip, options.port)] {
      self->connectTo(endpoint);
    });
    return;
  }
  resolver_.async_resolve(options.host, std::to_string(options.port),
                          [self = shared_from_this()](const asio::error_code& resolve_ec,
                                                      tcp::resolver::results_type results) {
                            if (self->finished_) return;
                            if (resolve_ec || results.empty()) {
                              self->fail("cannot resolve " + self->target_ + ": " +
                                         resolve_ec.message());
                              return;
                            }
                            self->connectTo(*results.begin());
                          });
}

void Dialer::connectTo(const tcp::endpoint& endpoint) {
  if (finished_) return;
  asio::error_code ec;
  socket_.open(endpoint.protocol(), ec);
  if (ec) return fail("socket for " + target_ + ": " + ec.message());
  if (!source_address_.empty()) {
    const auto source = asio::ip::make_address(source_address_, ec);
    if (ec) return fail("invalid source address '" + source_address_ + "'");
    socket_.bind(tcp::endpoint(source, 0), ec);
    if (ec) return fail("cannot bind source address " + source_address_ + ": " + ec.message());
  }
  socket_.async_connect(endpoint, [self = shared_from_this()](const asio::error_code& connect_ec) {
    if (self->finished_) return;
    if (connect_ec) return self->fail("connect to " + self->target_ + ": " + connect_ec.message());
    if (!self->context_) {
      self->finished_ = true;
      self->timer_.cancel();
      DialResult result;
      result.peer = socketPeer(self->socket_);
      result.transport = std::make_shared<TcpTransport>(std::move(self->socket_));
      self->done_(std::move(result));
      return;
    }
    self->handshake();
  });
}

void Dialer::handshake() {
  tls_ = std::make_shared<TlsTransport>(std::move(socket_), context_);
  setExpectedPeerName(tls_->ssl(), expected_name_);
  tls_->stream().async_handshake(
      asio::ssl::stream_base::client, [self = shared_from_this()](const asio::error_code& ec) {
        if (self->finished_) return;
        if (ec)
          return self->fail("TLS handshake with " + self->target_ + " failed: " +
                            handshakeErrorReason(ec, self->tls_->ssl()));
        self->finished_ = true;
        self->timer_.cancel();
        DialResult result;
        result.peer = socketPeer(self->tls_->socket());
        fillPeerCertificate(self->tls_->ssl(), result.peer);
        result.transport = std::move(self->tls_);
        self->done_(std::move(result));
      });
}

void Dialer::fail(const std::string& reason) {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  resolver_.cancel();
  asio::error_code ignored;
  socket_.close(ignored);
  if (tls_) tls_->socket().close(ignored);
  DialResult result;
  result.error = reason;
  if (auto done = std::move(done_)) done(std::move(result));
}

void Dialer::cancel() {
  done_ = nullptr;
  fail("cancelled");
}

Reconnector::Reconnector(EventLoop& loop, bool use_tls, TlsConfig tls, ClientOptions options,
                         Connected connected, LinkClient::DownHandler on_down)
    : io_(ioOf(loop)),
      use_tls_(use_tls),
      tls_(std::move(tls)),
      options_(std::move(options)),
      connected_(std::move(connected)),
      on_down_(std::move(on_down)),
      retry_timer_(io_),
      backoff_(options_.backoff_min) {}

void Reconnector::start() {
  if (started_ || stopped_) return;
  started_ = true;
  attempt();
}

void Reconnector::stop() {
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  if (dialer_) dialer_->cancel();
  dialer_.reset();
  connected_ = nullptr;
  on_down_ = nullptr;
}

void Reconnector::attempt() {
  if (stopped_) return;
  dialer_ = Dialer::start(io_, use_tls_, tls_, options_, [self = shared_from_this()](DialResult result) {
    self->dialer_.reset();
    if (self->stopped_) return;
    if (!result.error.empty()) return self->lost(result.error);
    auto connected = self->connected_;  // the handler may stop() us, which drops connected_
    connected(result);
  });
}

void Reconnector::lost(const std::string& reason) {
  if (stopped_) return;
  const auto delay = backoff_;
  backoff_ = std::min(options_.backoff_max, std::max(backoff_ * 2, std::chrono::milliseconds(1)));
  logLine(options_.link.log, "link to " + endpointText(options_.host, options_.port) + " down (" +
                                 reason + "); retrying in " + std::to_string(delay.count()) + " ms");
  if (on_down_) {
    auto handler = on_down_;
    handler(reason);
  }
  if (stopped_) return;  // on_down may stop us
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec) self->attempt();
  });
}

}  // namespace fabric::net::detail
