#pragma once
// A cache of observables known to match no loaded feed ("clean"), so that a value seen again —
// the same destination host, the same source address, the same URL, as real traffic logs repeat
// them constantly — skips normalisation and every feed probe. Only negative answers are cached:
// a value that matches anything always goes through the IoC engine. Every entry carries the feed
// generation it was computed under; changing the feeds bumps the generation, which invalidates
// every entry at once. Direct-mapped, fixed size, full value compared (no false "clean"), values of
// at most 46 bytes.
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
  static std::uint64_t hashOf(const logfmt::Observable& o);

  std::vector<Entry> slots_;
  std::uint64_t mask_ = 0;
  mutable std::uint64_t hits_ = 0;
  mutable std::uint64_t misses_ = 0;
};

}  // namespace fabric::faz
