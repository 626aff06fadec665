// ems: the FortiClient EMS daemon and its console client. Options, wiring and signals only.
#include <csignal>
#include <cstdio>

#include "common/console/console.h"
#include "common/node/node_home.h"
#include "ems/ems_node.h"
#include "ems/ems_options.h"

int main(int argc, char** argv) {
  auto parsed = fabric::ems::parseCommandLine(argc, argv);
  if (parsed.exit_code >= 0) return parsed.exit_code;

  if (auto* cli = std::get_if<fabric::ems::CliOptions>(&parsed.options)) {
    fabric::console::ClientOptions options;
    options.socket_path = std::filesystem::path(cli->home) / "console.sock";
    options.lines = cli->lines;
    options.echo_commands = cli->echo;
    return fabric::console::runConsoleClient(options);
  }

  // SIGTERM/SIGINT are taken by sigwait below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  fabric::node::raiseOpenFileLimit();  // one socket per agent link: thousands of endpoints

  {
    fabric::ems::EmsNode node(std::get<fabric::ems::DaemonOptions>(parsed.options));
    if (auto err = node.start(); !err.empty()) {
      std::fprintf(stderr, "ems: %s\n", err.c_str());
      node.stop();
      return 1;
    }
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "ems: signal %d, shutting down\n", sig);
    node.stop();
  }
  // Printed once the node is destroyed: tests read it as "the shutdown finished cleanly".
  std::fprintf(stderr, "ems: stopped\n");
  return 0;
}
