#pragma once
// The Security Fabric features (fortigate/fabric/) as a NodeComponent of the FortiGate daemon:
// telemetry on <listen address>:8013 (published in ready.json as "telemetry"), the FortiAnalyzer
// link of `config log fortianalyzer setting`, the EMS connector thread over DIR/ems_calls.db, the
// automation engine, and their diagnose commands. Every event line the node writes is forwarded
// to the analyzer link.

#include <memory>
#include <mutex>
#include <string>

#include "fortigate/fortigate_node.h"

namespace fabric::fortigate {

class FortiGateFabric;
class NodeEventSink;

class FabricComponent final : public NodeComponent {
 public:
  static constexpr std::uint16_t kTelemetryPort = 8013;
  FabricComponent();
  ~FabricComponent() override;
  std::string name() const override { return "fabric"; }
  std::string start(FortiGateNode& node) override;
  void stop() override;

 private:
  void addRestRoutes(FortiGateNode& node);
  struct Forward {
    std::mutex mutex;
    FortiGateFabric* fabric = nullptr;  // cleared on stop; the event log keeps calling the sink
  };
  std::shared_ptr<Forward> forward_ = std::make_shared<Forward>();
  std::unique_ptr<NodeEventSink> sink_;
  std::unique_ptr<FortiGateFabric> fabric_;
};

}  // namespace fabric::fortigate
