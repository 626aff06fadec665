#pragma once
// JSON views of the fabric state for the FortiGate's REST monitor API (fortigate/fabric_component).

#include <nlohmann/json.hpp>

#include "fortigate/fabric/automation.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/endpoint_registry.h"

namespace fabric::fortigate {

nlohmann::json recordJson(const EndpointRecord& r);
nlohmann::json callJson(const EmsCall& c);
nlohmann::json runJson(const RunRecord& r);

}  // namespace fabric::fortigate
