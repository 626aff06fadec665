#pragma once
// Per-endpoint verdicts ("Compromised Hosts"): which indicators an endpoint's logs matched, how
// often, since when, and whether an admin acknowledged it; plus the notification throttle state.
// Owned by IocEngine; not thread-safe.

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "fortianalyzer/ioc/log_observables.h"

namespace fabric::faz::ioc {

constexpr std::size_t kMaxLogIdsPerEndpoint = 256;     // most recent contributing log ids kept
constexpr std::size_t kMaxIndicatorsPerEndpoint = 256;  // distinct indicators listed per endpoint

struct IndicatorHit {
  std::string feed;
  std::string indicator;
  IndicatorKind kind = IndicatorKind::kDomain;
  IocLevel level = IocLevel::kHigh;
  std::string threat;
  std::size_t events = 0;  // logs of this endpoint that matched this indicator
};

struct EndpointVerdict {
  std::string endpoint;  // uid if known, else IP
  std::string ip;
  std::string uid;
  std::string hostname;
  IocLevel level = IocLevel::kMedium;  // highest level matched
  std::size_t events = 0;              // matching logs (each log once)
  std::chrono::system_clock::time_point firstSeen{};
  std::chrono::system_clock::time_point lastSeen{};
  std::vector<IndicatorHit> indicators;
  std::set<std::string> threats;
  std::deque<std::int64_t> logIds;  // most recent kMaxLogIdsPerEndpoint
  bool acknowledged = false;        // cleared by the next new matching log
  std::string acknowledgedBy;       // admin who acknowledged ("" = unknown)
  std::chrono::system_clock::time_point acknowledgedAt{};
  std::int64_t acknowledgedThrough = 0;  // the highest contributing log id when acknowledged
  bool foundByRescan = false;       // at least one event came from a rescan
  // Throttle state: when a notification of each level (medium, high) last went out.
  std::array<std::optional<std::chrono::steady_clock::time_point>, 2> notifiedAt;
  std::unordered_set<std::int64_t> countedLogs;  // so a log is never counted twice (rescan)
};

// An acknowledgement as saved across restarts: the verdicts are rebuilt by re-matching the stored
// logs, and a restored acknowledgement is re-applied to the rebuilt verdict unless a log newer than
// `through` (a log the admin had not seen) matched since.
struct Acknowledgement {
  std::string endpoint;
  std::string by;
  std::chrono::system_clock::time_point at{};
  std::int64_t through = 0;
};
nlohmann::json toJson(const Acknowledgement& ack);
// nullopt (with *error) when `j` is not a saved acknowledgement.
std::optional<Acknowledgement> acknowledgementFromJson(const nlohmann::json& j, std::string* error);

class VerdictTable {
 public:
  // Adds one log's matches (non-empty) to its endpoint's verdict. Returns the verdict, or nullptr
  // when the log names no endpoint. *newEvent is false when this log id was already counted.
  EndpointVerdict* record(const LogObservables& log, const std::vector<IocMatch>& matches,
                          std::chrono::system_clock::time_point time, bool rescan, bool* newEvent);

  const EndpointVerdict* find(std::string_view endpoint) const;
  bool acknowledge(std::string_view endpoint, std::string_view by = {},
                   std::chrono::system_clock::time_point at = {});
  // Saved acknowledgements (after a restart): applied to the verdicts already rebuilt and to those
  // rebuilt later, while no newer log than `through` matched.
  void restoreAcknowledgements(const std::vector<Acknowledgement>& acks);
  // What to save: every acknowledged verdict, plus restored acknowledgements whose endpoint has not
  // been rebuilt (yet), by endpoint.
  std::vector<Acknowledgement> acknowledgements() const;
  std::size_t size() const { return verdicts_.size(); }

  // The compromised-hosts view (docs/ioc-engine.md "Compromised hosts"): highest level first, then
  // most recent.
  nlohmann::json toJson() const;

 private:
  void applyRestored(EndpointVerdict& v, std::int64_t logId);
  std::map<std::string, EndpointVerdict, std::less<>> verdicts_;
  std::map<std::string, Acknowledgement, std::less<>> restored_;  // by endpoint
};

std::string isoTime(std::chrono::system_clock::time_point time);  // "2026-11-28T17:49:21Z"

}  // namespace fabric::faz::ioc
