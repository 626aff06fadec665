#pragma once
// Command line of `ems` (parsed once with CLI11 into this struct):
//   ems --home DIR [--listen ADDR] [--https-port N] [--fct-port N]   the daemon
//   ems cli --home DIR [-c LINE]... [--echo]                          the local console client

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace fabric::ems {

struct DaemonOptions {
  std::string home;
  std::string listen;             // "" = `config system server` listen-ip
  std::optional<int> https_port;  // overrides `https-port`; 0 = any free port
  std::optional<int> fct_port;    // overrides `fct-port`; 0 = any free port
};

struct CliOptions {
  std::string home;
  std::vector<std::string> lines;
  bool echo = false;
};

struct ParsedCommandLine {
  std::variant<DaemonOptions, CliOptions> options;
  int exit_code = -1;  // >= 0: exit at once with this status (help shown, or a usage error)
};

ParsedCommandLine parseCommandLine(int argc, char** argv);

}  // namespace fabric::ems
