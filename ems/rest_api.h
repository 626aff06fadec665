#pragma once
// The EMS REST API under /api/v1 (docs/protocols.md "FortiGate → EMS REST", docs/ems.md), as a
// function HttpRequest → HttpResponse over the EMS state: no sockets. Every answer uses the
// product's envelope {"result":{"retval":…,"message":…},"data":…}; retval 1 is success, -1 an
// error whose kind the HTTP status tells (400 bad body, 401 not signed in, 403 refused, 404 not
// found, 405 method, 409 prerequisite missing, 500 store failure). A refused request changes
// nothing.
//
// Remote HTTPS access: when `config system server` / `remote-https-access` is disabled (the
// default) only localhost (127.0.0.1, ::1) may use the API; any other client gets 403 on every path.

#include <string>

#include <nlohmann/json.hpp>

#include "common/http/http.h"
#include "ems/ems_state.h"
#include "ems/quarantine_service.h"
#include "ems/session_store.h"

namespace fabric::ems {

inline constexpr const char* kRemoteAccessDisabled =
    "Remote HTTPS access is disabled on this EMS (config system server: remote-https-access)";
inline constexpr const char* kNotAuthenticated = "Authentication credentials were not provided.";
inline constexpr const char* kCsrfFailed = "CSRF Failed: CSRF token missing or incorrect.";
inline constexpr const char* kBadCredentials = "Invalid username or password";

class RestApi {
 public:
  RestApi(EmsState& state, QuarantineService& quarantine, SessionStore& sessions)
      : state_(state), quarantine_(quarantine), sessions_(sessions) {}

  http::HttpResponse handle(const http::HttpRequest& request);

 private:
  http::HttpResponse route(const http::HttpRequest& request);
  http::HttpResponse signin(const http::HttpRequest& request);
  http::HttpResponse signout(const http::HttpRequest& request);
  http::HttpResponse endpoints(const http::HttpRequest& request);
  http::HttpResponse endpoint(const std::string& uid);
  http::HttpResponse quarantine(const http::HttpRequest& request, const AdminSession& session,
                                const std::string& action);
  nlohmann::json endpointJson(const struct EndpointRecord& record, bool with_commands) const;

  EmsState& state_;
  QuarantineService& quarantine_;
  SessionStore& sessions_;
};

// The envelope; exposed for the daemon's own error answers.
http::HttpResponse envelope(int http_status, const std::string& message,
                            const nlohmann::json& data = nullptr);

}  // namespace fabric::ems
