#include "common/base/clock.h"

namespace fabric {

std::chrono::system_clock::time_point RealClock::now() const {
  return std::chrono::system_clock::now();
}
std::chrono::steady_clock::time_point RealClock::monotonic() const {
  return std::chrono::steady_clock::now();
}

ManualClock::ManualClock(std::chrono::system_clock::time_point start) : wall_(start) {}

std::chrono::system_clock::time_point ManualClock::now() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return wall_;
}
std::chrono::steady_clock::time_point ManualClock::monotonic() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return mono_;
}
void ManualClock::advance(std::chrono::nanoseconds by) {
  std::lock_guard<std::mutex> lock(mutex_);
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(by);
  mono_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(by);
}

}  // namespace fabric
