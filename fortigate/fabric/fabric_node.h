#pragma once
// FortiGateFabric: wires the fabric features into a running FortiGate node — one object the
// daemon creates after its config engine, event loop and event log, and destroys before them.
//
//   telemetry   LinkServer on <address>:8013 (TLS, agent certificates verified) → EndpointRegistry
//   automation  AutomationEngine (runs and pending delayed steps in DIR/automation.db) with the
//               quarantine-forticlient action → QuarantineService
//   EMS calls   EmsCallQueue (DIR/ems_calls.db) drained by EmsConnectorWorker on its own thread,
//               HTTPS to each EMS (HttpsEmsSessionFactory)
//   analyzer    LinkClient to `config log fortianalyzer setting` server (port 514, or host:port)
//               while status is enable; FazLinkSession carries event logs up (buffered on disk in
//               DIR/faz-logbuf while the analyzer is unreachable; written and fsync'ed by a
//               LogBufferWriter thread, never on the loop) and IoCs down
//   commands    registerFabricCommands on the config engine
//
// Configuration is re-read when the engine's revision changes (checked by a loop timer), so no
// commit hook is needed. The connector thread never calls into the loop: it reads a snapshot of
// the EMS entries that the loop refreshes, and posts its log lines.
// Threading: construct, start() and stop() on the loop thread or, with the loop running, from
// another thread; everything else runs on the loop. stop() before the loop stops.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/http/http.h"
#include "common/logship/log_buffer_writer.h"
#include "common/net/link.h"
#include "fortigate/fabric/automation.h"
#include "fortigate/fabric/automation_store.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/ems_connector.h"
#include "fortigate/fabric/ems_target.h"
#include "fortigate/fabric/endpoint_registry.h"
#include "fortigate/fabric/fabric_context.h"
#include "fortigate/fabric/faz_link_session.h"
#include "fortigate/fabric/quarantine_service.h"

namespace fabric::config {
class Engine;
}

namespace fabric::fortigate {

struct FabricNodeOptions {
  std::filesystem::path home;          // the node home: ems_calls.db lives here
  std::string address;                 // the node's own address (listen + source of outgoing links)
  std::uint16_t telemetry_port = 8013;  // 0 = any free port
  net::TlsConfig tls;                  // node certificate + lab CA
  net::LinkOptions link;               // heartbeats / timeouts of telemetry and analyzer links
  std::uint16_t faz_default_port = 514;
  RetryPolicy retry;
  std::uint32_t seed = 1;
  // The on-disk buffer towards the analyzer (DIR/faz-logbuf); beyond it new lines are refused.
  std::uint64_t faz_buffer_bytes = 64ull << 20;
  // Replaces fsync(2) for DIR/faz-logbuf (tests: which thread syncs).
  logship::SyncFn faz_sync_for_test = nullptr;
};

class FortiGateFabric {
 public:
  FortiGateFabric(net::EventLoop& loop, config::Engine& config, DeviceInfo device, const Clock& clock,
                  EventLogSink& log, FabricNodeOptions options);
  ~FortiGateFabric();

  // Listens for telemetry, starts the connector thread, the analyzer link (when configured) and
  // the timer. "" or the reason.
  std::string start();
  void stop();
  std::uint16_t telemetryPort() const;

  // An event log line for the FortiAnalyzer (any thread). The daemon's event log calls it for every
  // line it writes, the fabric's own lines included.
  void forwardToAnalyzer(const std::string& line);

  // Loop-thread accessors (tests, REST monitor handlers).
  EndpointRegistry& registry() { return registry_; }
  AutomationEngine& automation() { return automation_; }
  EmsCallQueue& queue() { return queue_; }
  QuarantineService& quarantine() { return quarantine_; }
  const FazLinkSession& fazSession() const { return faz_session_; }
  std::string fazStatus() const;

 private:
  class LoopLog;
  void tick();
  void refreshConfig();
  void refreshEmsSnapshot();
  void applyFazSettings();
  void flushFaz();
  void appendPendingFaz();
  void onFazWritten(const std::vector<logship::LogBufferWriter::Result>& results);
  void reportFazRefusal(const std::string& error);
  void onTelemetryLink(std::shared_ptr<net::FramedLink> link);
  void onFazLink(std::shared_ptr<net::FramedLink> link);
  std::optional<EmsTarget> snapshotTarget(const std::string& name, std::string& reason);

  net::EventLoop& loop_;
  config::Engine& config_;
  DeviceInfo device_;
  const Clock& clock_;
  EventLogSink& log_;
  FabricNodeOptions options_;

  EndpointRegistry registry_;
  EmsCallQueue queue_;
  AutomationStore automation_store_;
  AutomationEngine automation_;
  std::unique_ptr<EmsConnectorWorker> worker_;
  QuarantineService quarantine_;
  QuarantineForticlientAction quarantine_action_;
  logship::DiskLogBuffer faz_buffer_;
  FazLinkSession faz_session_;
  std::vector<std::string> faz_pending_;  // lines posted in this loop turn, staged as one batch
  std::unique_ptr<logship::LogBufferWriter> faz_writer_;
  std::unique_ptr<EmsSessionFactory> ems_factory_;

  std::unique_ptr<net::LinkServer> telemetry_;
  std::map<std::uint64_t, std::weak_ptr<net::FramedLink>> telemetry_links_;
  std::uint64_t next_link_id_ = 1;

  std::unique_ptr<net::LinkClient> faz_client_;
  std::weak_ptr<net::FramedLink> faz_link_;
  std::string faz_server_;  // "host:port" the client dials ("" = disabled)

  std::shared_ptr<net::EventLoop::Timer> timer_;
  unsigned long seen_revision_ = ~0ul;

  std::mutex snapshot_mutex_;
  std::map<std::string, std::pair<std::optional<EmsTarget>, std::string>> ems_snapshot_;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // read and cleared on the loop only
};

}  // namespace fabric::fortigate
