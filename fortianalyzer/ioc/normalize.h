#pragma once
// Canonical forms shared by feed parsing and matching: a feed value and a log observable that mean
// the same thing normalise to the same bytes, so matching is an exact table lookup.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fortianalyzer/ioc/indicator.h"

namespace fabric::faz::ioc {

// Either a canonical value or the reason the input was refused.
struct Normalized {
  std::string value;
  std::string error;
  bool ok() const { return error.empty(); }
};

// Lower-case, one trailing dot dropped, labels 1..63 of [a-z0-9_-], total <= 253. With
// allowWildcard a leading "*." is kept ("*.bad.example"); '*' anywhere else is refused.
Normalized normalizeDomain(std::string_view text, bool allowWildcard);

// Matching form of a URL (docs/ioc-engine.md "URLs"): fragment and userinfo dropped, scheme and host
// lower-case, default port dropped, percent-encoding normalised (unreserved characters decoded,
// other escapes upper-case), "." and ".." path segments resolved, empty path = "/". http, https and
// scheme-less URLs share one form without the scheme ("bad.example/x?q"); other schemes keep it
// ("ftp://bad.example/x").
Normalized normalizeUrl(std::string_view text);
// "host[:port]/path" of a normalised URL (the query removed), and its host.
std::string_view urlWithoutQuery(std::string_view normalized);
std::string_view urlHost(std::string_view normalized);

struct IpPrefix {
  bool v6 = false;
  std::array<std::uint8_t, 16> addr{};  // v4 uses the first 4 bytes; host bits are zero
  std::uint8_t length = 32;             // prefix length, 32 / 128 for a single address
  int bits() const { return v6 ? 128 : 32; }
  int bytes() const { return v6 ? 16 : 4; }
};
// "1.2.3.4", "10.0.0.0/8", "2001:db8::/32", "::ffff:1.2.3.4" (-> IPv4). Host bits beyond the prefix
// are cleared. Without allowPrefix a "/len" is refused.
std::optional<IpPrefix> parseIpPrefix(std::string_view text, bool allowPrefix, std::string* error);
std::string formatIpPrefix(const IpPrefix& prefix);  // "/len" only when it is not a single address
IpPrefix maskedTo(const IpPrefix& address, int length);

// Hex digest (either case) -> raw bytes (16 MD5, 20 SHA-1, 32 SHA-256).
std::optional<std::string> parseHexHash(std::string_view text, std::string* error);
std::string toHex(std::string_view bytes);

// One IP feed value: single address, CIDR, or an "a-b" range split into the covering CIDR blocks
// (at most kMaxRangeBlocks).
constexpr std::size_t kMaxRangeBlocks = 64;
bool parseAddressValue(std::string_view text, std::vector<std::string>* prefixes,
                       std::string* error);

// Canonical value(s) of one feed value of a kind (an IP range yields several CIDRs). Domains may be
// wildcards; hashes may be MD5, SHA-1 or SHA-256.
bool normalizeIndicator(IndicatorKind kind, std::string_view text,
                        std::vector<std::string>* values, std::string* error);

// 'value' for error messages, cut at 80 characters.
std::string quoteValue(std::string_view value);

bool isBlank(char c);
std::string_view trim(std::string_view text);
std::string toLower(std::string_view text);

}  // namespace fabric::faz::ioc
