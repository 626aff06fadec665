#include "common/net/frame_codec.h"

#include <catch2/catch.hpp>

using fabric::net::encodeFrame;
using fabric::net::FrameDecoder;
using nlohmann::json;

namespace {
std::string header(std::uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>((n >> 16) & 0xff),
          static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
}
}  // namespace

TEST_CASE("a frame is a 4-byte big-endian length then the JSON text") {
  auto bytes = encodeFrame(json{{"type", "heartbeat"}});
  REQUIRE(bytes.size() == 4 + std::string(R"({"type":"heartbeat"})").size());
  CHECK(bytes.substr(0, 4) == header(20));
  CHECK(bytes.substr(4) == R"({"type":"heartbeat"})");
}

TEST_CASE("encodeFrame refuses messages without a string type") {
  CHECK_THROWS_AS(encodeFrame(json::array()), std::invalid_argument);
  CHECK_THROWS_AS(encodeFrame(json{{"type", 3}}), std::invalid_argument);
  CHECK_THROWS_AS(encodeFrame(json{{"x", "y"}}), std::invalid_argument);
}

TEST_CASE("the decoder yields the same messages whatever the chunking") {
  json a{{"type", "register"}, {"uid", "ABC"}, {"ip", "127.1.0.1"}};
  json b{{"type", "status"}, {"state", "quarantined"}, {"flow_id", "F-1"}};
  const std::string stream = encodeFrame(a) + encodeFrame(b);
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    FrameDecoder decoder;
    REQUIRE(decoder.feed(std::string_view(stream).substr(0, split)).empty());
    REQUIRE(decoder.feed(std::string_view(stream).substr(split)).empty());
    auto first = decoder.next();
    auto second = decoder.next();
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(*first == a);
    CHECK(*second == b);
    CHECK_FALSE(decoder.next().has_value());
  }
  FrameDecoder bytewise;
  for (char c : stream) REQUIRE(bytewise.feed(std::string_view(&c, 1)).empty());
  CHECK(*bytewise.next() == a);
  CHECK(*bytewise.next() == b);
}

TEST_CASE("an oversized frame breaks the stream with its size and the limit, before its body") {
  FrameDecoder decoder(1024);
  CHECK(decoder.feed(header(5000000)) == "frame of 5000000 bytes exceeds the 1024-byte limit");
  // The stream stays broken: nothing more is decoded.
  CHECK(decoder.feed(encodeFrame(json{{"type", "heartbeat"}})) ==
        "frame of 5000000 bytes exceeds the 1024-byte limit");
  CHECK_FALSE(decoder.next().has_value());
}

TEST_CASE("bad frames get their own reason") {
  SECTION("empty") {
    FrameDecoder d;
    CHECK(d.feed(header(0)) == "frame is empty");
  }
  SECTION("not JSON") {
    FrameDecoder d;
    CHECK(d.feed(header(3) + "{x}") == "frame is not valid JSON");
  }
  SECTION("no type") {
    FrameDecoder d;
    CHECK(d.feed(header(7) + R"({"a":1})") == "frame has no string 'type'");
  }
  SECTION("not an object") {
    FrameDecoder d;
    CHECK(d.feed(header(2) + "[]") == "frame has no string 'type'");
  }
  SECTION("messages before the bad frame are still delivered") {
    FrameDecoder d;
    CHECK(d.feed(encodeFrame(json{{"type", "a"}}) + header(3) + "{x}") == "frame is not valid JSON");
    REQUIRE(d.next().has_value());
    CHECK_FALSE(d.next().has_value());
  }
}

TEST_CASE("a frame exactly at the limit is accepted") {
  json m{{"type", "logs"}, {"line", std::string(100, 'x')}};
  auto bytes = encodeFrame(m);
  FrameDecoder d(bytes.size() - 4);
  CHECK(d.feed(bytes).empty());
  CHECK(*d.next() == m);
}
