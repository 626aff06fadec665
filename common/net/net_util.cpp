#include <iostream>

#include "common/net/asio_internal.h"

namespace fabric::net::detail {

asio::io_context& ioOf(EventLoop& loop) { return *static_cast<asio::io_context*>(loop.ioContext()); }

void logLine(const LogHandler& log, const std::string& line) {
  if (log) {
    log(line);
  } else {
    std::cerr << "fabric-net: " << line << std::endl;
  }
}

std::string endpointText(const std::string& address, std::uint16_t port) {
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}

PeerInfo socketPeer(tcp::socket& socket) {
  PeerInfo peer;
  asio::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) {
    peer.address = "?";
    return peer;
  }
  peer.address = endpoint.address().to_string();
  peer.port = endpoint.port();
  return peer;
}

std::string readErrorReason(const asio::error_code& ec) {
  if (ec == asio::error::eof) return "peer closed the connection";
  if (ec == asio::ssl::error::stream_truncated)
    return "peer closed the connection without TLS close_notify";
  if (ec == asio::error::connection_reset) return "connection reset by peer";
  return "read failed: " + ec.message();
}

}  // namespace fabric::net::detail
