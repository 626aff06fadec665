// The canonical text of a scenario (what parseScenario reads back to the same value).
#include <sstream>

#include "scenarios/lab/scenario.h"
#include "scenarios/lab/scenario_words.h"

namespace fabric::lab {
namespace {

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + quoteWord(w);
  return out;
}

std::string conditionText(const Condition& c) {
  switch (c.kind) {
    case ConditionKind::kQuarantined: return quoteWord(c.subject) + " quarantined";
    case ConditionKind::kNotQuarantined: return quoteWord(c.subject) + " not quarantined";
    case ConditionKind::kConnected: return quoteWord(c.subject) + " connected";
    case ConditionKind::kConnectedEms: return quoteWord(c.subject) + " connected to ems";
    case ConditionKind::kConnectedFortigate: return quoteWord(c.subject) + " connected to fortigate";
    case ConditionKind::kNotConnectedFortigate: return quoteWord(c.subject) + " not connected to fortigate";
    case ConditionKind::kUp: return quoteWord(c.subject) + " up";
    case ConditionKind::kDown: return quoteWord(c.subject) + " down";
    case ConditionKind::kLogsMatching: return "logs matching " + join(c.filters);
    case ConditionKind::kNoLogsMatching: return "no logs matching " + join(c.filters);
    case ConditionKind::kOutputContains: return "output contains " + quoteWord(c.text);
    case ConditionKind::kOutputLacks: return "output lacks " + quoteWord(c.text);
    case ConditionKind::kTimelineSteps: {
      const std::string flow = c.flow.empty() ? "" : " flow " + c.flow;
      std::string range = std::to_string(c.first_step);
      if (c.last_step != c.first_step) range += ".." + std::to_string(c.last_step);
      return "timeline " + quoteWord(c.subject) + flow + " steps " + range + (c.in_order ? " in order" : "");
    }
    case ConditionKind::kTimelineWithout:
      return "timeline " + quoteWord(c.subject) + (c.flow.empty() ? "" : " flow " + c.flow) + " without step " + std::to_string(c.first_step);
  }
  return "";
}

}  // namespace

std::string formatStep(const Step& step) {
  std::ostringstream out;
  switch (step.kind) {
    case StepKind::kStart: out << "start " << join(step.targets); break;
    case StepKind::kStop: out << "stop " << join(step.targets); break;
    case StepKind::kRestart: out << "restart " << join(step.targets); break;
    case StepKind::kKill: out << "kill -9 " << join(step.targets); break;
    case StepKind::kCli:
      out << "cli " << step.targets.at(0) << (step.expect_failure ? " fails" : "") << ":";
      if (step.cli_lines.size() == 1) {
        out << " " << step.cli_lines[0];
      } else {
        for (const auto& line : step.cli_lines) out << "\n    " << line;
      }
      break;
    case StepKind::kActivity:
      out << "endpoint " << quoteWord(step.targets.at(0)) << " " << step.activity << " " << join(step.arguments);
      if (step.expect_failure) out << " expect blocked";
      break;
    case StepKind::kWait:
      out << "wait " << conditionText(step.condition) << " within " << formatDuration(step.within);
      break;
    case StepKind::kExpect: out << "expect " << conditionText(step.condition); break;
    case StepKind::kTrace: out << "trace " << quoteWord(step.targets.at(0)); break;
    case StepKind::kSay: out << "say " << step.text; break;
  }
  return out.str();
}

std::string formatScenario(const Scenario& scenario) {
  std::ostringstream out;
  if (!scenario.title.empty()) out << "title " << scenario.title << "\n";
  // The implicit default endpoint is not written back: a scenario without declarations has it.
  bool only_default = scenario.endpoints.size() == 1 && scenario.endpoints[0].line == 0;
  if (!only_default) {
    for (const auto& e : scenario.endpoints) {
      out << "lab endpoint " << e.name;
      if (e.os != "windows") out << " os " << e.os;
      if (e.offline) out << " offline";
      out << "\n";
    }
  }
  for (const auto& step : scenario.steps) out << formatStep(step) << "\n";
  return out.str();
}

}  // namespace fabric::lab
