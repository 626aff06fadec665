#pragma once
// A scenario: a story told to a lab, written by a person in a line-oriented text file
// (scenarios/README.md is the reference of the format). parseScenario() is pure: text in, either the
// scenario or the first error (line number + what is wrong) out. formatScenario() prints the
// canonical text of a scenario; parsing it gives the same scenario back (the fuzz target checks it).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fabric::lab {

// The lab's fixed nodes, by their program names.
inline constexpr const char* kNodeNames[] = {"fortianalyzer", "ems", "fortigate"};
bool isNodeName(std::string_view name);
// "fgt" -> "fortigate", "faz" -> "fortianalyzer"; any other text unchanged.
std::string canonicalNodeName(std::string_view name);

struct EndpointDecl {
  std::string name;         // pc1
  std::string os = "windows";  // windows | macos | linux
  bool offline = false;     // not started by `start all` / `start endpoints`
  int line = 0;             // 0: the default endpoint of a scenario that declares none
  bool operator==(const EndpointDecl&) const = default;
};

enum class ConditionKind {
  kQuarantined,          // <endpoint> quarantined
  kNotQuarantined,       // <endpoint> not quarantined
  kConnected,            // <endpoint> connected            (to its EMS and a FortiGate)
  kConnectedEms,         // <endpoint> connected to ems
  kConnectedFortigate,   // <endpoint> connected to fortigate
  kNotConnectedFortigate,  // <endpoint> not connected to fortigate
  kUp,                   // <node|endpoint> up
  kDown,                 // <node|endpoint> down
  kLogsMatching,         // logs matching "<filter>" ["<filter>"...]  (at least one FortiAnalyzer log
                         //   matching every filter)
  kNoLogsMatching,       // no logs matching "<filter>" ["<filter>"...]
  kOutputContains,       // output contains "<text>"        (of the last cli / endpoint step)
  kOutputLacks,          // output lacks "<text>"
  kTimelineSteps,        // timeline <endpoint> [flow latest|quarantine|release] steps A..B [in order]
  kTimelineWithout,      // timeline <endpoint> [flow …] without step N
};

struct Condition {
  ConditionKind kind = ConditionKind::kQuarantined;
  std::string subject;  // endpoint or node name
  std::string text;     // output text
  std::vector<std::string> filters;  // logs: FortiAnalyzer filters, AND-ed
  int first_step = 0;   // timeline: A (or N for kTimelineWithout)
  int last_step = 0;    // timeline: B
  bool in_order = false;
  std::string flow;     // timeline: which flow (latest | quarantine | release); "" = latest
  bool operator==(const Condition&) const = default;
};

enum class StepKind {
  kStart,     // start all | nodes | endpoints | NAME...
  kStop,      // stop NAME...          (SIGTERM, then wait for the exit)
  kKill,      // kill -9 NAME...       (SIGKILL)
  kRestart,   // restart NAME...
  kCli,       // cli NODE: LINE  |  cli NODE:  + indented lines  |  cli NODE fails: LINE
  kActivity,  // endpoint NAME visit URL | resolve DOMAIN | connect IP:PORT | download SHA256 [URL]
              //   [expect ok|blocked]
  kWait,      // wait CONDITION within DURATION
  kExpect,    // expect CONDITION
  kTrace,     // trace ENDPOINT        (print the timeline now)
  kSay,       // say TEXT              (print a line of narration)
};

struct Step {
  int line = 0;
  StepKind kind = StepKind::kSay;
  std::vector<std::string> targets;   // start/stop/kill/restart; cli: {node}; activity/trace: {endpoint}
  std::vector<std::string> cli_lines; // cli
  bool expect_failure = false;        // cli … fails: / endpoint … expect blocked
  std::string activity;               // visit | resolve | connect | download
  std::vector<std::string> arguments; // activity arguments
  Condition condition;                // wait / expect
  std::chrono::milliseconds within{0};  // wait
  std::string text;                   // say
  bool operator==(const Step&) const = default;
};

struct Scenario {
  std::string title;
  std::vector<EndpointDecl> endpoints;  // never empty after parsing (default: pc1, windows)
  std::vector<Step> steps;
  bool operator==(const Scenario&) const = default;
  const EndpointDecl* endpoint(std::string_view name) const;
};

struct ScenarioError {
  int line = 0;  // 1-based
  std::string message;
  std::string toString() const { return "line " + std::to_string(line) + ": " + message; }
};

using ParseOutcome = std::variant<Scenario, ScenarioError>;
ParseOutcome parseScenario(std::string_view text);

// Canonical text (one statement per line, cli blocks indented by 4 spaces).
std::string formatScenario(const Scenario& scenario);
// One step's canonical text (a cli block spans several lines).
std::string formatStep(const Step& step);

// An endpoint activity, `visit URL | resolve DOMAIN | connect IP:PORT | download SHA256 [URL]`, as
// words (activity first): nullopt when well formed, else what is wrong. Shared by the scenario
// parser and `fabricctl endpoint`.
std::optional<std::string> activityUsageError(const std::vector<std::string>& words);

// "10s", "500ms", "2m" -> milliseconds; returns false when malformed or outside 1 ms .. 1 h.
bool parseDuration(std::string_view text, std::chrono::milliseconds& out);
std::string formatDuration(std::chrono::milliseconds duration);

}  // namespace fabric::lab

namespace fabric::lab {

// References in CLI lines, activity arguments and filters: ${NAME.ATTR}, where NAME is a node
// (fortigate, fgt, ems, fortianalyzer, faz) with ATTR ip | serial | hostname, or an endpoint with
// ATTR ip | hostname | uid. They are replaced when the step runs, because addresses and serial
// numbers are drawn per lab (`cli fgt: diagnose endpoint forticlient-ems-rest-api
// queue-complete-calls Q-${pc1.ip}`).
using ReferenceLookup = std::function<std::optional<std::string>(const std::string& name, const std::string& attr)>;
// Replaces every reference; on an unknown or malformed one returns nullopt with `error` set.
std::optional<std::string> expandReferences(std::string_view text, const ReferenceLookup& lookup, std::string& error);

}  // namespace fabric::lab
