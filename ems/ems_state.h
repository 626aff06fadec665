#pragma once
// What every EMS handler works on: the configuration tree, the durable stores, the event log and
// the clock. Owned by the daemon (EmsNode) or by a test; handlers hold a reference and run on the
// event loop only.

#include <chrono>
#include <cstdint>
#include <string>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "ems/audit_log.h"
#include "ems/command_queue.h"
#include "ems/ems_events.h"
#include "ems/endpoint_registry.h"

namespace fabric::ems {

struct EmsState {
  config::Engine& config;
  EndpointRegistry& endpoints;
  CommandQueue& commands;
  AuditLog& audit;
  EmsEvents& events;
  const Clock& clock;
  std::string serial;  // FCTEMS…, 16 characters

  std::int64_t now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  }
};

}  // namespace fabric::ems
