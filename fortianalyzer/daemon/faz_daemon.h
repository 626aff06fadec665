#pragma once
// FazDaemon: the FortiAnalyzer process — wires the node (faz_node.h) to its sockets: the syslog
// receivers and FortiGate links (syslog_receivers.h), the HTTPS API (faz_api.h) and the local
// console (common/console), in the home directory layout of common/node. main.cpp only parses
// options and waits for SIGTERM/SIGINT.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace fabric::faz {

struct FazDaemonOptions {
  std::filesystem::path home;
  std::string listen = "127.0.0.1";  // the address every listener binds to
  // Override the configuration's ports (0 = any free port; ready.json tells which).
  std::optional<std::uint16_t> https_port;
  std::optional<std::uint16_t> udp_port;
  std::optional<std::uint16_t> tcp_port;
  std::optional<std::uint16_t> tls_port;
  std::chrono::milliseconds feed_poll{2000};
  std::chrono::milliseconds link_heartbeat{5000};
  std::chrono::milliseconds link_timeout{15000};
};

class FazDaemon {
 public:
  explicit FazDaemon(FazDaemonOptions options);
  ~FazDaemon();  // stop()
  // Starts everything and writes ready.json; "" or the reason nothing runs.
  std::string start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabric::faz
