#pragma once
// Command line of build/bin/fortigate, parsed once (CLI11) into a plain struct:
//   fortigate --home DIR [--listen ADDR]            run the daemon
//   fortigate cli --home DIR [-c LINE]... [--echo]  console client of the daemon running in DIR

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fabric::fortigate {

struct DaemonOptions {
  enum class Mode { kDaemon, kCli };
  Mode mode = Mode::kDaemon;
  std::filesystem::path home;
  std::string listen = "127.0.0.1";  // HTTPS on system global admin-sport of this address
  std::vector<std::string> lines;    // cli -c
  bool echo = false;                 // cli: print "<prompt><line>" before each output
};

// The options, or nullopt after printing help/errors; `exit_code` is then what main returns.
std::optional<DaemonOptions> parseCommandLine(int argc, char** argv, int& exit_code);

}  // namespace fabric::fortigate
