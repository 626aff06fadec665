#pragma once
// The FortiGate end of its FortiAnalyzer link (docs/protocols.md "FortiGate ↔ FortiAnalyzer"),
// without the socket: `hello` when the link comes up, event log lines sent up in `logs` batches
// numbered per link (`seq`) and kept until the analyzer's `logs-ack` says they are stored, IoC
// notifications coming down turned into automation events and answered with `ioc-ack`.
//
// Buffer: lines wait on disk (common/logship DiskLogBuffer, DIR/faz-logbuf) and are accepted only
// once fsync'ed, so an accepted line survives kill -9 and is sent after the restart: enqueueLines()
// writes and syncs before it returns; the daemon instead stages lines (stageLines(), on the loop),
// has a LogBufferWriter thread write and fsync them, and reports the outcome with finishStaged() —
// only then are they sendable. One batch is in flight at a time and is committed in the buffer only when the analyzer's
// `logs-ack` says it is stored; when the link drops, the uncommitted batch is sent again on the next
// link (the analyzer stores by content; a resend after a lost ack is the price of never losing a
// line). Bounded by the buffer's byte limit: when it is full, new lines are refused (the oldest
// are kept — FortiOS overwrites the oldest instead), counted, and the first refusal of each
// episode is reported to the caller so the node logs it (0100032010), never silently.
// Threading: the node's event loop.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/logship/disk_log_buffer.h"
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
  // `buffer` is not owned and outlives the session.
  FazLinkSession(DeviceInfo device, logship::DiskLogBuffer& buffer, std::size_t batch_lines = 200);

  struct Enqueued {
    bool accepted = true;
    std::string error;        // why the lines were refused
    bool first_refusal = false;  // the buffer just started refusing: log it once
  };
  Enqueued enqueueLines(const std::vector<std::string>& lines);
  Enqueued enqueueLine(const std::string& line) { return enqueueLines({line}); }
  // Without waiting for the disk: stageLines() fills `out` for the writer thread (or refuses the
  // lines, e.g. buffer full); finishStaged() takes the writer's outcome, in stage order.
  Enqueued stageLines(const std::vector<std::string>& lines, logship::StagedAppend& out);
  Enqueued finishStaged(const logship::StagedAppend& staged, const std::string& write_error);

  // The link is up: the unacknowledged batch is forgotten (sent again from the buffer), seq restarts.
  // Returns the `hello` to send first.
  nlohmann::json onConnected();
  void onDisconnected(const std::string& reason);
  FazInbound onMessage(const nlohmann::json& message);
  // The next `logs` batch to send, while connected and something is unsent.
  std::optional<nlohmann::json> nextLogs();

  bool connected() const { return connected_; }
  bool registered() const { return registered_; }
  const std::string& analyzerSerial() const { return faz_serial_; }
  std::size_t unsentLines() const { return buffer_.pendingLines() - inflightLines(); }
  std::size_t inflightLines() const { return inflight_ ? inflight_->lines : 0; }
  std::uint64_t ackedLines() const { return acked_lines_; }
  // Lines the full buffer refused (since the session was created).
  std::uint64_t droppedLines() const { return buffer_.refusedLines(); }
  std::uint64_t iocReceived() const { return ioc_received_; }
  const std::string& lastDownReason() const { return last_down_reason_; }
  std::string statusText() const;

 private:
  struct Batch {
    std::uint64_t seq;
    std::uint64_t end_offset;
    std::size_t lines;
  };
  DeviceInfo device_;
  logship::DiskLogBuffer& buffer_;
  std::size_t batch_lines_;
  std::optional<Batch> inflight_;
  bool refusing_ = false;
  Enqueued outcome(std::string error);
  std::string last_commit_error_;
  std::uint64_t seq_ = 0;
  bool connected_ = false;
  bool registered_ = false;
  std::string faz_serial_;
  std::string last_down_reason_;
  std::uint64_t acked_lines_ = 0, ioc_received_ = 0;
};

}  // namespace fabric::fortigate
