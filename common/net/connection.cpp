#include "common/net/asio_internal.h"

namespace fabric::net::detail {
namespace {
// After close(), queued bytes get this long to leave before the socket is shut regardless.
constexpr std::chrono::milliseconds kFlushGrace{2000};
// Up to this many queued bytes go out in one write.
constexpr std::size_t kCoalesceLimit = 256 * 1024;
}  // namespace

Connection::Connection(asio::io_context& io, std::shared_ptr<Transport> transport, PeerInfo peer,
                       LogHandler log, std::string kind)
    : io_(io),
      transport_(std::move(transport)),
      peer_(std::move(peer)),
      log_(std::move(log)),
      kind_(std::move(kind)) {}

Connection::~Connection() = default;

void Connection::startReading() { doRead(); }

void Connection::pauseReads() { paused_ = true; }

void Connection::resumeReads() {
  if (!paused_) return;
  paused_ = false;
  doRead();
}

// There is at most one read in flight; it re-arms itself until paused or closed.
void Connection::doRead() {
  if (closed_ || paused_ || reading_) return;
  reading_ = true;
  transport_->readSome(asio::buffer(buffer_),
                       [this, keep = self()](const asio::error_code& ec, std::size_t n) {
                         reading_ = false;
                         if (closed_) return;
                         if (ec) {
                           closeWith(readErrorReason(ec));
                           return;
                         }
                         onBytes(std::string_view(buffer_.data(), n));
                         doRead();
                       });
}

bool Connection::queueWrite(std::string bytes) {
  if (closed_) return false;
  if (bytes.empty()) return true;
  pending_bytes_ += bytes.size();
  queue_.push_back(std::move(bytes));
  if (!writing_) doWrite();
  return true;
}

// Queued messages leave together: one TLS record and one syscall for many small frames.
void Connection::doWrite() {
  writing_ = true;
  inflight_.clear();
  if (queue_.front().size() >= kCoalesceLimit) {
    inflight_ = std::move(queue_.front());
    queue_.pop_front();
  } else {
    while (!queue_.empty() && inflight_.size() + queue_.front().size() <= kCoalesceLimit) {
      inflight_ += queue_.front();
      queue_.pop_front();
    }
  }
  transport_->writeAll(asio::buffer(inflight_),
                       [this, keep = self()](const asio::error_code& ec, std::size_t) {
                         writing_ = false;
                         if (ec) {
                           queue_.clear();
                           inflight_.clear();
                           pending_bytes_ = 0;
                           if (!closed_) closeWith("write failed: " + ec.message());
                           finish();
                           return;
                         }
                         pending_bytes_ -= inflight_.size();
                         inflight_.clear();
                         if (!queue_.empty()) {
                           doWrite();
                         } else if (closed_) {
                           finish();
                         }
                       });
}

void Connection::closeWith(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  reason_ = reason;
  onClosing();
  if (!silent_)
    logLine(log_, kind_ + " " + endpointText(peer_.address, peer_.port) +
                      (peer_.common_name.empty() ? "" : " (" + peer_.common_name + ")") +
                      " closed: " + reason);
  postCloseDelivery();
  if (!writing_) {
    finish();
    return;
  }
  // Let what was queued before close() leave, within a bound.
  flush_timer_ = std::make_unique<asio::steady_timer>(io_, kFlushGrace);
  flush_timer_->async_wait([this, keep = self()](const asio::error_code& ec) {
    if (!ec) finish();
  });
}

void Connection::postCloseDelivery() {
  if (silent_) return;
  asio::post(io_, [this, keep = self()] {
    if (silent_ || close_notified_) return;
    close_notified_ = true;
    deliverClose(reason_);
    if (auto hook = std::move(close_hook_)) hook(reason_);
  });
}

// After the close is told, the handlers are dropped: they often capture the connection itself.
void Connection::deliverClose(const std::string& reason) {
  dropDataHandler();
  if (!on_close_) {
    close_pending_ = true;
    return;
  }
  auto handler = std::move(on_close_);
  on_close_ = nullptr;
  handler(reason);
}

void Connection::setCloseHandler(std::function<void(const std::string& reason)> handler) {
  on_close_ = std::move(handler);
  // Closed before anyone listened: tell the late listener, once.
  if (close_notified_ && close_pending_)
    asio::post(io_, [this, keep = self()] {
      if (!close_pending_ || !on_close_) return;
      close_pending_ = false;
      auto handler = std::move(on_close_);
      on_close_ = nullptr;
      handler(reason_);
    });
}

void Connection::detach(const std::string& reason) {
  silent_ = true;
  close_hook_ = nullptr;
  closeWith(reason);
}

void Connection::finish() {
  if (finished_) return;
  finished_ = true;
  if (flush_timer_) flush_timer_->cancel();
  transport_->shutdown(self());
}

}  // namespace fabric::net::detail
