#pragma once
// Runs a parsed scenario against a lab, step by step, printing each step and its outcome. A step
// that does not hold (a CLI line that fails, an activity with the wrong outcome, a wait that times
// out, an expectation that is false) ends the run as failed, naming the scenario line. At the end
// the timeline of every endpoint that has a flow is printed.
//
// Waits poll their condition (FortiAnalyzer search, `forticlient status`, process state) every
// 100 ms until it holds or the timeout passes; nothing sleeps for a fixed time.

#include <atomic>
#include <ostream>
#include <string>

#include "scenarios/lab/lab_controller.h"
#include "scenarios/lab/scenario.h"

namespace fabric::lab {

struct ConditionState {
  bool holds = false;
  std::string observed;  // what was seen, for the failure message ("state none", "no such log", …)
};

class ScenarioRunner {
 public:
  // `interrupted` is set by the signal handler (Ctrl-C): the run stops at the next poll.
  ScenarioRunner(LabController& lab, std::ostream& out, const std::atomic<bool>& interrupted);

  // true = every step held.
  bool run(const Scenario& scenario);

  ConditionState evaluate(const Condition& condition);
  // Prints the timeline of an endpoint (or says why there is none).
  void printTimeline(const std::string& endpoint);

 private:
  bool runStep(const Step& step, std::string& failure);
  std::vector<std::string> expandTargets(const std::vector<std::string>& targets, bool for_start) const;
  std::string endpointUid(const std::string& endpoint);
  std::string endpointIdentity(const std::string& endpoint, const char* key);
  // ${NAME.ATTR} replaced with this lab's values; throws std::runtime_error on an unknown one.
  std::string expand(const std::string& text);

  LabController& lab_;
  std::ostream& out_;
  const std::atomic<bool>& interrupted_;
  std::string last_output_;
};

}  // namespace fabric::lab
