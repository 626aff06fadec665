#include "ems/quarantine_service.h"

#include <ctime>

#include "ems/random_token.h"

namespace fabric::ems {

std::string QuarantineService::newFlowId() const {
  const std::time_t t = static_cast<std::time_t>(state_.now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y%m%d", &tm);
  char seq[16];
  std::snprintf(seq, sizeof seq, "%06lld",
                static_cast<long long>(state_.commands.nextId() % 1000000));
  return std::string("F-") + date + "-" + seq + "-" + randomHex(2);
}

QuarantineOutcome QuarantineService::refuse(const QuarantineRequest& r, int status, std::string message) {
  const std::string target = r.uid.empty() ? r.ip : r.uid;
  state_.audit.record({0, state_.now(), r.admin, r.client, r.action, target, "failure", message});
  state_.events.log(logid::kQuarantineRefused, "warning",
                    r.action == "quarantine" ? "Quarantine request refused" : "Unquarantine request refused",
                    {{"action", r.action}, {"target", target}, {"user", r.admin}, {"srcip", r.client},
                     {"reason", message}},
                    r.flow_id);
  QuarantineOutcome out;
  out.http_status = status;
  out.message = std::move(message);
  return out;
}

QuarantineOutcome QuarantineService::request(const QuarantineRequest& r) {
  auto endpoint = r.uid.empty() ? state_.endpoints.findByIp(r.ip) : state_.endpoints.find(r.uid);
  if (!endpoint) {
    return refuse(r, 404, r.uid.empty() ? "Endpoint not found: no endpoint has IP address " + r.ip
                                        : "Endpoint not found: no endpoint has uid " + r.uid);
  }
  const Assignment a = assignEndpoint(state_.config, endpoint->hostname, endpoint->ip, endpoint->os);
  if (!a.profile) {
    return refuse(r, 409, "No profile is assigned to endpoint " + endpoint->hostname + " (" + endpoint->ip + ")");
  }
  if (r.from_fortigate) {
    if (a.gateway_list.empty()) {
      return refuse(r, 409, "No gateway list is assigned to endpoint " + endpoint->hostname + " (" +
                                endpoint->ip + ")");
    }
    if (!a.hasGateway(r.client)) {
      return refuse(r, 409, "Gateway list \"" + a.gateway_list + "\" assigned to endpoint " +
                                endpoint->hostname + " does not contain FortiGate " + r.client);
    }
  }
  if (endpoint->os == "linux") return refuse(r, 409, kLinuxNotSupported);

  const std::string source = r.from_fortigate ? "fortigate:" + r.client : "admin:" + r.admin;
  const std::string flow_id = r.flow_id.empty() ? newFlowId() : r.flow_id;
  // A repeated request while the same action is still pending answers with that command.
  auto last = state_.commands.last(endpoint->uid);
  Command cmd;
  bool repeated = false;
  if (last && last->status == "pending" && last->action == r.action) {
    cmd = *last;
    repeated = true;
  } else {
    cmd = state_.commands.add(endpoint->uid, r.action, flow_id, source,
                              r.action == "quarantine" ? randomAccessCode() : "", state_.now());
  }
  const bool delivered = agents_.deliverPending(endpoint->uid);

  std::string message = r.action == "quarantine" ? "Quarantine" : "Unquarantine";
  message += delivered ? " request sent to the endpoint" : " request queued: the endpoint is offline";
  if (repeated) message += " (already pending as command " + std::to_string(cmd.id) + ")";
  state_.audit.record({0, state_.now(), r.admin, r.client, r.action, endpoint->uid, "success", message});
  state_.events.log(logid::kQuarantineQueued, "notice",
                    r.action == "quarantine" ? "Quarantine requested" : "Unquarantine requested",
                    {{"action", r.action}, {"fctuid", endpoint->uid}, {"ip", endpoint->ip},
                     {"hostname", endpoint->hostname}, {"user", r.admin}, {"srcip", r.client},
                     {"source", source}, {"commandid", std::to_string(cmd.id)},
                     {"delivered", delivered ? "yes" : "no"}},
                    cmd.flow_id);
  QuarantineOutcome out;
  out.message = message;
  out.data = {{"uid", endpoint->uid},
              {"ip", endpoint->ip},
              {"state", r.action == "quarantine" ? "quarantined" : "none"},
              {"command_id", cmd.id},
              {"delivered", delivered},
              {"flow_id", cmd.flow_id}};
  return out;
}

}  // namespace fabric::ems
