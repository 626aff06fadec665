#include "scenarios/lab/netns.h"

#include <filesystem>
#include <stdexcept>

#include "common/base/atomic_file.h"
#include "scenarios/lab/process.h"

namespace fabric::lab {
namespace {

namespace fs = std::filesystem;
const char* const kIp = "/usr/sbin/ip";

struct Host {
  std::string ns;
  std::string address;
  std::string veth;  // host side (≤ 15 characters)
};

std::vector<Host> hosts(const LabPlan& plan) {
  std::vector<Host> out;
  const std::string tag = "fl" + std::to_string(plan.octet);
  int i = 0;
  for (const auto& n : plan.nodes) out.push_back({plan.lab_id + "-" + n.name, n.address, tag + "n" + std::to_string(i++)});
  i = 0;
  for (const auto& e : plan.endpoints) out.push_back({plan.lab_id + "-" + e.name, e.address, tag + "e" + std::to_string(i++)});
  out.push_back({internetNamespace(plan), plan.internet_address, tag + "inet"});
  return out;
}

void run(const std::vector<std::string>& command, bool tolerate_failure) {
  std::vector<std::string> args(command.begin() + 1, command.end());
  auto r = runCommand(command[0], args, std::chrono::seconds(10));
  if (r.exit_code != 0 && !tolerate_failure) {
    std::string text;
    for (const auto& w : command) text += (text.empty() ? "" : " ") + w;
    throw std::runtime_error("`" + text + "` failed: " + r.output);
  }
}

}  // namespace

std::string internetNamespace(const LabPlan& plan) { return plan.lab_id + "-internet"; }

std::vector<std::string> labNamespaces(const LabPlan& plan) {
  std::vector<std::string> out;
  for (const auto& h : hosts(plan)) out.push_back(h.ns);
  return out;
}

std::vector<std::vector<std::string>> netnsSetupCommands(const LabPlan& plan) {
  std::vector<std::vector<std::string>> c;
  const std::string gateway = "10." + std::to_string(plan.octet) + ".255.254/16";
  c.push_back({kIp, "link", "add", plan.bridge, "type", "bridge"});
  c.push_back({kIp, "addr", "add", gateway, "dev", plan.bridge});
  c.push_back({kIp, "link", "set", plan.bridge, "up"});
  for (const auto& h : hosts(plan)) {
    c.push_back({kIp, "netns", "add", h.ns});
    c.push_back({kIp, "link", "add", h.veth, "type", "veth", "peer", "name", "eth0", "netns", h.ns});
    c.push_back({kIp, "link", "set", h.veth, "master", plan.bridge});
    c.push_back({kIp, "link", "set", h.veth, "up"});
    c.push_back({kIp, "-n", h.ns, "addr", "add", h.address + "/16", "dev", "eth0"});
    c.push_back({kIp, "-n", h.ns, "link", "set", "eth0", "up"});
    c.push_back({kIp, "-n", h.ns, "link", "set", "lo", "up"});
  }
  return c;
}

std::vector<std::vector<std::string>> netnsTeardownCommands(const LabPlan& plan) {
  std::vector<std::vector<std::string>> c;
  // Deleting a namespace deletes its end of the veth, and with it the host end.
  for (const auto& h : hosts(plan)) c.push_back({kIp, "netns", "del", h.ns});
  c.push_back({kIp, "link", "del", plan.bridge});
  return c;
}

void setupNetwork(const LabPlan& plan) {
  if (!plan.netns) return;
  try {
    for (const auto& command : netnsSetupCommands(plan)) run(command, false);
    for (const auto& h : hosts(plan)) {
      std::string err = writeFileAtomically(fs::path("/etc/netns") / h.ns / "resolv.conf",
                                            "nameserver " + plan.internet_address + "\n");
      if (!err.empty()) {
        fs::create_directories(fs::path("/etc/netns") / h.ns);
        err = writeFileAtomically(fs::path("/etc/netns") / h.ns / "resolv.conf",
                                  "nameserver " + plan.internet_address + "\n");
      }
      if (!err.empty()) throw std::runtime_error(err);
    }
  } catch (...) {
    teardownNetwork(plan);
    throw;
  }
}

void teardownNetwork(const LabPlan& plan) {
  if (!plan.netns) return;
  for (const auto& command : netnsTeardownCommands(plan)) run(command, true);
  std::error_code ec;
  for (const auto& h : hosts(plan)) fs::remove_all(fs::path("/etc/netns") / h.ns, ec);
}

}  // namespace fabric::lab
