#include "fortianalyzer/ioc/verdict_table.h"

#include <algorithm>
#include <ctime>

namespace fabric::faz::ioc {

std::string isoTime(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

EndpointVerdict* VerdictTable::record(const LogObservables& log,
                                      const std::vector<IocMatch>& matches,
                                      std::chrono::system_clock::time_point time, bool rescan,
                                      bool* newEvent) {
  *newEvent = false;
  const std::string& key = !log.endpointUid.empty() ? log.endpointUid : log.endpointIp;
  if (key.empty() || matches.empty()) return nullptr;
  auto [it, created] = verdicts_.try_emplace(key);
  EndpointVerdict& v = it->second;
  if (created) {
    v.endpoint = key;
    v.level = matches.front().level;
    v.firstSeen = time;
    v.lastSeen = time;
  }
  if (!log.endpointUid.empty()) v.uid = log.endpointUid;
  if (!log.endpointIp.empty()) v.ip = log.endpointIp;
  if (!log.hostname.empty()) v.hostname = log.hostname;

  if (!v.countedLogs.insert(log.logId).second) return &v;  // already counted (e.g. rescan of it)
  *newEvent = true;
  ++v.events;
  v.firstSeen = std::min(v.firstSeen, time);
  v.lastSeen = std::max(v.lastSeen, time);
  v.acknowledged = false;
  v.foundByRescan = v.foundByRescan || rescan;
  v.logIds.push_back(log.logId);
  if (v.logIds.size() > kMaxLogIdsPerEndpoint) v.logIds.pop_front();
  for (const auto& match : matches) {
    v.level = std::max(v.level, match.level);
    v.threats.insert(match.threat);
    auto hit = std::find_if(v.indicators.begin(), v.indicators.end(), [&](const IndicatorHit& h) {
      return h.feed == match.feed && h.indicator == match.indicator;
    });
    if (hit != v.indicators.end()) {
      ++hit->events;
    } else if (v.indicators.size() < kMaxIndicatorsPerEndpoint) {
      v.indicators.push_back(
          IndicatorHit{match.feed, match.indicator, match.kind, match.level, match.threat, 1});
    }
  }
  return &v;
}

const EndpointVerdict* VerdictTable::find(std::string_view endpoint) const {
  auto it = verdicts_.find(endpoint);
  return it == verdicts_.end() ? nullptr : &it->second;
}

bool VerdictTable::acknowledge(std::string_view endpoint) {
  auto it = verdicts_.find(endpoint);
  if (it == verdicts_.end()) return false;
  it->second.acknowledged = true;
  return true;
}

nlohmann::json VerdictTable::toJson() const {
  std::vector<const EndpointVerdict*> order;
  order.reserve(verdicts_.size());
  for (const auto& [key, verdict] : verdicts_) order.push_back(&verdict);
  std::stable_sort(order.begin(), order.end(), [](const EndpointVerdict* a, const EndpointVerdict* b) {
    if (a->level != b->level) return a->level > b->level;
    return a->lastSeen > b->lastSeen;
  });
  nlohmann::json hosts = nlohmann::json::array();
  for (const EndpointVerdict* v : order) {
    nlohmann::json indicators = nlohmann::json::array();
    for (const auto& hit : v->indicators) {
      indicators.push_back({{"feed", hit.feed},
                            {"indicator", hit.indicator},
                            {"type", toString(hit.kind)},
                            {"level", toString(hit.level)},
                            {"threat", hit.threat},
                            {"event_count", hit.events}});
    }
    hosts.push_back({{"endpoint", v->endpoint},
                     {"ip", v->ip},
                     {"uid", v->uid},
                     {"hostname", v->hostname},
                     {"verdict", verdictName(v->level)},
                     {"level", toString(v->level)},
                     {"threats", v->threats},
                     {"threat_count", v->threats.size()},
                     {"event_count", v->events},
                     {"first_seen", isoTime(v->firstSeen)},
                     {"last_seen", isoTime(v->lastSeen)},
                     {"acknowledged", v->acknowledged},
                     {"rescan", v->foundByRescan},
                     {"indicators", std::move(indicators)},
                     {"log_ids", v->logIds}});
  }
  return hosts;
}

}  // namespace fabric::faz::ioc
