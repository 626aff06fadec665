#pragma once
// Helpers shared by the faz_store tests: a temporary directory and realistic records.

// The tests build options and log specs with C++20 designated initializers, naming only what a
// test cares about; GCC 12's -Wextra flags every omitted member, which is the point here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <string>

#include "fortianalyzer/store/log_record.h"
#include "tests/support/temp_dir.h"

namespace fabric::faz::test {

using fabric::test::TempDir;

struct LogSpec {
  int64_t time_ns = 1764331200000000000;
  std::string devid = "FGVM01TM00000001";
  std::string devname = "FGT-LAB";
  std::string type = "utm";
  std::string subtype = "webfilter";
  std::string srcip = "10.0.0.5";
  std::string dstip = "93.184.216.34";
  std::string hostname = "www.example.com";
  std::string uid;
  std::string flow;
  std::string action = "passthrough";
  int sessionid = 1000;
};

// A FortiOS key=value record, with its fields as a parser would hand them over.
inline LogToStore makeLog(const LogSpec& s) {
  LogToStore r;
  auto add = [&](const std::string& k, const std::string& v, bool quoted) {
    if (v.empty()) return;
    if (!r.raw.empty()) r.raw += ' ';
    r.raw += k + "=" + (quoted ? "\"" + v + "\"" : v);
    r.fields.emplace_back(k, v);
  };
  add("date", "2026-11-28", false);
  add("devname", s.devname, true);
  add("devid", s.devid, true);
  add("eventtime", std::to_string(s.time_ns), false);
  std::string logid = s.type == "event" ? "0100046600" : "0316013056";
  add("logid", logid, true);
  add("type", s.type, true);
  add("subtype", s.subtype, true);
  add("level", "notice", true);
  add("sessionid", std::to_string(s.sessionid), false);
  add("srcip", s.srcip, false);
  add("dstip", s.dstip, false);
  add("hostname", s.hostname, true);
  add("action", s.action, true);
  add("fctuid", s.uid, true);
  add("flowid", s.flow, true);
  r.time_ns = s.time_ns;
  r.received_ns = s.time_ns + 1000;
  r.devid = s.devid;
  r.devname = s.devname;
  r.logid = logid;
  r.type = s.type;
  r.subtype = s.subtype;
  r.level = "notice";
  r.srcip = s.srcip;
  r.dstip = s.dstip;
  r.hostname = s.hostname;
  r.endpoint_uid = s.uid;
  r.flow_id = s.flow;
  r.source_addr = "127.0.1.1";
  return r;
}

}  // namespace fabric::faz::test
