#include "common/net/asio_internal.h"

namespace fabric::net::detail {

std::string listenOn(asio::io_context& io, std::shared_ptr<Listener>& slot, const TlsConfig* tls,
                     const LogHandler& log, const std::string& address, std::uint16_t port, AcceptedOn accepted) {
  if (slot && slot->isOpen()) return "already listening on port " + std::to_string(slot->port());
  std::shared_ptr<asio::ssl::context> context;
  if (tls) {
    try {
      context = makeServerContext(*tls);
    } catch (const std::exception& e) {
      return std::string("TLS: ") + e.what();
    }
  }
  auto weak = std::make_shared<std::weak_ptr<Listener>>();
  auto listener = std::make_shared<Listener>(
      io,
      [weak, context, accepted = std::move(accepted)](tcp::socket socket) {
        if (auto self = weak->lock()) accepted(self, std::move(socket), context);
      },
      log);
  *weak = listener;
  if (std::string error = listener->listen(address, port); !error.empty()) return error;
  slot = listener;
  return {};
}

std::string Listener::listen(const std::string& address, std::uint16_t port) {
  if (open_) return "already listening on " + endpointText(address, port_);
  asio::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return "invalid listen address '" + address + "'";
  const tcp::endpoint endpoint(ip, port);
  const std::string where = endpointText(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (ec) {
    asio::error_code ignored;
    acceptor_.close(ignored);
    return "bind " + where + ": " + ec.message();
  }
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    asio::error_code ignored;
    acceptor_.close(ignored);
    return "listen " + where + ": " + ec.message();
  }
  port_ = acceptor_.local_endpoint(ec).port();
  open_ = true;
  doAccept();
  return {};
}

void Listener::doAccept() {
  acceptor_.async_accept([self = shared_from_this()](const asio::error_code& ec, tcp::socket socket) {
    if (!self->open_) return;
    if (!ec) {
      self->accepted_(std::move(socket));
      self->doAccept();
      return;
    }
    if (ec == asio::error::operation_aborted) return;
    // Out of descriptors and the like: say so and try again shortly rather than spin.
    logLine(self->log_, "accept on port " + std::to_string(self->port_) + " failed: " + ec.message());
    self->retry_timer_.expires_after(std::chrono::milliseconds(100));
    self->retry_timer_.async_wait([self](const asio::error_code& wait_ec) {
      if (!wait_ec && self->open_) self->doAccept();
    });
  });
}

void Listener::close() {
  if (!open_) return;
  open_ = false;
  asio::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

namespace {

// The common part of both TLS accepts: handshake with a deadline, log a refusal, build PeerInfo.
void handshakeThen(std::shared_ptr<Listener> listener, tcp::socket socket,
                   std::shared_ptr<asio::ssl::context> context, const LinkOptions& options,
                   std::function<void(std::shared_ptr<Transport>, PeerInfo)> then) {
  PeerInfo peer = socketPeer(socket);
  auto transport = std::make_shared<TlsTransport>(std::move(socket), std::move(context));
  serverHandshake(transport, options.handshake_timeout,
                  [listener, transport, peer, log = options.log, then](const std::string& error) mutable {
                    if (!listener->isOpen()) return;
                    if (!error.empty()) {
                      logLine(log, "TLS handshake from " + endpointText(peer.address, peer.port) +
                                       " refused: " + error);
                      return;
                    }
                    fillPeerCertificate(transport->ssl(), peer);
                    then(transport, peer);
                  });
}

}  // namespace

void acceptTlsLink(std::shared_ptr<Listener> listener, tcp::socket socket,
                   std::shared_ptr<asio::ssl::context> context, const LinkOptions& options,
                   std::function<void(std::shared_ptr<FramedLink>)> on_link) {
  auto& io = listener->io();
  handshakeThen(listener, std::move(socket), std::move(context), options,
                [&io, options, on_link](std::shared_ptr<Transport> transport, PeerInfo peer) {
                  auto link = std::make_shared<FramedLinkImpl>(io, std::move(transport),
                                                               std::move(peer), options);
                  on_link(link);
                  link->start();
                });
}

void acceptTlsStream(std::shared_ptr<Listener> listener, tcp::socket socket,
                     std::shared_ptr<asio::ssl::context> context, const LinkOptions& options,
                     std::function<void(std::shared_ptr<ByteStream>)> on_stream) {
  auto& io = listener->io();
  handshakeThen(listener, std::move(socket), std::move(context), options,
                [&io, log = options.log, on_stream](std::shared_ptr<Transport> transport,
                                                    PeerInfo peer) {
                  auto stream = std::make_shared<ByteStreamImpl>(io, std::move(transport),
                                                                 std::move(peer), log);
                  on_stream(stream);
                  stream->start();
                });
}

}  // namespace fabric::net::detail
