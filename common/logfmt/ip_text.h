#pragma once
// Textual IP address checks (no allocation, no inet_pton copy). IPv6 is accepted in any RFC 4291
// text form, including `::` and a trailing dotted IPv4; zone ids and brackets are not.

#include <string_view>

namespace fabric::logfmt {

bool isIpv4(std::string_view s);
bool isIpv6(std::string_view s);
inline bool isIp(std::string_view s) { return isIpv4(s) || isIpv6(s); }

}  // namespace fabric::logfmt
