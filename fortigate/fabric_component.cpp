#include "fortigate/fabric_component.h"

#include <random>

#include "common/logfmt/ip_text.h"
#include "fortigate/fabric/event_lines.h"
#include "fortigate/fabric/fabric_json.h"
#include "fortigate/fabric/fabric_node.h"

namespace fabric::fortigate {

// The fabric's events written through the node's event log (which adds the FortiOS header and
// hands every line to its sinks, the analyzer link among them).
class NodeEventSink final : public EventLogSink {
 public:
  explicit NodeEventSink(EventLog& log) : log_(log) {}
  void write(const EventRecord& e) override {
    log_.write({e.logid, e.subtype, e.level, e.logdesc}, [&e](logfmt::LogLineBuilder& b) { e.appendFields(b); });
  }

 private:
  EventLog& log_;
};

FabricComponent::FabricComponent() = default;
FabricComponent::~FabricComponent() { stop(); }

std::string FabricComponent::start(FortiGateNode& node) {
  sink_ = std::make_unique<NodeEventSink>(node.eventLog());
  FabricNodeOptions o;
  o.home = node.home().dir();
  o.address = node.listenAddress();
  o.telemetry_port = kTelemetryPort;
  o.tls = {node.tlsFiles().ca, node.tlsFiles().cert, node.tlsFiles().key, true, ""};
  o.seed = std::random_device{}();
  DeviceInfo device{node.identity().serial, node.systemInfo().hostname, node.systemInfo().version, 0};
  try {
    fabric_ = std::make_unique<FortiGateFabric>(node.loop(), node.engine(), device, node.clock(), *sink_, o);
  } catch (const std::exception& e) {
    return e.what();
  }
  {
    std::lock_guard lock(forward_->mutex);
    forward_->fabric = fabric_.get();
  }
  node.eventLog().addSink([forward = forward_](const std::string& line) {
    std::lock_guard lock(forward->mutex);
    if (forward->fabric) forward->fabric->forwardToAnalyzer(line);
  });
  if (auto err = fabric_->start(); !err.empty()) return err;
  node.setReadyPort("telemetry", fabric_->telemetryPort());
  addRestRoutes(node);
  return {};
}

// REST monitor routes (FORTI-FACTS "Monitor endpoints of the flow"). Handlers run on the loop.
void FabricComponent::addRestRoutes(FortiGateNode& node) {
  auto& rest = node.rest();
  FortiGateFabric* f = fabric_.get();
  auto ok = [&rest](const http::HttpRequest& req, const std::string& path, const std::string& name,
                    const nlohmann::json& results) {
    http::HttpResponse r;
    r.body = rest.monitorEnvelope(req.method, path, name, results).dump();
    return r;
  };
  rest.addMonitor("GET", "endpoint-control/record-list", "secfabgrp",
                  [f, ok](const http::HttpRequest& req, const Principal&, const nlohmann::json&) {
                    nlohmann::json results = nlohmann::json::array();
                    for (const auto* r : f->registry().records()) results.push_back(recordJson(*r));
                    return ok(req, "endpoint-control", "record-list", results);
                  });
  for (const std::string action : {"quarantine", "unquarantine"}) {
    rest.addMonitor(
        "POST", "endpoint-control/registration/" + action, "secfabgrp",
        [f, ok, &rest, action](const http::HttpRequest& req, const Principal& caller, const nlohmann::json& body) {
          // The endpoint by FortiClient uid (as FortiOS), or by ip (Fabric Lab).
          std::string ip;
          if (body.is_object() && body.contains("uid") && body["uid"].is_string()) {
            const auto* r = f->registry().findByUid(body["uid"].get<std::string>());
            if (!r)
              return rest.errorResponse(404, req.method,
                                        "FortiClient " + body["uid"].get<std::string>() +
                                            " is not connected to this FortiGate");
            ip = r->ip;
          } else if (body.is_object() && body.contains("ip") && body["ip"].is_string()) {
            ip = body["ip"].get<std::string>();
          } else {
            return rest.errorResponse(400, req.method, "body must hold \"uid\" or \"ip\"");
          }
          auto out = f->quarantine().request({action, ip, "", "rest:" + caller.user});
          if (!out.accepted) return rest.errorResponse(out.http_status, req.method, out.message);
          return ok(req, "endpoint-control", "registration",
                    {{"call_id", out.call_id}, {"flow_id", out.flow_id}, {"duplicate", out.duplicate},
                     {"message", out.message}});
        });
  }
  rest.addMonitor("GET", "endpoint-control/ems/queue", "secfabgrp",
                  [f, ok](const http::HttpRequest& req, const Principal&, const nlohmann::json&) {
                    nlohmann::json results = nlohmann::json::array();
                    for (const auto& c : f->queue().list()) results.push_back(callJson(c));
                    return ok(req, "endpoint-control", "ems", results);
                  });
  rest.addMonitor("GET", "system/automation-stitch/stats", "secfabgrp",
                  [f, ok](const http::HttpRequest& req, const Principal&, const nlohmann::json&) {
                    nlohmann::json results = nlohmann::json::array();
                    for (const auto& [name, st] : f->automation().stats())
                      results.push_back({{"name", name},
                                         {"triggered", st.triggered},
                                         {"last_trigger_time", std::chrono::duration_cast<std::chrono::seconds>(
                                                                   st.last_triggered.time_since_epoch())
                                                                   .count()}});
                    nlohmann::json history = nlohmann::json::array();
                    for (const auto& r : f->automation().history()) history.push_back(runJson(r));
                    return ok(req, "system", "automation-stitch", {{"stitches", results}, {"runs", history}});
                  });
  rest.addMonitor("POST", "system/automation-stitch/test", "secfabgrp",
                  [f, ok, &rest](const http::HttpRequest& req, const Principal&, const nlohmann::json& body) {
                    if (!body.is_object() || !body.contains("mkey") || !body["mkey"].is_string())
                      return rest.errorResponse(400, req.method, "body must hold \"mkey\" (the stitch)");
                    std::string ip = body.contains("ip") && body["ip"].is_string() ? body["ip"].get<std::string>() : "";
                    std::uint64_t id = 0;
                    auto err = f->automation().testStitch(body["mkey"].get<std::string>(), ip, &id);
                    if (!err.empty()) return rest.errorResponse(404, req.method, err);
                    const auto* run = f->automation().run(id);
                    return ok(req, "system", "automation-stitch", run ? runJson(*run) : nlohmann::json());
                  });
}

void FabricComponent::stop() {
  {
    std::lock_guard lock(forward_->mutex);
    forward_->fabric = nullptr;
  }
  if (fabric_) fabric_->stop();
}

}  // namespace fabric::fortigate
