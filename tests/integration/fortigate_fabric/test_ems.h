#pragma once
// A test EMS peer for the FortiGate's connector: the EMS /api/v1 sign-in, serial number and
// quarantine/unquarantine calls of docs/protocols.md over real HTTPS (common/http HttpsServer),
// with the envelope, session cookie and CSRF check, and switches for the failure modes
// (wrong password, other serial, the EMS's own 403/404/409 refusals). Records every call.

#include <mutex>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http/http.h"

namespace fabric::fortigate::test {

struct EmsCallSeen {
  std::string path;
  nlohmann::json body;
  std::string remote_address;
};

class TestEms {
 public:
  TestEms(http::ServerTls tls, std::string serial, std::string admin, std::string password)
      : serial_(std::move(serial)), admin_(std::move(admin)), password_(std::move(password)),
        server_(std::move(tls), [this](const http::HttpRequest& r) { return handle(r); }, nullptr) {}

  std::string listen(const std::string& address, std::uint16_t port = 0) { return server_.listen(address, port); }
  std::uint16_t port() const { return server_.port(); }
  void stop() { server_.stop(); }

  void setApiSerial(std::string s) {
    std::lock_guard l(m_);
    serial_ = std::move(s);
  }
  // Every quarantine/unquarantine call answers `status` with `message` (200 = accept).
  void setCallAnswer(int status, std::string message) {
    std::lock_guard l(m_);
    call_status_ = status;
    call_message_ = std::move(message);
  }
  std::vector<EmsCallSeen> calls() const {
    std::lock_guard l(m_);
    return calls_;
  }
  int signins() const {
    std::lock_guard l(m_);
    return signins_;
  }
  int refusedSignins() const {
    std::lock_guard l(m_);
    return refused_signins_;
  }

 private:
  static http::HttpResponse reply(int status, int retval, const std::string& message, nlohmann::json data = nullptr) {
    http::HttpResponse r;
    r.status = status;
    r.body = nlohmann::json{{"result", {{"retval", retval}, {"message", message}}}, {"data", data}}.dump();
    return r;
  }

  http::HttpResponse handle(const http::HttpRequest& r) {
    std::lock_guard l(m_);
    if (r.method == "POST" && r.path == "/api/v1/auth/signin") {
      auto body = nlohmann::json::parse(r.body, nullptr, false);
      if (!body.is_object() || body.value("name", "") != admin_ || body.value("password", "") != password_) {
        ++refused_signins_;
        return reply(401, -1, "Invalid username or password.");
      }
      ++signins_;
      session_ = "s" + std::to_string(rng_());
      csrf_ = "c" + std::to_string(rng_());
      auto out = reply(200, 1, "Login successful.", {{"name", admin_}});
      out.headers.emplace_back("Set-Cookie", "sessionid=" + session_ + "; Path=/; HttpOnly");
      out.headers.emplace_back("Set-Cookie", "csrftoken=" + csrf_ + "; Path=/");
      return out;
    }
    if (session_.empty() || r.cookie("sessionid").value_or("") != session_) return reply(401, -1, "Not signed in.");
    if (r.method == "GET" && r.path == "/api/v1/system/serial_number") return reply(200, 1, "", serial_);
    if (r.method == "POST" && (r.path == "/api/v1/endpoints/quarantine" || r.path == "/api/v1/endpoints/unquarantine")) {
      if (r.header("X-CSRFToken").value_or("") != csrf_) return reply(403, -1, "CSRF token missing or incorrect.");
      auto body = nlohmann::json::parse(r.body, nullptr, false);
      calls_.push_back({r.path, body, r.remote_address});
      if (call_status_ != 200) return reply(call_status_, -1, call_message_);
      const bool q = r.path.ends_with("/quarantine");
      return reply(200, 1, q ? "Endpoint quarantined." : "Endpoint released.",
                   {{"uid", body.value("uid", "")}, {"ip", body.value("ip", "")},
                    {"state", q ? "quarantined" : "none"}, {"command_id", static_cast<int>(calls_.size())},
                    {"delivered", true}});
    }
    return reply(404, -1, "Not found.");
  }

  mutable std::mutex m_;
  std::string serial_, admin_, password_;
  std::string session_, csrf_;
  int call_status_ = 200;
  std::string call_message_;
  std::vector<EmsCallSeen> calls_;
  int signins_ = 0, refused_signins_ = 0;
  std::mt19937 rng_{12345};
  http::HttpsServer server_;
};

}  // namespace fabric::fortigate::test
