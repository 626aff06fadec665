#include "fortianalyzer/daemon/syslog_stream.h"

namespace fabric::faz {

bool isOversizeError(std::string_view reason) { return reason.find("exceeds limit") != std::string_view::npos; }

namespace {
void classify(const logfmt::FrameError& error, StreamFeedResult& result) {
  if (error.fatal) result.fatal = true;
  if (isOversizeError(error.reason))
    ++result.oversized;
  else
    result.framing_errors.push_back(error.reason);
}
}  // namespace

StreamFeedResult SyslogStream::feed(std::string_view bytes, MessageBatch& batch) {
  StreamFeedResult result;
  // The messages of one read take at most its bytes (plus a frame carried over from the previous
  // read, rare): one allocation instead of the doubling appends into a batch that the previous
  // submission moved out (~6 reallocations and copies per 16 KiB TLS record). Only into an empty
  // batch: one held back by a full queue grows by doubling as before.
  if (batch.empty()) batch.reserve(bytes.size() / 128 + 1, bytes.size());
  bool ok = decoder_.feed(
      bytes, [&](std::string_view message) { batch.add(message); },
      [&](const logfmt::FrameError& error) { classify(error, result); });
  if (!ok) result.fatal = true;
  return result;
}

StreamFeedResult SyslogStream::finish(MessageBatch& batch) {
  StreamFeedResult result;
  decoder_.finish([&](std::string_view message) { batch.add(message); },
                  [&](const logfmt::FrameError& error) { classify(error, result); });
  return result;
}

}  // namespace fabric::faz
