#include "forticlient/status_text.h"

#include <catch2/catch.hpp>

using namespace fabric::forticlient;
using nlohmann::json;

TEST_CASE("status text shows quarantine, each link, the log buffer and the enforcement") {
  json e = {{"hostname", "WIN-JDOE-1"}, {"ip", "127.1.0.2"}, {"os", "windows"}, {"uid", "AB12"},
            {"quarantine", {{"state", "quarantined"}, {"since", 1764331200}, {"flow_id", "F-1"},
                            {"source", "fortigate:FGVM01TM00000001"}}},
            {"ems_serial", "FCTEMS0000012345"}, {"registered", true},
            {"fortigates_registered", {{"FGT-A", "FGVM01TM00000001"}}},
            {"links", {{"ems", {{"address", "127.0.0.20"}, {"port", 8013}, {"state", "up"}}},
                       {"fortigates", json::array({{{"name", "FGT-A"}, {"address", "127.0.0.10"},
                                                    {"port", 8013}, {"state", "up"}}})},
                       {"fortianalyzer", {{"state", "blocked: endpoint is quarantined (lines buffered on disk)"}}}}},
            {"log_buffer", {{"pending_lines", 4}, {"delivered_lines", 10}}},
            {"enforcement", {{"mode", "in-process"}}}};
  std::string s = formatEndpointStatus(e);
  CHECK(s.find("WIN-JDOE-1 127.1.0.2 windows uid AB12\n") == 0);
  auto with_serial = e;
  with_serial["serial"] = "FCT8123456789012";
  CHECK(formatEndpointStatus(with_serial).find("WIN-JDOE-1 127.1.0.2 windows uid AB12 serial FCT8123456789012\n") == 0);
  CHECK(s.find("quarantine: quarantined since 1764331200 by fortigate:FGVM01TM00000001 (flow F-1)") != std::string::npos);
  CHECK(s.find("EMS 127.0.0.20:8013: up, serial FCTEMS0000012345, registered") != std::string::npos);
  CHECK(s.find("FortiGate FGT-A 127.0.0.10:8013: up, serial FGVM01TM00000001") != std::string::npos);
  CHECK(s.find("FortiAnalyzer: blocked") != std::string::npos);
  CHECK(s.find("log buffer: 4 line(s) waiting, 10 sent") != std::string::npos);
  CHECK(s.find("enforcement: in-process") != std::string::npos);
}

TEST_CASE("status text of a bare endpoint does not throw") {
  CHECK(formatEndpointStatus(json::object()).find("quarantine: none") != std::string::npos);
  CHECK_NOTHROW(formatEndpointStatus(json{{"quarantine", 5}, {"links", {{"fortigates", 3}}}}));
}
