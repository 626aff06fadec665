#pragma once
// The five-step timeline of a quarantine flow (the seed document's numbered steps), rebuilt from
// the FortiAnalyzer's logs. Pure: rows in (as fortianalyzer/search LogSearch returns them), timeline
// out. Which step a log belongs to is decided by who wrote it (its devid) and what it is:
//
//   1  a FortiClient traffic/utm log of the endpoint (the one carrying the indicator)
//   2  a FortiAnalyzer log of the flow (IoC detected, FortiGate notified)
//   3  a FortiGate log of the flow (automation stitch, endpoint checks, EMS REST call)
//   4  an EMS log of the flow (endpoint found, quarantine message sent)
//   5  the endpoint's answer: EMS 0109045013/0109045014 (command result, new state reported) or the
//      FortiClient's own quarantine event (it reaches the analyzer once the endpoint is released:
//      a quarantined endpoint keeps only its EMS and FortiGate links)
//
// Logs of steps 2..5 carry the flow id (field flowid). The step-1 log was written before the flow
// existed, so it is found among the endpoint's own logs: the latest one, up to the step-2 time,
// whose text holds the indicator the FortiAnalyzer named.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::lab {

enum class DeviceKind { kUnknown, kFortiClient, kFortiAnalyzer, kFortiGate, kEms };
DeviceKind deviceKind(const std::string& devid);

struct TimelineStep {
  int number = 0;
  std::string title;
  bool present = false;
  int64_t time_ns = 0;      // the step's first log (step 1: when the FortiAnalyzer received it)
  std::string device;       // devname or devid of that log
  std::string summary;      // logdesc / msg of that log
  int log_count = 0;
  int rank = 0;             // the first log's place in the step's sequence (ties in time)
};

struct Timeline {
  std::string flow_id;
  // What the flow does: "quarantine", "release" (an unquarantine, U-<ip>), or "" when its logs do
  // not say (a flow whose only log is a refusal without an action, for instance).
  std::string kind;
  std::string indicator;    // as the FortiAnalyzer named it, when it did
  std::vector<TimelineStep> steps;  // always 5, numbered 1..5
  bool hasSteps(int first, int last) const;
  // Every step in first..last present and their times non-decreasing.
  bool inOrder(int first, int last) const;
};

// The flow ids of an endpoint's logs, oldest first, without repeats.
std::vector<std::string> flowIds(const std::vector<nlohmann::json>& endpoint_rows);

// `flow_rows`: every log with the flow id, oldest first; `endpoint_rows`: the endpoint's logs.
Timeline buildTimeline(const std::string& flow_id, const std::vector<nlohmann::json>& flow_rows,
                       const std::vector<nlohmann::json>& endpoint_rows);

// Which of an endpoint's flows a check or a trace means: the newest one, or the newest one that
// quarantines / releases the endpoint.
enum class FlowChoice { kLatest, kQuarantine, kRelease };
std::optional<FlowChoice> parseFlowChoice(const std::string& word);  // latest | quarantine | release
std::string toString(FlowChoice choice);
// The chosen flow among `timelines` (oldest first); nullptr when there is none of that kind.
const Timeline* chooseFlow(const std::vector<Timeline>& timelines, FlowChoice choice);

std::string formatTimeline(const Timeline& timeline, const std::string& endpoint_label);
nlohmann::json timelineJson(const Timeline& timeline);

}  // namespace fabric::lab
