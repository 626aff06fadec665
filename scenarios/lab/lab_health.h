#pragma once
// When a running lab is healthy, beyond every program's ready.json: the FortiGate's log link to
// the FortiAnalyzer is up (IoC notifications come back over it), and each endpoint is registered
// with its EMS and connected to the FortiGate (only then can it be quarantined). `fabricctl up`
// returns once both hold. Each wait prints one progress line, gives up at its timeout with what it
// observed last, and at once when `interrupted` is set (Ctrl-C). Throws std::runtime_error.

#include <atomic>
#include <chrono>
#include <ostream>
#include <string>

#include "scenarios/lab/lab_controller.h"

namespace fabric::lab {

void waitFortigateLinked(const LabController& lab, std::chrono::seconds timeout, const std::atomic<bool>& interrupted,
                         std::ostream& progress);
void waitEndpointConnected(const LabController& lab, const std::string& endpoint, std::chrono::seconds timeout,
                           const std::atomic<bool>& interrupted, std::ostream& progress);
// Fleet labs: every endpoint of the fleet registered with the EMS and connected to a FortiGate,
// read from one brief status of the fleet per poll (the progress line counts them).
void waitFleetConnected(const LabController& lab, std::chrono::seconds timeout, const std::atomic<bool>& interrupted,
                        std::ostream& progress);

// How many endpoints of a fleet's brief status (LabController::fleetStatus) are linked.
struct FleetCounts {
  std::size_t endpoints = 0, ems = 0, fortigate = 0, both = 0, quarantined = 0;
};
FleetCounts countFleet(const nlohmann::json& brief_status);

}  // namespace fabric::lab
