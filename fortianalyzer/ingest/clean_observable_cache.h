#pragma once
// A cache of observables known to match no loaded feed ("clean"), so that a value seen again —
// the same destination host, the same source address, the same URL, as real traffic logs repeat
// them constantly — skips normalisation and every feed probe. Only negative answers are cached:
// a value that matches anything always goes through the IoC engine. Every entry carries the feed
// generation it was computed under; changing the feeds bumps the generation, which invalidates
// every entry at once. Direct-mapped, fixed size, full value compared (no false "clean").
// Used by one thread (the ingest parse thread); not thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/logfmt/observable.h"

namespace fabric::faz {

class CleanObservableCache {
 public:
  // `entries` is rounded up to a power of two; 0 disables the cache.
  explicit CleanObservableCache(std::size_t entries);

  bool isClean(const logfmt::Observable& o, std::uint64_t generation) const;
  void markClean(const logfmt::Observable& o, std::uint64_t generation);

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::uint64_t generation = 0;  // 0 = empty (generations start at 1)
    logfmt::ObservableKind kind = logfmt::ObservableKind::kDomain;
    std::string value;
  };
  static std::uint64_t hashOf(const logfmt::Observable& o);

  std::vector<Entry> slots_;
  std::uint64_t mask_ = 0;
  mutable std::uint64_t hits_ = 0;
  mutable std::uint64_t misses_ = 0;
};

}  // namespace fabric::faz
