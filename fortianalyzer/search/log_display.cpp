#include "fortianalyzer/search/log_display.h"

#include "common/logfmt/syslog_header.h"

namespace fabric::faz {

std::string displayLine(const nlohmann::json& row) {
  std::string line;
  if (auto it = row.find("raw"); it != row.end() && it->is_string()) line = it->get<std::string>();
  // The log itself, as a FortiGate prints it: the syslog transport's header (RFC 5424, RFC 3164,
  // a relay's time and address) is not part of it.
  logfmt::SyslogHeader header = logfmt::parseSyslogHeader(line);
  if (header.format != logfmt::HeaderFormat::kNone && header.format != logfmt::HeaderFormat::kPriOnly &&
      header.body.find('=') != std::string_view::npos) {
    line = std::string(header.body);
  }
  if (line.size() > 2 && line[0] == '<') {
    size_t i = 1;
    while (i < line.size() && i <= 4 && line[i] >= '0' && line[i] <= '9') ++i;
    if (i > 1 && i < line.size() && line[i] == '>') line.erase(0, i + 1);
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string formatLogDisplay(const std::vector<nlohmann::json>& rows, int64_t found,
                             int64_t firstNumber) {
  std::string out = std::to_string(found) + " logs found.\n" + std::to_string(rows.size()) +
                    " logs returned.\n";
  int64_t n = firstNumber;
  for (const auto& row : rows) {
    out += "\n" + std::to_string(n++) + ": " + displayLine(row) + "\n";
  }
  return out;
}

}  // namespace fabric::faz
