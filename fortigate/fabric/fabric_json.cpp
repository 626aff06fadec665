#include "fortigate/fabric/fabric_json.h"

namespace fabric::fortigate {
namespace {
std::int64_t seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

nlohmann::json recordJson(const EndpointRecord& r) {
  return {{"ip", r.ip},
          {"mac", r.mac},
          {"fctuid", r.uid},
          {"hostname", r.hostname},
          {"os", r.os},
          {"user", r.user},
          {"fctver", r.fctver},
          {"ems_serial", r.ems_serial},
          {"public_ip", r.peer_address},
          {"online", true},
          {"quarantined", r.quarantine_state == "quarantined"},
          {"flow_id", r.flow_id},
          {"connected_since", seconds(r.connected_at)}};
}

nlohmann::json callJson(const EmsCall& c) {
  return {{"id", c.id},
          {"call", c.code()},
          {"action", c.request.action},
          {"ip", c.request.ip},
          {"fctuid", c.request.uid},
          {"ems", c.request.ems_name},
          {"ems_serial", c.request.ems_serial},
          {"flow_id", c.request.flow_id},
          {"source", c.request.source},
          {"state", c.state},
          {"attempts", c.attempts},
          {"http_status", c.http_status},
          {"last_error", c.last_error},
          {"result", c.result},
          {"command_id", c.command_id},
          {"endpoint_status", c.endpoint_status},
          {"endpoint_message", c.endpoint_message},
          {"created", seconds(c.created_at)},
          {"updated", seconds(c.updated_at)}};
}

nlohmann::json runJson(const RunRecord& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"action", s.action}, {"type", s.action_type}, {"delay", s.delay_seconds},
                     {"status", toString(s.status)}, {"detail", s.detail}});
  return {{"id", r.id},           {"stitch", r.stitch},         {"trigger", r.trigger},
          {"test", r.test},       {"time", seconds(r.started_at)}, {"endpoint_ip", r.event.endpoint_ip},
          {"level", r.event.level}, {"flow_id", r.event.flow_id}, {"actions", steps}};
}

}  // namespace fabric::fortigate
