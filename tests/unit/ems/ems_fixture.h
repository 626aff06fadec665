#pragma once
// An EMS without sockets: configuration engine, in-memory (or file) state database, stores, event
// lines captured in a vector, a manual clock, and a fake agent transport that records what the
// protocol sends and closes.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/ems_stack.h"

namespace fabric::ems::test {

inline const std::string kKey = "0123456789abcdef0123456789abcdef";
inline const std::string kFgt = "127.0.1.1";   // the FortiGate in gateway list gl1
inline const std::string kUid1 = "0123456789ABCDEF0123456789ABCDEF01234567";
inline const std::string kUid2 = "89ABCDEF0123456789ABCDEF0123456789ABCDEF";

// The lab configuration most tests start from.
inline const std::vector<std::string> kLabConfig = {
    "config system admin",
    "edit \"admin\"",
    "set password S3cret!",
    "next",
    "edit \"viewer\"",
    "set password View3r!",
    "set role read-only",
    "next",
    "end",
    "config system server",
    "set remote-https-access enable",
    "end",
    "config endpoint profile",
    "edit \"default\"",
    "set faz-address 127.0.1.2",
    "next",
    "end",
    "config endpoint gateway-list",
    "edit \"gl1\"",
    "config fortigate",
    "edit \"fgt1\"",
    "set address 127.0.1.1",
    "next",
    "end",
    "next",
    "end",
    "config endpoint assignment-rule",
    "edit 1",
    "set profile \"default\"",
    "set gateway-list \"gl1\"",
    "next",
    "end",
};

struct VectorSink : EventSink {
  std::vector<std::string> lines;
  void write(const std::string& line) override { lines.push_back(line); }
  bool contains(const std::string& text) const {
    for (const auto& l : lines) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

struct FakeTransport : AgentTransport {
  std::map<ConnId, std::vector<nlohmann::json>> sent;
  std::map<ConnId, std::string> closed;
  bool send(ConnId conn, const nlohmann::json& m) override {
    if (closed.count(conn)) return false;
    sent[conn].push_back(m);
    return true;
  }
  void close(ConnId conn, const std::string& reason) override { closed[conn] = reason; }
  std::vector<nlohmann::json> ofType(ConnId conn, const std::string& type) {
    std::vector<nlohmann::json> out;
    for (const auto& m : sent[conn]) {
      if (m.value("type", "") == type) out.push_back(m);
    }
    return out;
  }
};

struct Ems : EmsStack<VectorSink, FakeTransport> {
  explicit Ems(const std::string& db_path = ":memory:", const std::vector<std::string>& config = kLabConfig)
      : EmsStack(kKey, db_path) {
    run(config);
  }

  void run(const std::vector<std::string>& lines) {
    auto session = engine.openSession();
    for (const auto& line : lines) {
      auto r = session->execute(line);
      INFO(line << " -> " << r.output);
      REQUIRE(r.ok());
    }
    agents.onConfigChanged();
  }

  nlohmann::json registerMessage(const std::string& uid, const std::string& ip, const std::string& os = "windows",
                                 const std::string& hostname = "PC-01") {
    return {{"type", "register"}, {"uid", uid}, {"hostname", hostname}, {"os", os},
            {"os_version", "Microsoft Windows 11"}, {"ip", ip}, {"mac", "00-11-22-33-44-55"},
            {"user", "alice"}, {"fctver", "7.0.9.0493"}, {"quarantine", {{"state", "none"}, {"since", 0}}}};
  }

  // Opens link `conn` from `ip` and registers endpoint `uid` on it.
  void connect(ConnId conn, const std::string& uid, const std::string& ip, const std::string& os = "windows") {
    agents.onOpen(conn, ip);
    REQUIRE(agents.onMessage(conn, registerMessage(uid, ip, os)) == "");
  }

  http::HttpRequest request(const std::string& method, const std::string& path, const std::string& body = "",
                            const std::string& from = kFgt) {
    http::HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.remote_address = from;
    if (!cookie.empty()) r.headers.push_back({"Cookie", cookie});
    if (!csrf.empty()) r.headers.push_back({"X-CSRFToken", csrf});
    return r;
  }

  // Signs in as `name` and keeps the cookies for later requests.
  http::HttpResponse signin(const std::string& name = "admin", const std::string& password = "S3cret!",
                            const std::string& from = kFgt) {
    auto r = rest.handle(request("POST", "/api/v1/auth/signin",
                                 nlohmann::json{{"name", name}, {"password", password}}.dump(), from));
    std::string session_id, token;
    for (const auto& [k, v] : r.headers) {
      if (k != "Set-Cookie") continue;
      auto value = v.substr(0, v.find(';'));
      if (value.rfind("sessionid=", 0) == 0) session_id = value.substr(10);
      if (value.rfind("csrftoken=", 0) == 0) token = value.substr(10);
    }
    if (r.status == 200) {
      cookie = "sessionid=" + session_id + "; csrftoken=" + token;
      csrf = token;
    }
    return r;
  }

  http::HttpResponse post(const std::string& path, const nlohmann::json& body, const std::string& from = kFgt) {
    return rest.handle(request("POST", path, body.dump(), from));
  }
  http::HttpResponse get(const std::string& path, const std::string& from = kFgt) {
    return rest.handle(request("GET", path, "", from));
  }

  std::string cookie, csrf;
};

inline nlohmann::json bodyOf(const http::HttpResponse& r) { return nlohmann::json::parse(r.body); }
inline std::string messageOf(const http::HttpResponse& r) {
  return bodyOf(r)["result"]["message"].get<std::string>();
}

}  // namespace fabric::ems::test
