#pragma once
// Writers for the log lines the nodes emit themselves.
//
// LogLineBuilder writes one FortiOS key=value line: `key="string"` for strings, `key=value` bare
// for numbers, IPs, epoch times and enum-like values, as FortiOS does. Inside quotes `"` and `\`
// are escaped as `\"` and `\\`; CR, LF and other control characters become a space so a line is
// always one line. A value requested Bare that could not be read back bare (empty, or holding a
// space, quote, backslash, '=' or control character) is written quoted instead, so every line the
// builder writes parses back to the same fields (tests/unit/logfmt round-trip).
// Keys must be [A-Za-z0-9_]+ (std::invalid_argument otherwise: keys are code, not input).
//
// appendFortiOsHeader() writes the FortiOS 7.x event header (`date time devname devid eventtime
// tz logid type subtype level vd logdesc`); appendFortiClientHeader() writes the FortiClient
// mandatory field set in FortiClient's order (`date time logver id type subtype eventtype level
// uid devid hostname pcdomain deviceip devicemac site fctver fgtserial emsserial usingpolicy os
// user msg`); the caller then adds the event's own fields and finishes a FortiClient line with
// appendFortiClientTz() (`tz` comes last in FortiClient lines).

#include <cstdint>
#include <string>
#include <string_view>

namespace fabric::logfmt {

enum class ValueStyle : std::uint8_t { kQuoted, kBare };
inline constexpr ValueStyle Quoted = ValueStyle::kQuoted;
inline constexpr ValueStyle Bare = ValueStyle::kBare;

class LogLineBuilder {
 public:
  LogLineBuilder& add(std::string_view key, std::string_view value, ValueStyle style = Quoted);
  LogLineBuilder& add(std::string_view key, const char* value, ValueStyle style = Quoted) {
    return add(key, std::string_view(value), style);
  }
  LogLineBuilder& add(std::string_view key, std::int64_t value);  // always bare
  LogLineBuilder& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }

  const std::string& line() const { return line_; }
  std::string take() { return std::move(line_); }
  void clear() { line_.clear(); }

 private:
  void appendKey(std::string_view key);
  std::string line_;
};

struct FortiOsHeader {
  std::int64_t time_ns = 0;  // UTC ns since epoch; date/time are written in the device's tz
  int tz_minutes = 0;
  std::string_view devname;
  std::string_view devid;
  std::string_view logid;  // 10 digits
  std::string_view type;
  std::string_view subtype;
  std::string_view level;
  std::string_view vd = "root";
  std::string_view logdesc;  // omitted when empty
};
void appendFortiOsHeader(LogLineBuilder& b, const FortiOsHeader& h);

struct FortiClientHeader {
  std::int64_t time_ns = 0;
  int tz_minutes = 0;
  int logver = 1;
  int id = 0;  // FortiClient log id, e.g. 96900 (traffic), 96530 (virus)
  std::string_view type;       // traffic / securityevent / event
  std::string_view subtype;    // system / av / webfilter ...
  std::string_view eventtype;
  std::string_view level = "info";
  std::string_view uid;        // 40 hex
  std::string_view devid;
  std::string_view hostname;
  std::string_view pcdomain;
  std::string_view deviceip;   // bare
  std::string_view devicemac;  // 00-11-22-33-44-55
  std::string_view site = "default";
  std::string_view fctver;
  std::string_view fgtserial = "N/A";
  std::string_view emsserial;
  std::string_view usingpolicy = "Default";
  std::string_view os;
  std::string_view user;
  std::string_view msg;
};
void appendFortiClientHeader(LogLineBuilder& b, const FortiClientHeader& h);
void appendFortiClientTz(LogLineBuilder& b, int tz_minutes);

}  // namespace fabric::logfmt
