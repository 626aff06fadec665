#include "scenarios/lab/scenario_runner.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <thread>

#include "common/base/atomic_file.h"
#include "scenarios/lab/lab_logs.h"

namespace fabric::lab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(100);
constexpr auto kStartTimeout = std::chrono::seconds(30);

std::string seconds(Clock::duration d) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(2) << std::chrono::duration<double>(d).count() << "s";
  return o.str();
}

std::string firstLine(const std::string& text) {
  auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

std::string indent(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += "      " + line + "\n";
  return out;
}

}  // namespace

ScenarioRunner::ScenarioRunner(LabController& lab, std::ostream& out, const std::atomic<bool>& interrupted)
    : lab_(lab), out_(out), interrupted_(interrupted) {}

std::vector<std::string> ScenarioRunner::expandTargets(const std::vector<std::string>& targets, bool for_start) const {
  std::vector<std::string> out;
  auto add = [&](const std::string& n) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto& t : targets) {
    if (t == "all" || t == "nodes") {
      for (const auto& n : lab_.plan().nodes) add(n.name);
    }
    if (t == "all" || t == "endpoints") {
      for (const auto& e : lab_.plan().endpoints) {
        if (!for_start || !e.offline) add(e.name);
      }
    }
    if (t != "all" && t != "nodes" && t != "endpoints") add(t);
  }
  return out;
}

std::string ScenarioRunner::endpointUid(const std::string& endpoint) {
  auto status = lab_.endpointStatus(endpoint);
  if (status && status->contains("uid") && (*status)["uid"].is_string()) return (*status)["uid"];
  // A stopped agent still has its identity file.
  return endpointIdentity(endpoint, "uid");
}

// A field of the agent's identity file (agent.json, written at its first start).
std::string ScenarioRunner::endpointIdentity(const std::string& endpoint, const char* key) {
  auto text = readFile(lab_.home(endpoint) / "agent.json");
  auto j = nlohmann::json::parse(text.value_or(""), nullptr, false);
  if (j.is_object() && j.contains(key) && j[key].is_string()) return j[key];
  return "";
}

std::string ScenarioRunner::expand(const std::string& text) {
  if (text.find("${") == std::string::npos) return text;
  ReferenceLookup lookup = [this](const std::string& name, const std::string& attr) -> std::optional<std::string> {
    std::string node = canonicalNodeName(name);
    if (const NodePlan* n = lab_.plan().node(node)) {
      if (attr == "ip") return n->address;
      if (attr == "serial") return n->serial;
      if (attr == "hostname") return n->hostname;
      return std::nullopt;
    }
    const EndpointPlan* e = lab_.plan().endpoint(name);
    if (!e) return std::nullopt;
    if (attr == "ip") return e->address;
    if (attr == "hostname") return e->hostname;
    if (attr == "uid") {
      std::string uid = endpointUid(e->name);
      if (uid.empty()) return std::nullopt;
      return uid;
    }
    if (attr == "serial") {  // the FortiClient serial, devid of the endpoint's logs
      std::string serial = endpointIdentity(e->name, "serial");
      if (serial.empty()) return std::nullopt;
      return serial;
    }
    return std::nullopt;
  };
  std::string error;
  auto out = expandReferences(text, lookup, error);
  if (!out) throw std::runtime_error(error);
  return *out;
}

ConditionState ScenarioRunner::evaluate(const Condition& c) {
  ConditionState s;
  switch (c.kind) {
    case ConditionKind::kUp:
    case ConditionKind::kDown: {
      bool up = lab_.ready(c.subject);
      s.holds = (c.kind == ConditionKind::kUp) == up;
      s.observed = c.subject + (up ? " is up" : lab_.running(c.subject) ? " is starting" : " is not running");
      return s;
    }
    case ConditionKind::kQuarantined:
    case ConditionKind::kNotQuarantined:
    case ConditionKind::kConnected:
    case ConditionKind::kConnectedEms:
    case ConditionKind::kConnectedFortigate:
    case ConditionKind::kNotConnectedFortigate: {
      auto status = lab_.endpointStatus(c.subject);
      if (!status) {
        s.observed = c.subject + " does not answer (not running?)";
        return s;
      }
      const EndpointLinks links = endpointLinks(*status);
      const std::string& state = links.quarantine;
      const bool ems = links.ems;
      const bool fgt = links.fortigate;
      s.observed = "quarantine state " + state + ", EMS " + (ems ? "connected" : "not connected") +
                   ", FortiGate " + (fgt ? "connected" : "not connected");
      switch (c.kind) {
        case ConditionKind::kQuarantined: s.holds = state == "quarantined"; break;
        case ConditionKind::kNotQuarantined: s.holds = state == "none"; break;
        case ConditionKind::kConnected: s.holds = ems && fgt; break;
        case ConditionKind::kConnectedEms: s.holds = ems; break;
        case ConditionKind::kConnectedFortigate: s.holds = fgt; break;
        default: s.holds = !fgt; break;
      }
      return s;
    }
    case ConditionKind::kLogsMatching:
    case ConditionKind::kNoLogsMatching: {
      try {
        LabLogs logs(lab_.home("fortianalyzer"));
        std::vector<std::string> filters;
        for (const auto& f : c.filters) filters.push_back(expand(f));
        auto r = logs.search(filters, 1, true);
        if (!r.error.empty()) {
          s.observed = "search error: " + r.error;
          return s;
        }
        s.holds = (c.kind == ConditionKind::kLogsMatching) == (r.count > 0);
        s.observed = std::to_string(r.count) + " matching log(s)";
      } catch (const std::exception& e) {
        s.observed = e.what();
      }
      return s;
    }
    case ConditionKind::kOutputContains:
    case ConditionKind::kOutputLacks: {
      bool found = last_output_.find(expand(c.text)) != std::string::npos;
      s.holds = (c.kind == ConditionKind::kOutputContains) == found;
      s.observed = "output was:\n" + indent(last_output_);
      return s;
    }
    case ConditionKind::kTimelineSteps:
    case ConditionKind::kTimelineWithout: {
      try {
        LabLogs logs(lab_.home("fortianalyzer"));
        const FlowChoice choice = parseFlowChoice(c.flow.empty() ? "latest" : c.flow).value_or(FlowChoice::kLatest);
        const auto all = logs.timelines(lab_.address(c.subject), endpointUid(c.subject));
        const Timeline* t = chooseFlow(all, choice);
        if (!t) {
          s.holds = c.kind == ConditionKind::kTimelineWithout;
          s.observed = "no " + (choice == FlowChoice::kLatest ? std::string() : toString(choice) + " ") + "flow of " +
                       c.subject + " in the FortiAnalyzer's logs (" + std::to_string(all.size()) + " flow(s) in all)";
          return s;
        }
        std::string present;
        for (const auto& step : t->steps) {
          if (step.present) present += (present.empty() ? "" : ",") + std::to_string(step.number);
        }
        s.observed = (t->kind.empty() ? "" : t->kind + " ") + "flow " + t->flow_id + " has steps " + (present.empty() ? "none" : present);
        if (c.kind == ConditionKind::kTimelineWithout) s.holds = !t->steps[c.first_step - 1].present;
        else s.holds = c.in_order ? t->inOrder(c.first_step, c.last_step) : t->hasSteps(c.first_step, c.last_step);
        if (!s.holds && c.in_order && t->hasSteps(c.first_step, c.last_step)) s.observed += " (out of order)";
      } catch (const std::exception& e) {
        s.observed = e.what();
      }
      return s;
    }
  }
  return s;
}

void ScenarioRunner::printTimeline(const std::string& endpoint) {
  try {
    LabLogs logs(lab_.home("fortianalyzer"));
    const auto all = logs.timelines(lab_.address(endpoint), endpointUid(endpoint));
    std::string label = endpoint + " (" + lab_.address(endpoint) + ")";
    if (all.empty()) {
      out_ << "Timeline of " << label << ": no flow in the FortiAnalyzer's logs\n";
      return;
    }
    // Every flow of the endpoint, oldest first: a quarantine, then its release, each on its own.
    for (std::size_t i = 0; i < all.size(); ++i) out_ << (i ? "\n" : "") << formatTimeline(all[i], label);
  } catch (const std::exception& e) {
    out_ << "Timeline of " << endpoint << ": " << e.what() << "\n";
  }
}

bool ScenarioRunner::runStep(const Step& step, std::string& failure) {
  switch (step.kind) {
    case StepKind::kSay:
      return true;
    case StepKind::kStart:
      for (const auto& name : expandTargets(step.targets, true)) lab_.start(name, kStartTimeout);
      return true;
    case StepKind::kStop:
      for (const auto& name : expandTargets(step.targets, false)) lab_.stop(name);
      return true;
    case StepKind::kKill:
      for (const auto& name : expandTargets(step.targets, false)) lab_.kill(name);
      return true;
    case StepKind::kRestart:
      for (const auto& name : expandTargets(step.targets, false)) {
        lab_.stop(name);
        lab_.start(name, kStartTimeout);
      }
      return true;
    case StepKind::kCli: {
      std::vector<std::string> lines;
      for (const auto& line : step.cli_lines) lines.push_back(expand(line));
      auto r = lab_.cli(step.targets[0], lines);
      last_output_ = r.output;
      out_ << indent(r.output);
      if (r.timed_out) {
        failure = "the CLI of " + step.targets[0] + " did not answer within 30 s";
        return false;
      }
      if (step.expect_failure ? r.exit_code != 1 : r.exit_code != 0) {
        failure = step.expect_failure ? "the line was expected to fail but " +
                                            std::string(r.exit_code == 0 ? "succeeded" : "could not run")
                                      : "the CLI of " + step.targets[0] + " reported a failure (exit " +
                                            std::to_string(r.exit_code) + ")";
        failure += ":\n" + indent(r.output);
        return false;
      }
      return true;
    }
    case StepKind::kActivity: {
      const std::string& endpoint = step.targets[0];
      if (!lab_.running(endpoint)) {
        failure = endpoint + " is not running";
        return false;
      }
      std::vector<std::string> words = {step.activity};
      for (const auto& arg : step.arguments) words.push_back(expand(arg));
      auto r = lab_.act(endpoint, words);
      last_output_ = r.output;
      if (r.exit_code != 0 && r.exit_code != 1) {
        failure = "could not reach " + endpoint + " (exit " + std::to_string(r.exit_code) + "):\n" + indent(r.output);
        return false;
      }
      bool blocked = r.exit_code == 1;
      if (blocked != step.expect_failure) {
        failure = endpoint + " " + step.activity + " " + (blocked ? "was refused" : "succeeded") + ", expected " +
                  (step.expect_failure ? "blocked" : "ok") + ":\n" + indent(r.output);
        return false;
      }
      return true;
    }
    case StepKind::kWait: {
      auto deadline = Clock::now() + step.within;
      ConditionState s;
      for (;;) {
        s = evaluate(step.condition);
        if (s.holds) return true;
        if (interrupted_) {
          failure = "interrupted";
          return false;
        }
        if (Clock::now() >= deadline) break;
        std::this_thread::sleep_for(kPoll);
      }
      failure = "not true after " + formatDuration(step.within) + ": " + s.observed;
      return false;
    }
    case StepKind::kExpect: {
      auto s = evaluate(step.condition);
      if (!s.holds) failure = "expectation is false: " + s.observed;
      return s.holds;
    }
    case StepKind::kTrace:
      printTimeline(step.targets[0]);
      return true;
  }
  return true;
}

bool ScenarioRunner::run(const Scenario& scenario) {
  out_ << "Scenario: " << (scenario.title.empty() ? "(untitled)" : scenario.title) << "\n";
  auto began = Clock::now();
  bool passed = true;
  for (const auto& step : scenario.steps) {
    if (interrupted_) {
      out_ << "interrupted\n";
      passed = false;
      break;
    }
    std::string statement = firstLine(formatStep(step));
    if (step.kind == StepKind::kSay) {
      out_ << "\n  " << step.text << "\n";
      continue;
    }
    out_ << "[line " << step.line << "] " << statement << (step.kind == StepKind::kCli && step.cli_lines.size() > 1
                                                                ? " (" + std::to_string(step.cli_lines.size()) + " lines)"
                                                                : "")
         << "\n" << std::flush;
    auto t0 = Clock::now();
    std::string failure;
    bool ok = false;
    try {
      ok = runStep(step, failure);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!ok) {
      out_ << "  FAIL (line " << step.line << "): " << failure << "\n";
      passed = false;
      break;
    }
    out_ << "  ok (" << seconds(Clock::now() - t0) << ")\n" << std::flush;
  }
  out_ << "\n";
  // Every endpoint of the scenario: one quarantined by hand (Q-<ip>) has a flow without an activity.
  for (const auto& e : scenario.endpoints) {
    if (lab_.isEndpoint(e.name)) printTimeline(e.name);
  }
  out_ << "\n" << (passed ? "PASS" : "FAIL") << "  " << (scenario.title.empty() ? "" : scenario.title) << "  ("
       << seconds(Clock::now() - began) << ")\n";
  return passed;
}

}  // namespace fabric::lab
