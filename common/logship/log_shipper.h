#pragma once
// Moves a node's buffered log lines (a FortiClient endpoint's, the EMS's) to its FortiAnalyzer over one byte stream (RFC 5425
// octet counting, syslog_frame.h), in append order, one batch in flight at a time.
//
// Delivery rule: a batch is committed in the DiskLogBuffer only once the stream has written all of
// its bytes AND is still open at a later pump at least `settle` after that (a close or reset from a
// dying peer shows up in that interval: 50 ms by default, far above a loopback or LAN round trip),
// so a batch written into a connection that was already dying is sent again on the next stream.
// Counting pumps alone was not enough: pumps called back to back after appends could commit a batch
// microseconds after it was written, before the peer's close had arrived (seen as a lost batch). RFC 5425 has no acknowledgements: this gives at-least-once delivery in order (a batch cut
// by a failing connection may arrive twice), never a silent loss of an accepted line while the
// sender keeps running; across a kill -9, uncommitted lines are sent again.
// Not thread-safe: used on the sender's event loop. AnalyzerSender (analyzer_sender.h) wires it to
// a reconnecting TLS stream.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/net/link.h"
#include "common/logship/disk_log_buffer.h"

namespace fabric::logship {

class LogShipper {
 public:
  static constexpr std::size_t kBatchLines = 256;
  static constexpr std::size_t kBatchBytes = 256 * 1024;

  static constexpr std::chrono::milliseconds kDefaultSettle{50};

  explicit LogShipper(DiskLogBuffer& buffer, std::chrono::milliseconds settle = kDefaultSettle)
      : buffer_(buffer), settle_(settle) {}

  // A new stream to the analyzer: anything not committed is sent again from the oldest line.
  void attach(std::shared_ptr<net::ByteStream> stream);
  // The stream is gone (closed, or the analyzer may no longer be used): in-flight lines stay
  // uncommitted.
  void detach();
  // Commits what the stream has written and sends the next batch. Call after appending lines and
  // periodically while busy(). Returns "" or the reason a commit failed.
  std::string pump();

  bool connected() const { return stream_ && stream_->isOpen(); }
  bool busy() const { return in_flight_ || buffer_.pendingLines() > 0; }
  std::uint64_t deliveredLines() const { return delivered_lines_; }
  nlohmann::json status() const;

 private:
  DiskLogBuffer& buffer_;
  std::shared_ptr<net::ByteStream> stream_;
  bool in_flight_ = false;
  std::chrono::milliseconds settle_;
  bool written_ = false;  // the stream reported all bytes written at an earlier pump, at written_at_
  std::chrono::steady_clock::time_point written_at_{};
  std::uint64_t in_flight_end_ = 0;
  std::size_t in_flight_lines_ = 0;
  std::uint64_t delivered_lines_ = 0;
  std::string last_error_;
};

}  // namespace fabric::logship
