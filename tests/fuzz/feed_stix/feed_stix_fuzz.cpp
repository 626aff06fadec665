// Fuzz target: STIX 2.1 bundles (JSON, patterns, SCOs).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fortianalyzer/ioc/stix_feed_parser.h"
#include "fortianalyzer/ioc/stix_pattern.h"
#include "tests/fuzz/feed_plain/feed_invariants.h"

using namespace fabric::faz::ioc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  FeedParseResult result = parseStixFeed(text, StixFeedOptions{"fuzz", IocLevel::kHigh});
  fuzz::checkIndicators("fuzz", FeedFormat::kStix, result.indicators);
  // The pattern parser alone, on the raw bytes: most inputs are not JSON.
  std::vector<StixComparison> comparisons;
  std::string error;
  if (!parseStixPattern(text, &comparisons, &error)) fuzz::require(!error.empty(), "pattern error text", "");
  return 0;
}
