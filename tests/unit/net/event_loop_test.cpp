#include <atomic>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "common/net/link.h"
#include "tests/unit/net/net_test_support.h"

using namespace fabric::net;
using fabric::net::test::waitUntil;

TEST_CASE("EventLoop::call from another thread runs on the loop thread and returns its value") {
  EventLoop loop;
  loop.start();
  int counter = 0;  // owned by the loop
  std::vector<std::thread> threads;
  std::atomic<int> on_loop{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        const bool ran_on_loop = loop.call([&] {
          ++counter;
          return loop.onLoopThread();
        });
        if (ran_on_loop) ++on_loop;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(on_loop == 1000);
  CHECK(loop.call([&] { return counter; }) == 1000);
  CHECK_FALSE(loop.onLoopThread());
}

TEST_CASE("EventLoop::call inside the loop runs inline") {
  EventLoop loop;
  loop.start();
  const int value = loop.call([&] { return loop.call([] { return 7; }) + 1; });
  CHECK(value == 8);
}

TEST_CASE("posts made before start run once the loop starts, in order") {
  EventLoop loop;
  std::vector<int> seen;
  for (int i = 0; i < 5; ++i) loop.post([&seen, i] { seen.push_back(i); });
  loop.start();
  CHECK(loop.call([&] { return seen; }) == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("call after stop fails instead of hanging; stop is idempotent") {
  EventLoop loop;
  loop.start();
  loop.stop();
  loop.stop();
  CHECK_THROWS_AS(loop.call([] { return 1; }), std::future_error);
  int ran = 0;
  loop.runOnLoop([&] { ++ran; });  // no loop thread any more: inline
  CHECK(ran == 1);
}

TEST_CASE("a repeating timer fires until its handle is destroyed; after() fires once") {
  EventLoop loop;
  loop.start();
  int ticks = 0;
  int once = 0;
  auto timer = loop.every(std::chrono::milliseconds(5), [&] { ++ticks; });
  auto single = loop.after(std::chrono::milliseconds(5), [&] { ++once; });
  REQUIRE(waitUntil([&] { return loop.call([&] { return ticks >= 3 && once == 1; }); }));
  loop.call([&] { timer.reset(); });
  const int stopped_at = loop.call([&] { return ticks; });
  // Let several more periods pass (proved by a later one-shot firing), then no more ticks.
  bool later = false;
  auto marker = loop.after(std::chrono::milliseconds(50), [&] { later = true; });
  REQUIRE(waitUntil([&] { return loop.call([&] { return later; }); }));
  CHECK(loop.call([&] { return ticks; }) == stopped_at);
  CHECK(loop.call([&] { return once; }) == 1);
}

TEST_CASE("a handler that throws does not end the loop") {
  EventLoop loop;
  loop.start();
  loop.post([] { throw std::runtime_error("boom"); });
  CHECK(loop.call([] { return 5; }) == 5);
}
