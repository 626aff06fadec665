#pragma once
// Moves a node's buffered log lines (a FortiClient endpoint's, the EMS's) to its FortiAnalyzer over one byte stream (RFC 5425
// octet counting, syslog_frame.h), in append order, one batch in flight at a time.
//
// Delivery rule: a batch is committed in the DiskLogBuffer only once the stream has written all of
// its bytes AND is still open one pump later (a reset from a dead peer shows up as a close in that
// interval), so a batch written into a connection that was already dying is sent again on the next
// stream. RFC 5425 has no acknowledgements: this gives at-least-once delivery in order (a batch cut
// by a failing connection may arrive twice), never a silent loss of an accepted line while the
// sender keeps running; across a kill -9, uncommitted lines are sent again.
// Not thread-safe: used on the sender's event loop. AnalyzerSender (analyzer_sender.h) wires it to
// a reconnecting TLS stream.

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

  explicit LogShipper(DiskLogBuffer& buffer) : buffer_(buffer) {}

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
  bool written_ = false;  // the stream reported all bytes written at the previous pump
  std::uint64_t in_flight_end_ = 0;
  std::size_t in_flight_lines_ = 0;
  std::uint64_t delivered_lines_ = 0;
  std::string last_error_;
};

}  // namespace fabric::logship
