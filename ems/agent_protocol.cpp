#include "ems/agent_protocol.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace fabric::ems {
namespace {

// A string field: "" when absent; nullopt when present with another type or too long.
std::optional<std::string> optionalString(const nlohmann::json& m, const char* key, std::size_t max = 255) {
  auto it = m.find(key);
  if (it == m.end() || it->is_null()) return std::string();
  if (!it->is_string()) return std::nullopt;
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max) return std::nullopt;
  return s;
}

bool isState(const std::string& s) { return s == "none" || s == "quarantined"; }

}  // namespace

bool isValidUid(const std::string& uid) {
  return uid.size() == 40 && std::all_of(uid.begin(), uid.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F');
         });
}

bool isValidIpv4(const std::string& ip) {
  in_addr a{};
  return inet_pton(AF_INET, ip.c_str(), &a) == 1;
}

void AgentProtocol::onOpen(ConnId conn, const std::string& peer_address,
                           std::optional<std::string> certificate_name) {
  Conn c;
  c.peer = peer_address;
  c.certificate_name = std::move(certificate_name);
  conns_[conn] = std::move(c);
}

std::string AgentProtocol::onMessage(ConnId conn, const nlohmann::json& m) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return "message on an unknown link";
  Conn& c = it->second;
  if (!m.is_object()) return violation(conn, c, "message is not a JSON object");
  auto type_it = m.find("type");
  if (type_it == m.end() || !type_it->is_string()) return violation(conn, c, "message has no 'type'");
  const auto& type = type_it->get_ref<const std::string&>();
  if (type == "heartbeat") return "";
  if (type == "register") return onRegister(conn, c, m);
  if (c.uid.empty()) return violation(conn, c, "'" + type + "' before 'register'");

  std::string error;
  if (type == "command-result") {
    error = onCommandResult(c, m);
  } else if (type == "status") {
    error = onStatus(c, m);
  } else {
    error = "unknown message type '" + type + "'";
  }
  if (!error.empty()) {
    state_.events.log(logid::kProtocolError, "warning", "FortiClient message refused",
                      {{"fctuid", c.uid}, {"ip", c.peer}, {"reason", error}});
  }
  return error;
}

std::string AgentProtocol::violation(ConnId conn, const Conn& c, const std::string& reason) {
  state_.events.log(logid::kProtocolError, "warning", "FortiClient message refused",
                    {{"fctuid", c.uid}, {"ip", c.peer}, {"reason", reason}});
  transport_.send(conn, {{"type", "error"}, {"message", reason}});
  transport_.close(conn, reason);
  return reason;
}

std::string AgentProtocol::onRegister(ConnId conn, Conn& c, const nlohmann::json& m) {
  EndpointRecord r;
  auto uid = optionalString(m, "uid", 40);
  if (!uid || !isValidUid(*uid)) return violation(conn, c, "register: 'uid' must be 40 upper-case hex digits");
  if (!c.uid.empty() && c.uid != *uid) {
    return violation(conn, c, "register: this link is already registered as " + c.uid);
  }
  if (c.certificate_name) {
    std::string name = *c.certificate_name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (name != *uid) {
      return violation(conn, c, "register: uid " + *uid + " does not match the agent certificate (CN \"" +
                                    c.certificate_name->substr(0, 64) +
                                    "\"): an agent may register only as the endpoint its certificate names");
    }
  }
  r.uid = *uid;
  auto hostname = optionalString(m, "hostname");
  if (!hostname || hostname->empty()) return violation(conn, c, "register: 'hostname' must be a non-empty string");
  r.hostname = *hostname;
  auto os = optionalString(m, "os", 16);
  if (!os || (*os != "windows" && *os != "macos" && *os != "linux")) {
    return violation(conn, c, "register: 'os' must be windows, macos or linux");
  }
  r.os = *os;
  auto ip = optionalString(m, "ip", 15);
  if (!ip || !isValidIpv4(*ip)) return violation(conn, c, "register: 'ip' must be an IPv4 address");
  r.ip = *ip;
  const std::pair<const char*, std::string*> optional_fields[] = {
      {"os_version", &r.os_version}, {"mac", &r.mac}, {"user", &r.user}, {"fctver", &r.fctver}};
  for (auto [key, out] : optional_fields) {
    auto v = optionalString(m, key);
    if (!v) return violation(conn, c, std::string("register: '") + key + "' must be a string of at most 255 characters");
    *out = *v;
  }
  r.quarantine = "none";
  if (auto q = m.find("quarantine"); q != m.end() && !q->is_null()) {
    if (!q->is_object()) return violation(conn, c, "register: 'quarantine' must be an object");
    auto st = optionalString(*q, "state", 16);
    if (!st || !isState(*st)) return violation(conn, c, "register: 'quarantine.state' must be none or quarantined");
    r.quarantine = *st;
    if (auto since = q->find("since"); since != q->end() && !since->is_null()) {
      if (!since->is_number_integer()) return violation(conn, c, "register: 'quarantine.since' must be an integer");
      r.quarantine_since = since->get<std::int64_t>();
    }
  }
  // A known endpoint keeps the flow of its last change when the agent reports the same state.
  if (auto known = state_.endpoints.find(r.uid); known && known->quarantine == r.quarantine) {
    r.quarantine_flow = known->quarantine_flow;
    if (r.quarantine_since == 0) r.quarantine_since = known->quarantine_since;
  }

  // One link per endpoint: a new registration replaces the old link.
  if (auto other = by_uid_.find(r.uid); other != by_uid_.end() && other->second != conn) {
    const ConnId old = other->second;
    by_uid_.erase(other);
    if (auto oc = conns_.find(old); oc != conns_.end()) oc->second.uid.clear();
    transport_.close(old, "replaced by a new connection from " + c.peer);
  }
  state_.endpoints.registered(r, state_.now());
  c.uid = r.uid;
  c.sent.clear();  // a (re-)register asks for every pending command again
  by_uid_[r.uid] = conn;
  c.assignment = assignEndpoint(state_.config, r.hostname, r.ip, r.os);

  state_.events.log(logid::kEndpointRegistered, "information", "FortiClient registered",
                    {{"fctuid", r.uid}, {"hostname", r.hostname}, {"ip", r.ip}, {"os", r.os},
                     {"user", r.user}, {"profile", c.assignment.profile ? c.assignment.profile->name : ""},
                     {"gatewaylist", c.assignment.gateway_list}, {"quarantine", r.quarantine}});
  nlohmann::json registered = {{"type", "registered"},
                               {"ems_serial", state_.serial},
                               {"profile", c.assignment.profileJson()},
                               {"gateways", c.assignment.gatewaysJson()},
                               {"quarantine", {{"state", r.quarantine}, {"since", r.quarantine_since}}}};
  transport_.send(conn, registered);
  sendCommands(conn, r.uid);
  return "";
}

void AgentProtocol::sendCommands(ConnId conn, const std::string& uid) {
  auto& sent = conns_.at(conn).sent;
  for (const auto& cmd : state_.commands.pending(uid)) {
    if (sent.count(cmd.id)) continue;  // in flight on this link: its result is on the way
    if (!transport_.send(conn, cmd.toMessage())) return;
    sent.insert(cmd.id);
    state_.commands.markSent(cmd.id, state_.now());
    state_.events.log(logid::kCommandSent, "information", "Command sent to FortiClient",
                      {{"fctuid", uid}, {"action", cmd.action}, {"commandid", std::to_string(cmd.id)},
                       {"source", cmd.source}},
                      cmd.flow_id);
  }
}

std::string AgentProtocol::onCommandResult(Conn& c, const nlohmann::json& m) {
  auto id_it = m.find("id");
  std::int64_t id = 0;
  if (id_it != m.end() && id_it->is_number_integer()) {
    id = id_it->get<std::int64_t>();
  } else if (id_it != m.end() && id_it->is_string()) {
    const auto& s = id_it->get_ref<const std::string&>();
    if (!s.empty() && s.size() < 19 && std::all_of(s.begin(), s.end(), ::isdigit)) id = std::stoll(s);
  }
  if (id <= 0) return "command-result: 'id' must be a command id";
  auto ok_it = m.find("ok");
  if (ok_it == m.end() || !ok_it->is_boolean()) return "command-result: 'ok' must be true or false";
  auto message = optionalString(m, "message", 1024);
  if (!message) return "command-result: 'message' must be a string";
  auto st = optionalString(m, "state", 16);
  if (!st || (!st->empty() && !isState(*st))) return "command-result: 'state' must be none or quarantined";
  auto flow = optionalString(m, "flow_id", 64);
  if (!flow) return "command-result: 'flow_id' must be a string";

  auto cmd = state_.commands.find(id);
  const bool ok = ok_it->get<bool>();
  if (!cmd || cmd->uid != c.uid || !state_.commands.complete(id, c.uid, ok, *message, *st, state_.now())) {
    return "command-result: no pending command " + std::to_string(id) + " for this endpoint";
  }
  state_.events.log(logid::kCommandResult, ok ? "information" : "warning",
                    ok ? "FortiClient completed a command" : "FortiClient refused a command",
                    {{"fctuid", c.uid}, {"action", cmd->action}, {"commandid", std::to_string(id)},
                     {"result", ok ? "success" : "failure"}, {"msg", *message}, {"quarantine", *st}},
                    cmd->flow_id);
  if (!st->empty()) {
    auto known = state_.endpoints.find(c.uid);
    if (known && known->quarantine != *st) {
      state_.endpoints.setQuarantine(c.uid, *st, state_.now(), cmd->flow_id, state_.now());
    }
  }
  return "";
}

std::string AgentProtocol::onStatus(Conn& c, const nlohmann::json& m) {
  auto st = optionalString(m, "state", 16);
  if (!st || !isState(*st)) return "status: 'state' must be none or quarantined";
  auto flow = optionalString(m, "flow_id", 64);
  if (!flow) return "status: 'flow_id' must be a string";
  auto known = state_.endpoints.find(c.uid);
  if (known && known->quarantine == *st && known->quarantine_flow == *flow) return "";
  const std::int64_t since = known && known->quarantine == *st ? known->quarantine_since : state_.now();
  state_.endpoints.setQuarantine(c.uid, *st, since, *flow, state_.now());
  state_.events.log(logid::kEndpointStatus, "notice", "FortiClient quarantine state changed",
                    {{"fctuid", c.uid}, {"ip", known ? known->ip : c.peer}, {"quarantine", *st}}, *flow);
  return "";
}

void AgentProtocol::onClose(ConnId conn, const std::string& reason) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  const std::string uid = it->second.uid;
  const std::string peer = it->second.peer;
  conns_.erase(it);
  if (uid.empty()) return;
  auto owner = by_uid_.find(uid);
  if (owner == by_uid_.end() || owner->second != conn) return;
  by_uid_.erase(owner);
  state_.endpoints.setOnline(uid, false, state_.now());
  state_.events.log(logid::kEndpointDisconnected, "information", "FortiClient disconnected",
                    {{"fctuid", uid}, {"ip", peer}, {"reason", reason}});
}

bool AgentProtocol::deliverPending(const std::string& uid) {
  auto it = by_uid_.find(uid);
  if (it == by_uid_.end()) return false;
  sendCommands(it->second, uid);
  return true;
}

void AgentProtocol::onConfigChanged() {
  for (auto& [conn, c] : conns_) {
    if (c.uid.empty()) continue;
    auto record = state_.endpoints.find(c.uid);
    if (!record) continue;
    Assignment next = assignEndpoint(state_.config, record->hostname, record->ip, record->os);
    if (next == c.assignment) continue;
    c.assignment = std::move(next);
    transport_.send(conn, {{"type", "profile"},
                           {"profile", c.assignment.profileJson()},
                           {"gateways", c.assignment.gatewaysJson()}});
  }
}

int AgentProtocol::expireCommands() {
  const auto configured = state_.config.value({"system server"}, "command-timeout");
  std::int64_t timeout = 120;
  try {
    if (configured && !configured->empty()) timeout = std::stoll(*configured);
  } catch (const std::exception&) {
  }
  const std::int64_t now = state_.now();
  int expired = 0;
  for (auto& [conn, c] : conns_) {
    if (c.uid.empty() || c.sent.empty()) continue;
    for (auto it = c.sent.begin(); it != c.sent.end();) {
      auto cmd = state_.commands.find(*it);
      if (!cmd || cmd->status != "pending") {
        it = c.sent.erase(it);
        continue;
      }
      if (now - cmd->last_sent < timeout) {
        ++it;
        continue;
      }
      const std::string message = "no answer from FortiClient within " + std::to_string(timeout) +
                                  " s (command-timeout) after it was sent " + std::to_string(cmd->sent_count) +
                                  (cmd->sent_count == 1 ? " time" : " times");
      if (state_.commands.timeOut(cmd->id, message, now)) {
        ++expired;
        state_.events.log(logid::kCommandTimedOut, "warning", "Command to FortiClient timed out",
                          {{"fctuid", c.uid}, {"ip", c.peer}, {"action", cmd->action},
                           {"commandid", std::to_string(cmd->id)}, {"source", cmd->source}, {"msg", message}},
                          cmd->flow_id);
      }
      it = c.sent.erase(it);
    }
  }
  return expired;
}

}  // namespace fabric::ems
