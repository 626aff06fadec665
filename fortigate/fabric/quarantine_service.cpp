#include "fortigate/fabric/quarantine_service.h"

#include <cstdio>

#include "common/logfmt/ip_text.h"
#include "common/logfmt/log_time.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/ems_target.h"
#include "fortigate/fabric/endpoint_registry.h"
#include "fortigate/fabric/event_lines.h"

namespace fabric::fortigate {

QuarantineService::QuarantineService(DeviceInfo device, const config::Engine& config,
                                     const EndpointRegistry& registry, EmsCallQueue& queue, const Clock& clock,
                                     EventLogSink& log, std::uint32_t seed, std::function<void()> wake_connector)
    : device_(std::move(device)),
      config_(config),
      registry_(registry),
      queue_(queue),
      clock_(clock),
      log_(log),
      rng_(seed),
      wake_(std::move(wake_connector)) {}

std::string QuarantineService::newFlowId() {
  std::string date, time;
  logfmt::formatDateTime(
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch()).count(), 0, date, time);
  std::string ymd;
  for (char c : date)
    if (c != '-') ymd += c;
  char buf[64];
  std::snprintf(buf, sizeof buf, "F-%s-%06u-%04x", ymd.c_str(), ++flow_counter_ % 1000000u,
                static_cast<unsigned>(rng_() & 0xffffu));
  return buf;
}

QuarantineOutcome QuarantineService::requestCode(const std::string& code, const std::string& source) {
  QuarantineOutcome out;
  if (code.size() < 3 || (code[0] != 'Q' && code[0] != 'U') || code[1] != '-') {
    out.message = "invalid call \"" + code + "\": expected Q-<endpoint ip> or U-<endpoint ip>";
    return out;
  }
  return request({code[0] == 'Q' ? "quarantine" : "unquarantine", code.substr(2), "", source});
}

QuarantineOutcome QuarantineService::request(const QuarantineRequest& r) {
  QuarantineOutcome out;
  if (r.action != "quarantine" && r.action != "unquarantine") {
    out.message = "invalid action \"" + r.action + "\"";
    return out;
  }
  if (!logfmt::isIpv4(r.ip)) {
    out.message = "invalid endpoint address \"" + r.ip + "\": expected an IPv4 address";
    return out;
  }
  out.flow_id = r.flow_id.empty() ? newFlowId() : r.flow_id;
  NewEmsCall call{r.action, r.ip, "", "", "", out.flow_id, r.source};

  std::string reason;
  std::string ems_name;
  const EndpointRecord* ep = registry_.findByIp(r.ip);
  out.http_status = 409;
  if (!ep) {
    reason = "endpoint " + r.ip + " is not connected to this FortiGate";
    out.http_status = 404;
  } else {
    call.uid = ep->uid;
    call.ems_serial = ep->ems_serial;
    if (ep->ems_serial.empty()) {
      reason = "endpoint " + r.ip + " (uid " + ep->uid + ") has not reported the serial number of its EMS";
    } else {
      ems_name = findEmsBySerial(config_, ep->ems_serial);
      if (ems_name.empty()) {
        reason = "no forticlient-ems entry has serial-number " + ep->ems_serial + " (the EMS of endpoint " + r.ip + ")";
      } else {
        call.ems_name = ems_name;
        readEmsTarget(config_, ems_name, reason);
      }
    }
  }
  if (!reason.empty()) {
    out.call_id = queue_.recordRefused(call, reason);
    out.message = reason;
    log_.write(emsRestApiError({ems_name, call.ems_serial, "", 0,
                                (r.action == "quarantine" ? "Q-" : "U-") + r.ip + " refused: " + reason, r.ip,
                                out.flow_id}));
    return out;
  }
  const auto queued = queue_.enqueue(call);
  out.accepted = true;
  out.http_status = 200;
  out.duplicate = queued.duplicate;
  out.call_id = queued.id;
  if (queued.duplicate) {
    auto existing = queue_.get(queued.id);
    if (existing) out.flow_id = existing->request.flow_id;
  }
  out.message = std::string(queued.duplicate ? "already queued: " : "queued: ") + (r.action == "quarantine" ? "Q-" : "U-") +
                r.ip + " as call " + std::to_string(queued.id) + " for EMS \"" + ems_name + "\" (" + call.ems_serial +
                "), flow " + out.flow_id;
  // A manual call (CLI or REST) is logged when it is accepted, with its flow id: the flow's
  // FortiGate step comes before EMS acts on it. A stitch's call is logged by the automation
  // engine (0100022953, 0100046600) before it reaches here.
  if (!queued.duplicate && r.source.rfind("stitch:", 0) != 0) {
    const bool rest = r.source.rfind("rest:", 0) == 0;
    // The console is the admin's (docs/fortigate.md: config changes log user="admin" ui="console").
    log_.write(actionPerformed({rest ? r.source.substr(5) : std::string("admin"), rest ? "REST API" : "console",
                                r.action, "EMS REST API call " + out.message, r.ip, out.flow_id}));
  }
  if (wake_) wake_();
  return out;
}

ActionResult QuarantineForticlientAction::run(const ActionContext& context) {
  if (context.event.endpoint_ip.empty()) return {false, "the event names no endpoint address"};
  auto out = service_.request({"quarantine", context.event.endpoint_ip, context.event.flow_id,
                               "stitch:" + context.stitch});
  return {out.accepted, out.message};
}

}  // namespace fabric::fortigate
