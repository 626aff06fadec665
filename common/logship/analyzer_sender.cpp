#include "common/logship/analyzer_sender.h"

namespace fabric::logship {

AnalyzerSender::AnalyzerSender(net::EventLoop& loop, DiskLogBuffer& buffer, SenderOptions options, Note note)
    : loop_(loop), options_(std::move(options)), note_(std::move(note)), shipper_(buffer) {}

AnalyzerSender::~AnalyzerSender() {
  alive_.reset();
  client_.reset();
  shipper_.detach();
}

void AnalyzerSender::connect(const std::string& host, int port) {
  if (client_ && host == host_ && port == port_) return;
  client_.reset();
  shipper_.detach();
  host_ = host;
  port_ = port;
  state_ = "connecting";
  if (note_) note_("sending logs to FortiAnalyzer " + host + ":" + std::to_string(port));
  net::ClientOptions c;
  c.host = host;
  c.port = static_cast<std::uint16_t>(port);
  c.source_address = options_.source_address;
  c.backoff_min = options_.backoff_min;
  c.backoff_max = options_.backoff_max;
  c.link = options_.link;
  std::weak_ptr<int> weak_self = alive_;
  client_ = std::make_unique<net::StreamClient>(
      loop_, true, options_.tls, c,
      [this, weak_self](std::shared_ptr<net::ByteStream> stream) {
        if (weak_self.expired()) return;
        state_ = "up";
        std::weak_ptr<net::ByteStream> weak_stream = stream;
        current_ = weak_stream;
        stream->onData([](std::string_view) {});  // the analyzer never talks back
        stream->onClose([this, weak_self, weak_stream](const std::string& reason) {
          if (weak_self.expired()) return;
          const bool current = !current_.owner_before(weak_stream) && !weak_stream.owner_before(current_);
          if (current) state_ = "down: " + reason;
          shipper_.pump();  // notices the closed stream and drops it
        });
        shipper_.attach(std::move(stream));
        shipper_.pump();
      },
      [this, weak_self](const std::string& reason) {
        if (!weak_self.expired()) state_ = "down: " + reason;
      });
  client_->start();
}

void AnalyzerSender::disconnect(const std::string& state) {
  client_.reset();
  shipper_.detach();
  host_.clear();
  port_ = 0;
  state_ = state;
}

std::string AnalyzerSender::pump() { return shipper_.pump(); }

std::string AnalyzerSender::tick() { return shipper_.busy() ? shipper_.pump() : std::string(); }

}  // namespace fabric::logship
