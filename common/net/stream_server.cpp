#include "common/net/asio_internal.h"

namespace fabric::net {
namespace {

constexpr unsigned char kTlsHandshakeRecord = 0x16;

// Sniff mode: peek (not read) the first byte, so whichever side takes the socket sees it again.
void sniff(std::shared_ptr<detail::Listener> listener, detail::tcp::socket socket,
           std::shared_ptr<asio::ssl::context> context, const LinkOptions& options,
           const StreamServer::StreamHandler& on_stream, const LinkServer::LinkHandler& on_tls_link) {
  struct Pending {
    explicit Pending(detail::tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
    detail::tcp::socket socket;
    asio::steady_timer timer;
    unsigned char first = 0;
    bool done = false;
  };
  auto pending = std::make_shared<Pending>(std::move(socket));
  const PeerInfo peer = detail::socketPeer(pending->socket);
  pending->timer.expires_after(options.handshake_timeout);
  pending->timer.async_wait([pending, peer, options](const asio::error_code& ec) {
    if (ec || pending->done) return;
    pending->done = true;
    asio::error_code ignored;
    pending->socket.close(ignored);
    detail::logLine(options.log, "connection from " + detail::endpointText(peer.address, peer.port) +
                                     " sent nothing within " +
                                     std::to_string(options.handshake_timeout.count()) + " ms");
  });
  pending->socket.async_receive(
      asio::buffer(&pending->first, 1), asio::socket_base::message_peek,
      [listener, pending, peer, context, options, on_stream, on_tls_link](const asio::error_code& ec,
                                                                          std::size_t n) {
        if (pending->done) return;
        pending->done = true;
        pending->timer.cancel();
        if (!listener->isOpen()) return;
        if (ec || n == 0) return;  // closed before saying anything: nothing to hand over
        if (pending->first == kTlsHandshakeRecord) {
          if (!on_tls_link) {
            detail::logLine(options.log, "TLS connection from " +
                                             detail::endpointText(peer.address, peer.port) +
                                             " refused: no link handler on this port");
            return;
          }
          detail::acceptTlsLink(listener, std::move(pending->socket), context, options, on_tls_link);
          return;
        }
        auto stream = std::make_shared<detail::ByteStreamImpl>(
            listener->io(), std::make_shared<detail::TcpTransport>(std::move(pending->socket)), peer,
            options.log);
        on_stream(stream);
        stream->start();
      });
}

}  // namespace

struct StreamServer::Impl {
  EventLoop& loop;
  Mode mode;
  TlsConfig tls;
  StreamHandler on_stream;
  LinkHandler on_tls_link;
  LinkOptions options;
  std::shared_ptr<detail::Listener> listener;
};

StreamServer::StreamServer(EventLoop& loop, Mode mode, TlsConfig tls, StreamHandler on_stream,
                           LinkHandler on_tls_link, LinkOptions link_options)
    : impl_(new Impl{loop, mode, std::move(tls), std::move(on_stream), std::move(on_tls_link),
                     std::move(link_options), nullptr}) {}

StreamServer::~StreamServer() {
  impl_->loop.runOnLoop([this] { close(); });
}

std::string StreamServer::listen(const std::string& address, std::uint16_t port) {
  const TlsConfig* tls = impl_->mode == Mode::Tcp ? nullptr : &impl_->tls;
  return detail::listenOn(
      detail::ioOf(impl_->loop), impl_->listener, tls, impl_->options.log, address, port,
      [mode = impl_->mode, options = impl_->options, on_stream = impl_->on_stream,
       on_tls_link = impl_->on_tls_link](std::shared_ptr<detail::Listener> self, detail::tcp::socket socket,
                                         std::shared_ptr<asio::ssl::context> context) {
        switch (mode) {
          case Mode::Tcp: {
            const PeerInfo peer = detail::socketPeer(socket);
            auto stream = std::make_shared<detail::ByteStreamImpl>(
                self->io(), std::make_shared<detail::TcpTransport>(std::move(socket)), peer, options.log);
            on_stream(stream);
            stream->start();
            break;
          }
          case Mode::Tls:
            detail::acceptTlsStream(self, std::move(socket), context, options, on_stream);
            break;
          case Mode::SniffTlsLink:
            sniff(self, std::move(socket), context, options, on_stream, on_tls_link);
            break;
        }
      });
}

std::uint16_t StreamServer::port() const { return impl_->listener ? impl_->listener->port() : 0; }

void StreamServer::close() {
  if (impl_->listener) impl_->listener->close();
}

}  // namespace fabric::net
