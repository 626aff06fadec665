#pragma once
// The FortiOS REST API v2 of the FortiGate as a pure function HttpRequest → HttpResponse (no
// sockets; the HttpsServer calls it on the node's EventLoop):
//   POST /logincheck (form or JSON username/secretkey; first byte 0 failed, 1 ok, 2 locked out),
//   GET /logincheck?access_token=…, POST|GET /logout,
//   /api/v2/cmdb/<path>/<name>[/<mkey>…]  GET POST PUT DELETE through Engine::cmdb,
//   GET /api/v2/monitor/system/status, and monitor routes other components add (addMonitor).
// Authentication: `Authorization: Bearer <key>` or `?access_token=<key>` (api-user, trusted hosts),
// or the session cookie of /logincheck with X-CSRFTOKEN on writes. Authorisation: the caller's
// accprofile (read for GET, read-write otherwise). JSON bodies are read whatever the Content-Type.

#include <functional>
#include <map>
#include <variant>
#include <string>

#include <nlohmann/json.hpp>

#include "common/config/engine.h"
#include "common/http/http.h"
#include "fortigate/admin_auth.h"
#include "fortigate/config_store.h"
#include "fortigate/system_info.h"

namespace fabric::fortigate {

class RestApi {
 public:
  // `store` (may be null in tests) attributes REST commits to the caller in the event log.
  RestApi(config::Engine& engine, AdminAuth& auth, SystemInfo& info, ConfigStore* store);

  http::HttpResponse handle(const http::HttpRequest& request);

  // A monitor route, /api/v2/monitor/<path> (e.g. "endpoint-control/record-list"), for `method`.
  // Authenticated and checked against `access_group` (read for GET, read-write otherwise) before
  // the handler runs; `body` is the parsed JSON body (null when none).
  using MonitorHandler = std::function<http::HttpResponse(const http::HttpRequest& request,
                                                          const Principal& caller, const nlohmann::json& body)>;
  void addMonitor(const std::string& method, const std::string& path, const std::string& access_group,
                  MonitorHandler handler);

  // The FortiOS monitor envelope around `results` (status success, serial, version, build).
  nlohmann::json monitorEnvelope(const std::string& method, const std::string& path, const std::string& name,
                                 const nlohmann::json& results) const;
  // A JSON error answer in the same envelope ({"status":"error","http_status":…}).
  http::HttpResponse errorResponse(int status, const std::string& method, const std::string& text = {}) const;

 private:
  struct Route {
    std::string access_group;
    MonitorHandler handler;
  };
  http::HttpResponse loginCheck(const http::HttpRequest& request);
  http::HttpResponse logout(const http::HttpRequest& request);
  http::HttpResponse cmdb(const http::HttpRequest& request, const std::string& rest);
  http::HttpResponse monitor(const http::HttpRequest& request, const std::string& rest);
  // The caller, or the error answer (401 / 403) when there is none.
  std::variant<Principal, http::HttpResponse> authenticate(const http::HttpRequest& request);

  config::Engine& engine_;
  AdminAuth& auth_;
  SystemInfo& info_;
  ConfigStore* store_;
  std::map<std::string, Route> routes_;  // "GET system/status"
};

}  // namespace fabric::fortigate
