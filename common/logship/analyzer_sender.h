#pragma once
// A node's log lines to its FortiAnalyzer: RFC 5425 syslog over TLS (the analyzer's certificate
// verified against the lab CA, the node's own certificate presented), fed from the node's
// DiskLogBuffer by a LogShipper, over a StreamClient that redials with backoff. Used by every
// FortiClient endpoint (the analyzer its profile names) and by the EMS (`config log fortianalyzer
// setting`). Lines appended while the analyzer is unreachable, or while sending is blocked, wait
// on disk (also across kill -9) and are sent in order once a stream is up again.
//
// Threading: constructed anywhere, then used only on the EventLoop's thread.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/logship/disk_log_buffer.h"
#include "common/logship/log_shipper.h"
#include "common/net/link.h"

namespace fabric::logship {

struct SenderOptions {
  net::TlsConfig tls;          // the node's certificate and key, and the CA that signs the analyzer's
  std::string source_address;  // bind outgoing connections to this address ("" = any)
  std::chrono::milliseconds backoff_min{200};
  std::chrono::milliseconds backoff_max{5000};
  net::LinkOptions link;
};

class AnalyzerSender {
 public:
  // Diagnostics (stream up, target changed), one line each.
  using Note = std::function<void(const std::string& line)>;

  AnalyzerSender(net::EventLoop& loop, DiskLogBuffer& buffer, SenderOptions options, Note note = {});
  ~AnalyzerSender();
  AnalyzerSender(const AnalyzerSender&) = delete;
  AnalyzerSender& operator=(const AnalyzerSender&) = delete;

  // Sends to host:port from now on; dials at once unless it already sends there.
  void connect(const std::string& host, int port);
  // Stops sending (closes the stream; lines keep waiting on disk). `state` is shown by state().
  void disconnect(const std::string& state);
  // Lines were appended to the buffer: send them. Returns "" or why a commit failed.
  std::string pump();
  // Periodic work (call every ~100 ms): commits what was written, sends the next batch.
  std::string tick();

  bool busy() const { return shipper_.busy(); }
  bool active() const { return client_ != nullptr; }  // connect() was called, disconnect() not since
  const std::string& state() const { return state_; }  // "up", "connecting", "down: …", or disconnect's
  std::string host() const { return host_; }
  int port() const { return port_; }
  // The LogShipper's status (connected, pending/delivered/refused lines).
  nlohmann::json bufferStatus() const { return shipper_.status(); }

 private:
  net::EventLoop& loop_;
  SenderOptions options_;
  Note note_;
  LogShipper shipper_;
  std::unique_ptr<net::StreamClient> client_;
  std::weak_ptr<net::ByteStream> current_;  // the stream last attached
  std::string host_;
  int port_ = 0;
  std::string state_ = "not configured";
  // Callbacks of the stream hold a weak reference: nothing runs into a sender being destroyed.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace fabric::logship
