#pragma once
// STIX 2.1 bundles as threat feeds (docs/ioc-engine.md "STIX 2.1"): `indicator` objects with
// patterns (stix_pattern.h) and the cyber-observable objects domain-name, url, ipv4-addr, ipv6-addr
// and file (hashes). Bad objects are reported by index and id; other object types are ignored
// except malware + relationship("indicates"), which name the threat of an unnamed indicator.
//
// Level of an object, first that applies: custom property x_fabric_level ("high"/"medium"/
// "blocklist"/"suspicious"); for indicators `confidence` (>= 70 high, else medium), then
// indicator_types / labels (malicious-activity, compromised, attribution -> high;
// anomalous-activity, unknown -> medium; benign -> skipped); otherwise the feed's default level.

#include <string>
#include <string_view>

#include "fortianalyzer/ioc/indicator.h"

namespace fabric::faz::ioc {

struct StixFeedOptions {
  std::string threat;                    // when an object names no threat
  IocLevel defaultLevel = IocLevel::kHigh;
};

constexpr int kMaxStixJsonDepth = 64;

FeedParseStatus parseStixFeed(std::string_view text, const StixFeedOptions& options,
                              const IndicatorSink& sink);
FeedParseResult parseStixFeed(std::string_view text, const StixFeedOptions& options);

}  // namespace fabric::faz::ioc
