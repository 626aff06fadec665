#include "ems/event_log_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace fabric::ems {

AnalyzerSetting analyzerSetting(const config::Engine& config) {
  const config::Path path{"log fortianalyzer setting"};
  AnalyzerSetting s;
  s.server = config.value(path, "server").value_or("0.0.0.0");
  try {
    s.port = std::stoi(config.value(path, "port").value_or("6514"));
  } catch (const std::exception&) {
    s.port = 6514;  // the schema only stores 1..65535
  }
  s.enabled = config.value(path, "status").value_or("disable") == "enable" && s.server != "0.0.0.0";
  return s;
}

EventLogSink::EventLogSink(const std::filesystem::path& file, logship::LogSink& buffer,
                           std::function<void()> wake)
    : fd_(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)),
      buffer_(buffer),
      wake_(std::move(wake)) {
  if (fd_ < 0) throw std::runtime_error("cannot open " + file.string());
}

EventLogSink::~EventLogSink() { ::close(fd_); }

void EventLogSink::write(const std::string& line) {
  const std::string text = line + "\n";
  if (::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    std::fprintf(stderr, "ems: event.log write failed\n");
  }
  if (!shipping_) return;
  queued_.push_back(line);
  if (queued_.size() == 1 && wake_) wake_();
}

std::size_t EventLogSink::flush() {
  if (queued_.empty()) return 0;
  std::vector<std::string> batch;
  batch.swap(queued_);
  if (auto err = buffer_.append(batch); !err.empty()) {
    refused_ += batch.size();
    if (err != last_error_) std::fprintf(stderr, "ems: FortiAnalyzer log buffer: %s\n", err.c_str());
    last_error_ = err;
    return 0;
  }
  return batch.size();
}

}  // namespace fabric::ems
