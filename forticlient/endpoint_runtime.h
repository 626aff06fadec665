#pragma once
// One endpoint at run time: its EndpointCore (protocol logic), its on-disk log buffer, and its
// links — the EMS link it dials at start, a telemetry link to each FortiGate of the gateway list
// once EMS has answered `registered`, and the RFC 5425 stream to the FortiAnalyzer the profile
// names. Every socket is bound to the endpoint's own address. The runtime only moves messages:
// what to answer is decided by EndpointCore, which tests drive without sockets.
//
// Quarantine: the core refuses activities; the runtime then also stops the analyzer stream (lines
// stay in the disk buffer and are sent after the release: only the EMS and FortiGate links stay up,
// DESIGN.md step 5) and, with an NftRunner, applies the nftables ruleset.
//
// Threading: constructed anywhere, then used only on the EventLoop's thread (start() included).

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "common/net/link.h"
#include "common/logship/analyzer_sender.h"
#include "common/logship/disk_log_buffer.h"
#include "forticlient/cli_options.h"
#include "forticlient/endpoint_core.h"
#include "forticlient/enforcement.h"

namespace fabric::forticlient {

struct RuntimeOptions {
  HostPort ems;
  net::TlsConfig tls;  // the agent's certificate (client auth) and the lab CA
  std::uint64_t log_buffer_bytes = logship::DiskLogBuffer::kDefaultMaxPendingBytes;
  std::chrono::milliseconds backoff_min{200};
  std::chrono::milliseconds backoff_max{5000};
  net::LinkOptions link;
};

// Diagnostics of the agent itself (link up/down, refused messages), one line each.
using DiagnosticLog = std::function<void(const std::string& line)>;

class EndpointRuntime {
 public:
  // `dir` holds the endpoint's quarantine.json and logbuf/. Throws std::runtime_error when the
  // persisted state cannot be read (an agent must not forget it is quarantined).
  EndpointRuntime(net::EventLoop& loop, const Clock& clock, const std::filesystem::path& dir,
                  Identity identity, const RuntimeOptions& options, NftRunner* nft,
                  DiagnosticLog diag);
  ~EndpointRuntime();
  EndpointRuntime(const EndpointRuntime&) = delete;
  EndpointRuntime& operator=(const EndpointRuntime&) = delete;

  // Enforces the persisted quarantine state, then dials the EMS.
  void start();
  void stop();

  EndpointCore& core() { return *core_; }
  // Sends a reaction's messages and follows its consequences (links, enforcement, log shipping).
  void apply(const Reaction& reaction);
  // New lines were appended to the buffer (an activity): ship them.
  void logsAppended();
  // Periodic work: commits/sends log batches while some are waiting.
  void tick();

  // EndpointCore::status() plus the links, the log buffer and the enforcement.
  nlohmann::json status() const;

 private:
  struct FortigateLink;
  void onEmsLink(std::shared_ptr<net::FramedLink> link);
  void onEmsMessage(const nlohmann::json& message);
  void onFortigateMessage(FortigateLink& fgt, const nlohmann::json& message);
  void syncFortigates();
  void syncAnalyzer();
  void enforce();
  void send(const Outgoing& out);
  void note(const std::string& line) const;

  net::EventLoop& loop_;
  RuntimeOptions options_;
  DiagnosticLog diag_;
  std::unique_ptr<logship::DiskLogBuffer> buffer_;
  std::unique_ptr<EndpointCore> core_;
  Enforcement enforcement_;
  logship::AnalyzerSender faz_;
  bool started_ = false;

  std::unique_ptr<net::LinkClient> ems_;
  std::shared_ptr<net::FramedLink> ems_link_;
  std::string ems_state_ = "not started";
  std::vector<std::unique_ptr<FortigateLink>> fortigates_;

  // Callbacks of links hold a weak reference: nothing runs into a runtime being destroyed.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace fabric::forticlient
