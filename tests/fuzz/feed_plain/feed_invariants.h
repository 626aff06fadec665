#pragma once
// Checks shared by the feed fuzz targets: every indicator a parser emits is canonical (normalising it
// again gives itself) and, once indexed, is found by the matcher. A violation aborts (= a finding).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fortianalyzer/ioc/feed_index.h"
#include "fortianalyzer/ioc/normalize.h"

namespace fabric::faz::ioc::fuzz {

inline void require(bool condition, const char* what, const std::string& value) {
  if (condition) return;
  std::fprintf(stderr, "invariant broken: %s for '%s'\n", what, value.c_str());
  std::abort();
}

inline void checkIndicators(const std::string& feedName, FeedFormat format,
                            const std::vector<Indicator>& indicators) {
  FeedIndex index(feedName, format);
  for (const auto& indicator : indicators) {
    std::vector<std::string> again;
    std::string error;
    require(normalizeIndicator(indicator.kind, indicator.value, &again, &error), "renormalise",
            indicator.value);
    require(again.size() == 1 && again[0] == indicator.value, "canonical form", indicator.value);
    index.add(indicator);
  }
  index.finish();
  for (const auto& indicator : indicators) {
    const std::string& v = indicator.value;
    switch (indicator.kind) {
      case IndicatorKind::kDomain:
        if (v.rfind("*.", 0) == 0) {
          if (v.size() + 1 <= 253) require(index.matchDomain("a" + v.substr(1)).has_value(), "wildcard match", v);
        } else {
          require(index.matchDomain(v).has_value(), "domain match", v);
        }
        break;
      case IndicatorKind::kUrl:
        require(index.matchUrl(v).has_value(), "url match", v);
        break;
      case IndicatorKind::kIp: {
        auto prefix = parseIpPrefix(v, true, nullptr);
        require(prefix.has_value(), "ip parse", v);
        prefix->length = static_cast<std::uint8_t>(prefix->bits());
        require(index.matchIp(*prefix).has_value(), "ip match", v);
        break;
      }
      case IndicatorKind::kHash: {
        auto bytes = parseHexHash(v, nullptr);
        require(bytes.has_value() && index.matchHash(*bytes).has_value(), "hash match", v);
        break;
      }
    }
  }
}

}  // namespace fabric::faz::ioc::fuzz
