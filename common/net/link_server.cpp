#include "common/net/asio_internal.h"

namespace fabric::net {

struct LinkServer::Impl {
  EventLoop& loop;
  TlsConfig tls;
  LinkOptions options;
  LinkHandler on_link;
  std::shared_ptr<detail::Listener> listener;
};

LinkServer::LinkServer(EventLoop& loop, TlsConfig tls, LinkOptions options, LinkHandler on_link)
    : impl_(new Impl{loop, std::move(tls), std::move(options), std::move(on_link), nullptr}) {}

LinkServer::~LinkServer() {
  impl_->loop.runOnLoop([this] { close(); });
}

std::string LinkServer::listen(const std::string& address, std::uint16_t port) {
  return detail::listenOn(
      detail::ioOf(impl_->loop), impl_->listener, &impl_->tls, impl_->options.log, address, port,
      [options = impl_->options, on_link = impl_->on_link](std::shared_ptr<detail::Listener> listener,
                                                           detail::tcp::socket socket,
                                                           std::shared_ptr<asio::ssl::context> context) {
        detail::acceptTlsLink(std::move(listener), std::move(socket), std::move(context), options, on_link);
      });
}

std::uint16_t LinkServer::port() const { return impl_->listener ? impl_->listener->port() : 0; }

void LinkServer::close() {
  if (impl_->listener) impl_->listener->close();
}

}  // namespace fabric::net
