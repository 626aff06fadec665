#include "scenarios/lab/lab_logs.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "fortianalyzer/search/log_search.h"

namespace fabric::lab {

namespace fs = std::filesystem;

fs::path findLogDatabase(const fs::path& faz_home) {
  std::error_code ec;
  std::vector<fs::path> candidates;
  for (const auto& entry : fs::directory_iterator(faz_home, ec)) {
    if (entry.path().extension() == ".db") candidates.push_back(entry.path());
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& path : candidates) {
    try {
      faz::LogSearch probe(path.string());
      return path;
    } catch (const std::exception&) {
      // Another store of the analyzer (not a log database).
    }
  }
  return {};
}

LabLogs::LabLogs(const fs::path& faz_home) {
  fs::path db = findLogDatabase(faz_home);
  if (db.empty())
    throw std::runtime_error("the FortiAnalyzer has no log database in " + faz_home.string() +
                             " yet (is it running? `fabricctl status`)");
  search_ = std::make_unique<faz::LogSearch>(db.string());
}

LabLogs::~LabLogs() = default;

LogsResult LabLogs::search(const std::vector<std::string>& filters, long long limit, bool count_only) {
  faz::LogQuery query;
  query.filters = filters;
  query.limit = limit;
  query.count_only = count_only;
  auto r = search_->run(query);
  return LogsResult{r.error, r.count, std::move(r.rows)};
}

std::vector<nlohmann::json> LabLogs::endpointRows(const std::string& ip, const std::string& uid) {
  std::vector<nlohmann::json> rows;
  std::set<long long> seen;
  for (const auto& key : {ip, uid}) {
    if (key.empty()) continue;
    auto r = search_->endpointTimeline(key);
    for (auto& row : r.rows) {
      long long id = row.value("id", 0LL);
      if (seen.insert(id).second) rows.push_back(std::move(row));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a.value("time_ns", 0LL) < b.value("time_ns", 0LL);
  });
  return rows;
}

std::vector<nlohmann::json> LabLogs::flowRows(const std::string& flow_id) {
  return search_->flowTimeline(flow_id).rows;
}

std::optional<Timeline> LabLogs::latestTimeline(const std::string& ip, const std::string& uid) {
  auto rows = endpointRows(ip, uid);
  auto ids = flowIds(rows);
  if (ids.empty()) return std::nullopt;
  return buildTimeline(ids.back(), flowRows(ids.back()), rows);
}

std::vector<Timeline> LabLogs::timelines(const std::string& ip, const std::string& uid) {
  auto rows = endpointRows(ip, uid);
  std::vector<Timeline> out;
  for (const auto& id : flowIds(rows)) out.push_back(buildTimeline(id, flowRows(id), rows));
  return out;
}

}  // namespace fabric::lab
