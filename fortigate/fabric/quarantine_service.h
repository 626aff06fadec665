#pragma once
// The FortiGate side of "quarantine this endpoint" (DESIGN.md step 3): checks the prerequisites —
// the endpoint is connected to this FortiGate, it reported the serial of its EMS, a
// `forticlient-ems` entry has that serial, the entry has `rest-api-auth userpass` and a usable
// address — and queues `Q-<ip>` / `U-<ip>` in the persistent EMS call queue. Each failed
// prerequisite has its own reason, which is returned, written to the event log (0107045122) and
// kept as a `refused` row of the queue so `diagnose … queue-list` shows it.
// Used by the `quarantine-forticlient` automation action and by `diagnose endpoint
// forticlient-ems-rest-api queue-complete-calls`. Threading: the node's event loop.

#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "common/base/clock.h"
#include "fortigate/fabric/automation.h"
#include "fortigate/fabric/fabric_context.h"

namespace fabric::config {
class Engine;
}

namespace fabric::fortigate {

class EndpointRegistry;
class EmsCallQueue;

struct QuarantineRequest {
  std::string action;  // quarantine / unquarantine
  std::string ip;
  std::string flow_id;  // "" = make a new one
  std::string source;   // "stitch:<name>" / "diagnose"
};

struct QuarantineOutcome {
  bool accepted = false;
  bool duplicate = false;  // the same call was already pending
  std::int64_t call_id = 0;
  std::string flow_id;
  std::string message;  // what was queued, or the reason it was refused
  // For REST answers: 200 queued, 400 malformed request, 404 endpoint not connected to this
  // FortiGate, 409 another prerequisite failed.
  int http_status = 400;
};

class QuarantineService {
 public:
  QuarantineService(DeviceInfo device, const config::Engine& config, const EndpointRegistry& registry,
                    EmsCallQueue& queue, const Clock& clock, EventLogSink& log, std::uint32_t seed,
                    std::function<void()> wake_connector = {});

  QuarantineOutcome request(const QuarantineRequest& request);
  // `Q-10.0.0.5` / `U-10.0.0.5` → request; invalid codes are refused without touching the queue.
  QuarantineOutcome requestCode(const std::string& code, const std::string& source);

  std::string newFlowId();

 private:
  DeviceInfo device_;
  const config::Engine& config_;
  const EndpointRegistry& registry_;
  EmsCallQueue& queue_;
  const Clock& clock_;
  EventLogSink& log_;
  std::mt19937 rng_;
  std::uint32_t flow_counter_ = 0;
  std::function<void()> wake_;
};

// The `quarantine-forticlient` automation action.
class QuarantineForticlientAction final : public ActionRunner {
 public:
  explicit QuarantineForticlientAction(QuarantineService& service) : service_(service) {}
  ActionResult run(const ActionContext& context) override;

 private:
  QuarantineService& service_;
};

}  // namespace fabric::fortigate
