#pragma once
// Time fields of FortiOS logs and syslog headers, converted to nanoseconds since the Unix epoch
// (UTC). Pure functions; no locale, no time zone database.

#include <cstdint>
#include <string>
#include <string_view>

namespace fabric::logfmt {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(int year, unsigned month, unsigned day);
void civilFromDays(std::int64_t days, int& year, unsigned& month, unsigned& day);

// `eventtime`: 10 digits = seconds (FortiOS 6.0/6.2), 13 = ms, 16 = us, 19 = ns (6.4+).
bool parseEventTime(std::string_view digits, std::int64_t& ns);
// `date=YYYY-MM-DD` + `time=HH:MM:SS` as wall-clock time; returns ns as if that wall time were UTC.
bool parseDateTime(std::string_view date, std::string_view time, std::int64_t& ns);
// Device offset `+0200` / `-0800` / `+02:00`, FortiAnalyzer style `UTC+2:00` / `UTC-5:00`, `UTC`,
// `Z`; minutes east of UTC.
bool parseTzOffset(std::string_view tz, int& minutes);
// RFC 3339 / RFC 5424 timestamp: `2022-11-14T06:54:03Z`, `2026-04-03T00:31:09.976660+00:00`.
bool parseRfc3339(std::string_view ts, std::int64_t& ns);
// RFC 3164 timestamp `Nov 28 12:00:00` / `Nov  8 12:00:00`; the year is not in the header and is
// taken from `year`. Interpreted as UTC.
bool parseRfc3164Time(std::string_view ts, int year, std::int64_t& ns);

// `date` (YYYY-MM-DD) and `time` (HH:MM:SS) of `ns` shifted by `tz_minutes`.
void formatDateTime(std::int64_t ns, int tz_minutes, std::string& date, std::string& time);
// `+0200` style offset.
std::string formatTzOffset(int tz_minutes);
int yearOf(std::int64_t ns);

}  // namespace fabric::logfmt
