// CleanObservableCache: only values marked clean under the current feed generation are clean;
// kind, every byte and the length count; values too long to cache are never clean.
#include "fortianalyzer/ingest/clean_observable_cache.h"

#include <catch2/catch.hpp>

#include <string>

using fabric::faz::CleanObservableCache;
using fabric::logfmt::Observable;
using fabric::logfmt::ObservableKind;

TEST_CASE("clean observable cache: exact value, kind and generation") {
  CleanObservableCache cache(1024);
  Observable host{ObservableKind::kDomain, "www.example.com", "hostname"};
  CHECK_FALSE(cache.isClean(host, 1));
  cache.markClean(host, 1);
  CHECK(cache.isClean(host, 1));
  CHECK_FALSE(cache.isClean(host, 2));  // the feeds changed
  CHECK_FALSE(cache.isClean(Observable{ObservableKind::kUrl, "www.example.com", "url"}, 1));
  CHECK_FALSE(cache.isClean(Observable{ObservableKind::kDomain, "www.example.co", "hostname"}, 1));
  CHECK_FALSE(cache.isClean(Observable{ObservableKind::kDomain, "www.example.comm", "hostname"}, 1));
  CHECK_FALSE(cache.isClean(Observable{ObservableKind::kDomain, "www.examplE.com", "hostname"}, 1));

  // The longest cacheable value, and one byte more (never cached, so never clean).
  std::string longest(46, 'a');
  Observable fits{ObservableKind::kUrl, "https://" + longest.substr(8), "url"};
  cache.markClean(fits, 1);
  CHECK(cache.isClean(fits, 1));
  Observable tooLong{ObservableKind::kUrl, fits.value + "x", "url"};
  cache.markClean(tooLong, 1);
  CHECK_FALSE(cache.isClean(tooLong, 1));
  CHECK(cache.hits() == 2);
}

TEST_CASE("clean observable cache: a colliding value replaces the probation way, never aliases it") {
  CleanObservableCache cache(1);  // rounded up to one set of two ways: every value collides
  Observable a{ObservableKind::kIp, "10.0.0.1", "srcip"};
  Observable b{ObservableKind::kIp, "10.0.0.2", "srcip"};
  Observable c{ObservableKind::kIp, "10.0.0.3", "srcip"};
  cache.markClean(a, 1);  // way 0 was empty
  CHECK(cache.isClean(a, 1));
  CHECK_FALSE(cache.isClean(b, 1));
  cache.markClean(b, 1);  // probation way
  CHECK(cache.isClean(a, 1));
  CHECK(cache.isClean(b, 1));  // seen again: promoted, a moves to probation
  cache.markClean(c, 1);       // replaces a
  CHECK(cache.isClean(c, 1));
  CHECK(cache.isClean(b, 1));
  CHECK_FALSE(cache.isClean(a, 1));
  cache.markClean(a, 2);  // the feeds changed: outdated entries give way
  CHECK(cache.isClean(a, 2));
  CHECK_FALSE(cache.isClean(b, 2));
  CHECK_FALSE(cache.isClean(c, 2));
  // The hash from prepare() is the one isClean() uses.
  CHECK(cache.isClean(a, cache.prepare(a), 2));
  CleanObservableCache off(0);
  off.markClean(a, 1);
  CHECK_FALSE(off.isClean(a, 1));
  CHECK_FALSE(off.isClean(a, off.prepare(a), 1));
}

TEST_CASE("clean observable cache: a repeating value survives a stream of one-off values") {
  // More distinct values than the cache holds, passing through in a cycle, thrash a FIFO or LRU
  // cache; the probation way keeps the value that repeats.
  CleanObservableCache cache(2);
  Observable keep{ObservableKind::kDomain, "www.example.com", "hostname"};
  cache.markClean(keep, 1);
  for (int i = 0; i < 100; ++i) {
    Observable once{ObservableKind::kIp, "10.1.0." + std::to_string(i), "srcip"};
    CHECK_FALSE(cache.isClean(once, 1));
    cache.markClean(once, 1);
    CHECK(cache.isClean(keep, 1));
  }
}
