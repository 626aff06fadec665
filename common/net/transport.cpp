#include "common/net/asio_internal.h"

namespace fabric::net::detail {
namespace {
// How long a TLS close_notify exchange may take before the socket is simply closed.
constexpr std::chrono::milliseconds kShutdownGrace{1000};

void closeSocket(tcp::socket& socket) {
  asio::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}
}  // namespace

void TcpTransport::readSome(asio::mutable_buffer buffer, ErrorHandler handler) {
  socket_.async_read_some(buffer, std::move(handler));
}

void TcpTransport::writeAll(asio::const_buffer buffer, ErrorHandler handler) {
  asio::async_write(socket_, buffer, std::move(handler));
}

void TcpTransport::shutdown(std::shared_ptr<void> keep) { closeSocket(socket_); }

void TlsTransport::readSome(asio::mutable_buffer buffer, ErrorHandler handler) {
  stream_.async_read_some(buffer, std::move(handler));
}

void TlsTransport::writeAll(asio::const_buffer buffer, ErrorHandler handler) {
  asio::async_write(stream_, buffer, std::move(handler));
}

void TlsTransport::shutdown(std::shared_ptr<void> keep) {
  if (!socket().is_open()) return;
  auto timer = std::make_shared<asio::steady_timer>(socket().get_executor(), kShutdownGrace);
  timer->async_wait([this, keep](const asio::error_code& ec) {
    if (!ec) closeSocket(socket());
  });
  stream_.async_shutdown([this, keep, timer](const asio::error_code&) {
    timer->cancel();
    closeSocket(socket());
  });
}

}  // namespace fabric::net::detail
