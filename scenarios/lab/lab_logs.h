#pragma once
// The lab's view of the FortiAnalyzer's logs: fortianalyzer/search's LogSearch over the analyzer's
// own SQLite store in its home directory (WAL: read while the daemon writes), so `fabricctl logs`,
// `trace` and scenario conditions see exactly what the FortiAnalyzer stored.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/lab/timeline.h"

namespace fabric::faz {
class LogSearch;
}

namespace fabric::lab {

struct LogsResult {
  std::string error;
  long long count = 0;
  std::vector<nlohmann::json> rows;
};

class LabLogs {
 public:
  // Finds the log database in the analyzer's home. Throws std::runtime_error when there is none yet.
  explicit LabLogs(const std::filesystem::path& faz_home);
  ~LabLogs();

  // `filters` are AND-ed FortiOS-style filters (srcip==…, logid==…, msg=@…); newest first.
  LogsResult search(const std::vector<std::string>& filters, long long limit, bool count_only);
  // Every log about the endpoint, by address and (when known) FortiClient uid, oldest first.
  std::vector<nlohmann::json> endpointRows(const std::string& ip, const std::string& uid);
  std::vector<nlohmann::json> flowRows(const std::string& flow_id);

  // The timeline of the endpoint's latest flow; nullopt when no log of it carries a flow id.
  std::optional<Timeline> latestTimeline(const std::string& ip, const std::string& uid);
  // The timelines of every flow of the endpoint, oldest first (by the first log of each flow).
  std::vector<Timeline> timelines(const std::string& ip, const std::string& uid);

 private:
  std::unique_ptr<faz::LogSearch> search_;
};

// The database file LabLogs opens, or "" when the analyzer has not created one.
std::filesystem::path findLogDatabase(const std::filesystem::path& faz_home);

}  // namespace fabric::lab
