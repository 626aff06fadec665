#include <catch2/catch.hpp>

#include "common/http/http.h"

using namespace fabric::http;

TEST_CASE("query strings and forms decode in order, + as space, bad escapes kept") {
  auto q = parseUrlEncoded("filter=name%3D%3DEMS01&filter=type==ipmask&x&b=a+b&&c=%zz%4");
  REQUIRE(q.size() == 5);
  CHECK(q[0] == std::pair<std::string, std::string>{"filter", "name==EMS01"});
  CHECK(q[1] == std::pair<std::string, std::string>{"filter", "type==ipmask"});
  CHECK(q[2] == std::pair<std::string, std::string>{"x", ""});
  CHECK(q[3] == std::pair<std::string, std::string>{"b", "a b"});
  CHECK(q[4] == std::pair<std::string, std::string>{"c", "%zz%4"});
  CHECK(parseUrlEncoded("").empty());
  CHECK(urlEncode("a b/=&é") == "a%20b%2F%3D%26%C3%A9");
  CHECK(parseUrlEncoded("k=" + urlEncode("a b/=&é"))[0].second == "a b/=&é");
}

TEST_CASE("header, param and cookie lookups") {
  HttpRequest r;
  r.headers = {{"authorization", "Bearer abc"},
               {"Cookie", "APSCOOKIE_123=\"0%260\"; ccsrftoken=\"ABCDEF\" ;plain=1"},
               {"Cookie", "second=2"}};
  r.query = {{"access_token", "t1"}, {"access_token", "t2"}};
  CHECK(r.header("Authorization") == std::optional<std::string>("Bearer abc"));
  CHECK_FALSE(r.header("X-CSRFTOKEN"));
  CHECK(r.param("access_token") == std::optional<std::string>("t1"));
  CHECK_FALSE(r.param("ACCESS_TOKEN"));
  CHECK(r.cookie("ccsrftoken") == std::optional<std::string>("ABCDEF"));
  CHECK(r.cookie("APSCOOKIE_123") == std::optional<std::string>("0%260"));
  CHECK(r.cookie("plain") == std::optional<std::string>("1"));
  CHECK(r.cookie("second") == std::optional<std::string>("2"));
  CHECK_FALSE(r.cookie("csrftoken"));
}
