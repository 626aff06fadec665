#pragma once
// The processes a lab test started, found by what they were given: every live process (other than
// the test itself) with a command-line argument inside a lab directory (the daemons get
// --home DIR/nodes/<node>). Tests assert this is empty after `down`, a failure or Ctrl-C.

#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenarios/lab/process.h"

namespace fabric::test {

inline std::vector<pid_t> processesNaming(const std::filesystem::path& dir) {
  std::vector<pid_t> out;
  const std::string prefix = std::filesystem::absolute(dir).string() + "/";
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == ::getpid() || !fabric::lab::processAlive(pid)) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string arg;
    while (std::getline(in, arg, '\0')) {
      if (arg.rfind(prefix, 0) == 0) {
        out.push_back(pid);
        break;
      }
    }
  }
  return out;
}

}  // namespace fabric::test
