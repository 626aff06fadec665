#include "fortianalyzer/search/log_filter.h"

#include <catch2/catch.hpp>

using namespace fabric::faz;

namespace {
std::string errorOf(const std::string& text) {
  auto r = parseFilter(text);
  CHECK_FALSE(r.clause);
  return r.error;
}
}  // namespace

TEST_CASE("each operator parses") {
  struct Case {
    const char* text;
    FilterOp op;
    const char* field;
    const char* value;
  };
  for (const Case& c : {Case{"srcip==10.0.0.5", FilterOp::kEq, "srcip", "10.0.0.5"},
                        Case{"action!=blocked", FilterOp::kNe, "action", "blocked"},
                        Case{"hostname=@bad", FilterOp::kContains, "hostname", "bad"},
                        Case{"hostname!@example", FilterOp::kNotContains, "hostname", "example"},
                        Case{"sentbyte<10", FilterOp::kLt, "sentbyte", "10"},
                        Case{"sentbyte<=10", FilterOp::kLe, "sentbyte", "10"},
                        Case{"sentbyte>10", FilterOp::kGt, "sentbyte", "10"},
                        Case{"sentbyte>=10.5", FilterOp::kGe, "sentbyte", "10.5"}}) {
    auto r = parseFilter(c.text);
    INFO(c.text << " -> " << r.error);
    REQUIRE(r.clause);
    REQUIRE(r.clause->any_of.size() == 1);
    CHECK(r.clause->any_of[0].op == c.op);
    CHECK(r.clause->any_of[0].field == c.field);
    CHECK(r.clause->any_of[0].value == c.value);
  }
}

TEST_CASE("comma separates OR-ed conditions; escapes keep commas in values") {
  auto r = parseFilter("srcip==10.0.0.5,hostname=@a\\,b,msg==x\\\\y,url==");
  REQUIRE(r.clause);
  REQUIRE(r.clause->any_of.size() == 4);
  CHECK(r.clause->any_of[1].value == "a,b");
  CHECK(r.clause->any_of[1].position == 17);
  CHECK(r.clause->any_of[2].value == "x\\y");
  CHECK(r.clause->any_of[3].value.empty());
  // Values keep '=' and spaces: only ',' ends them.
  auto q = parseFilter("msg==a = b");
  REQUIRE(q.clause);
  CHECK(q.clause->any_of[0].value == "a = b");
}

TEST_CASE("CIDR values on address fields") {
  auto r = parseFilter("srcip==10.0.0.0/24");
  REQUIRE(r.clause);
  REQUIRE(r.clause->any_of[0].cidr);
  CHECK(r.clause->any_of[0].cidr->network == 0x0a000000u);
  CHECK(r.clause->any_of[0].cidr->prefix == 24);
  // A '/' in other fields is just text.
  auto url = parseFilter("url==/path/x");
  REQUIRE(url.clause);
  CHECK_FALSE(url.clause->any_of[0].cidr);
  CHECK(errorOf("srcip==10.0.0.0/33") == "invalid CIDR '10.0.0.0/33' at position 8 in 'srcip==10.0.0.0/33'");
  CHECK(errorOf("dstip==10.0.0/8") == "invalid CIDR '10.0.0/8' at position 8 in 'dstip==10.0.0/8'");
  CHECK(errorOf("srcip=@10.0.0.0/8") ==
        "operator '=@' cannot take a CIDR (use == or !=) at position 8 in 'srcip=@10.0.0.0/8'");
}

TEST_CASE("parse errors name the problem and its position") {
  CHECK(errorOf("srcip~~x") == "unknown operator at position 6 in 'srcip~~x'");
  CHECK(errorOf("") == "empty filter");
  CHECK(errorOf("==x") == "missing field name at position 1 in '==x'");
  CHECK(errorOf("srcip") == "missing operator after 'srcip' at position 6 in 'srcip'");
  CHECK(errorOf("a==1,,b==2") == "empty condition at position 6 in 'a==1,,b==2'");
  CHECK(errorOf("a==1,") == "empty condition at position 6 in 'a==1,'");
  CHECK(errorOf("a==1,srcip") == "missing operator after 'srcip' at position 11 in 'a==1,srcip'");
  CHECK(errorOf("sr cip==1") == "unknown operator at position 3 in 'sr cip==1'");
  CHECK(errorOf("$x==1") == "invalid character '$' in field name at position 1 in '$x==1'");
  CHECK(errorOf("a==b\\") == "dangling escape '\\' at position 5 in 'a==b\\'");
  CHECK(errorOf("sentbyte<ten") ==
        "operator '<' needs a number, got 'ten' at position 10 in 'sentbyte<ten'");
  CHECK(errorOf(std::string(5000, 'a')) == "filter longer than 4096 characters");
  std::string many;
  for (int i = 0; i < 65; ++i) many += (i ? "," : "") + std::string("a==1");
  CHECK(errorOf(many).rfind("more than 64 conditions at position 321", 0) == 0);
  // Unprintable bytes are not echoed back.
  CHECK(errorOf(std::string("a\x01==1")) == "unknown operator at position 2 in 'a?==1'");
}
