#include "fortigate/fabric_component.h"

#include <random>

#include "fortigate/fabric/event_lines.h"
#include "fortigate/fabric/fabric_node.h"

namespace fabric::fortigate {

// The fabric's events written through the node's event log (which adds the FortiOS header and
// hands every line to its sinks, the analyzer link among them).
class NodeEventSink final : public EventLogSink {
 public:
  explicit NodeEventSink(EventLog& log) : log_(log) {}
  void write(const EventRecord& e) override {
    log_.write({e.logid, e.subtype, e.level, e.logdesc}, [&e](logfmt::LogLineBuilder& b) { e.appendFields(b); });
  }

 private:
  EventLog& log_;
};

FabricComponent::FabricComponent() = default;
FabricComponent::~FabricComponent() { stop(); }

std::string FabricComponent::start(FortiGateNode& node) {
  sink_ = std::make_unique<NodeEventSink>(node.eventLog());
  FabricNodeOptions o;
  o.home = node.home().dir();
  o.address = node.listenAddress();
  o.telemetry_port = kTelemetryPort;
  o.tls = {node.tlsFiles().ca, node.tlsFiles().cert, node.tlsFiles().key, true, ""};
  o.seed = std::random_device{}();
  DeviceInfo device{node.identity().serial, node.systemInfo().hostname, node.systemInfo().version, 0};
  try {
    fabric_ = std::make_unique<FortiGateFabric>(node.loop(), node.engine(), device, node.clock(), *sink_, o);
  } catch (const std::exception& e) {
    return e.what();
  }
  {
    std::lock_guard lock(forward_->mutex);
    forward_->fabric = fabric_.get();
  }
  node.eventLog().addSink([forward = forward_](const std::string& line) {
    std::lock_guard lock(forward->mutex);
    if (forward->fabric) forward->fabric->forwardToAnalyzer(line);
  });
  if (auto err = fabric_->start(); !err.empty()) return err;
  node.setReadyPort("telemetry", fabric_->telemetryPort());
  return {};
}

void FabricComponent::stop() {
  {
    std::lock_guard lock(forward_->mutex);
    forward_->fabric = nullptr;
  }
  if (fabric_) fabric_->stop();
}

}  // namespace fabric::fortigate
