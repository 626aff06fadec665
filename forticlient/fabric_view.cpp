#include "forticlient/fabric_view.h"

namespace fabric::forticlient {
namespace {

std::optional<int> port(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  auto p = it->get<long long>();
  if (p < 1 || p > 65535) return std::nullopt;
  return static_cast<int>(p);
}

bool nonEmptyString(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

}  // namespace

nlohmann::json FabricView::toJson() const {
  nlohmann::json j;
  if (profile) {
    j["profile"] = {{"name", profile->name}, {"faz_address", profile->faz_address},
                    {"faz_port", profile->faz_port}};
  } else {
    j["profile"] = nullptr;
  }
  j["gateways"] = nlohmann::json::array();
  for (const auto& g : gateways) {
    j["gateways"].push_back({{"name", g.name}, {"address", g.address}, {"port", g.port}});
  }
  return j;
}

std::variant<FabricView, std::string> parseFabricView(const nlohmann::json& m) {
  FabricView view;
  auto p = m.find("profile");
  if (p == m.end()) return std::string("missing 'profile' (null when none is assigned)");
  if (!p->is_null()) {
    if (!p->is_object()) return std::string("'profile' must be an object or null");
    if (!nonEmptyString(*p, "name")) return std::string("profile has no 'name'");
    if (!nonEmptyString(*p, "faz_address")) return std::string("profile has no 'faz_address'");
    auto faz_port = port(*p, "faz_port");
    if (!faz_port) return std::string("profile 'faz_port' must be an integer 1-65535");
    view.profile = Profile{(*p)["name"], (*p)["faz_address"], *faz_port};
  }
  auto g = m.find("gateways");
  if (g == m.end() || !g->is_array()) return std::string("'gateways' must be an array");
  for (const auto& entry : *g) {
    if (!entry.is_object() || !nonEmptyString(entry, "address")) {
      return std::string("every gateway needs an 'address'");
    }
    auto gport = port(entry, "port");
    if (!gport) return std::string("gateway 'port' must be an integer 1-65535");
    std::string name = entry.contains("name") && entry["name"].is_string()
                           ? entry["name"].get<std::string>()
                           : entry["address"].get<std::string>();
    view.gateways.push_back(Gateway{name, entry["address"], *gport});
  }
  return view;
}

}  // namespace fabric::forticlient
