#include "common/logship/log_shipper.h"

#include "common/logship/syslog_frame.h"

namespace fabric::logship {

void LogShipper::attach(std::shared_ptr<net::ByteStream> stream) {
  detach();
  stream_ = std::move(stream);
}

void LogShipper::detach() {
  stream_.reset();
  in_flight_ = false;
  written_ = false;
  in_flight_lines_ = 0;
}

std::string LogShipper::pump() {
  if (!connected()) {
    if (stream_) detach();
    return {};
  }
  if (in_flight_) {
    if (stream_->pendingBytes() > 0) {
      written_ = false;
      return {};
    }
    if (!written_) {
      // Written to the socket just now; commit at a later pump, once `settle_` has passed, if the
      // peer has not closed or reset the stream meanwhile.
      written_ = true;
      written_at_ = std::chrono::steady_clock::now();
      return {};
    }
    if (std::chrono::steady_clock::now() - written_at_ < settle_) return {};
    if (auto err = buffer_.commit(in_flight_end_); !err.empty()) {
      last_error_ = err;
      return err;
    }
    delivered_lines_ += in_flight_lines_;
    in_flight_ = false;
    written_ = false;
  }
  LogBatch batch = buffer_.peek(kBatchLines, kBatchBytes);
  if (batch.lines.empty()) return {};
  std::string bytes;
  for (const auto& line : batch.lines) bytes += octetCountedFrame(line, priForLine(line));
  if (!stream_->write(std::move(bytes))) {
    detach();
    return {};
  }
  in_flight_ = true;
  written_ = false;
  in_flight_end_ = batch.end_offset;
  in_flight_lines_ = batch.lines.size();
  return {};
}

nlohmann::json LogShipper::status() const {
  nlohmann::json j = {{"connected", connected()},
                      {"pending_lines", buffer_.pendingLines()},
                      {"pending_bytes", buffer_.pendingBytes()},
                      {"delivered_lines", delivered_lines_},
                      {"refused_lines", buffer_.refusedLines()}};
  if (!last_error_.empty()) j["last_error"] = last_error_;
  return j;
}

}  // namespace fabric::logship
