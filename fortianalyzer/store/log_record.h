#pragma once
// The record the FortiAnalyzer hands to its log store: the normalised header of one log line, the
// parsed key/value pairs (for search on fields that have no column), and the raw line as received.
// Defined here, not in common/logfmt, so the store does not depend on the parser: the daemon maps
// the parser's output into this struct.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fabric::faz {

// Log ids are assigned by LogStore::append() in arrival order, strictly increasing, never reused.
using LogId = int64_t;

struct LogToStore {
  int64_t time_ns = 0;      // the log's own time (eventtime / date+time), UTC nanoseconds
  int64_t received_ns = 0;  // when the analyzer received it
  std::string devid;        // device serial (FGVM…, FCT…); empty when the line has none
  std::string devname;
  std::string logid;        // 10-digit FortiOS log id, or the FortiClient numeric id
  std::string type;
  std::string subtype;
  std::string level;
  std::string srcip;         // the endpoint address: srcip, or deviceip for FortiClient logs
  std::string dstip;
  std::string endpoint_uid;  // FortiClient uid / fctuid
  std::string hostname;
  std::string raw;           // the line as received (framing removed)
  std::string source_addr;   // the peer address the line came from
  bool registered_device = false;  // the sender authenticated as a known device (FortiGate link)
  std::string flow_id;       // the quarantine flow the log belongs to (field `flowid`)
  // Every key=value of the line, in line order (duplicates allowed), values unquoted.
  std::vector<std::pair<std::string, std::string>> fields;
};

}  // namespace fabric::faz
