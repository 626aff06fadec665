#include "fortigate/fabric/endpoint_registry.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "common/logfmt/ip_text.h"
#include "fortigate/fabric/event_lines.h"

namespace fabric::fortigate {
namespace {

// Reads an optional string field; sets `error` when present but not a string or too long.
std::string stringField(const nlohmann::json& m, const char* key, std::size_t max, bool required,
                        std::string& error) {
  auto it = m.find(key);
  if (it == m.end() || it->is_null()) {
    if (required && error.empty()) error = std::string("missing field \"") + key + "\"";
    return {};
  }
  if (!it->is_string()) {
    if (error.empty()) error = std::string("field \"") + key + "\" must be a string";
    return {};
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max) {
    if (error.empty()) error = std::string("field \"") + key + "\" longer than " + std::to_string(max) + " characters";
    return {};
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      if (error.empty()) error = std::string("field \"") + key + "\" holds a control character";
      return {};
    }
  }
  return s;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// FortiOS prints MACs as 02:09:0f:00:01:02; FortiClient reports 02-09-0F-00-01-02.
std::string fortiOsMac(std::string mac) {
  for (auto& c : mac) c = c == '-' ? ':' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mac;
}

std::string osType(const std::string& os) {
  if (os == "windows") return "WIN64";
  if (os == "macos") return "MAC";
  if (os == "linux") return "LINUX";
  return os;
}

}  // namespace

std::string checkFortiClientUid(const std::string& uid) {
  if (uid.size() < 32 || uid.size() > 40) return "uid must be 32 to 40 hexadecimal characters";
  for (unsigned char c : uid)
    if (!std::isxdigit(c)) return "uid must be 32 to 40 hexadecimal characters";
  return {};
}

std::string checkMac(const std::string& mac) {
  if (mac.size() != 17) return "mac must look like 00-11-22-33-44-55";
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(mac[i]);
    if (i % 3 == 2 ? (c != '-' && c != ':') : !std::isxdigit(c)) return "mac must look like 00-11-22-33-44-55";
  }
  return {};
}

EndpointRegistry::EndpointRegistry(DeviceInfo device, const Clock& clock) : device_(std::move(device)), clock_(clock) {}

TelemetryOutcome EndpointRegistry::handleMessage(std::uint64_t link_id, const TelemetryPeer& peer,
                                                 const nlohmann::json& message) {
  TelemetryOutcome out;
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
    out.error = "message without a string \"type\"";
    out.close_link = true;
    out.reply = nlohmann::json{{"type", "error"}, {"message", out.error}};
    return out;
  }
  const auto& type = message["type"].get_ref<const std::string&>();
  if (type == "register") return handleRegister(link_id, peer, message);
  if (type == "status") return handleStatus(link_id, message);
  out.error = "unknown telemetry message type \"" + type + "\"";
  return out;
}

TelemetryOutcome EndpointRegistry::handleRegister(std::uint64_t link_id, const TelemetryPeer& peer,
                                                  const nlohmann::json& m) {
  TelemetryOutcome out;
  std::string error;
  EndpointRecord r;
  r.uid = stringField(m, "uid", 40, true, error);
  r.hostname = stringField(m, "hostname", 255, true, error);
  r.os = stringField(m, "os", 16, true, error);
  r.ip = stringField(m, "ip", 15, true, error);
  r.mac = stringField(m, "mac", 17, true, error);
  r.user = stringField(m, "user", 255, false, error);
  r.fctver = stringField(m, "fctver", 32, false, error);
  r.ems_serial = stringField(m, "ems_serial", 16, false, error);
  if (error.empty()) error = checkFortiClientUid(r.uid);
  if (error.empty() && r.os != "windows" && r.os != "macos" && r.os != "linux")
    error = "os must be windows, macos or linux";
  if (error.empty() && !logfmt::isIpv4(r.ip)) error = "ip \"" + r.ip + "\" is not an IPv4 address";
  if (error.empty()) error = checkMac(r.mac);
  if (error.empty()) {
    for (unsigned char c : r.ems_serial)
      if (!std::isalnum(c) && c != '-') error = "ems_serial must be letters and digits";
  }
  std::string state = "none";
  if (error.empty() && m.contains("quarantine") && !m["quarantine"].is_null()) {
    const auto& q = m["quarantine"];
    if (!q.is_object() || !q.contains("state") || !q["state"].is_string())
      error = "quarantine must be an object with a string \"state\"";
    else {
      state = q["state"].get<std::string>();
      if (state != "none" && state != "quarantined") error = "quarantine state must be none or quarantined";
    }
  }
  if (!error.empty()) {
    out.error = "register refused: " + error;
    out.close_link = true;
    out.reply = nlohmann::json{{"type", "error"}, {"message", out.error}};
    return out;
  }
  r.uid = upper(r.uid);
  if (peer.cert_name && upper(*peer.cert_name) != r.uid) {
    out.error = "register refused: uid " + r.uid + " does not match the agent certificate (CN \"" +
                peer.cert_name->substr(0, 64) + "\"): an agent may register only as the endpoint its certificate names";
    out.close_link = true;
    out.reply = nlohmann::json{{"type", "error"}, {"message", out.error}};
    out.events.push_back(fortiClientRegistrationRefused({r.uid, r.ip, r.hostname, r.user, 0}, peer.address, out.error));
    return out;
  }
  r.link_id = link_id;
  r.peer_address = peer.address;
  r.cert_serial = peer.cert_serial;
  r.quarantine_state = state;
  r.connected_at = clock_.now();
  r.last_status = r.connected_at;

  const bool re_register = by_link_.count(link_id) != 0;
  if (auto u = by_uid_.find(r.uid); u != by_uid_.end() && u->second != link_id) out.superseded_link = u->second;
  if (out.superseded_link) {  // the old link's close logs nothing more
    unindex(by_link_[out.superseded_link]);
    by_link_.erase(out.superseded_link);
  }
  if (re_register) unindex(by_link_[link_id]);
  by_link_[link_id] = r;
  index(r);
  if (!re_register) {
    FortiClientConnectionFields f{r.uid, r.ip, r.hostname, r.user, static_cast<int>(by_link_.size())};
    out.events.push_back(fortiClientConnectionAdded(f));
  }
  out.reply = nlohmann::json{{"type", "registered"}, {"fgt_serial", device_.serial}, {"hostname", device_.hostname}};
  return out;
}

TelemetryOutcome EndpointRegistry::handleStatus(std::uint64_t link_id, const nlohmann::json& m) {
  TelemetryOutcome out;
  auto it = by_link_.find(link_id);
  if (it == by_link_.end()) {
    out.error = "status before register";
    return out;
  }
  std::string error;
  const std::string state = stringField(m, "state", 16, true, error);
  const std::string flow = stringField(m, "flow_id", 64, false, error);
  if (error.empty() && state != "none" && state != "quarantined") error = "state must be none or quarantined";
  if (!error.empty()) {
    out.error = "status refused: " + error;
    return out;
  }
  it->second.quarantine_state = state;
  it->second.flow_id = flow;
  it->second.last_status = clock_.now();
  return out;
}

std::vector<EventRecord> EndpointRegistry::linkClosed(std::uint64_t link_id, const std::string& reason) {
  auto it = by_link_.find(link_id);
  if (it == by_link_.end()) return {};
  EndpointRecord r = std::move(it->second);
  by_link_.erase(it);
  unindex(r);
  FortiClientConnectionFields f{r.uid, r.ip, r.hostname, r.user, static_cast<int>(by_link_.size())};
  return {fortiClientConnectionClosed(f, reason)};
}

void EndpointRegistry::index(const EndpointRecord& r) {
  by_ip_[r.ip].insert(r.link_id);
  by_uid_[r.uid] = r.link_id;
}

void EndpointRegistry::unindex(const EndpointRecord& r) {
  if (auto i = by_ip_.find(r.ip); i != by_ip_.end()) {
    i->second.erase(r.link_id);
    if (i->second.empty()) by_ip_.erase(i);
  }
  if (auto u = by_uid_.find(r.uid); u != by_uid_.end() && u->second == r.link_id) by_uid_.erase(u);
}

const EndpointRecord* EndpointRegistry::findByIp(const std::string& ip) const {
  auto i = by_ip_.find(ip);
  if (i == by_ip_.end() || i->second.empty()) return nullptr;
  auto r = by_link_.find(*i->second.rbegin());
  return r == by_link_.end() ? nullptr : &r->second;
}

const EndpointRecord* EndpointRegistry::findByUid(const std::string& uid) const {
  auto i = by_uid_.find(upper(uid));
  if (i == by_uid_.end()) return nullptr;
  auto r = by_link_.find(i->second);
  return r == by_link_.end() ? nullptr : &r->second;
}

std::vector<const EndpointRecord*> EndpointRegistry::records() const {
  std::vector<const EndpointRecord*> out;
  for (const auto& [id, r] : by_link_) out.push_back(&r);
  auto key = [](const EndpointRecord* r) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    std::sscanf(r->ip.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d);
    return (static_cast<std::uint64_t>((a << 24) | (b << 16) | (c << 8) | d) << 20) | (r->link_id & 0xfffff);
  };
  std::sort(out.begin(), out.end(), [&](auto* x, auto* y) { return key(x) < key(y); });
  return out;
}

std::string EndpointRegistry::recordList(const std::string& ip_filter) const {
  static const char* kIndent = "                ";
  std::ostringstream o;
  int n = 0, quarantined = 0;
  for (const auto* r : records()) {
    if (!ip_filter.empty() && r->ip != ip_filter) continue;
    ++n;
    if (r->quarantine_state == "quarantined") ++quarantined;
    o << "Record #" << n << ":\n";
    o << kIndent << "IP Address = " << r->ip << "\n";
    o << kIndent << "MAC Address = " << fortiOsMac(r->mac) << "\n";
    o << kIndent << "MAC list = " << fortiOsMac(r->mac) << "\n";
    o << kIndent << "VDOM = root (0)\n";
    o << kIndent << "EMS serial number: " << r->ems_serial << "\n";
    o << kIndent << "EMS tenant id: 00000000000000000000000000000000\n";
    o << kIndent << "Client cert SN: " << r->cert_serial << "\n";
    o << kIndent << "Public IP address: " << r->peer_address << "\n";
    o << kIndent << "Quarantined: " << (r->quarantine_state == "quarantined" ? "yes" : "no") << "\n";
    o << kIndent << "Online status: online\n";
    o << kIndent << "Registration status: registered\n";
    o << kIndent << "On-net status: on-net\n";
    o << kIndent << "FortiClient version: " << r->fctver << "\n";
    o << kIndent << "FortiClient UID: " << r->uid << "\n";
    o << kIndent << "Host Name: " << r->hostname << "\n";
    o << kIndent << "OS Type: " << osType(r->os) << "\n";
    o << kIndent << "Last Login User: " << r->user << "\n";
    if (!r->flow_id.empty()) o << kIndent << "Last state change flow: " << r->flow_id << "\n";
  }
  o << "online records: " << n << "; offline records: 0; quarantined records: " << quarantined
    << "; out-of-sync records: 0\n";
  return o.str();
}

}  // namespace fabric::fortigate
