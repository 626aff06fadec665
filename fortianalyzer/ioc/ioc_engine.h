#pragma once
// The FortiAnalyzer IoC engine (step 2 of the quarantine flow): threat feeds in, per-endpoint
// verdicts and throttled notifications out. No networking: the caller ships the notifications.
//
// Threading: owned by the FortiAnalyzer's event loop like the rest of its state; not thread-safe.
// buildFeed() (feed_index.h) is pure and may run on any thread; installFeed() then swaps the result
// in on the loop.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "fortianalyzer/ioc/feed_index.h"
#include "fortianalyzer/ioc/log_observables.h"
#include "fortianalyzer/ioc/verdict_table.h"

namespace fabric::faz::ioc {

// FortiAnalyzer `config system log ioc` knobs this engine honours.
struct IocSettings {
  bool notification = true;                           // set notification enable|disable
  std::chrono::minutes notificationThrottle{1440};    // set notification-throttle <minutes>
};

// What goes to the FortiGate when an endpoint reaches a level.
struct IocNotification {
  std::string endpoint;  // verdict key: uid if known, else IP
  std::string ip;
  std::string uid;
  std::string hostname;
  std::string indicator;
  IndicatorKind kind = IndicatorKind::kDomain;
  std::string threat;
  IocLevel level = IocLevel::kHigh;
  std::string verdict;  // "Infected" / "Suspicious"
  std::string feed;
  std::vector<std::int64_t> logIds;  // the endpoint's contributing logs, most recent last
  bool rescan = false;               // raised by a rescan of stored logs
  std::chrono::system_clock::time_point time{};
};
nlohmann::json toJson(const IocNotification& notification);

struct InspectResult {
  std::vector<IocMatch> matches;
  std::vector<IocNotification> notifications;  // zero or one
};

struct RescanReport {
  std::size_t logsScanned = 0;
  std::size_t logsMatched = 0;
  std::size_t newEvents = 0;           // matching logs not counted before the rescan
  std::vector<std::string> endpoints;  // endpoints that gained events, in first-found order
  std::vector<IocNotification> notifications;
};

class IocEngine {
 public:
  explicit IocEngine(const Clock& clock, IocSettings settings = {});

  // Parses and installs a feed (replacing the feed of the same name). On a fatal error the old
  // version stays and report.loaded is false.
  FeedLoadReport loadFeed(const FeedSource& source, std::string_view text);
  void installFeed(FeedIndexPtr feed);
  bool removeFeed(std::string_view name);
  std::vector<FeedIndexPtr> feeds() const { return feeds_; }
  FeedIndexPtr feed(std::string_view name) const;

  // All matches of one log (at most one per feed and indicator). onlyFeed restricts to one feed.
  std::vector<IocMatch> match(const LogObservables& log, std::string_view onlyFeed = {}) const;

  // Live path: match a newly stored log, update its endpoint's verdict, maybe notify.
  InspectResult inspect(const LogObservables& log);

  // Re-matches stored logs (after a feed change: pass the feed's name as onlyFeed, or empty for
  // all feeds). Logs already counted are not counted again; notifications are flagged `rescan`.
  RescanReport rescan(const StoredLogVisitor& visitor, std::string_view onlyFeed = {});

  const VerdictTable& verdicts() const { return verdicts_; }
  nlohmann::json compromisedHosts() const { return verdicts_.toJson(); }
  // Acknowledged by `by` now; cleared by the endpoint's next new matching log.
  bool acknowledge(std::string_view endpoint, std::string_view by = {}) {
    return verdicts_.acknowledge(endpoint, by, clock_.now());
  }
  void restoreAcknowledgements(const std::vector<Acknowledgement>& acks) { verdicts_.restoreAcknowledgements(acks); }
  std::vector<Acknowledgement> acknowledgements() const { return verdicts_.acknowledgements(); }

  void setSettings(const IocSettings& settings) { settings_ = settings; }
  const IocSettings& settings() const { return settings_; }

 private:
  // Records matches; returns true with *notification filled when one is due.
  bool record(const LogObservables& log, const std::vector<IocMatch>& matches, bool rescan,
              bool* newEvent, IocNotification* notification);

  const Clock& clock_;
  IocSettings settings_;
  std::vector<FeedIndexPtr> feeds_;  // sorted by name
  VerdictTable verdicts_;
};

}  // namespace fabric::faz::ioc
