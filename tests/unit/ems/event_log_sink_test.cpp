// Where the EMS's event lines go, without sockets: `config log fortianalyzer setting` read from the
// configuration, DIR/event.log always, the FortiAnalyzer buffer only while shipping is on.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/logship/disk_log_buffer.h"
#include "ems/event_log_sink.h"
#include "ems_fixture.h"

using namespace fabric;
using namespace fabric::ems;
using namespace fabric::ems::test;
namespace fs = std::filesystem;

namespace {

struct Lines : logship::LogSink {
  std::vector<std::string> lines;
  std::string fail;
  std::string append(const std::vector<std::string>& batch) override {
    if (!fail.empty()) return fail;
    lines.insert(lines.end(), batch.begin(), batch.end());
    return {};
  }
};

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("ems-sink-" + std::to_string(::getpid()));
  TempDir() { fs::remove_all(path), fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

config::LineResult run(config::Engine& engine, const std::vector<std::string>& lines) {
  auto session = engine.openSession();
  config::LineResult last;
  for (const auto& l : lines) {
    last = session->execute(l);
    if (!last.ok()) return last;
  }
  return last;
}

}  // namespace

TEST_CASE("log fortianalyzer setting: off as shipped, on once enabled with a server", "[ems][events]") {
  config::Engine engine(makeEmsSchema(), "FCTEMS", kKey);
  CHECK(analyzerSetting(engine) == AnalyzerSetting{false, "0.0.0.0", 6514});

  REQUIRE(run(engine, {"config log fortianalyzer setting", "set status enable", "end"}).ok());
  CHECK_FALSE(analyzerSetting(engine).enabled);  // no server yet

  REQUIRE(run(engine, {"config log fortianalyzer setting", "set server 127.0.1.2", "set port 7514", "end"}).ok());
  CHECK(analyzerSetting(engine) == AnalyzerSetting{true, "127.0.1.2", 7514});

  REQUIRE(run(engine, {"config log fortianalyzer setting", "set status disable", "end"}).ok());
  CHECK_FALSE(analyzerSetting(engine).enabled);

  // Bad values are refused by the schema and change nothing.
  CHECK_FALSE(run(engine, {"config log fortianalyzer setting", "set port 70000"}).ok());
  CHECK_FALSE(run(engine, {"config log fortianalyzer setting", "set server faz.example"}).ok());
  CHECK_FALSE(run(engine, {"config log fortianalyzer setting", "set status maybe"}).ok());
  CHECK(analyzerSetting(engine) == AnalyzerSetting{false, "127.0.1.2", 7514});
  CHECK(engine.save().find("config log fortianalyzer setting") != std::string::npos);
}

TEST_CASE("event lines always reach event.log, and the analyzer buffer only while shipping", "[ems][events]") {
  TempDir dir;
  Lines buffer;
  int wakes = 0;
  EventLogSink sink(dir.path / "event.log", buffer, [&] { ++wakes; });
  sink.write("logid=\"0109045001\" a=1");
  CHECK(sink.flush() == 0);
  CHECK(buffer.lines.empty());
  CHECK(wakes == 0);

  // A burst wakes the owner once and goes to the buffer as one batch at flush().
  sink.setShipping(true);
  sink.write("logid=\"0109045010\" flowid=\"F-1\"");
  sink.write("logid=\"0109045012\" flowid=\"F-1\"");
  CHECK(wakes == 1);
  CHECK(sink.queuedLines() == 2);
  CHECK(buffer.lines.empty());
  CHECK(sink.flush() == 2);
  CHECK(buffer.lines == std::vector<std::string>{"logid=\"0109045010\" flowid=\"F-1\"", "logid=\"0109045012\" flowid=\"F-1\""});
  CHECK(sink.queuedLines() == 0);

  // A refused batch is counted with its reason; the next burst wakes the owner again.
  buffer.fail = "log buffer full";
  sink.write("logid=\"0109045013\" flowid=\"F-1\"");
  CHECK(wakes == 2);
  CHECK(sink.flush() == 0);
  CHECK(sink.refusedLines() == 1);
  CHECK(sink.lastError() == "log buffer full");

  CHECK(slurp(dir.path / "event.log") ==
        "logid=\"0109045001\" a=1\nlogid=\"0109045010\" flowid=\"F-1\"\nlogid=\"0109045012\" flowid=\"F-1\"\n"
        "logid=\"0109045013\" flowid=\"F-1\"\n");
}

TEST_CASE("EMS events written through the sink land in the disk buffer in order, durably", "[ems][events]") {
  TempDir dir;
  {
    logship::DiskLogBuffer buffer(dir.path / "logbuf");
    EventLogSink sink(dir.path / "event.log", buffer, {});
    sink.setShipping(true);
    ManualClock clock;
    EmsEvents events(sink, clock, "EMS-1", kSerial);
    events.log(logid::kCommandSent, "information", "Command sent to FortiClient", {{"fctuid", kUid1}}, "F-20261129-000001-abcd");
    events.log(logid::kCommandResult, "information", "FortiClient completed a command", {{"fctuid", kUid1}},
               "F-20261129-000001-abcd");
    CHECK(sink.flush() == 2);
  }
  logship::DiskLogBuffer reopened(dir.path / "logbuf");  // as after a restart
  auto batch = reopened.peek(10, 1 << 20);
  REQUIRE(batch.lines.size() == 2);
  CHECK(batch.lines[0].find("logid=\"0109045012\"") != std::string::npos);
  CHECK(batch.lines[1].find("logid=\"0109045013\"") != std::string::npos);
  for (const auto& l : batch.lines) {
    CHECK(l.find("devid=\"" + kSerial + "\"") != std::string::npos);
    CHECK(l.find("flowid=\"F-20261129-000001-abcd\"") != std::string::npos);
  }
}
