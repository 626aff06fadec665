// Fuzz target: the syslog stream decoder. Oracle: decoding the same bytes in one chunk and in
// fuzzer-chosen chunks yields the same messages and errors; no message exceeds the limit; the
// buffer stays bounded; a broken stream stays broken.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/logfmt/syslog_frame_decoder.h"

using namespace fabric::logfmt;

namespace {

struct Outcome {
  std::vector<std::string> messages;
  std::vector<std::string> errors;
  bool ok = true;
};

Outcome decode(std::string_view data, std::size_t max, Framing framing, const std::vector<std::size_t>& cuts) {
  SyslogFrameDecoder d(max, framing);
  Outcome o;
  auto onMsg = [&](std::string_view m) {
    if (m.size() > max) std::abort();
    o.messages.emplace_back(m);
  };
  auto onErr = [&](const FrameError& e) { o.errors.push_back(e.reason); };
  std::size_t pos = 0;
  for (std::size_t cut : cuts) {
    if (cut < pos || cut > data.size()) continue;
    bool fed = d.feed(data.substr(pos, cut - pos), onMsg, onErr);
    if (!fed && !d.broken()) std::abort();
    // bounded: a partial message is never more than the limit (+1 for a CR, +14 while detecting)
    if (d.bufferedBytes() > max + 16) std::abort();
    pos = cut;
  }
  o.ok = d.feed(data.substr(pos), onMsg, onErr);
  if (d.bufferedBytes() > max + 16) std::abort();
  o.ok = d.finish(onMsg, onErr) && o.ok;
  if (d.broken() && d.feed("1 x", onMsg, onErr)) std::abort();
  if (d.messages() != o.messages.size() || d.errors() != o.errors.size()) std::abort();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  std::size_t max = 8 + bytes[0] % 120;
  Framing framing = static_cast<Framing>(bytes[1] % 3);
  std::string_view data(reinterpret_cast<const char*>(bytes) + 2, size - 2);
  // Chunk boundaries derived from the data itself.
  std::vector<std::size_t> cuts;
  std::size_t step = 1 + (bytes[0] >> 4);
  for (std::size_t i = step; i < data.size(); i += step + (static_cast<unsigned char>(data[i]) % 5)) {
    cuts.push_back(i);
  }
  Outcome whole = decode(data, max, framing, {});
  Outcome chunked = decode(data, max, framing, cuts);
  if (whole.messages != chunked.messages || whole.errors != chunked.errors || whole.ok != chunked.ok) {
    std::abort();
  }
  // Encoder round trip: every message re-framed with octet counting decodes to itself.
  std::string stream;
  for (const std::string& m : whole.messages) appendOctetCounted(stream, m);
  Outcome again = decode(stream, max, Framing::kOctetCounting, cuts);
  if (again.messages != whole.messages || !again.errors.empty()) std::abort();
  return 0;
}
