#pragma once
// `execute log display` text, as FortiOS/FortiAnalyzer CLIs print it: a count of matching logs,
// a count of returned logs, then each log as a numbered entry ("<n>: <log line>") separated by
// blank lines. Entry numbers continue from the page start (start-line in `execute log filter`).
//
//   600 logs found.
//   10 logs returned.
//
//   1: date=2026-11-28 time=12:00:00 devname="FGT-LAB" ...
//
//   2: date=...

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::faz {

// rows: LogSearch result rows (their "raw"); found: how many logs matched in total;
// firstNumber: the number of the first row (offset + 1).
std::string formatLogDisplay(const std::vector<nlohmann::json>& rows, int64_t found,
                             int64_t firstNumber = 1);

// The log line shown for a row: its raw text without the syslog header (<PRI>, RFC 5424, RFC 3164,
// relay prefix) and trailing CR/LF. A line with no key=value body keeps its header (minus <PRI>).
std::string displayLine(const nlohmann::json& row);

}  // namespace fabric::faz
