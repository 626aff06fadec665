// fortianalyzer: the FortiAnalyzer daemon (`fortianalyzer --home DIR`) and its console client
// (`fortianalyzer cli --home DIR [-c LINE]...`). All logic is in the fortianalyzer_daemon library.
#include <signal.h>

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/console/console.h"
#include "common/node/node_home.h"
#include "fortianalyzer/daemon/faz_daemon.h"

int main(int argc, char** argv) {
  CLI::App app{"FortiAnalyzer (Fabric Lab): syslog/TLS log receiver, log store and search, IoC engine"};
  fabric::faz::FazDaemonOptions options;
  std::string home;
  app.add_option("--home", home, "node home directory (config, TLS, database, console socket)");
  app.add_option("--listen", options.listen, "address every listener binds to")->capture_default_str();
  std::uint16_t https = 0, udp = 0, tcp = 0, tls = 0;
  auto* https_opt = app.add_option("--https-port", https, "HTTPS API port (overrides system admin setting https_port)");
  auto* udp_opt = app.add_option("--udp-port", udp, "syslog UDP port (overrides system log-receiver)");
  auto* tcp_opt = app.add_option("--tcp-port", tcp, "syslog TCP + FortiGate link port (overrides system log-receiver)");
  auto* tls_opt = app.add_option("--tls-port", tls, "syslog TLS (RFC 5425) port (overrides system log-receiver)");
  int feed_poll_ms = 2000;
  app.add_option("--feed-poll-ms", feed_poll_ms, "how often feed files are checked for changes")->check(CLI::Range(50, 3600000));

  auto* cli = app.add_subcommand("cli", "console client of the daemon running in --home");
  std::string cli_home;
  std::vector<std::string> lines;
  cli->add_option("--home", cli_home, "node home directory")->required();
  cli->add_option("-c", lines, "run this CLI line (repeatable); without -c read lines from stdin");

  CLI11_PARSE(app, argc, argv);

  if (*cli) {
    fabric::node::NodeHome node_home(cli_home, "fortianalyzer");
    fabric::console::ClientOptions client;
    client.socket_path = node_home.consoleSocket();
    client.lines = lines;
    return fabric::console::runConsoleClient(client);
  }
  if (home.empty()) {
    std::fprintf(stderr, "fortianalyzer: --home DIR is required\n");
    return 2;
  }
  options.home = home;
  if (*https_opt) options.https_port = https;
  if (*udp_opt) options.udp_port = udp;
  if (*tcp_opt) options.tcp_port = tcp;
  if (*tls_opt) options.tls_port = tls;
  options.feed_poll = std::chrono::milliseconds(feed_poll_ms);

  // SIGTERM/SIGINT are taken by sigwait below; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  fabric::node::raiseOpenFileLimit();  // one socket per agent link: thousands of endpoints

  fabric::faz::FazDaemon daemon(options);
  std::string error = daemon.start();
  if (!error.empty()) {
    std::fprintf(stderr, "fortianalyzer: %s\n", error.c_str());
    return 1;
  }
  std::fprintf(stderr, "fortianalyzer: ready in %s\n", home.c_str());
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "fortianalyzer: signal %d, stopping\n", sig);
  daemon.stop();
  return 0;
}
