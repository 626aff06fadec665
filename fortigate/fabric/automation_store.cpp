#include "fortigate/fabric/automation_store.h"

#include <stdexcept>

#include "common/sqlite/sqlite_db.h"
#include "fortigate/fabric/automation.h"

namespace fabric::fortigate {
namespace {

std::int64_t toMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point fromMs(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

StepStatus stepStatus(const std::string& text) {
  for (auto s : {StepStatus::Pending, StepStatus::Done, StepStatus::Failed, StepStatus::Skipped})
    if (text == toString(s)) return s;
  throw std::invalid_argument("unknown step status '" + text + "'");
}

}  // namespace

nlohmann::json runToStored(const RunRecord& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"action", s.action},
                     {"action_type", s.action_type},
                     {"delay", s.delay_seconds},
                     {"due_ms", toMs(s.due)},
                     {"status", toString(s.status)},
                     {"detail", s.detail},
                     {"finished_ms", toMs(s.finished_at)}});
  const auto& e = r.event;
  return {{"id", r.id},
          {"stitch", r.stitch},
          {"trigger", r.trigger},
          {"test", r.test},
          {"started_ms", toMs(r.started_at)},
          {"event",
           {{"id", e.id},
            {"endpoint_ip", e.endpoint_ip},
            {"uid", e.uid},
            {"indicator", e.indicator},
            {"indicator_type", e.indicator_type},
            {"threat", e.threat},
            {"level", e.level},
            {"log_ids", e.log_ids},
            {"feed", e.feed},
            {"flow_id", e.flow_id},
            {"rescan", e.rescan}}},
          {"steps", steps}};
}

RunRecord runFromStored(const nlohmann::json& j) {
  RunRecord r;
  r.id = j.at("id").get<std::uint64_t>();
  r.stitch = j.at("stitch").get<std::string>();
  r.trigger = j.at("trigger").get<std::string>();
  r.test = j.at("test").get<bool>();
  r.started_at = fromMs(j.at("started_ms").get<std::int64_t>());
  const auto& e = j.at("event");
  r.event.id = e.at("id").get<std::string>();
  r.event.endpoint_ip = e.at("endpoint_ip").get<std::string>();
  r.event.uid = e.at("uid").get<std::string>();
  r.event.indicator = e.at("indicator").get<std::string>();
  r.event.indicator_type = e.at("indicator_type").get<std::string>();
  r.event.threat = e.at("threat").get<std::string>();
  r.event.level = e.at("level").get<std::string>();
  r.event.log_ids = e.at("log_ids").get<std::vector<std::string>>();
  r.event.feed = e.at("feed").get<std::string>();
  r.event.flow_id = e.at("flow_id").get<std::string>();
  r.event.rescan = e.at("rescan").get<bool>();
  for (const auto& s : j.at("steps")) {
    StepRecord step;
    step.action = s.at("action").get<std::string>();
    step.action_type = s.at("action_type").get<std::string>();
    step.delay_seconds = s.at("delay").get<int>();
    step.due = fromMs(s.at("due_ms").get<std::int64_t>());
    step.status = stepStatus(s.at("status").get<std::string>());
    step.detail = s.at("detail").get<std::string>();
    step.finished_at = fromMs(s.at("finished_ms").get<std::int64_t>());
    r.steps.push_back(std::move(step));
  }
  return r;
}

AutomationStore::AutomationStore(const std::filesystem::path& db_path)
    : db_(std::make_unique<sqlite::SqliteDb>(db_path.string(), false, true, "automation database")) {
  db_->exec("PRAGMA journal_mode=WAL");
  // As the EMS call queue: committed rows are in the WAL before the call returns (kill -9 safe).
  db_->exec("PRAGMA synchronous=NORMAL");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS automation_runs (id INTEGER PRIMARY KEY, finished INTEGER NOT NULL,"
      " record TEXT NOT NULL)");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS automation_action_runs (action TEXT PRIMARY KEY, last_run_ms INTEGER NOT NULL)");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS automation_stitch_stats (stitch TEXT PRIMARY KEY, triggered INTEGER NOT NULL,"
      " last_triggered_ms INTEGER NOT NULL)");
}

AutomationStore::~AutomationStore() = default;

void AutomationStore::saveRun(const RunRecord& run) {
  const std::string record = runToStored(run).dump();
  auto s = db_->prepare("INSERT OR REPLACE INTO automation_runs (id, finished, record) VALUES (?,?,?)");
  s.bindInt(1, static_cast<std::int64_t>(run.id));
  s.bindInt(2, run.finished() ? 1 : 0);
  s.bindText(3, record);
  s.step();
}

void AutomationStore::forgetRunsBefore(std::uint64_t first_kept_id) {
  auto s = db_->prepare("DELETE FROM automation_runs WHERE id < ? AND finished = 1");
  s.bindInt(1, static_cast<std::int64_t>(first_kept_id));
  s.step();
}

void AutomationStore::saveActionRun(const std::string& action, std::chrono::system_clock::time_point at) {
  auto s = db_->prepare("INSERT OR REPLACE INTO automation_action_runs (action, last_run_ms) VALUES (?,?)");
  s.bindText(1, action);
  s.bindInt(2, toMs(at));
  s.step();
}

void AutomationStore::saveStitchStats(const std::string& stitch, const StitchStats& stats) {
  auto s = db_->prepare(
      "INSERT OR REPLACE INTO automation_stitch_stats (stitch, triggered, last_triggered_ms) VALUES (?,?,?)");
  s.bindText(1, stitch);
  s.bindInt(2, static_cast<std::int64_t>(stats.triggered));
  s.bindInt(3, toMs(stats.last_triggered));
  s.step();
}

AutomationStore::Contents AutomationStore::load(std::size_t max_runs) const {
  Contents c;
  c.max_run_id = static_cast<std::uint64_t>(db_->queryInt("SELECT COALESCE(MAX(id), 0) FROM automation_runs"));
  {
    // The newest max_runs runs, plus every unfinished one however old (a pending step is never lost).
    auto s = db_->prepare(
        "SELECT record FROM automation_runs WHERE finished = 0 OR id IN "
        "(SELECT id FROM automation_runs ORDER BY id DESC LIMIT ?) ORDER BY id");
    s.bindInt(1, static_cast<std::int64_t>(max_runs));
    while (s.step()) {
      auto j = nlohmann::json::parse(s.columnText(0), nullptr, false);
      try {
        if (j.is_discarded()) throw std::invalid_argument("not JSON");
        c.runs.push_back(runFromStored(j));
      } catch (const std::exception&) {
        ++c.unreadable_runs;
      }
    }
  }
  {
    auto s = db_->prepare("SELECT action, last_run_ms FROM automation_action_runs");
    while (s.step()) c.action_last_run[std::string(s.columnText(0))] = fromMs(s.columnInt(1));
  }
  {
    auto s = db_->prepare("SELECT stitch, triggered, last_triggered_ms FROM automation_stitch_stats");
    while (s.step()) {
      StitchStats st;
      st.triggered = static_cast<std::uint64_t>(s.columnInt(1));
      st.last_triggered = fromMs(s.columnInt(2));
      c.stats[std::string(s.columnText(0))] = st;
    }
  }
  return c;
}

}  // namespace fabric::fortigate
