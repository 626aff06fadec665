#pragma once
// Where the EMS's event log lines go: DIR/event.log (every line, appended with O_APPEND so a crash
// never tears an earlier line) and, while `config log fortianalyzer setting` is enabled, the on-disk
// buffer that common/logship's AnalyzerSender drains to the FortiAnalyzer over RFC 5425 syslog over
// TLS. Group commit: write() queues the line and calls `wake` when the queue was empty; flush()
// appends every queued line to the buffer as one fsync'ed batch. The daemon flushes at the end of
// the event-loop turn that logged them (one fsync per burst — a registration storm, a quarantine —
// not one per line); from then on the lines survive kill -9 and are sent once the FortiAnalyzer is
// reachable. No socket here: tests give it a vector LogSink.
//
// Threading: one owner (the EMS's event loop).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "common/config/engine.h"
#include "common/logship/log_sink.h"
#include "ems/ems_events.h"

namespace fabric::ems {

// `config log fortianalyzer setting`, read from the configuration.
struct AnalyzerSetting {
  bool enabled = false;  // status enable and a server other than 0.0.0.0
  std::string server;
  int port = 6514;
  bool operator==(const AnalyzerSetting&) const = default;
};
AnalyzerSetting analyzerSetting(const config::Engine& config);

class EventLogSink final : public EventSink {
 public:
  // Opens (creates) `file`; throws std::runtime_error when it cannot. `wake` runs when a line is
  // queued for the buffer and none was waiting (the daemon schedules flush() and sends).
  EventLogSink(const std::filesystem::path& file, logship::LogSink& buffer, std::function<void()> wake);
  ~EventLogSink() override;
  EventLogSink(const EventLogSink&) = delete;
  EventLogSink& operator=(const EventLogSink&) = delete;

  // Lines written from now on also go to the FortiAnalyzer buffer (true) or only to the file.
  void setShipping(bool on) { shipping_ = on; }
  bool shipping() const { return shipping_; }
  void write(const std::string& line) override;
  // Appends the queued lines to the buffer in one batch. Returns how many were accepted (0 when
  // the buffer refused them: counted in refusedLines()).
  std::size_t flush();
  std::size_t queuedLines() const { return queued_.size(); }

  // Lines the buffer refused (full, or a disk error), and the last reason.
  std::uint64_t refusedLines() const { return refused_; }
  const std::string& lastError() const { return last_error_; }

 private:
  int fd_ = -1;
  logship::LogSink& buffer_;
  std::function<void()> wake_;
  std::vector<std::string> queued_;
  bool shipping_ = false;
  std::uint64_t refused_ = 0;
  std::string last_error_;
};

}  // namespace fabric::ems
