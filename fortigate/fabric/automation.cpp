#include "fortigate/fabric/automation.h"

#include <sstream>

#include "common/config/engine.h"
#include "fortigate/fabric/automation_store.h"
#include "fortigate/fabric/event_lines.h"
#include "fortigate/fabric/time_text.h"

namespace fabric::fortigate {
namespace {

const char* kStitch = "system automation-stitch";
const char* kTrigger = "system automation-trigger";
const char* kAction = "system automation-action";

int intValue(const config::Engine& c, const config::Path& p, const char* attr) {
  auto v = c.value(p, attr);
  if (!v || v->empty()) return 0;
  try {
    return std::stoi(*v);
  } catch (...) {
    return 0;
  }
}

struct PlannedAction {
  std::string name;
  int delay = 0;
};

// The stitch's actions in order: 7.x `config actions` when it has entries, else the 6.0 list.
std::vector<PlannedAction> plannedActions(const config::Engine& c, const std::string& stitch) {
  std::vector<PlannedAction> out;
  const config::Path actions_table{kStitch, stitch, "actions"};
  for (const auto& id : c.keys(actions_table)) {
    config::Path entry{kStitch, stitch, "actions", id};
    auto name = c.value(entry, "action");
    if (!name || name->empty()) continue;
    out.push_back({*name, intValue(c, entry, "delay")});
  }
  if (!out.empty()) return out;
  if (auto names = c.values({kStitch, stitch}, "action")) {
    for (const auto& n : *names) out.push_back({n, intValue(c, {kAction, n}, "delay")});
  }
  return out;
}

}  // namespace

const char* toString(StepStatus s) {
  switch (s) {
    case StepStatus::Pending: return "pending";
    case StepStatus::Done: return "done";
    case StepStatus::Failed: return "failed";
    case StepStatus::Skipped: return "skipped";
  }
  return "?";
}

bool RunRecord::finished() const {
  for (const auto& s : steps)
    if (s.status == StepStatus::Pending) return false;
  return true;
}

bool iocLevelMatches(const std::string& trigger_level, const std::string& event_level) {
  if (trigger_level == "medium") return event_level == "medium" || event_level == "high";
  if (trigger_level == "high") return event_level == "high";
  return false;
}

AutomationEngine::AutomationEngine(DeviceInfo device, const config::Engine& config, const Clock& clock,
                                   EventLogSink& log, AutomationStore* store)
    : device_(std::move(device)), config_(config), clock_(clock), log_(log), store_(store) {
  if (!store_) return;
  auto loaded = store_->load(kMaxHistory);
  history_ = std::move(loaded.runs);
  last_action_run_ = std::move(loaded.action_last_run);
  stats_ = std::move(loaded.stats);
  next_run_id_ = loaded.max_run_id + 1;
}

void AutomationEngine::setRunner(const std::string& action_type, ActionRunner* runner) {
  runners_[action_type] = runner;
}

std::vector<std::uint64_t> AutomationEngine::onIocEvent(const IocEvent& event) {
  log_.write(compromisedHostDetected({event.endpoint_ip, event.uid, event.indicator, event.indicator_type,
                                      event.threat, event.level, event.feed, event.flow_id}));
  std::vector<std::uint64_t> started;
  for (const auto& stitch : config_.keys({kStitch})) {
    if (config_.value({kStitch, stitch}, "status").value_or("enable") != "enable") continue;
    const auto trigger = config_.value({kStitch, stitch}, "trigger").value_or("");
    if (trigger.empty()) continue;
    const config::Path tp{kTrigger, trigger};
    if (config_.value(tp, "trigger-type").value_or("") != "event-based") continue;
    if (config_.value(tp, "event-type").value_or("") != "ioc") continue;
    if (!iocLevelMatches(config_.value(tp, "ioc-level").value_or("high"), event.level)) continue;
    if (auto id = startRun(stitch, event, false, nullptr)) started.push_back(*id);
  }
  poll();
  return started;
}

std::string AutomationEngine::testStitch(const std::string& stitch, const std::string& endpoint_ip,
                                         std::uint64_t* run_id) {
  if (!config_.value({kStitch, stitch}, "status")) return "stitch \"" + stitch + "\" does not exist";
  const auto trigger = config_.value({kStitch, stitch}, "trigger").value_or("");
  IocEvent e;
  e.id = "test";
  e.endpoint_ip = endpoint_ip;
  e.level = config_.value({kTrigger, trigger}, "ioc-level").value_or("high");
  e.indicator = "automation-test";
  e.indicator_type = "test";
  e.threat = "automation test";
  std::string error;
  auto id = startRun(stitch, e, true, &error);
  if (!id) return error;
  if (run_id) *run_id = *id;
  poll();
  return {};
}

std::optional<std::uint64_t> AutomationEngine::startRun(const std::string& stitch, const IocEvent& event, bool test,
                                                        std::string* error) {
  const auto trigger = config_.value({kStitch, stitch}, "trigger").value_or("");
  auto planned = plannedActions(config_, stitch);
  if (planned.empty()) {
    if (error) *error = "stitch \"" + stitch + "\" has no action";
    return std::nullopt;
  }
  RunRecord run;
  run.id = next_run_id_++;
  run.stitch = stitch;
  run.trigger = trigger;
  run.event = event;
  run.test = test;
  run.started_at = clock_.now();
  auto due = clock_.now();
  std::vector<std::string> names;
  for (const auto& p : planned) {
    due += std::chrono::seconds(p.delay);
    StepRecord step;
    step.action = p.name;
    step.action_type = config_.value({kAction, p.name}, "action-type").value_or("");
    step.delay_seconds = p.delay;
    step.due = due;
    run.steps.push_back(std::move(step));
    names.push_back(p.name);
  }
  auto& stats = stats_[stitch];
  ++stats.triggered;
  stats.last_triggered = run.started_at;
  log_.write(stitchTriggered({stitch, trigger, test ? "diagnose" : "log", names, event.endpoint_ip, event.flow_id}));
  if (store_) {
    store_->saveRun(run);
    store_->saveStitchStats(stitch, stats);
  }
  history_.push_back(std::move(run));
  const auto id = history_.back().id;
  bool trimmed = false;
  while (history_.size() > kMaxHistory && history_.front().finished()) {
    history_.pop_front();
    trimmed = true;
  }
  if (trimmed && store_) store_->forgetRunsBefore(history_.front().id);
  return id;
}

void AutomationEngine::poll() {
  for (auto& run : history_)
    if (!run.finished() && runDueSteps(run) && store_) store_->saveRun(run);
}

bool AutomationEngine::runDueSteps(RunRecord& run) {
  const auto now = clock_.now();
  bool changed = false;
  for (std::size_t i = 0; i < run.steps.size(); ++i) {
    auto& step = run.steps[i];
    if (step.status != StepStatus::Pending) continue;
    if (step.due > now) return changed;  // later steps wait for this one
    changed = true;
    const config::Path ap{kAction, step.action};
    const int interval = intValue(config_, ap, "minimum-interval");
    auto last = last_action_run_.find(step.action);
    if (interval > 0 && last != last_action_run_.end() && now - last->second < std::chrono::seconds(interval)) {
      step.status = StepStatus::Skipped;
      step.detail = "minimum-interval " + std::to_string(interval) + "s not elapsed since the action last ran";
      step.finished_at = clock_.now();
      continue;
    }
    ActionResult result;
    auto runner = runners_.find(step.action_type);
    if (!config_.value(ap, "action-type")) {
      result = {false, "automation-action \"" + step.action + "\" no longer exists"};
    } else if (runner == runners_.end() || runner->second == nullptr) {
      result = {false, "action type " + step.action_type + " is not supported by Fabric Lab"};
    } else {
      last_action_run_[step.action] = now;
      if (store_) store_->saveActionRun(step.action, now);
      result = runner->second->run({run.event, run.id, run.stitch, run.trigger, step.action, step.action_type});
    }
    step.status = result.ok ? StepStatus::Done : StepStatus::Failed;
    step.detail = result.detail;
    step.finished_at = clock_.now();
    if (!result.ok) {
      for (std::size_t j = i + 1; j < run.steps.size(); ++j) {
        run.steps[j].status = StepStatus::Skipped;
        run.steps[j].detail = "previous action \"" + step.action + "\" failed";
        run.steps[j].finished_at = step.finished_at;
      }
      return true;
    }
  }
  return changed;
}

std::optional<std::chrono::system_clock::time_point> AutomationEngine::nextDue() const {
  std::optional<std::chrono::system_clock::time_point> best;
  for (const auto& run : history_) {
    for (const auto& s : run.steps) {
      if (s.status != StepStatus::Pending) continue;
      if (!best || s.due < *best) best = s.due;
      break;
    }
  }
  return best;
}

const RunRecord* AutomationEngine::run(std::uint64_t id) const {
  for (const auto& r : history_)
    if (r.id == id) return &r;
  return nullptr;
}

std::string AutomationEngine::autodSettings() const {
  std::ostringstream o;
  o << "autod settings:\n";
  for (const auto& stitch : config_.keys({kStitch})) {
    const auto trigger = config_.value({kStitch, stitch}, "trigger").value_or("");
    o << "stitch: " << stitch << ", status: " << config_.value({kStitch, stitch}, "status").value_or("") << "\n";
    o << "    trigger: " << trigger << ", event-type: " << config_.value({kTrigger, trigger}, "event-type").value_or("")
      << ", ioc-level: " << config_.value({kTrigger, trigger}, "ioc-level").value_or("") << "\n";
    for (const auto& a : plannedActions(config_, stitch)) {
      o << "    action: " << a.name << ", type: " << config_.value({kAction, a.name}, "action-type").value_or("")
        << ", delay: " << a.delay << ", minimum-interval: " << intValue(config_, {kAction, a.name}, "minimum-interval")
        << "\n";
    }
    auto s = stats_.find(stitch);
    o << "    triggered: " << (s == stats_.end() ? 0 : s->second.triggered) << ", last: "
      << deviceTimeText(s == stats_.end() ? std::chrono::system_clock::time_point{} : s->second.last_triggered,
                        device_.tz_minutes)
      << "\n";
  }
  return o.str();
}

std::string AutomationEngine::autodHistory() const {
  std::ostringstream o;
  o << "autod log history: " << history_.size() << " runs\n";
  for (const auto& r : history_) {
    o << "run " << r.id << ": stitch=" << r.stitch << " trigger=" << r.trigger << (r.test ? " (test)" : "")
      << " time=" << deviceTimeText(r.started_at, device_.tz_minutes) << " endpoint=" << r.event.endpoint_ip
      << " level=" << r.event.level;
    if (!r.event.flow_id.empty()) o << " flow=" << r.event.flow_id;
    o << "\n";
    for (const auto& s : r.steps) {
      o << "    action=" << s.action << " type=" << s.action_type << " delay=" << s.delay_seconds
        << " status=" << toString(s.status);
      if (!s.detail.empty()) o << " detail=\"" << s.detail << "\"";
      o << "\n";
    }
  }
  return o.str();
}

}  // namespace fabric::fortigate
