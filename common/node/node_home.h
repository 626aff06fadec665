#pragma once
// CONTRACT (written before the implementation; the implementation may add, not change meaning).
//
// A node's home directory, the same layout for fortigate, fortianalyzer, ems and forticlient, so
// fabricctl and the tests find everything in one place (two labs never share a file):
//
//   DIR/<program>.conf     the configuration, FortiOS CLI language, rewritten atomically on commit
//   DIR/secret.key         32 random bytes (0600): the key of reversible secrets (ENC …)
//   DIR/identity.json      {"serial": "FGVM01TM26000001", "hostname": …}; made on first start
//   DIR/tls/               ca.pem, node.pem, node.key (common/tls; self-signed on first start)
//   DIR/console.sock       local console socket (common/console)
//   DIR/<program>.pid      pid of the running daemon (written at start, removed at clean exit)
//   DIR/ready.json         written atomically once every listener is up: {"pid", "serial",
//                          "ports": {"https": 443, "link": 8013, …}, "address"}; removed at exit.
//                          fabricctl and the integration tests wait for this file.
//   DIR/state.db, DIR/*.db SQLite stores of the node
//   DIR/event.log          the node's own event log lines (FortiOS key=value), also sent to the FAZ

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace fabric::node {

struct NodeIdentity {
  std::string serial;    // FGVM…, FAZ-VM…, FCTEMS…, FCT… (agents: the uid)
  std::string hostname;
};

class NodeHome {
 public:
  // Creates DIR when missing. `program` is "fortigate", "fortianalyzer", "ems" or "forticlient".
  NodeHome(std::filesystem::path dir, std::string program);
  const std::filesystem::path& dir() const { return dir_; }
  const std::string& program() const { return program_; }
  std::filesystem::path configFile() const;   // DIR/<program>.conf
  std::filesystem::path consoleSocket() const;
  std::filesystem::path pidFile() const;
  std::filesystem::path readyFile() const;
  std::filesystem::path eventLog() const;
  std::filesystem::path file(const std::string& name) const { return dir_ / name; }

  // Reads DIR/secret.key, creating it (random, 0600) when missing. Throws std::runtime_error.
  std::string secretKey() const;
  // Reads DIR/identity.json, creating it from `serial_prefix` ("FGVM01TM", "FAZ-VM00", "FCTEMS00")
  // plus random digits (16 characters in all) and `default_hostname` when missing.
  NodeIdentity identity(const std::string& serial_prefix, const std::string& default_hostname) const;

  // pid file at start; ready.json once listening; both removed by clearRuntimeFiles().
  void writePid() const;
  void writeReady(const nlohmann::json& info) const;
  void clearRuntimeFiles() const;

  // --- Addition: for clients (`<program> cli`), which must not create the directory ---
  static std::filesystem::path consoleSocketIn(const std::filesystem::path& dir) { return dir / "console.sock"; }

 private:
  std::filesystem::path dir_;
  std::string program_;
};

// Raises this process's soft RLIMIT_NOFILE to its hard limit (daemons call it first thing): a node
// serving thousands of endpoints holds one socket per link, and a fleet agent three per endpoint,
// while shells commonly start programs with a soft limit of 1024. Returns the soft limit now in
// force (unchanged when raising failed).
unsigned long raiseOpenFileLimit();

}  // namespace fabric::node
