// FortiGate REST API throughput: the handler alone (no sockets), committed writes (config file
// rewritten atomically with fsync per commit, change events), and GETs over real HTTPS (one TLS
// handshake per request, as the EMS connector's and most scripts' clients do).
// Usage: bench_fortigate_rest [entries=1000] [reads=20000] [writes=300] [https=300]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/http/http.h"
#include "common/net/link.h"
#include "common/tls/pki.h"
#include "fortigate/admin_auth.h"
#include "fortigate/config_store.h"
#include "fortigate/event_log.h"
#include "fortigate/rest_api.h"
#include "fortigate/schema/fortigate_schema.h"
#include "fortigate/system_info.h"

using namespace fabric;
namespace fs = std::filesystem;

namespace {

double cpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

struct Timer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = cpuSeconds();
  void report(const char* what, int n) const {
    const double w = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    const double c = cpuSeconds() - cpu;
    std::printf("%-48s %7d in %7.3f s wall, %7.3f s CPU: %9.0f /s wall, %9.0f /CPU-s\n", what, n, w, c, n / w,
                c > 0 ? n / c : 0.0);
  }
};

http::HttpRequest req(std::string method, std::string path, std::string body, const std::string& key) {
  http::HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers = {{"Authorization", "Bearer " + key}};
  r.remote_address = "127.0.0.1";
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int entries = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int reads = argc > 2 ? std::atoi(argv[2]) : 20000;
  const int writes = argc > 3 ? std::atoi(argv[3]) : 300;
  const int https_reads = argc > 4 ? std::atoi(argv[4]) : 300;
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("bench_fgt_" + std::to_string(rd()));
  fs::create_directories(dir);

  RealClock clock;
  const std::string serial = "FGVM01TM26000001";
  config::Engine engine(fortigate::makeFortiGateSchema(), serial, "0123456789abcdef0123456789abcdef");
  fortigate::EventLog log(dir / "event.log", clock, serial, serial);
  fortigate::ConfigStore store(engine, dir / "fortigate.conf", &log);
  if (!log.open().empty() || !store.open().empty()) return 1;
  fortigate::AdminAuth auth(engine, clock, &log, serial);
  auto info = fortigate::SystemInfo::fromConfigVersion(fortigate::kConfigVersion, serial);
  fortigate::RestApi api(engine, auth, info, &store);
  const std::string key = "benchkey0123456789abcdefghijkl";
  auto console = engine.openSession();
  for (const std::string line : {std::string("config system api-user"), std::string("edit \"bot\""),
                                 std::string("set accprofile \"super_admin\""), "set api-key " + key,
                                 std::string("next"), std::string("end")})
    console->execute(line);
  // The table the reads and writes work on, loaded in one go.
  std::string script = "config firewall address\n";
  for (int i = 0; i < entries; ++i)
    script += "edit \"a" + std::to_string(i) + "\"\nset subnet 10." + std::to_string(i / 65536 % 256) + "." +
              std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + " 255.255.255.255\nnext\n";
  script += "end\n";
  for (std::size_t start = 0; start < script.size();) {
    auto nl = script.find('\n', start);
    console->execute(std::string_view(script).substr(start, nl - start));
    start = nl + 1;
  }
  std::printf("firewall address entries: %zu, config file %zu bytes\n", engine.keys({"firewall address"}).size(),
              engine.save().size());

  {
    Timer t;
    int ok = 0;
    for (int i = 0; i < reads; ++i)
      ok += api.handle(req("GET", "/api/v2/cmdb/firewall/address/a" + std::to_string(i % entries), {}, key)).status ==
            200;
    t.report("handler GET cmdb entry (no sockets)", ok);
  }
  {
    Timer t;
    int ok = 0;
    for (int i = 0; i < writes; ++i)
      ok += api.handle(req("POST", "/api/v2/cmdb/firewall/address",
                           R"({"name":"w)" + std::to_string(i) + R"(","subnet":"192.0.2.1 255.255.255.255"})", key))
                .status == 200;
    t.report("handler POST cmdb (commit: fsync'd file + events)", ok);
  }

  // Over HTTPS: a lab certificate, the server on an EventLoop, a client verifying it.
  auto ca = tls::makeCertificateAuthority("bench CA");
  auto node = tls::issueCertificate(ca, {.common_name = serial, .serial_number = serial, .ip_addresses = {"127.0.0.1"}});
  auto files = tls::installNodeCertificate(dir / "home", ca, node);
  net::EventLoop loop;
  loop.start();
  http::HttpsServer server({files.cert, files.key, files.ca, false},
                           [&api](const http::HttpRequest& r) { return api.handle(r); }, &loop);
  if (!server.listen("127.0.0.1", 0).empty()) return 1;
  http::HttpsClient client("127.0.0.1", server.port(), {files.ca, {}, {}});
  {
    Timer t;
    int ok = 0;
    for (int i = 0; i < https_reads; ++i)
      ok += client.request("GET", "/api/v2/cmdb/firewall/address/a" + std::to_string(i % entries), {},
                           {{"Authorization", "Bearer " + key}})
                .status == 200;
    t.report("HTTPS GET cmdb entry (TLS handshake each)", ok);
  }
  server.stop();
  loop.stop();
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
