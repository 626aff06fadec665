#include "common/logfmt/log_time.h"

#include <array>
#include <cstdint>
#include <cstdio>

namespace fabric::logfmt {
namespace {

constexpr std::int64_t kNsPerSec = 1'000'000'000;

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Nanoseconds since 1970 in an int64 end in April 2262; later dates are refused, not wrapped.
bool validDate(int y, int m, int d) { return y >= 1970 && y <= 2261 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }
bool validTime(int h, int mi, int s) { return h <= 23 && mi <= 59 && s <= 60; }

std::int64_t toNs(int y, int mo, int d, int h, int mi, int s) {
  std::int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60 * kNsPerSec + static_cast<std::int64_t>(s) * kNsPerSec;
}

}  // namespace

std::int64_t daysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civilFromDays(std::int64_t z, int& year, unsigned& month, unsigned& day) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
}

bool parseEventTime(std::string_view s, std::int64_t& ns) {
  std::uint64_t v = 0;  // 19 digits fit in uint64
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  std::uint64_t scale;
  switch (s.size()) {
    case 10: scale = kNsPerSec; break;
    case 13: scale = 1'000'000; break;
    case 16: scale = 1'000; break;
    case 19: scale = 1; break;
    default: return false;
  }
  constexpr std::uint64_t kMax = static_cast<std::uint64_t>(INT64_MAX);
  if (v > kMax / scale) return false;  // beyond 2262: refused, not wrapped
  ns = static_cast<std::int64_t>(v * scale);
  return true;
}

bool parseDateTime(std::string_view date, std::string_view time, std::int64_t& ns) {
  int y, mo, d, h, mi, s;
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  if (time.size() != 8 || time[2] != ':' || time[5] != ':') return false;
  if (!digits(date, 0, 4, y) || !digits(date, 5, 2, mo) || !digits(date, 8, 2, d)) return false;
  if (!digits(time, 0, 2, h) || !digits(time, 3, 2, mi) || !digits(time, 6, 2, s)) return false;
  if (!validDate(y, mo, d) || !validTime(h, mi, s)) return false;
  ns = toNs(y, mo, d, h, mi, s);
  return true;
}

bool parseTzOffset(std::string_view tz, int& minutes) {
  if (tz == "Z" || tz == "UTC" || tz == "GMT") {
    minutes = 0;
    return true;
  }
  if (tz.substr(0, 3) == "UTC" || tz.substr(0, 3) == "GMT") {
    // FortiAnalyzer style: UTC+2:00, UTC-5:00, UTC+5:30
    tz.remove_prefix(3);
    if (tz.empty() || (tz[0] != '+' && tz[0] != '-')) return false;
    int sign = tz[0] == '-' ? -1 : 1;
    std::size_t colon = tz.find(':');
    int h = 0, m = 0;
    std::string_view hs = tz.substr(1, colon == std::string_view::npos ? std::string_view::npos : colon - 1);
    if (hs.empty() || hs.size() > 2 || !digits(hs, 0, hs.size(), h)) return false;
    if (colon != std::string_view::npos && (tz.size() != colon + 3 || !digits(tz, colon + 1, 2, m))) return false;
    if (h > 14 || m > 59) return false;
    minutes = sign * (h * 60 + m);
    return true;
  }
  if (tz.empty() || (tz[0] != '+' && tz[0] != '-')) return false;
  int sign = tz[0] == '-' ? -1 : 1;
  int h, m;
  if (tz.size() == 5 && digits(tz, 1, 2, h) && digits(tz, 3, 2, m)) {
  } else if (tz.size() == 6 && tz[3] == ':' && digits(tz, 1, 2, h) && digits(tz, 4, 2, m)) {
  } else {
    return false;
  }
  if (h > 14 || m > 59) return false;
  minutes = sign * (h * 60 + m);
  return true;
}

bool parseRfc3339(std::string_view ts, std::int64_t& ns) {
  int y, mo, d, h, mi, s;
  if (ts.size() < 20 || ts[4] != '-' || ts[7] != '-' || (ts[10] != 'T' && ts[10] != 't' && ts[10] != ' ') ||
      ts[13] != ':' || ts[16] != ':') {
    return false;
  }
  if (!digits(ts, 0, 4, y) || !digits(ts, 5, 2, mo) || !digits(ts, 8, 2, d) || !digits(ts, 11, 2, h) ||
      !digits(ts, 14, 2, mi) || !digits(ts, 17, 2, s)) {
    return false;
  }
  if (!validDate(y, mo, d) || !validTime(h, mi, s)) return false;
  std::size_t i = 19;
  std::int64_t frac = 0;
  if (i < ts.size() && ts[i] == '.') {
    ++i;
    std::int64_t scale = 100'000'000;
    std::size_t start = i;
    while (i < ts.size() && ts[i] >= '0' && ts[i] <= '9') {
      if (scale > 0) {
        frac += (ts[i] - '0') * scale;
        scale /= 10;
      }
      ++i;
    }
    if (i == start) return false;
  }
  int offset = 0;
  std::string_view zone = ts.substr(i);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.empty() || (zone[0] != '+' && zone[0] != '-') || !parseTzOffset(zone, offset)) {
    return false;
  }
  ns = toNs(y, mo, d, h, mi, s) + frac - static_cast<std::int64_t>(offset) * 60 * kNsPerSec;
  return true;
}

bool parseRfc3164Time(std::string_view ts, int year, std::int64_t& ns) {
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (ts.size() != 15 || ts[3] != ' ' || ts[6] != ' ' || ts[9] != ':' || ts[12] != ':') return false;
  int mo = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (ts.substr(0, 3) == kMonths[i]) mo = static_cast<int>(i) + 1;
  }
  if (mo == 0) return false;
  int d, h, mi, s;
  if (ts[4] == ' ') {
    if (!digits(ts, 5, 1, d)) return false;
  } else if (!digits(ts, 4, 2, d)) {
    return false;
  }
  if (!digits(ts, 7, 2, h) || !digits(ts, 10, 2, mi) || !digits(ts, 13, 2, s)) return false;
  if (!validDate(year, mo, d) || !validTime(h, mi, s)) return false;
  ns = toNs(year, mo, d, h, mi, s);
  return true;
}

void formatDateTime(std::int64_t ns, int tz_minutes, std::string& date, std::string& time) {
  std::int64_t secs = ns / kNsPerSec;
  if (ns % kNsPerSec < 0) --secs;
  secs += static_cast<std::int64_t>(tz_minutes) * 60;
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  date = buf;
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  time = buf;
}

std::string formatTzOffset(int tz_minutes) {
  char buf[8];
  int a = tz_minutes < 0 ? -tz_minutes : tz_minutes;
  std::snprintf(buf, sizeof buf, "%c%02d%02d", tz_minutes < 0 ? '-' : '+', a / 60 % 100, a % 60);
  return buf;
}

int yearOf(std::int64_t ns) {
  std::int64_t days = ns / kNsPerSec / 86400;
  if (ns < 0) --days;
  int y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  return y;
}

}  // namespace fabric::logfmt
