#include "fortianalyzer/ioc/ioc_engine.h"

#include <algorithm>

#include "fortianalyzer/ioc/normalize.h"

namespace fabric::faz::ioc {

namespace {

using logfmt::ObservableKind;

// An observable turned into the canonical probe of its kind, once per log.
struct Probe {
  enum class Type { kNone, kDomain, kUrl, kIp, kHash } type = Type::kNone;
  std::string text;  // domain / normalised URL / digest bytes
  IpPrefix ip;
  std::string hostDomain;  // URL host as a domain, or empty
  std::optional<IpPrefix> hostIp;  // URL host as an IP
};

Probe makeProbe(const logfmt::Observable& observable) {
  Probe probe;
  std::string_view value = trim(observable.value);
  switch (observable.kind) {
    case ObservableKind::kDomain: {
      Normalized domain = normalizeDomain(value, false);
      if (domain.ok()) {
        probe.type = Probe::Type::kDomain;
        probe.text = std::move(domain.value);
      }
      break;
    }
    case ObservableKind::kUrl: {
      Normalized url = normalizeUrl(value);
      if (!url.ok()) break;
      probe.type = Probe::Type::kUrl;
      probe.text = std::move(url.value);
      std::string_view host = urlHost(probe.text);
      if (auto ip = parseIpPrefix(host, false, nullptr)) {
        probe.hostIp = ip;
      } else {
        probe.hostDomain = std::string(host);
      }
      break;
    }
    case ObservableKind::kIp: {
      if (auto ip = parseIpPrefix(value, false, nullptr)) {
        probe.type = Probe::Type::kIp;
        probe.ip = *ip;
      }
      break;
    }
    case ObservableKind::kSha256:
    case ObservableKind::kSha1:
    case ObservableKind::kMd5: {
      if (auto bytes = parseHexHash(value, nullptr)) {
        probe.type = Probe::Type::kHash;
        probe.text = std::move(*bytes);
      }
      break;
    }
  }
  return probe;
}

std::optional<FeedMatch> better(std::optional<FeedMatch> a, std::optional<FeedMatch> b) {
  if (!a) return b;
  if (b && b->level > a->level) return b;
  return a;
}

std::optional<FeedMatch> matchProbe(const FeedIndex& feed, const Probe& probe) {
  switch (probe.type) {
    case Probe::Type::kNone: return std::nullopt;
    case Probe::Type::kDomain: return feed.matchDomain(probe.text);
    case Probe::Type::kIp: return feed.matchIp(probe.ip);
    case Probe::Type::kHash: return feed.matchHash(probe.text);
    case Probe::Type::kUrl: {
      // The URL itself first; its host also counts as a domain / IP observable.
      std::optional<FeedMatch> found = feed.matchUrl(probe.text);
      if (!probe.hostDomain.empty()) found = better(std::move(found), feed.matchDomain(probe.hostDomain));
      if (probe.hostIp) found = better(std::move(found), feed.matchIp(*probe.hostIp));
      return found;
    }
  }
  return std::nullopt;
}

}  // namespace

nlohmann::json toJson(const IocNotification& n) {
  return {{"type", "ioc"},
          {"endpoint", n.endpoint},
          {"ip", n.ip},
          {"uid", n.uid},
          {"hostname", n.hostname},
          {"indicator", n.indicator},
          {"indicator_type", toString(n.kind)},
          {"threat", n.threat},
          {"level", toString(n.level)},
          {"verdict", n.verdict},
          {"feed", n.feed},
          {"log_ids", n.logIds},
          {"rescan", n.rescan},
          {"time", isoTime(n.time)}};
}

IocEngine::IocEngine(const Clock& clock, IocSettings settings)
    : clock_(clock), settings_(settings) {}

FeedLoadReport IocEngine::loadFeed(const FeedSource& source, std::string_view text) {
  FeedLoadReport report;
  FeedIndexPtr index = buildFeed(source, text, &report);
  if (index) installFeed(std::move(index));
  return report;
}

void IocEngine::installFeed(FeedIndexPtr feed) {
  if (!feed) return;
  auto it = std::lower_bound(feeds_.begin(), feeds_.end(), feed->name(),
                             [](const FeedIndexPtr& f, const std::string& name) { return f->name() < name; });
  if (it != feeds_.end() && (*it)->name() == feed->name()) {
    *it = std::move(feed);
  } else {
    feeds_.insert(it, std::move(feed));
  }
}

bool IocEngine::removeFeed(std::string_view name) {
  auto it = std::find_if(feeds_.begin(), feeds_.end(),
                         [&](const FeedIndexPtr& f) { return f->name() == name; });
  if (it == feeds_.end()) return false;
  feeds_.erase(it);
  return true;
}

FeedIndexPtr IocEngine::feed(std::string_view name) const {
  for (const auto& f : feeds_) {
    if (f->name() == name) return f;
  }
  return nullptr;
}

std::vector<IocMatch> IocEngine::match(const LogObservables& log, std::string_view onlyFeed) const {
  std::vector<IocMatch> matches;
  if (feeds_.empty()) return matches;
  for (const auto& observable : log.observables) {
    Probe probe = makeProbe(observable);
    if (probe.type == Probe::Type::kNone) continue;
    for (const auto& feed : feeds_) {
      if (!onlyFeed.empty() && feed->name() != onlyFeed) continue;
      std::optional<FeedMatch> found = matchProbe(*feed, probe);
      if (!found) continue;
      bool seen = std::any_of(matches.begin(), matches.end(), [&](const IocMatch& m) {
        return m.feed == feed->name() && m.indicator == found->indicator;
      });
      if (seen) continue;
      matches.push_back(IocMatch{feed->name(), std::string(observable.field), observable.value,
                                 found->kind, std::move(found->indicator), found->level,
                                 std::string(found->threat)});
    }
  }
  return matches;
}

bool IocEngine::record(const LogObservables& log, const std::vector<IocMatch>& matches, bool rescan,
                       bool* newEvent, IocNotification* notification) {
  *newEvent = false;
  if (matches.empty()) return false;
  auto time = log.time == std::chrono::system_clock::time_point{} ? clock_.now() : log.time;
  EndpointVerdict* verdict = verdicts_.record(log, matches, time, rescan, newEvent);
  if (verdict == nullptr || !*newEvent || !settings_.notification) return false;

  // The log's strongest match decides the level; it is notified unless a notification of that level
  // or a higher one went out for this endpoint within the throttle window.
  const IocMatch* top = &matches.front();
  for (const auto& m : matches) {
    if (m.level > top->level) top = &m;
  }
  const auto now = clock_.monotonic();
  const int levelIndex = top->level == IocLevel::kHigh ? 1 : 0;
  for (int i = levelIndex; i < 2; ++i) {
    const auto& at = verdict->notifiedAt[i];
    if (at && now - *at < settings_.notificationThrottle) return false;
  }
  verdict->notifiedAt[levelIndex] = now;

  notification->endpoint = verdict->endpoint;
  notification->ip = verdict->ip;
  notification->uid = verdict->uid;
  notification->hostname = verdict->hostname;
  notification->indicator = top->indicator;
  notification->kind = top->kind;
  notification->threat = top->threat;
  notification->level = top->level;
  notification->verdict = std::string(verdictName(top->level));
  notification->feed = top->feed;
  notification->logIds.assign(verdict->logIds.begin(), verdict->logIds.end());
  notification->rescan = rescan;
  notification->time = clock_.now();
  return true;
}

InspectResult IocEngine::inspect(const LogObservables& log) {
  InspectResult result;
  result.matches = match(log);
  bool newEvent = false;
  IocNotification notification;
  if (record(log, result.matches, false, &newEvent, &notification)) {
    result.notifications.push_back(std::move(notification));
  }
  return result;
}

RescanReport IocEngine::rescan(const StoredLogVisitor& visitor, std::string_view onlyFeed) {
  RescanReport report;
  visitor([&](const StoredObservables& log) {
    ++report.logsScanned;
    std::vector<IocMatch> matches = match(log, onlyFeed);
    if (matches.empty()) return;
    ++report.logsMatched;
    bool newEvent = false;
    IocNotification notification;
    bool notify = record(log, matches, true, &newEvent, &notification);
    if (newEvent) {
      ++report.newEvents;
      const std::string& key = !log.endpointUid.empty() ? log.endpointUid : log.endpointIp;
      if (std::find(report.endpoints.begin(), report.endpoints.end(), key) == report.endpoints.end()) {
        report.endpoints.push_back(key);
      }
    }
    if (notify) report.notifications.push_back(std::move(notification));
  });
  return report;
}

}  // namespace fabric::faz::ioc
