#pragma once
// The EMS side of the FortiClient ↔ EMS link (docs/protocols.md): `register` → `registered`
// (profile, gateways, quarantine) followed by every pending command in order; `command-result`
// completes a pending command; `status` records the state the agent now enforces; `profile` is
// pushed when a configuration change moves an online endpoint to another profile or gateway list.
// No sockets: the daemon feeds it what arrives on each link and gives it an AgentTransport to
// answer through; tests pass a fake transport.
//
// Error policy: a malformed `register`, or any other message before `register`, is a protocol
// violation: refused with a reason, logged, the link closed, nothing stored. A bad
// `command-result`/`status` or an unknown type is refused and logged; the link stays up.

#include <cstdint>
#include <map>
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

  void onOpen(ConnId conn, const std::string& peer_address);
  // "" when handled, else why the message was refused.
  std::string onMessage(ConnId conn, const nlohmann::json& message);
  void onClose(ConnId conn, const std::string& reason);

  // Sends every pending command of `uid` now if its link is up; returns whether it is up.
  bool deliverPending(const std::string& uid);
  // After a configuration commit: pushes `profile` to online endpoints whose assignment changed.
  void onConfigChanged();

  bool isOnline(const std::string& uid) const { return by_uid_.count(uid) != 0; }
  std::size_t onlineCount() const { return by_uid_.size(); }

 private:
  struct Conn {
    std::string peer;
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
