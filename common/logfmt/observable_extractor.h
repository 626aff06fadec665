#pragma once
// IoC observables of one parsed line (FORMAT-NOTES.md "Fields that carry indicators").
//
// Extracted, in this order, each at most once per line (same kind and value):
//   url            kUrl: a full URL as written (scheme and host lower-cased); a path-only url
//                  ("/config/") is rebuilt as scheme://host/path with host = `hostname`
//                  (FortiOS) or `remotename` (FortiClient) and scheme https when service is
//                  HTTPS or dstport is 443, else http; a path-only url with no host is skipped
//   hostname, qname, remotename, sni   (hostname not for FortiClient logs: there it is the endpoint)
//                  kDomain, lower-cased, trailing dot and `:port` removed, `[x](y)` markdown
//                  reduced to x; at least two labels, last label not all digits;
//                  a value that is an IP address becomes kIp
//   srcip, dstip   kIp (a CEF `dst=example.com` becomes kDomain)
//   ipaddr         kIp, every item of the comma/space separated list
//   analyticscksum kSha256 (64 hex)   — `checksum` is CRC32 and is NOT extracted
//   filehash       kMd5 / kSha1 / kSha256 by length (32 / 40 / 64 hex)
// Sentinels (`N/A`, `(null)`, `unknown`, empty) and malformed values (invalid IPs such as
// 321.321.321.321, hashes of the wrong length) are skipped.

#include <vector>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable.h"

namespace fabric::logfmt {

// Replaces the contents of `out`. Pass the same vector for every line: the strings already in it
// are reused, so steady-state extraction allocates nothing.
void extractObservables(const LogRecord& record, std::vector<Observable>& out);

// Domain normalisation used above (exposed for the IoC engine's feed loader): lower-case,
// no trailing dot, no `:port`, markdown link text. Returns false when `raw` is no host name.
bool normaliseDomain(std::string_view raw, std::string& out);

}  // namespace fabric::logfmt
