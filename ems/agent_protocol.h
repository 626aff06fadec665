#pragma once
// The EMS side of the FortiClient ↔ EMS link (docs/protocols.md): `register` → `registered`
// (profile, gateways, quarantine) followed by every pending command in order; `command-result`
// completes a pending command; `status` records the state the agent now enforces; `profile` is
// pushed when a configuration change moves an online endpoint to another profile or gateway list.
// No sockets: the daemon feeds it what arrives on each link and gives it an AgentTransport to
// answer through; tests pass a fake transport.
//
// Identity: the daemon passes the agent certificate's subject CN to onOpen(); a `register` whose
// uid is not that name is refused (an agent may speak only for the endpoint its certificate
// names, so one endpoint cannot impersonate another). Without a name (a transport that does not
// authenticate agents, e.g. unit tests) the uid is taken as given.
// Timeouts: expireCommands() marks `timeout` every command sent on a live link and unanswered
// for `system server` `command-timeout` seconds (0109045015); commands of offline endpoints wait.
// Error policy: a malformed `register`, or any other message before `register`, is a protocol
// violation: refused with a reason (an `error` message, then the link is closed), logged, nothing
// stored. A bad
// `command-result`/`status` or an unknown type is refused and logged; the link stays up.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "ems/assignment.h"
#include "ems/ems_state.h"

namespace fabric::ems {

using ConnId = std::uint64_t;

class AgentTransport {
 public:
  virtual ~AgentTransport() = default;
  // False when the link is already gone.
  virtual bool send(ConnId conn, const nlohmann::json& message) = 0;
  virtual void close(ConnId conn, const std::string& reason) = 0;
};

class AgentProtocol {
 public:
  AgentProtocol(EmsState& state, AgentTransport& transport) : state_(state), transport_(transport) {}

  void onOpen(ConnId conn, const std::string& peer_address,
              std::optional<std::string> certificate_name = std::nullopt);
  // "" when handled, else why the message was refused.
  std::string onMessage(ConnId conn, const nlohmann::json& message);
  void onClose(ConnId conn, const std::string& reason);

  // Sends every pending command of `uid` now if its link is up; returns whether it is up.
  bool deliverPending(const std::string& uid);
  // After a configuration commit: pushes `profile` to online endpoints whose assignment changed.
  void onConfigChanged();
  // Times out sent, unanswered commands (call periodically); returns how many timed out.
  int expireCommands();

  bool isOnline(const std::string& uid) const { return by_uid_.count(uid) != 0; }
  std::size_t onlineCount() const { return by_uid_.size(); }

 private:
  struct Conn {
    std::string peer;
    std::optional<std::string> certificate_name;  // agent certificate CN, when the transport has one
    std::string uid;  // "" until registered
    Assignment assignment;
    std::set<std::int64_t> sent;  // commands already sent on this link
  };
  std::string onRegister(ConnId conn, Conn& c, const nlohmann::json& m);
  std::string onCommandResult(Conn& c, const nlohmann::json& m);
  std::string onStatus(Conn& c, const nlohmann::json& m);
  std::string violation(ConnId conn, const Conn& c, const std::string& reason);
  void sendCommands(ConnId conn, const std::string& uid);

  EmsState& state_;
  AgentTransport& transport_;
  std::map<ConnId, Conn> conns_;
  std::map<std::string, ConnId> by_uid_;
};

// Field checks shared with the fuzz target and the tests.
bool isValidUid(const std::string& uid);
bool isValidIpv4(const std::string& ip);

}  // namespace fabric::ems
