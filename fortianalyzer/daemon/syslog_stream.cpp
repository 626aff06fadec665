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
