#pragma once
// "2026-11-28 06:00:00" in the device's time zone, for diagnose output.

#include <chrono>
#include <string>

namespace fabric::fortigate {

std::string deviceTimeText(std::chrono::system_clock::time_point t, int tz_minutes);

}  // namespace fabric::fortigate
