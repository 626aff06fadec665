#include "common/net/frame_codec.h"

#include <stdexcept>

namespace fabric::net {
namespace {

constexpr std::size_t kHeaderBytes = 4;

std::uint32_t readLength(const std::string& buffer) {
  const auto* p = reinterpret_cast<const unsigned char*>(buffer.data());
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

std::string encodeFrame(const nlohmann::json& message) {
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
    throw std::invalid_argument("a frame must be a JSON object with a string 'type'");
  }
  // Invalid UTF-8 in a string is replaced rather than thrown: a peer's odd hostname must not take a
  // link down.
  const std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (body.size() > 0xffffffffULL) throw std::invalid_argument("frame too large to encode");
  const auto n = static_cast<std::uint32_t>(body.size());
  std::string out;
  out.reserve(kHeaderBytes + body.size());
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out += body;
  return out;
}

FrameDecoder::FrameDecoder(std::size_t max_frame) : max_frame_(max_frame) {}

std::string FrameDecoder::feed(std::string_view bytes) {
  if (!error_.empty()) return error_;
  buffer_.append(bytes.data(), bytes.size());
  while (buffer_.size() >= kHeaderBytes) {
    const std::size_t length = readLength(buffer_);
    if (length > max_frame_) {
      error_ = "frame of " + std::to_string(length) + " bytes exceeds the " +
               std::to_string(max_frame_) + "-byte limit";
      buffer_.clear();
      return error_;
    }
    if (length == 0) {
      error_ = "frame is empty";
      buffer_.clear();
      return error_;
    }
    if (buffer_.size() < kHeaderBytes + length) break;
    nlohmann::json message = nlohmann::json::parse(buffer_.begin() + kHeaderBytes,
                                                   buffer_.begin() + kHeaderBytes + length,
                                                   /*cb=*/nullptr, /*allow_exceptions=*/false);
    buffer_.erase(0, kHeaderBytes + length);
    if (message.is_discarded()) {
      error_ = "frame is not valid JSON";
      buffer_.clear();
      return error_;
    }
    if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
      error_ = "frame has no string 'type'";
      buffer_.clear();
      return error_;
    }
    ready_.push_back(std::move(message));
  }
  return {};
}

std::optional<nlohmann::json> FrameDecoder::next() {
  if (ready_.empty()) return std::nullopt;
  auto message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

}  // namespace fabric::net
