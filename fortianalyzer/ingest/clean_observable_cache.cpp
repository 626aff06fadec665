#include "fortianalyzer/ingest/clean_observable_cache.h"

namespace fabric::faz {

CleanObservableCache::CleanObservableCache(std::size_t entries) {
  if (entries == 0) return;
  std::size_t n = 1;
  while (n < entries) n <<= 1;
  slots_.resize(n);
  mask_ = n - 1;
}

std::uint64_t CleanObservableCache::hashOf(const logfmt::Observable& o) {
  // FNV-1a over the kind and the value.
  std::uint64_t h = 1469598103934665603ULL ^ static_cast<std::uint64_t>(o.kind);
  for (unsigned char c : o.value) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool CleanObservableCache::isClean(const logfmt::Observable& o, std::uint64_t generation) const {
  if (slots_.empty()) return false;
  std::uint64_t h = hashOf(o);
  const Entry& e = slots_[h & mask_];
  bool clean = e.generation == generation && e.hash == h && e.kind == o.kind && e.value == o.value;
  (clean ? hits_ : misses_) += 1;
  return clean;
}

void CleanObservableCache::markClean(const logfmt::Observable& o, std::uint64_t generation) {
  if (slots_.empty()) return;
  std::uint64_t h = hashOf(o);
  Entry& e = slots_[h & mask_];
  e.hash = h;
  e.generation = generation;
  e.kind = o.kind;
  e.value.assign(o.value);
}

}  // namespace fabric::faz
