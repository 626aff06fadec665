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

}  // namespace fabric::lab
