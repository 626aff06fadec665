#pragma once
// The FortiGate end of its FortiAnalyzer link (docs/protocols.md "FortiGate ↔ FortiAnalyzer"),
// without the socket: `hello` when the link comes up, event log lines sent up in `logs` batches
// numbered per link (`seq`) and kept until the analyzer's `logs-ack` says they are stored, IoC
// notifications coming down turned into automation events and answered with `ioc-ack`.
//
// Buffer: lines wait in memory in order; a batch is in flight until acked; when the link drops,
// every unacknowledged line is sent again on the next link (the analyzer stores by content, a
// resend after a lost ack is the price of never losing a line). Bounded by max_buffered_lines: past
// it the oldest unsent lines are dropped and counted (shown in `diagnose log fortianalyzer`-style
// status), never silently.
// Threading: the node's event loop.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fortigate/fabric/fabric_context.h"
#include "fortigate/fabric/ioc_event.h"

namespace fabric::fortigate {

struct FazInbound {
  std::optional<IocEvent> ioc;          // hand to the automation engine
  std::vector<nlohmann::json> replies;  // send on the link (ioc-ack)
  std::string error;                    // "" or why the message was refused
};

class FazLinkSession {
 public:
  explicit FazLinkSession(DeviceInfo device, std::size_t max_buffered_lines = 100000, std::size_t batch_lines = 200);

  void enqueueLine(std::string line);

  // The link is up: every unacknowledged line goes back to the front of the buffer, seq restarts.
  // Returns the `hello` to send first.
  nlohmann::json onConnected();
  void onDisconnected(const std::string& reason);
  FazInbound onMessage(const nlohmann::json& message);
  // The next `logs` batch to send, while connected and something is unsent.
  std::optional<nlohmann::json> nextLogs();

  bool connected() const { return connected_; }
  bool registered() const { return registered_; }
  const std::string& analyzerSerial() const { return faz_serial_; }
  std::size_t unsentLines() const { return unsent_.size(); }
  std::size_t inflightLines() const;
  std::uint64_t ackedLines() const { return acked_lines_; }
  std::uint64_t droppedLines() const { return dropped_lines_; }
  std::uint64_t iocReceived() const { return ioc_received_; }
  const std::string& lastDownReason() const { return last_down_reason_; }
  std::string statusText() const;

 private:
  struct Batch {
    std::uint64_t seq;
    std::vector<std::string> lines;
  };
  DeviceInfo device_;
  std::size_t max_lines_;
  std::size_t batch_lines_;
  std::deque<std::string> unsent_;
  std::deque<Batch> inflight_;
  std::uint64_t seq_ = 0;
  bool connected_ = false;
  bool registered_ = false;
  std::string faz_serial_;
  std::string last_down_reason_;
  std::uint64_t acked_lines_ = 0, dropped_lines_ = 0, ioc_received_ = 0;
};

}  // namespace fabric::fortigate
