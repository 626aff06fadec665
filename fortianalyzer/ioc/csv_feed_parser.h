#pragma once
// CSV threat feeds (docs/ioc-engine.md "CSV"): a header line naming the columns, then one indicator
// per record. Required columns `indicator`, `type`, `level`; optional `threat`; other named columns
// are ignored; order is free. RFC 4180 quoting ("a,b", "say ""x"""), one record per line.

#include <string>
#include <string_view>

#include "fortianalyzer/ioc/indicator.h"

namespace fabric::faz::ioc {

struct CsvFeedOptions {
  std::string threat;  // used when a record has no (or an empty) threat column
};

FeedParseStatus parseCsvFeed(std::string_view text, const CsvFeedOptions& options,
                             const IndicatorSink& sink);
FeedParseResult parseCsvFeed(std::string_view text, const CsvFeedOptions& options);

// The `type` column: domain|fqdn|hostname, url|uri, ip|ipv4|ipv6|cidr|address|ip-src|ip-dst,
// md5, sha1|sha-1, sha256|sha-256, hash|filehash. Returns false for anything else. expectedHexLength
// is 32/40/64 for a named digest, 0 otherwise.
bool parseCsvType(std::string_view text, IndicatorKind* kind, std::size_t* expectedHexLength);

}  // namespace fabric::faz::ioc
