// Fleet start-up: `forticlient fleet --count N` against in-process EMS, FortiGate and FortiAnalyzer
// peers over verified TLS on loopback. Measures the time until ready.json, until all N endpoints
// registered with the EMS, and until all N telemetry links registered with the FortiGate and every
// analyzer stream is up; and the agent's resident memory. Usage: bench_fleet [N] (default 500).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>

#include "common/base/atomic_file.h"
#include "common/tls/pki.h"
#include "fake_peers.h"

namespace fs = std::filesystem;
using namespace fabric::testing;
using Clock = std::chrono::steady_clock;

namespace {

long rssKib(pid_t pid) {
  auto text = fabric::readFile("/proc/" + std::to_string(pid) + "/status");
  if (!text) return -1;
  auto at = text->find("VmRSS:");
  return at == std::string::npos ? -1 : std::stol(text->substr(at + 6));
}

fabric::net::TlsConfig install(const fs::path& dir, const fabric::tls::KeyPair& ca, const std::string& name,
                               const std::string& ip) {
  auto files = fabric::tls::installNodeCertificate(
      dir / name, ca, fabric::tls::issueCertificate(ca, {.common_name = name, .serial_number = name, .ip_addresses = {ip}}));
  return {files.ca, files.cert, files.key, true, ""};
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 500;
  std::random_device rd;
  const std::string net = "127." + std::to_string(100 + rd() % 150) + ".";
  auto ip = [&](int i) { return net + std::to_string(i / 250) + "." + std::to_string(1 + i % 250); };
  const fs::path dir = fs::temp_directory_path() / ("fct-bench-" + std::to_string(rd()));
  auto ca = fabric::tls::makeCertificateAuthority("Fabric Lab CA");
  fabric::net::EventLoop loop;
  loop.start();
  PeerServer ems(loop, install(dir, ca, "FCTEMS0000012345", ip(0)), ip(0));
  PeerServer fgt(loop, install(dir, ca, "FGVM01TM00000001", ip(1)), ip(1));
  SyslogReceiver faz(loop, install(dir, ca, "FAZ-VM0000000001", ip(2)), ip(2));
  if (!ems.error().empty() || !fgt.error().empty() || !faz.up().empty()) {
    std::fprintf(stderr, "cannot listen\n");
    return 1;
  }
  ems.setRegisterReply({{"type", "registered"}, {"ems_serial", "FCTEMS0000012345"},
                        {"profile", {{"name", "Default"}, {"faz_address", ip(2)}, {"faz_port", faz.port()}}},
                        {"gateways", {{{"name", "FGT-A"}, {"address", ip(1)}, {"port", fgt.port()}}}},
                        {"quarantine", {{"state", "none"}, {"since", nullptr}}}});
  fgt.setRegisterReply({{"type", "registered"}, {"fgt_serial", "FGVM01TM00000001"}, {"hostname", "FGT-A"}});
  const fs::path home = dir / "fleet";
  fabric::tls::installNodeCertificate(home, ca, fabric::tls::issueCertificate(ca, {.common_name = "fleet", .ip_addresses = {ip(250)}}));

  auto t0 = Clock::now();
  Daemon agent({std::string(FABRIC_BIN_DIR) + "/forticlient", "fleet", "--home", home.string(), "--ems",
                ip(0) + ":" + std::to_string(ems.port()), "--count", std::to_string(n), "--first-ip", ip(250)},
               dir / "agent");
  auto secs = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const auto limit = std::chrono::seconds(600);
  bool ok = waitUntil([&] { return fs::exists(home / "ready.json"); }, limit);
  double t_ready = secs();
  auto registered = [&](const PeerServer& p) {
    std::size_t k = 0;
    for (const auto& m : p.messages()) k += m.value("type", "") == "register";
    return k;
  };
  ok = ok && waitUntil([&] { return registered(ems) >= static_cast<std::size_t>(n); }, limit);
  double t_ems = secs();
  ok = ok && waitUntil([&] {
    auto peers = faz.peerAddresses();
    return registered(fgt) >= static_cast<std::size_t>(n) &&
           std::set<std::string>(peers.begin(), peers.end()).size() >= static_cast<std::size_t>(n);
  }, limit);
  double t_all = secs();
  long rss = rssKib(agent.pid());
  std::printf("endpoints %d\nready.json            %.2f s\nall EMS registers     %.2f s\n"
              "all FGT registers + FAZ streams %.2f s\nagent RSS             %ld KiB (%.1f KiB/endpoint)\n%s\n",
              n, t_ready, t_ems, t_all, rss, rss / double(n), ok ? "ok" : "TIMED OUT");
  agent.terminate();
  std::error_code ec;
  fs::remove_all(dir, ec);
  return ok ? 0 : 1;
}
