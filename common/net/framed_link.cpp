#include "common/net/asio_internal.h"

namespace fabric::net::detail {
namespace {
const nlohmann::json& heartbeat() {
  static const nlohmann::json kHeartbeat = {{"type", "heartbeat"}};
  return kHeartbeat;
}
}  // namespace

FramedLinkImpl::FramedLinkImpl(asio::io_context& io, std::shared_ptr<Transport> transport,
                               PeerInfo peer, LinkOptions options)
    : Connection(io, std::move(transport), std::move(peer), options.log, "link"),
      options_(std::move(options)),
      decoder_(options_.max_frame),
      heartbeat_timer_(io),
      watchdog_timer_(io),
      last_frame_(std::chrono::steady_clock::now()) {}

void FramedLinkImpl::start() {
  if (!connectionOpen()) return;  // closed by the handler that received it
  last_frame_ = std::chrono::steady_clock::now();
  startReading();
  // The first heartbeat goes out at once: it tells a dialling peer that we accepted it.
  send(heartbeat());
  armHeartbeat();
  armWatchdog();
}

bool FramedLinkImpl::send(const nlohmann::json& message) {
  if (!connectionOpen()) return false;
  return queueWrite(encodeFrame(message));
}

void FramedLinkImpl::onMessage(MessageHandler handler) {
  if (closeNotified()) return;  // closed and told: nothing will arrive
  on_message_ = std::move(handler);
  if (!undelivered_.empty())
    asio::post(io(), [this, keep = shared_from_this()] { deliverPending(); });
}

void FramedLinkImpl::onBytes(std::string_view bytes) {
  const std::string error = decoder_.feed(bytes);
  while (auto message = decoder_.next()) {
    last_frame_ = std::chrono::steady_clock::now();
    if (first_frame_hook_) {
      auto hook = std::move(first_frame_hook_);
      first_frame_hook_ = nullptr;
      hook();
    }
    if ((*message)["type"] == "heartbeat") continue;
    undelivered_.push_back(std::move(*message));
  }
  deliverPending();
  if (!error.empty()) closeWith(error);
}

void FramedLinkImpl::deliverPending() {
  while (on_message_ && connectionOpen() && !undelivered_.empty()) {
    nlohmann::json message = std::move(undelivered_.front());
    undelivered_.pop_front();
    auto handler = on_message_;  // the handler may replace itself
    try {
      handler(message);
    } catch (const std::exception& e) {
      closeWith(std::string("message handler failed: ") + e.what());
    }
  }
}

void FramedLinkImpl::onClosing() {
  heartbeat_timer_.cancel();
  watchdog_timer_.cancel();
  undelivered_.clear();
}

void FramedLinkImpl::armHeartbeat() {
  heartbeat_timer_.expires_after(options_.heartbeat_interval);
  heartbeat_timer_.async_wait([this, keep = shared_from_this()](const asio::error_code& ec) {
    if (ec || !connectionOpen()) return;
    send(heartbeat());
    armHeartbeat();
  });
}

// One timer at last_frame + peer_timeout; when it fires early because frames kept coming, re-arm.
void FramedLinkImpl::armWatchdog() {
  watchdog_timer_.expires_at(last_frame_ + options_.peer_timeout);
  watchdog_timer_.async_wait([this, keep = shared_from_this()](const asio::error_code& ec) {
    if (ec || !connectionOpen()) return;
    if (std::chrono::steady_clock::now() - last_frame_ >= options_.peer_timeout) {
      closeWith("no frame from peer for " + std::to_string(options_.peer_timeout.count()) +
                " ms (peer timeout)");
      return;
    }
    armWatchdog();
  });
}

}  // namespace fabric::net::detail
