#pragma once
// LabController: starts, stops and queries the processes of one lab directory. It runs the real
// programs by path (build/bin/<program>, found next to fabricctl), records every pid it starts in
// DIR/run/<name>.pid (the program's output goes to DIR/run/<name>.out), and waits for each
// program's ready.json. Any fabricctl invocation can stop what another one started: the records
// are on disk, and a recorded pid is only signalled while its command line still names the lab
// home (a reused pid is left alone).

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/process.h"

namespace fabric::lab {

class LabController {
 public:
  LabController(std::filesystem::path dir, LabPlan plan, std::filesystem::path bin_dir, std::ostream& progress);

  const LabPlan& plan() const { return plan_; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& binDir() const { return bin_dir_; }

  // Node names in start order, then endpoint names.
  std::vector<std::string> names() const;
  // Fleet labs (LabPlan::fleet): every endpoint runs in the process named kFleet, whose home is the
  // plan's fleet_home; start/ready/pid of an endpoint are the fleet's, act and status address the
  // endpoint by its address on the fleet's control socket. stop/kill of one endpoint are refused
  // (they would stop all of them); `kFleet` names the whole process.
  static constexpr const char* kFleet = "fleet";
  // The process `name` runs in: itself, or kFleet for an endpoint of a fleet lab.
  std::string processOf(const std::string& name) const;
  bool isNode(const std::string& name) const;
  bool isEndpoint(const std::string& name) const;
  std::filesystem::path home(const std::string& name) const;  // absolute
  std::string address(const std::string& name) const;
  std::string netnsOf(const std::string& name) const;         // "" in loopback mode

  // Set by fabricctl's SIGINT/SIGTERM handler: a start in progress gives up (and kills what it
  // started) at its next poll.
  void setInterruptFlag(const std::atomic<bool>* flag) { interrupted_ = flag; }

  // Starts `name` and returns once its ready.json is written (progress lines on the stream).
  // Throws std::runtime_error when the program exits or the timeout passes, with its last output.
  void start(const std::string& name, std::chrono::milliseconds timeout);
  void stop(const std::string& name);  // SIGTERM, then SIGKILL after a grace period
  void kill(const std::string& name);  // SIGKILL (the node's files stay as the crash left them)
  // Stops everything recorded: endpoints first, then the nodes in reverse start order.
  void stopAll();

  std::optional<pid_t> pid(const std::string& name) const;  // running and started by this lab
  bool running(const std::string& name) const;
  bool ready(const std::string& name) const;                 // running and ready.json written
  std::optional<nlohmann::json> readyInfo(const std::string& name) const;

  // `<node> cli --home H [-c LINE]...`.
  CommandResult cli(const std::string& node, const std::vector<std::string>& lines,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  // `forticlient act --home H WORDS...`.
  CommandResult act(const std::string& endpoint, const std::vector<std::string>& words,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  // `forticlient status --home H --json`, the endpoint's entry; nullopt when it cannot answer.
  std::optional<nlohmann::json> endpointStatus(const std::string& endpoint) const;
  // Fleet labs: `forticlient status --brief --json` of the whole fleet, one entry per endpoint
  // (uid, hostname, ip, registered, fortigates_registered, quarantine.state); nullopt when the
  // fleet does not answer.
  std::optional<nlohmann::json> fleetStatus() const;

  // The last `lines` lines of a program's output file.
  std::string outputTail(const std::string& name, int lines = 15) const;

 private:
  std::filesystem::path program(const std::string& name) const;
  std::vector<std::string> daemonArgs(const std::string& name) const;
  std::filesystem::path pidRecord(const std::string& name) const;
  void requireKnown(const std::string& name) const;
  void refuseFleetMember(const std::string& name, const char* verb) const;

  std::filesystem::path dir_;
  LabPlan plan_;
  std::filesystem::path bin_dir_;
  std::ostream& progress_;
  const std::atomic<bool>* interrupted_ = nullptr;
};

// Parses the output of `forticlient status --json` into one endpoint's status object.
std::optional<nlohmann::json> parseAgentStatus(const std::string& output);

// What one endpoint's status object says about its links and quarantine: the one reading shared by
// `status`, `up` (an endpoint is healthy once both links are up) and scenario conditions.
struct EndpointLinks {
  bool ems = false;        // registered with its EMS
  bool fortigate = false;  // registered with at least one FortiGate
  std::string quarantine = "unknown";  // the agent's state: none | quarantined | …
};
EndpointLinks endpointLinks(const nlohmann::json& status);

}  // namespace fabric::lab
