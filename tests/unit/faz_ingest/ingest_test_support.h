#pragma once
// Helpers shared by the faz_ingest tests.

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/temp_dir.h"

namespace fabric::faz::test {

using fabric::test::TempDir;

// A FortiGate webfilter line as gen-fgt-logs.py writes it, with a chosen session id and host.
inline std::string fgtLine(int session, const std::string& host = "www.example.com",
                           const std::string& devid = "FGVM01TM00000001",
                           const std::string& srcip = "10.0.0.5") {
  return "date=2026-11-28 time=12:00:00 devname=\"FGT-LAB\" devid=\"" + devid +
         "\" eventtime=" + std::to_string(1764331200000000000LL + session) +
         " tz=\"+0000\" logid=\"0316013056\" type=\"utm\" subtype=\"webfilter\" "
         "eventtype=\"ftgd_allow\" level=\"notice\" vd=\"root\" policyid=1 sessionid=" +
         std::to_string(session) + " srcip=" + srcip +
         " srcport=40000 dstip=93.184.216.34 dstport=443 service=\"HTTPS\" hostname=\"" + host +
         "\" action=\"passthrough\" url=\"https://" + host + "/path/1\" msg=\"URL belongs to an "
         "allowed category in policy\" cat=52 catdesc=\"Information Technology\"";
}

// Polls `cond` until true or ~30 s pass (a condition wait, never a fixed sleep).
template <typename Cond>
bool eventually(Cond cond) {
  for (int i = 0; i < 30000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return cond();
}

}  // namespace fabric::faz::test
