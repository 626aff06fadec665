#include "fortianalyzer/ioc/stix_feed_parser.h"
#include "fortianalyzer/ioc/stix_pattern.h"

#include <catch2/catch.hpp>

using namespace fabric::faz::ioc;

namespace {
std::vector<std::string> errors(const FeedParseResult& result) {
  std::vector<std::string> out;
  for (const auto& e : result.errors) out.push_back(e.toString());
  return out;
}
std::string patternError(std::string_view pattern) {
  std::vector<StixComparison> comparisons;
  std::string error;
  REQUIRE_FALSE(parseStixPattern(pattern, &comparisons, &error));
  CHECK(comparisons.empty());
  return error;
}

const char* kSha256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
}  // namespace

TEST_CASE("STIX patterns: OR of equality comparisons") {
  std::vector<StixComparison> c;
  std::string error;
  REQUIRE(parseStixPattern(
      "[domain-name:value = 'bad.example' OR url:value = 'http://bad.example/it\\'s'] OR "
      "([ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [file:hashes.'SHA-256' = 'AB']) OR "
      "[file:hashes.MD5 = 'x'] OR [file:hashes.'SHA-1' = 'y'] OR [ipv6-addr:value = '2001:db8::1']",
      &c, &error));
  REQUIRE(c.size() == 7);
  CHECK(c[0].kind == IndicatorKind::kDomain);
  CHECK(c[0].value == "bad.example");
  CHECK(c[1].kind == IndicatorKind::kUrl);
  CHECK(c[1].value == "http://bad.example/it's");
  CHECK(c[2].kind == IndicatorKind::kIp);
  CHECK(c[3].kind == IndicatorKind::kHash);
  CHECK(c[3].hexLength == 64);
  CHECK(c[4].hexLength == 32);
  CHECK(c[5].hexLength == 40);
  CHECK(c[6].kind == IndicatorKind::kIp);
}

TEST_CASE("STIX patterns outside the indicator-list subset are refused with a reason") {
  CHECK(patternError("[domain-name:value = 'a' AND url:value = 'b']") ==
        "AND is not supported: only OR-combined equality comparisons describe an indicator list");
  CHECK(patternError("[domain-name:value = 'a'] FOLLOWEDBY [domain-name:value = 'b']") ==
        "FOLLOWEDBY is not supported: only OR-combined equality comparisons describe an indicator list");
  CHECK(patternError("[domain-name:value = 'a'] WITHIN 300 SECONDS") ==
        "qualifier WITHIN is not supported");
  CHECK(patternError("[domain-name:value != 'a']") ==
        "operator '!=' is not supported (only '=' and, for IP addresses, ISSUBSET)");
  CHECK(patternError("[domain-name:value MATCHES 'a.*']") ==
        "operator 'MATCHES' is not supported (only '=' and, for IP addresses, ISSUBSET)");
  CHECK(patternError("[process:name = 'evil.exe']") ==
        "object path 'process:name' is not supported (domain-name:value, url:value, "
        "ipv4-addr:value, ipv6-addr:value, file:hashes.<MD5|SHA-1|SHA-256>)");
  CHECK(patternError("[file:hashes.'SSDEEP' = 'x']") ==
        "hash algorithm 'ssdeep' is not supported (MD5, SHA-1, SHA-256)");
  CHECK(patternError("[domain-name:value = 'a'") == "missing ']'");
  CHECK(patternError("[domain-name:value = 'a") == "unterminated string literal");
  CHECK(patternError("[domain-name:value = 42]") == "comparison value must be a quoted string");
  CHECK(patternError("domain-name:value = 'a'") == "expected '[' to open an observation");
  CHECK(patternError("") == "expected '[' to open an observation");
  CHECK(patternError("[domain-name:value = 'a'] junk") == "unexpected text at offset 26: 'junk'");
  CHECK(patternError(std::string(40, '(') + "[domain-name:value = 'a']" + std::string(40, ')')) ==
        "pattern nested too deeply");
}

TEST_CASE("STIX bundle: indicators, SCOs, levels, threat names") {
  std::string bundle = R"({
    "type": "bundle", "id": "bundle--1",
    "objects": [
      {"type": "identity", "id": "identity--1", "name": "Lab CTI"},
      {"type": "indicator", "id": "indicator--a", "name": "Emotet C2",
       "pattern": "[domain-name:value = 'Emotet.Bad.Example'] OR [url:value = 'http://emotet.bad.example/x']",
       "pattern_type": "stix", "indicator_types": ["malicious-activity"]},
      {"type": "indicator", "id": "indicator--b", "pattern": "[ipv4-addr:value = '198.51.100.0/24']",
       "pattern_type": "stix", "indicator_types": ["anomalous-activity"]},
      {"type": "indicator", "id": "indicator--c", "pattern": "[file:hashes.'SHA-256' = ')" +
                       std::string(kSha256) + R"(']", "confidence": 40},
      {"type": "indicator", "id": "indicator--d", "pattern": "[domain-name:value = 'custom.example']",
       "confidence": 95, "x_fabric_level": "suspicious"},
      {"type": "malware", "id": "malware--1", "name": "TrickBot", "is_family": true},
      {"type": "relationship", "id": "relationship--1", "relationship_type": "indicates",
       "source_ref": "indicator--e", "target_ref": "malware--1"},
      {"type": "indicator", "id": "indicator--e", "pattern": "[domain-name:value = 'trick.example']"},
      {"type": "domain-name", "id": "domain-name--1", "value": "sco.example"},
      {"type": "ipv6-addr", "id": "ipv6-addr--1", "value": "2001:db8::/32", "x_fabric_level": "medium",
       "x_fabric_threat": "v6 scanner"},
      {"type": "url", "id": "url--1", "value": "https://sco.example/dl"},
      {"type": "file", "id": "file--1", "hashes": {"MD5": "D41D8CD98F00B204E9800998ECF8427E",
                                                  "SHA-1": "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                                                  "SSDEEP": "3:a:b"}}
    ]})";
  auto result = parseStixFeed(bundle, StixFeedOptions{"lab-stix", IocLevel::kHigh});
  CHECK(errors(result).empty());
  REQUIRE(result.indicators.size() == 11);
  const auto& i = result.indicators;
  CHECK(i[0].value == "emotet.bad.example");
  CHECK(i[0].threat == "Emotet C2");
  CHECK(i[0].level == IocLevel::kHigh);
  CHECK(i[1].value == "emotet.bad.example/x");
  CHECK(i[2].value == "198.51.100.0/24");
  CHECK(i[2].level == IocLevel::kMedium);
  CHECK(i[2].threat == "lab-stix");
  CHECK(i[3].value == kSha256);
  CHECK(i[3].level == IocLevel::kMedium);  // confidence 40
  CHECK(i[4].level == IocLevel::kMedium);  // x_fabric_level wins over confidence 95
  CHECK(i[5].value == "trick.example");
  CHECK(i[5].threat == "TrickBot");  // via relationship "indicates"
  CHECK(i[5].level == IocLevel::kHigh);
  CHECK(i[6].value == "sco.example");
  CHECK(i[7].value == "2001:db8::/32");
  CHECK(i[7].level == IocLevel::kMedium);
  CHECK(i[7].threat == "v6 scanner");
  CHECK(i[8].value == "sco.example/dl");
  CHECK(i[9].kind == IndicatorKind::kHash);
  CHECK(i[9].value == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(i[10].value == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST_CASE("STIX bad objects are reported by index and id") {
  std::string bundle = R"({"type": "bundle", "objects": [
      42,
      {"id": "x--1"},
      {"type": "indicator", "id": "indicator--1"},
      {"type": "indicator", "id": "indicator--2", "pattern": "[a:b = 'c']"},
      {"type": "indicator", "id": "indicator--3", "pattern": "[domain-name:value = 'x']", "pattern_type": "sigma"},
      {"type": "indicator", "id": "indicator--4", "pattern": "[domain-name:value = 'x.example']", "revoked": true},
      {"type": "indicator", "id": "indicator--5", "pattern": "[domain-name:value = 'x.example']", "indicator_types": ["benign"]},
      {"type": "indicator", "id": "indicator--6", "pattern": "[domain-name:value = 'x.example']", "x_fabric_level": "low"},
      {"type": "indicator", "id": "indicator--7", "pattern": "[domain-name:value = 'x.example']", "confidence": 101},
      {"type": "indicator", "id": "indicator--8", "pattern": "[domain-name:value = 'bad..example' OR domain-name:value = 'good.example']"},
      {"type": "indicator", "id": "indicator--9", "pattern": "[file:hashes.MD5 = 'abcd']"},
      {"type": "domain-name", "id": "domain-name--1"},
      {"type": "file", "id": "file--1", "hashes": {"SSDEEP": "3:a:b"}},
      {"type": "file", "id": "file--2"},
      {"type": "ipv4-addr", "id": "ipv4-addr--1", "value": "1.2.3.4", "x_fabric_level": 3}
    ]})";
  auto result = parseStixFeed(bundle, StixFeedOptions{"f", IocLevel::kHigh});
  REQUIRE(result.indicators.size() == 1);
  CHECK(result.indicators[0].value == "good.example");
  CHECK(errors(result) ==
        std::vector<std::string>{
            "objects[0]: not a JSON object",
            "objects[1] (x--1): object without a string 'type'",
            "objects[2] (indicator--1): indicator without a string 'pattern'",
            "objects[3] (indicator--2): pattern: object path 'a:b' is not supported (domain-name:value, "
            "url:value, ipv4-addr:value, ipv6-addr:value, file:hashes.<MD5|SHA-1|SHA-256>)",
            "objects[4] (indicator--3): pattern_type 'sigma' is not supported (stix)",
            "objects[5] (indicator--4): indicator is revoked; skipped",
            "objects[6] (indicator--5): indicator type 'benign'; skipped",
            "objects[7] (indicator--6): x_fabric_level: level 'low' is not supported: FortiAnalyzer "
            "has a blocklist (high) and a suspicious list (medium)",
            "objects[8] (indicator--7): confidence must be an integer 0..100",
            "objects[9] (indicator--8): empty label in domain: 'bad..example'",
            "objects[10] (indicator--9): hash 'abcd' should have 32 hex characters",
            "objects[11] (domain-name--1): domain-name object without a string 'value'",
            "objects[12] (file--1): file object has no MD5, SHA-1 or SHA-256 hash",
            "objects[13] (file--2): file object without a 'hashes' dictionary",
            "objects[14] (ipv4-addr--1): x_fabric_level must be a string",
        });
}

TEST_CASE("STIX input that is not a bundle is refused as a whole") {
  auto fatal = [](std::string_view text) {
    return parseStixFeed(text, StixFeedOptions{}).fatal;
  };
  CHECK(fatal("{not json").rfind("not valid JSON: ", 0) == 0);
  CHECK(fatal("[]") == "not a STIX bundle: the top-level object needs \"type\": \"bundle\"");
  CHECK(fatal(R"({"type":"indicator"})") ==
        "not a STIX bundle: the top-level object needs \"type\": \"bundle\"");
  CHECK(fatal(R"({"type":"bundle","objects":{}})") == "STIX bundle 'objects' is not an array");
  CHECK(fatal(std::string(100, '[') + std::string(100, ']')) == "JSON nested deeper than 64 levels");
  CHECK(fatal(R"({"type":"bundle"})").empty());
}
