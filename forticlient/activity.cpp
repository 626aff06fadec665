#include "forticlient/activity.h"

#include <algorithm>
#include <cctype>

#include "forticlient/digest.h"
#include "forticlient/identity.h"

namespace fabric::forticlient {
namespace {

bool isDomain(const std::string& host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::optional<int> parsePort(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  int port = std::stoi(text);
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

// Fills scheme/host/port/path from a URL; "" on success, else the reason.
std::string parseUrl(const std::string& url, Activity& a) {
  std::string rest = url;
  auto sep = rest.find("://");
  if (sep == std::string::npos) {
    a.scheme = "https";
  } else {
    a.scheme = lower(rest.substr(0, sep));
    rest = rest.substr(sep + 3);
    if (a.scheme != "http" && a.scheme != "https") {
      return "unsupported URL scheme '" + a.scheme + "' (http or https)";
    }
  }
  auto slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  a.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (a.path.front() != '/') a.path = "/" + a.path;
  if (auto hash = a.path.find('#'); hash != std::string::npos) a.path.erase(hash);
  if (authority.find('@') != std::string::npos) return "URL with user information is not supported";
  a.port = a.scheme == "http" ? 80 : 443;
  if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    auto port = parsePort(authority.substr(colon + 1));
    if (!port) return "invalid port in URL '" + url + "'";
    a.port = *port;
    authority.erase(colon);
  }
  a.host = lower(authority);
  if (!isDomain(a.host)) return "invalid host in URL '" + url + "'";
  if (std::any_of(a.path.begin(), a.path.end(), [](unsigned char c) { return c <= ' '; })) {
    return "URL path contains spaces or control characters";
  }
  return {};
}

}  // namespace

std::string toString(ActivityKind kind) {
  switch (kind) {
    case ActivityKind::kVisit: return "visit";
    case ActivityKind::kResolve: return "resolve";
    case ActivityKind::kConnect: return "connect";
    case ActivityKind::kDownload: return "download";
  }
  return "visit";
}

std::string Activity::describe() const {
  auto url = [&] {
    bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    return scheme + "://" + host + (default_port ? "" : ":" + std::to_string(port)) + path;
  };
  switch (kind) {
    case ActivityKind::kVisit: return "visit " + url();
    case ActivityKind::kResolve: return "resolve " + host;
    case ActivityKind::kConnect: return "connect " + host + ":" + std::to_string(port);
    case ActivityKind::kDownload: return "download " + sha256 + (host.empty() ? "" : " " + url());
  }
  return {};
}

nlohmann::json Activity::toJson() const {
  auto words = describe();
  auto space = words.find(' ');
  std::string rest = words.substr(space + 1);
  nlohmann::json j = {{"kind", toString(kind)}};
  if (kind == ActivityKind::kDownload) {
    j["target"] = sha256;
    if (!host.empty()) j["url"] = rest.substr(rest.find(' ') + 1);
  } else {
    j["target"] = rest;
  }
  return j;
}

std::variant<Activity, std::string> parseActivity(const std::vector<std::string>& words) {
  if (words.empty()) return std::string("no activity given (visit, resolve, connect or download)");
  const std::string& verb = words[0];
  Activity a;
  auto arity = [&](std::size_t min, std::size_t max, const char* usage) -> std::string {
    if (words.size() < min + 1 || words.size() > max + 1) return std::string("usage: ") + usage;
    return {};
  };
  if (verb == "visit") {
    if (auto e = arity(1, 1, "visit URL"); !e.empty()) return e;
    a.kind = ActivityKind::kVisit;
    if (auto e = parseUrl(words[1], a); !e.empty()) return e;
  } else if (verb == "resolve") {
    if (auto e = arity(1, 1, "resolve DOMAIN"); !e.empty()) return e;
    a.kind = ActivityKind::kResolve;
    a.host = lower(words[1]);
    if (!a.host.empty() && a.host.back() == '.') a.host.pop_back();
    if (!isDomain(a.host)) return "invalid domain '" + words[1] + "'";
    a.port = 53;
  } else if (verb == "connect") {
    if (auto e = arity(1, 1, "connect IP:PORT"); !e.empty()) return e;
    a.kind = ActivityKind::kConnect;
    auto colon = words[1].rfind(':');
    if (colon == std::string::npos) return "expected IP:PORT, got '" + words[1] + "'";
    a.host = words[1].substr(0, colon);
    if (!isIpv4(a.host)) return "invalid IPv4 address '" + a.host + "'";
    auto port = parsePort(words[1].substr(colon + 1));
    if (!port) return "invalid port in '" + words[1] + "' (1-65535)";
    a.port = *port;
  } else if (verb == "download") {
    if (auto e = arity(1, 2, "download SHA256 [URL]"); !e.empty()) return e;
    a.kind = ActivityKind::kDownload;
    if (!isHex(words[1], 64)) return "'" + words[1] + "' is not a SHA-256 (64 hex characters)";
    a.sha256 = lower(words[1]);
    if (words.size() == 3) {
      if (auto e = parseUrl(words[2], a); !e.empty()) return e;
      auto q = a.path.find('?');
      std::string p = a.path.substr(0, q);
      a.filename = p.substr(p.rfind('/') + 1);
    }
    if (a.filename.empty()) a.filename = a.sha256.substr(0, 12) + ".bin";
  } else {
    return "unknown activity '" + verb + "' (visit, resolve, connect or download)";
  }
  return a;
}

std::variant<Activity, std::string> activityFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return std::string("activity must be a JSON object");
  auto kind = j.find("kind");
  auto target = j.find("target");
  if (kind == j.end() || !kind->is_string()) return std::string("activity has no string 'kind'");
  if (target == j.end() || !target->is_string()) return std::string("activity has no string 'target'");
  std::vector<std::string> words = {kind->get<std::string>(), target->get<std::string>()};
  if (auto url = j.find("url"); url != j.end()) {
    if (!url->is_string()) return std::string("activity 'url' must be a string");
    words.push_back(url->get<std::string>());
  }
  return parseActivity(words);
}

}  // namespace fabric::forticlient
