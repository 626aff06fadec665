#pragma once
// FazNode: the FortiAnalyzer's state and logic without sockets — configuration (engine + file),
// the ingest pipeline, threat feeds, the FortiGate links' protocol state, IoC notifications and the
// analyzer's own event log. FazDaemon (faz_daemon.h) wires sockets, HTTPS and the console to it;
// tests drive it directly with fake link peers.
//
// Threading: owned by one event loop. Every member must be called on that loop, except pipeline(),
// feeds() and the const identity accessors, which are thread-safe. Work from the pipeline's threads
// (commits, IoC events, resume) is handed to the loop through the `post` executor.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "fortianalyzer/daemon/faz_config.h"
#include "fortianalyzer/daemon/faz_events.h"
#include "fortianalyzer/daemon/feed_manager.h"
#include "fortianalyzer/daemon/fortigate_link_handler.h"
#include "fortianalyzer/daemon/ioc_outbox.h"
#include "fortianalyzer/ingest/ingest_pipeline.h"

namespace fabric::faz {

inline constexpr const char* kFazVersion = "v7.2.4-build1396 230131 (GA)";

struct FazNodeOptions {
  std::filesystem::path home;
  std::string serial;         // FAZ-VM…
  std::string secret_key;     // 32 bytes, for ENC secrets
  std::string config_file;    // DIR/fortianalyzer.conf
  std::string event_log;      // DIR/event.log
  std::chrono::milliseconds feed_poll{2000};
  bool sync_feed_load = true;  // load the configured feeds before the constructor returns
};

// One FortiGate link as FazNode sees it: how to answer and how to hang up.
struct FortiGatePeer {
  std::string address;
  std::string certificate_serial;
  std::function<bool(const nlohmann::json&)> send;
  std::function<void(const std::string& reason)> close;
};
using FortiGateLinkKey = std::uint64_t;

class FazNode {
 public:
  using Executor = std::function<void(std::function<void()>)>;

  // Loads DIR/fortianalyzer.conf (creating it with the defaults when missing), opens the log store
  // and loads the configured feeds. Throws std::runtime_error with the reason (config line, store).
  FazNode(FazNodeOptions options, const Clock& clock, Executor post);
  ~FazNode();

  config::Engine& engine() { return *engine_; }
  const FazConfig& config() const { return config_; }
  IngestPipeline& pipeline() { return *pipeline_; }
  FeedManager& feeds() { return *feeds_; }
  IocOutbox& outbox() { return outbox_; }
  const std::string& serial() const { return options_.serial; }
  const FazNodeOptions& options() const { return options_; }

  // FortiGate links.
  FortiGateLinkKey openFortiGateLink(FortiGatePeer peer);
  void onFortiGateMessage(FortiGateLinkKey key, const nlohmann::json& message);
  void onFortiGateClosed(FortiGateLinkKey key, const std::string& reason);
  nlohmann::json fortiGateLinks() const;

  // Called at the end of every applied configuration change with the previous configuration, so
  // the daemon moves its listeners and hands max-message-size to its receivers (faz_daemon.cpp).
  using ConfigHook = std::function<void(const FazConfig& before, const FazConfig& now)>;
  void setConfigHook(ConfigHook hook) { config_hook_ = std::move(hook); }

  // The pipeline's queue has room again: retry held FortiGate batches, then call `also`.
  void setResumeHook(std::function<void()> hook) { resume_hook_ = std::move(hook); }

  // The analyzer's own event log line (FortiOS key=value, type=event): written to event.log and
  // stored like any received log. `fields` are appended after msg.
  // Every line carries the event's logid (faz_events.h).
  using EventFields = std::vector<std::pair<std::string, std::string>>;
  void writeEvent(const FazEvent& event, const EventFields& fields = {});
  void writeEvent(const FazEvent& event, const std::string& msg, const EventFields& fields);

  // Applies a configuration change (also called by the engine's commit listener).
  void applyConfig();
  // Registered devices from the config merged with the store's devices and live links.
  nlohmann::json devicesJson();
  nlohmann::json statusJson() const;
  void setPorts(nlohmann::json ports) { ports_ = std::move(ports); }
  const nlohmann::json& ports() const { return ports_; }
  std::chrono::system_clock::time_point startedAt() const { return started_; }

  // Acknowledges a compromised host on behalf of admin `by`; the acknowledgements are saved to
  // DIR/ioc-acks.json (atomically, fsync'ed) before this returns, so an answered acknowledgement
  // survives a restart and a kill -9. *found is false for an endpoint that is not a compromised
  // host (nothing changes). Returns "" or why the acknowledgement could not be saved.
  std::string acknowledgeHost(const std::string& endpoint, const std::string& by, bool* found);

  // Called on the loop with (link, seq) / an IoC event from the pipeline.
  void onCommitted(LinkId link, std::uint64_t seq);
  // Notifications raised together: added to the outbox, saved once, then written and sent in order.
  void onNotifications(const std::vector<ioc::IocNotification>& notifications);

 private:
  struct FortiGateLink {
    FortiGatePeer peer;
    FortiGateLinkState state;
    LinkId pipeline_link = 0;
    std::deque<std::pair<std::uint64_t, MessageBatch>> held;  // refused with kQueueFull
  };
  void submitHeld(FortiGateLink& link);
  void onResume();
  void saveConfig();
  void saveOutbox();
  std::string saveAcknowledgements();
  std::string loadAcknowledgements();  // "" or why DIR/ioc-acks.json was ignored

  FazNodeOptions options_;
  const Clock& clock_;
  Executor post_;
  std::unique_ptr<config::Engine> engine_;
  FazConfig config_;
  std::unique_ptr<IngestPipeline> pipeline_;
  std::unique_ptr<FeedManager> feeds_;
  IocOutbox outbox_;
  std::map<FortiGateLinkKey, FortiGateLink> links_;
  std::map<LinkId, FortiGateLinkKey> by_pipeline_link_;
  FortiGateLinkKey next_key_ = 1;
  LinkId event_link_ = 0;
  std::ofstream event_log_;
  std::function<void()> resume_hook_;
  ConfigHook config_hook_;
  nlohmann::json ports_ = nlohmann::json::object();
  std::chrono::system_clock::time_point started_;
  std::shared_ptr<std::atomic<bool>> alive_;  // pipeline callbacks posted after destruction are dropped
  std::atomic<bool> startup_rescan_{false};
  std::mutex pending_mutex_;  // notifications raised on pipeline threads, not yet taken by the loop
  std::vector<ioc::IocNotification> pending_notifications_;
};

}  // namespace fabric::faz
