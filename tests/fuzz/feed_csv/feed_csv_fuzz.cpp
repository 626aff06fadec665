// Fuzz target: CSV threat feeds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fortianalyzer/ioc/csv_feed_parser.h"
#include "tests/fuzz/feed_plain/feed_invariants.h"

using namespace fabric::faz::ioc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  FeedParseResult result = parseCsvFeed(text, CsvFeedOptions{"fuzz"});
  if (!result.fatal.empty() && !result.indicators.empty()) fuzz::require(false, "fatal with indicators", result.fatal);
  fuzz::checkIndicators("fuzz", FeedFormat::kCsv, result.indicators);
  return 0;
}
