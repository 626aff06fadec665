#include "fortianalyzer/store/raw_fields.h"

#include <catch2/catch.hpp>

#include "fortianalyzer/store/batch_writer.h"
#include "fortianalyzer/store/field_codec.h"

using namespace fabric::faz;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("the raw scanner reads FortiOS key=value lines as the parser does") {
  std::string raw = "<189>date=2026-11-28 devname=\"FGT \\\"lab\\\"\" srcip=10.0.0.5 "
                    "msg=\"a\\\\b c=d\" cookies=\"\" url=\r\n";
  Pairs expected = {{"date", "2026-11-28"}, {"devname", "FGT \"lab\""}, {"srcip", "10.0.0.5"},
                    {"msg", "a\\b c=d"},    {"cookies", ""},             {"url", ""}};
  CHECK(rawYieldsFields(raw, expected));
  CHECK(findRawField(raw, "msg") == "a\\b c=d");
  CHECK(findRawField(raw, "c") == std::nullopt);  // inside a quoted value, not a field
  CHECK_FALSE(findRawField(raw, "nosuch"));
  // RFC 5424 header tokens without '=' are skipped.
  CHECK(findRawField("<165>1 2022-11-14T06:54:03Z fw - - - - eventtime=16 tz=\"-0800\"", "tz") ==
        "-0800");
}

TEST_CASE("the store keeps a fields blob exactly when the raw line does not yield the fields") {
  LogToStore plain;
  plain.raw = "srcip=10.0.0.5 action=\"blocked\"";
  plain.fields = {{"srcip", "10.0.0.5"}, {"action", "blocked"}};
  CHECK(encodeFieldsForStore(plain).empty());

  LogToStore csv;  // the scanner reads this as one field; the parser produced two
  csv.raw = "date=2016-02-12,time=14:10:42";
  csv.fields = {{"date", "2016-02-12"}, {"time", "14:10:42"}};
  csv.srcip = "";
  std::string blob = encodeFieldsForStore(csv);
  REQUIRE_FALSE(blob.empty());
  CHECK(findField(blob, "time") == "14:10:42");

  LogToStore dup;  // FAZ-forwarded lines carry tz twice; the parser may keep both
  dup.raw = "tz=\"UTC-5:00\" srcip=1.2.3.4 tz=\"-0500\"";
  dup.srcip = "1.2.3.4";
  dup.fields = {{"tz", "UTC-5:00"}, {"srcip", "1.2.3.4"}, {"tz", "-0500"}};
  CHECK(encodeFieldsForStore(dup).empty());  // the scanner yields both too, in order
  dup.fields.pop_back();
  std::string partial = encodeFieldsForStore(dup);
  REQUIRE_FALSE(partial.empty());
  auto pairs = decodeFields(partial);
  REQUIRE(pairs.size() == 1);  // srcip is left to its column
  CHECK(pairs[0].first == "tz");
}

TEST_CASE("a truncated or corrupt fields blob decodes to fewer pairs, never past its end") {
  std::string blob;
  encodeField(blob, "srcip", "10.0.0.5");
  encodeField(blob, "url", std::string(300, 'u'));
  CHECK(decodeFields(blob).size() == 2);
  CHECK(findField(blob, "url")->size() == 300);
  CHECK(decodeFields(blob.substr(0, blob.size() - 1)).size() == 1);
  CHECK(decodeFields(std::string("\xff\xff\xff\xff\xff\xff", 6)).empty());
}
