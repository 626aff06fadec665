#pragma once
// CONTRACT shared by the log parser (common/logfmt) and the IoC engine (fortianalyzer/ioc):
// an observable is one IoC-bearing value pulled out of a log line, typed so that the IoC engine can
// look it up in O(1) in the table of its kind.

#include <string>
#include <string_view>

namespace fabric::logfmt {

enum class ObservableKind {
  kDomain,  // hostname, qname, remotename, sni … (the IoC engine also tries parent domains)
  kUrl,     // a full URL ("http://host/path?q"); a webfilter path-only `url` is rebuilt from hostname
  kIp,      // IPv4 or IPv6 text, as in srcip/dstip/ipaddr list items
  kSha256,  // analyticscksum / FortiClient download hash (64 hex)
  kSha1,    // 40 hex
  kMd5,     // 32 hex
};

struct Observable {
  ObservableKind kind;
  std::string value;       // normalised by the extractor: domains lower-case, no trailing dot
  std::string_view field;  // the log field it came from ("hostname", "url", "ipaddr", …); static text
};

std::string_view toString(ObservableKind kind);

}  // namespace fabric::logfmt
