#pragma once
// The diagnose / execute commands of the fabric features, registered on the config engine
// (Engine::addCommand) so they run in any console session on the node's event loop:
//
//   diagnose endpoint record list [<ip>]
//   diagnose endpoint forticlient-ems-rest-api queue-complete-calls Q-<ip>|U-<ip>
//   diagnose endpoint forticlient-ems-rest-api queue-list            (Fabric Lab: the call queue)
//   diagnose automation test <stitch> [<endpoint ip>]
//   diagnose test application autod 2|3
//   execute log fortianalyzer test-connectivity

#include <functional>
#include <string>

namespace fabric::config {
class Engine;
}

namespace fabric::fortigate {

class EndpointRegistry;
class AutomationEngine;
class QuarantineService;
class EmsCallQueue;
class FazLinkSession;

struct FabricCommandTargets {
  EndpointRegistry& registry;
  AutomationEngine& automation;
  QuarantineService& quarantine;
  EmsCallQueue& queue;
  const FazLinkSession* faz = nullptr;  // null: no analyzer link configured
  std::function<std::string()> faz_status;  // optional extra status text (server, state)
};

void registerFabricCommands(config::Engine& engine, FabricCommandTargets targets);

}  // namespace fabric::fortigate
