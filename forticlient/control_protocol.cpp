#include "forticlient/control_protocol.h"

#include <algorithm>
#include <cctype>

namespace fabric::forticlient {
namespace {

bool sameText(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

nlohmann::json error(const std::string& message) { return {{"type", "error"}, {"message", message}}; }

}  // namespace

nlohmann::json briefStatus(const EndpointCore& endpoint) {
  const nlohmann::json full = endpoint.status();
  nlohmann::json j = nlohmann::json::object();
  for (const char* key : {"uid", "hostname", "ip", "os", "registered", "fortigates_registered"}) {
    if (auto it = full.find(key); it != full.end()) j[key] = *it;
  }
  j["quarantine"] = {{"state", full.value("/quarantine/state"_json_pointer, std::string("unknown"))}};
  return j;
}

std::optional<std::size_t> selectEndpoint(const std::vector<EndpointCore*>& endpoints,
                                          const std::string& selector, std::string& err) {
  if (selector.empty()) {
    if (endpoints.size() == 1) return 0;
    err = "this agent runs " + std::to_string(endpoints.size()) +
          " endpoints; choose one with --endpoint NAME|IP|UID";
    return std::nullopt;
  }
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const auto& id = endpoints[i]->identity();
    if (sameText(id.hostname, selector) || id.ip == selector || sameText(id.uid, selector)) return i;
  }
  err = "no endpoint named '" + selector + "' (hostname, IP or uid)";
  return std::nullopt;
}

ControlOutcome handleControl(const nlohmann::json& request, const std::vector<EndpointCore*>& endpoints) {
  ControlOutcome out;
  if (!request.is_object()) {
    out.reply = error("a request must be a JSON object with a 'type'");
    return out;
  }
  auto type_it = request.find("type");
  const std::string type = type_it != request.end() && type_it->is_string() ? type_it->get<std::string>() : "";
  std::string selector;
  if (auto it = request.find("endpoint"); it != request.end()) {
    if (!it->is_string()) {
      out.reply = error("'endpoint' must be a string");
      return out;
    }
    selector = it->get<std::string>();
  }
  if (type == "status") {
    auto brief_it = request.find("brief");
    const bool brief = brief_it != request.end() && brief_it->is_boolean() && brief_it->get<bool>();
    auto one = [brief](const EndpointCore& e) { return brief ? briefStatus(e) : e.status(); };
    nlohmann::json list = nlohmann::json::array();
    if (selector.empty()) {
      for (auto* e : endpoints) list.push_back(one(*e));
    } else {
      std::string err;
      auto idx = selectEndpoint(endpoints, selector, err);
      if (!idx) {
        out.reply = error(err);
        return out;
      }
      list.push_back(one(*endpoints[*idx]));
    }
    out.reply = {{"type", "status-result"}, {"endpoints", list}};
    return out;
  }
  if (type != "act" && type != "release") {
    out.reply = error("unknown request type '" + type + "' (act, status or release)");
    return out;
  }
  std::string err;
  auto idx = selectEndpoint(endpoints, selector, err);
  if (!idx) {
    out.reply = error(err);
    return out;
  }
  EndpointCore& core = *endpoints[*idx];
  if (type == "release") {
    auto code = request.find("code");
    if (code == request.end() || !code->is_string()) {
      out.reply = error("release needs the access code ('code')");
      return out;
    }
    Reaction r = core.releaseWithCode(code->get<std::string>());
    bool ok = r.error.empty();
    out.reply = {{"type", "release-result"}, {"ok", ok},
                 {"message", ok ? std::string("released from quarantine") : r.error},
                 {"endpoint", core.identity().hostname}};
    out.endpoint = idx;
    if (ok) out.reaction = std::move(r);
    return out;
  }
  auto activity_json = request.find("activity");
  if (activity_json == request.end()) {
    out.reply = error("act needs an 'activity'");
    return out;
  }
  auto parsed = activityFromJson(*activity_json);
  if (auto* perr = std::get_if<std::string>(&parsed)) {
    out.reply = error(*perr);
    return out;
  }
  const Activity& activity = std::get<Activity>(parsed);
  ActivityOutcome result = core.act(activity);
  out.reply = {{"type", "act-result"}, {"ok", result.ok}, {"message", result.message},
               {"endpoint", core.identity().hostname}, {"log", result.log_line}};
  out.endpoint = idx;
  if (result.ok) out.real_activity = activity;
  return out;
}

std::variant<nlohmann::json, std::string> actRequest(const std::string& endpoint,
                                                     const std::vector<std::string>& words) {
  auto parsed = parseActivity(words);
  if (auto* err = std::get_if<std::string>(&parsed)) return *err;
  nlohmann::json req = {{"type", "act"}, {"activity", std::get<Activity>(parsed).toJson()}};
  if (!endpoint.empty()) req["endpoint"] = endpoint;
  return req;
}

}  // namespace fabric::forticlient
