#include "fortianalyzer/ioc/indicator.h"

#include <algorithm>
#include <cctype>

namespace fabric::faz::ioc {

std::string_view toString(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kDomain: return "domain";
    case IndicatorKind::kUrl: return "url";
    case IndicatorKind::kIp: return "ip";
    case IndicatorKind::kHash: return "hash";
  }
  return "unknown";
}

std::string_view toString(IocLevel level) {
  return level == IocLevel::kHigh ? "high" : "medium";
}

std::string_view verdictName(IocLevel level) {
  return level == IocLevel::kHigh ? "Infected" : "Suspicious";
}

std::optional<IocLevel> parseLevel(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "high" || lower == "blocklist" || lower == "blacklist" || lower == "infected" ||
      lower == "malicious") {
    return IocLevel::kHigh;
  }
  if (lower == "medium" || lower == "suspicious") return IocLevel::kMedium;
  return std::nullopt;
}

std::string levelError(std::string_view text) {
  std::string lower(text.substr(0, 40));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.empty()) return "missing level";
  if (lower == "low" || lower == "info" || lower == "informational") {
    return "level '" + lower +
           "' is not supported: FortiAnalyzer has a blocklist (high) and a suspicious list (medium)";
  }
  return "unknown level '" + std::string(text.substr(0, 40)) + "' (expected medium or high)";
}

std::string FeedError::toString() const {
  if (!object.empty()) return object + ": " + reason;
  return "line " + std::to_string(line) + ": " + reason;
}

void addError(FeedParseStatus& status, FeedError error) {
  if (status.errors.size() >= kMaxReportedErrors) {
    ++status.omittedErrors;
    return;
  }
  status.errors.push_back(std::move(error));
}

FeedParseResult collect(const std::function<FeedParseStatus(const IndicatorSink&)>& parse) {
  FeedParseResult result;
  FeedParseStatus status =
      parse([&result](Indicator&& indicator) { result.indicators.push_back(std::move(indicator)); });
  result.errors = std::move(status.errors);
  result.fatal = std::move(status.fatal);
  result.omittedErrors = status.omittedErrors;
  return result;
}

}  // namespace fabric::faz::ioc
