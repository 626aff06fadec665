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
  std::shared_ptr<asio::ssl::context> context;
  try {
    context = detail::makeServerContext(impl_->tls);
  } catch (const std::exception& e) {
    return std::string("TLS: ") + e.what();
  }
  auto& io = detail::ioOf(impl_->loop);
  // The accept callback reaches the listener through a weak pointer: the listener owns the callback.
  auto weak = std::make_shared<std::weak_ptr<detail::Listener>>();
  auto listener = std::make_shared<detail::Listener>(
      io,
      [weak, context, options = impl_->options, on_link = impl_->on_link](detail::tcp::socket socket) {
        if (auto self = weak->lock())
          detail::acceptTlsLink(self, std::move(socket), context, options, on_link);
      },
      impl_->options.log);
  *weak = listener;
  if (std::string error = listener->listen(address, port); !error.empty()) return error;
  impl_->listener = listener;
  return {};
}

std::uint16_t LinkServer::port() const { return impl_->listener ? impl_->listener->port() : 0; }

void LinkServer::close() {
  if (impl_->listener) impl_->listener->close();
}

}  // namespace fabric::net
