#include "common/net/asio_internal.h"

namespace fabric::net::detail {

ByteStreamImpl::ByteStreamImpl(asio::io_context& io, std::shared_ptr<Transport> transport,
                               PeerInfo peer, LogHandler log)
    : Connection(io, std::move(transport), std::move(peer), std::move(log), "stream") {}

void ByteStreamImpl::onData(DataHandler handler) {
  if (closeNotified()) return;  // closed and told: nothing will arrive
  on_data_ = std::move(handler);
  if (waiting_for_handler_)
    asio::post(io(), [this, keep = shared_from_this()] {
      if (!on_data_ || !waiting_for_handler_ || !connectionOpen()) return;
      waiting_for_handler_ = false;
      std::string bytes = std::move(undelivered_);
      undelivered_.clear();
      onBytes(bytes);
      resumeReads();
    });
}

void ByteStreamImpl::onBytes(std::string_view bytes) {
  if (!on_data_) {
    // Nobody listens yet: keep the bytes (bounded by back-pressure, since reading stops here).
    undelivered_.append(bytes);
    if (!waiting_for_handler_) {
      waiting_for_handler_ = true;
      pauseReads();
    }
    return;
  }
  auto handler = on_data_;
  try {
    handler(bytes);
  } catch (const std::exception& e) {
    closeWith(std::string("data handler failed: ") + e.what());
  }
}

}  // namespace fabric::net::detail
