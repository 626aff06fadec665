#include "common/base/clock.h"

#include <catch2/catch.hpp>

TEST_CASE("ManualClock moves only when advanced") {
  fabric::ManualClock clock;
  auto wall = clock.now();
  auto mono = clock.monotonic();
  CHECK(clock.now() == wall);
  clock.advance(std::chrono::seconds(5));
  CHECK(clock.now() - wall == std::chrono::seconds(5));
  CHECK(clock.monotonic() - mono == std::chrono::seconds(5));
}
