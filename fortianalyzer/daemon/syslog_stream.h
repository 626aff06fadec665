#pragma once
// One syslog byte stream (TCP 514 or TLS 6514) turned into complete messages: the framing decoder
// (common/logfmt, newline or octet counting, decided per connection) plus the classification of its
// errors into what the ingest pipeline counts (oversized vs framing errors). Pure: no socket.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/logfmt/syslog_frame_decoder.h"
#include "fortianalyzer/ingest/ingest_pipeline.h"

namespace fabric::faz {

struct StreamFeedResult {
  std::size_t oversized = 0;                // messages dropped for their size
  std::vector<std::string> framing_errors;  // other dropped frames, with the decoder's reason
  bool fatal = false;                       // the stream cannot be resynchronised: close it
};

class SyslogStream {
 public:
  explicit SyslogStream(std::size_t max_message) : decoder_(max_message) {}
  // Appends every complete message of `bytes` to `batch`.
  StreamFeedResult feed(std::string_view bytes, MessageBatch& batch);
  // End of stream: a last unterminated line is delivered; a partial frame is a framing error.
  StreamFeedResult finish(MessageBatch& batch);
  const logfmt::SyslogFrameDecoder& decoder() const { return decoder_; }

 private:
  logfmt::SyslogFrameDecoder decoder_;
};

// True for the decoder's size errors ("line exceeds limit …", "frame length … exceeds limit …").
bool isOversizeError(std::string_view reason);

}  // namespace fabric::faz
