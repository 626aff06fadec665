// kill -9 while REST writes are committing: the configuration file is whole, loads, and holds every
// write that was answered 200; the daemon restarts on it.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>

#include "common/config/engine.h"
#include "common/http/http.h"
#include "daemon_harness.h"
#include "fortigate/schema/fortigate_schema.h"

using namespace fgt_it;

TEST_CASE("kill -9 during writes leaves a loadable configuration with every acknowledged write") {
  TempDir tmp;
  const std::string address = randomLoopback();
  const std::uint16_t port = freePort(address);
  const fs::path home = tmp.path / "fgt";
  fs::create_directories(home);
  fabric::writeFileAtomically(home / "fortigate.conf", initialConfig(port));
  Daemon d(home, address);
  std::string error;
  REQUIRE(d.start(error));
  REQUIRE(d.cli(tmp.path, {"config system api-user", "edit \"bot\"", "set accprofile \"super_admin\"", "next", "end"})
              .status == 0);
  auto gen = d.cli(tmp.path, {"execute api-user generate-key bot"});
  const std::string key = gen.out.substr(13, 30);

  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> count{0};
  std::thread writer([&] {
    fabric::http::HttpsClient api(address, port, {home / "tls" / "ca.pem", {}, {}});
    for (int i = 0; !stop; ++i) {
      const std::string name = "addr" + std::to_string(i);
      auto r = api.request("POST", "/api/v2/cmdb/firewall/address",
                           R"({"name":")" + name + R"(","subnet":"10.9.)" + std::to_string(i / 250 % 250) + "." +
                               std::to_string(i % 250 + 1) + R"( 255.255.255.255","comment":")" +
                               std::string(200, 'c') + R"("})",
                           {{"Authorization", "Bearer " + key}});
      if (r.status == 200) {
        std::lock_guard lock(mutex);
        acknowledged.insert(name);
        ++count;
      } else if (!r.ok()) {
        break;  // the daemon is gone
      }
    }
  });
  REQUIRE(waitFor([&] { return count >= 40; }));
  CHECK(d.kill(SIGKILL) == 128 + SIGKILL);
  stop = true;
  writer.join();

  const std::string text = *fabric::readFile(home / "fortigate.conf");
  fabric::config::Engine engine(fabric::fortigate::makeFortiGateSchema(), "FGT", *fabric::readFile(home / "secret.key"));
  auto loaded = engine.load(text);
  INFO(loaded.output);
  REQUIRE(loaded.ok());
  for (const auto& name : acknowledged) CHECK(engine.value({"firewall address", name}, "name").has_value());
  CHECK(engine.secret({"system api-user", "bot"}, "api-key") == key);

  // The stale socket and pid file of the killed daemon do not stop a restart.
  Daemon again(home, address);
  REQUIRE(again.start(error));
  fabric::http::HttpsClient api(address, port, {home / "tls" / "ca.pem", {}, {}});
  auto r = api.request("GET", "/api/v2/cmdb/firewall/address/addr0", {}, {{"Authorization", "Bearer " + key}});
  CHECK(r.status == 200);
  CHECK(again.kill(SIGTERM) == 0);
}
