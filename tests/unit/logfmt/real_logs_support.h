#pragma once
// The published sample lines (testdata/real-logs, see SOURCES.md) for the logfmt tests: where they
// are, their records as the syslog decoder cuts them, and a record's observables as one string.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "common/logfmt/syslog_frame_decoder.h"

namespace fabric::logfmt::test {

// FABRIC_SHARED_DIR (the build's ../shared); the environment variable of the same name overrides it
// (a git worktree outside /work has no ../shared next to it).
inline std::filesystem::path sharedDir() {
  const char* env = std::getenv("FABRIC_SHARED_DIR");
  return std::filesystem::path(env && *env ? env : FABRIC_SHARED_DIR);
}
inline const std::filesystem::path kDir = sharedDir() / "testdata" / "real-logs";

inline std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The records of a sample file, cut by the syslog decoder (auto-detected framing), fed in chunks.
inline std::vector<std::string> records(const std::string& file, std::size_t chunk = 4096) {
  std::string content = readFile(kDir / file);
  SyslogFrameDecoder d;
  std::vector<std::string> out;
  auto onMsg = [&](std::string_view m) { out.emplace_back(m); };
  auto onErr = [&](const FrameError& e) { FAIL(file << ": framing error " << e.reason); };
  for (std::size_t i = 0; i < content.size(); i += chunk) {
    REQUIRE(d.feed(std::string_view(content).substr(i, chunk), onMsg, onErr));
  }
  REQUIRE(d.finish(onMsg, onErr));
  CHECK(d.framing() == Framing::kNewline);
  return out;
}

inline std::string observables(const LogRecord& r) {
  std::vector<Observable> obs;
  extractObservables(r, obs);
  std::string out;
  for (const Observable& o : obs) {
    if (!out.empty()) out += ' ';
    out += std::string(toString(o.kind)) + ":" + std::string(o.field) + "=" + o.value;
  }
  return out;
}


}  // namespace fabric::logfmt::test
