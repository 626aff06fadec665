// Fuzz target: plain threat feeds. The first byte picks the feed type, the rest is the feed text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fortianalyzer/ioc/plain_feed_parser.h"
#include "tests/fuzz/feed_plain/feed_invariants.h"

using namespace fabric::faz::ioc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr PlainFeedType kTypes[] = {PlainFeedType::kDomain, PlainFeedType::kAddress,
                                             PlainFeedType::kUrl, PlainFeedType::kMalware};
  PlainFeedOptions options{kTypes[data[0] % 4], IocLevel::kHigh, "fuzz"};
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  FeedParseResult result = parsePlainFeed(text, options);
  fuzz::checkIndicators("fuzz", FeedFormat::kPlain, result.indicators);
  return 0;
}
