#include "fortianalyzer/ioc/csv_feed_parser.h"

#include <catch2/catch.hpp>

using namespace fabric::faz::ioc;

namespace {
std::vector<std::string> errors(const FeedParseResult& result) {
  std::vector<std::string> out;
  for (const auto& e : result.errors) out.push_back(e.toString());
  return out;
}
}  // namespace

TEST_CASE("CSV feed: header, every type, quoted fields, default threat") {
  auto result = parseCsvFeed(
      "# exported from the lab TI platform\r\n"
      "indicator,type,level,threat\r\n"
      "Bad.Example,domain,high,Emotet\r\n"
      "\"http://bad.example/a,b\",url,suspicious,\"Phish \"\"kit\"\"\"\r\n"
      "198.51.100.0/24,cidr,medium,\r\n"
      "D41D8CD98F00B204E9800998ECF8427E,md5,blocklist,Dropper\r\n"
      "192.0.2.1-192.0.2.2,ip,high,Scanner\r\n",
      CsvFeedOptions{"lab-csv"});
  CHECK(errors(result).empty());
  REQUIRE(result.indicators.size() == 6);  // the range is two /32s
  CHECK(result.indicators[0].kind == IndicatorKind::kDomain);
  CHECK(result.indicators[0].value == "bad.example");
  CHECK(result.indicators[0].threat == "Emotet");
  CHECK(result.indicators[1].kind == IndicatorKind::kUrl);
  CHECK(result.indicators[1].value == "bad.example/a,b");
  CHECK(result.indicators[1].level == IocLevel::kMedium);
  CHECK(result.indicators[1].threat == "Phish \"kit\"");
  CHECK(result.indicators[2].value == "198.51.100.0/24");
  CHECK(result.indicators[2].threat == "lab-csv");
  CHECK(result.indicators[3].value == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(result.indicators[3].level == IocLevel::kHigh);
  CHECK(result.indicators[4].value == "192.0.2.1");
  CHECK(result.indicators[4].threat == "Scanner");
  CHECK(result.indicators[5].value == "192.0.2.2");
}

TEST_CASE("CSV columns may come in any order; extra named columns are ignored") {
  auto result = parseCsvFeed("level,first_seen,type,indicator\nhigh,2026-01-01,domain,x.example\n",
                             CsvFeedOptions{"feed"});
  REQUIRE(result.indicators.size() == 1);
  CHECK(result.indicators[0].value == "x.example");
  CHECK(result.indicators[0].threat == "feed");
}

TEST_CASE("CSV bad records are reported with line number and reason") {
  auto result = parseCsvFeed(
      "indicator,type,level,threat\n"
      "ok.example,domain,high,t\n"
      "x.example,domain,low,t\n"
      "x.example,domain,severe,t\n"
      "x.example,domain,,t\n"
      "x.example,ssdeep,high,t\n"
      "abc,sha256,high,t\n"
      ",domain,high,t\n"
      "x.example,domain,high\n"
      "x.example,domain,high,t,extra\n"
      "\"x.example,domain,high,t\n"
      "\"x.example\"y,domain,high,t\n"
      "x\"example,domain,high,t\n"
      "bad..example,domain,high,t\n"
      "d41d8cd98f00b204e9800998ecf8427e,sha1,high,t\n"
      "still.ok.example,domain,medium,t\n",
      CsvFeedOptions{"f"});
  REQUIRE(result.indicators.size() == 2);
  CHECK(result.indicators[1].value == "still.ok.example");
  CHECK(result.fatal.empty());
  CHECK(errors(result) ==
        std::vector<std::string>{
            "line 3: level 'low' is not supported: FortiAnalyzer has a blocklist (high) and a "
            "suspicious list (medium)",
            "line 4: unknown level 'severe' (expected medium or high)",
            "line 5: missing level",
            "line 6: unknown type 'ssdeep' (expected domain, url, ip, md5, sha1, sha256 or hash)",
            "line 7: type sha256 needs 64 hex characters, got 3",
            "line 8: empty indicator",
            "line 9: expected 4 columns, got 3",
            "line 10: expected 4 columns, got 5",
            "line 11: unterminated quote in column 1",
            "line 12: text after closing quote in column 1",
            "line 13: stray quote in unquoted column 1",
            "line 14: empty label in domain: 'bad..example'",
            "line 15: type sha1 needs 40 hex characters, got 32",
        });
}

TEST_CASE("CSV without a usable header is refused as a whole") {
  CHECK(parseCsvFeed("bad.example,domain,high\n", CsvFeedOptions{}).fatal ==
        "line 1: CSV header must name the columns indicator,type,level[,threat]; got "
        "'bad.example,domain,high'");
  CHECK(parseCsvFeed("", CsvFeedOptions{}).fatal == "CSV feed has no header line");
  CHECK(parseCsvFeed("# only a comment\n", CsvFeedOptions{}).fatal == "CSV feed has no header line");
  CHECK(parseCsvFeed("indicator,type,level,type\n", CsvFeedOptions{}).fatal ==
        "line 1: CSV header names column 'type' twice");
  CHECK(parseCsvFeed("\"indicator,type,level\n", CsvFeedOptions{}).fatal ==
        "line 1: CSV header: unterminated quote in column 1");
  auto noData = parseCsvFeed("indicator,type,level\n", CsvFeedOptions{});
  CHECK(noData.fatal.empty());
  CHECK(noData.indicators.empty());
}
