#pragma once
// A complete EMS without sockets for the fuzz targets: lab configuration, one online endpoint, a
// signed-in admin session. Built once per process.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "ems/agent_protocol.h"
#include "ems/console_commands.h"
#include "ems/ems_schema.h"
#include "ems/quarantine_service.h"
#include "ems/rest_api.h"
#include "ems/session_store.h"
#include "ems/state_db.h"

namespace fabric::ems::fuzz {

struct NullSink : EventSink {
  void write(const std::string&) override {}
};
struct CountingTransport : AgentTransport {
  std::map<ConnId, bool> closed;
  bool send(ConnId conn, const nlohmann::json&) override { return !closed[conn]; }
  void close(ConnId conn, const std::string&) override { closed[conn] = true; }
};

struct Env {
  Env()
      : engine(makeEmsSchema(), "FCTEMS", std::string(32, 'k')),
        db(openStateDb(":memory:")),
        registry(*db), queue(*db), audit(*db),
        events(sink, clock, "FCTEMS", "FCTEMS0000012345"),
        state{engine, registry, queue, audit, events, clock, "FCTEMS0000012345"},
        agents(state, transport), quarantine(state, agents), sessions(clock),
        rest(state, quarantine, sessions) {
    const char* lines[] = {"config system admin", "edit \"admin\"", "set password S3cret!", "next", "end",
                           "config system server", "set remote-https-access enable", "end",
                           "config endpoint profile", "edit \"default\"", "set faz-address 127.0.1.2", "next", "end",
                           "config endpoint gateway-list", "edit \"gl1\"", "config fortigate", "edit \"fgt1\"",
                           "set address 127.0.1.1", "next", "end", "next", "end",
                           "config endpoint assignment-rule", "edit 1", "set profile \"default\"",
                           "set gateway-list \"gl1\"", "next", "end"};
    auto session = engine.openSession();
    for (const char* line : lines) session->execute(line);
    signin();
    agents.onOpen(1, "127.0.5.1");
    agents.onMessage(1, {{"type", "register"}, {"uid", "0123456789ABCDEF0123456789ABCDEF01234567"},
                         {"hostname", "PC-01"}, {"os", "windows"}, {"ip", "127.0.5.1"}});
  }

  // Signs in as admin and keeps the cookies (again after an input signed the session out).
  void signin() {
    cookie.clear();
    csrf.clear();
    http::HttpRequest signin;
    signin.method = "POST";
    signin.path = "/api/v1/auth/signin";
    signin.body = R"({"name":"admin","password":"S3cret!"})";
    signin.remote_address = "127.0.1.1";
    for (const auto& [k, v] : rest.handle(signin).headers) {
      auto value = v.substr(0, v.find(';'));
      if (value.rfind("sessionid=", 0) == 0) cookie += value + "; ";
      if (value.rfind("csrftoken=", 0) == 0) {
        cookie += value;
        csrf = value.substr(10);
      }
    }
  }

  ManualClock clock;
  NullSink sink;
  CountingTransport transport;
  config::Engine engine;
  std::unique_ptr<SqliteDb> db;
  EndpointRegistry registry;
  CommandQueue queue;
  AuditLog audit;
  EmsEvents events;
  EmsState state;
  AgentProtocol agents;
  QuarantineService quarantine;
  SessionStore sessions;
  RestApi rest;
  std::string cookie, csrf;
};

}  // namespace fabric::ems::fuzz
