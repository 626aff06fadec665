#pragma once
// CONTRACT (written before the implementation; the implementation may add, not change meaning).
// Framed JSON, the one framing of every persistent link and of the local console sockets
// (DESIGN.md "Framed JSON"): a 4-byte big-endian length, then one JSON object with a string `type`.
// Pure: no sockets here, so it is unit-tested and fuzzed on bytes.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fabric::net {

inline constexpr std::size_t kDefaultMaxFrame = 1 << 20;  // 1 MiB

// Encodes one message. Throws std::invalid_argument when `message` is not an object with a string
// `type` (a programming error on the sending side).
std::string encodeFrame(const nlohmann::json& message);

// Incremental decoder: feed bytes in any chunking, take whole messages out.
class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame = kDefaultMaxFrame);

  // Appends bytes and decodes every complete frame. Returns "" while the stream is sound, else the
  // reason it is broken ("frame of 5000000 bytes exceeds the 1048576-byte limit", "frame is not
  // valid JSON: …", "frame has no string 'type'"); after an error the stream is unusable and the
  // connection must be closed with that reason logged. Never buffers more than one frame's limit.
  std::string feed(std::string_view bytes);

  // The next decoded message, in order, or nullopt.
  std::optional<nlohmann::json> next();

 private:
  std::size_t max_frame_;
  std::string buffer_;
  std::deque<nlohmann::json> ready_;
  std::string error_;
};

}  // namespace fabric::net
