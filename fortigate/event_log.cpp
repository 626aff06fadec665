#include "fortigate/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace fabric::fortigate {

EventLog::EventLog(std::filesystem::path file, const Clock& clock, std::string serial, std::string hostname)
    : file_(std::move(file)), clock_(clock), serial_(std::move(serial)), hostname_(std::move(hostname)) {}

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string EventLog::open() {
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) return "";
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) return "open " + file_.string() + ": " + std::strerror(errno);
  return "";
}

void EventLog::setHostname(std::string hostname) {
  std::lock_guard lock(mutex_);
  hostname_ = std::move(hostname);
}

void EventLog::addSink(Sink sink) {
  std::lock_guard lock(mutex_);
  sinks_.push_back(std::move(sink));
}

std::string EventLog::write(const EventHeader& header, const Fields& fields) {
  std::vector<Sink> sinks;
  std::string line;
  {
    std::lock_guard lock(mutex_);
    logfmt::LogLineBuilder b;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch()).count();
    logfmt::appendFortiOsHeader(b, {.time_ns = ns,
                                    .tz_minutes = 0,
                                    .devname = hostname_,
                                    .devid = serial_,
                                    .logid = header.logid,
                                    .type = "event",
                                    .subtype = header.subtype,
                                    .level = header.level,
                                    .vd = "root",
                                    .logdesc = header.logdesc});
    if (fields) fields(b);
    line = b.take();
    if (fd_ >= 0) {
      const std::string with_newline = line + "\n";
      // O_APPEND + one write: concurrent writers and a kill -9 never interleave or tear a line.
      [[maybe_unused]] ssize_t n = ::write(fd_, with_newline.data(), with_newline.size());
    }
    sinks = sinks_;
  }
  for (const auto& sink : sinks) sink(line);
  return line;
}

}  // namespace fabric::fortigate
