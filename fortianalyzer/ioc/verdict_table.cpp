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
  applyRestored(v, log.logId);
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

void VerdictTable::applyRestored(EndpointVerdict& v, std::int64_t logId) {
  auto r = restored_.find(v.endpoint);
  if (r != restored_.end() && logId <= r->second.through) {
    // A log the admin had seen when acknowledging (the start-up rescan rebuilding the verdict).
    v.acknowledged = true;
    v.acknowledgedBy = r->second.by;
    v.acknowledgedAt = r->second.at;
    v.acknowledgedThrough = r->second.through;
    return;
  }
  if (r != restored_.end()) restored_.erase(r);  // a newer log matched: the acknowledgement is over
  v.acknowledged = false;
  v.acknowledgedBy.clear();
  v.acknowledgedAt = {};
  v.acknowledgedThrough = 0;
}

bool VerdictTable::acknowledge(std::string_view endpoint, std::string_view by,
                               std::chrono::system_clock::time_point at) {
  auto it = verdicts_.find(endpoint);
  if (it == verdicts_.end()) return false;
  EndpointVerdict& v = it->second;
  v.acknowledged = true;
  v.acknowledgedBy = std::string(by);
  v.acknowledgedAt = at;
  v.acknowledgedThrough = v.logIds.empty() ? 0 : *std::max_element(v.logIds.begin(), v.logIds.end());
  if (auto r = restored_.find(endpoint); r != restored_.end()) restored_.erase(r);
  return true;
}

void VerdictTable::restoreAcknowledgements(const std::vector<Acknowledgement>& acks) {
  for (const auto& ack : acks) {
    restored_[ack.endpoint] = ack;
    auto it = verdicts_.find(ack.endpoint);
    if (it == verdicts_.end()) continue;
    EndpointVerdict& v = it->second;
    std::int64_t newest = v.logIds.empty() ? 0 : *std::max_element(v.logIds.begin(), v.logIds.end());
    applyRestored(v, newest);
  }
}

std::vector<Acknowledgement> VerdictTable::acknowledgements() const {
  std::map<std::string, Acknowledgement> out;
  for (const auto& [endpoint, ack] : restored_)
    if (!verdicts_.count(endpoint)) out[endpoint] = ack;
  for (const auto& [endpoint, v] : verdicts_)
    if (v.acknowledged)
      out[endpoint] = Acknowledgement{endpoint, v.acknowledgedBy, v.acknowledgedAt, v.acknowledgedThrough};
  std::vector<Acknowledgement> list;
  for (auto& [endpoint, ack] : out) list.push_back(std::move(ack));
  return list;
}

nlohmann::json toJson(const Acknowledgement& ack) {
  return {{"endpoint", ack.endpoint},
          {"by", ack.by},
          {"at_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(ack.at.time_since_epoch()).count()},
          {"through", ack.through}};
}

std::optional<Acknowledgement> acknowledgementFromJson(const nlohmann::json& j, std::string* error) {
  if (!j.is_object() || !j.contains("endpoint") || !j["endpoint"].is_string() || j["endpoint"].get<std::string>().empty()) {
    *error = "an acknowledgement without an endpoint";
    return std::nullopt;
  }
  if (!j.value("by", nlohmann::json("")).is_string() || !j.value("at_ns", nlohmann::json(0)).is_number_integer() ||
      !j.value("through", nlohmann::json(0)).is_number_integer()) {
    *error = "acknowledgement of '" + j["endpoint"].get<std::string>() + "' has a field of the wrong type";
    return std::nullopt;
  }
  Acknowledgement ack;
  ack.endpoint = j["endpoint"].get<std::string>();
  ack.by = j.value("by", "");
  ack.at = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::nanoseconds(j.value("at_ns", std::int64_t{0}))));
  ack.through = j.value("through", std::int64_t{0});
  return ack;
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
                     {"acknowledged_by", v->acknowledgedBy},
                     {"acknowledged_at", v->acknowledged ? isoTime(v->acknowledgedAt) : std::string()},
                     {"rescan", v->foundByRescan},
                     {"indicators", std::move(indicators)},
                     {"log_ids", v->logIds}});
  }
  return hosts;
}

}  // namespace fabric::faz::ioc
