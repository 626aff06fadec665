#pragma once
// A complete EMS without sockets for the fuzz targets: lab configuration, one online endpoint, a
// signed-in admin session. Built once per process.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ems/console_commands.h"
#include "tests/support/ems_stack.h"

namespace fabric::ems::fuzz {

struct NullSink : EventSink {
  void write(const std::string&) override {}
};
struct CountingTransport : AgentTransport {
  std::map<ConnId, bool> closed;
  bool send(ConnId conn, const nlohmann::json&) override { return !closed[conn]; }
  void close(ConnId conn, const std::string&) override { closed[conn] = true; }
};

struct Env : test::EmsStack<NullSink, CountingTransport> {
  Env() : EmsStack(std::string(32, 'k'), ":memory:") {
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

  std::string cookie, csrf;
};

}  // namespace fabric::ems::fuzz
