#pragma once
// The EMS's own console commands, registered on its config engine (Engine::addCommand):
//   get system status                              serial, hostname, version, endpoints
//   diagnose endpoint list                         every endpoint: uid, host, ip, os, link, state
//   diagnose endpoint commands [<uid>]             pending commands (or one endpoint's last ones)
//   diagnose audit list [<n>]                      the newest audit rows
//   execute endpoint quarantine <uid|ip>           admin-initiated (source admin:console): the
//   execute endpoint unquarantine <uid|ip>         gateway-list check does not apply; the others do
// Handlers run on the event loop like every console line.

#include "common/config/engine.h"
#include "ems/agent_protocol.h"
#include "ems/ems_state.h"
#include "ems/quarantine_service.h"

namespace fabric::ems {

inline constexpr const char* kEmsVersion = "7.0.9 build 0493";

void registerConsoleCommands(config::Engine& engine, EmsState& state, AgentProtocol& agents,
                             QuarantineService& quarantine);

}  // namespace fabric::ems
