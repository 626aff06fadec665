#include "forticlient/endpoint_core.h"

#include "forticlient/digest.h"

namespace fabric::forticlient {
namespace {

std::string optString(const nlohmann::json& m, const char* name) {
  auto it = m.find(name);
  return it != m.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t epochSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

EndpointCore::EndpointCore(Identity identity, QuarantineStore store, logship::LogSink& logs,
                           const Clock& clock, std::uint64_t first_session_id)
    : identity_(std::move(identity)),
      store_(std::move(store)),
      logs_(logs),
      clock_(clock),
      next_session_(first_session_id),
      quarantine_(store_.load()) {}

LogContext EndpointCore::logContext() const {
  LogContext ctx;
  if (!ems_serial_.empty()) ctx.ems_serial = ems_serial_;
  for (const auto& g : fabric_.gateways) {
    if (auto it = fortigate_serials_.find(g.name); it != fortigate_serials_.end()) {
      ctx.fgt_serial = it->second;
      break;
    }
  }
  if (fabric_.profile) ctx.policy = fabric_.profile->name;
  return ctx;
}

nlohmann::json EndpointCore::emsRegister() const {
  return {{"type", "register"},         {"uid", identity_.uid},
          {"hostname", identity_.hostname}, {"os", toString(identity_.os)},
          {"os_version", identity_.os_version}, {"ip", identity_.ip},
          {"mac", identity_.mac},           {"user", identity_.user},
          {"fctver", identity_.fctver},     {"quarantine", quarantine_.toWire()}};
}

nlohmann::json EndpointCore::fortigateRegister() const {
  return {{"type", "register"},     {"uid", identity_.uid},   {"hostname", identity_.hostname},
          {"os", toString(identity_.os)}, {"ip", identity_.ip}, {"mac", identity_.mac},
          {"user", identity_.user},   {"fctver", identity_.fctver},
          {"ems_serial", ems_serial_.empty() ? "N/A" : ems_serial_},
          {"quarantine", quarantine_.toWire()}};
}

Reaction EndpointCore::onEmsMessage(const nlohmann::json& m) {
  const std::string type = optString(m, "type");
  if (type == "registered") return onRegistered(m);
  if (type == "profile") return onProfile(m);
  if (type == "command") return onCommand(m);
  if (type == "heartbeat") return {};
  Reaction r;
  if (type == "error") {  // sent before the EMS closes the link (e.g. the certificate names another uid)
    r.error = "EMS refused this endpoint: " + optString(m, "message");
    return r;
  }
  r.error = "unknown message type '" + type + "' from EMS";
  return r;
}

Reaction EndpointCore::onRegistered(const nlohmann::json& m) {
  Reaction r;
  auto serial = m.find("ems_serial");
  if (serial == m.end() || !serial->is_string() || serial->get_ref<const std::string&>().empty()) {
    r.error = "registered: missing 'ems_serial'";
    return r;
  }
  auto view = parseFabricView(m);
  if (auto* err = std::get_if<std::string>(&view)) {
    r.error = "registered: " + *err;
    return r;
  }
  ems_serial_ = serial->get<std::string>();
  auto& next = std::get<FabricView>(view);
  r.fabric_changed = !(next == fabric_);
  fabric_ = std::move(next);
  return r;
}

Reaction EndpointCore::onProfile(const nlohmann::json& m) {
  Reaction r;
  auto view = parseFabricView(m);
  if (auto* err = std::get_if<std::string>(&view)) {
    r.error = "profile: " + *err;
    return r;
  }
  auto& next = std::get<FabricView>(view);
  r.fabric_changed = !(next == fabric_);
  fabric_ = std::move(next);
  // The allowed FortiGate addresses may have moved: quarantine enforcement follows them.
  r.quarantine_changed = r.fabric_changed && quarantine_.quarantined;
  return r;
}

Reaction EndpointCore::commandResult(const nlohmann::json& id, bool ok, const std::string& message,
                                     const std::string& flow_id) {
  Reaction r;
  r.out.push_back({Outgoing::To::kEms,
                   {{"type", "command-result"}, {"id", id}, {"ok", ok}, {"message", message},
                    {"state", quarantine_.stateName()}, {"flow_id", flow_id}}});
  return r;
}

Reaction EndpointCore::onCommand(const nlohmann::json& m) {
  auto id_it = m.find("id");
  nlohmann::json id = id_it == m.end() ? nlohmann::json(nullptr) : *id_it;
  const std::string flow_id = optString(m, "flow_id");
  if (!id.is_string() && !id.is_number_integer()) {
    Reaction r = commandResult(id, false, "command has no 'id'", flow_id);
    r.error = "command: missing 'id'";
    return r;
  }
  const std::string action = optString(m, "action");
  const std::string source = optString(m, "source");
  const std::string id_text = id.is_string() ? id.get<std::string>() : id.dump();
  if (action == "quarantine") {
    if (identity_.os == Os::kLinux) {
      writeLogs({quarantineLogLine(identity_, logContext(), QuarantineEvent::kRefused, flow_id,
                                   source, kLinuxRefusal, clock_.now())});
      return commandResult(id, false, kLinuxRefusal, flow_id);
    }
    if (quarantine_.quarantined) {
      // Redelivery after a lost result, or a second request: the endpoint is already isolated.
      return commandResult(id, true, "already quarantined", flow_id);
    }
    QuarantineState next;
    next.quarantined = true;
    next.since = epochSeconds(clock_.now());
    next.flow_id = flow_id;
    next.command_id = id_text;
    next.source = source;
    const std::string code = optString(m, "access_code");
    if (!code.empty()) next.access_code_hash = accessCodeHash(code);
    return changeState(std::move(next), QuarantineEvent::kQuarantined, id);
  }
  if (action == "unquarantine") {
    if (!quarantine_.quarantined) return commandResult(id, true, "not quarantined", flow_id);
    QuarantineState next;
    next.since = epochSeconds(clock_.now());
    next.flow_id = flow_id;
    next.command_id = id_text;
    next.source = source;
    return changeState(std::move(next), QuarantineEvent::kReleased, id);
  }
  Reaction r = commandResult(id, false, "unknown action '" + action + "'", flow_id);
  r.error = "command: unknown action '" + action + "'";
  return r;
}

Reaction EndpointCore::changeState(QuarantineState next, QuarantineEvent event,
                                   const nlohmann::json& command_id) {
  // Persist first: the endpoint only claims a state it will still hold after a crash.
  if (auto err = store_.save(next); !err.empty()) {
    std::string reason = "cannot persist quarantine state: " + err;
    Reaction r;
    if (!command_id.is_null()) r = commandResult(command_id, false, reason, next.flow_id);
    r.error = reason;
    return r;
  }
  quarantine_ = std::move(next);
  writeLogs({quarantineLogLine(identity_, logContext(), event, quarantine_.flow_id,
                               quarantine_.source, "", clock_.now())});
  Reaction r;
  if (!command_id.is_null()) {
    std::string msg = quarantine_.quarantined ? "quarantined" : "released";
    r = commandResult(command_id, true, msg, quarantine_.flow_id);
  }
  nlohmann::json status = {{"type", "status"}, {"state", quarantine_.stateName()},
                           {"flow_id", quarantine_.flow_id}};
  r.out.push_back({Outgoing::To::kEms, status});
  r.out.push_back({Outgoing::To::kFortigates, status});
  r.quarantine_changed = true;
  return r;
}

Reaction EndpointCore::releaseWithCode(const std::string& code) {
  Reaction r;
  if (!quarantine_.quarantined) {
    r.error = "the endpoint is not quarantined";
    return r;
  }
  if (quarantine_.access_code_hash.empty()) {
    r.error = "no access code was issued with this quarantine; ask the EMS administrator";
    return r;
  }
  if (code.empty() || accessCodeHash(code) != quarantine_.access_code_hash) {
    r.error = "invalid access code";
    return r;
  }
  QuarantineState next;
  next.since = epochSeconds(clock_.now());
  next.flow_id = quarantine_.flow_id;
  next.source = "local:access-code";
  return changeState(std::move(next), QuarantineEvent::kReleased, nullptr);
}

Reaction EndpointCore::onFortigateMessage(const std::string& gateway, const nlohmann::json& m) {
  Reaction r;
  const std::string type = optString(m, "type");
  if (type == "registered") {
    const std::string serial = optString(m, "fgt_serial");
    if (serial.empty()) {
      r.error = "registered: missing 'fgt_serial'";
      return r;
    }
    fortigate_serials_[gateway] = serial;
    return r;
  }
  if (type == "heartbeat") return r;
  if (type == "error") {
    r.error = "FortiGate " + gateway + " refused this endpoint: " + optString(m, "message");
    return r;
  }
  r.error = "unknown message type '" + type + "' from FortiGate " + gateway;
  return r;
}

void EndpointCore::onFortigateClosed(const std::string& gateway) { fortigate_serials_.erase(gateway); }

ActivityOutcome EndpointCore::act(const Activity& activity) {
  ActivityOutcome out;
  const bool blocked = quarantine_.quarantined;
  out.ok = !blocked;
  out.message = blocked ? kBlockedReason : "allowed";
  out.log_line = activityLogLine(identity_, logContext(), activity, blocked, next_session_++,
                                 clock_.now());
  if (auto err = writeLogs({out.log_line}); !err.empty()) {
    out.message += " (log line not recorded: " + err + ")";
  }
  return out;
}

std::string EndpointCore::writeLogs(const std::vector<std::string>& lines) {
  auto err = logs_.append(lines);
  if (!err.empty()) {
    ++log_failures_;
    last_log_error_ = err;
  }
  return err;
}

std::string EndpointCore::accessCodeHash(const std::string& code) const {
  return sha256Hex(identity_.uid + ":" + code);
}

nlohmann::json EndpointCore::status() const {
  nlohmann::json j = identity_.toJson();  // with `serial`, the FortiClient serial (devid of its logs)
  j["quarantine"] = {{"state", quarantine_.stateName()},
                     {"since", quarantine_.since},
                     {"flow_id", quarantine_.flow_id},
                     {"source", quarantine_.source}};
  j["ems_serial"] = ems_serial_.empty() ? "N/A" : ems_serial_;
  j["registered"] = registered();
  j["fabric"] = fabric_.toJson();
  nlohmann::json fgts = nlohmann::json::object();
  for (const auto& [name, serial] : fortigate_serials_) fgts[name] = serial;
  j["fortigates_registered"] = fgts;
  j["log_batches_refused"] = log_failures_;
  if (!last_log_error_.empty()) j["last_log_error"] = last_log_error_;
  return j;
}

}  // namespace fabric::forticlient
