#pragma once
// Syslog stream framing over TCP/TLS: a pure, incremental decoder (feed bytes in any chunking,
// get whole messages out) and the octet-counting encoder.
//
// Framings (RFC 6587):
//  * octet counting (RFC 5425 / RFC 6587 3.4.1): `MSG-LEN SP MSG`, MSG-LEN decimal;
//  * non-transparent (newline): MSG LF, a CR before the LF is dropped; empty lines are ignored.
// kAuto decides per connection from the first bytes, as rsyslog and syslog-ng do: a first byte
// that is a digit means octet counting — refined here: the digits must be followed by SP, so a
// newline stream whose lines start with a digit (`2026-04-03T00:31:09 host date=...`) is still
// read as newline framing.
//
// Limits and errors (each dropped frame is counted and reported with a reason):
//  * newline: a line longer than max_message is dropped ("line exceeds limit 65536 bytes") and the
//    decoder skips to the next LF — it never buffers more than max_message bytes;
//  * octet counting, recoverable: MSG-LEN > max_message ("frame length 99999999 exceeds limit
//    65536"): the frame's bytes are skipped (counted, not buffered) and decoding resumes after
//    it; MSG-LEN 0 ("zero-length frame");
//  * octet counting, fatal: a non-digit where MSG-LEN is expected ("non-digit 'x' (0x78) in octet
//    count"), more than 10 digits ("octet count longer than 10 digits"), no SP after MSG-LEN: the
//    stream cannot be resynchronised safely, feed() returns false and the caller must close the
//    connection; further input is ignored.
// CR/LF bytes between octet-counted frames are tolerated (some senders append a newline).
// Messages are passed as views: into the caller's chunk when a message lies within one chunk
// (zero-copy), else into the decoder's buffer; valid only during the callback.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace fabric::logfmt {

enum class Framing : std::uint8_t { kAuto, kOctetCounting, kNewline };
std::string_view toString(Framing framing);

struct FrameError {
  std::string reason;
  bool fatal = false;  // the connection must be closed
};

class SyslogFrameDecoder {
 public:
  static constexpr std::size_t kDefaultMaxMessage = 65536;
  using MessageFn = std::function<void(std::string_view message)>;
  using ErrorFn = std::function<void(const FrameError& error)>;

  explicit SyslogFrameDecoder(std::size_t max_message = kDefaultMaxMessage,
                              Framing framing = Framing::kAuto);

  // Consumes `bytes`; calls on_message for every complete message and on_error for every dropped
  // frame. Returns false once the stream is broken (fatal error): close the connection.
  bool feed(std::string_view bytes, const MessageFn& on_message, const ErrorFn& on_error);
  // End of stream. Newline framing delivers a last line without LF (rsyslog does the same);
  // an incomplete octet-counted frame is reported ("connection closed inside a frame: 10 of 500
  // bytes"). Returns false when something was lost.
  bool finish(const MessageFn& on_message, const ErrorFn& on_error);

  Framing framing() const { return framing_; }  // kAuto until decided
  bool broken() const { return broken_; }
  std::uint64_t messages() const { return messages_; }
  std::uint64_t errors() const { return errors_; }
  std::size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State : std::uint8_t { kDetect, kCount, kBody, kSkipFrame, kLine, kSkipLine };

  bool feedOctet(std::string_view& in, const MessageFn& on_message, const ErrorFn& on_error);
  void feedNewline(std::string_view& in, const MessageFn& on_message, const ErrorFn& on_error);
  void deliver(std::string_view msg, const MessageFn& on_message);
  void fail(std::string reason, bool fatal, const ErrorFn& on_error);

  std::size_t max_message_;
  Framing framing_;
  State state_;
  bool broken_ = false;
  std::string buffer_;          // partial line / partial frame body / detection bytes
  std::uint64_t frame_len_ = 0;  // octet counting: MSG-LEN being read or the body length
  int count_digits_ = 0;
  std::uint64_t skip_left_ = 0;
  std::uint64_t messages_ = 0;
  std::uint64_t errors_ = 0;
};

// `LEN SP MSG` (RFC 5425); appended to `out`.
void appendOctetCounted(std::string& out, std::string_view message);
std::string encodeOctetCounted(std::string_view message);

}  // namespace fabric::logfmt
