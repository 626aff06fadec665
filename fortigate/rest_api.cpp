#include "fortigate/rest_api.h"

#include <variant>

namespace fabric::fortigate {
namespace {

constexpr std::string_view kCmdbPrefix = "/api/v2/cmdb/";
constexpr std::string_view kMonitorPrefix = "/api/v2/monitor/";

std::vector<std::string> splitPath(const std::string& rest) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= rest.size()) {
    const auto slash = rest.find('/', start);
    std::string part = rest.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) out.push_back(std::move(part));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

bool isWrite(const std::string& method) { return method != "GET"; }

// Request text (method, path, names) is echoed in answers and may hold any bytes: never throw on
// invalid UTF-8 while answering.
std::string dumpJson(const nlohmann::json& j) { return j.dump(4, ' ', false, nlohmann::json::error_handler_t::replace); }

// JSON whatever the Content-Type says (clients send JSON as x-www-form-urlencoded). Empty → null.
std::optional<nlohmann::json> parseBody(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json();
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

bool allowed(const std::string& level, bool write) {
  return write ? level == "read-write" : (level == "read" || level == "read-write");
}

}  // namespace

RestApi::RestApi(config::Engine& engine, AdminAuth& auth, SystemInfo& info, ConfigStore* store)
    : engine_(engine), auth_(auth), info_(info), store_(store) {
  addMonitor("GET", "system/status", "sysgrp",
             [this](const http::HttpRequest&, const Principal&, const nlohmann::json&) {
               info_.hostname = currentHostname(engine_, info_.serial);
               http::HttpResponse r;
               r.body = dumpJson(monitorEnvelope("GET", "system", "status", systemStatusResults(info_)));
               return r;
             });
}

void RestApi::addMonitor(const std::string& method, const std::string& path, const std::string& access_group,
                         MonitorHandler handler) {
  routes_[method + " " + path] = Route{access_group, std::move(handler)};
}

nlohmann::json RestApi::monitorEnvelope(const std::string& method, const std::string& path,
                                        const std::string& name, const nlohmann::json& results) const {
  return {{"http_method", method}, {"results", results}, {"vdom", "root"},      {"path", path},
          {"name", name},          {"action", ""},       {"status", "success"}, {"serial", info_.serial},
          {"version", info_.version}, {"build", info_.build}};
}

http::HttpResponse RestApi::errorResponse(int status, const std::string& method, const std::string& text) const {
  nlohmann::json j = {{"http_method", method}, {"status", "error"}, {"http_status", status},
                      {"serial", info_.serial}, {"version", info_.version}, {"build", info_.build}};
  if (!text.empty()) j["error_text"] = text;
  http::HttpResponse r;
  r.status = status;
  r.body = dumpJson(j);
  return r;
}

http::HttpResponse RestApi::handle(const http::HttpRequest& request) {
  const std::string& path = request.path;
  if (path == "/logincheck") return loginCheck(request);
  if (path == "/logout") return logout(request);
  if (path.rfind(kCmdbPrefix, 0) == 0) return cmdb(request, path.substr(kCmdbPrefix.size()));
  if (path.rfind(kMonitorPrefix, 0) == 0) return monitor(request, path.substr(kMonitorPrefix.size()));
  return errorResponse(404, request.method);
}

std::variant<Principal, http::HttpResponse> RestApi::authenticate(const http::HttpRequest& request) {
  std::optional<std::string> key;
  if (auto authz = request.header("Authorization")) {
    if (authz->rfind("Bearer ", 0) == 0) key = authz->substr(7);
  }
  if (!key) key = request.param("access_token");
  if (key) {
    auto t = auth_.token(*key, request.remote_address);
    if (t.code == AdminAuth::TokenResult::Code::kInvalid)
      return errorResponse(401, request.method, "invalid API key");
    if (t.code == AdminAuth::TokenResult::Code::kUntrustedHost)
      return errorResponse(401, request.method,
                           "source " + request.remote_address + " is not a trusted host of api-user " +
                               t.principal.user);
    return t.principal;
  }
  auto sid = request.cookie(auth_.sessionCookieName());
  if (!sid) return errorResponse(401, request.method, "not authenticated");
  auto principal = auth_.session(*sid);
  if (!principal) return errorResponse(401, request.method, "session expired or unknown");
  if (isWrite(request.method)) {
    auto csrf = request.header("X-CSRFTOKEN");
    if (!csrf || *csrf != principal->csrf) return errorResponse(403, request.method, "missing or wrong X-CSRFTOKEN");
  }
  return *principal;
}

http::HttpResponse RestApi::loginCheck(const http::HttpRequest& request) {
  http::HttpResponse r;
  r.content_type = "text/html";
  if (request.method == "GET") {
    // Clients probe a token this way and expect 200.
    auto key = request.param("access_token");
    if (!key) return errorResponse(401, "GET", "access_token required");
    auto t = auth_.token(*key, request.remote_address);
    if (t.code != AdminAuth::TokenResult::Code::kOk) return errorResponse(401, "GET", "invalid API key");
    r.body = "1";
    return r;
  }
  if (request.method != "POST") return errorResponse(405, request.method);

  std::string user, password;
  const auto first = request.body.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && request.body[first] == '{') {
    auto j = nlohmann::json::parse(request.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return errorResponse(400, "POST", "body is not valid JSON");
    if (auto it = j.find("username"); it != j.end() && it->is_string()) user = it->get<std::string>();
    if (auto it = j.find("secretkey"); it != j.end() && it->is_string()) password = it->get<std::string>();
  } else {
    for (const auto& [k, v] : http::parseUrlEncoded(request.body)) {
      if (k == "username") user = v;
      if (k == "secretkey") password = v;
    }
  }
  auto result = auth_.login(user, password, request.remote_address);
  switch (result.code) {
    case AdminAuth::LoginResult::Code::kOk:
      r.headers.emplace_back("Set-Cookie", auth_.sessionCookieName() + "=\"" + result.session_id +
                                               "\"; Secure; HttpOnly; path=/");
      r.headers.emplace_back("Set-Cookie", "ccsrftoken=\"" + result.csrf + "\"; path=/; secure");
      r.body = "1document.location=\"/ng/\";\n";
      break;
    case AdminAuth::LoginResult::Code::kLockedOut:
      r.body = "2";
      break;
    case AdminAuth::LoginResult::Code::kFailed:
      r.body = "0";
      break;
  }
  return r;
}

http::HttpResponse RestApi::logout(const http::HttpRequest& request) {
  if (request.method != "POST" && request.method != "GET") return errorResponse(405, request.method);
  if (auto sid = request.cookie(auth_.sessionCookieName())) auth_.logout(*sid, request.remote_address);
  http::HttpResponse r;
  r.content_type = "text/html";
  r.headers.emplace_back("Set-Cookie", auth_.sessionCookieName() + "=\"\"; path=/; max-age=0");
  r.headers.emplace_back("Set-Cookie", "ccsrftoken=\"\"; path=/; max-age=0");
  return r;
}

http::HttpResponse RestApi::cmdb(const http::HttpRequest& request, const std::string& rest) {
  const std::string& method = request.method;
  if (method != "GET" && method != "POST" && method != "PUT" && method != "DELETE")
    return errorResponse(405, method);
  auto who = authenticate(request);
  if (auto* error = std::get_if<http::HttpResponse>(&who)) return *error;
  const Principal& caller = std::get<Principal>(who);

  config::CmdbRequest call;
  call.method = method;
  call.path = splitPath(rest);
  const bool write = isWrite(method);
  if (!allowed(accessLevel(engine_, caller.profile, accessGroupFor(call.path)), write) ||
      (write && isAdministratorTable(call.path) && caller.profile != "super_admin"))
    return errorResponse(403, method, "the admin profile " + caller.profile + " does not allow this");

  for (const auto& [k, v] : request.query)
    if (k != "access_token") call.query.emplace_back(k, v);
  if (write) {
    auto body = parseBody(request.body);
    if (!body) return errorResponse(400, method, "body is not valid JSON");
    call.body = std::move(*body);
  }
  config::CmdbResponse answer;
  {
    ConfigStore::ScopedActor actor(store_, {caller.user, "GUI(" + request.remote_address + ")"});
    answer = engine_.cmdb(call, info_.cmdbContext());
  }
  http::HttpResponse r;
  r.status = answer.http_status;
  r.body = dumpJson(answer.body);
  return r;
}

http::HttpResponse RestApi::monitor(const http::HttpRequest& request, const std::string& rest) {
  std::string path = rest;
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto it = routes_.find(request.method + " " + path);
  if (it == routes_.end()) {
    for (const char* m : {"GET", "POST", "PUT", "DELETE"})
      if (routes_.count(std::string(m) + " " + path)) return errorResponse(405, request.method);
    return errorResponse(404, request.method);
  }
  auto who = authenticate(request);
  if (auto* error = std::get_if<http::HttpResponse>(&who)) return *error;
  const Principal& caller = std::get<Principal>(who);
  const bool write = isWrite(request.method);
  if (!allowed(accessLevel(engine_, caller.profile, it->second.access_group), write))
    return errorResponse(403, request.method, "the admin profile " + caller.profile + " does not allow this");
  nlohmann::json body;
  if (write) {
    auto parsed = parseBody(request.body);
    if (!parsed) return errorResponse(400, request.method, "body is not valid JSON");
    body = std::move(*parsed);
  }
  ConfigStore::ScopedActor actor(store_, {caller.user, "GUI(" + request.remote_address + ")"});
  return it->second.handler(request, caller, body);
}

}  // namespace fabric::fortigate
