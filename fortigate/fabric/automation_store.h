#pragma once
// Where the automation engine keeps what must outlive a kill -9 (DESIGN.md "Nothing accepted is
// lost"): every run with its steps — a step still waiting for its `delay` included — the time each
// automation-action last ran (for `minimum-interval`) and the per-stitch hit counts.
//
// SQLite in the node home (DIR/automation.db), opened the way the EMS call queue opens
// DIR/ems_calls.db (common/sqlite, WAL, synchronous=NORMAL: a saved run survives kill -9 of the
// process). A run is one row holding its JSON record, rewritten whenever one of its steps changes.
// Times are wall-clock milliseconds: a steady-clock time point means nothing after a restart.
// Errors throw sqlite::SqliteError. Threading: the engine's thread only.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace fabric::sqlite {
class SqliteDb;
}

namespace fabric::fortigate {

struct RunRecord;
struct StitchStats;

class AutomationStore {
 public:
  explicit AutomationStore(const std::filesystem::path& db_path);
  ~AutomationStore();
  AutomationStore(const AutomationStore&) = delete;
  AutomationStore& operator=(const AutomationStore&) = delete;

  void saveRun(const RunRecord& run);
  // Deletes the finished runs whose id is below `first_kept_id` (the engine's history bound).
  void forgetRunsBefore(std::uint64_t first_kept_id);
  void saveActionRun(const std::string& action, std::chrono::system_clock::time_point at);
  void saveStitchStats(const std::string& stitch, const StitchStats& stats);

  struct Contents {
    std::deque<RunRecord> runs;  // oldest first, at most max_runs
    std::map<std::string, std::chrono::system_clock::time_point> action_last_run;
    std::map<std::string, StitchStats> stats;
    std::uint64_t max_run_id = 0;
    std::size_t unreadable_runs = 0;  // rows whose record could not be decoded (skipped)
  };
  Contents load(std::size_t max_runs) const;

 private:
  std::unique_ptr<sqlite::SqliteDb> db_;
};

// The stored form of a run (round-trips every field, times in wall-clock milliseconds).
nlohmann::json runToStored(const RunRecord& run);
// Throws std::exception (nlohmann or std::invalid_argument) when `j` is not a stored run.
RunRecord runFromStored(const nlohmann::json& j);

}  // namespace fabric::fortigate
