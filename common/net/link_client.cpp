#include "common/net/asio_internal.h"

namespace fabric::net {

struct LinkClient::Impl {
  EventLoop& loop;
  std::shared_ptr<detail::Reconnector> reconnector;
  std::shared_ptr<detail::FramedLinkImpl> link;
};

LinkClient::LinkClient(EventLoop& loop, TlsConfig tls, ClientOptions options, LinkHandler on_link,
                       DownHandler on_down)
    : impl_(new Impl{loop, nullptr, nullptr}) {
  auto& io = detail::ioOf(loop);
  Impl* impl = impl_.get();
  const LinkOptions link_options = options.link;
  // The Reconnector's callbacks only run between start() and stop(), and stop() runs before impl_
  // goes away, so they may use `impl`.
  impl_->reconnector = std::make_shared<detail::Reconnector>(
      loop, /*use_tls=*/true, std::move(tls), std::move(options),
      [impl, &io, link_options, on_link = std::move(on_link)](detail::DialResult& result) {
        auto link = std::make_shared<detail::FramedLinkImpl>(io, std::move(result.transport),
                                                             std::move(result.peer), link_options);
        std::weak_ptr<detail::Reconnector> weak = impl->reconnector;
        // The server speaking first (its heartbeat) shows it accepted us (with TLS 1.3 a refused
        // client certificate only surfaces after our handshake completed).
        link->setFirstFrameHook([weak] {
          if (auto r = weak.lock()) r->healthy();
        });
        link->setCloseHook([impl, weak, raw = link.get()](const std::string& reason) {
          auto r = weak.lock();
          if (!r || r->stopped()) return;
          if (impl->link.get() == raw) impl->link.reset();
          r->lost(reason);
        });
        impl->link = link;
        if (on_link) on_link(link);
        link->start();
      },
      std::move(on_down));
}

LinkClient::~LinkClient() {
  impl_->loop.runOnLoop([this] { stop(); });
}

void LinkClient::start() { impl_->reconnector->start(); }

void LinkClient::stop() {
  impl_->reconnector->stop();
  if (auto link = std::move(impl_->link)) link->detach("link client stopped");
}

std::shared_ptr<FramedLink> LinkClient::link() const {
  if (impl_->link && impl_->link->isOpen()) return impl_->link;
  return nullptr;
}

}  // namespace fabric::net
