// EMS state path, no sockets: N endpoints register (one SQLite commit each, state.db on disk,
// WAL + synchronous=FULL), then a quarantine per endpoint through the REST handler (command
// committed, sent on the link), then the command-results. Prints operations per second.
//   build/bin/bench_ems [N] [DIR]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "common/base/clock.h"
#include "ems/agent_protocol.h"
#include "ems/ems_schema.h"
#include "ems/quarantine_service.h"
#include "ems/rest_api.h"
#include "ems/session_store.h"
#include "ems/state_db.h"

using namespace fabric;
using namespace fabric::ems;

namespace {
struct NullSink : EventSink {
  void write(const std::string&) override {}
};
struct NullTransport : AgentTransport {
  std::size_t sent = 0;
  bool send(ConnId, const nlohmann::json&) override { return ++sent, true; }
  void close(ConnId, const std::string&) override {}
};
std::string uidOf(int i) {
  char buf[41];
  std::snprintf(buf, sizeof buf, "%040X", i + 1);
  return buf;
}
std::string ipOf(int i) { return "10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." + std::to_string(i & 255); }
double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 2000;
  const std::filesystem::path dir =
      argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / ("bench_ems_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  RealClock clock;
  NullSink sink;
  NullTransport transport;
  config::Engine engine(makeEmsSchema(), "FCTEMS", std::string(32, 'k'));
  auto session = engine.openSession();
  for (const char* line :
       {"config system admin", "edit \"admin\"", "set password S3cret!", "next", "end", "config system server",
        "set remote-https-access enable", "end", "config endpoint profile", "edit \"p\"", "set faz-address 10.9.0.2",
        "next", "end", "config endpoint gateway-list", "edit \"g\"", "config fortigate", "edit \"f\"",
        "set address 10.9.0.1", "next", "end", "next", "end", "config endpoint assignment-rule", "edit 1",
        "set profile \"p\"", "set gateway-list \"g\"", "next", "end"}) {
    session->execute(line);
  }
  auto db = openStateDb((dir / "state.db").string());
  EndpointRegistry registry(*db);
  CommandQueue queue(*db);
  AuditLog audit(*db);
  EmsEvents events(sink, clock, "FCTEMS", "FCTEMS0000012345");
  EmsState state{engine, registry, queue, audit, events, clock, "FCTEMS0000012345"};
  AgentProtocol agents(state, transport);
  QuarantineService quarantine(state, agents);
  SessionStore sessions(clock);
  RestApi rest(state, quarantine, sessions);

  auto t = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    agents.onOpen(i + 1, ipOf(i));
    agents.onMessage(i + 1, {{"type", "register"}, {"uid", uidOf(i)}, {"hostname", "PC-" + std::to_string(i)},
                             {"os", "windows"}, {"ip", ipOf(i)}});
  }
  const double reg = since(t);

  http::HttpRequest signin{"POST", "/api/v1/auth/signin", {}, {}, R"({"name":"admin","password":"S3cret!"})", "10.9.0.1", 1};
  std::string cookie, csrf;
  for (const auto& [k, v] : rest.handle(signin).headers) {
    auto value = v.substr(0, v.find(';'));
    cookie += value + "; ";
    if (value.rfind("csrftoken=", 0) == 0) csrf = value.substr(10);
  }
  t = std::chrono::steady_clock::now();
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    http::HttpRequest r{"POST", "/api/v1/endpoints/quarantine", {}, {{"Cookie", cookie}, {"X-CSRFToken", csrf}},
                        "{\"ip\":\"" + ipOf(i) + "\"}", "10.9.0.1", 1};
    ok += rest.handle(r).status == 200;
  }
  const double q = since(t);
  t = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    agents.onMessage(i + 1, {{"type", "command-result"}, {"id", i + 1}, {"ok", true}, {"state", "quarantined"}});
  }
  const double res = since(t);
  std::printf("endpoints %d (state.db in %s)\n", n, dir.c_str());
  std::printf("register:        %8.0f /s  (%.3f s)\n", n / reg, reg);
  std::printf("REST quarantine: %8.0f /s  (%.3f s, %d accepted, %zu messages sent)\n", n / q, q, ok, transport.sent);
  std::printf("command-result:  %8.0f /s  (%.3f s)\n", n / res, res);
  std::filesystem::remove_all(dir);
  return ok == n ? 0 : 1;
}
