#pragma once
// Plain threat feeds as FortiOS external threat feeds (`config system external-resource`) serve
// them: one indicator per line, '#' comments, blank lines, LF or CRLF. The feed's type says what the
// lines hold; the level and threat name apply to every line (docs/ioc-engine.md "Plain lists").

#include <string>
#include <string_view>

#include "fortianalyzer/ioc/indicator.h"

namespace fabric::faz::ioc {

enum class PlainFeedType {
  kDomain,   // "bad.example", "*.bad.example"
  kAddress,  // "192.0.2.7", "198.51.100.0/24", "192.0.2.10-192.0.2.20", "2001:db8::/32"
  kUrl,      // "http://bad.example/dl/x.exe", "bad.example/path"
  kMalware,  // "<md5|sha1|sha256 hex>[ <description>]" - the description becomes the threat name
};

std::string_view toString(PlainFeedType type);  // "domain", "address", "url", "malware"
bool parsePlainFeedType(std::string_view text, PlainFeedType* type);

struct PlainFeedOptions {
  PlainFeedType type = PlainFeedType::kDomain;
  IocLevel level = IocLevel::kHigh;
  std::string threat;  // threat name for every line (the engine defaults it to the feed name)
};

// Pure function of the text: valid lines go to the sink, bad lines to the status (line + reason).
FeedParseStatus parsePlainFeed(std::string_view text, const PlainFeedOptions& options,
                               const IndicatorSink& sink);
FeedParseResult parsePlainFeed(std::string_view text, const PlainFeedOptions& options);

}  // namespace fabric::faz::ioc
