#include <catch2/catch.hpp>

#include "fortianalyzer/daemon/feed_manager.h"

using namespace fabric::faz;

namespace {
FeedConfig feed(const std::string& name, bool enabled = true) {
  FeedConfig f;
  f.source.name = name;
  f.file = "/feeds/" + name;
  f.enabled = enabled;
  return f;
}
}  // namespace

TEST_CASE("feeds are loaded when new, changed or touched and removed when gone or disabled") {
  std::map<std::string, FileSignature> files{{"/feeds/a", {true, 1, 10}}, {"/feeds/b", {true, 1, 10}}};
  auto stat = [&](const std::filesystem::path& p) { return files[p.string()]; };
  std::map<std::string, AttemptedFeed> attempted;

  FeedPlan first = planFeeds({feed("a"), feed("b"), feed("c", false)}, attempted, stat);
  REQUIRE(first.load.size() == 2);
  CHECK(first.remove.empty());
  attempted["a"] = {feed("a"), files["/feeds/a"]};
  attempted["b"] = {feed("b"), files["/feeds/b"]};

  CHECK(planFeeds({feed("a"), feed("b")}, attempted, stat).load.empty());

  files["/feeds/a"].mtime_ns = 2;  // file rewritten
  FeedPlan touched = planFeeds({feed("a"), feed("b")}, attempted, stat);
  REQUIRE(touched.load.size() == 1);
  CHECK(touched.load[0].source.name == "a");

  FeedConfig b2 = feed("b");
  b2.source.level = ioc::IocLevel::kMedium;  // entry changed
  files["/feeds/a"].mtime_ns = 1;
  FeedPlan changed = planFeeds({feed("a"), b2}, attempted, stat);
  REQUIRE(changed.load.size() == 1);
  CHECK(changed.load[0].source.name == "b");

  FeedPlan gone = planFeeds({feed("a"), feed("b", false)}, attempted, stat);
  CHECK(gone.load.empty());
  CHECK(gone.remove == std::vector<std::string>{"b"});
}
