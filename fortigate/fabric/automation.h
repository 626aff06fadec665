#pragma once
// The automation engine (DESIGN.md "FortiGate"): matches events to enabled stitches, runs their
// actions in order with `delay`, honours each action's `minimum-interval`, and records every run.
//
// Reads `config system automation-trigger/-action/-stitch` from the config engine each time an
// event arrives, so a change is effective at once. A stitch lists its actions either the FortiOS
// 6.0 way (`set action "a" "b"`, each action's own `delay`) or the 7.x way (`config actions` /
// `edit <id>` / `set action`, `set delay`); when `config actions` has entries it wins.
// Delays are sequential: an action runs `delay` seconds after the one before it was due; when an
// action fails, the rest of that run is skipped (FortiOS "Sequential" execution).
// `ioc-level medium` fires on medium and high IoCs, `high` only on high.
// Persistence: with an AutomationStore every run (pending delayed steps included), each action's
// last run (minimum-interval) and the hit counts are saved as they change and loaded at
// construction, so a step waiting for its `delay` still runs after a kill -9 and restart — at once
// when its time passed while the node was down. A step whose action was running when the process
// died runs again (the quarantine action's queue does not queue an identical pending call twice).
// Without a store the engine keeps everything in memory (unit tests).
// Threading: owned by the node's event loop. Time only through the injected Clock (wall-clock
// time: due times and minimum-interval must mean the same thing after a restart).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "fortigate/fabric/fabric_context.h"
#include "fortigate/fabric/ioc_event.h"

namespace fabric::config {
class Engine;
}

namespace fabric::fortigate {

struct ActionContext {
  const IocEvent& event;
  std::uint64_t run_id;
  std::string stitch;
  std::string trigger;
  std::string action;       // automation-action name
  std::string action_type;  // quarantine-forticlient, …
};

struct ActionResult {
  bool ok = false;
  std::string detail;  // what happened, or why it failed
};

// Carries out one action type (the seam between the engine and e.g. the EMS call queue).
class ActionRunner {
 public:
  virtual ~ActionRunner() = default;
  virtual ActionResult run(const ActionContext& context) = 0;
};

enum class StepStatus { Pending, Done, Failed, Skipped };
const char* toString(StepStatus s);

struct StepRecord {
  std::string action;
  std::string action_type;
  int delay_seconds = 0;
  std::chrono::system_clock::time_point due;
  StepStatus status = StepStatus::Pending;
  std::string detail;
  std::chrono::system_clock::time_point finished_at{};
};

struct RunRecord {
  std::uint64_t id = 0;
  std::string stitch;
  std::string trigger;
  IocEvent event;
  bool test = false;  // started by `diagnose automation test`
  std::chrono::system_clock::time_point started_at;
  std::vector<StepRecord> steps;
  bool finished() const;
};

struct StitchStats {
  std::uint64_t triggered = 0;
  std::chrono::system_clock::time_point last_triggered{};
};

class AutomationStore;

class AutomationEngine {
 public:
  // `store` (not owned, may be null) is loaded here; throws sqlite::SqliteError when it fails.
  AutomationEngine(DeviceInfo device, const config::Engine& config, const Clock& clock, EventLogSink& log,
                   AutomationStore* store = nullptr);

  // Not owned; one runner per action-type. An action whose type has no runner fails with a reason.
  void setRunner(const std::string& action_type, ActionRunner* runner);

  // Logs 0100022953, starts a run for every matching enabled stitch (0100046600 each) and runs the
  // actions that are due now. Returns the ids of the runs started.
  std::vector<std::uint64_t> onIocEvent(const IocEvent& event);
  // `diagnose automation test <stitch>`: runs the stitch (enabled or not) with a synthetic event of
  // its trigger's level for `endpoint_ip`. "" or the reason it could not start.
  std::string testStitch(const std::string& stitch, const std::string& endpoint_ip, std::uint64_t* run_id = nullptr);

  // Runs every step that is due; call when nextDue() passes.
  void poll();
  std::optional<std::chrono::system_clock::time_point> nextDue() const;

  const std::deque<RunRecord>& history() const { return history_; }
  const RunRecord* run(std::uint64_t id) const;
  const std::map<std::string, StitchStats>& stats() const { return stats_; }

  // `diagnose test application autod 2` (stitches, triggers, hit counts) and `… 3` (run history).
  std::string autodSettings() const;
  std::string autodHistory() const;

  static constexpr std::size_t kMaxHistory = 1000;

 private:
  std::optional<std::uint64_t> startRun(const std::string& stitch, const IocEvent& event, bool test,
                                        std::string* error);
  bool runDueSteps(RunRecord& run);  // true when a step changed

  DeviceInfo device_;
  const config::Engine& config_;
  const Clock& clock_;
  EventLogSink& log_;
  std::map<std::string, ActionRunner*> runners_;
  std::deque<RunRecord> history_;
  std::uint64_t next_run_id_ = 1;
  AutomationStore* store_;
  std::map<std::string, std::chrono::system_clock::time_point> last_action_run_;  // minimum-interval
  std::map<std::string, StitchStats> stats_;
};

// True when a trigger of `ioc-level` fires for an IoC of `event_level`.
bool iocLevelMatches(const std::string& trigger_level, const std::string& event_level);

}  // namespace fabric::fortigate
