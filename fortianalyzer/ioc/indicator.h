#pragma once
// Vocabulary of the IoC engine: what a threat feed yields (Indicator), how bad it is (IocLevel),
// and how a feed reports a line it could not use (FeedError).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fabric::faz::ioc {

enum class IndicatorKind : std::uint8_t { kDomain, kUrl, kIp, kHash };

// FortiAnalyzer's threat DB has two lists: the blocklist (-> verdict "Infected", level high) and the
// suspicious list (-> "Suspicious", level medium). There is no "low" list.
enum class IocLevel : std::uint8_t { kMedium = 1, kHigh = 2 };

std::string_view toString(IndicatorKind kind);  // "domain", "url", "ip", "hash"
std::string_view toString(IocLevel level);      // "medium", "high"
std::string_view verdictName(IocLevel level);   // "Suspicious", "Infected"

// Accepts (case-insensitive) medium|suspicious and high|blocklist|blacklist|infected|malicious.
std::optional<IocLevel> parseLevel(std::string_view text);
// The message for a level parseLevel refused ("low" gets its own explanation).
std::string levelError(std::string_view text);

// One indicator, already normalised by the parser (normalize.h): domains lower-case without a
// trailing dot ("*." prefix for a wildcard), URLs in matching form, IPs as "a.b.c.d" or
// "a.b.c.0/24", hashes as lower-case hex.
struct Indicator {
  IndicatorKind kind = IndicatorKind::kDomain;
  std::string value;
  IocLevel level = IocLevel::kHigh;
  std::string threat;
};

// A line (plain, CSV: `line` >= 1) or object (STIX: `object` = "objects[3] indicator--…") that was
// skipped, and why.
struct FeedError {
  std::size_t line = 0;
  std::string object;
  std::string reason;
  std::string toString() const;  // "line 7: …" or "objects[3] (indicator--…): …"
};

// Parsers call the sink once per valid indicator, in feed order.
using IndicatorSink = std::function<void(Indicator&&)>;

// What a parser reports besides the indicators. `fatal` is set when the feed as a whole is unusable
// (not JSON, no CSV header): then nothing may be loaded from it.
struct FeedParseStatus {
  std::vector<FeedError> errors;
  std::string fatal;
  std::size_t indicators = 0;
  std::size_t omittedErrors = 0;  // bad lines beyond kMaxReportedErrors
};

// Convenience form for tests and fuzzers: indicators collected in a vector.
struct FeedParseResult {
  std::vector<Indicator> indicators;
  std::vector<FeedError> errors;
  std::string fatal;
  std::size_t omittedErrors = 0;
};

// Runs a sink-style parser and collects its output.
FeedParseResult collect(const std::function<FeedParseStatus(const IndicatorSink&)>& parse);

// Bounds on untrusted feed text.
constexpr std::size_t kMaxFeedLineLength = 8192;
constexpr std::size_t kMaxReportedErrors = 10000;  // further bad lines are counted, not listed

void addError(FeedParseStatus& status, FeedError error);

}  // namespace fabric::faz::ioc
