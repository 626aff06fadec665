#include "scenarios/lab/lab_health.h"

#include <functional>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fabric::lab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(50);

// Polls `check` until it holds. `check` describes what it saw in `observed`, and may throw when
// waiting is pointless (the program exited).
void pollUntil(const std::string& label, const std::string& what, std::chrono::seconds timeout,
               const std::atomic<bool>& interrupted, std::ostream& progress,
               const std::function<bool(std::string& observed)>& check) {
  auto began = Clock::now();
  progress << "  " << label << std::flush;
  std::string observed;
  for (;;) {
    try {
      if (check(observed)) break;
    } catch (const std::exception&) {
      progress << "failed\n";
      throw;
    }
    if (interrupted) {
      progress << "interrupted\n";
      throw std::runtime_error("interrupted while waiting for " + what);
    }
    if (Clock::now() - began > timeout) {
      progress << "timeout\n";
      throw std::runtime_error(what + ": not within " + std::to_string(timeout.count()) + " s (" + observed + ")");
    }
    std::this_thread::sleep_for(kPoll);
  }
  std::ostringstream took;
  took << std::fixed << std::setprecision(2) << std::chrono::duration<double>(Clock::now() - began).count() << "s";
  progress << "up in " << took.str() << "\n" << std::flush;
}

std::string column(const std::string& text, int width) {
  std::ostringstream o;
  o << std::left << std::setw(width) << text;
  return o.str();
}

}  // namespace

void waitFortigateLinked(const LabController& lab, std::chrono::seconds timeout, const std::atomic<bool>& interrupted,
                         std::ostream& progress) {
  pollUntil(column("linking", 9) + column("fortigate", 15) + column("-> fortianalyzer", 19),
            "the FortiGate's log link to the FortiAnalyzer", timeout, interrupted, progress,
            [&](std::string& observed) {
              auto r = lab.cli("fortigate", {"execute log fortianalyzer test-connectivity"}, std::chrono::seconds(10));
              observed = "execute log fortianalyzer test-connectivity: " + r.output;
              return r.exit_code == 0 && r.output.find("FortiAnalyzer link: up") != std::string::npos;
            });
}

void waitEndpointConnected(const LabController& lab, const std::string& endpoint, std::chrono::seconds timeout,
                           const std::atomic<bool>& interrupted, std::ostream& progress) {
  pollUntil(column("linking", 9) + column(endpoint, 15) + column("-> ems, fortigate", 19),
            endpoint + "'s links to EMS and FortiGate", timeout, interrupted, progress, [&](std::string& observed) {
              EndpointLinks links;
              if (auto s = lab.endpointStatus(endpoint)) links = endpointLinks(*s);
              observed = std::string("EMS ") + (links.ems ? "connected" : "not connected") + ", FortiGate " +
                         (links.fortigate ? "connected" : "not connected");
              if (links.ems && links.fortigate) return true;
              if (!lab.running(endpoint))
                throw std::runtime_error(endpoint + " exited; its last output:\n" + lab.outputTail(endpoint));
              return false;
            });
}

FleetCounts countFleet(const nlohmann::json& brief_status) {
  FleetCounts c;
  if (!brief_status.is_array()) return c;
  for (const auto& e : brief_status) {
    const EndpointLinks links = endpointLinks(e);
    ++c.endpoints;
    c.ems += links.ems;
    c.fortigate += links.fortigate;
    c.both += links.ems && links.fortigate;
    c.quarantined += links.quarantine == "quarantined";
  }
  return c;
}

void waitFleetConnected(const LabController& lab, std::chrono::seconds timeout, const std::atomic<bool>& interrupted,
                        std::ostream& progress) {
  const std::size_t n = lab.plan().endpoints.size();
  pollUntil(column("linking", 9) + column("fleet", 15) + column("-> ems, fortigate", 19),
            "the fleet's links to EMS and FortiGate", timeout, interrupted, progress, [&](std::string& observed) {
              FleetCounts c;
              if (auto s = lab.fleetStatus()) c = countFleet(*s);
              observed = std::to_string(c.ems) + " of " + std::to_string(n) + " registered with EMS, " +
                         std::to_string(c.fortigate) + " connected to the FortiGate";
              if (c.endpoints == n && c.both == n) return true;
              if (!lab.running(LabController::kFleet))
                throw std::runtime_error("the fleet exited; its last output:\n" + lab.outputTail(LabController::kFleet));
              std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a brief status of thousands
              return false;
            });
}

}  // namespace fabric::lab
