#include "forticlient/control_client.h"

#include <ostream>

#include "common/console/local_socket.h"
#include "forticlient/control_protocol.h"
#include "forticlient/status_text.h"

namespace fabric::forticlient {
namespace {

constexpr std::size_t kControlReplyMaxFrame = 256u << 20;

// Sends `request` to the agent of `home`; the reply, or nullopt with the reason printed.
std::optional<nlohmann::json> ask(const std::filesystem::path& home, const nlohmann::json& request,
                                  std::ostream& err) {
  // A fleet's status of thousands of endpoints exceeds the default 1 MiB frame.
  console::LocalSocketClient client(kControlReplyMaxFrame);
  const auto path = controlSocketPath(home);
  if (auto e = client.connect(path); !e.empty()) {
    err << "forticlient: no agent is running in " << home.string() << " (" << e << ")\n";
    return std::nullopt;
  }
  auto reply = client.request(request);
  if (!reply) {
    err << "forticlient: the agent in " << home.string() << " did not answer"
        << (client.error().empty() ? "" : " (" + client.error() + ")") << "\n";
  }
  return reply;
}

std::string text(const nlohmann::json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

int runAct(const ActOptions& options, std::ostream& out, std::ostream& err) {
  auto request = actRequest(options.endpoint, options.words);
  if (auto* e = std::get_if<std::string>(&request)) {
    err << "forticlient act: " << *e << "\n";
    return 1;
  }
  auto reply = ask(options.home, std::get<nlohmann::json>(request), err);
  if (!reply) return 2;
  if (reply->value("type", "") != "act-result") {
    err << "forticlient act: " << text(*reply, "message", reply->dump()) << "\n";
    return 1;
  }
  const bool ok = reply->value("ok", false);
  std::ostream& to = ok ? out : err;
  to << text(*reply, "endpoint") << ": " << text(*reply, "message") << "\n";
  if (auto c = reply->find("connection"); c != reply->end() && c->is_object()) {
    to << "connection: " << text(*c, "detail") << "\n";
  }
  to << text(*reply, "log") << "\n";
  return ok ? 0 : 1;
}

int runStatus(const StatusOptions& options, std::ostream& out, std::ostream& err) {
  nlohmann::json request = {{"type", "status"}};
  if (!options.endpoint.empty()) request["endpoint"] = options.endpoint;
  if (options.brief) request["brief"] = true;
  auto reply = ask(options.home, request, err);
  if (!reply) return 2;
  if (reply->value("type", "") != "status-result") {
    err << "forticlient status: " << text(*reply, "message", reply->dump()) << "\n";
    return 1;
  }
  if (options.json) {
    out << (*reply)["endpoints"].dump(2) << "\n";
    return 0;
  }
  for (const auto& e : (*reply)["endpoints"]) out << formatEndpointStatus(e);
  return 0;
}

int runRelease(const ReleaseOptions& options, std::ostream& out, std::ostream& err) {
  nlohmann::json request = {{"type", "release"}, {"code", options.code}};
  if (!options.endpoint.empty()) request["endpoint"] = options.endpoint;
  auto reply = ask(options.home, request, err);
  if (!reply) return 2;
  const bool ok = reply->value("type", "") == "release-result" && reply->value("ok", false);
  (ok ? out : err) << (ok ? "" : "forticlient release: ") << text(*reply, "message") << "\n";
  return ok ? 0 : 1;
}

}  // namespace fabric::forticlient
