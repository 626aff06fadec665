#pragma once
// Quarantine and unquarantine requests, from the REST API (a FortiGate, signed in as an EMS admin)
// and from the console (an EMS admin). Checks the prerequisites of the FortiOS-triggered flow, each
// with its own message and HTTP status, then stores the command (committed before answering) and
// sends it at once when the endpoint's link is up; otherwise it waits for the next `register`.
// Every request, accepted or refused, is audited and logged.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ems/agent_protocol.h"
#include "ems/ems_state.h"

namespace fabric::ems {

inline constexpr const char* kLinuxNotSupported = "Quarantine is not supported on FortiClient (Linux)";

struct QuarantineRequest {
  std::string action;  // quarantine / unquarantine
  std::string uid;     // one of uid / ip
  std::string ip;
  std::string flow_id;  // "" = a new flow id is made
  // Who asks: a FortiGate over REST must be in the endpoint's gateway list; an admin on the console
  // need not be.
  bool from_fortigate = true;
  std::string client;  // remote address ("console" for the console)
  std::string admin;   // the signed-in admin
};

struct QuarantineOutcome {
  int http_status = 200;  // 200, 404, 409, 500
  std::string message;
  nlohmann::json data;  // {"uid","ip","state","command_id","delivered","flow_id"} when accepted
  bool ok() const { return http_status == 200; }
};

class QuarantineService {
 public:
  QuarantineService(EmsState& state, AgentProtocol& agents) : state_(state), agents_(agents) {}
  QuarantineOutcome request(const QuarantineRequest& request);

 private:
  QuarantineOutcome refuse(const QuarantineRequest& r, int status, std::string message);
  std::string newFlowId() const;

  EmsState& state_;
  AgentProtocol& agents_;
};

}  // namespace fabric::ems
