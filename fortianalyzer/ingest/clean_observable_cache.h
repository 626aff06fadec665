#pragma once
// A cache of observables known to match no loaded feed ("clean"), so that a value seen again —
// the same destination host, the same source address, the same URL, as real traffic logs repeat
// them constantly — skips normalisation and every feed probe. Only negative answers are cached:
// a value that matches anything always goes through the IoC engine. Every entry carries the feed
// generation it was computed under; changing the feeds bumps the generation, which invalidates
// every entry at once. Two-way set associative (a new value replaces the older of its set), fixed
// size, full value compared (no false "clean"), values of at most 46 bytes.
// Used by one thread (the ingest parse thread); not thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/base/huge_page_allocator.h"
#include "common/logfmt/observable.h"

namespace fabric::faz {

class CleanObservableCache {
 public:
  // `entries` is rounded up to a power of two (at least 2: one set); 0 disables the cache.
  explicit CleanObservableCache(std::size_t entries);

  // The value's hash, with its set's cache lines prefetched: call it for every observable of a log
  // before the first isClean() so that the memory accesses overlap instead of queueing.
  std::uint64_t prepare(const logfmt::Observable& o) const;

  // Not const: a hit in the probation way promotes the entry.
  bool isClean(const logfmt::Observable& o, std::uint64_t hash, std::uint64_t generation);
  void markClean(const logfmt::Observable& o, std::uint64_t hash, std::uint64_t generation);
  bool isClean(const logfmt::Observable& o, std::uint64_t generation) {
    return isClean(o, hashOf(o), generation);
  }
  void markClean(const logfmt::Observable& o, std::uint64_t generation) {
    markClean(o, hashOf(o), generation);
  }

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

  static std::uint64_t hashOf(const logfmt::Observable& o);

 private:
  // One cache line, the value inline: a probe costs one memory access (the std::string entry it
  // replaces cost a second one, into the heap, for every value longer than 15 bytes). Values
  // longer than kMaxValue are never cached (they always go to the IoC engine).
  static constexpr std::size_t kMaxValue = 46;
  struct alignas(64) Entry {
    std::uint64_t hash = 0;
    std::uint64_t generation = 0;  // 0 = empty (generations start at 1)
    std::uint8_t kind = 0;  // logfmt::ObservableKind
    std::uint8_t size = 0;
    char value[kMaxValue] = {};
  };
  static_assert(sizeof(Entry) == 64);
  // Two ways per set: with a direct-mapped table, values whose number approaches the table size
  // (a site's source addresses) kept evicting each other (2026-11-29: 63 % of a repeated source
  // address missed at 66,000 distinct values in 65,536 entries).
  static constexpr std::size_t kWays = 2;
  const Entry* setOf(std::uint64_t hash) const { return slots_.data() + (hash & setMask_) * kWays; }
  static bool same(const Entry& e, const logfmt::Observable& o, std::uint64_t hash,
                   std::uint64_t generation);

  std::vector<Entry, HugePageAllocator<Entry>> slots_;  // probed at random: huge pages spare the TLB
  std::uint64_t setMask_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace fabric::faz
