#include "common/logfmt/log_line_builder.h"

#include <stdexcept>

#include "common/logfmt/log_time.h"

namespace fabric::logfmt {
namespace {

bool validKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

bool bareSafe(std::string_view v) {
  if (v.empty() || v.front() == '"') return false;
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '\\' || c == '=' || c == ',') return false;
  }
  return true;
}

}  // namespace

void LogLineBuilder::appendKey(std::string_view key) {
  if (!validKey(key)) throw std::invalid_argument("invalid log field name '" + std::string(key) + "'");
  if (!line_.empty()) line_.push_back(' ');
  line_.append(key);
  line_.push_back('=');
}

LogLineBuilder& LogLineBuilder::add(std::string_view key, std::string_view value, ValueStyle style) {
  appendKey(key);
  if (style == Bare && bareSafe(value)) {
    line_.append(value);
    return *this;
  }
  line_.push_back('"');
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      line_.push_back('\\');
      line_.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      line_.push_back(' ');
    } else {
      line_.push_back(c);
    }
  }
  line_.push_back('"');
  return *this;
}

LogLineBuilder& LogLineBuilder::add(std::string_view key, std::int64_t value) {
  appendKey(key);
  line_.append(std::to_string(value));
  return *this;
}

void appendFortiOsHeader(LogLineBuilder& b, const FortiOsHeader& h) {
  std::string date, time;
  formatDateTime(h.time_ns, h.tz_minutes, date, time);
  b.add("date", date, Bare)
      .add("time", time, Bare)
      .add("devname", h.devname)
      .add("devid", h.devid)
      .add("eventtime", h.time_ns)
      .add("tz", formatTzOffset(h.tz_minutes))
      .add("logid", h.logid)
      .add("type", h.type)
      .add("subtype", h.subtype)
      .add("level", h.level)
      .add("vd", h.vd);
  if (!h.logdesc.empty()) b.add("logdesc", h.logdesc);
}

void appendFortiClientHeader(LogLineBuilder& b, const FortiClientHeader& h) {
  std::string date, time;
  formatDateTime(h.time_ns, h.tz_minutes, date, time);
  b.add("date", date)
      .add("time", time)
      .add("logver", h.logver)
      .add("id", h.id)
      .add("type", h.type)
      .add("subtype", h.subtype)
      .add("eventtype", h.eventtype)
      .add("level", h.level)
      .add("uid", h.uid)
      .add("devid", h.devid)
      .add("hostname", h.hostname)
      .add("pcdomain", h.pcdomain)
      .add("deviceip", h.deviceip, Bare)
      .add("devicemac", h.devicemac)
      .add("site", h.site)
      .add("fctver", h.fctver)
      .add("fgtserial", h.fgtserial)
      .add("emsserial", h.emsserial)
      .add("usingpolicy", h.usingpolicy)
      .add("os", h.os)
      .add("user", h.user)
      .add("msg", h.msg);
}

void appendFortiClientTz(LogLineBuilder& b, int tz_minutes) { b.add("tz", formatTzOffset(tz_minutes)); }

}  // namespace fabric::logfmt
