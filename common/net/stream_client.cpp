#include "common/net/asio_internal.h"

namespace fabric::net {

struct StreamClient::Impl {
  EventLoop& loop;
  std::shared_ptr<detail::Reconnector> reconnector;
  std::shared_ptr<detail::ByteStreamImpl> stream;
};

StreamClient::StreamClient(EventLoop& loop, bool use_tls, TlsConfig tls, ClientOptions options,
                           StreamHandler on_stream, DownHandler on_down)
    : impl_(new Impl{loop, nullptr, nullptr}) {
  auto& io = detail::ioOf(loop);
  Impl* impl = impl_.get();
  const LogHandler log = options.link.log;
  // As in LinkClient: callbacks run only between start() and stop(), and stop() precedes ~Impl.
  impl_->reconnector = std::make_shared<detail::Reconnector>(
      loop, use_tls, std::move(tls), std::move(options),
      [impl, &io, log, on_stream = std::move(on_stream)](detail::DialResult& result) {
        auto stream = std::make_shared<detail::ByteStreamImpl>(io, std::move(result.transport),
                                                               std::move(result.peer), log);
        std::weak_ptr<detail::Reconnector> weak = impl->reconnector;
        // A byte stream has no greeting to wait for: connected counts as healthy.
        if (auto r = weak.lock()) r->healthy();
        stream->setCloseHook([impl, weak, raw = stream.get()](const std::string& reason) {
          auto r = weak.lock();
          if (!r || r->stopped()) return;
          if (impl->stream.get() == raw) impl->stream.reset();
          r->lost(reason);
        });
        impl->stream = stream;
        if (on_stream) on_stream(stream);
        stream->start();
      },
      std::move(on_down));
}

StreamClient::~StreamClient() {
  impl_->loop.runOnLoop([this] { stop(); });
}

void StreamClient::start() { impl_->reconnector->start(); }

void StreamClient::stop() {
  impl_->reconnector->stop();
  if (auto stream = std::move(impl_->stream)) stream->detach("stream client stopped");
}

std::shared_ptr<ByteStream> StreamClient::stream() const {
  if (impl_->stream && impl_->stream->isOpen()) return impl_->stream;
  return nullptr;
}

}  // namespace fabric::net
