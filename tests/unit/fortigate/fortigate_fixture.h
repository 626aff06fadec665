#pragma once
// A FortiGate's pieces without sockets or threads: engine, event log (temp file), auth, REST API,
// console commands, driven by a ManualClock.
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/base/atomic_file.h"
#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/http/http.h"
#include "fortigate/admin_auth.h"
#include "fortigate/cli_commands.h"
#include "fortigate/config_store.h"
#include "fortigate/event_log.h"
#include "fortigate/rest_api.h"
#include "fortigate/schema/fortigate_schema.h"
#include "fortigate/system_info.h"

namespace fabric::fortigate::test {

inline const std::string kSerial = "FGVM01TM26000001";

struct Fixture {
  std::filesystem::path dir;
  ManualClock clock;
  config::Engine engine{makeFortiGateSchema(), kSerial, "0123456789abcdef0123456789abcdef"};
  SystemInfo info = SystemInfo::fromConfigVersion(kConfigVersion, kSerial);
  EventLog log;
  ConfigStore store;
  AdminAuth auth{engine, clock, &log, kSerial};
  RestApi api{engine, auth, info, &store};
  std::unique_ptr<config::Session> console = engine.openSession();

  static std::filesystem::path tempDir() {
    std::random_device rd;
    auto p = std::filesystem::temp_directory_path() / ("fgt_unit_" + std::to_string(rd()));
    std::filesystem::create_directories(p);
    return p;
  }
  Fixture()
      : dir(tempDir()),
        log(dir / "event.log", clock, kSerial, kSerial),
        store(engine, dir / "fortigate.conf", &log) {
    addFortiGateCommands(engine, info, clock);
    if (!log.open().empty() || !store.open().empty()) throw std::runtime_error("fixture setup failed");
  }
  ~Fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  config::LineResult run(const std::vector<std::string>& lines) {
    config::LineResult last;
    for (const auto& l : lines) {
      last = console->execute(l);
      if (!last.ok()) return last;
    }
    return last;
  }
  // Creates api-user `name` with `profile` (and trusted hosts), returns its new key.
  std::string apiUser(const std::string& name, const std::string& profile,
                      const std::vector<std::string>& trusthosts = {}) {
    std::vector<std::string> lines = {"config system api-user", "edit \"" + name + "\"",
                                      "set accprofile \"" + profile + "\""};
    if (!trusthosts.empty()) {
      lines.push_back("config trusthost");
      int id = 1;
      for (const auto& t : trusthosts) {
        lines.push_back("edit " + std::to_string(id++));
        lines.push_back("set ipv4-trusthost " + t);
        lines.push_back("next");
      }
      lines.push_back("end");
    }
    lines.push_back("next");
    lines.push_back("end");
    auto r = run(lines);
    if (!r.ok()) throw std::runtime_error(r.output);
    auto out = console->execute("execute api-user generate-key " + name).output;
    const std::string marker = "New API key: ";
    return out.substr(marker.size(), kApiKeyLength);
  }
  std::string events() { return readFile(dir / "event.log").value_or(""); }

  static http::HttpRequest request(std::string method, std::string path, std::string body = {},
                                   http::Headers headers = {},
                                   std::vector<std::pair<std::string, std::string>> query = {},
                                   std::string from = "127.0.0.1") {
    http::HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.query = std::move(query);
    r.remote_address = std::move(from);
    return r;
  }
  static http::Headers bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
  static nlohmann::json json(const http::HttpResponse& r) { return nlohmann::json::parse(r.body); }
};

}  // namespace fabric::fortigate::test
