#include "fortianalyzer/ioc/normalize.h"

#include <arpa/inet.h>

#include <charconv>
#include <vector>

namespace fabric::faz::ioc {

namespace {

char lowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool looksLikeIpv4(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  }
  return true;
}

// Decodes %XX of unreserved characters, upper-cases the hex of the others.
bool normalizePercent(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hexValue(in[i + 1]);
    int lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    auto decoded = static_cast<unsigned char>(hi * 16 + lo);
    if (isUnreserved(decoded)) {
      out.push_back(static_cast<char>(decoded));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[hi]);
      out.push_back(kHex[lo]);
    }
    i += 2;
  }
  return true;
}

// RFC 3986 section 5.2.4 on an absolute path.
std::string removeDotSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 1;  // path starts with '/'
  bool trailingSlash = false;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    std::string_view segment =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    bool last = slash == std::string_view::npos;
    if (segment == ".") {
      trailingSlash = last;
    } else if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailingSlash = last;
    } else {
      segments.push_back(segment);
      trailingSlash = false;
    }
    if (last) break;
    pos = slash + 1;
  }
  std::string out;
  out.reserve(path.size());
  for (auto segment : segments) {
    out.push_back('/');
    out.append(segment);
  }
  if (trailingSlash || out.empty()) out.push_back('/');
  return out;
}

using U128 = unsigned __int128;

U128 toNumber(const IpPrefix& p) {
  U128 n = 0;
  for (int i = 0; i < p.bytes(); ++i) n = (n << 8) | p.addr[i];
  return n;
}

IpPrefix fromNumber(U128 n, bool v6, int length) {
  IpPrefix p;
  p.v6 = v6;
  p.length = static_cast<std::uint8_t>(length);
  for (int i = p.bytes() - 1; i >= 0; --i) {
    p.addr[i] = static_cast<std::uint8_t>(n & 0xFF);
    n >>= 8;
  }
  return p;
}

// Splits [lo, hi] into aligned power-of-two blocks.
bool splitRange(const IpPrefix& first, const IpPrefix& last, std::vector<std::string>* prefixes,
                std::string* error) {
  const int bits = first.bits();
  U128 lo = toNumber(first);
  U128 hi = toNumber(last);
  if (lo > hi) {
    *error = "range start is above range end";
    return false;
  }
  while (true) {
    int size = 0;  // block of 2^size addresses
    while (size < bits) {
      U128 mask = size + 1 >= 128 ? ~U128(0) : (U128(1) << (size + 1)) - 1;  // no shift by 128
      if ((lo & mask) != 0) break;
      if (lo + mask > hi) break;
      ++size;
    }
    if (prefixes->size() >= kMaxRangeBlocks) {
      *error = "range needs more than " + std::to_string(kMaxRangeBlocks) + " CIDR blocks";
      return false;
    }
    prefixes->push_back(formatIpPrefix(fromNumber(lo, first.v6, bits - size)));
    U128 blockLast = size == 128 ? ~U128(0) : lo + ((U128(1) << size) - 1);
    if (blockLast >= hi) return true;
    lo = blockLast + 1;
  }
}

}  // namespace

std::string quoteValue(std::string_view value) {
  if (value.size() > 80) return "'" + std::string(value.substr(0, 77)) + "...'";
  return "'" + std::string(value) + "'";
}

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && isBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && isBlank(text.back())) text.remove_suffix(1);
  return text;
}

std::string toLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lowerChar(c);
  return out;
}

Normalized normalizeDomain(std::string_view text, bool allowWildcard) {
  Normalized result;
  std::string_view body = text;
  bool wildcard = false;
  if (body.size() >= 2 && body[0] == '*' && body[1] == '.') {
    if (!allowWildcard) return {{}, "wildcard not allowed here"};
    wildcard = true;
    body.remove_prefix(2);
  }
  if (!body.empty() && body.back() == '.') body.remove_suffix(1);
  if (body.empty()) return {{}, "empty domain"};
  if (body.size() > 253) return {{}, "domain longer than 253 characters"};
  std::size_t labelLength = 0;
  for (char c : body) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return {{}, "non-ASCII domain (use the punycode xn-- form)"};
    if (c == '*') return {{}, "wildcard is only allowed as a leading '*.' label"};
    if (c == '.') {
      if (labelLength == 0) return {{}, "empty label in domain"};
      labelLength = 0;
      continue;
    }
    bool valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
    if (!valid) return {{}, std::string("invalid character '") + c + "' in domain"};
    if (++labelLength > 63) return {{}, "domain label longer than 63 characters"};
  }
  if (labelLength == 0) return {{}, "empty label in domain"};
  if (looksLikeIpv4(body)) return {{}, "an IP address is not a domain"};
  result.value.reserve(body.size() + 2);
  if (wildcard) result.value = "*.";
  for (char c : body) result.value.push_back(lowerChar(c));
  return result;
}

Normalized normalizeUrl(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest.empty()) return {{}, "empty URL"};
  for (char c : rest) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return {{}, "whitespace or control character in URL"};
  }
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);

  std::string scheme;
  if (auto sep = rest.find("://"); sep != std::string_view::npos) {
    std::string_view candidate = rest.substr(0, sep);
    bool valid = !candidate.empty() && ((candidate[0] | 0x20) >= 'a' && (candidate[0] | 0x20) <= 'z');
    for (char c : candidate) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '-' || c == '.';
      valid = valid && ok;
    }
    if (valid) {
      scheme = toLower(candidate);
      rest.remove_prefix(sep + 3);
    }
  }
  bool webScheme = scheme.empty() || scheme == "http" || scheme == "https";

  std::size_t authorityEnd = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authorityEnd);
  rest = authorityEnd == std::string_view::npos ? std::string_view() : rest.substr(authorityEnd);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return {{}, "URL without a host"};

  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return {{}, "unterminated IPv6 literal in URL"};
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return {{}, "unexpected text after IPv6 literal in URL"};
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }

  std::string normalizedHost;
  if (host.front() == '[') {
    std::string error;
    auto ip = parseIpPrefix(host.substr(1, host.size() - 2), false, &error);
    if (!ip) return {{}, "invalid IPv6 host in URL: " + error};
    normalizedHost = ip->v6 ? "[" + formatIpPrefix(*ip) + "]" : formatIpPrefix(*ip);
  } else if (looksLikeIpv4(host)) {
    std::string error;
    auto ip = parseIpPrefix(host, false, &error);
    if (!ip) return {{}, "invalid IPv4 host in URL: " + error};
    normalizedHost = formatIpPrefix(*ip);
  } else {
    Normalized domain = normalizeDomain(host, false);
    if (!domain.ok()) return {{}, "invalid host in URL: " + domain.error};
    normalizedHost = std::move(domain.value);
  }

  unsigned portNumber = 0;
  if (!port.empty()) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), portNumber);
    if (ec != std::errc() || end != port.data() + port.size() || portNumber == 0 ||
        portNumber > 65535) {
      return {{}, "invalid port in URL"};
    }
  }
  bool defaultPort = port.empty() || (webScheme && (portNumber == 80 || portNumber == 443)) ||
                     (scheme == "ftp" && portNumber == 21);

  std::string_view path = rest.substr(0, rest.find('?'));
  std::string_view query;
  bool hasQuery = false;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    hasQuery = !query.empty();
  }

  std::string decodedPath;
  if (!normalizePercent(path, decodedPath)) return {{}, "invalid percent-encoding in URL path"};
  if (decodedPath.empty()) decodedPath = "/";
  std::string decodedQuery;
  if (hasQuery && !normalizePercent(query, decodedQuery)) {
    return {{}, "invalid percent-encoding in URL query"};
  }

  Normalized result;
  if (!webScheme) result.value = scheme + "://";
  result.value += normalizedHost;
  if (!defaultPort) result.value += ":" + std::to_string(portNumber);
  result.value += removeDotSegments(decodedPath);
  if (hasQuery) {
    result.value.push_back('?');
    result.value += decodedQuery;
  }
  return result;
}

std::string_view urlWithoutQuery(std::string_view normalized) {
  return normalized.substr(0, normalized.find('?'));
}

std::string_view urlHost(std::string_view normalized) {
  if (auto sep = normalized.find("://"); sep != std::string_view::npos) {
    normalized.remove_prefix(sep + 3);
  }
  std::string_view authority = normalized.substr(0, normalized.find('/'));
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return authority.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  }
  return authority.substr(0, authority.find(':'));
}

IpPrefix maskedTo(const IpPrefix& address, int length) {
  IpPrefix out = address;
  out.length = static_cast<std::uint8_t>(length);
  for (int i = 0; i < 16; ++i) {
    int bitsHere = length - i * 8;
    if (bitsHere >= 8) continue;
    if (bitsHere <= 0) {
      out.addr[i] = 0;
    } else {
      out.addr[i] &= static_cast<std::uint8_t>(0xFF << (8 - bitsHere));
    }
  }
  return out;
}

std::optional<IpPrefix> parseIpPrefix(std::string_view text, bool allowPrefix, std::string* error) {
  auto fail = [error](std::string reason) -> std::optional<IpPrefix> {
    if (error) *error = std::move(reason);
    return std::nullopt;
  };
  std::string_view address = text;
  std::string_view lengthText;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    if (!allowPrefix) return fail("prefix length not allowed here");
    address = text.substr(0, slash);
    lengthText = text.substr(slash + 1);
    if (lengthText.empty()) return fail("empty prefix length");
  }
  if (address.empty() || address.size() > 45) return fail("invalid IP address");
  std::string buffer(address);
  IpPrefix prefix;
  if (buffer.find(':') != std::string::npos) {
    prefix.v6 = true;
    if (inet_pton(AF_INET6, buffer.c_str(), prefix.addr.data()) != 1) {
      return fail("invalid IPv6 address '" + buffer + "'");
    }
    prefix.length = 128;
  } else {
    if (inet_pton(AF_INET, buffer.c_str(), prefix.addr.data()) != 1) {
      return fail("invalid IPv4 address '" + buffer + "'");
    }
    prefix.length = 32;
  }
  if (!lengthText.empty()) {
    unsigned length = 0;
    auto [end, ec] =
        std::from_chars(lengthText.data(), lengthText.data() + lengthText.size(), length);
    if (ec != std::errc() || end != lengthText.data() + lengthText.size() ||
        length > static_cast<unsigned>(prefix.bits())) {
      return fail("invalid prefix length '" + std::string(lengthText) + "'");
    }
    prefix.length = static_cast<std::uint8_t>(length);
  }
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d.
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (prefix.v6 && prefix.length >= 96 &&
      std::equal(kMapped, kMapped + 12, prefix.addr.begin())) {
    IpPrefix v4;
    std::copy(prefix.addr.begin() + 12, prefix.addr.end(), v4.addr.begin());
    v4.length = static_cast<std::uint8_t>(prefix.length - 96);
    prefix = v4;
  }
  return maskedTo(prefix, prefix.length);
}

std::string formatIpPrefix(const IpPrefix& prefix) {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(prefix.v6 ? AF_INET6 : AF_INET, prefix.addr.data(), buffer, sizeof buffer);
  std::string out(buffer);
  if (prefix.length != prefix.bits()) out += "/" + std::to_string(prefix.length);
  return out;
}

std::optional<std::string> parseHexHash(std::string_view text, std::string* error) {
  if (text.size() != 32 && text.size() != 40 && text.size() != 64) {
    if (error) {
      *error = "hash of " + std::to_string(text.size()) +
               " characters is not MD5 (32), SHA-1 (40) or SHA-256 (64) hex";
    }
    return std::nullopt;
  }
  std::string bytes(text.size() / 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    int hi = hexValue(text[2 * i]);
    int lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      if (error) *error = "hash contains a non-hex character";
      return std::nullopt;
    }
    bytes[i] = static_cast<char>(hi * 16 + lo);
  }
  return bytes;
}

bool parseAddressValue(std::string_view text, std::vector<std::string>* prefixes,
                       std::string* error) {
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    auto first = parseIpPrefix(trim(text.substr(0, dash)), false, error);
    if (!first) return false;
    auto last = parseIpPrefix(trim(text.substr(dash + 1)), false, error);
    if (!last) return false;
    if (first->v6 != last->v6) {
      *error = "range mixes IPv4 and IPv6";
      return false;
    }
    return splitRange(*first, *last, prefixes, error);
  }
  auto prefix = parseIpPrefix(text, true, error);
  if (!prefix) return false;
  prefixes->push_back(formatIpPrefix(*prefix));
  return true;
}

bool normalizeIndicator(IndicatorKind kind, std::string_view text,
                        std::vector<std::string>* values, std::string* error) {
  switch (kind) {
    case IndicatorKind::kDomain: {
      Normalized domain = normalizeDomain(text, true);
      if (!domain.ok()) {
        *error = domain.error;
        return false;
      }
      values->push_back(std::move(domain.value));
      return true;
    }
    case IndicatorKind::kUrl: {
      Normalized url = normalizeUrl(text);
      if (!url.ok()) {
        *error = url.error;
        return false;
      }
      values->push_back(std::move(url.value));
      return true;
    }
    case IndicatorKind::kIp:
      return parseAddressValue(text, values, error);
    case IndicatorKind::kHash:
      if (!parseHexHash(text, error)) return false;
      values->push_back(toLower(text));
      return true;
  }
  return false;
}

std::string toHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace fabric::faz::ioc
