#include "common/logfmt/syslog_frame_decoder.h"

#include <cstdio>
#include <cstring>

namespace fabric::logfmt {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
constexpr int kMaxCountDigits = 10;

std::string describeByte(char c) {
  char buf[32];
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) {
    std::snprintf(buf, sizeof buf, "'%c' (0x%02x)", c, u);
  } else {
    std::snprintf(buf, sizeof buf, "0x%02x", u);
  }
  return buf;
}

}  // namespace

std::string_view toString(Framing framing) {
  switch (framing) {
    case Framing::kAuto: return "auto";
    case Framing::kOctetCounting: return "octet-counting";
    case Framing::kNewline: return "newline";
  }
  return "unknown";
}

SyslogFrameDecoder::SyslogFrameDecoder(std::size_t max_message, Framing framing)
    : max_message_(max_message == 0 ? 1 : max_message), framing_(framing) {
  state_ = framing == Framing::kAuto          ? State::kDetect
           : framing == Framing::kNewline     ? State::kLine
                                              : State::kCount;
}

void SyslogFrameDecoder::deliver(std::string_view msg, const MessageFn& on_message) {
  ++messages_;
  if (on_message) on_message(msg);
}

void SyslogFrameDecoder::fail(std::string reason, bool fatal, const ErrorFn& on_error) {
  ++errors_;
  if (fatal) broken_ = true;
  if (on_error) on_error(FrameError{std::move(reason), fatal});
}

bool SyslogFrameDecoder::feed(std::string_view in, const MessageFn& on_message,
                              const ErrorFn& on_error) {
  if (broken_) return false;
  if (state_ == State::kDetect) {
    // Decide from the first bytes: digits followed by SP = octet counting, anything else =
    // newline. Leading CR/LF carry no information (both framings ignore them) and are dropped,
    // so the held-back bytes are at most 11 digits.
    if (buffer_.empty()) {
      while (!in.empty() && (in.front() == '\r' || in.front() == '\n')) in.remove_prefix(1);
      if (in.empty()) return true;
    }
    std::size_t held = buffer_.size();
    std::size_t total = held + in.size();
    auto at = [&](std::size_t k) { return k < held ? buffer_[k] : in[k - held]; };
    std::size_t d = 0;
    while (d < total && d <= kMaxCountDigits && isDigit(at(d))) ++d;
    if (d == total) {
      buffer_.append(in);  // only digits so far: wait for the byte after them
      return true;
    }
    framing_ = (d > 0 && at(d) == ' ') ? Framing::kOctetCounting : Framing::kNewline;
    state_ = framing_ == Framing::kOctetCounting ? State::kCount : State::kLine;
    // Replay what was held back through the chosen decoder.
    std::string replay;
    replay.swap(buffer_);
    if (!replay.empty()) {
      std::string_view h = replay;
      if (framing_ == Framing::kOctetCounting) {
        if (!feedOctet(h, on_message, on_error)) return false;
      } else {
        feedNewline(h, on_message, on_error);
      }
    }
  }
  if (framing_ == Framing::kOctetCounting) return feedOctet(in, on_message, on_error);
  feedNewline(in, on_message, on_error);
  return true;
}

void SyslogFrameDecoder::feedNewline(std::string_view& in, const MessageFn& on_message,
                                     const ErrorFn& on_error) {
  while (!in.empty()) {
    const char* lf = static_cast<const char*>(std::memchr(in.data(), '\n', in.size()));
    std::size_t upto = lf ? static_cast<std::size_t>(lf - in.data()) : in.size();
    if (state_ == State::kSkipLine) {
      if (!lf) return;
      state_ = State::kLine;
      in.remove_prefix(upto + 1);
      continue;
    }
    if (!lf) {
      if (buffer_.size() + upto > max_message_ + 1) {
        fail("line exceeds limit " + std::to_string(max_message_) + " bytes", false, on_error);
        buffer_.clear();
        state_ = State::kSkipLine;
      } else {
        buffer_.append(in.data(), upto);
      }
      return;
    }
    std::string_view line;
    if (buffer_.empty()) {
      line = in.substr(0, upto);
    } else if (buffer_.size() + upto > max_message_ + 1) {  // +1: a CR that is dropped
      line = std::string_view();
      fail("line exceeds limit " + std::to_string(max_message_) + " bytes", false, on_error);
      buffer_.clear();
      in.remove_prefix(upto + 1);
      continue;
    } else {
      buffer_.append(in.data(), upto);
      line = buffer_;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_message_) {
      fail("line exceeds limit " + std::to_string(max_message_) + " bytes", false, on_error);
    } else if (!line.empty()) {
      deliver(line, on_message);
    }
    buffer_.clear();
    in.remove_prefix(upto + 1);
  }
}

bool SyslogFrameDecoder::feedOctet(std::string_view& in, const MessageFn& on_message,
                                   const ErrorFn& on_error) {
  while (!in.empty()) {
    switch (state_) {
      case State::kCount: {
        char c = in.front();
        if (count_digits_ == 0 && (c == '\n' || c == '\r')) {
          in.remove_prefix(1);
          break;
        }
        if (isDigit(c)) {
          if (++count_digits_ > kMaxCountDigits) {
            fail("octet count longer than 10 digits", true, on_error);
            return false;
          }
          frame_len_ = frame_len_ * 10 + static_cast<std::uint64_t>(c - '0');
          in.remove_prefix(1);
          break;
        }
        if (c != ' ' || count_digits_ == 0) {
          fail(count_digits_ == 0 ? "non-digit " + describeByte(c) + " in octet count"
                                  : "expected SP after octet count " + std::to_string(frame_len_) +
                                        ", got " + describeByte(c),
               true, on_error);
          return false;
        }
        in.remove_prefix(1);
        count_digits_ = 0;
        if (frame_len_ == 0) {
          fail("zero-length frame", false, on_error);
        } else if (frame_len_ > max_message_) {
          fail("frame length " + std::to_string(frame_len_) + " exceeds limit " +
                   std::to_string(max_message_),
               false, on_error);
          skip_left_ = frame_len_;
          state_ = State::kSkipFrame;
        } else {
          state_ = State::kBody;
        }
        if (state_ == State::kCount) frame_len_ = 0;
        break;
      }
      case State::kBody: {
        std::size_t need = static_cast<std::size_t>(frame_len_) - buffer_.size();
        if (buffer_.empty() && in.size() >= need) {
          deliver(in.substr(0, need), on_message);  // zero-copy
          in.remove_prefix(need);
        } else {
          std::size_t take = in.size() < need ? in.size() : need;
          buffer_.append(in.data(), take);
          in.remove_prefix(take);
          if (buffer_.size() < frame_len_) return true;
          deliver(buffer_, on_message);
          buffer_.clear();
        }
        frame_len_ = 0;
        state_ = State::kCount;
        break;
      }
      case State::kSkipFrame: {
        std::size_t take = in.size() < skip_left_ ? in.size() : static_cast<std::size_t>(skip_left_);
        skip_left_ -= take;
        in.remove_prefix(take);
        if (skip_left_ == 0) {
          frame_len_ = 0;
          state_ = State::kCount;
        }
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

bool SyslogFrameDecoder::finish(const MessageFn& on_message, const ErrorFn& on_error) {
  if (broken_) return false;
  if (state_ == State::kDetect) {
    // Fewer bytes than it takes to decide: treat as one newline-framed line.
    std::string held;
    held.swap(buffer_);
    std::string_view h = held;
    while (!h.empty() && (h.back() == '\n' || h.back() == '\r')) h.remove_suffix(1);
    while (!h.empty() && (h.front() == '\n' || h.front() == '\r')) h.remove_prefix(1);
    if (h.size() > max_message_) {
      fail("line exceeds limit " + std::to_string(max_message_) + " bytes", false, on_error);
    } else if (!h.empty()) {
      deliver(h, on_message);
    }
    return true;
  }
  if (framing_ == Framing::kNewline) {
    if (state_ == State::kLine && !buffer_.empty()) {
      std::string_view line = buffer_;
      if (line.back() == '\r') line.remove_suffix(1);
      if (line.size() > max_message_) {  // the buffer may hold limit+1 bytes awaiting a CR
        fail("line exceeds limit " + std::to_string(max_message_) + " bytes", false, on_error);
      } else if (!line.empty()) {
        deliver(line, on_message);
      }
      buffer_.clear();
    }
    return true;
  }
  if (state_ == State::kBody) {
    fail("connection closed inside a frame: " + std::to_string(buffer_.size()) + " of " +
             std::to_string(frame_len_) + " bytes",
         false, on_error);
    buffer_.clear();
    return false;
  }
  if (state_ == State::kCount && count_digits_ > 0) {
    fail("connection closed inside an octet count", false, on_error);
    return false;
  }
  if (state_ == State::kSkipFrame) return false;
  return true;
}

void appendOctetCounted(std::string& out, std::string_view message) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%zu ", message.size());
  out.append(buf, static_cast<std::size_t>(n));
  out.append(message);
}

std::string encodeOctetCounted(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 8);
  appendOctetCounted(out, message);
  return out;
}

}  // namespace fabric::logfmt
