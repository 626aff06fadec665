#pragma once
// The local control socket DIR/console.sock (framed JSON, common/net/frame_codec.h), used by
// `forticlient act` and `forticlient status`. The handler is a pure function of
// (request, endpoints): the socket layer only moves frames.
//
// Requests and replies:
//   {"type":"act","endpoint":"<hostname|ip|uid>"?,"activity":{"kind","target","url"?}}
//       -> {"type":"act-result","ok","message","endpoint","log"}
//   {"type":"status","endpoint":…?,"brief":true?}  -> {"type":"status-result","endpoints":[…]}
//       (brief: uid, hostname, ip, os, registered, fortigates_registered, quarantine.state only —
//       a fleet of thousands of endpoints in one reply)
//   {"type":"release","endpoint":…?,"code":"…"} -> {"type":"release-result","ok","message"}
//   anything else -> {"type":"error","message":"…"}

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forticlient/endpoint_core.h"

namespace fabric::forticlient {

// What the socket layer must do after the reply is computed.
struct ControlOutcome {
  nlohmann::json reply;
  std::optional<std::size_t> endpoint;  // which endpoint acted
  std::optional<Reaction> reaction;      // release: messages to send, enforcement to remove
  std::optional<Activity> real_activity; // allowed activity to perform for real (when enabled)
};

// Finds the endpoint named by hostname (case-insensitive), IP or uid; with one endpoint and no
// selector, that one. On failure returns nullopt and sets `error`.
std::optional<std::size_t> selectEndpoint(const std::vector<EndpointCore*>& endpoints,
                                          const std::string& selector, std::string& error);

// The brief status of one endpoint (see above).
nlohmann::json briefStatus(const EndpointCore& endpoint);

ControlOutcome handleControl(const nlohmann::json& request, const std::vector<EndpointCore*>& endpoints);

// Client side: builds the request for `forticlient act` from the CLI words, or an error.
std::variant<nlohmann::json, std::string> actRequest(const std::string& endpoint,
                                                     const std::vector<std::string>& words);

}  // namespace fabric::forticlient
