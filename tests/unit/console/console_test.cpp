#include <catch2/catch.hpp>
#include <iostream>
#include <sstream>

#include "common/console/console.h"
#include "common/console/local_socket.h"
#include "common/net/link.h"
#include "fortigate/schema/fortigate_schema.h"
#include "tests/support/temp_dir.h"

using namespace fabric;

namespace {

struct Daemon {
  fabric::test::TempDir tmp{"con"};
  net::EventLoop loop;
  config::Engine engine{fortigate::makeFortiGateSchema(), "FGVM01TM00000001",
                        "0123456789abcdef0123456789abcdef"};
  console::ConsoleServer server{loop, engine, tmp.path() / "console.sock"};
  Daemon() {
    loop.start();
    REQUIRE(server.start() == "");
  }
  ~Daemon() {
    server.stop();
    loop.stop();
  }
  std::filesystem::path socket() const { return tmp.path() / "console.sock"; }
  std::string save() {
    return loop.call([this] { return engine.save(); });
  }
};

// Runs the client with stdout captured.
int runClient(const console::ClientOptions& options, std::string& out) {
  std::ostringstream captured;
  auto* old = std::cout.rdbuf(captured.rdbuf());
  int rc = console::runConsoleClient(options);
  std::cout.rdbuf(old);
  out = captured.str();
  return rc;
}

}  // namespace

TEST_CASE("console: FortiOS prompts, output and return codes over the socket") {
  Daemon d;
  console::LocalSocketClient c;
  REQUIRE(c.connect(d.socket()) == "");
  CHECK((*c.request({{"type", "open"}}))["prompt"] == "FGVM01TM00000001 # ");
  auto r = *c.request({{"type", "line"}, {"text", "config system automation-trigger"}});
  CHECK(r["return_code"] == 0);
  CHECK(r["prompt"] == "FGVM01TM00000001 (automation-trigger) # ");
  CHECK(r["config_mode"] == true);
  r = *c.request({{"type", "line"}, {"text", "edit \"trigger01\""}});
  CHECK(r["prompt"] == "FGVM01TM00000001 (trigger01) # ");
  r = *c.request({{"type", "line"}, {"text", "set ioc-level extreme"}});
  CHECK(r["return_code"] != 0);
  CHECK_THAT(r["output"].get<std::string>(), Catch::EndsWith("Command fail. Return code " +
                                                            std::to_string(r["return_code"].get<int>()) + "\n"));
  r = *c.request({{"type", "line"}, {"text", "set event-type ioc"}});
  CHECK(r["return_code"] == 0);
  c.request({{"type", "line"}, {"text", "next"}});
  r = *c.request({{"type", "line"}, {"text", "end"}});
  CHECK(r["prompt"] == "FGVM01TM00000001 # ");
  CHECK(r["config_mode"] == false);
  r = *c.request({{"type", "line"}, {"text", "show system automation-trigger"}});
  CHECK_THAT(r["output"].get<std::string>(), Catch::Contains("edit \"trigger01\""));
  r = *c.request({{"type", "line"}, {"text", "bogus"}});
  CHECK(r["output"] == "Unknown action 0\nCommand fail. Return code -1\n");
  CHECK(r["return_code"] == -1);

  CHECK((*c.request({{"type", "what"}}))["type"] == "error");
  CHECK((*c.request({{"type", "line"}}))["message"] == "a line message needs a string 'text'");
  r = *c.request({{"type", "line"}, {"text", "exit"}});
  CHECK(r["exit"] == true);
  CHECK_FALSE(c.receive());
}

TEST_CASE("console: each connection has its own context; a dropped one discards its edits") {
  Daemon d;
  const std::string before = d.save();
  {
    console::LocalSocketClient a;
    REQUIRE(a.connect(d.socket()) == "");
    a.request({{"type", "line"}, {"text", "config firewall address"}});
    a.request({{"type", "line"}, {"text", "edit \"pending\""}});
    a.request({{"type", "line"}, {"text", "set subnet 10.0.0.1 255.255.255.255"}});
    console::LocalSocketClient b;
    REQUIRE(b.connect(d.socket()) == "");
    CHECK((*b.request({{"type", "open"}}))["prompt"] == "FGVM01TM00000001 # ");
  }
  // The sessions are closed on the loop; the next call runs after them.
  CHECK(d.save() == before);
}

TEST_CASE("console client: -c lines, exit status, echo, unreachable daemon") {
  Daemon d;
  std::string out;
  console::ClientOptions ok{d.socket(),
                            {"config system global", "set hostname lab-fgt", "end", "get system global"}};
  CHECK(runClient(ok, out) == 0);
  CHECK_THAT(out, Catch::StartsWith("hostname            : lab-fgt\n"));
  CHECK_THAT(d.save(), Catch::Contains("set hostname \"lab-fgt\""));

  console::ClientOptions failing{d.socket(), {"show system global", "nonsense", "show system global"}, true};
  CHECK(runClient(failing, out) == 1);
  CHECK_THAT(out, Catch::StartsWith("lab-fgt # show system global\n"));
  CHECK_THAT(out, Catch::Contains("lab-fgt # nonsense\nUnknown action 0\nCommand fail. Return code -1\n"));

  console::ClientOptions unfinished{d.socket(), {"config firewall address", "edit x"}};
  CHECK(runClient(unfinished, out) == 1);

  console::ClientOptions nobody{d.tmp.path() / "none.sock", {"show"}};
  CHECK(runClient(nobody, out) == 2);
}
