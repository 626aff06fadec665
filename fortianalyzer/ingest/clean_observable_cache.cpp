#include "fortianalyzer/ingest/clean_observable_cache.h"

#include <cstring>
#include <utility>

namespace fabric::faz {

CleanObservableCache::CleanObservableCache(std::size_t entries) {
  if (entries == 0) return;
  std::size_t n = kWays;
  while (n < entries) n <<= 1;
  slots_.resize(n);
  setMask_ = n / kWays - 1;
}

std::uint64_t CleanObservableCache::hashOf(const logfmt::Observable& o) {
  // Eight bytes at a time (the byte-at-a-time FNV-1a it replaces was ~15 % of the parse thread):
  // multiply-xorshift per word, then a final avalanche. In memory only, so free to change.
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = (static_cast<std::uint64_t>(o.kind) + 1) * kMul ^ o.value.size();
  const char* p = o.value.data();
  std::size_t n = o.value.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

std::uint64_t CleanObservableCache::prepare(const logfmt::Observable& o) const {
  std::uint64_t h = hashOf(o);
  if (!slots_.empty() && o.value.size() <= kMaxValue) {
    const Entry* set = setOf(h);
    __builtin_prefetch(set);
    __builtin_prefetch(set + 1);
  }
  return h;
}

bool CleanObservableCache::same(const Entry& e, const logfmt::Observable& o, std::uint64_t hash,
                                std::uint64_t generation) {
  return e.generation == generation && e.hash == hash &&
         e.kind == static_cast<std::uint8_t>(o.kind) && e.size == o.value.size() &&
         std::memcmp(e.value, o.value.data(), e.size) == 0;
}

bool CleanObservableCache::isClean(const logfmt::Observable& o, std::uint64_t hash,
                                   std::uint64_t generation) {
  if (slots_.empty() || o.value.size() > kMaxValue) return false;
  Entry* set = slots_.data() + (hash & setMask_) * kWays;
  bool clean = same(set[0], o, hash, generation);
  if (!clean && same(set[1], o, hash, generation)) {
    // Seen again while in the probation way: it earns way 0 (the entry there moves to way 1).
    std::swap(set[0], set[1]);
    clean = true;
  }
  (clean ? hits_ : misses_) += 1;
  return clean;
}

void CleanObservableCache::markClean(const logfmt::Observable& o, std::uint64_t hash,
                                     std::uint64_t generation) {
  if (slots_.empty() || o.value.size() > kMaxValue) return;
  Entry* set = slots_.data() + (hash & setMask_) * kWays;
  // A new value goes to way 0 only when that way is empty or outdated; otherwise it replaces the
  // probation way 1 and must be seen again to stay. A set keeps a value that repeats even when
  // more values than the cache holds pass through in a cycle (what thrashes FIFO or LRU).
  Entry* e = set[0].generation == generation ? &set[1] : &set[0];
  e->hash = hash;
  e->generation = generation;
  e->kind = static_cast<std::uint8_t>(o.kind);
  e->size = static_cast<std::uint8_t>(o.value.size());
  std::memcpy(e->value, o.value.data(), o.value.size());
}

}  // namespace fabric::faz
