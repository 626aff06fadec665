#pragma once
// The clock seam (Envoy's TimeSource): everything that waits, retries, throttles or stamps time
// takes a Clock&, so tests drive time with ManualClock instead of sleeping.

#include <chrono>
#include <mutex>

namespace fabric {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for log timestamps (date=, time=, eventtime=).
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Monotonic time, for intervals, timeouts and throttles.
  virtual std::chrono::steady_clock::time_point monotonic() const = 0;
};

class RealClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point monotonic() const override;
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start =
                           std::chrono::system_clock::time_point(std::chrono::seconds(1764331200)));
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point monotonic() const override;
  void advance(std::chrono::nanoseconds by);

 private:
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point mono_;
};

}  // namespace fabric
