// Feeds arbitrary bytes to the framed JSON decoder in two chunkings and checks that both agree,
// that every decoded message re-encodes and decodes to itself, and that nothing crashes.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "common/net/frame_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fabric::net::FrameDecoder whole(4096);
  const std::string whole_error = whole.feed(input);
  fabric::net::FrameDecoder split(4096);
  std::string split_error;
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  split_error = split.feed(input.substr(0, cut));
  if (split_error.empty()) split_error = split.feed(input.substr(cut));
  if (whole_error != split_error) std::abort();
  while (auto m = whole.next()) {
    auto other = split.next();
    if (!other || *other != *m) std::abort();
    fabric::net::FrameDecoder again;
    if (!again.feed(fabric::net::encodeFrame(*m)).empty()) std::abort();
    auto back = again.next();
    if (!back || *back != *m) std::abort();
  }
  if (split.next()) std::abort();
  return 0;
}
