#include "fortianalyzer/ioc/plain_feed_parser.h"

#include <catch2/catch.hpp>

using namespace fabric::faz::ioc;

namespace {
std::vector<std::string> values(const FeedParseResult& result) {
  std::vector<std::string> out;
  for (const auto& i : result.indicators) out.push_back(i.value);
  return out;
}
std::vector<std::string> errors(const FeedParseResult& result) {
  std::vector<std::string> out;
  for (const auto& e : result.errors) out.push_back(e.toString());
  return out;
}
}  // namespace

TEST_CASE("plain domain list: comments, blanks, CRLF, wildcards, level and threat") {
  auto result = parsePlainFeed(
      "# FortiGuard-style domain list\r\n"
      "\r\n"
      "Malware.Bad.Example\r\n"
      "*.phish.example   # inline comment\n"
      "   \t\n"
      "trailing.dot.example.\n"
      "last.example",
      PlainFeedOptions{PlainFeedType::kDomain, IocLevel::kMedium, "Botnet C&C"});
  CHECK(errors(result).empty());
  CHECK(values(result) == std::vector<std::string>{"malware.bad.example", "*.phish.example",
                                                   "trailing.dot.example", "last.example"});
  for (const auto& i : result.indicators) {
    CHECK(i.kind == IndicatorKind::kDomain);
    CHECK(i.level == IocLevel::kMedium);
    CHECK(i.threat == "Botnet C&C");
  }
}

TEST_CASE("plain domain list reports every bad line with its number and reason") {
  auto result = parsePlainFeed(
      "good.example\n"
      "bad..example\n"
      "a*.example\n"
      "two words.example\n"
      "192.0.2.1\n"
      "b\xc3\xa4" "d.example\n" +
          std::string(9000, 'a') + "\n" + "fine.example\n",
      PlainFeedOptions{PlainFeedType::kDomain, IocLevel::kHigh, "t"});
  CHECK(values(result) == std::vector<std::string>{"good.example", "fine.example"});
  CHECK(errors(result) == std::vector<std::string>{
                              "line 2: empty label in domain: 'bad..example'",
                              "line 3: wildcard is only allowed as a leading '*.' label: 'a*.example'",
                              "line 4: unexpected text after the indicator: 'words.example'",
                              "line 5: an IP address is not a domain: '192.0.2.1'",
                              "line 6: non-ASCII domain (use the punycode xn-- form): 'b\xc3\xa4" "d.example'",
                              "line 7: line longer than 8192 bytes",
                          });
}

TEST_CASE("plain address list: IPs, CIDR, ranges, IPv6, bad lines") {
  auto result = parsePlainFeed(
      "192.0.2.7\n"
      "198.51.100.0/24\n"
      "203.0.113.9/24\n"
      "192.0.2.10-192.0.2.11\n"
      "192.0.2.20 - 192.0.2.20\n"
      "2001:db8::/32\n"
      "321.321.321.321\n"
      "10.0.0.0/40\n"
      "192.0.2.9-192.0.2.1\n"
      "bad.example\n",
      PlainFeedOptions{PlainFeedType::kAddress, IocLevel::kHigh, "scanners"});
  CHECK(values(result) == std::vector<std::string>{"192.0.2.7", "198.51.100.0/24", "203.0.113.0/24",
                                                   "192.0.2.10/31", "192.0.2.20", "2001:db8::/32"});
  CHECK(errors(result) == std::vector<std::string>{
                              "line 7: invalid IPv4 address '321.321.321.321'",
                              "line 8: invalid prefix length '40'",
                              "line 9: range start is above range end",
                              "line 10: invalid IPv4 address 'bad.example'",
                          });
}

TEST_CASE("plain URL list") {
  auto result = parsePlainFeed(
      "http://Bad.Example:80/dl/../x.exe\n"
      "bad.example/payload?id=1\n"
      "http://bad.example/%zz\n"
      "http://\n",
      PlainFeedOptions{PlainFeedType::kUrl, IocLevel::kHigh, "t"});
  CHECK(values(result) == std::vector<std::string>{"bad.example/x.exe", "bad.example/payload?id=1"});
  CHECK(errors(result) == std::vector<std::string>{
                              "line 3: invalid percent-encoding in URL path: 'http://bad.example/%zz'",
                              "line 4: URL without a host: 'http://'",
                          });
}

TEST_CASE("plain malware hash list: description becomes the threat name") {
  auto result = parsePlainFeed(
      "275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F EICAR test file\n"
      "d41d8cd98f00b204e9800998ecf8427e\n"
      "da39a3ee5e6b4b0d3255bfef95601890afd80709 # just a comment\n"
      "12345\n"
      "zz1d8cd98f00b204e9800998ecf8427e\n",
      PlainFeedOptions{PlainFeedType::kMalware, IocLevel::kHigh, "hashes"});
  REQUIRE(result.indicators.size() == 3);
  CHECK(result.indicators[0].value ==
        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
  CHECK(result.indicators[0].threat == "EICAR test file");
  CHECK(result.indicators[1].threat == "hashes");
  CHECK(result.indicators[2].threat == "hashes");
  CHECK(errors(result) == std::vector<std::string>{
                              "line 4: hash of 5 characters is not MD5 (32), SHA-1 (40) or SHA-256 "
                              "(64) hex: '12345'",
                              "line 5: hash contains a non-hex character: "
                              "'zz1d8cd98f00b204e9800998ecf8427e'",
                          });
}

TEST_CASE("plain feed type names") {
  PlainFeedType type;
  REQUIRE(parsePlainFeedType("malware", &type));
  CHECK(type == PlainFeedType::kMalware);
  CHECK_FALSE(parsePlainFeedType("category", &type));
  CHECK(toString(PlainFeedType::kAddress) == "address");
}
