#pragma once
// The FortiGate's registry of connected FortiClients: one record per live telemetry link
// (docs/protocols.md "FortiClient ↔ FortiGate telemetry"). handleMessage() is the protocol handler
// — a plain function of (link, message, registry) with no socket — and recordList() prints
// `diagnose endpoint record list` in the FortiOS 7.2 layout.
// Threading: owned by the node's event loop.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "fortigate/fabric/event_lines.h"
#include "fortigate/fabric/fabric_context.h"

namespace fabric::fortigate {

// Who is at the other end of a telemetry link (from the socket and the verified certificate).
// `cert_name` is the agent certificate's subject CN: a `register` whose uid is not that name is
// refused (an agent speaks only for the endpoint its certificate names). The daemon always sets
// it; nullopt (a transport without client certificates, unit tests) takes the uid as given.
struct TelemetryPeer {
  std::string address;
  std::string cert_serial;  // the agent certificate's X.509 serial, uppercase hex ("Client cert SN")
  std::optional<std::string> cert_name = std::nullopt;
};

struct EndpointRecord {
  std::uint64_t link_id = 0;
  std::string uid, hostname, os, ip, mac, user, fctver, ems_serial;
  std::string peer_address, cert_serial;
  std::string quarantine_state = "none";  // as the agent last reported: none / quarantined
  std::string flow_id;                    // of the last reported state change
  std::chrono::system_clock::time_point connected_at;
  std::chrono::system_clock::time_point last_status;
};

struct TelemetryOutcome {
  std::optional<nlohmann::json> reply;  // to send back on the same link
  std::vector<EventRecord> events;      // event log lines to write
  std::string error;                    // "" or why the message was refused (nothing changed)
  bool close_link = false;              // the handler wants this link closed (error says why; the
                                        // reply is then an `error` message carrying it)
  std::uint64_t superseded_link = 0;    // a previous link of the same uid, to be closed (0 none)
};

class EndpointRegistry {
 public:
  EndpointRegistry(DeviceInfo device, const Clock& clock);

  TelemetryOutcome handleMessage(std::uint64_t link_id, const TelemetryPeer& peer, const nlohmann::json& message);
  // The link is gone; returns the 0107045058 event when it carried a registered endpoint.
  std::vector<EventRecord> linkClosed(std::uint64_t link_id, const std::string& reason);

  const EndpointRecord* findByIp(const std::string& ip) const;
  const EndpointRecord* findByUid(const std::string& uid) const;
  std::vector<const EndpointRecord*> records() const;  // in ip order
  std::size_t size() const { return by_link_.size(); }

  // `diagnose endpoint record list [<ip>]`.
  std::string recordList(const std::string& ip_filter = {}) const;

 private:
  TelemetryOutcome handleRegister(std::uint64_t link_id, const TelemetryPeer& peer, const nlohmann::json& m);
  TelemetryOutcome handleStatus(std::uint64_t link_id, const nlohmann::json& m);

  DeviceInfo device_;
  const Clock& clock_;
  void index(const EndpointRecord& r);
  void unindex(const EndpointRecord& r);

  std::map<std::uint64_t, EndpointRecord> by_link_;
  std::map<std::string, std::set<std::uint64_t>> by_ip_;  // links per ip; the newest answers findByIp
  std::map<std::string, std::uint64_t> by_uid_;
};

// Field checks shared with other handlers; each returns "" or the reason.
std::string checkFortiClientUid(const std::string& uid);
std::string checkMac(const std::string& mac);

}  // namespace fabric::fortigate
