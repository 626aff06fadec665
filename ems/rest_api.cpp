#include "ems/rest_api.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "ems/agent_protocol.h"

namespace fabric::ems {
namespace {

constexpr std::size_t kMaxBody = 64 * 1024;
constexpr const char* kPrefix = "/api/v1/";

bool isLocalhost(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address == "::ffff:127.0.0.1";
}

std::string methodNotAllowed(const std::string& method) { return "Method \"" + method + "\" not allowed."; }

// {"name": string, ...}: the named string member, or nullopt when absent / not a string.
std::optional<std::string> stringMember(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

http::HttpResponse envelope(int http_status, const std::string& message, const nlohmann::json& data) {
  http::HttpResponse r;
  r.status = http_status;
  nlohmann::json body = {{"result", {{"retval", http_status == 200 ? 1 : -1}, {"message", message}}},
                         {"data", data}};
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

http::HttpResponse RestApi::handle(const http::HttpRequest& request) {
  try {
    if (!isLocalhost(request.remote_address) &&
        state_.config.value({"system server"}, "remote-https-access").value_or("disable") != "enable") {
      return envelope(403, kRemoteAccessDisabled);
    }
    return route(request);
  } catch (const SqliteError& e) {
    return envelope(500, std::string("EMS database error: ") + e.what());
  }
}

http::HttpResponse RestApi::route(const http::HttpRequest& request) {
  std::string path = request.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.rfind(kPrefix, 0) != 0) return envelope(404, "Not found: " + path);
  const std::string rest = path.substr(std::string(kPrefix).size());
  const std::string& method = request.method;

  if (rest == "auth/signin") {
    if (method != "POST") return envelope(405, methodNotAllowed(method));
    return signin(request);
  }
  if (rest == "system/serial_number") {
    if (method != "GET") return envelope(405, methodNotAllowed(method));
  }
  const bool known = rest == "auth/signout" || rest == "system/serial_number" || rest == "endpoints" ||
                     rest == "endpoints/quarantine" || rest == "endpoints/unquarantine" ||
                     rest.rfind("endpoints/", 0) == 0;
  if (!known) return envelope(404, "Not found: " + path);

  // Everything else needs a signed-in administrator.
  const auto cookie = request.cookie("sessionid");
  const auto timeout = std::chrono::minutes(
      std::stoi(state_.config.value({"system server"}, "admin-session-timeout").value_or("30")));
  auto session = cookie ? sessions_.touch(*cookie, timeout) : std::nullopt;
  if (session) {
    const config::Path admin = {"system admin", session->admin};
    if (!state_.config.value(admin, "status") || state_.config.value(admin, "status") != "enable") {
      sessions_.remove(session->id);
      session.reset();
    }
  }
  if (!session) return envelope(401, kNotAuthenticated);

  if (rest == "auth/signout") {
    if (method != "GET" && method != "POST") return envelope(405, methodNotAllowed(method));
    return signout(request);
  }
  if (rest == "system/serial_number") return envelope(200, "Serial number retrieved", state_.serial);
  if (rest == "endpoints/quarantine" || rest == "endpoints/unquarantine") {
    if (method != "POST") return envelope(405, methodNotAllowed(method));
    const auto header = request.header("X-CSRFToken");
    if (!header || *header != session->csrf_token) return envelope(403, kCsrfFailed);
    if (state_.config.value({"system admin", session->admin}, "role") == "read-only") {
      return envelope(403, "Permission denied: administrator \"" + session->admin + "\" is read-only");
    }
    return quarantine(request, *session, rest == "endpoints/quarantine" ? "quarantine" : "unquarantine");
  }
  if (method != "GET") return envelope(405, methodNotAllowed(method));
  if (rest == "endpoints") return endpoints(request);
  return endpoint(rest.substr(std::string("endpoints/").size()));
}

http::HttpResponse RestApi::signin(const http::HttpRequest& request) {
  if (request.body.size() > kMaxBody) return envelope(400, "Invalid request body: larger than 64 KiB");
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return envelope(400, "Invalid request body: not a JSON object");
  auto name = stringMember(body, "name");
  auto password = stringMember(body, "password");
  if (!name || !password) return envelope(400, "Invalid request body: 'name' and 'password' are required strings");

  const config::Path admin = {"system admin", *name};
  std::string reason;
  if (name->empty() || name->size() > 64 || !state_.config.value(admin, "status")) {
    reason = "unknown administrator";
  } else if (state_.config.value(admin, "status") != "enable") {
    reason = "administrator disabled";
  } else if (password->empty()) {
    reason = "empty password";  // an admin without a password cannot sign in over HTTPS
  } else if (!state_.config.verifyPassword(admin, "password", *password)) {
    reason = "wrong password";
  }
  const std::string shown_name = name->substr(0, 64);
  if (!reason.empty()) {
    state_.audit.record({0, state_.now(), shown_name, request.remote_address, "signin", shown_name, "failure", reason});
    state_.events.log(logid::kAdminLoginFailed, "alert", "Admin login failed",
                      {{"user", shown_name}, {"srcip", request.remote_address}, {"method", "https"},
                       {"status", "failed"}, {"reason", reason}});
    return envelope(401, kBadCredentials);
  }
  const AdminSession& s = sessions_.create(*name, request.remote_address);
  state_.audit.record({0, state_.now(), *name, request.remote_address, "signin", *name, "success", ""});
  state_.events.log(logid::kAdminLogin, "information", "Admin login successful",
                    {{"user", *name}, {"srcip", request.remote_address}, {"method", "https"},
                     {"status", "success"}});
  auto r = envelope(200, "Login successful", {{"name", *name}});
  r.headers.push_back({"Set-Cookie", "sessionid=" + s.id + "; HttpOnly; Path=/; SameSite=Lax; Secure"});
  r.headers.push_back({"Set-Cookie", "csrftoken=" + s.csrf_token + "; Path=/; SameSite=Lax; Secure"});
  return r;
}

http::HttpResponse RestApi::signout(const http::HttpRequest& request) {
  const auto id = request.cookie("sessionid").value_or("");
  auto session = sessions_.touch(id, std::chrono::minutes(480));
  const std::string name = session ? session->admin : "";
  sessions_.remove(id);
  state_.audit.record({0, state_.now(), name, request.remote_address, "signout", name, "success", ""});
  state_.events.log(logid::kAdminLogout, "information", "Admin logout successful",
                    {{"user", name}, {"srcip", request.remote_address}, {"method", "https"}});
  auto r = envelope(200, "Logout successful");
  r.headers.push_back({"Set-Cookie", "sessionid=; Max-Age=0; Path=/; Secure"});
  r.headers.push_back({"Set-Cookie", "csrftoken=; Max-Age=0; Path=/; Secure"});
  return r;
}

nlohmann::json RestApi::endpointJson(const EndpointRecord& e, bool with_commands) const {
  const Assignment a = assignEndpoint(state_.config, e.hostname, e.ip, e.os);
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& c : state_.commands.pending(e.uid)) {
    pending.push_back({{"id", c.id}, {"action", c.action}, {"flow_id", c.flow_id}});
  }
  nlohmann::json j = {{"uid", e.uid},
                      {"hostname", e.hostname},
                      {"ip", e.ip},
                      {"mac", e.mac},
                      {"os", e.os},
                      {"os_version", e.os_version},
                      {"user", e.user},
                      {"fctver", e.fctver},
                      {"online", e.online},
                      {"quarantine", {{"state", e.quarantine}, {"since", e.quarantine_since},
                                      {"flow_id", e.quarantine_flow}, {"pending", pending}}},
                      {"profile", a.profile ? nlohmann::json(a.profile->name) : nlohmann::json(nullptr)},
                      {"gateway_list", a.gateway_list.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.gateway_list)},
                      {"assignment_rule", a.rule_id},
                      {"first_seen", e.first_seen},
                      {"last_seen", e.last_seen}};
  if (with_commands) {
    nlohmann::json commands = nlohmann::json::array();
    for (const auto& c : state_.commands.recent(e.uid, 20)) commands.push_back(c.toJson(true));
    j["commands"] = std::move(commands);
  }
  return j;
}

http::HttpResponse RestApi::endpoints(const http::HttpRequest& request) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : state_.endpoints.all()) list.push_back(endpointJson(e, false));
  return envelope(200, "Endpoints retrieved", list);
}

http::HttpResponse RestApi::endpoint(const std::string& uid) {
  if (!isValidUid(uid)) return envelope(404, "Endpoint not found: no endpoint has uid " + uid.substr(0, 64));
  auto e = state_.endpoints.find(uid);
  if (!e) return envelope(404, "Endpoint not found: no endpoint has uid " + uid);
  return envelope(200, "Endpoint retrieved", endpointJson(*e, true));
}

http::HttpResponse RestApi::quarantine(const http::HttpRequest& request, const AdminSession& session,
                                       const std::string& action) {
  if (request.body.size() > kMaxBody) return envelope(400, "Invalid request body: larger than 64 KiB");
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return envelope(400, "Invalid request body: not a JSON object");
  QuarantineRequest q;
  q.action = action;
  q.from_fortigate = true;
  q.client = request.remote_address;
  q.admin = session.admin;
  const bool has_ip = body.contains("ip"), has_uid = body.contains("uid");
  if (has_ip == has_uid) return envelope(400, "Invalid request body: give exactly one of 'ip' or 'uid'");
  if (has_ip) {
    auto ip = stringMember(body, "ip");
    if (!ip || !isValidIpv4(*ip)) return envelope(400, "Invalid request body: 'ip' must be an IPv4 address");
    q.ip = *ip;
  } else {
    auto uid = stringMember(body, "uid");
    if (!uid || !isValidUid(*uid)) {
      return envelope(400, "Invalid request body: 'uid' must be 40 upper-case hex digits");
    }
    q.uid = *uid;
  }
  if (body.contains("flow_id")) {
    auto flow = stringMember(body, "flow_id");
    if (!flow || flow->size() > 64 ||
        !std::all_of(flow->begin(), flow->end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; })) {
      return envelope(400, "Invalid request body: 'flow_id' must be at most 64 letters, digits, '-' or '_'");
    }
    q.flow_id = *flow;
  }
  auto outcome = quarantine_.request(q);
  return envelope(outcome.http_status, outcome.message, outcome.ok() ? outcome.data : nlohmann::json(nullptr));
}

}  // namespace fabric::ems
