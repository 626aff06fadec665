#pragma once
// One FortiGate: wires the object graph of the daemon in one place (NodeHome, identity, Engine with
// the FortiGate schema, configuration file, event log, admin auth, REST API over HTTPS, local
// console) and owns the EventLoop that owns all of it.
//
// Extension seam for the Security Fabric features (fortigate/fabric/: endpoint registry,
// automation, EMS connector, FortiAnalyzer link, diagnose commands): a NodeComponent added before
// start() is started on the loop once the configuration is loaded, and may
//   - add console commands:  node.engine().addCommand({"diagnose", …}, handler)
//   - add REST monitor routes: node.rest().addMonitor("GET", "endpoint-control/record-list", …)
//   - write event logs: node.eventLog().write(…), or forward every line: node.eventLog().addSink(…)
//   - follow configuration changes: node.configStore().addListener(…)
//   - open listeners on node.listenAddress() and publish their ports: node.setReadyPort("link", p)
// Everything above must be touched on node.loop() only (EventLoop::call/post from elsewhere).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/node/node_home.h"
#include "common/tls/pki.h"
#include "fortigate/admin_auth.h"
#include "fortigate/config_store.h"
#include "fortigate/event_log.h"
#include "fortigate/rest_api.h"
#include "fortigate/system_info.h"

namespace fabric::net {
class EventLoop;
}
namespace fabric::http {
class HttpsServer;
}
namespace fabric::console {
class ConsoleServer;
}

namespace fabric::fortigate {

class FortiGateNode;

class NodeComponent {
 public:
  virtual ~NodeComponent() = default;
  virtual std::string name() const = 0;
  // On the loop thread, after the configuration is loaded and before ready.json; "" or the reason
  // (the daemon then stops with that message).
  virtual std::string start(FortiGateNode& node) = 0;
  // On the loop thread, in reverse order of start, before the loop stops.
  virtual void stop() {}
};

struct NodeOptions {
  std::filesystem::path home;
  std::string listen_address = "127.0.0.1";
};

inline constexpr const char* kSerialPrefix = "FGVM01TM";

class FortiGateNode {
 public:
  // Throws std::runtime_error when the home cannot be used (unwritable, damaged identity or key).
  FortiGateNode(NodeOptions options, const Clock& clock);
  ~FortiGateNode();  // stop()
  FortiGateNode(const FortiGateNode&) = delete;
  FortiGateNode& operator=(const FortiGateNode&) = delete;

  void addComponent(std::unique_ptr<NodeComponent> component);

  // Loads the configuration, starts the loop, the components, HTTPS and the console, then writes
  // the pid and ready.json. "" or the reason. Call from the main thread.
  std::string start();
  // Stops listeners, components and the loop; removes the pid and ready files. Idempotent.
  void stop();

  net::EventLoop& loop() { return *loop_; }
  config::Engine& engine() { return *engine_; }
  const node::NodeHome& home() const { return home_; }
  const node::NodeIdentity& identity() const { return identity_; }
  const Clock& clock() const { return clock_; }
  const std::string& listenAddress() const { return options_.listen_address; }
  const tls::NodeTlsFiles& tlsFiles() const { return tls_files_; }
  EventLog& eventLog() { return *event_log_; }
  ConfigStore& configStore() { return *config_store_; }
  AdminAuth& adminAuth() { return *auth_; }
  RestApi& rest() { return *rest_; }
  SystemInfo& systemInfo() { return info_; }
  std::uint16_t httpsPort() const { return https_port_; }
  // A port to publish in ready.json ("ports": {name: port}); call before start() returns.
  void setReadyPort(const std::string& name, std::uint16_t port) { ports_[name] = port; }

 private:
  std::string startOnLoop();
  void refreshHostname();

  NodeOptions options_;
  const Clock& clock_;
  node::NodeHome home_;
  node::NodeIdentity identity_;
  SystemInfo info_;
  tls::NodeTlsFiles tls_files_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<config::Engine> engine_;
  std::unique_ptr<EventLog> event_log_;
  std::unique_ptr<ConfigStore> config_store_;
  std::unique_ptr<AdminAuth> auth_;
  std::unique_ptr<RestApi> rest_;
  std::unique_ptr<http::HttpsServer> https_;
  std::unique_ptr<console::ConsoleServer> console_;
  std::vector<std::unique_ptr<NodeComponent>> components_;
  std::size_t started_components_ = 0;
  nlohmann::json ports_ = nlohmann::json::object();
  std::uint16_t https_port_ = 0;
  bool started_ = false;
};

}  // namespace fabric::fortigate
