#include "common/net/asio_internal.h"

namespace fabric::net {
namespace {
using asio::ip::udp;

// Callbacks hold the state, so destroying the UdpReceiver while a receive is pending is safe.
struct UdpState : std::enable_shared_from_this<UdpState> {
  explicit UdpState(asio::io_context& io, UdpReceiver::DatagramHandler handler)
      : socket(io), on_datagram(std::move(handler)) {}
  udp::socket socket;
  udp::endpoint from;
  std::array<char, 65536> buffer{};
  UdpReceiver::DatagramHandler on_datagram;
  bool open = false;

  void doReceive() {
    socket.async_receive_from(
        asio::buffer(buffer), from,
        [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
          if (!self->open) return;
          if (!ec) {
            PeerInfo peer;
            peer.address = self->from.address().to_string();
            peer.port = self->from.port();
            self->on_datagram(std::string_view(self->buffer.data(), n), peer);
          } else if (ec == asio::error::operation_aborted) {
            return;
          }
          // Other errors (an ICMP error reported on the socket) do not end reception.
          self->doReceive();
        });
  }
};

}  // namespace

struct UdpReceiver::Impl {
  EventLoop& loop;
  DatagramHandler on_datagram;
  std::shared_ptr<UdpState> state;
  std::uint16_t port = 0;
};

UdpReceiver::UdpReceiver(EventLoop& loop, DatagramHandler on_datagram)
    : impl_(new Impl{loop, std::move(on_datagram), nullptr}) {}

UdpReceiver::~UdpReceiver() {
  impl_->loop.runOnLoop([this] { close(); });
}

std::string UdpReceiver::listen(const std::string& address, std::uint16_t port) {
  if (impl_->state) return "already listening on port " + std::to_string(impl_->port);
  asio::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return "invalid listen address '" + address + "'";
  auto state = std::make_shared<UdpState>(detail::ioOf(impl_->loop), impl_->on_datagram);
  const udp::endpoint endpoint(ip, port);
  state->socket.open(endpoint.protocol(), ec);
  if (!ec) state->socket.bind(endpoint, ec);
  if (ec) return "bind udp " + detail::endpointText(address, port) + ": " + ec.message();
  impl_->port = state->socket.local_endpoint(ec).port();
  state->open = true;
  state->doReceive();
  impl_->state = state;
  return {};
}

std::uint16_t UdpReceiver::port() const { return impl_->port; }

void UdpReceiver::close() {
  if (!impl_->state) return;
  impl_->state->open = false;
  asio::error_code ignored;
  impl_->state->socket.close(ignored);
  impl_->state.reset();
}

}  // namespace fabric::net
