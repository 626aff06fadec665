// bench_fleet_lab: a fleet of N endpoints against the REAL FortiAnalyzer, EMS and FortiGate.
//
//   build/bin/bench_fleet_lab [N ...]        (default: 1000 2000 5000)
//
// For each N: `fabricctl up --endpoints N --fleet` on a fresh lab in /tmp (it returns once every
// endpoint is registered with the EMS and connected to the FortiGate), then
//   - the time of `up` and of its phases (lab directory with N certificates, fleet ready.json,
//     all linked), as fabricctl prints them;
//   - CPU seconds used so far and RSS of each daemon and of the fleet (RSS / N for the fleet), and
//     each process's CPU while idle for 10 s (heartbeats: the steady cost per endpoint);
//   - log lines shipped: M = N activities (one per endpoint, through the fleet's control socket),
//     lines per second from the first request until the analyzer's store holds all M;
//   - quarantine latency: one endpoint visits a feed domain; time until its agent is quarantined.
// Then `fabricctl down` and the directory is removed. Prints one block per N.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/console/local_socket.h"
#include "scenarios/lab/lab_logs.h"
#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/lab_writer.h"
#include "scenarios/lab/process.h"

using namespace fabric;
using namespace fabric::lab;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

const fs::path kFabricctl = fs::path(FABRIC_BIN_DIR) / "fabricctl";

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct ProcSample {
  double cpu_s = 0;   // utime + stime
  long rss_kib = 0;
};

ProcSample sample(pid_t pid) {
  ProcSample s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> f;
    std::string w;
    while (rest >> w) f.push_back(w);
    // fields after ')' start at field 3 (state); utime is field 14, stime 15.
    if (f.size() > 13) s.cpu_s = (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stol(line.substr(6));
  }
  return s;
}

int openFds(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec); !ec && it != fs::directory_iterator();
       it.increment(ec))
    ++n;
  return n;
}

std::string phase(const std::string& output, const std::string& regex) {
  std::smatch m;
  if (std::regex_search(output, m, std::regex(regex))) return m[1];
  return "?";
}

long long faz_count(const fs::path& faz_home, const std::string& filter) {
  try {
    LabLogs logs(faz_home);
    auto r = logs.search({filter}, 1, true);
    return r.error.empty() ? r.count : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

int runOne(int n) {
  const fs::path dir = fs::temp_directory_path() / ("bench_fleet_lab_" + std::to_string(::getpid()) + "_" + std::to_string(n));
  std::error_code ec;
  fs::remove_all(dir, ec);
  auto t0 = Clock::now();
  auto up = runCommand(kFabricctl, {"up", "--dir", dir.string(), "--endpoints", std::to_string(n), "--fleet",
                                    "--timeout", "120"},
                       std::chrono::minutes(30));
  const double up_s = secondsSince(t0);
  auto down = [&] {
    runCommand(kFabricctl, {"down", "--dir", dir.string()}, std::chrono::minutes(2));
    fs::remove_all(dir, ec);
  };
  if (up.exit_code != 0) {
    std::cerr << "fabricctl up failed for N=" << n << ":\n" << up.output << "\n";
    down();
    return 1;
  }
  const LabPlan plan = readLab(dir);
  auto st = json::parse(runCommand(kFabricctl, {"status", "--dir", dir.string(), "--json"}, std::chrono::minutes(2)).output,
                        nullptr, false);
  std::vector<std::pair<std::string, pid_t>> procs;
  for (const auto& node : st["nodes"]) procs.emplace_back(node.value("name", ""), node.value("pid", 0));
  procs.emplace_back("fleet", st["fleet"].value("pid", 0));

  std::printf("\n== N = %d endpoints (lab %s) ==\n", n, plan.lab_id.c_str());
  std::printf("fabricctl up: %.1f s total; fleet ready.json after %s s; all %d registered + connected %s s later\n", up_s,
              phase(up.output, R"(starting fleet\s+\S+\s+ready in ([0-9.]+)s)").c_str(), n,
              phase(up.output, R"(linking\s+fleet\s+-> ems, fortigate\s+up in ([0-9.]+)s)").c_str());
  std::printf("registered with EMS: %d, connected to FortiGate: %d\n", st["fleet"].value("registered", 0),
              st["fleet"].value("connected", 0));

  std::vector<ProcSample> before;
  for (auto& [name, pid] : procs) before.push_back(sample(pid));
  std::this_thread::sleep_for(std::chrono::seconds(10));
  std::printf("%-14s %10s %10s %14s %8s\n", "process", "CPU-s(up)", "RSS MiB", "idle CPU %", "fds");
  for (std::size_t i = 0; i < procs.size(); ++i) {
    auto after = sample(procs[i].second);
    std::printf("%-14s %10.1f %10.1f %14.1f %8d", procs[i].first.c_str(), before[i].cpu_s, before[i].rss_kib / 1024.0,
                (after.cpu_s - before[i].cpu_s) * 10.0, openFds(procs[i].second));
    if (procs[i].first == "fleet") std::printf("   (%.0f KiB per endpoint)", static_cast<double>(after.rss_kib) / n);
    std::printf("\n");
  }

  // Log lines: one visit per endpoint through the fleet's control socket, from 4 client threads
  // (one synchronous request each at a time), so the driver is not what limits the rate.
  const fs::path faz_home = dir / plan.node("fortianalyzer")->home;
  const fs::path control = dir / plan.fleet_home / "console.sock";
  const std::string marker = "bench" + std::to_string(::getpid()) + ".example";
  console::LocalSocketClient client(64u << 20);
  if (auto err = client.connect(control); !err.empty()) {
    std::cerr << err << "\n";
    down();
    return 1;
  }
  auto lines_start = Clock::now();
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&] {
      console::LocalSocketClient c;
      if (!c.connect(control).empty()) {
        ++failed;
        return;
      }
      for (int i = next++; i < n; i = next++) {
        json req = {{"type", "act"},
                    {"endpoint", plan.endpoints[static_cast<std::size_t>(i)].address},
                    {"activity", {{"kind", "visit"}, {"target", "http://" + marker + "/page" + std::to_string(i)}}}};
        auto reply = c.request(req);
        if (!reply || !reply->value("ok", false)) ++failed;
      }
    });
  }
  for (auto& t : senders) t.join();
  if (failed) std::cerr << failed << " activities failed\n";
  const double submit_s = secondsSince(lines_start);
  long long got = 0;
  auto lines_deadline = Clock::now() + std::chrono::minutes(5);
  while ((got = faz_count(faz_home, "remotename==" + marker)) < n && Clock::now() < lines_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const double lines_s = secondsSince(lines_start);
  std::printf("log lines: %d activities submitted in %.2f s; %lld of them in the analyzer's store after %.2f s "
              "(%.0f lines/s end to end)\n",
              n, submit_s, got, lines_s, static_cast<double>(got) / lines_s);

  // Quarantine latency of one endpoint among N.
  const auto& victim = plan.endpoints[static_cast<std::size_t>(n / 2)];
  auto q0 = Clock::now();
  auto reply = client.request({{"type", "act"},
                               {"endpoint", victim.address},
                               {"activity", {{"kind", "visit"}, {"target", "http://malware.bad.example/invoice.exe"}}}});
  bool quarantined = false;
  auto q_deadline = Clock::now() + std::chrono::minutes(2);
  while (!quarantined && Clock::now() < q_deadline) {
    auto s = client.request({{"type", "status"}, {"endpoint", victim.address}, {"brief", true}});
    quarantined = s && s->value("/endpoints/0/quarantine/state"_json_pointer, std::string()) == "quarantined";
    if (!quarantined) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double q_ms = secondsSince(q0) * 1000.0;
  auto final_status = client.request({{"type", "status"}, {"brief", true}});
  int total_q = 0;
  if (final_status)
    for (const auto& e : (*final_status)["endpoints"]) total_q += e.value("/quarantine/state"_json_pointer, std::string()) == "quarantined";
  std::printf("quarantine: %s visit -> quarantined %s in %.0f ms; quarantined endpoints in the fleet: %d\n",
              victim.name.c_str(), quarantined ? "" : "NOT", q_ms, total_q);
  (void)reply;
  client.close();
  down();
  return quarantined ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 2000, 5000};
  int rc = 0;
  for (int n : sizes) rc |= runOne(n);
  return rc;
}
