#include "fortianalyzer/ioc/normalize.h"

#include <catch2/catch.hpp>

using namespace fabric::faz::ioc;

namespace {
std::string url(std::string_view text) {
  Normalized n = normalizeUrl(text);
  INFO(text << " -> " << n.error);
  REQUIRE(n.ok());
  return n.value;
}
std::string urlError(std::string_view text) {
  Normalized n = normalizeUrl(text);
  REQUIRE_FALSE(n.ok());
  return n.error;
}
}  // namespace

TEST_CASE("domains are lower-cased, lose one trailing dot and are validated") {
  CHECK(normalizeDomain("Bad.Example.", false).value == "bad.example");
  CHECK(normalizeDomain("*.Bad.Example", true).value == "*.bad.example");
  CHECK(normalizeDomain("*.bad.example", false).error == "wildcard not allowed here");
  CHECK(normalizeDomain("a*.bad.example", true).error ==
        "wildcard is only allowed as a leading '*.' label");
  CHECK(normalizeDomain("bad..example", true).error == "empty label in domain");
  CHECK(normalizeDomain(".bad.example", true).error == "empty label in domain");
  CHECK(normalizeDomain("", true).error == "empty domain");
  CHECK(normalizeDomain("b\xc3\xa4" "d.example", true).error ==
        "non-ASCII domain (use the punycode xn-- form)");
  CHECK(normalizeDomain("bad/example", true).error == "invalid character '/' in domain");
  CHECK(normalizeDomain("192.0.2.1", true).error == "an IP address is not a domain");
  CHECK(normalizeDomain(std::string(64, 'a') + ".example", true).error ==
        "domain label longer than 63 characters");
  CHECK(normalizeDomain(std::string(250, 'a') + ".example", true).error ==
        "domain longer than 253 characters");
  CHECK(normalizeDomain("xn--bad-7oa.example", true).value == "xn--bad-7oa.example");
  CHECK(normalizeDomain("_dmarc.bad.example", true).ok());
}

TEST_CASE("URL normalisation") {
  // scheme and host lower-case; http/https/scheme-less share the same form
  CHECK(url("HTTP://Bad.Example/Path") == "bad.example/Path");
  CHECK(url("https://bad.example/x") == "bad.example/x");
  CHECK(url("bad.example/x") == "bad.example/x");
  // default ports dropped, others kept
  CHECK(url("http://bad.example:80/x") == "bad.example/x");
  CHECK(url("https://bad.example:443/x") == "bad.example/x");
  CHECK(url("http://bad.example:8080/x") == "bad.example:8080/x");
  CHECK(url("ftp://bad.example:21/x") == "ftp://bad.example/x");
  // dot segments
  CHECK(url("http://bad.example/a/./b/../c") == "bad.example/a/c");
  CHECK(url("http://bad.example/../../a") == "bad.example/a");
  CHECK(url("http://bad.example/a/b/..") == "bad.example/a/");
  CHECK(url("http://bad.example/a/.") == "bad.example/a/");
  // percent-encoding: unreserved decoded, others upper-case hex
  CHECK(url("http://bad.example/%7Euser/%61%2fb") == "bad.example/~user/a%2Fb");
  CHECK(url("http://bad.example/%2e%2E/x") == "bad.example/x");
  CHECK(url("http://bad.example/?q=%3c") == "bad.example/?q=%3C");
  // fragment and userinfo dropped, empty path is "/", empty query dropped
  CHECK(url("http://bad.example/x#frag") == "bad.example/x");
  CHECK(url("http://good.example@bad.example/x") == "bad.example/x");
  CHECK(url("http://bad.example") == "bad.example/");
  CHECK(url("http://bad.example?") == "bad.example/");
  CHECK(url("http://bad.example/x?a=1&b=2") == "bad.example/x?a=1&b=2");
  // IP hosts
  CHECK(url("http://192.0.2.1:8080/x") == "192.0.2.1:8080/x");
  CHECK(url("http://[2001:DB8::1]/x") == "[2001:db8::1]/x");
  CHECK(url("http://bad.example./x") == "bad.example/x");

  CHECK(urlError("http://bad.example/%zz") == "invalid percent-encoding in URL path");
  CHECK(urlError("http://bad.example/?a=%4") == "invalid percent-encoding in URL query");
  CHECK(urlError("http://bad example/") == "whitespace or control character in URL");
  CHECK(urlError("http:///x") == "URL without a host");
  CHECK(urlError("http://bad.example:99999/") == "invalid port in URL");
  CHECK(urlError("http://bad.example:x/") == "invalid port in URL");
  CHECK(urlError("http://[::1/x") == "unterminated IPv6 literal in URL");
  CHECK(urlError("http://bad_\x01.example/") == "whitespace or control character in URL");
  CHECK(urlError("http://b!d.example/") == "invalid host in URL: invalid character '!' in domain");

  CHECK(urlWithoutQuery("bad.example/x?q=1") == "bad.example/x");
  CHECK(urlHost("bad.example:8080/x") == "bad.example");
  CHECK(urlHost("[2001:db8::1]/x") == "2001:db8::1");
  CHECK(urlHost("ftp://bad.example/x") == "bad.example");
}

TEST_CASE("IP prefixes") {
  std::string error;
  auto p = parseIpPrefix("10.1.2.3/8", true, &error);
  REQUIRE(p);
  CHECK(formatIpPrefix(*p) == "10.0.0.0/8");
  CHECK(formatIpPrefix(*parseIpPrefix("192.0.2.7", true, &error)) == "192.0.2.7");
  CHECK(formatIpPrefix(*parseIpPrefix("2001:DB8::1/32", true, &error)) == "2001:db8::/32");
  CHECK(formatIpPrefix(*parseIpPrefix("::ffff:192.0.2.7", false, &error)) == "192.0.2.7");
  CHECK_FALSE(parseIpPrefix("10.0.0.0/8", false, &error));
  CHECK(error == "prefix length not allowed here");
  CHECK_FALSE(parseIpPrefix("10.0.0.0/33", true, &error));
  CHECK(error == "invalid prefix length '33'");
  CHECK_FALSE(parseIpPrefix("321.321.321.321", true, &error));
  CHECK(error == "invalid IPv4 address '321.321.321.321'");
  CHECK_FALSE(parseIpPrefix("2001:db8:::1", true, &error));
  CHECK(error == "invalid IPv6 address '2001:db8:::1'");
}

TEST_CASE("hashes are case-insensitive hex of MD5, SHA-1 or SHA-256 length") {
  std::string error;
  auto upper = parseHexHash("D41D8CD98F00B204E9800998ECF8427E", &error);
  auto lower = parseHexHash("d41d8cd98f00b204e9800998ecf8427e", &error);
  REQUIRE(upper);
  CHECK(upper->size() == 16);
  CHECK(*upper == *lower);
  CHECK(toHex(*upper) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK_FALSE(parseHexHash("abc", &error));
  CHECK(error == "hash of 3 characters is not MD5 (32), SHA-1 (40) or SHA-256 (64) hex");
  CHECK_FALSE(parseHexHash(std::string(40, 'g'), &error));
  CHECK(error == "hash contains a non-hex character");
}

TEST_CASE("IP ranges split into covering CIDR blocks") {
  std::vector<std::string> out;
  std::string error;
  REQUIRE(parseAddressValue("192.0.2.10-192.0.2.20", &out, &error));
  CHECK(out == std::vector<std::string>{"192.0.2.10/31", "192.0.2.12/30", "192.0.2.16/30",
                                        "192.0.2.20"});
  out.clear();
  REQUIRE(parseAddressValue("0.0.0.0-255.255.255.255", &out, &error));
  CHECK(out == std::vector<std::string>{"0.0.0.0/0"});
  out.clear();
  REQUIRE(parseAddressValue("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &out, &error));
  CHECK(out == std::vector<std::string>{"::/0"});
  out.clear();
  CHECK_FALSE(parseAddressValue("192.0.2.20-192.0.2.10", &out, &error));
  CHECK(error == "range start is above range end");
  CHECK_FALSE(parseAddressValue("192.0.2.1-2001:db8::1", &out, &error));
  CHECK(error == "range mixes IPv4 and IPv6");
  out.clear();
  REQUIRE(parseAddressValue("0.0.0.1-255.255.255.254", &out, &error));
  CHECK(out.size() == 62);
  out.clear();
  CHECK_FALSE(parseAddressValue("::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", &out, &error));
  CHECK(error == "range needs more than 64 CIDR blocks");
}
