#pragma once
// FortiGate-specific console commands registered on the Engine (Engine::addCommand):
//   execute api-user generate-key <name>   new random API key, printed once, stored ENC
//   get system status                      version, serial, hostname, …

#include <functional>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "fortigate/system_info.h"

namespace fabric::fortigate {

inline constexpr std::size_t kApiKeyLength = 30;  // FortiOS API keys are 30 characters

void addFortiGateCommands(config::Engine& engine, SystemInfo& info, const Clock& clock);

}  // namespace fabric::fortigate
